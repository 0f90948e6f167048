"""Summary tables read by header (部门预算 收支总表 B01, 财政拨款收支总表 B04): label / value pairs
side by side — the income half, then the expenditure half in one or more breakdowns (功能分类,
支出用途, 经济分类 ...), each a label column with its value column(s).

The header names the pairs: a label column (项目, 项目名称, …科目…) and the value columns right of
it (预算数, 金额, or the fund columns 合计 | 一般公共预算 | 政府性基金 … of a 财政拨款收支总表). A row
is read as pairs: each label with the amounts after it, in the breakdown of the nearest label
column (the layout may shift a cell by a column). The income half and the first expenditure
breakdown are read; a further breakdown restates the same spending another way and is not read.
"""

from __future__ import annotations

import re

from ..catalogue import Column, functional_class_code, row_key_for
from ..locate import TableRegion
from ..numbers import is_amount_or_blank, join_label
from ..records import Row
from .base import TableParse
from .columns import header_block, header_columns, is_money

_LABEL_HEADER = re.compile(r"^(项目|项目名称|.*科目.*|.*名称)$")
_NOT_DATA = re.compile(r"^(注[:：]|第\d+页|[—\-－]?\s*\d+\s*[—\-－]?$)")
_GRANT_KEYS = {"general_budget_grant", "gov_fund_grant", "state_capital_grant"}
_STYLES = (re.compile(r"^[一二三四五六七八九十]+、"), re.compile(r"^\d+、"), re.compile(r"^\d+[.．](?!\d)"),
           re.compile(r"^[（(][一二三四五六七八九十\d]+[)）]"))


def _style(label: str) -> int | None:
    return next((k for k, p in enumerate(_STYLES) if p.match(label)), None)


class _Side:
    """Row keys of one half. Its top level is the first numbering style that numbers two of its
    lines ('一、部门预算' above '1、财政拨款 … 6、其他收入' is a heading); a line numbered in another
    style is part of the line above it (of_which_<key>), as is a 其中 line; the fund lines under
    上年结转 / 结转下年 are keyed carryover_begin_<fund> / carryover_end_<fund>; another line of the
    top level is an item of the half."""

    def __init__(self, item_key: str, group: str, labels: list[str]) -> None:
        self.item_key, self.group = item_key, group
        styles = [st for st in map(_style, labels) if st is not None]
        self.top = next((st for st in styles if styles.count(st) >= 2), styles[0] if styles else None)
        self.balance_prefix: str | None = None

    def row_key(self, label: str) -> str | None:
        style = _style(label)
        sub = style is not None and style != self.top
        key = row_key_for(label, self.group)
        if key in ("carryover_begin", "carryover_end"):
            self.balance_prefix = key
            return key
        if key in _GRANT_KEYS and self.balance_prefix:
            return f"{self.balance_prefix}_{key}"
        if key is not None:
            self.balance_prefix = None
        if key is None:
            return self.item_key if style is not None and not sub else None
        return f"of_which_{key}" if sub or re.match(r"^其中[：:]", label) else key


def _label_columns(header: list[Row], width: int) -> list[int]:
    """Columns whose header names row labels (项目, 功能科目名称, 支出功能分类科目（按大类）)."""
    found = set()
    for row in header:
        for i, cell in enumerate(row.cells[:width]):
            if _LABEL_HEADER.match(join_label(cell).replace(" ", "")) and "编码" not in cell:
                found.add(i)
    return sorted(found)


def _pairs(row: Row, labels: list[int]) -> list[tuple[int, str, list[tuple[int, str]]]]:
    """(breakdown, label, [(column, amount)]) for each label printed in the row."""
    out: list[tuple[int, str, list[tuple[int, str]]]] = []
    for i, cell in enumerate(row.cells):
        text = cell.strip()
        if not text:
            continue
        if is_money(text) or (out and is_amount_or_blank(text)):
            if out:
                out[-1][2].append((i, text))
            continue
        b = min(range(len(labels)), key=lambda k: (abs(labels[k] - i), labels[k] > i))
        out.append((b, join_label(text), []))
    return out


def _values(amounts: list[tuple[int, str]], columns: dict[int, Column | None], default: Column
            ) -> list[tuple[Column, str, str | None]]:
    """The amounts of a pair by column: one value column, or the fund columns by header."""
    named = {i: c for i, c in columns.items() if c is not None}
    if len(named) <= 1:
        return [(default, amounts[0][1] if amounts else "", None)]
    placed: dict[int, str] = {i: "" for i in named}
    for i, text in amounts:
        j = min(named, key=lambda k: (abs(k - i), k > i))
        placed[j] = placed[j] or text
    return [(named[i], placed[i], None) for i in sorted(named)]


def parse_pairs(region: TableRegion) -> TableParse:
    out = TableParse(region)
    template = region.template
    rows = [r for r in region.rows if any(c.strip() for c in r.cells)]
    first_money = next((i for i, r in enumerate(rows) if any(is_money(c) for c in r.cells)), len(rows))
    width = max((len(r.cells) for r in rows), default=0)
    header = header_block(rows[:first_money])
    labels = _label_columns(header, width)
    if len(labels) < 2:
        out.warn(None, f"{out.code}: the header names no income and expenditure label columns")
        return out
    # data from the row after the last one naming a label column (项目 …)
    start = 1 + max(i for i, r in enumerate(rows[:first_money]) if _label_columns([r], width))
    end = labels[2] if len(labels) > 2 else width
    right = header_columns(template, header, width, within=(labels[1] + 1, end)).columns
    income_col, expenditure_col = template.column_sets[0][0], template.column_sets[0][1]
    group = template.row_keys
    lines = _lines(rows[start:], labels, group)
    sides = tuple(_Side(item, group, [ln[2].replace(" ", "") for ln in lines if ln[1] == b])
                  for b, item in enumerate(("income_item", "expenditure_item")))
    for row, b, label, amounts in lines:
        text = label.replace(" ", "")
        class_code = functional_class_code(text, numbered=True) if b == 1 else None
        if not amounts and _named(text, group) is None and _style(text) is None and not class_code:
            continue  # a heading (收入, 支出, 预算数) rather than a line
        values = (_values(amounts, {}, income_col) if b == 0 else _values(amounts, right, expenditure_col))
        out.add_row(row, label, values, row_key=None if class_code else sides[b].row_key(text),
                    subject_code=class_code)
    return out


def _named(text: str, group: str) -> str | None:
    return row_key_for(text, group) or functional_class_code(text, numbered=True)


def _lines(rows: list[Row], labels: list[int], group: str) -> list[tuple[Row, int, str, list[tuple[int, str]]]]:
    """(row, breakdown, label, amounts) of the income half and the first expenditure breakdown; a
    label the layout wrapped onto the next line ('七、文化旅游体育与传媒支' + '出') joined again."""
    out: list[tuple[Row, int, str, list[tuple[int, str]]]] = []
    last: dict[int, int] = {}  # breakdown -> index in out of its last line
    for row in rows:
        for b, label, amounts in _pairs(row, labels):
            text = label.replace(" ", "")
            if b > 1 or _NOT_DATA.match(text) or _LABEL_HEADER.match(text):
                continue
            k = last.get(b)
            if k is not None and not amounts and _style(text) is None and _named(text, group) is None:
                prev_row, _, prev_label, prev_amounts = out[k]
                joined = prev_label + text
                if not prev_amounts and _named(prev_label.replace(" ", ""), group) is None \
                        and _named(joined.replace(" ", ""), group) is not None:
                    out[k] = (prev_row, b, joined, prev_amounts)
                    continue
            last[b] = len(out)
            out.append((row, b, label, amounts))
    return out
