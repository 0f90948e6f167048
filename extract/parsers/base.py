"""Shared machinery of the per-table parsers: turning printed cells into Cell records."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..catalogue import Column
from ..locate import TableRegion
from ..numbers import is_amount_or_blank, join_label, parse_amount
from ..records import Cell, ExtractionIssue, Row


@dataclass
class TableParse:
    """Cells and issues of one table, numbered row by row in printed order."""

    region: TableRegion
    cells: list[Cell] = field(default_factory=list)
    issues: list[ExtractionIssue] = field(default_factory=list)
    row_index: int = 0

    @property
    def code(self) -> str:
        return self.region.template.code

    def warn(self, row: Row | None, message: str) -> None:
        self.issues.append(ExtractionIssue(
            "warning", message, self.code,
            row.source_line if row else None, row.page if row else None,
            row.text if row else None,
        ))

    def add_row(
        self,
        row: Row,
        label: str | None,
        values: list[tuple[Column, str, str | None]],  # (column, raw text, printed label)
        *,
        row_key: str | None = None,
        subject_code: str | None = None,
        line_no: int | None = None,
    ) -> None:
        """One logical table row: a Cell per value column (blank -> NULL, kept)."""
        self.row_index += 1
        for column, raw, printed in values:
            try:
                value = parse_amount(raw)
            except ValueError:
                self.warn(row, f"{self.code} row {label!r} column {column.key}: unreadable value {raw!r}")
                value = None
            self.cells.append(Cell(
                table_code=self.code,
                table_title=self.region.title,
                row_index=self.row_index,
                row_label=label,
                column_key=column.key,
                column_label=printed or column.label,
                value=value,
                raw_text=raw,
                row_key=row_key,
                subject_code=subject_code,
                line_no=line_no,
                source_line=row.source_line,
                page=row.page,
            ))


def header_rows(region: TableRegion) -> list[Row]:
    """The rows above the first row that prints a decimal amount (titles, units, column headers)."""
    rows = []
    for row in region.rows:
        if any(is_amount_or_blank(c) and "." in c for c in row.cells):
            break
        rows.append(row)
    return rows


def modal_width(rows: list[Row]) -> int:
    widths = Counter(len(r.cells) for r in rows)
    return widths.most_common(1)[0][0] if widths else 0


def trim_to(cells: tuple[str, ...], width: int) -> tuple[str, ...]:
    """Drop surplus trailing blank cells a dump may add beyond the table's width."""
    while len(cells) > width and not cells[-1]:
        cells = cells[:-1]
    return cells


def printed_labels(rows: list[Row], n: int) -> list[str | None]:
    """Column labels as printed: the first header row whose last n cells are all text labels."""
    for row in rows:
        tail = row.cells[-n:] if len(row.cells) > n else ()
        if tail and all(c and not is_amount_or_blank(c) for c in tail):
            return [join_label(c) for c in tail]
    return [None] * n
