"""T10 相关信息统计表: label, 行次, 统计数 lines under section headings."""

from __future__ import annotations

from ..catalogue import row_key_for
from ..locate import TableRegion
from ..numbers import is_amount_or_blank, join_label, parse_line_no
from .base import TableParse


def parse_statistics(region: TableRegion) -> TableParse:
    out = TableParse(region)
    column = region.template.column_sets[0][0]
    for row in region.rows:
        cells = list(row.cells)
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) < 2:
            continue
        label, line_no = join_label(cells[0]), parse_line_no(cells[1])
        if not label or line_no is None:
            continue
        raw = cells[2] if len(cells) > 2 else ""
        if not is_amount_or_blank(raw):
            continue
        out.add_row(row, label, [(column, raw, None)], row_key=row_key_for(label, "statistics"),
                    line_no=line_no)
    return out
