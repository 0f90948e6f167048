"""Load a PDF disclosure into printed rows, the same stream of rows a text dump gives.

pypdfium2 reads every page's text (cheap) to tell which pages carry a table: a table title, a
unit line, or rows of amounts continuing the table of the page before. Only those pages get
layout analysis (pdf_layout: ruled cells, wrapped names re-joined); other pages give one row per
text line. A page without a text layer is reported as an issue naming the page, never dropped.
Unreadable files (empty, not a PDF, encrypted, damaged) raise LoadError.

Characters and ruling lines come from pypdfium2 by default ("pdfium" engine); the "pdfplumber"
engine reads them with pdfminer instead (same layout analysis, about 20 times slower), kept as
the reference the fast engine is tested against.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .catalogue import match_title
from .load import LoadedDocument, LoadError
from .pdf_layout import Char, edge, page_rows
from .records import ExtractionIssue, Row

ENGINES = ("pdfium", "pdfplumber")

# An amount standing alone between spaces (narrative text writes '2995.39万元').
_AMOUNT = re.compile(r"(?:^|\s)-?\d{1,3}(?:,\d{3})*\.\d{2}(?=\s|$)|(?:^|\s)-?\d+\.\d{2}(?=\s|$)")
_CODE_START = re.compile(r"^\d{3}(?:\s*\d{2}){0,2}\s+\S")
_UNIT = re.compile(r"单位[:：]")
_PART = re.compile(r"^第[一二三四五六七八九十]+部分")


def _text_lines(text: str) -> list[str]:
    return [s for s in (line.strip() for line in text.splitlines()) if s]


def has_table_title(lines: list[str]) -> bool:
    return any(match_title(line) for line in lines)


def is_table_page(lines: list[str], previous_is_table: bool, ruled: bool = False) -> bool:
    """Does this page (its pdfium text lines) print a standard table or continue one?

    A continuation shows rows of amounts or codes, or (a table printing only blanks) ruling lines.
    """
    data_lines = sum(1 for s in lines if _AMOUNT.search(s) or _CODE_START.match(s))
    if has_table_title(lines):
        return data_lines > 0 or any(_UNIT.search(s) for s in lines) or any("项目" in s for s in lines)
    if previous_is_table and lines and not _PART.match(lines[0]):
        return data_lines > 0 or ruled
    return False


def _is_ruled(page: pdfium.PdfPage, minimum: int = 8) -> bool:
    """At least `minimum` path objects: the page draws a grid (cheap, no layout analysis)."""
    n = 0
    for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2):
        n += 1
        if n >= minimum:
            return True
    return False


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


def _pdfium_chars(textpage: pdfium.PdfTextPage, height: float) -> list[Char]:
    raw = textpage.raw
    box = pdfium_c.FS_RECTF()
    chars = []
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        if pdfium_c.FPDFText_IsGenerated(raw, i):
            continue
        text = chr(pdfium_c.FPDFText_GetUnicode(raw, i))
        if not text.strip() or not pdfium_c.FPDFText_GetLooseCharBox(raw, i, box):
            continue
        chars.append(Char(text, box.left, height - box.top, box.right, height - box.bottom))
    return chars


def _path_edges(obj, matrix: pdfium.PdfMatrix, height: float) -> list[dict]:
    """Axis-aligned straight segments of a path object, as edges (curves are ignored)."""
    edges = []
    x = pdfium_c.c_float()
    y = pdfium_c.c_float()
    start = prev = None
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        point = matrix.on_point(x.value, y.value)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = prev = point
            continue
        targets = [point]
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
            targets.append(start)
        for target in targets:
            if kind == pdfium_c.FPDF_SEGMENT_LINETO and prev is not None:
                (ax, ay), (bx, by) = prev, target
                if abs(ax - bx) < 1 or abs(ay - by) < 1:
                    x0, x1 = sorted((ax, bx))
                    top, bottom = sorted((height - ay, height - by))
                    if x1 - x0 >= 1 or bottom - top >= 1:
                        edges.append(edge(x0, top, x1, bottom))
            prev = target
    return edges


def _pdfium_edges(page: pdfium.PdfPage, height: float) -> list[dict]:
    edges: list[dict] = []

    def walk(objects, parent: pdfium.PdfMatrix) -> None:
        for obj in objects:
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
                continue
            m = pdfium_c.FS_MATRIX()
            pdfium_c.FPDFPageObj_GetMatrix(obj, m)
            matrix = pdfium.PdfMatrix.from_raw(m).multiply(parent)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                edges.extend(_path_edges(obj, matrix, height))
            else:
                n = pdfium_c.FPDFFormObj_CountObjects(obj)
                walk((pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(n)), matrix)

    n = pdfium_c.FPDFPage_CountObjects(page.raw)
    walk((pdfium_c.FPDFPage_GetObject(page.raw, i) for i in range(n)), pdfium.PdfMatrix())
    return edges


def _has_images(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))


def load_pdf(path: Path, engine: str = "pdfium") -> LoadedDocument:
    """Every page of the PDF as printed rows (page numbers 1-based, source_line None)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r} (one of {ENGINES})")
    path = Path(path)
    rows: list[Row] = []
    issues: list[ExtractionIssue] = []
    with _open_pdf(path) as pdf:
        n_pages = len(pdf)
        texts: list[str | None] = []
        for i in range(n_pages):
            try:
                page = pdf[i]
                texts.append(page.get_textpage().get_text_range())
            except pdfium.PdfiumError as exc:
                texts.append(None)
                issues.append(ExtractionIssue("error", f"page {i + 1} cannot be read: {exc}", page=i + 1))
        if not any(t and t.strip() for t in texts):
            raise LoadError(f"PDF has no text layer on any of its {n_pages} pages (scanned images?); "
                            "OCR is not supported")
        table_pages: set[int] = set()
        previous = False
        for i, text in enumerate(texts):
            lines = _text_lines(text or "")
            if lines:  # a page without text neither starts nor ends a table
                previous = is_table_page(lines, previous) or (
                    previous and is_table_page(lines, previous, ruled=_is_ruled(pdf[i])))
                if previous:
                    table_pages.add(i)
        with ExitStack() as stack:
            rows.extend(_read_pages(pdf, texts, table_pages, _LayoutReader(path, pdf, engine, stack), issues))
    return LoadedDocument("pdf", rows, n_pages, issues)


def _read_pages(pdf: pdfium.PdfDocument, texts: list[str | None], table_pages: set[int], layout,
                issues: list[ExtractionIssue]) -> list[Row]:
    rows: list[Row] = []
    for i, text in enumerate(texts):
        number = i + 1
        if text is None:
            continue
        if not text.strip():
            if _has_images(pdf[i]):  # a scanned page: whatever it prints is lost without OCR
                issues.append(ExtractionIssue(
                    "error", f"page {number} has no text layer, only images (a scanned page?); "
                    "its content was not read (OCR is not supported)", page=number))
            else:
                issues.append(ExtractionIssue(
                    "warning", f"page {number} has no text layer (no text drawn on it: a blank page "
                    "or empty table rows?)", page=number))
            continue
        if i in table_pages:
            try:
                rows.extend(Row(cells=r.cells, page=number) for r in layout(i))
                continue
            except Exception as exc:  # a damaged page (pdfminer chokes on it) costs its layout only
                issues.append(ExtractionIssue(
                    "error", f"page {number}: layout analysis failed ({type(exc).__name__}: {exc}); "
                    "read as plain text lines", page=number))
        rows.extend(Row(cells=(line,), page=number) for line in _text_lines(text))
    return rows


def _unmeasured_text(page: pdfium.PdfPage) -> bool:
    """Text objects pdfium gives no extent (fonts not embedded): its text page may drop them."""
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        if right - left <= 0.01 or top - bottom <= 0.01:
            return True
    return False


def _close_quietly(plumber: Any) -> None:
    """Close a pdfplumber.PDF; its close() reads every page, which fails on a damaged file."""
    try:
        plumber.close()
    except Exception:
        plumber.stream.close()


class _LayoutReader:
    """Page index -> printed rows. The pdfium engine reads a page with pdfplumber instead when
    pdfium cannot measure its text (see _unmeasured_text); pdfplumber opens only if needed."""

    def __init__(self, path: Path, pdf: pdfium.PdfDocument, engine: str, stack: ExitStack):
        self.path, self.pdf, self.engine, self.stack = path, pdf, engine, stack
        self._plumber: Any = None  # a pdfplumber.PDF once opened
        self._plumber_error: Exception | None = None  # why it could not be opened

    def __call__(self, i: int) -> list:
        if self.engine == "pdfium":
            page = self.pdf[i]
            if not _unmeasured_text(page):
                width, height = page.get_size()
                chars = _pdfium_chars(page.get_textpage(), height)
                return page_rows(chars, _pdfium_edges(page, height), width, height)
        return self._read_plumber(i)

    def _read_plumber(self, i: int) -> list:
        if self._plumber_error is not None:
            raise self._plumber_error
        if self._plumber is None:
            import pdfplumber  # the reference engine, loaded only when used

            try:
                self._plumber = pdfplumber.open(self.path)
            except Exception as exc:  # a damaged file: every page falls back, without retrying
                self._plumber_error = exc
                raise
            self.stack.callback(_close_quietly, self._plumber)
        page = self._plumber.pages[i]
        chars = [Char(c["text"], c["x0"], c["top"], c["x1"], c["bottom"]) for c in page.chars]
        rows = page_rows(chars, page.edges, float(page.width), float(page.height))
        page.close()
        return rows
