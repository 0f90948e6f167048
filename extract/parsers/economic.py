"""T06 基本支出明细: blocks of (经济分类 code, name, 决算数) printed side by side.

The block count is the number of 决算数 header cells; a data row is cut into that many equal
blocks. The closing line holds 人员经费合计 / 公用经费合计 (the latter often spanning blocks).
"""

from __future__ import annotations

import re

from ..catalogue import row_key_for
from ..locate import TableRegion
from ..numbers import is_amount_or_blank, join_label, split_code
from ..records import Row
from .base import TableParse, header_rows, modal_width


def _total_key(cell: str) -> str | None:
    return row_key_for(cell.replace(" ", ""), "economic")


def _n_blocks(region: TableRegion) -> int:
    counts = [sum(1 for c in r.cells if c.replace(" ", "") in ("决算数", "金额")) for r in header_rows(region)]
    return max(counts + [1])


_ECONOMIC_CODE = re.compile(r"^\d{3}(?:\s?\d{2})?(?:\s|$)")  # '301', '30101', '301 01', '301 工资福利支出'


def _has_code(row: Row) -> bool:
    return any(_ECONOMIC_CODE.match(c.strip()) for c in row.cells)


def parse_economic(region: TableRegion) -> TableParse:
    out = TableParse(region)
    column = region.template.column_sets[0][0]
    n_blocks = _n_blocks(region)
    data = [r for r in region.rows if _has_code(r)]
    width = modal_width(data)
    block = width // n_blocks if n_blocks and width % n_blocks == 0 else 0
    if not block:
        out.warn(None, f"T06: rows of {width} cells do not split into {n_blocks} blocks")
        return out
    for row in region.rows:
        totals = [(i, key) for i, c in enumerate(row.cells) if (key := _total_key(c))]
        if totals:
            _parse_totals(out, row, totals, column)
        elif row in data:
            cells = row.cells + ("",) * (width - len(row.cells))
            for b in range(n_blocks):
                _parse_block(out, row, cells[b * block:(b + 1) * block], column)
    return out


def _parse_block(out: TableParse, row: Row, cells: tuple[str, ...], column) -> None:
    *label_cells, raw = cells
    text = " ".join(c for c in label_cells if c)
    if not text and not raw:
        return
    code, name = split_code(text)
    if code is None:
        out.warn(row, f"T06: block without an economic code: {cells!r}")
        return
    out.add_row(row, name, [(column, raw, None)], subject_code=code)


def _parse_totals(out: TableParse, row: Row, totals: list[tuple[int, str]], column) -> None:
    ends = [i for i, _ in totals[1:]] + [len(row.cells)]
    for (start, key), end in zip(totals, ends, strict=False):
        values = [c for c in row.cells[start + 1:end] if c]
        raw = values[-1] if values else ""
        if not is_amount_or_blank(raw):
            out.warn(row, f"T06: total {key} has no readable value")
        out.add_row(row, join_label(row.cells[start]), [(column, raw, None)], row_key=key)
