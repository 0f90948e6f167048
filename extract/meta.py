"""Document metadata read from the document itself: agency, fiscal year, unit, kind."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from .records import Row

_AGENCY_FIELD = re.compile(
    r"^(?:部门|部门名称|单位名称|单位|填报单位|编制部门|编制单位|预算部门名称|预算单位)\s*[：:]\s*(.*)$")
_AGENCY_SUFFIX = (r"(?:局|委员会|委|办公室|办|厅|院|中心|部|会|所|站|队|馆|处|社|大学|学院|学校|校|医院"
                  r"|人民政府|街道办事处|政府|街道|镇|乡)")
_AGENCY_IN_TITLE = re.compile(
    r"(?:\d{4}\s*年度?)?\s*([^\s\d，。：:（）()]{2,}?(?:[（(][^）)]{1,12}[）)][^\s\d，。：:]*?)?"
    + _AGENCY_SUFFIX + r")\s*(?:\d{4}\s*年度?)?\s*(?:部门|单位)?(?:整体支出)?(?:决算|绩效|预算)"
)
_YEAR = re.compile(r"(20\d{2})\s*年度")
_YEAR_OF_ACCOUNTS = re.compile(r"(20\d{2})\s*年\s*(?:部门|单位)?\s*(?:决算|绩效)")
_YEAR_OF_BUDGET = re.compile(r"(20\d{2})\s*年\s*(?:部门|单位)")
_YEAR_IN_NAME = re.compile(r"(20\d{2})\s*年")
_UNIT = re.compile(r"单位\s*[：:]\s*(万元|元)")
_NOT_AGENCY = re.compile(r"^(万元|元|（盖章）|\(盖章\))$|XX|ＸＸ|××|\*\*")  # template placeholders


def _clean_agency(value: str) -> str | None:
    value = re.sub(r"[（(]\s*盖章\s*[）)]|\s+", "", value).strip("：:　")
    value = re.split(r"\d{4}年|单位[：:]|金额单位", value)[0]
    return value if len(value) >= 2 and not _NOT_AGENCY.search(value) else None


_CONSOLIDATED = re.compile(r"[（(]\s*汇总\s*[）)]|汇总$")


@dataclass
class Agency:
    name: str | None
    consolidated: bool = False  # a 汇总 document: the agency with its subordinate units
    notes: list[str] = field(default_factory=list)  # disagreements between the places that name it


def _split_consolidated(name: str | None) -> tuple[str | None, bool]:
    if name is None:
        return None, False
    bare = _CONSOLIDATED.sub("", name).strip()
    return (bare or None), bare != name


def agency(rows: list[Row], file_stem: str = "") -> Agency:
    """The agency from the whole document: the tables' 单位名称/编制部门 field, else the cover and
    title lines, else the file name. 汇总 is kept as an attribute, not as part of the name; a
    cover naming another agency than the tables is kept as a note, never silently replaced."""
    field_name = agency_name_field(rows)
    title_name = agency_in_title("".join("".join(r.nonempty) for r in rows[:40] if r.nonempty))
    file_name = agency_in_title(file_stem)
    name = field_name or title_name or file_name
    bare, consolidated = _split_consolidated(name)
    result = Agency(bare, consolidated or any(_CONSOLIDATED.search(n or "") for n in (title_name, file_name)))
    cover, _ = _split_consolidated(title_name)
    if field_name and cover and bare and cover != bare and cover not in bare and bare not in cover:
        result.notes.append(f"agency named on the cover/title ({cover}) differs from the tables' ({bare})")
    return result


def agency_in_title(text: str) -> str | None:
    m = _AGENCY_IN_TITLE.search(re.sub(r"\s+", "", text))
    return _clean_agency(m.group(1)) if m else None


def agency_name_field(rows: list[Row]) -> str | None:
    """The most frequent 部门：/单位名称：/编制部门： value printed over the tables."""
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
    return found.most_common(1)[0][0] if found else None


def fiscal_year(rows: list[Row], file_stem: str = "") -> int | None:
    """The first 'NNNN年度', else 'NNNN年(部门)决算', else 'NNNN年部门…' (a budget's table titles:
    '2026年部门收支总体情况表'), never a publication date 'NNNN年10月'; else the year in the file
    name ('北京市审计局2026年度部门预算报表': a budget that prints no year on its pages)."""
    for pattern in (_YEAR, _YEAR_OF_ACCOUNTS, _YEAR_OF_BUDGET):
        for row in rows[:200]:
            m = pattern.search(row.text)
            if m:
                return int(m.group(1))
    m = _YEAR_IN_NAME.search(file_stem)
    return int(m.group(1)) if m else None


_REVISION = re.compile(r"更正|修订|修正|更新版|调整版|重新发布|第[二三四]版")
_DATE = re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def revision_mark(rows: list[Row], file_stem: str = "") -> str | None:
    """The revision mark a re-issued document prints in its file name or title lines (更正, 修订 ...)."""
    head = file_stem + "".join(r.text for r in rows[:15])
    m = _REVISION.search(re.sub(r"\s+", "", head))
    return m.group(0) if m else None


def publication_date(rows: list[Row]) -> date | None:
    """The latest full date printed on the cover or under the closing lines (the date of issue)."""
    found = []
    for row in rows[:15] + rows[-15:]:
        for m in _DATE.finditer(row.text):
            try:
                found.append(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
            except ValueError:
                continue
    return max(found, default=None)


def unit(rows: list[Row]) -> str | None:
    units = Counter(m.group(1) for r in rows for m in _UNIT.finditer(r.text.replace(" ", "")))
    return units.most_common(1)[0][0] if units else None


def doc_kind(rows: list[Row], n_tables_with_data: int, family: str = "final_accounts") -> str:
    """The document's kind: the family (final_accounts | budget) whose standard tables it prints
    (the catalogue variant's doc_kind), else what its first lines call it."""
    head = "".join(r.text for r in rows[:30])
    if n_tables_with_data >= 3:
        return family
    if "绩效自评" in head or "绩效评价" in head:
        return "performance_self_eval"
    if family == "budget" and n_tables_with_data:
        return "budget"
    if "决算" in head and n_tables_with_data:
        return "final_accounts"
    if "预算" in head and "决算" not in head:
        return "budget"
    return "unknown"
