"""Subject tables read by header (部门预算 B02, B03, B05-B08, B10, B11): code / name cells, then value
columns named by the printed header (extract/parsers/columns.py), in whatever order a region
prints them.

Besides the national final-accounts shapes, a budget table may print:
- several codes per row (支出功能分类 | 政府经济分类 | 部门经济分类): the row's subject code is the
  one of the table's classification (`codes`: functional 2xx, economic 3xx, else 5xx);
- a 款 as its two last digits ('05' under 类 '208' is 20805);
- blocks per 预算单位 ('125001 西安市…' then its subjects): a code outside the classification is a
  unit row (row_key unit), its subject rows follow;
- one row of values without a name (a one-line table): its 合计;
- a list of items named without a code (江苏 收入预算总表: 项目名称 | 金额): each kept by its name;
- a row split in two by the layout (the name on one line, its values on the next or the one
  before): joined again where the other line has values and no name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..catalogue import Column
from ..locate import TableRegion
from ..numbers import is_amount_or_blank, join_label
from ..records import Row
from .base import TableParse
from .columns import HeaderColumns, header_block, header_columns, is_money, values_of

_TOTAL = re.compile(r"^(合\s*计|总\s*计|收入总计|支出总计)$")
_CODE = re.compile(r"^(\d{3,9})(?:\s*[-－—]\s*|\s+|$)(.*)$")
_SHORT_CODE = re.compile(r"^(\d{2})$")
_CLASSIFICATION = {"functional": ("2",), "economic": ("3", "5")}


@dataclass
class _Line:
    row: Row
    name: str | None = None
    code: str | None = None
    key: str | None = None  # total | unit
    label: str | None = None  # a name printed without a code (an item of a list)
    values: dict[int, str] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)

    @property
    def named(self) -> bool:
        return self.code is not None or self.key is not None

    @property
    def titled(self) -> bool:
        return self.named or self.label is not None

    @property
    def has_values(self) -> bool:
        """Whether an amount is printed (a header repeated on a continued page prints only text)."""
        return any(v and is_amount_or_blank(v) for v in self.values.values())


def _codes(label_cells: list[str]) -> list[tuple[str, str]]:
    """(code, name) for every code printed in the row's label cells, a name from the same cell or
    the next one."""
    out = []
    for k, cell in enumerate(label_cells):
        m = _CODE.match(cell.strip())
        if not m:
            continue
        name = m.group(2).strip()
        if not name and k + 1 < len(label_cells) and not _CODE.match(label_cells[k + 1].strip()):
            name = label_cells[k + 1]
        out.append((m.group(1), join_label(name)))
    return out


class _Codes:
    """A row's subject code in the table's classification, 款 printed as two digits expanded."""

    def __init__(self, classification: str | None) -> None:
        self.prefixes = _CLASSIFICATION.get(classification or "", ("2", "3", "5"))
        self.last_class: str | None = None

    def read(self, label_cells: list[str]) -> tuple[str | None, str | None, bool]:
        """(code, name, is_unit)."""
        found = _codes(label_cells)
        if not found:
            first = next((c.strip() for c in label_cells if c.strip()), "")
            short = _SHORT_CODE.match(first)
            name = next((c for c in label_cells[label_cells.index(first) + 1:] if c.strip()), "") if first else ""
            if short and self.last_class and name:
                return self.last_class + short.group(1), join_label(name), False
            return None, None, False
        for prefix in self.prefixes:
            own = [(c, n) for c, n in found if c.startswith(prefix) and len(c) in (3, 5, 7)]
            if own:
                code, name = own[0]
                if len(code) == 3:
                    self.last_class = code
                return code, name, False
        code, name = found[0]  # a code outside the classification: a 预算单位 (125001, 105236, 125)
        return code, name, True


def _header_end(rows: list[Row]) -> int:
    """Index of the first data row: one printing money, or starting with a code or a 合计."""
    for i, row in enumerate(rows):
        filled = [c.strip() for c in row.cells if c.strip()]
        first = filled[0] if filled else ""
        if any(is_money(c) for c in filled) or _CODE.match(first):
            return i
        if _TOTAL.match(first.replace(" ", "")) and all(is_amount_or_blank(c) for c in filled[1:]):
            return i  # a 合计 line printing blanks (an empty table), not a header naming a 合计 column
    return len(rows)


def _line(row: Row, cols: HeaderColumns, codes: _Codes) -> _Line:
    label_cells = [c for c in row.cells[:cols.first] if c.strip() and not is_money(c)]
    values, lost = values_of(row, cols)
    line = _Line(row, values=values, lost=lost)
    text = "".join(label_cells).replace(" ", "")
    if _TOTAL.match(text) or (_TOTAL.search(text) and not _codes(label_cells)):
        line.name, line.key = join_label(text), "total"
        return line
    code, name, unit = codes.read(label_cells)
    if unit:
        line.name, line.key = f"{code} {name}".strip(), "unit"
    elif code:
        line.code, line.name = code, name
    elif text:
        line.label = join_label(" ".join(label_cells))
    return line


def _joined(lines: list[_Line]) -> list[_Line]:
    """Lines split by the layout joined again: values without a name go to the named line next to
    them that has none (the one before first)."""
    out: list[_Line] = []
    for k, line in enumerate(lines):
        if line.titled or not line.has_values:
            out.append(line)
            continue
        before = out[-1] if out else None
        after = lines[k + 1] if k + 1 < len(lines) else None
        target = next((t for t in (before, after) if t is not None and t.titled and not t.has_values), None)
        if target is not None:
            target.values = line.values
            target.lost += line.lost
        else:
            out.append(line)
    return out


def parse_subject_by_header(region: TableRegion) -> TableParse:
    out = TableParse(region)
    rows = [r for r in region.rows if any(c.strip() for c in r.cells)]
    end = _header_end(rows)
    width = max((len(r.cells) for r in rows), default=0)
    cols = header_columns(region.template, header_block(rows[:end]), width)
    if not any(cols.columns.values()):
        out.warn(None, f"{out.code}: no value column named by the header")
        return out
    codes = _Codes(region.template.codes)
    lines = _joined([_line(r, cols, codes) for r in rows[end:]])
    unnamed = [ln for ln in lines if not ln.named and ln.has_values]
    if len(unnamed) == 1 and not any(ln.named and ln.has_values for ln in lines):
        unnamed[0].key, unnamed[0].name = "total", "合计"  # a one-line table: its 合计
    for line in lines:
        if not line.named:
            if line.label and line.has_values:  # an item printed by name only (收入总表 as a list)
                line.name = line.label
            elif line.has_values:
                out.warn(line.row, f"{out.code}: values without a row name: {line.row.text!r}")
                continue
            else:
                continue
        if line.lost:
            out.warn(line.row, f"{out.code}: amounts not placed in a column: {line.lost!r}")
        for i in cols.columns:
            if line.values.get(i) and cols.unread(i):
                out.warn(line.row, f"{out.code}: column {cols.labels[i]!r} is not read: {line.values[i]!r}")
        values: list[tuple[Column, str, str | None]] = [
            (c, line.values.get(i, ""), cols.labels[i]) for i, c in cols.columns.items() if c is not None]
        out.add_row(line.row, line.name, values, row_key=line.key, subject_code=line.code)
    return out
