"""The "三公" table of a 部门预算 (read by header): one row of amounts (or a 合计 row above the
预算单位 rows), one column per item, the items named by the header cells stacked above each column.

A column's item is found in its lowest header cell by the catalogue's item `header` patterns; a
小计 / 合计 there is the item of the cell above it (三公经费 小计 = total, 公务用车… 小计 =
vehicle_total); a 合计 at the top beside a 三公 subtotal is total_all (with 会议费 and 培训费). A
table printing several years side by side is read in its latest year (see columns.py); the rows of
the 预算单位 under the 合计 row are not read.
"""

from __future__ import annotations

import re

from ..catalogue import Column, Item, catalogue
from ..locate import TableRegion
from .base import TableParse
from .columns import HeaderColumns, header_block, header_labels, is_money, other_years, stacked_parts, values_of

_SUBTOTAL = re.compile(r"^(小计|合计|总计)$")
_YEAR = re.compile(r"^20\d{2}年度?$")
_TOTAL_ROW = re.compile(r"合\s*计|总\s*计")


def _item(parts: list[str], items: tuple[Item, ...]) -> str | None:
    parts = [p for p in parts if p and not _YEAR.match(p)]
    if not parts:
        return None
    leaf = parts[-1]
    if _SUBTOTAL.match(leaf):
        parent = parts[-2] if len(parts) > 1 else ""
        if "三公" in parent:
            return "total"
        if "车" in parent:
            return "vehicle_total"
        return "total_all" if not parent else None
    return next((i.key for i in items if i.header is not None and i.header.search(leaf)), None)


def _columns(region: TableRegion, header: list, width: int) -> HeaderColumns:
    items = catalogue().items["three_public"]
    labels = header_labels(header, width)
    skipped = other_years(labels)
    parts = stacked_parts(header, width)
    keys = {i: None if i in skipped else _item(parts[i][0], items) for i in labels}
    if "total" not in keys.values():  # no 三公 subtotal: the top 合计 is the 三公 total
        keys = {i: ("total" if k == "total_all" else k) for i, k in keys.items()}
    names = {i.key: i.label for i in items}
    columns: dict[int, Column | None] = {}
    for i, key in sorted(keys.items()):
        columns[i] = Column(key, names[key]) if key and key not in {c.key for c in columns.values() if c} else None
    return HeaderColumns(columns, labels, min(columns, default=width), skipped)


def parse_three_public_by_header(region: TableRegion) -> TableParse:
    out = TableParse(region)
    budget = region.template.column_sets[0][0]
    rows = [r for r in region.rows if any(c.strip() for c in r.cells)]
    data = [r for r in rows if any(is_money(c) for c in r.cells)]
    if not data:
        return out
    start = rows.index(data[0])
    width = max(len(r.cells) for r in rows)
    cols = _columns(region, header_block(rows[:start]), width)
    if not any(cols.columns.values()):
        out.warn(data[0], f"{out.code}: no item named by the header")
        return out
    # the 合计 row, else the only row of amounts
    total = next((r for r in data if any(_TOTAL_ROW.search(c) for c in r.cells if not is_money(c))), None)
    row = total or (data[0] if len(data) == 1 else None)
    if row is None:
        out.warn(data[0], f"{out.code}: {len(data)} rows of amounts and none is the 合计")
        return out
    values, lost = values_of(row, cols)
    if lost:
        out.warn(row, f"{out.code}: amounts not placed in a column: {lost!r}")
    for i, column in cols.columns.items():
        if column is None:
            if values.get(i) and cols.unread(i):
                out.warn(row, f"{out.code}: column {cols.labels[i]!r} is not read: {values[i]!r}")
            continue
        out.add_row(row, column.label, [(budget, values.get(i, ""), cols.labels[i])], row_key=column.key)
    return out
