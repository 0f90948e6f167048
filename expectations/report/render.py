"""A document's findings with their evidence shown: page pictures for PDFs, cited lines for text and HTML."""

from __future__ import annotations

import logging
from pathlib import Path

from expectations.report.evidence import Document, Finding, Mark
from expectations.report.pages import Shown
from expectations.report.source_lines import excerpts, source_lines
from extract.catalogue import catalogue
from extract.load import sha256_file

log = logging.getLogger(__name__)


def _source(doc: Document) -> tuple[Path | None, str | None]:
    """The input file, or why its evidence cannot be shown (moved, or changed since it was extracted)."""
    if not doc.file_path or not Path(doc.file_path).is_file():
        return None, f"source file not found ({doc.file_path}): evidence listed, not shown"
    path = Path(doc.file_path)
    if sha256_file(path) != doc.doc_id:
        return None, f"{path} changed since it was extracted: evidence listed, not shown"
    return path, None


def _unique(marks: list[Mark]) -> list[Mark]:
    seen, out = set(), []
    for m in marks:
        key = (m.role, m.text, m.within, m.page, m.line, m.table_code, m.row_index, m.column_key)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def column_order(variant: str | None) -> dict[str, list[str]]:
    """Table code -> its column keys in printed order (catalogue.yml column sets: the widest one of the
    document's template variant, else of the first variant printing the table)."""
    variants = catalogue().variants
    order: dict[str, list[str]] = {}
    for name in ([variant] if variant in variants else []) + list(variants):
        for code, template in variants[name].tables.items():
            if code not in order and template.column_sets:
                order[code] = [c.key for c in max(template.column_sets, key=len)]
    return order


def show_document(doc: Document, findings: list[Finding], table_cells: list, out: Path) -> list[Shown]:
    shown = [Shown(f) for f in findings]
    if not any(f.marks for f in findings):
        return shown
    path, why = _source(doc)
    if path is None:
        for s in shown:
            s.notes.append(why or "")
        return shown
    try:
        if doc.file_type == "pdf":
            _pictures(path, doc, shown, table_cells, out)
        else:
            lines = source_lines(path)
            for s in shown:
                s.excerpts = excerpts(lines, _unique(s.finding.marks))
    except Exception as exc:  # a report bug must not hide the findings: list them without pictures
        log.exception("report: evidence of %s not shown", doc.file_name)
        for s in shown:
            s.notes.append(f"evidence not shown: {type(exc).__name__}: {exc}")
    return shown


def _pictures(path: Path, doc: Document, shown: list[Shown], table_cells: list, out: Path) -> None:
    from expectations.report.pdf_pictures import PdfPages, PrintedCell

    pdf = PdfPages(path, [PrintedCell(*c) for c in table_cells], column_order(doc.variant))
    try:
        for k, s in enumerate(shown, start=1):
            marks = [m for m in _unique(s.finding.marks) if m.page is not None]
            for page in sorted({m.page for m in marks if m.page is not None}):
                located = [pdf.locate(m) for m in marks if m.page == page]
                s.notes += [f"not found on page {page}: {loc.mark.label.strip()} “{loc.mark.text[:60]}”"
                            for loc in located if not loc.found]
                if any(loc.found for loc in located):
                    s.pictures.append(pdf.picture(page, located, out / f"{doc.slug}-{k}-p{page}.png"))
    finally:
        pdf.close()
