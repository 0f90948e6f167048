"""Write DocumentResults into the raw schema of a DuckDB file, idempotently (keyed by doc_id)."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from . import extractor_version
from .catalogue import catalogue_rows
from .lake import is_lake, without_keys
from .records import DocumentResult, ExtractionIssue

log = logging.getLogger(__name__)

_HERE = Path(__file__).parent
# Schema audit, which the identity checks fill after dbt builds (expectations/store.py owns it).
AUDIT_SCHEMA = _HERE.parent / "expectations" / "audit_schema.sql"
CORE_TABLES = ("documents", "document_tables", "table_cells", "extraction_issues")
# Oldest DuckDB release whose clients must open the warehouse (BI drivers lag behind): a file is
# created in its storage format, and later writers keep the format of the file they open.
STORAGE_COMPATIBILITY = "v1.4.0"
CONNECT_CONFIG = {"storage_compatibility_version": STORAGE_COMPATIBILITY}


DEFAULT_LOCK_WAIT = 5.0  # seconds to wait for a warehouse another process holds
LOCKED = 3  # exit status of the commands when the warehouse stays locked
LOCK_POLL = 0.5  # seconds between attempts to open it
# A DuckLake commit that conflicts with another writer's (the same document, written twice at once) is
# retried, with the document rewritten whole: the later writer wins, neither is stored as failed.
CONFLICT_ATTEMPTS = 5
CONFLICT_WAIT = 0.2  # seconds, times the attempt
_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


@dataclass(frozen=True)
class LockHolder:
    """The process holding a DuckDB file, as DuckDB's lock error names it (None: not named)."""

    program: str | None
    pid: int | None

    def __str__(self) -> str:
        return f"{self.program} (PID {self.pid})" if self.pid is not None else "another process"


def lock_holder(message: str) -> LockHolder | None:
    """The holder named by a DuckDB IO error, or None when the error is not a lock conflict."""
    if "Could not set lock on file" not in message:
        return None
    found = _HOLDER.search(message)
    return LockHolder(found["program"], int(found["pid"])) if found else LockHolder(None, None)


class WarehouseLocked(Exception):
    """Another process held the warehouse for longer than we were allowed to wait (exit status 3)."""

    def __init__(self, db_path: Path | str, holder: LockHolder, waited: float):
        super().__init__(f"warehouse {db_path} is locked by {holder}; gave up after {waited:.1f} s "
                         "(--lock-wait SECONDS waits longer)")
        self.db_path, self.holder, self.waited = Path(db_path), holder, waited


def connect(db_path: Path | str, *, read_only: bool = False, wait: float = 0.0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a new file is created readable by DuckDB 1.4 and later clients.

    While another process holds the file, retry every LOCK_POLL seconds for up to `wait` seconds,
    then raise WarehouseLocked naming the holder.
    """
    if not read_only:
        Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    while True:
        try:
            if read_only:
                return duckdb.connect(str(db_path), read_only=True)
            return duckdb.connect(str(db_path), config=dict(CONNECT_CONFIG))
        except duckdb.IOException as exc:
            holder = lock_holder(str(exc))
            waited = time.monotonic() - started
            if holder is None:
                raise
            if waited >= wait:
                raise WarehouseLocked(db_path, holder, waited) from None
            time.sleep(min(LOCK_POLL, wait - waited))


def publish(source: Path | str, target: Path | str, *, wait: float = 0.0) -> float:
    """Copy the warehouse to target atomically, for BI tools; returns the seconds it took.

    The source is checkpointed (its WAL folded in) and closed, then copied under a shared lock
    (the kind DuckDB readers take: no writer can open the file meanwhile) to a temporary file
    beside target, fsynced and renamed over target. A reader holding the old target keeps reading
    it; a new reader opens the new copy. No connection to source may be open in this process
    (closing any descriptor of a file drops the process's locks on it).
    """
    started = time.monotonic()
    deadline = started + wait
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    while True:
        with connect(source, wait=max(0.0, deadline - time.monotonic())) as con:
            con.execute("checkpoint")
        with open(source, "rb") as src:
            try:
                fcntl.lockf(src, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:  # a writer opened it since: wait for it in connect, which names it
                continue
            try:
                with open(temporary, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                    dst.flush()
                    os.fsync(dst.fileno())
                os.replace(temporary, target)
            finally:
                temporary.unlink(missing_ok=True)
        break
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a crash
    finally:
        os.close(folder)
    return time.monotonic() - started


def schema_files() -> list[Path]:
    return [_HERE / "schema.sql", *sorted(_HERE.glob("schema_*.sql"))]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The raw tables (created when missing), the catalogue.* tables (replaced) and the audit tables
    the checks fill (created empty when missing: the dbt views over them build before any check ran)."""
    ddl = without_keys if is_lake(con) else str  # a DuckLake has no PRIMARY KEY constraints
    for path in schema_files():
        con.execute(ddl(path.read_text(encoding="utf-8")))
    write_catalogue(con)
    con.execute(ddl(AUDIT_SCHEMA.read_text(encoding="utf-8")))
    _widen_money(con)


def _widen_money(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse written when money kept two decimals (DECIMAL(18,2)) gets its columns widened to
    the schema's DECIMAL(24,6) (a no-op on newer ones): every printed decimal fits."""
    for schema, table, column in con.execute(
            "select c.table_schema, c.table_name, c.column_name from information_schema.columns c "
            "join information_schema.tables t using (table_schema, table_name) "
            "where t.table_type = 'BASE TABLE' and c.table_schema in ('raw', 'audit') "
            "and c.data_type = 'DECIMAL(18,2)'").fetchall():
        con.execute(f'alter table {schema}.{table} alter column "{column}" type DECIMAL(24, 6)')


_SQL_TYPES = {bool: "BOOLEAN", int: "INTEGER"}


def write_catalogue(con: duckdb.DuckDBPyConnection) -> None:
    """The table catalogue (extract/catalogue.yml) as tables of schema catalogue, for dbt and BI."""
    con.execute("create schema if not exists catalogue")
    for table, rows in catalogue_rows().items():
        columns = list(rows[0])
        types = [next((_SQL_TYPES.get(type(r[c]), "VARCHAR") for r in rows if r[c] is not None), "VARCHAR")
                 for c in columns]
        con.execute(f"create or replace table catalogue.{table} "
                    f"({', '.join(f'{c} {t}' for c, t in zip(columns, types, strict=True))})")
        con.executemany(f"insert into catalogue.{table} values ({', '.join('?' for _ in columns)})",
                        [[r[c] for c in columns] for r in rows])


def raw_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'raw' order by 1").fetchall()]


@dataclass(frozen=True)
class DecimalColumn:
    """A DECIMAL(precision, scale) column of a raw table, as declared in the schema files."""

    table: str
    column: str
    precision: int
    scale: int
    nullable: bool

    def fits(self, value: object) -> bool:
        """Whether the value is stored without overflow once rounded to the scale (half away from 0)."""
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        half_unit = Decimal(5).scaleb(-self.scale - 1)
        return number.is_finite() and abs(number) < Decimal(10) ** (self.precision - self.scale) - half_unit

    def __str__(self) -> str:
        return f"raw.{self.table}.{self.column} DECIMAL({self.precision},{self.scale})"


def decimal_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[DecimalColumn]]:
    """Raw table -> its DECIMAL columns."""
    columns: dict[str, list[DecimalColumn]] = {}
    for table, *rest in con.execute(
            "select table_name, column_name, numeric_precision, numeric_scale, is_nullable = 'YES' "
            "from information_schema.columns where table_schema = 'raw' and data_type like 'DECIMAL%' "
            "order by table_name, ordinal_position").fetchall():
        columns.setdefault(table, []).append(DecimalColumn(table, *rest))
    return columns


def _within_range(rows: list[dict], columns: list[DecimalColumn], issues: list[ExtractionIssue]) -> list[dict]:
    """Rows whose values fit their DECIMAL columns: a value out of range becomes NULL (the row is
    dropped when the column is NOT NULL), with an error issue keeping the printed text."""
    kept = []
    for row in rows:
        bad = [c for c in columns if row.get(c.column) is not None and not c.fits(row[c.column])]
        for column in bad:
            printed = row.get("raw_text") or row.get("raw_value") or str(row[column.column])
            issues.append(ExtractionIssue(
                "error", f"{row[column.column]} does not fit {column}: "
                         + ("stored as NULL" if column.nullable else "row not stored") + f" (printed: {printed})",
                row.get("table_code"), row.get("source_line"), row.get("page"), printed))
        if all(c.nullable for c in bad):
            kept.append({**row, **{c.column: None for c in bad}})
    return kept


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Insert rows (dicts keyed by column) as one Arrow table, DuckDB casting each column to its type
    (executemany costs DuckDB 1.4 about 1.5 ms a row, this some µs). Values Arrow cannot put in one
    column (mixed kinds) go in multi-row VALUES statements instead, each value cast as executemany's are."""
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(columns)
    try:
        batch = pa.Table.from_pylist([{c: row.get(c) for c in columns} for row in rows])
    except (pa.ArrowException, OverflowError):
        types = {name: kind for name, kind, *_ in con.execute(f"describe raw.{table}").fetchall()}
        values = "(" + ", ".join(f"cast(? as {types[c]})" for c in columns) + ")"
        for start in range(0, len(rows), 1000):
            part = rows[start:start + 1000]
            con.execute(f"insert into raw.{table} ({names}) values {', '.join([values] * len(part))}",
                        [row.get(c) for row in part for c in columns])
        return
    con.register("fiscalwh_rows", batch)
    try:
        con.execute(f"insert into raw.{table} ({names}) select {names} from fiscalwh_rows")
    finally:
        con.unregister("fiscalwh_rows")


def write_document(con: duckdb.DuckDBPyConnection, result: DocumentResult, file_path: str | None,
                   n_pages: int | None = None) -> None:
    """Replace everything stored for this document by this extraction, in one transaction.

    Values out of their column's range are stored as NULL with an error issue (result becomes
    partial). If the write still fails, the document is stored as failed with the error (a
    documents row only) and result says so: one document never stops a batch.
    """
    try:
        _write(con, result, file_path, n_pages)
    except Exception as exc:
        log.exception("writing %s failed", result.file_name)
        result.status, result.error = "failed", f"write failed: {type(exc).__name__}: {exc}"[:1000]
        result.tables, result.cells, result.issues, result.extra = [], [], [], {}
        _write(con, result, file_path, n_pages)


def _write(con: duckdb.DuckDBPyConnection, result: DocumentResult, file_path: str | None,
           n_pages: int | None) -> None:
    doc = result.doc_id
    tables = {
        # vars(): the records are flat dataclasses; asdict's deep copy was 2/5 of a document's write
        "document_tables": [{"doc_id": doc, **vars(t)} for t in result.tables],
        "table_cells": [{"doc_id": doc, **vars(c)} for c in result.cells],
        **{table: [{"doc_id": doc, **row} for row in rows] for table, rows in result.extra.items()},
    }
    range_issues: list[ExtractionIssue] = []
    for table, columns in decimal_columns(con).items():
        if tables.get(table):
            tables[table] = _within_range(tables[table], columns, range_issues)
    if range_issues:
        result.issues.extend(range_issues)
        if result.status == "ok":
            result.status = "partial"
        result.error = "; ".join(filter(None, [result.error, *(i.message for i in range_issues)]))[:1000]
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        con.execute("begin transaction")
        try:
            # a document's rows are written in one transaction with its documents row: without that row it
            # has none to replace (each delete scans its whole table: a new document's write grew with the
            # warehouse, 117 ms at 200 documents)
            if con.execute("select count(*) from raw.documents where doc_id = ?", [doc]).fetchall()[0][0]:
                for table in raw_tables(con):
                    con.execute(f"delete from raw.{table} where doc_id = ?", [doc])
            _insert(con, "documents", [{
                "doc_id": doc, "file_name": result.file_name, "file_path": file_path,
                "file_type": result.file_type, "agency_name": result.agency_name,
                "fiscal_year": result.fiscal_year, "doc_kind": result.doc_kind, "unit": result.unit,
                "template_variant": result.template_variant, "is_consolidated": result.is_consolidated,
                "revision_mark": result.revision_mark, "publication_date": result.publication_date,
                "status": result.status, "error": result.error, "n_pages": n_pages,
                "extractor_version": extractor_version(),
                "extracted_at": datetime.now(UTC).replace(tzinfo=None),
            }])
            for table, rows in tables.items():
                _insert(con, table, rows)
            _insert(con, "extraction_issues", [
                {"doc_id": doc, "issue_index": i, **vars(issue)} for i, issue in enumerate(result.issues)
            ])
            con.execute("commit")
            return
        except Exception as exc:
            with contextlib.suppress(duckdb.TransactionException):  # a failed commit has ended it already
                con.execute("rollback")
            if attempt == CONFLICT_ATTEMPTS or "conflict" not in str(exc).lower():
                raise
            time.sleep(CONFLICT_WAIT * attempt)  # another writer of a DuckLake committed first: again
