"""Two-sided summary tables (T01, T04): an income half and an expenditure half on each line.

Each half is its own logical row: label, 行次 (where the template prints it), value column(s).
"""

from __future__ import annotations

import re

from ..catalogue import functional_class_code, row_key_for
from ..locate import TableRegion
from ..numbers import is_amount_or_blank, join_label, parse_line_no
from ..records import Row
from .base import TableParse, header_rows, modal_width, trim_to
from .pairs import parse_pairs

_HEADER_LABEL = re.compile(r"^(收入|支出|项目|栏次|收\s*入|支\s*出)$")
_GRANT_KEYS = {"general_budget_grant", "gov_fund_grant", "state_capital_grant"}


def _layout(region: TableRegion) -> tuple[bool, int | None]:
    """(has 行次 column, index where the expenditure half starts, if a header row shows it)."""
    header = header_rows(region)
    has_line_no = any("行次" in c.replace(" ", "") for r in header for c in r.cells)
    for row in header:
        starts = [i for i, c in enumerate(row.cells) if c.replace(" ", "") == "项目"]
        if len(starts) >= 2:
            return has_line_no, starts[1]
    return has_line_no, None


def _is_data(row: Row, left_width: int) -> bool:
    cells = row.cells
    if len(cells) < left_width + 2:
        return False
    # a data line has amount-or-blank cells where the values stand and a text label somewhere
    labels = [cells[0], cells[left_width]]
    return any(c and not is_amount_or_blank(c) and "项目" not in c and "栏次" not in c for c in labels)


_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")
_OF_WHICH = re.compile(r"^其中[：:]")


class _Side:
    """Row keys of one half (see the catalogue's summary row keys): rows under 年初/年末结转和结余
    are the balance by fund type; a 其中 line is part of the line above (of_which_<key>); any
    other numbered line is an item of the half's total."""

    def __init__(self, item_key: str) -> None:
        self.balance_prefix: str | None = None
        self.item_key = item_key

    def row_key(self, label: str) -> str | None:
        key = row_key_for(label, "summary")
        if key is None and _NUMBERED.match(label):
            return self.item_key
        if key in ("carryover_begin", "carryover_end"):
            self.balance_prefix = key
        elif key in _GRANT_KEYS and self.balance_prefix:
            return f"{self.balance_prefix}_{key}"
        elif key is not None:
            self.balance_prefix = None
        if key is not None and _OF_WHICH.match(label):
            return f"of_which_{key}"
        return key


def parse_summary(region: TableRegion) -> TableParse:
    if region.template.read_by == "header":
        return parse_pairs(region)
    out = TableParse(region)
    columns = region.template.column_sets[0]
    income_col, expenditure_cols = columns[0], columns[1:]
    has_line_no, right_start = _layout(region)
    left_width = right_start or (3 if has_line_no else 2)
    data = [r for r in region.rows if _is_data(r, left_width)]
    width = modal_width(data)
    n_right_values = width - left_width - (2 if has_line_no else 1)
    if n_right_values < 1:
        out.warn(None, f"{out.code}: cannot tell the table's columns (width {width})")
        return out
    if n_right_values > len(expenditure_cols):
        out.warn(None, f"{out.code}: {n_right_values} expenditure columns, template has {len(expenditure_cols)}")
    right_cols = expenditure_cols[:n_right_values]
    left, right = _Side("income_item"), _Side("expenditure_item")
    for row in data:
        cells = trim_to(row.cells, width)
        cells = cells + ("",) * (width - len(cells))
        halves = ((cells[:left_width], (income_col,), left), (cells[left_width:], right_cols, right))
        for half, cols, side in halves:
            label = join_label(half[0])
            line_no = parse_line_no(half[1]) if has_line_no else None
            values = half[2:] if has_line_no else half[1:]
            if (not label and all(not v for v in values)) or _HEADER_LABEL.match(label):
                continue
            if has_line_no and line_no is None:
                out.warn(row, f"{out.code}: half-row {label!r} has no 行次")
            if not all(is_amount_or_blank(v) for v in values):
                out.warn(row, f"{out.code}: half-row {label!r} has non-numeric values {values!r}")
            class_code = functional_class_code(re.sub(r"\s", "", label))
            out.add_row(
                row, label or None, [(c, v, None) for c, v in zip(cols, values, strict=False)],
                row_key=None if class_code else side.row_key(label),
                subject_code=class_code, line_no=line_no,
            )
    return out
