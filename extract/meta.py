"""Document metadata read from the document itself: agency, fiscal year, unit, kind."""

from __future__ import annotations

import re
from collections import Counter

from .records import Row

_AGENCY_FIELD = re.compile(r"^(?:部门|部门名称|单位名称|单位|填报单位|预算部门名称|预算单位)\s*[：:]\s*(.*)$")
_AGENCY_SUFFIX = r"(?:局|委员会|委|办公室|办|厅|院|中心|部|会|所|站|队|馆|处|社|校|医院|人民政府|街道办事处|政府|街道|镇|乡)"
_AGENCY_IN_TITLE = re.compile(
    r"(?:\d{4}\s*年度?)?\s*([^\s\d，。：:（）()]{2,}?(?:[（(][^）)]{1,12}[）)][^\s\d，。：:]*?)?"
    + _AGENCY_SUFFIX + r")\s*(?:\d{4}\s*年度?)?\s*(?:部门|单位)?(?:整体支出)?(?:决算|绩效|预算)"
)
_YEAR = re.compile(r"(20\d{2})\s*年度")
_YEAR_OF_ACCOUNTS = re.compile(r"(20\d{2})\s*年\s*(?:部门|单位)?\s*(?:决算|绩效)")
_UNIT = re.compile(r"单位\s*[：:]\s*(万元|元)")
_NOT_AGENCY = re.compile(r"^(万元|元|（盖章）|\(盖章\))$|XX|ＸＸ|××|\*\*")  # template placeholders


def _clean_agency(value: str) -> str | None:
    value = re.sub(r"[（(]\s*盖章\s*[）)]|\s+", "", value).strip("：:　")
    value = re.split(r"\d{4}年|单位[：:]|金额单位", value)[0]
    return value if len(value) >= 2 and not _NOT_AGENCY.search(value) else None


def agency_name(rows: list[Row]) -> str | None:
    """The most frequent 部门：/单位名称： value; else the agency named in the title lines."""
    found: Counter[str] = Counter()
    for row in rows:
        cells = row.nonempty
        for i, cell in enumerate(cells):
            m = _AGENCY_FIELD.match(cell.strip())
            if not m:
                continue
            value = m.group(1) or (cells[i + 1] if i + 1 < len(cells) else "")
            name = _clean_agency(value)
            if name:
                found[name] += 1
    if found:
        return found.most_common(1)[0][0]
    head = "".join("".join(r.nonempty) for r in rows[:40] if r.nonempty)
    m = _AGENCY_IN_TITLE.search(re.sub(r"\s+", "", head))
    return _clean_agency(m.group(1)) if m else None


def fiscal_year(rows: list[Row]) -> int | None:
    """The first 'NNNN年度', else 'NNNN年(部门)决算' (not a publication date 'NNNN年10月')."""
    for pattern in (_YEAR, _YEAR_OF_ACCOUNTS):
        for row in rows[:200]:
            m = pattern.search(row.text)
            if m:
                return int(m.group(1))
    return None


def unit(rows: list[Row]) -> str | None:
    units = Counter(m.group(1) for r in rows for m in _UNIT.finditer(r.text.replace(" ", "")))
    return units.most_common(1)[0][0] if units else None


def doc_kind(rows: list[Row], n_tables_with_data: int) -> str:
    head = "".join(r.text for r in rows[:30])
    if n_tables_with_data >= 3:
        return "final_accounts"
    if "绩效自评" in head or "绩效评价" in head:
        return "performance_self_eval"
    if "决算" in head and n_tables_with_data:
        return "final_accounts"
    return "unknown"
