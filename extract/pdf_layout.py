"""Page layout analysis: characters and ruled tables of one PDF page -> printed rows.

Every row of a ruled table (pdf_tables) becomes one row of cells in column order (a cell spanning
columns prints in its first column, the others are blank), so value columns keep their position.
Text outside the tables becomes one row per line. The input is plain geometry: the loader gives
pdfium's characters and tables found over its ruling lines; tests give pdfplumber's (pdfminer) for
reference.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from statistics import median

from .pdf_tables import Table

# Cells of the subject tables' code header, printed by some templates in the 合计 row.
_CODE_HEADER = {"类", "款", "项"}
_ASCII_WORD = re.compile(r"[0-9A-Za-z.,%()\-]")


@dataclass(frozen=True)
class Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class PrintedRow:
    top: float
    x0: float
    cells: tuple[str, ...]
    in_table: bool


def _inside(c: Char, bbox: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = bbox
    return x0 <= c.cx < x1 and top <= c.cy < bottom


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines (by vertical centre), each sorted left to right."""
    if not chars:
        return []
    height = median(c.bottom - c.top for c in chars) or 1.0
    lines: list[list[Char]] = []
    last = 0.0  # vertical centre of the character placed last
    for cy, c in sorted(((c.cy, c) for c in chars), key=itemgetter(0)):
        if lines and cy - last <= height * 0.5:
            lines[-1].append(c)
        else:
            lines.append([c])
        last = cy
    return [sorted(line, key=attrgetter("x0")) for line in lines]


def _join(left: str, right: str) -> str:
    """Join two pieces of text: CJK runs join without a space, ASCII words keep one."""
    if left and right and _ASCII_WORD.match(left[-1]) and _ASCII_WORD.match(right[0]):
        return left + " " + right
    return left + right


def _line_text(line: list[Char], gap_space: float) -> str:
    text = ""
    prev: Char | None = None
    for c in line:
        if prev is not None and c.x0 - prev.x1 > gap_space:
            text = _join(text, c.text)
        else:
            text += c.text
        prev = c
    return text


def cell_text(chars: list[Char]) -> str:
    """Text of one cell: its lines joined (a wrapped name becomes one name again)."""
    text = ""
    for line in _lines(chars):
        size = median(c.bottom - c.top for c in line)
        text = _join(text, _line_text(line, size * 0.3))
    return text.strip()


def _split_line(line: list[Char]) -> list[list[Char]]:
    """A line outside ruled tables, split into cells where the gap is wider than two characters."""
    size = median(c.bottom - c.top for c in line)
    parts = [[line[0]]]
    for prev, c in zip(line, line[1:], strict=False):
        if c.x0 - prev.x1 > 2 * size:
            parts.append([c])
        else:
            parts[-1].append(c)
    return parts


class _ByHeight:
    """Characters sorted by vertical centre (stable: equal centres keep their reading order), so the
    characters of a box are found by bisection instead of a scan of the page."""

    def __init__(self, chars: list[Char]):
        self.chars = sorted(chars, key=lambda c: c.cy)
        self.cys = [c.cy for c in self.chars]
        self.cxs = [c.cx for c in self.chars]

    def inside(self, bbox: tuple[float, float, float, float]) -> list[Char]:
        x0, top, x1, bottom = bbox
        lo, hi = bisect_left(self.cys, top), bisect_left(self.cys, bottom)
        return [c for c, cx in zip(self.chars[lo:hi], self.cxs[lo:hi], strict=True) if x0 <= cx < x1]


def _table_rows(table: Table, chars: list[Char]) -> list[PrintedRow]:
    by_height = _ByHeight(chars)
    rows: list[PrintedRow] = []
    for group in table.rows:
        cells = tuple(cell_text(by_height.inside(bbox)) if bbox else "" for bbox in group.cells)
        if not any(cells):
            continue
        top, x0 = group.bbox[1], group.bbox[0]
        header = tuple(c if c in _CODE_HEADER else "" for c in cells)
        if any(header) and any(c and c not in _CODE_HEADER for c in cells):
            # '类 款 项' printed in the top of the 合计 row: a header row, then the data row.
            rows.append(PrintedRow(top, x0, header, True))
            cells = tuple("" if c in _CODE_HEADER else c for c in cells)
            top += 0.01
        rows.append(PrintedRow(top, x0, cells, True))
    return rows


def page_rows(chars: list[Char], tables: list[Table]) -> list[PrintedRow]:
    """The printed rows of one page in reading order (top to bottom, then left to right)."""
    chars = [c for c in chars if c.text.strip()]
    rows: list[PrintedRow] = []
    free = chars
    for table in tables:
        inside: list[Char] = []
        outside: list[Char] = []
        for c in free:
            (inside if _inside(c, table.bbox) else outside).append(c)
        if inside:  # ruled boxes without text (an empty grid, a frame) are not tables
            rows.extend(_table_rows(table, inside))
            free = outside
    for line in _lines(free):
        cells = tuple(cell_text(part) for part in _split_line(line))
        rows.append(PrintedRow(min(c.top for c in line), line[0].x0, cells, False))
    rows.sort(key=lambda r: (r.top, r.x0))
    return rows
