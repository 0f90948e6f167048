"""Value columns named by their printed header (tables read_by header: 部门预算 tables, which each
region orders and names its own way).

The header cells above a column are stacked top to bottom; a cell spanning several columns is
printed in its first column only, so it is repeated over the blank cells to its right within the
span of the cell above it. The stack (spaces removed) is tried against the catalogue's `headers`
patterns of the table. A column whose stack names an earlier year than another column, or a
change (增减, 比上年), is not the budget: a table printing 2018年 | 2019年 | 增减 side by side is
read in its latest year's columns only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..catalogue import Column, TableTemplate
from ..numbers import is_amount, is_amount_or_blank, join_label
from ..records import Row

_UNIT = re.compile(r"(单位|名称|部门)[:：]|^(万?元)$|^[栏行]次$|^\*+$|^\d{1,2}$")
_NAME = re.compile(r"编码|代码|名称|科目|^项目$|^单位$|备注|说明")
_YEAR = re.compile(r"(20\d{2})年")
_CHANGE = re.compile(r"增减|变化|比上年|增长|减少")


def is_money(text: str) -> bool:
    """A printed amount with decimals or thousands separators (a code such as 205 is not money)."""
    s = text.strip().replace(" ", "")
    return is_amount(s) and ("." in s or "," in s)


def _cleaned(cell: str) -> str:
    s = join_label(cell).replace(" ", "")
    return "" if _UNIT.search(s) else s


_HEADER_WORD = re.compile(r"编码|代码|名称|科目|项目|合计|总计|金额|预算|收入|支出|经费")


def header_block(rows: list[Row]) -> list[Row]:
    """The column header: from the first row naming a column (title, unit and agency lines above
    it, or the wrapped end of one such as '院', are not part of it)."""
    start = next((i for i, r in enumerate(rows) if any(_HEADER_WORD.search(_cleaned(c)) for c in r.cells)), len(rows))
    return rows[start:]


def stacked_labels(header: list[Row], width: int) -> list[str]:
    """Per column index, the header cells above it, top to bottom, spans repeated rightwards."""
    return [s for s, _ in _stacks(header, width)]


def _stacks(header: list[Row], width: int) -> list[tuple[str, bool]]:
    """(stacked label, whether a header cell is printed in the column itself) per column index."""
    return [("".join(parts), own) for parts, own in stacked_parts(header, width)]


def stacked_parts(header: list[Row], width: int) -> list[tuple[list[str], bool]]:
    """(the header cells above a column, top to bottom; whether one is printed in the column itself)
    per column index, a spanning cell repeated over the columns it spans."""
    spans: list[tuple[int, int]] = [(0, width)]  # the spans of the row above: [start, end)
    stacks: list[list[str]] = [[] for _ in range(width)]
    own = [False] * width
    for row in header:
        cells = [_cleaned(c) for c in row.cells[:width]] + [""] * max(0, width - len(row.cells))
        if not any(cells):
            continue
        new_spans = []
        for i, cell in enumerate(cells):
            own[i] = own[i] or bool(cell)
        for start, end in spans:
            filled = [i for i in range(start, end) if cells[i]]
            if not filled:
                new_spans.append((start, end))
                continue
            if filled[0] > start:
                new_spans.append((start, filled[0]))
            for a, b in zip(filled, filled[1:] + [end], strict=True):
                for i in range(a, b):
                    stacks[i].append(cells[a])
                new_spans.append((a, b))
        spans = new_spans
    return list(zip(stacks, own, strict=True))


@dataclass(frozen=True)
class HeaderColumns:
    """The value columns of a table read by header: index -> column (None: printed, not read)."""

    columns: dict[int, Column | None]
    labels: dict[int, str]
    first: int  # the first value column: cells left of it are the row's name and code
    other_years: frozenset[int] = frozenset()  # columns of an earlier year or a change: not read

    def unread(self, i: int) -> bool:
        """A printed column that is not read and should be (not an earlier year's)."""
        return self.columns.get(i) is None and i not in self.other_years

    def nearest(self, index: int) -> int | None:
        """The value column an amount printed at `index` belongs to: its own, else the nearest one
        (the layout may split a ruled cell and shift its text by a column), left on a tie."""
        if index in self.columns:
            return index
        if not self.columns:
            return None
        return min(self.columns, key=lambda j: (abs(j - index), j > index))


def _latest_year_only(labels: dict[int, str]) -> dict[int, str]:
    years = {i: int(m.group(1)) for i, s in labels.items() if (m := _YEAR.search(s))}
    latest = max(years.values(), default=None)
    return {i: s for i, s in labels.items()
            if not _CHANGE.search(s) and (latest is None or years.get(i, latest) == latest)}


def header_labels(header: list[Row], width: int) -> dict[int, str]:
    """Value column index -> its stacked header label. A column is a value column where a header
    cell is printed in it (a spanning cell's other columns belong to its children, or are no
    columns at all: a ruled cell the layout split); name columns (编码, 名称, 科目) are not."""
    return {i: s for i, (s, own) in enumerate(_stacks(header, width)) if own and s and not _NAME.search(s)}


def other_years(labels: dict[int, str]) -> frozenset[int]:
    """Columns of an earlier year than the latest one printed, or of a change (增减, 比上年)."""
    return frozenset(labels) - frozenset(_latest_year_only(labels))


def header_columns(template: TableTemplate, header: list[Row], width: int,
                   within: tuple[int, int] | None = None) -> HeaderColumns:
    """The value columns the header names (within a range of columns, if given), mapped to the
    template's column keys: the first pattern that matches, a key taken by a column to the left
    not given twice."""
    labels = header_labels(header, width)
    if within is not None:
        labels = {i: s for i, s in labels.items() if within[0] <= i < within[1]}
    skipped = other_years(labels)
    by_key = {k: Column(k, v) for k, v in _template_columns(template).items()}
    columns: dict[int, Column | None] = {}
    taken: set[str] = set()
    for i, label in sorted(labels.items()):
        key = None if i in skipped else next(
            (k for k, p in template.headers if p.search(_year_free(label)) and k not in taken), None)
        if key is not None:
            taken.add(key)
        columns[i] = by_key[key] if key else None
    first = min(columns, default=width)
    return HeaderColumns(columns, labels, first, skipped)


def _year_free(label: str) -> str:
    return _YEAR.sub("", label)


def _template_columns(template: TableTemplate) -> dict[str, str]:
    from ..catalogue import catalogue

    return dict(catalogue().tables[template.code]["columns"])


def _shift(row: Row, cols: HeaderColumns) -> int:
    """The shift (0, then +1, then -1) that puts most of the row's amounts exactly in value
    columns: the layout may print a whole row one column off its header."""
    money = [i for i, c in enumerate(row.cells) if is_money(c.strip())]
    def score(shift: int) -> int:
        return len({i + shift for i in money} & set(cols.columns))
    return max((0, 1, -1), key=lambda s: (score(s), -abs(s), s))


def values_of(row: Row, cols: HeaderColumns) -> tuple[dict[int, str], list[str]]:
    """The row's printed values by value column (blank where nothing is printed), and the amounts
    that could not be placed (a second amount for one column). An amount is placed in its column
    (once the row's shift is undone) or the nearest one; other text only where a value column is
    (kept, to be reported unreadable)."""
    values: dict[int, str] = {i: "" for i in cols.columns}
    lost: list[str] = []
    shift = _shift(row, cols)
    for k, cell in enumerate(row.cells):
        text, i = cell.strip(), k + shift
        if not text or (k < cols.first and not is_money(text)):
            continue
        if not is_money(text) and not is_amount_or_blank(text):
            if k in values and not values[k]:
                values[k] = text
            continue
        j = cols.nearest(i)
        if j is None:
            continue
        if values[j] and is_amount_or_blank(values[j]):
            lost.append(text)
        else:
            values[j] = text
    return values, lost
