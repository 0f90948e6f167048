"""Load a PDF disclosure into printed rows, the same stream of rows a text dump gives.

Each page is opened once: pypdfium2 reads its text (cheap) to tell whether it carries a table: a
table title, a unit line, or rows of amounts continuing the table of the page before. Only those
pages get layout analysis (pdf_layout: ruled cells, wrapped names re-joined) over pdfium's
characters and ruling lines (pdfium_page, pdf_tables); other pages give one row per text line.
Every page is read with pdfium, those whose text objects have no extent or whose fonts are not
embedded included (they used to go to pdfplumber, at a twentieth of the speed). A scanned page (no
text layer, or one image under an unusable one: ocr_detect) is read by OCR into the same layout
(extract.ocr), within the document's OCR page budget; a scanned page that cannot be read (engine not
installed, over budget) is reported as an error issue naming the page, never dropped. Unreadable
files (empty, not a PDF, encrypted, damaged) raise LoadError.

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
from .ocr import OcrPage, OcrSettings, config, read_page
from .ocr_detect import scan_reason
from .ocr_engine import OcrUnavailable
from .pdf_layout import PrintedRow
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


def load_pdf(path: Path, layout: PageLayout = pdfium_layout, ocr: OcrSettings | None = None) -> LoadedDocument:
    """Every page of the PDF as printed rows (page numbers 1-based, source_line None).

    `layout` reads the table pages (tests pass pdfplumber's reading, the reference); `ocr` says
    where scanned pages' readings are cached and how many a document may have read."""
    path = Path(path)
    ocr = ocr or OcrSettings()
    rows: list[Row] = []
    unreadable: list[ExtractionIssue] = []  # pages pdfium cannot open, reported first
    issues: list[ExtractionIssue] = []
    scans: list[OcrPage] = []
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
            reason = scan_reason(page, textpage, text, config().detect)
            if reason:
                printed = _scanned_rows(page, number, reason, ocr, scans, issues)
                if printed:
                    has_text = True
                    lines = [" ".join(r.cells) for r in printed]
                    previous = is_table_page(lines, previous, ruled=any(r.in_table for r in printed))
                    rows.extend(Row(cells=r.cells, page=number) for r in printed)
            elif not lines:  # a page without text neither starts nor ends a table
                issues.append(ExtractionIssue("warning", f"page {number} has no text layer (no text drawn on it: "
                                              "a blank page or empty table rows?)", page=number))
            else:
                has_text = True
                previous = is_table_page(lines, previous, ruled=partial(_is_ruled, page))
                rows.extend(_page_rows(page, textpage, i, lines, previous, layout, issues))
            textpage.close()
            page.close()
        if not has_text:
            why = next((s.error for s in scans if s.error), "OCR read no text on them" if scans else "")
            raise LoadError(f"PDF has no text layer on any of its {n_pages} pages (scanned images?)"
                            + (f"; {why}" if why else ""))
    return LoadedDocument("pdf", rows, n_pages, unreadable + issues, ocr_pages=scans)


def _scanned_rows(page: pdfium.PdfPage, number: int, reason: str, ocr: OcrSettings, scans: list[OcrPage],
                  issues: list[ExtractionIssue]) -> list[PrintedRow]:
    """A scanned page read by OCR (its record appended to scans); an error issue when it cannot be."""
    record = OcrPage(number, reason)
    try:
        if sum(s.status != "failed" for s in scans) >= ocr.budget:
            record.status, record.error = "over_budget", (
                f"OCR page budget of {ocr.budget} pages per document exceeded")
        else:
            printed, record = read_page(page, number, reason, ocr)
    except OcrUnavailable as exc:
        record.status, record.error = "failed", str(exc)
    except Exception as exc:  # a damaged page costs its OCR only
        record.status, record.error = "failed", f"OCR failed ({type(exc).__name__}: {exc})"
    scans.append(record)
    if record.error:
        issues.append(ExtractionIssue("error", f"page {number} (a scanned page: {reason}) was not read: "
                                      f"{record.error}", page=number))
        return []
    if not printed:
        issues.append(ExtractionIssue("error", f"page {number} (a scanned page: {reason}): OCR read no text "
                                      "on it", page=number))
    return printed


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
