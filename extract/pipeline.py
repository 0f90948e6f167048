"""Extract documents (load -> locate -> parse -> metadata) and write them to DuckDB."""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from . import extractor_version, meta
from .catalogue import catalogue, detect_variant
from .consistency_facts import extract_mentions
from .load import LoadedDocument, LoadError, load_document, sha256_file
from .locate import TableRegion, locate_tables
from .narrative import extract_narrative
from .ocr import OcrSettings, mark_ocr_cells, ocr_report
from .parsers import TableParse, parse_region
from .performance import extract_performance
from .quality import table_quality
from .records import DocumentResult, ExtractionIssue, Row, TableRecord
from .sections import extract_sections
from .writer import connect, ensure_schema, write_document

log = logging.getLogger(__name__)

# Extractors of further raw tables: (rows, the located table regions) -> {raw table name: [row dicts]}.
ExtraExtractor = Callable[[list[Row], list[TableRegion]], dict[str, list[dict]]]


def extra_extractors() -> list[ExtraExtractor]:
    return [extract_performance, extract_narrative, extract_sections, extract_mentions]


@dataclass
class Extraction:
    """A document's result plus what the writer needs beside it."""

    result: DocumentResult
    file_path: str
    n_pages: int | None = None


def _n_values(parsed: TableParse) -> int:
    return sum(c.value is not None for c in parsed.cells)


def _table_record(region: TableRegion, parsed: TableParse, variant: str,
                  unit: str | None) -> tuple[TableRecord, set[tuple[str, int, str]]]:
    """The table's record and its OCR'd cells that may be misread (table, row, column)."""
    quality = table_quality(parsed.code, parsed.cells, unit)
    has_values = any(c.value is not None for c in parsed.cells)
    if quality.suspect_reason:
        status, note = "suspect", f"parse not trustworthy: {quality.suspect_reason}"
    elif has_values:
        status, note = ("partial" if parsed.issues else "ok"), None
    elif region.states_no_data():
        status, note = "empty", "the document states the table has no data"
    else:
        status, note = "empty", "no values printed"
    return TableRecord(parsed.code, region.title, status, len(parsed.cells),
                       region.title_row.source_line, region.title_row.page, note, variant,
                       quality.n_rows, quality.n_columns, quality.n_unreadable,
                       quality.n_self_checks, quality.n_self_checks_held), \
        {(parsed.code, row, column) for row, column in quality.ocr_suspect}


def extract_tables(loaded: LoadedDocument, regions: list[TableRegion], result: DocumentResult) -> None:
    """Parse and quality-check the standard tables located in the document (regions, from
    locate_tables(loaded.rows)); set the document's template variant."""
    result.template_variant = detect_variant({r.template.variant for r in regions}, result.fiscal_year)
    own = catalogue().variants[result.template_variant].tables
    kind = catalogue().variants[result.template_variant].doc_kind  # a 部门预算's tables, or a 决算's
    parses = {id(r): parse_region(r) for r in regions if r.is_table}
    for parsed in parses.values():
        mark_ocr_cells(parsed.cells, loaded.ocr_pages)
    misread: set[tuple[str, int, str]] = set()
    # every region, table-of-contents entries included: a code with two tables holding values is
    # printed twice (the completeness checks read this)
    result.extra["document_table_regions"] = [
        r.record(i, _n_values(parses[id(r)]) if id(r) in parses else 0) for i, r in enumerate(regions)]
    by_code: dict[str, list[TableRegion]] = {}
    for region in regions:
        if region.is_table and region.template.doc_kind == kind:
            by_code.setdefault(region.template.code, []).append(region)
    for code in sorted(by_code):
        # the region read best stands for the table
        region = max(by_code[code], key=lambda r: (_n_values(parses[id(r)]), len(parses[id(r)].cells)))
        parsed = parses[id(region)]
        variant = result.template_variant if code in own else region.template.variant
        record, suspect = _table_record(region, parsed, variant, result.unit)
        misread |= suspect
        if record.status == "suspect":
            result.issues.append(ExtractionIssue("warning", f"{code} is suspect: {record.note}", code,
                                                 region.title_row.source_line, region.title_row.page))
        result.tables.append(record)
        result.cells.extend(parsed.cells)
        result.issues.extend(parsed.issues)
    pages, summary = ocr_report(loaded.ocr_pages, result.cells, misread)
    if summary:
        result.extra["ocr_pages"] = pages
        result.issues.append(summary)


def extract_document(path: Path, sha256: str | None = None, ocr: OcrSettings | None = None) -> Extraction:
    """Extract one file (sha256: its digest, when already computed; ocr: the OCR cache and page
    budget for scanned pages). Never raises: a failure is a document with status failed and its error."""
    path = Path(path)
    result = DocumentResult(doc_id="", file_name=path.name, file_type=path.suffix.lower().lstrip(".") or "unknown")
    extraction = Extraction(result, _resolved(path))
    try:
        result.doc_id = sha256 or sha256_file(path)
        loaded = load_document(path, ocr=ocr)
        result.file_type = loaded.file_type
        extraction.n_pages = loaded.n_pages
        result.issues.extend(loaded.issues)
        rows = loaded.rows
        result.fiscal_year = meta.fiscal_year(rows, path.stem)
        result.unit = meta.unit(rows)
        regions = locate_tables(rows)  # once: the extra extractors read the same regions
        extract_tables(loaded, regions, result)
        agency = meta.agency(rows, path.stem)
        result.agency_name, result.is_consolidated = agency.name, agency.consolidated
        result.revision_mark = meta.revision_mark(rows, path.stem)
        result.publication_date = meta.publication_date(rows)
        result.issues.extend(ExtractionIssue("warning", note) for note in agency.notes)
        with_data = sum(t.status != "empty" for t in result.tables)
        family = catalogue().variants[result.template_variant or "national"].doc_kind
        result.doc_kind = meta.doc_kind(rows, with_data, family)
        for extractor in extra_extractors():
            _run_extra(extractor, rows, regions, result)
        _set_status(result)
    except LoadError as exc:
        _fail(result, str(exc), exc.status)
    except OSError as exc:  # the file cannot be read (a symlink loop, a permission): not a code bug
        _fail(result, f"cannot read file: {exc}")
    except Exception as exc:  # a parser bug must not stop the batch; keep the trace as evidence
        log.exception("extraction of %s failed", path)
        _fail(result, f"{type(exc).__name__}: {exc}")
        result.issues.append(ExtractionIssue("error", traceback.format_exc(limit=5)))
    if not result.doc_id:  # unreadable file: key it by its path so it is still recorded
        result.doc_id = "unreadable:" + hashlib.sha256(extraction.file_path.encode()).hexdigest()
    return extraction


def _run_extra(extractor: ExtraExtractor, rows: list[Row], regions: list[TableRegion],
               result: DocumentResult) -> None:
    """An extra extractor that fails costs its own rows only, recorded as an error."""
    try:
        for table, extra_rows in extractor(rows, regions).items():
            if table == "extraction_issues":  # what the extractor saw but could not read
                result.issues.extend(ExtractionIssue(**issue) for issue in extra_rows)
                continue
            result.extra.setdefault(table, []).extend(extra_rows)
    except Exception as exc:
        log.exception("%s failed on %s", extractor.__name__, result.file_name)
        result.issues.append(ExtractionIssue("error", f"{extractor.__name__}: {type(exc).__name__}: {exc}"))


def _resolved(path: Path) -> str:
    """The absolute path, resolved when it can be (a symlink loop cannot)."""
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return str(path.absolute())


def _fail(result: DocumentResult, error: str, status: str = "failed") -> None:
    result.status, result.error = status, error
    result.tables, result.cells, result.extra = [], [], {}


def _set_status(result: DocumentResult) -> None:
    """partial: a standard table of the document's template variant is missing, misread or suspect,
    or an extractor failed; no_tables: no standard table was read. The why in error."""
    found = {t.table_code for t in result.tables}
    reasons = []
    read = any(t.status != "empty" for t in result.tables)
    if result.doc_kind == "final_accounts" or (result.doc_kind == "budget" and read):
        variant = catalogue().variants[result.template_variant or "national"]
        for code in (c for c in variant.required_codes if c not in found):
            result.issues.append(ExtractionIssue(
                "warning", f"standard table {code} of the {variant.name} template not found", code))
            reasons.append(f"{code} not found")
        reasons += [f"{t.table_code} read with issues" for t in result.tables if t.status == "partial"]
        reasons += [f"{t.table_code} suspect" for t in result.tables if t.status == "suspect"]
    elif not read and not result.extra.get("performance_evaluations"):
        result.status = "no_tables"
        family = "部门预算" if result.doc_kind == "budget" else "部门决算"
        reasons.insert(0, f"no standard table of a {family} was read (document kind: {result.doc_kind})")
    reasons += [i.message.splitlines()[0] for i in result.issues if i.severity == "error"]
    if reasons:
        result.status = "partial" if result.status == "ok" else result.status
        result.error = "; ".join(reasons)[:1000]


class InputError(Exception):
    """The paths given name no file: nothing to extract (the CLI exits with status 2)."""


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files named, and every file found below folders named (sorted, hidden files skipped).

    Unsupported and unreadable files are kept (they are recorded as such); so are broken
    symlinks and symlink loops. Symlinked folders are not followed.
    """
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if not p.name.startswith(".")
                         and (p.is_file() or (p.is_symlink() and not p.exists())))
        else:
            found.append(path)
    return found


def input_files(paths: Iterable[Path]) -> list[Path]:
    """discover(paths), refusing a path that does not exist or a batch without any file."""
    paths = [Path(p) for p in paths]
    missing = [str(p) for p in paths if not (p.exists() or p.is_symlink())]
    if missing:
        raise InputError(f"no such file or folder: {', '.join(missing)}")
    files = discover(paths)
    if not files:
        raise InputError(f"no files found in {', '.join(map(str, paths)) or 'no paths given'}")
    return files


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
    """Documents extracted by this very extractor code (see extract.extractor_version)."""
    return {r[0] for r in con.execute(
        "select doc_id from raw.documents where extractor_version = ?", [extractor_version()]).fetchall()}


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
        if digest is not None:
            seen.add(digest)
        pending.append((path, digest))
    return pending, len(files) - len(pending)


def process_alive(pid: int) -> bool:
    """Whether a process of this machine with that pid exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _die_with_parent(parent: int) -> None:
    """Pool initializer: a worker is killed when its parent dies (even by kill -9), on Linux;
    elsewhere it exits at its next task (see _extract_in_worker)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if not process_alive(parent):  # the parent died before prctl took effect
        os._exit(1)


def _extract_in_worker(path: Path, sha256: str | None, parent: int, ocr: OcrSettings | None = None) -> Extraction:
    if not process_alive(parent):
        os._exit(1)
    return extract_document(path, sha256, ocr)


def extract_files(todo: list[tuple[Path, str | None]], workers: int | None = None,
                  ocr: OcrSettings | None = None) -> Iterator[Extraction]:
    """Extract (path, sha256) pairs in parallel processes (workers: default the cores), yielding each
    extraction in order as soon as it is done; workers die with this process."""
    paths, digests = [p for p, _ in todo], [d for _, d in todo]
    workers = workers or min(len(todo), os.cpu_count() or 1)
    parent = os.getpid()
    with (ProcessPoolExecutor(max_workers=workers, initializer=_die_with_parent, initargs=(parent,))
          if workers > 1 else nullcontext()) as pool:
        yield from (pool.map(_extract_in_worker, paths, digests, [parent] * len(paths), [ocr] * len(paths)) if pool
                    else map(extract_document, paths, digests, [ocr] * len(paths)))


def extract_paths(paths: Iterable[Path], db_path: Path, *, workers: int | None = None,
                  force: bool = False, lock_wait: float = 0.0, ocr: OcrSettings | None = None) -> Summary:
    """Extract every file (in parallel processes) and write each to the DuckDB file.

    A file already extracted by this extractor code (same sha256), or a copy of one in the
    batch, is skipped unless force. Raises InputError when a path is missing or there is no file,
    WarehouseLocked when another process holds the file for longer than lock_wait seconds.
    """
    files = input_files(paths)
    summary = Summary()
    with connect(db_path, wait=lock_wait) as con:
        ensure_schema(con)
        todo, summary.skipped = pending_files(files, set() if force else known_documents(con))
        # each document is written as soon as it is extracted: a crash keeps what came before
        # scanned pages' OCR is cached beside the warehouse (data/ocr_cache) unless told otherwise
        ocr = ocr or OcrSettings.beside(db_path)
        for ex in extract_files(todo, workers, ocr):
            write_document(con, ex.result, ex.file_path, ex.n_pages)
            summary.documents[ex.result.status] = summary.documents.get(ex.result.status, 0) + 1
            summary.tables += len(ex.result.tables)
            summary.cells += len(ex.result.cells)
            summary.issues += len(ex.result.issues)
    return summary
