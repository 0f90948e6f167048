"""One pdfium page as plain geometry: its printed characters and its ruling lines.

Plain ctypes calls to pdfium (pypdfium2.raw's functions, given handles as integers), as a table page
draws thousands of characters and lines and every call counts. The characters are the text page's,
boxed from the font's ascent and descent (its loose boxes, as pdfminer boxes them), fonts embedded
or not. The text page leaves out text objects without width:
in the corpus these are single spaces (pdfminer reads a ' ' for each), which the layout drops.
The ruling lines are the straight axis-aligned segments of the path objects, in forms too.
Coordinates are pdfplumber's: points from the top-left corner of the page.
"""

from __future__ import annotations

import ctypes
import struct
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


def _plain(fn: Any, restype: Any, *argtypes: Any) -> Any:
    """A pdfium function called with handles as plain integers: pypdfium2.raw's typed pointers cost a
    Python object per call, and a table page makes hundreds of thousands of calls."""
    return ctypes.cast(fn, ctypes.CFUNCTYPE(restype, *argtypes))


_int, _ptr = ctypes.c_int, ctypes.c_void_p
_COUNT_CHARS = _plain(pdfium_c.FPDFText_CountChars, _int, _ptr)
_GET_UNICODE = _plain(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint, _ptr, _int)
_GET_LOOSE_CHAR_BOX = _plain(pdfium_c.FPDFText_GetLooseCharBox, _int, _ptr, _int, _ptr)
_COUNT_OBJECTS = _plain(pdfium_c.FPDFPage_CountObjects, _int, _ptr)
_GET_OBJECT = _plain(pdfium_c.FPDFPage_GetObject, _ptr, _ptr, _int)
_COUNT_FORM_OBJECTS = _plain(pdfium_c.FPDFFormObj_CountObjects, _int, _ptr)
_GET_FORM_OBJECT = _plain(pdfium_c.FPDFFormObj_GetObject, _ptr, _ptr, ctypes.c_ulong)
_GET_TYPE = _plain(pdfium_c.FPDFPageObj_GetType, _int, _ptr)
_GET_MATRIX = _plain(pdfium_c.FPDFPageObj_GetMatrix, _int, _ptr, _ptr)
_COUNT_SEGMENTS = _plain(pdfium_c.FPDFPath_CountSegments, _int, _ptr)
_GET_SEGMENT = _plain(pdfium_c.FPDFPath_GetPathSegment, _ptr, _ptr, _int)
_GET_POINT = _plain(pdfium_c.FPDFPathSegment_GetPoint, _int, _ptr, _ptr, _ptr)
_GET_SEGMENT_TYPE = _plain(pdfium_c.FPDFPathSegment_GetType, _int, _ptr)
_GET_CLOSE = _plain(pdfium_c.FPDFPathSegment_GetClose, _int, _ptr)
# n C floats -> n Python floats (struct reads a ctypes array faster than ctypes iterates it)
_FLOATS = {n: struct.Struct(f"{n}f").unpack_from for n in (2, 4, 6)}
_PATH, _FORM = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM
_MOVETO, _LINETO = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO


def _handle(raw: Any) -> int:
    """A pypdfium2 handle (a typed pointer) as the integer the plain functions take."""
    return ctypes.cast(raw, ctypes.c_void_p).value or 0


def page_chars(textpage: pdfium.PdfTextPage, height: float) -> list[Char]:
    """The printed characters (not spaces, not generated ones) with their loose boxes: the font's
    ascent to descent, as pdfminer boxes them. pdfium generates only spaces and line breaks
    (CPDF_TextPage::GenerateCharInfo), so dropping whitespace drops the generated characters."""
    raw = _handle(textpage.raw)
    box = (ctypes.c_float * 4)()  # FS_RECTF: left, top, right, bottom
    box_ptr = ctypes.addressof(box)
    unicode, loose_box, floats = _GET_UNICODE, _GET_LOOSE_CHAR_BOX, _FLOATS[4]
    chars = []
    for i in range(_COUNT_CHARS(raw)):
        text = chr(unicode(raw, i))
        if text.isspace() or not loose_box(raw, i, box_ptr):
            continue
        left, top, right, bottom = floats(box)
        chars.append(Char(text, left, height - top, right, height - bottom))
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
    top-down page coordinates; curves are ignored. Plain pdfium calls: a table page draws thousands."""

    def __init__(self, height: float):
        self.height = height
        self.edges: list[Edge] = []
        self._point = (ctypes.c_float * 2)()
        self._matrix = (ctypes.c_float * 6)()  # FS_MATRIX: a b c d e f

    def walk(self, objects: Iterable[int], parent: Matrix) -> None:
        matrix_ptr = ctypes.addressof(self._matrix)
        for obj in objects:
            kind = _GET_TYPE(obj)
            if kind != _PATH and kind != _FORM:
                continue
            _GET_MATRIX(obj, matrix_ptr)
            matrix = _multiply(_FLOATS[6](self._matrix), parent)
            if kind == _PATH:
                self._path(obj, matrix)
            else:
                self.walk([_GET_FORM_OBJECT(obj, i) for i in range(_COUNT_FORM_OBJECTS(obj))], matrix)

    def _path(self, obj: int, matrix: Matrix) -> None:
        a, b, c, d, e, f = matrix
        point = self._point
        x_ptr = ctypes.addressof(point)
        y_ptr = x_ptr + ctypes.sizeof(ctypes.c_float)
        get_segment, get_point, get_type, get_close = _GET_SEGMENT, _GET_POINT, _GET_SEGMENT_TYPE, _GET_CLOSE
        floats = _FLOATS[2]
        lines = []  # straight segments drawn, as (from, to)
        start = prev = None
        for i in range(_COUNT_SEGMENTS(obj)):
            seg = get_segment(obj, i)
            get_point(seg, x_ptr, y_ptr)
            x, y = floats(point)
            here = (a * x + c * y + e, b * x + d * y + f)
            kind = get_type(seg)
            if kind == _MOVETO:
                start = prev = here
                continue
            if kind == _LINETO and prev is not None:
                lines.append((prev, here))
            prev = here
            if start is not None and get_close(seg):  # closed: a line back to the start
                if kind == _LINETO:
                    lines.append((here, start))
                prev = start
        height = self.height
        for (ax, ay), (bx, by) in lines:
            if abs(ax - bx) < 1 or abs(ay - by) < 1:
                x0, x1 = (ax, bx) if ax <= bx else (bx, ax)
                top, bottom = height - ay, height - by
                if bottom < top:
                    top, bottom = bottom, top
                if x1 - x0 >= 1 or bottom - top >= 1:
                    self.edges.append(edge(x0, top, x1, bottom))


def page_edges(page: pdfium.PdfPage, height: float) -> list[Edge]:
    reader = _EdgeReader(height)
    raw = _handle(page.raw)
    reader.walk([_GET_OBJECT(raw, i) for i in range(_COUNT_OBJECTS(raw))], (1, 0, 0, 1, 0, 0))
    return reader.edges


def count_objects(page: pdfium.PdfPage, kind: int, enough: int) -> int:
    """Objects of a kind on the page or in its forms (one level down), counted up to `enough`."""
    raw = _handle(page.raw)
    n = 0
    for i in range(_COUNT_OBJECTS(raw)):
        obj = _GET_OBJECT(raw, i)
        obj_kind = _GET_TYPE(obj)
        n += obj_kind == kind
        if obj_kind == _FORM:
            n += sum(_GET_TYPE(_GET_FORM_OBJECT(obj, j)) == kind for j in range(_COUNT_FORM_OBJECTS(obj)))
        if n >= enough:
            break
    return n
