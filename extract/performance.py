"""绩效自评表 (整体支出 / 项目支出 performance self-evaluation tables) -> raw performance tables.

A table starts at a title line ("…整体支出绩效自评表", "…项目支出绩效自评表", "…项目自评表") and ends
at its 总分 row (or the next title). Inside it the parser recognises, by their labels:
- the budget header (预算数 + 执行数 columns, optionally a second line splitting 年初预算数 into
  目标申报数 / 预算编制数, or splitting 全年预算数 / 全年执行数 into 总额 | 财政拨款 | 其他资金 as a
  部门整体支出绩效自评表 prints them over per-subject lines and a 金额合计 row) and the budget lines
  under it: a PDF row of the header's grid is read by column (a blank stays NULL); a text-dump row
  in printed order, so a row cut short on the right keeps its leading values; a row whose numbers
  cannot be placed is not read and becomes an extraction issue;
- the funds block: every amount of a budget line, and the "按收入性质分：326.68" statements, as
  raw.performance_fund_amounts with its fund source (performance_funds.py / .yml), measure and
  printed text;
- the indicator header (一级/二级/三级指标, value columns, 分值, 得分, 偏差原因) and the indicator rows,
  read from the right (得分 is the last score-like number, 分值 the cell before it, then the value
  columns), with 一级/二级 carried down from the rows above when a row leaves them blank;
- the 总分 row (total score, and the total weight when two numbers are printed, and the grade).
Label matching ignores spaces and parenthesised notes ("得分 (20 分*执行率)" is 得分).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from . import performance_funds as funds
from .locate import TableRegion
from .performance_layout import LogicalRow, logical_rows
from .records import Row

TABLES = ("performance_evaluations", "performance_budget_lines", "performance_indicators",
          "performance_fund_amounts")

_TITLE = re.compile(r"(绩效自评表|项目自评表|绩效自评价表)$")
_PAREN = re.compile(r"[（(][^（()）]*[)）]")
_NUMBER = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?$")
_UNIT_SUFFIX = re.compile(r"(%|％|分|万元|元)$")
_WEIGHT_NOTE = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
_YEAR = re.compile(r"(20\d\d)\s*年")
_GRADE = re.compile(r"^(优秀?|良好?|中|差|合格|不合格|较好|一般)$")

# Budget header labels (normalised) -> field, first match wins.
_BUDGET_FIELDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), f)
    for p, f in (
        (r"目标申报数", "initial_declared"),
        (r"预算编制数", "initial_budget"),
        (r"年初预算", "initial_parent"),
        (r"执行率|完成率", "execution_rate"),
        (r"(全年|调整后)?预算数|^全年预算", "full_year_budget"),
        (r"执行数|实际支出|支出数", "executed"),
        (r"结[转余]", "balance"),
        (r"分值|权重", "weight"),
        (r"得分", "score"),
    )
)
_VALUE_COLUMNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), f)
    for p, f in (
        (r"调整", "adjusted_target_value"),
        (r"实际|完成值", "actual_value"),
        (r"指标值|目标值", "target_value"),
    )
)


def norm(text: str) -> str:
    """A label without spaces and parenthesised notes: '得分 (20 分*执行率)' -> '得分'."""
    return _PAREN.sub("", re.sub(r"\s+", "", text))


def parse_number(text: str, allow_percent: bool = True) -> Decimal | None:
    """'326.68' -> 326.68, '10分' -> 10, '100%' -> 100 (when allowed), '' or text -> None."""
    s = re.sub(r"\s+", "", text)
    unit = _UNIT_SUFFIX.search(s)
    if unit:
        if unit.group(1) in "%％" and not allow_percent:
            return None
        s = s[: unit.start()]
    if not _NUMBER.match(s):
        return None
    try:
        return Decimal(s.replace(",", ""))
    except InvalidOperation:
        return None


def is_title(row: LogicalRow) -> bool:
    filled = row.filled
    return len(filled) == 1 and is_evaluation_title(filled[0])


@dataclass
class _BudgetHeader:
    fields: list[str]
    weight: Decimal | None  # "(20 分)" printed in the header
    positions: list[int]  # cell index of each field in the header row(s)
    width: int  # cells of the header row (a PDF row of the same grid has as many)
    funds: list[str | None] = field(default_factory=list)  # fund column of each field when split
    fund_labels: list[str | None] = field(default_factory=list)
    unreadable: str | None = None  # why the data rows under this header cannot be mapped

    @property
    def split(self) -> bool:
        return any(self.funds)


@dataclass
class _IndicatorHeader:
    value_columns: list[str]
    has_weight: bool
    has_score: bool


@dataclass
class _Table:
    index: int
    title_row: LogicalRow
    scope: str
    title: str
    project_name: str | None = None
    agency_name: str | None = None
    fiscal_year: int | None = None
    unit: str | None = None
    total_weight: Decimal | None = None
    total_score: Decimal | None = None
    grade: str | None = None
    total_raw_text: str | None = None
    total_source_line: int | None = None
    folded: bool = False  # some rows came from a one-cell-per-line dump
    budget_lines: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    statements: list[tuple[LogicalRow, funds.Statement]] = field(default_factory=list)
    breakdowns: dict[int, str] = field(default_factory=dict)  # statement column -> 按收入/支出性质分

    @property
    def has_content(self) -> bool:
        return bool(self.budget_lines or self.indicators or self.total_score is not None)


def _scope(title: str) -> str:
    s = re.sub(r"\s+", "", title)
    if "整体" in s:
        return "department"
    if "项目" in s:
        return "project"
    return "unknown"


def _budget_header(row: LogicalRow) -> _BudgetHeader | None:
    labels = [norm(c) for c in row.cells]
    if not (any("执行数" in lb or "执行率" in lb for lb in labels) and any("预算" in lb for lb in labels)):
        return None
    found = _fields_at(labels)
    weight = None
    for cell in row.cells:
        if "得分" in cell:
            continue
        m = _WEIGHT_NOTE.search(cell)
        if m:
            weight = Decimal(m.group(1))
            break
    return _BudgetHeader([f for f, _ in found], weight, [i for _, i in found], len(row.cells))


def _fields_at(labels: list[str]) -> list[tuple[str, int]]:
    """(field, cell index) of every label naming a budget column."""
    out = []
    for i, label in enumerate(labels):
        for pattern, name in _BUDGET_FIELDS:
            if label and pattern.search(label):
                out.append((name, i))
                break
    return out


def _refine_budget_header(header: _BudgetHeader, row: LogicalRow) -> bool:
    """A second header line splitting 年初预算数 (目标申报数 / 预算编制数): merge it."""
    subs = _fields_at([norm(c) for c in row.cells])
    if (not subs or len(subs) != len(row.filled)
            or any(f not in ("initial_declared", "initial_budget") for f, _ in subs)):
        return False
    if "initial_parent" in header.fields:
        i = header.fields.index("initial_parent")
        header.fields[i : i + 1] = [f for f, _ in subs]
        header.positions[i : i + 1] = [p for _, p in subs]
    return True


def _split_budget_header(header: _BudgetHeader, row: LogicalRow, issues: list[dict]) -> bool:
    """A second header line splitting 全年预算数 / 全年执行数 by fund (总额 | 财政拨款 | 其他资金):
    each fund cell belongs to the amount column printed at or left of it. A split that cannot be
    aligned (positions lost) leaves the rows under it unread, with an issue."""
    subs = [(i, c, funds.fund_of_column(c)) for i, c in enumerate(row.cells) if c.strip()]
    if len(subs) < 2 or any(f is None for _, _, f in subs) or header.split:
        return False
    groups = [(p, k) for k, (f, p) in enumerate(zip(header.fields, header.positions, strict=True))
              if f in funds.AMOUNT_FIELDS or f == "initial_parent"]
    owners = [max((g for g in groups if g[0] <= i), default=None) for i, _, _ in subs]
    if any(o is None for o in owners):
        header.unreadable = "the 总额/财政拨款/其他资金 sub-header cannot be aligned with its amount columns"
        issues.append(_issue(header.unreadable, row))
        return True
    fields: list[str] = []
    positions: list[int] = []
    fund_of: list[str | None] = []
    labels: list[str | None] = []
    for k, (name, position) in enumerate(zip(header.fields, header.positions, strict=True)):
        mine: list[tuple[int, str | None, str | None]] = [
            (i, c, f) for (i, c, f), o in zip(subs, owners, strict=True) if o is not None and o[1] == k]
        for i, c, f in mine or [(position, None, None)]:
            fields.append(name)
            positions.append(i)
            fund_of.append(f)
            labels.append(c)
    header.fields, header.positions, header.funds, header.fund_labels = fields, positions, fund_of, labels
    return True


def _issue(message: str, row: LogicalRow) -> dict:
    return {"severity": "warning", "message": f"绩效自评表: {message}", "table_code": None,
            "source_line": row.source_line, "page": row.page, "raw_text": row.text[:500]}


@dataclass(frozen=True)
class _Column:
    name: str
    position: int
    fund: str | None  # the fund column (总额 -> total, 财政拨款 -> fiscal, …) of a split header
    fund_label: str | None


def _columns(header: _BudgetHeader) -> list[_Column]:
    n = len(header.fields)
    cols = [_Column("initial_budget" if f == "initial_parent" else f, p, fd, fl) for f, p, fd, fl in zip(
        header.fields, header.positions, header.funds or [None] * n, header.fund_labels or [None] * n, strict=True)]
    # a lone 年初预算数 (no sub-columns) is the initial budget itself
    names = [c.name for c in cols]
    if {"initial_declared", "initial_budget"} <= set(names) and names.count("initial_budget") > 1:
        del cols[names.index("initial_budget")]
    return cols


def _mapped(header: _BudgetHeader, row: LogicalRow, cols: list[_Column],
            numbers: list[tuple[str, Decimal]]) -> list[tuple[_Column, str, Decimal]] | None:
    """(column, printed text, value) of the row's numbers; None when they cannot be placed.

    A PDF row of the header's grid is read by position (a blank cell stays NULL). Other rows are
    read in printed order: a text dump keeps the leading values of a row cut short; a PDF row or
    a fund-split row must print exactly one number per column, or it is not read."""
    if row.positional and len(row.cells) == header.width:
        at = {c.position for c in cols}
        if all(i in at for i, c in enumerate(row.cells) if parse_number(c) is not None):
            return [(c, row.cells[c.position], v) for c in cols
                    if c.position < len(row.cells) and (v := parse_number(row.cells[c.position])) is not None]
    if (row.positional or header.split) and len(numbers) != len(cols):
        return None
    return [(c, text, v) for c, (text, v) in zip(cols, numbers, strict=False)]


def _line_kind(label: str | None, split: bool) -> str:
    """total (金额合计 of per-subject lines) | funds (a line naming a fund) | subject."""
    if funds.is_total_row(label):
        return "total"
    if split:
        return "subject"
    return "funds" if label is None or funds.fund_of_label(label) is not None else "subject"


def _indicator_header(row: LogicalRow) -> _IndicatorHeader | None:
    labels = [norm(c) for c in row.cells]
    levels = [i for i, lb in enumerate(labels) if re.search(r"[一二三]级指标", lb)]
    if len(levels) < 2:
        return None
    values = []
    for label in labels[max(levels) + 1 :]:
        for pattern, name in _VALUE_COLUMNS:
            if pattern.search(label):
                values.append(name)
                break
    return _IndicatorHeader(
        value_columns=values,
        has_weight=any(re.search(r"分值|权重", lb) for lb in labels),
        has_score=any("得分" in lb for lb in labels),
    )


def _is_total(row: LogicalRow) -> bool:
    filled = row.filled
    return bool(filled) and re.match(r"^(总分|合计得分|综合得分|自评得分)", norm(filled[0])) is not None


def _level_name(label: str | None) -> tuple[str | None, Decimal | None]:
    if not label:
        return None, None
    m = _WEIGHT_NOTE.search(label)
    weight = Decimal(m.group(1)) if m else None
    name = re.sub(r"\s+", "", _WEIGHT_NOTE.sub("", label))
    return name or None, weight


def _parse_budget_line(header: _BudgetHeader, row: LogicalRow, issues: list[dict]) -> dict | None:
    numbers: list[tuple[str, Decimal]] = []
    label = None
    for cell in row.cells:
        value = parse_number(cell)
        if value is not None:
            numbers.append((cell, value))
        elif cell and label is None and not numbers:
            label = re.sub(r"\s+", "", cell).rstrip(":：")
    if not numbers or header.unreadable:
        return None
    cols = _columns(header)
    mapped = _mapped(header, row, cols, numbers)
    if mapped is None:
        issues.append(_issue(f"budget line {label or '(unlabelled)'}: {len(numbers)} numbers for "
                             f"{len(cols)} columns, not placed; the line is not read", row))
        return None
    out: dict = {f: None for f in ("initial_declared", "initial_budget", "full_year_budget",
                                   "executed", "balance", "execution_rate", "weight", "score")}
    amounts = []
    for col, text, value in mapped:
        if col.fund in (None, "total") and out.get(col.name) is None:
            out[col.name] = value
        if col.name in funds.AMOUNT_FIELDS:
            amounts.append((col, text, value))
    if out["weight"] is None and header.weight is not None:
        out["weight"] = header.weight
    out["line_label"] = label
    out["line_kind"] = _line_kind(label, header.split)
    out["amounts"] = amounts
    out["n_values"] = len(numbers)
    out["n_unmapped"] = max(0, len(numbers) - len(cols))
    return out


def _parse_indicator(header: _IndicatorHeader, row: LogicalRow, carry: dict) -> dict | None:
    cells = list(row.cells)
    while cells and not cells[-1]:
        cells.pop()
    scored = [i for i, c in enumerate(cells) if parse_number(c, allow_percent=False) is not None]
    if not scored:
        return None
    j = scored[-1]
    score = weight = None
    if header.has_score:
        score = parse_number(cells[j], allow_percent=False)
        k = j
        if header.has_weight and j - 1 >= 0:
            weight = parse_number(cells[j - 1], allow_percent=False)
            k = j - 1
    else:
        weight = parse_number(cells[j], allow_percent=False)
        k = j
    n_values = len(header.value_columns)
    first_value = max(0, k - n_values)
    values = dict.fromkeys(("target_value", "adjusted_target_value", "actual_value"))
    for name, cell in zip(header.value_columns, cells[first_value:k], strict=False):
        values[name] = cell or None
    labels = [c for c in cells[:first_value] if c]
    level1, level2, level3 = carry.get("level1"), carry.get("level2"), None
    if len(labels) >= 3:
        level1, level2, level3 = labels[-3:]
    elif len(labels) == 2:
        level2, level3 = labels
    elif len(labels) == 1:
        level3 = labels[0]
    level1_name, level1_weight = _level_name(level1)
    level2_name, _ = _level_name(level2)
    carry.update(level1=level1, level2=level2)
    deviation = " ".join(c for c in cells[j + 1 :] if c) or None
    return {
        "level1": level1_name,
        "level1_weight": level1_weight,
        "level2": level2_name,
        "level3": re.sub(r"\s+", " ", level3).strip() if level3 else None,
        **values,
        "weight": weight,
        "score": score,
        "deviation_reason": deviation,
    }


def _meta_value(row: LogicalRow, labels: tuple[str, ...]) -> str | None:
    filled = row.filled
    for i, cell in enumerate(filled):
        n = norm(cell)
        for label in labels:
            if n.startswith(label):
                # "部门（单位）名称" normalises to the label itself: the name is in the next cell
                rest = "" if n == label else re.sub(r"^[:：\s]+", "", re.sub(r"\s+", "", cell)[len(label):])
                rest = re.split(r"填报日期", rest)[0]
                if rest:
                    return rest
                if i + 1 < len(filled):
                    return re.sub(r"\s+", "", filled[i + 1])
    return None


def _parse_tables(rows: list[LogicalRow], issues: list[dict]) -> list[_Table]:
    tables: list[_Table] = []
    table: _Table | None = None
    state = "closed"
    budget: _BudgetHeader | None = None
    indicator: _IndicatorHeader | None = None
    carry: dict = {}

    def open_table(row: LogicalRow) -> _Table:
        title = re.sub(r"\s+", "", row.filled[0])
        title = re.sub(r"^[一二三四五六七八九十]+、|^\d+[.．、]\s*", "", title)
        year = _YEAR.search(title)
        return _Table(index=len(tables), title_row=row, scope=_scope(title), title=title,
                      fiscal_year=int(year.group(1)) if year else None)

    for pos, row in enumerate(rows):
        if is_title(row):
            if table is not None and not table.has_content:
                # consecutive titles (a heading then the table's own title): keep the last
                table = open_table(row)
            else:
                if table is not None:
                    tables.append(table)
                table = open_table(row)
            state, budget, indicator, carry = "meta", None, None, {}
            continue
        if table is None or state == "closed":
            continue
        text = row.text
        table.folded = table.folded or row.folded
        year = _YEAR.search(text) if table.fiscal_year is None and pos and len(text) < 40 else None
        if year:
            table.fiscal_year = int(year.group(1))
        if _is_total(row):
            _read_total(table, row)
            tables.append(table)
            table, state = None, "closed"
            continue
        if re.match(r"^\s*(备注|注[:：])", text) and table.has_content:
            tables.append(table)
            table, state = None, "closed"
            continue
        header = _budget_header(row)
        if header is not None:
            budget, state = header, "budget"
            if table.unit is None:
                table.unit = "万元" if "万元" in text else ("元" if "（元）" in text or "(元)" in text else None)
            continue
        ind = _indicator_header(row)
        if ind is not None:
            indicator, state, carry = ind, "indicators", {}
            continue
        name = _meta_value(row, ("项目名称",))
        if name and table.project_name is None and state == "meta":
            table.project_name = name
            continue
        agency = _meta_value(row, ("单位名称", "预算部门名称", "预算单位", "部门名称"))
        if agency and table.agency_name is None and state == "meta":
            table.agency_name = agency
        if state == "budget" and budget is not None:
            if _refine_budget_header(budget, row) or _split_budget_header(budget, row, issues):
                continue
            said = funds.statements(row.cells, table.breakdowns)
            if said is not None:
                table.statements.extend((row, s) for s in said)
                continue
            line = _parse_budget_line(budget, row, issues)
            if line is not None:
                line.update(raw_text=text, source_line=row.source_line, page=row.page, row=row)
                table.budget_lines.append(line)
            elif any(re.search(r"目标|指标", norm(c)) for c in row.filled[:2]):
                state = "goals"
        elif state == "indicators" and indicator is not None:
            parsed = _parse_indicator(indicator, row, carry)
            if parsed is not None:
                parsed.update(raw_text=text, source_line=row.source_line, page=row.page)
                table.indicators.append(parsed)
    if table is not None and table.has_content:
        tables.append(table)
    return [t for t in tables if t.has_content]


def _read_total(table: _Table, row: LogicalRow) -> None:
    numbers = [v for v in (parse_number(c, allow_percent=False) for c in row.cells[1:]) if v is not None]
    if len(numbers) >= 2:
        table.total_weight, table.total_score = numbers[0], numbers[1]
    elif numbers:
        table.total_score = numbers[0]
    for cell in row.filled[1:]:
        if _GRADE.match(cell.strip()):
            table.grade = cell.strip()
    table.total_raw_text = row.text
    table.total_source_line = row.source_line


def _fund_amounts(index: int, table: _Table) -> list[dict]:
    """One row per amount printed in the table's funds block (budget lines and statements)."""
    out: list[dict] = []

    def add(line_index: int | None, kind: str, label: str | None, breakdown: str | None, fund: str,
            fund_label: str | None, measure: str | None, text: str, amount: Decimal, row: LogicalRow) -> None:
        code, subject = funds.subject_parts(label) if kind == "subject" and label else (None, None)
        out.append({
            "evaluation_index": index, "amount_index": len(out), "line_index": line_index, "line_kind": kind,
            "subject_code": code, "subject": subject, "breakdown": breakdown, "fund_source": fund,
            "fund_label": fund_label, "measure": measure, "amount": amount, "printed_text": text.strip(),
            "printed_decimals": funds.printed_decimals(text), "raw_text": row.text,
            "source_line": row.source_line, "page": row.page,
        })

    for line_index, line in enumerate(table.budget_lines):
        label, kind, row = line["line_label"], line["line_kind"], line["row"]
        for col, text, value in line["amounts"]:
            if col.fund is not None:
                fund, fund_label = col.fund, col.fund_label
            else:
                fund = (funds.fund_of_label(label) if kind == "funds" else None) or "unknown"
                fund_label = label if kind == "funds" else None
            add(line_index, kind, label, None, fund, fund_label, col.name, text, value, row)
    for row, said in table.statements:
        add(None, "statement", None, said.breakdown, said.fund_source, said.label, None, said.text, said.amount, row)
    return out


def _budget_score(table: _Table) -> Decimal | None:
    """得分 of the budget block: its 金额合计 row when per-subject lines are scored, else the first score."""
    scored = [b for b in table.budget_lines if b["score"] is not None]
    total = [b for b in scored if b["line_kind"] == "total"]
    return (total or scored)[0]["score"] if scored else None


def extract_performance(rows: list[Row], regions: list[TableRegion] | None = None) -> dict[str, list[dict]]:
    """Every 绩效自评表 of a document as rows of the raw performance tables (no doc_id), and the
    extraction issues of what could not be read. regions (the located standard tables) is not read:
    the self-evaluation tables are found in the rows (it is there for the pipeline's extractor signature)."""
    evaluations: list[dict] = []
    budget_lines: list[dict] = []
    indicators: list[dict] = []
    amounts: list[dict] = []
    issues: list[dict] = []
    for index, table in enumerate(_parse_tables(logical_rows(rows), issues)):
        evaluations.append({
            "evaluation_index": index,
            "scope": table.scope,
            "title": table.title,
            "project_name": table.project_name,
            "agency_name": table.agency_name,
            "fiscal_year": table.fiscal_year,
            "unit": table.unit,
            "layout": "cell_per_line" if table.folded else "tab",
            "total_weight": table.total_weight,
            "total_score": table.total_score,
            "grade": table.grade,
            "budget_score": _budget_score(table),
            "n_budget_lines": len(table.budget_lines),
            "n_indicators": len(table.indicators),
            "total_raw_text": table.total_raw_text,
            "total_source_line": table.total_source_line,
            "raw_text": table.title_row.text,
            "source_line": table.title_row.source_line,
            "page": table.title_row.page,
        })
        for line_index, line in enumerate(table.budget_lines):
            line = {k: v for k, v in line.items() if k not in ("n_values", "n_unmapped", "amounts", "row")}
            budget_lines.append({"evaluation_index": index, "line_index": line_index, **line})
        for indicator_index, ind in enumerate(table.indicators):
            indicators.append({"evaluation_index": index, "indicator_index": indicator_index, **ind})
        amounts.extend(_fund_amounts(index, table))
    return {
        "performance_evaluations": evaluations,
        "performance_budget_lines": budget_lines,
        "performance_indicators": indicators,
        "performance_fund_amounts": amounts,
        "extraction_issues": issues,
    }


def is_evaluation_title(text: str) -> bool:
    """A printed line that titles a 绩效自评表 (the PDF loader reads such pages with layout analysis)."""
    s = re.sub(r"\s+", "", text)
    return len(s) <= 80 and "。" not in s and bool(_TITLE.search(s))


__all__ = ["TABLES", "extract_performance", "is_evaluation_title", "parse_number"]
