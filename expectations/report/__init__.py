"""The findings report: static HTML (inline CSS, no script, works from file://) written after the checks.

    write_report(db_path, out_dir=data/report) -> out_dir/index.html
    fiscalwh report [--db FILE] [--out DIR]

index.html lists every document (agency, year, kind, template variant, tables read, extraction
status, check outcome, findings by severity); doc/<doc_id[:16]>.html lists a document's findings
(rule, severity, message, both sides, difference, suggestion) with their evidence: for a PDF a
picture of the page region with the cells involved boxed (PNG beside the page), for a text or
HTML input the cited lines. Rounding differences (info) come last, folded.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

    from expectations.report.evidence import Document, Finding

__all__ = ["DEFAULT_OUT", "add_arguments", "run_from_args", "write_report"]

DEFAULT_OUT = Path("data/report")


def write_report(db_path: Path, out_dir: Path = DEFAULT_OUT, lock_wait: float = 0.0,
                 doc_ids: list[str] | None = None, workers: int | None = None) -> Path:
    """Write the report of the warehouse at db_path into out_dir (its doc/ folder replaced); the index path.
    With doc_ids, only those documents' pages are written again (an incremental check run), and the index.
    The pages are drawn in `workers` processes (default: the cores, one per PER_WORKER documents)."""
    from expectations.report.evidence import load_documents, load_findings
    from expectations.report.pages import index_html
    from extract.writer import connect

    with connect(db_path, read_only=True, wait=lock_wait) as con:
        docs = load_documents(con)
    shown_docs = docs if doc_ids is None else [d for d in docs if d.doc_id in set(doc_ids)]
    out_dir = Path(out_dir)
    pages = out_dir / "doc"
    if doc_ids is None:
        shutil.rmtree(pages, ignore_errors=True)
    pages.mkdir(parents=True, exist_ok=True)
    workers = workers or min(os.cpu_count() or 1, len(shown_docs) // PER_WORKER)
    # pictures drawn in parallel processes, as extraction does
    with ProcessPoolExecutor(workers) if workers > 1 else contextlib.nullcontext() as pool:
        for start in range(0, len(shown_docs), CHUNK):
            chunk = shown_docs[start:start + CHUNK]
            # a chunk's rows read at once, the file released while they are drawn: a reader holding
            # it keeps writers out, and holding every document's cells would not fit in memory
            with connect(db_path, read_only=True, wait=lock_wait) as con:
                findings = load_findings(con, [doc.doc_id for doc in chunk])
                cells = _printed_cells(con, [doc.doc_id for doc in chunk if doc.file_type == "pdf"])
            work = [(doc, findings[doc.doc_id], cells.get(doc.doc_id, []), pages) for doc in chunk]
            if pool is not None:
                list(pool.map(_document_page, *zip(*work, strict=True), chunksize=4))
            else:
                for args in work:
                    _document_page(*args)
    index = out_dir / "index.html"
    index.write_text(index_html(docs, Path(db_path).name, datetime.now()), encoding="utf-8")
    return index.resolve()


PER_WORKER = 8  # documents a process is started for (starting one costs about what drawing 8 does)
CHUNK = 200  # documents read from the warehouse at a time


def _printed_cells(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> dict[str, list[tuple]]:
    """PDFs' printed cells (where the evidence is looked for on their pages), by document."""
    cells: dict[str, list[tuple]] = {}
    for doc_id, *cell in con.execute(
            "select doc_id, table_code, row_index, column_key, raw_text, page, row_label, subject_code "
            "from raw.table_cells where doc_id in (select unnest(?)) order by doc_id, page, table_code, row_index, "
            "column_key", [doc_ids]).fetchall():
        cells.setdefault(doc_id, []).append(tuple(cell))
    return cells


def _document_page(doc: Document, findings: list[Finding], cells: list, pages: Path) -> None:
    """doc/<slug>.html and its pictures, replacing the document's earlier ones."""
    from expectations.report.pages import document_html
    from expectations.report.render import show_document

    for old in [*pages.glob(f"{doc.slug}.html"), *pages.glob(f"{doc.slug}-*.png")]:
        old.unlink()
    shown = show_document(doc, findings, cells, pages)
    (pages / f"{doc.slug}.html").write_text(document_html(doc, shown), encoding="utf-8")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `fiscalwh report`."""
    from extract.cli import DEFAULT_DB, add_lock_wait

    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help="DuckDB warehouse file (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="report folder (default: %(default)s)")
    add_lock_wait(parser)


def run_from_args(args: argparse.Namespace) -> int:
    from extract.writer import LOCKED, WarehouseLocked

    if not args.db.exists():
        print(f"error: no such database: {args.db}", file=sys.stderr)
        return 2
    try:
        index = write_report(args.db, args.out, args.lock_wait)
    except WarehouseLocked as exc:
        print(f"fiscalwh report: {exc}", file=sys.stderr)
        return LOCKED
    print(f"Findings report: {index}")
    return 0
