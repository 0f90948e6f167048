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
from typing import NamedTuple

from .pdf_tables import Table

# Cells of the subject tables' code header, printed by some templates in the 合计 row.
_CODE_HEADER = {"类", "款", "项"}
_ASCII_WORD = re.compile(r"[0-9A-Za-z.,%()\-]")


class Char(NamedTuple):
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


# A character with its centre, computed once: (cx, cy, char).
_Placed = tuple[float, float, Char]


def _median(values: list[float]) -> float:
    """statistics.median's value and arithmetic, without its overhead (it runs for every cell)."""
    values = sorted(values)
    n = len(values)
    return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines (by vertical centre), each sorted left to right."""
    return _sorted_lines(sorted([((c.top + c.bottom) / 2, c) for c in chars], key=itemgetter(0)))


def _sorted_lines(by_centre: list[tuple[float, Char]]) -> list[list[Char]]:
    """_lines of (vertical centre, character) pairs already sorted by centre."""
    if len(by_centre) <= 1:
        return [[by_centre[0][1]]] if by_centre else []
    half = (_median([c.bottom - c.top for _, c in by_centre]) or 1.0) * 0.5
    lines: list[list[Char]] = []
    last = 0.0  # vertical centre of the character placed last
    for cy, c in by_centre:
        if lines and cy - last <= half:
            lines[-1].append(c)
        else:
            lines.append([c])
        last = cy
    return [sorted(line, key=attrgetter("x0")) if len(line) > 1 else line for line in lines]


def _join(left: str, right: str) -> str:
    """Join two pieces of text: CJK runs join without a space, ASCII words keep one."""
    if left and right and _ASCII_WORD.match(left[-1]) and _ASCII_WORD.match(right[0]):
        return left + " " + right
    return left + right


def _line_text(line: list[Char]) -> str:
    if len(line) == 1:
        return line[0].text
    gap_space = _median([c.bottom - c.top for c in line]) * 0.3
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
    if len(chars) <= 1:
        return chars[0].text.strip() if chars else ""
    return _text(_lines(chars))


def _text(lines: list[list[Char]]) -> str:
    text = ""
    for line in lines:
        text = _join(text, _line_text(line))
    return text.strip()


def _split_line(line: list[Char]) -> list[list[Char]]:
    """A line outside ruled tables, split into cells where the gap is wider than two characters."""
    size = _median([c.bottom - c.top for c in line])
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

    def __init__(self, placed: list[_Placed]):
        self.placed = sorted(placed, key=itemgetter(1))
        self.cys = [p[1] for p in self.placed]

    def cell_text(self, bbox: tuple[float, float, float, float]) -> str:
        """cell_text of the characters whose centre lies in the box."""
        x0, top, x1, bottom = bbox
        lo, hi = bisect_left(self.cys, top), bisect_left(self.cys, bottom)
        inside = [(cy, c) for cx, cy, c in self.placed[lo:hi] if x0 <= cx < x1]  # sorted by centre
        if len(inside) <= 1:
            return inside[0][1].text.strip() if inside else ""
        return _text(_sorted_lines(inside))


def _table_rows(table: Table, placed: list[_Placed]) -> list[PrintedRow]:
    by_height = _ByHeight(placed)
    rows: list[PrintedRow] = []
    for group in table.rows:
        cells = tuple(by_height.cell_text(bbox) if bbox else "" for bbox in group.cells)
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
    rows: list[PrintedRow] = []
    free = [((c.x0 + c.x1) / 2, (c.top + c.bottom) / 2, c) for c in chars if c.text.strip()]
    for table in tables:
        x0, top, x1, bottom = table.bbox
        inside = [p for p in free if x0 <= p[0] < x1 and top <= p[1] < bottom]
        if inside:  # ruled boxes without text (an empty grid, a frame) are not tables
            rows.extend(_table_rows(table, inside))
            free = [p for p in free if not (x0 <= p[0] < x1 and top <= p[1] < bottom)]
    for line in _lines([c for _, _, c in free]):
        cells = tuple(cell_text(part) for part in _split_line(line))
        rows.append(PrintedRow(min(c.top for c in line), line[0].x0, cells, False))
    rows.sort(key=lambda r: (r.top, r.x0))
    return rows
