"""One pdfium page as plain geometry: its printed characters and its ruling lines.

Raw pypdfium2 calls (pypdfium2.raw), as a table page draws thousands of characters and lines. The
characters are the text page's, boxed from the font's ascent and descent (its loose boxes, as
pdfminer boxes them), fonts embedded or not. The text page leaves out text objects without width:
in the corpus these are single spaces (pdfminer reads a ' ' for each), which the layout drops.
The ruling lines are the straight axis-aligned segments of the path objects, in forms too.
Coordinates are pdfplumber's: points from the top-left corner of the page.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterable
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .pdf_layout import Char, PrintedRow, page_rows
from .pdf_tables import Edge, edge, find_tables

# (page, its text page, 0-based page index) -> the page's printed rows
PageLayout = Callable[[pdfium.PdfPage, pdfium.PdfTextPage, int], list[PrintedRow]]


def pdfium_layout(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, index: int) -> list[PrintedRow]:
    """The printed rows of a page from pdfium's character boxes and ruling lines."""
    height = page.get_height()
    return page_rows(page_chars(textpage, height), find_tables(page_edges(page, height)))


def page_chars(textpage: pdfium.PdfTextPage, height: float) -> list[Char]:
    """The printed characters (not spaces, not generated ones) with their loose boxes: the font's
    ascent to descent, as pdfminer boxes them."""
    raw = textpage.raw
    box = pdfium_c.FS_RECTF()
    unicode, generated, loose_box = (pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_IsGenerated,
                                     pdfium_c.FPDFText_GetLooseCharBox)
    chars = []
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        text = chr(unicode(raw, i))
        if not text.strip() or generated(raw, i) or not loose_box(raw, i, box):
            continue
        chars.append(Char(text, box.left, height - box.top, box.right, height - box.bottom))
    return chars


Matrix = tuple[float, float, float, float, float, float]  # a b c d e f, as pypdfium2's PdfMatrix


def _multiply(m: Matrix, parent: Matrix) -> Matrix:
    """m then parent (PdfMatrix.multiply's arithmetic)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = parent
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


class _EdgeReader:
    """Axis-aligned straight segments of a page's path objects (forms included), as edges in
    top-down page coordinates; curves are ignored. Raw pdfium calls: a table page draws thousands."""

    def __init__(self, height: float):
        self.height = height
        self.edges: list[Edge] = []
        self._x, self._y = pdfium_c.c_float(), pdfium_c.c_float()
        self._xy = (ctypes.byref(self._x), ctypes.byref(self._y))
        self._matrix = pdfium_c.FS_MATRIX()

    def walk(self, objects: Iterable[Any], parent: Matrix) -> None:
        for obj in objects:
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind != pdfium_c.FPDF_PAGEOBJ_PATH and kind != pdfium_c.FPDF_PAGEOBJ_FORM:
                continue
            m = self._matrix
            pdfium_c.FPDFPageObj_GetMatrix(obj, m)
            matrix = _multiply((m.a, m.b, m.c, m.d, m.e, m.f), parent)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                self._path(obj, matrix)
            else:
                n = pdfium_c.FPDFFormObj_CountObjects(obj)
                self.walk((pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(n)), matrix)

    def _path(self, obj: Any, matrix: Matrix) -> None:
        a, b, c, d, e, f = matrix
        x, y = self._x, self._y
        xy = self._xy
        get_segment, get_point, get_type = (pdfium_c.FPDFPath_GetPathSegment, pdfium_c.FPDFPathSegment_GetPoint,
                                            pdfium_c.FPDFPathSegment_GetType)
        start = prev = None
        for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
            seg = get_segment(obj, i)
            get_point(seg, *xy)
            point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
            kind = get_type(seg)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                start = prev = point
                continue
            targets = [point]
            if start is not None and pdfium_c.FPDFPathSegment_GetClose(seg):
                targets.append(start)
            for target in targets:
                if kind == pdfium_c.FPDF_SEGMENT_LINETO and prev is not None:
                    self._segment(prev, target)
                prev = target

    def _segment(self, p: tuple[float, float], q: tuple[float, float]) -> None:
        (ax, ay), (bx, by) = p, q
        if abs(ax - bx) < 1 or abs(ay - by) < 1:
            x0, x1 = (ax, bx) if ax <= bx else (bx, ax)
            top, bottom = self.height - ay, self.height - by
            if bottom < top:
                top, bottom = bottom, top
            if x1 - x0 >= 1 or bottom - top >= 1:
                self.edges.append(edge(x0, top, x1, bottom))


def page_edges(page: pdfium.PdfPage, height: float) -> list[Edge]:
    reader = _EdgeReader(height)
    n = pdfium_c.FPDFPage_CountObjects(page.raw)
    reader.walk((pdfium_c.FPDFPage_GetObject(page.raw, i) for i in range(n)), (1, 0, 0, 1, 0, 0))
    return reader.edges


def count_objects(page: pdfium.PdfPage, kind: int, enough: int) -> int:
    """Objects of a kind on the page or in its forms (one level down), counted up to `enough`."""
    n = 0
    for i in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, i)
        obj_kind = pdfium_c.FPDFPageObj_GetType(obj)
        n += obj_kind == kind
        if obj_kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            n += sum(pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFFormObj_GetObject(obj, j)) == kind
                     for j in range(pdfium_c.FPDFFormObj_CountObjects(obj)))
        if n >= enough:
            break
    return n
