"""T09 "三公" 经费: budget and final per item, in any of the printed layouts:
- one line of 12 values (6 budget then 6 final, or 6 预算数/决算数 pairs);
- one line per item (label, 预算数, 决算数);
- transposed: a 预算数 line and a 决算数 line, one column per item, the items named by the
  (multi-level) header above, often with 会议费 and 培训费 beside the 三公 items.
Items are the catalogue's `three_public` list."""

from __future__ import annotations

import re

from ..catalogue import Column, catalogue, item_key_for
from ..locate import TableRegion
from ..numbers import is_amount, is_amount_or_blank, join_label
from ..records import Row
from .base import TableParse
from .three_public_header import parse_three_public_by_header

_MEASURE = re.compile(r"^(全年)?(预算|决算)数?$")


def _pairs_layout(region: TableRegion) -> bool:
    """True when the header alternates 预算数 / 决算数 per item."""
    for row in region.rows:
        marks = [c.replace(" ", "") for c in row.cells if c.replace(" ", "") in ("预算数", "决算数")]
        if len(marks) >= 4:
            return True
    return False


def _measure(row: Row) -> str | None:
    """'budget' / 'final' for a transposed table's 预算数 / 决算数 line that prints amounts."""
    cells = row.nonempty
    if len(cells) < 2 or not any(is_amount(c) for c in cells[1:]):
        return None
    m = _MEASURE.match(cells[0].replace(" ", ""))
    return None if m is None else ("budget" if m.group(2) == "预算" else "final")


def _column_items(header: list[Row]) -> dict[int, str]:
    """Column index -> item key, from the header cells stacked above each column."""
    width = max((len(r.cells) for r in header), default=0)
    out: dict[int, str] = {}
    for j in range(1, width):
        label = "".join(join_label(r.cells[j]) for r in header
                        if j < len(r.cells) and r.cells[j] and not is_amount_or_blank(r.cells[j]))
        key = item_key_for(label) if label else None
        if key is not None and key not in out.values():
            out[j] = key
    return out


def _parse_transposed(out: TableParse, region: TableRegion, columns: dict[str, Column]) -> bool:
    lines = [(i, row, m) for i, row in enumerate(region.rows) if (m := _measure(row))]
    if not lines:
        return False
    items = _column_items(region.rows[:lines[0][0]])
    labels = {i.key: i.label for i in catalogue().items["three_public"]}
    if not items:
        out.warn(lines[0][1], "T09: 预算数/决算数 lines without item headers")
        return True
    for _, row, measure in lines:
        for j, key in items.items():
            raw = row.cells[j] if j < len(row.cells) else ""
            out.add_row(row, labels[key], [(columns[measure], raw, None)], row_key=key)
    return True


def parse_three_public(region: TableRegion) -> TableParse:
    if region.template.read_by == "header":
        return parse_three_public_by_header(region)
    out = TableParse(region)
    budget, final = region.template.column_sets[0]
    if _parse_transposed(out, region, {"budget": budget, "final": final}):
        return out
    for row in region.rows:
        amounts = [c for c in row.cells if is_amount_or_blank(c)]
        texts = [c for c in row.cells if c and not is_amount_or_blank(c)]
        if len(amounts) >= 12 and not texts and any(is_amount(c) for c in amounts):
            _add_items(out, row, row.cells[-12:], budget, final, _pairs_layout(region))
        elif texts and len(amounts) >= 2 and any(is_amount(c) for c in amounts):
            key = item_key_for(join_label(texts[0]))
            if key:
                out.add_row(row, join_label(texts[0]), [(budget, amounts[-2], None), (final, amounts[-1], None)],
                            row_key=key)
    return out


def _add_items(out: TableParse, row: Row, values: tuple[str, ...], budget: Column, final: Column,
               pairs: bool) -> None:
    header_line = all(v.strip().isdigit() and int(v) == i + 1 for i, v in enumerate(values))
    if header_line:  # the 栏次 line 1..12
        return
    six = catalogue().items["three_public"][:6]  # the national template's 6 items, in its order
    for i, item in enumerate(six):
        b, f = (values[2 * i], values[2 * i + 1]) if pairs else (values[i], values[i + 6])
        out.add_row(row, item.label, [(budget, b, None), (final, f, None)], row_key=item.key)
