"""Exports of the marts for BI tools and spreadsheets: every `dim_`, `fct_` and `mart_` relation of
schema marts (tables and the findings views) as `<name>.parquet` and `<name>.csv` in one folder
(data/exports by default in `fiscalwh run`), written with DuckDB's COPY.

* Parquet keeps the column types (DECIMAL money, DATE, TIMESTAMP): for pandas, Polars, Superset,
  Power BI, or DuckDB itself (`select * from 'data/exports/mart_findings.parquet'`).
* CSV is for spreadsheets: UTF-8 **with a byte-order mark**, comma-separated, a header row, a NULL
  (a blank cell of the document) as an empty field. Excel on a Chinese Windows reads a CSV without
  the mark as GBK and garbles every Chinese name; with it, Excel, WPS, pandas (`utf-8-sig`) and
  DuckDB read the file as UTF-8.

Each file is written to a temporary name and renamed, so a reader never sees half a file; files of
relations no longer in the warehouse are removed, so the folder mirrors schema marts.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .writer import connect

SCHEMA = "marts"
PREFIXES = ("dim_", "fct_", "mart_")
FORMATS = ("parquet", "csv")
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Export:
    """One relation written to the exports folder."""

    relation: str  # marts.<name>
    rows: int
    parquet: Path
    csv: Path


def exported_relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The names of the relations of schema marts that are exported, in name order."""
    names = con.execute("select table_name from information_schema.tables where table_schema = ? order by 1",
                        [SCHEMA]).fetchall()
    return [n for (n,) in names if n.startswith(PREFIXES)]


def _copy(con: duckdb.DuckDBPyConnection, relation: str, target: Path, options: str) -> int:
    """COPY the relation to a temporary file beside target, then rename it; the rows written."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        path = str(temporary).replace("'", "''")
        written = con.execute(f"copy (select * from {relation}) to '{path}' ({options})").fetchall()
        if target.suffix == ".csv":  # prefix the byte-order mark (COPY writes none)
            marked = temporary.with_name(temporary.name + ".bom")
            with open(marked, "wb") as out, open(temporary, "rb") as src:
                out.write(BOM)
                shutil.copyfileobj(src, out, 1 << 20)
            os.replace(marked, temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return int(written[0][0])


def export_marts(db_path: Path | str, out_dir: Path | str, *, lock_wait: float = 0.0) -> list[Export]:
    """Write every exported relation of the warehouse as Parquet and CSV under out_dir (created),
    remove the files of relations that are gone; one Export per relation. The warehouse is opened
    read-only (waiting up to lock_wait s for a writer, as extract.writer.connect)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    exports = []
    with connect(db_path, read_only=True, wait=lock_wait) as con:
        for name in exported_relations(con):
            relation = f"{SCHEMA}.{name}"
            parquet, csv = out / f"{name}.parquet", out / f"{name}.csv"
            rows = _copy(con, relation, parquet, "format parquet")
            _copy(con, relation, csv, "format csv, header true, delimiter ','")
            exports.append(Export(relation, rows, parquet, csv))
    kept = {path for e in exports for path in (e.parquet, e.csv)}
    for fmt in FORMATS:
        for stale in out.glob(f"*.{fmt}"):
            if stale.name.startswith(PREFIXES) and stale not in kept:
                stale.unlink()
    return exports
