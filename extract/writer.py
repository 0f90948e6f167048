"""Write DocumentResults into the raw schema of a DuckDB file, idempotently (keyed by doc_id)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from . import __version__
from .records import DocumentResult

_HERE = Path(__file__).parent
CORE_TABLES = ("documents", "document_tables", "table_cells", "extraction_issues")


def schema_files() -> list[Path]:
    return [_HERE / "schema.sql", *sorted(_HERE.glob("schema_*.sql"))]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for path in schema_files():
        con.execute(path.read_text(encoding="utf-8"))


def raw_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'raw' order by 1").fetchall()]


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    placeholders = ", ".join("?" for _ in columns)
    con.executemany(
        f"insert into raw.{table} ({', '.join(columns)}) values ({placeholders})",
        [[row.get(c) for c in columns] for row in rows],
    )


def write_document(con: duckdb.DuckDBPyConnection, result: DocumentResult, file_path: str | None,
                   n_pages: int | None = None) -> None:
    """Replace everything stored for this document by this extraction, in one transaction."""
    doc = result.doc_id
    con.execute("begin transaction")
    try:
        for table in raw_tables(con):
            con.execute(f"delete from raw.{table} where doc_id = ?", [doc])
        _insert(con, "documents", [{
            "doc_id": doc, "file_name": result.file_name, "file_path": file_path,
            "file_type": result.file_type, "agency_name": result.agency_name,
            "fiscal_year": result.fiscal_year, "doc_kind": result.doc_kind, "unit": result.unit,
            "status": result.status, "error": result.error, "n_pages": n_pages,
            "extractor_version": __version__, "extracted_at": datetime.now(timezone.utc).replace(tzinfo=None),
        }])
        _insert(con, "document_tables", [{"doc_id": doc, **dataclasses.asdict(t)} for t in result.tables])
        _insert(con, "table_cells", [{"doc_id": doc, **dataclasses.asdict(c)} for c in result.cells])
        _insert(con, "extraction_issues", [
            {"doc_id": doc, "issue_index": i, **dataclasses.asdict(issue)} for i, issue in enumerate(result.issues)
        ])
        for table, rows in result.extra.items():
            _insert(con, table, [{"doc_id": doc, **row} for row in rows])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
