"""Tables by 功能分类 subject (T02, T03, T05, T07, T08): code / name cells, then value columns."""

from __future__ import annotations

import re
from collections import Counter

from ..catalogue import Column
from ..locate import TableRegion
from ..numbers import is_amount_or_blank, join_label, split_code
from ..records import Row
from .base import TableParse, modal_width, printed_labels, trim_to
from .subject_header import parse_subject_by_header

_TOTAL = re.compile(r"(^|\s)(合\s*计|总\s*计)$")
_HEADER_ONLY = re.compile(r"栏次|项目|科目")


def _label_and_code(label_cells: tuple[str, ...]) -> tuple[str | None, str, bool]:
    """(subject_code, name, is_total) from the leading cells ('201','06','01','行政运行' or one cell)."""
    text = " ".join(c for c in label_cells if c)
    code, name = split_code(text)
    is_total = code is None and bool(_TOTAL.search(text))
    if is_total:
        name = join_label(_HEADER_ONLY.sub("", text)).strip() or "合计"
    return code, name, is_total


def looks_like_data(row: Row) -> bool:
    """A subject row starts with a code ('2010301', '201 06 01', '201') or is the 合计 row."""
    first = next((c for c in row.cells if c), "")
    return split_code(first)[0] is not None or bool(re.fullmatch(r"(栏次\s*)?(合\s*计|总\s*计)", first))


def _n_values(cells: tuple[str, ...]) -> int:
    """How many cells at the end of a row are amounts or blanks (the value columns)."""
    n = 0
    for cell in reversed(cells):
        if not is_amount_or_blank(cell):
            break
        n += 1
    return n


def _choose_columns(region: TableRegion, data_rows: list[Row], width: int) -> tuple[Column, ...]:
    """The catalogue's column set of the printed width (T08 with or without 年初/年末结转和结余, a
    university T02 with 其中：教育收费); else the one whose labels are printed."""
    sets = region.template.column_sets
    if len(sets) == 1:
        return sets[0]
    counts = Counter(_n_values(trim_to(r.cells, width)) for r in data_rows)
    printed = counts.most_common(1)[0][0] if counts else 0
    fitting = [cols for cols in sets if len(cols) == printed]
    if fitting:
        return fitting[0]
    carryover = "年初结转" in region.text
    return next((cols for cols in sets if any(c.key.startswith("carryover") for c in cols) == carryover), sets[0])


def parse_subject(region: TableRegion) -> TableParse:
    if region.template.read_by == "header":
        return parse_subject_by_header(region)
    out = TableParse(region)
    data_rows = [r for r in region.rows if looks_like_data(r)]
    width = modal_width(data_rows)
    columns = _choose_columns(region, data_rows, width)
    k = len(columns)
    labels = printed_labels(region.rows, k)
    for row in region.rows:
        cells = trim_to(row.cells, width)
        if len(cells) < 2:
            continue
        if len(cells) > k:
            label_cells, value_cells = cells[:-k], cells[-k:]
        else:  # a row shorter than the table: values are what follows the label
            label_cells, value_cells = cells[:1], cells[1:] + ("",) * (k - len(cells) + 1)
        code, name, is_total = _label_and_code(label_cells)
        if code is None and not is_total:
            continue
        if is_total and not all(is_amount_or_blank(v) for v in value_cells):
            continue  # a header line whose 合计 is a column heading (本年支出 合计 基本支出 ...)
        out.add_row(
            row, name, list(zip(columns, value_cells, labels, strict=False)),
            row_key="total" if is_total else None, subject_code=code,
        )
    return out
