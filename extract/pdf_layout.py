"""Page layout analysis: characters and ruling lines of one PDF page -> printed rows.

Ruled tables are found with pdfplumber's table finder (edges -> intersections -> cells); every
table row becomes one row of cells in column order (a cell spanning columns prints in its first
column, the others are blank), so value columns keep their position. Text outside the tables
becomes one row per line. The input is plain geometry, so the characters and edges may come from
pdfplumber (pdfminer) or from pypdfium2, which reads them about 30 times faster.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from pdfplumber.table import TableFinder

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


def edge(x0: float, top: float, x1: float, bottom: float, doctop: float = 0.0) -> dict:
    """A ruling line as pdfplumber's table finder expects it (page coordinates, top-down)."""
    return {
        "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": doctop + top,
        "width": x1 - x0, "height": bottom - top, "object_type": "line",
        "orientation": "h" if bottom - top < x1 - x0 else "v",
    }


@dataclass
class _EdgePage:
    """The part of a pdfplumber Page the table finder reads for the 'lines' strategy."""

    bbox: tuple[float, float, float, float]
    edges: list[dict]


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
    for c in sorted(chars, key=lambda c: c.cy):
        if lines and c.cy - lines[-1][-1].cy <= height * 0.5:
            lines[-1].append(c)
        else:
            lines.append([c])
    return [sorted(line, key=lambda c: c.x0) for line in lines]


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


def _table_rows(table, chars: list[Char]) -> list[PrintedRow]:
    rows: list[PrintedRow] = []
    for group in table.rows:
        row_chars = [c for c in chars if _inside(c, group.bbox)]
        cells = tuple(
            cell_text([c for c in row_chars if _inside(c, bbox)]) if bbox else ""
            for bbox in group.cells
        )
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


def page_rows(chars: list[Char], edges: list[dict], width: float, height: float) -> list[PrintedRow]:
    """The printed rows of one page in reading order (top to bottom, then left to right)."""
    chars = [c for c in chars if c.text.strip()]
    page = _EdgePage((0.0, 0.0, width, height), edges)  # duck-types the pdfplumber Page it reads
    finder = TableFinder(page)  # type: ignore[arg-type]
    rows: list[PrintedRow] = []
    free = chars
    for table in finder.tables:
        bbox = table.bbox
        inside = [c for c in free if _inside(c, bbox)]
        if not inside:
            continue  # ruled boxes without text (an empty grid, a frame) are not tables
        rows.extend(_table_rows(table, inside))
        free = [c for c in free if not _inside(c, bbox)]
    for line in _lines(free):
        cells = tuple(cell_text(part) for part in _split_line(line))
        rows.append(PrintedRow(min(c.top for c in line), line[0].x0, cells, False))
    rows.sort(key=lambda r: (r.top, r.x0))
    return rows
