"""Logical table rows of a 绩效自评表, whatever the dump layout.

Two layouts reach us as printed rows:
- tab rows: one printed line per table row, cells split on tabs (HTML ``<p>`` cells already
  cleaned by ``load.clean_cell``);
- one-cell-per-line dumps: every cell starts a line with a tab (``"\\t年初"``), a wrapped cell
  continues on the next line without a tab (``"预算数"``), a blank line ends the table row.

``logical_rows`` folds the second layout into the first, so the parser sees one row per table row
with cells in order, and keeps the source line of the row's first line.

PDF rows (page, no source line) come from the layout analysis of a ruled table: their cells keep
their column positions, so a row of the header's width can be read by position.
"""

from __future__ import annotations

from dataclasses import dataclass

from .records import Row


@dataclass(frozen=True)
class LogicalRow:
    cells: tuple[str, ...]
    source_line: int | None
    page: int | None
    folded: bool = False  # True when rebuilt from a one-cell-per-line block

    @property
    def text(self) -> str:
        return "\t".join(self.cells)

    @property
    def filled(self) -> list[str]:
        return [c for c in self.cells if c]

    @property
    def positional(self) -> bool:
        """A PDF table row: every cell sits in its grid column (pdf_layout), blanks included."""
        return self.source_line is None and self.page is not None and not self.folded


def _is_cell_line(row: Row) -> bool:
    """A line that opens one cell: a leading tab and exactly one (possibly empty) cell after it."""
    return len(row.cells) == 2 and row.cells[0] == ""


def _is_blank(row: Row) -> bool:
    return not any(row.cells)


def _is_continuation(row: Row) -> bool:
    return len(row.cells) == 1 and bool(row.cells[0])


def logical_rows(rows: list[Row]) -> list[LogicalRow]:
    """Rows as table rows: tab rows pass through, one-cell-per-line blocks are folded."""
    out: list[LogicalRow] = []
    block: list[str] | None = None
    start: Row | None = None

    def close() -> None:
        nonlocal block, start
        if block is not None and start is not None:
            out.append(LogicalRow(tuple(block), start.source_line, start.page, folded=True))
        block, start = None, None

    for row in rows:
        if _is_cell_line(row):
            if block is None:
                block, start = [], row
            block.append(row.cells[1])
        elif block is not None and _is_continuation(row):
            # a wrapped cell: Chinese text wraps without a space
            block[-1] = block[-1] + row.cells[0]
        else:
            close()
            if not _is_blank(row):
                out.append(LogicalRow(row.cells, row.source_line, row.page))
    close()
    return out
