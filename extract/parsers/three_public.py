"""T09 "三公" 经费: budget and final per item, in any of the printed layouts:
one line of 12 values (6 budget then 6 final, or 6 预算数/决算数 pairs), or one line per item."""

from __future__ import annotations

from ..locate import TableRegion
from ..numbers import is_amount, is_amount_or_blank, join_label
from ..templates import THREE_PUBLIC_ITEMS, THREE_PUBLIC_ROW_KEYS, Column, row_key_for
from .base import TableParse

def _pairs_layout(region: TableRegion) -> bool:
    """True when the header alternates 预算数 / 决算数 per item."""
    for row in region.rows:
        marks = [c.replace(" ", "") for c in row.cells if c.replace(" ", "") in ("预算数", "决算数")]
        if len(marks) >= 4:
            return True
    return False


def parse_three_public(region: TableRegion) -> TableParse:
    out = TableParse(region)
    budget, final = region.template.variants[0]
    for row in region.rows:
        amounts = [c for c in row.cells if is_amount_or_blank(c)]
        texts = [c for c in row.cells if c and not is_amount_or_blank(c)]
        if len(amounts) >= 12 and not texts and any(is_amount(c) for c in amounts):
            _add_items(out, row, row.cells[-12:], budget, final, _pairs_layout(region))
        elif texts and len(amounts) >= 2 and any(is_amount(c) for c in amounts):
            key = row_key_for(join_label(texts[0]), THREE_PUBLIC_ROW_KEYS)
            if key:
                out.add_row(row, join_label(texts[0]), [(budget, amounts[-2], None), (final, amounts[-1], None)],
                            row_key=key)
    return out


def _add_items(out: TableParse, row, values, budget: Column, final: Column, pairs: bool) -> None:
    header_line = all(v.strip().isdigit() and int(v) == i + 1 for i, v in enumerate(values))
    if header_line:  # the 栏次 line 1..12
        return
    for i, (key, label) in enumerate(THREE_PUBLIC_ITEMS):
        b, f = (values[2 * i], values[2 * i + 1]) if pairs else (values[i], values[i + 6])
        out.add_row(row, label, [(budget, b, None), (final, f, None)], row_key=key)
