"""Extract documents (load -> locate -> parse -> metadata) and write them to DuckDB."""

from __future__ import annotations

import hashlib
import logging
import os
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from . import meta
from .load import SUPPORTED_SUFFIXES, LoadedDocument, LoadError, load_document, sha256_file
from .locate import TableRegion, locate_tables
from .parsers import TableParse, parse_region
from .narrative import extract_narrative
from .performance import extract_performance
from .records import DocumentResult, ExtractionIssue, Row, TableRecord
from .templates import STANDARD_CODES
from .writer import ensure_schema, write_document

log = logging.getLogger(__name__)

REQUIRED_CODES = tuple(c for c in STANDARD_CODES if c != "T10")  # T10 is optional in the template

# Extractors of further raw tables: rows -> {raw table name: [row dicts]}.
ExtraExtractor = Callable[[list[Row]], dict[str, list[dict]]]


def extra_extractors() -> list[ExtraExtractor]:
    return [extract_performance, extract_narrative]


@dataclass
class Extraction:
    """A document's result plus what the writer needs beside it."""

    result: DocumentResult
    file_path: str
    n_pages: int | None = None


def _is_real_table(region: TableRegion) -> bool:
    """A table-of-contents entry is followed by other entries, not by a header or a unit line."""
    return any(k in r.text for r in region.rows[:12] for k in ("单位", "项目", "栏次", "科目"))


def _best_parse(regions: list[TableRegion]) -> tuple[TableRegion, TableParse] | None:
    parses = [(r, parse_region(r)) for r in regions if _is_real_table(r)]
    if not parses:
        return None
    return max(parses, key=lambda rp: (sum(c.value is not None for c in rp[1].cells), len(rp[1].cells)))


def _table_record(region: TableRegion, parsed: TableParse) -> TableRecord:
    has_values = any(c.value is not None for c in parsed.cells)
    if has_values:
        status, note = ("partial" if parsed.issues else "ok"), None
    elif region.states_no_data():
        status, note = "empty", "the document states the table has no data"
    else:
        status, note = "empty", "no values printed"
    return TableRecord(parsed.code, region.title, status, len(parsed.cells),
                       region.title_row.source_line, region.title_row.page, note)


def extract_tables(loaded: LoadedDocument, result: DocumentResult) -> None:
    by_code: dict[str, list[TableRegion]] = {}
    for region in locate_tables(loaded.rows):
        by_code.setdefault(region.template.code, []).append(region)
    for code in sorted(by_code):
        best = _best_parse(by_code[code])
        if best is None:
            continue
        region, parsed = best
        result.tables.append(_table_record(region, parsed))
        result.cells.extend(parsed.cells)
        result.issues.extend(parsed.issues)


def extract_document(path: Path, sha256: str | None = None) -> Extraction:
    """Extract one file (sha256: its digest, when already computed). Never raises: a failure is a
    document with status failed and its error."""
    path = Path(path)
    result = DocumentResult(doc_id="", file_name=path.name, file_type=path.suffix.lower().lstrip(".") or "unknown")
    extraction = Extraction(result, str(path.resolve()))
    try:
        result.doc_id = sha256 or sha256_file(path)
        loaded = load_document(path)
        result.file_type = loaded.file_type
        extraction.n_pages = loaded.n_pages
        result.issues.extend(loaded.issues)
        extract_tables(loaded, result)
        rows = loaded.rows
        result.agency_name = meta.agency_name(rows)
        result.fiscal_year = meta.fiscal_year(rows)
        result.unit = meta.unit(rows)
        with_data = sum(t.status != "empty" for t in result.tables)
        result.doc_kind = meta.doc_kind(rows, with_data)
        for extractor in extra_extractors():
            _run_extra(extractor, rows, result)
        _set_status(result)
    except LoadError as exc:
        _fail(result, str(exc))
    except Exception as exc:  # a parser bug must not stop the batch; keep the trace as evidence
        log.exception("extraction of %s failed", path)
        _fail(result, f"{type(exc).__name__}: {exc}")
        result.issues.append(ExtractionIssue("error", traceback.format_exc(limit=5)))
    if not result.doc_id:  # unreadable file: key it by its path so it is still recorded
        result.doc_id = "unreadable:" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()
    return extraction


def _run_extra(extractor: ExtraExtractor, rows: list[Row], result: DocumentResult) -> None:
    """An extra extractor that fails costs its own rows only, recorded as an error."""
    try:
        for table, extra_rows in extractor(rows).items():
            result.extra.setdefault(table, []).extend(extra_rows)
    except Exception as exc:
        log.exception("%s failed on %s", extractor.__name__, result.file_name)
        result.issues.append(ExtractionIssue("error", f"{extractor.__name__}: {type(exc).__name__}: {exc}"))


def _fail(result: DocumentResult, error: str) -> None:
    result.status, result.error = "failed", error
    result.tables, result.cells, result.extra = [], [], {}


def _set_status(result: DocumentResult) -> None:
    """partial: a standard table is missing or misread, or an extractor failed; the why in error."""
    found = {t.table_code for t in result.tables}
    reasons = []
    if result.doc_kind == "final_accounts":
        for code in (c for c in REQUIRED_CODES if c not in found):
            result.issues.append(ExtractionIssue("warning", f"standard table {code} not found", code))
            reasons.append(f"{code} not found")
        reasons += [f"{t.table_code} read with issues" for t in result.tables if t.status == "partial"]
    reasons += [i.message.splitlines()[0] for i in result.issues if i.severity == "error"]
    if reasons:
        result.status, result.error = "partial", "; ".join(reasons)[:1000]


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files named, and supported files found below folders named (sorted, hidden files skipped)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*"))
                         if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith("."))
        else:
            found.append(path)
    return found


@dataclass
class Summary:
    documents: dict[str, int] = field(default_factory=dict)  # status -> count
    skipped: int = 0
    tables: int = 0
    cells: int = 0
    issues: int = 0

    def __str__(self) -> str:
        docs = ", ".join(f"{n} {s}" for s, n in sorted(self.documents.items())) or "none"
        return (f"documents: {sum(self.documents.values())} extracted ({docs}), {self.skipped} unchanged; "
                f"tables: {self.tables}; cells: {self.cells}; issues: {self.issues}")


def known_documents(con: duckdb.DuckDBPyConnection) -> set[str]:
    from . import __version__
    return {r[0] for r in con.execute(
        "select doc_id from raw.documents where extractor_version = ?", [__version__]).fetchall()}


def pending_files(files: list[Path], known: set[str]) -> tuple[list[tuple[Path, str | None]], int]:
    """(path, sha256) of the files to extract, and how many are unchanged: already in `known`
    or a copy of a file before them. A file that cannot be read (digest None) is kept, so that
    it is recorded as failed."""
    pending: list[tuple[Path, str | None]] = []
    seen = set(known)
    for path in files:
        try:
            digest = sha256_file(path)
        except OSError:
            digest = None
        if digest is not None and digest in seen:
            continue
        seen.add(digest)
        pending.append((path, digest))
    return pending, len(files) - len(pending)


def extract_paths(paths: Iterable[Path], db_path: Path, *, workers: int | None = None,
                  force: bool = False) -> Summary:
    """Extract every file (in parallel processes) and write each to the DuckDB file.

    A file already extracted by this extractor version (same sha256), or a copy of one in the
    batch, is skipped unless force.
    """
    files = discover(paths)
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    summary = Summary()
    with duckdb.connect(str(db_path)) as con:
        ensure_schema(con)
        todo, summary.skipped = pending_files(files, set() if force else known_documents(con))
        paths, digests = [p for p, _ in todo], [d for _, d in todo]
        workers = workers or min(len(todo), os.cpu_count() or 1)
        if workers > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                extractions = list(pool.map(extract_document, paths, digests))
        else:
            extractions = list(map(extract_document, paths, digests))
        for ex in extractions:
            write_document(con, ex.result, ex.file_path, ex.n_pages)
            summary.documents[ex.result.status] = summary.documents.get(ex.result.status, 0) + 1
            summary.tables += len(ex.result.tables)
            summary.cells += len(ex.result.cells)
            summary.issues += len(ex.result.issues)
    return summary
