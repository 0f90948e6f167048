"""Load a PDF disclosure into printed rows, the same stream of rows a text dump gives.

Each page is opened once: pypdfium2 reads its text (cheap) to tell whether it carries a table: a
table title, a unit line, or rows of amounts continuing the table of the page before. Only those
pages get layout analysis (pdf_layout: ruled cells, wrapped names re-joined) over pdfium's
characters and ruling lines (pdfium_page, pdf_tables); other pages give one row per text line.
Every page is read with pdfium, those whose text objects have no extent or whose fonts are not
embedded included (they used to go to pdfplumber, at a twentieth of the speed). A page without a
text layer is reported as an issue naming the page, never dropped. Unreadable files (empty, not a
PDF, encrypted, damaged) raise LoadError.

pdfplumber (pdfminer) stays the reference only: tests/test_pdf_engines.py passes load_pdf a layout
reading the same pages with pdfplumber and expects the same rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .catalogue import match_title
from .load import LoadedDocument, LoadError
from .pdfium_page import PageLayout, count_objects, pdfium_layout
from .performance import is_evaluation_title
from .records import ExtractionIssue, Row

# An amount standing alone between spaces (narrative text writes '2995.39万元').
_AMOUNT = re.compile(r"(?:^|\s)-?\d{1,3}(?:,\d{3})*\.\d{2}(?=\s|$)|(?:^|\s)-?\d+\.\d{2}(?=\s|$)")
_CODE_START = re.compile(r"^\d{3}(?:\s*\d{2}){0,2}\s+\S")
_UNIT = re.compile(r"单位[:：]")
_PART = re.compile(r"^第[一二三四五六七八九十]+部分")


def _text_lines(text: str) -> list[str]:
    return [s for s in (line.strip() for line in text.splitlines()) if s]


def has_table_title(lines: list[str]) -> bool:
    return any(match_title(line) or is_evaluation_title(line) for line in lines)


def is_table_page(lines: list[str], previous_is_table: bool, ruled: bool | Callable[[], bool] = False) -> bool:
    """Does this page (its pdfium text lines) print a standard table or continue one?

    A continuation shows rows of amounts or codes, or (a table printing only blanks) ruling lines;
    `ruled` may be a function, asked only then.
    """
    def has_data() -> bool:
        return any(_AMOUNT.search(s) or _CODE_START.match(s) for s in lines)

    if has_table_title(lines):
        return has_data() or any(_UNIT.search(s) for s in lines) or any("项目" in s for s in lines)
    if previous_is_table and lines and not _PART.match(lines[0]):
        return has_data() or (ruled() if callable(ruled) else ruled)
    return False


def _is_ruled(page: pdfium.PdfPage, minimum: int = 8) -> bool:
    """At least `minimum` path objects: the page draws a grid (cheap, no layout analysis)."""
    return count_objects(page, pdfium_c.FPDF_PAGEOBJ_PATH, minimum) >= minimum


@contextmanager
def _open_pdf(path: Path) -> Iterator[pdfium.PdfDocument]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc}") from exc
    if size == 0:
        raise LoadError("file is empty (0 bytes)")
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise LoadError("not a PDF file (no %PDF- header)")
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise LoadError("PDF is encrypted (a password is required to open it)") from exc
        raise LoadError(f"PDF is damaged or truncated and cannot be opened ({message})") from exc
    try:
        if len(pdf) == 0:
            raise LoadError("PDF has no pages (damaged or truncated file?)")
        yield pdf
    finally:
        pdf.close()


def _has_images(page: pdfium.PdfPage) -> bool:
    return count_objects(page, pdfium_c.FPDF_PAGEOBJ_IMAGE, 1) > 0


def load_pdf(path: Path, layout: PageLayout = pdfium_layout) -> LoadedDocument:
    """Every page of the PDF as printed rows (page numbers 1-based, source_line None).

    `layout` reads the table pages (tests pass pdfplumber's reading, the reference)."""
    path = Path(path)
    rows: list[Row] = []
    unreadable: list[ExtractionIssue] = []  # pages pdfium cannot open, reported first
    issues: list[ExtractionIssue] = []
    with _open_pdf(path) as pdf:
        n_pages = len(pdf)
        has_text = False
        previous = False  # the page before (with text) prints a table
        for i in range(n_pages):
            number = i + 1
            try:
                page = pdf[i]
                textpage = page.get_textpage()
                text = textpage.get_text_range()
            except pdfium.PdfiumError as exc:
                unreadable.append(ExtractionIssue("error", f"page {number} cannot be read: {exc}", page=number))
                continue
            lines = _text_lines(text)
            if not lines:  # a page without text neither starts nor ends a table
                issues.append(_no_text_issue(page, number))
            else:
                has_text = True
                previous = is_table_page(lines, previous, ruled=partial(_is_ruled, page))
                rows.extend(_page_rows(page, textpage, i, lines, previous, layout, issues))
            textpage.close()
            page.close()
        if not has_text:
            raise LoadError(f"PDF has no text layer on any of its {n_pages} pages (scanned images?); "
                            "OCR is not supported")
    return LoadedDocument("pdf", rows, n_pages, unreadable + issues)


def _no_text_issue(page: pdfium.PdfPage, number: int) -> ExtractionIssue:
    if _has_images(page):  # a scanned page: whatever it prints is lost without OCR
        return ExtractionIssue("error", f"page {number} has no text layer, only images (a scanned page?); "
                               "its content was not read (OCR is not supported)", page=number)
    return ExtractionIssue("warning", f"page {number} has no text layer (no text drawn on it: a blank page "
                           "or empty table rows?)", page=number)


def _page_rows(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, i: int, lines: list[str], is_table: bool,
               layout: PageLayout, issues: list[ExtractionIssue]) -> list[Row]:
    number = i + 1
    if is_table:
        try:
            return [Row(cells=r.cells, page=number) for r in layout(page, textpage, i)]
        except Exception as exc:  # a damaged page costs its layout only
            issues.append(ExtractionIssue(
                "error", f"page {number}: layout analysis failed ({type(exc).__name__}: {exc}); "
                "read as plain text lines", page=number))
    return [Row(cells=(line,), page=number) for line in lines]
