"""Plain-Python checks of each table's own row/column identities, for the extraction tests.

(The warehouse's real identity suites live in expectations/; these keep extraction tests honest.)
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

TOL = Decimal("0.01")  # 尾数误差 per summed term

ROW_PARTS = {
    "T02": ("total", ["fiscal_grant", "superior_subsidy", "business", "operating", "affiliate", "other"]),
    "T03": ("total", ["basic", "project", "remit_superior", "operating", "affiliate_subsidy"]),
    "T05": ("total", ["basic", "project"]),
    "T08": ("total", ["basic", "project"]),
    "T07": ("expenditure_total", ["basic", "project"]),
}
PERSONNEL_CLASSES = {"301", "303"}


def _sum(values) -> Decimal:
    return sum((v or Decimal(0) for v in values), Decimal(0))


def _close(lhs, terms: list) -> bool:
    return abs((lhs or Decimal(0)) - _sum(terms)) <= TOL * max(len(terms), 1)


def failures(cells: list[dict]) -> list[str]:
    """Every identity of the tables present in `cells` (dicts of raw.table_cells) that fails."""
    by_table: dict[str, list[dict]] = defaultdict(list)
    for c in cells:
        by_table[c["table_code"]].append(c)
    out: list[str] = []
    for code, rows in by_table.items():
        grid: dict[int, dict[str, dict]] = defaultdict(dict)
        for c in rows:
            grid[c["row_index"]][c["column_key"]] = c
        if code in ROW_PARTS:
            total, parts = ROW_PARTS[code]
            for r in grid.values():
                if total in r and not _close(r[total]["value"], [r[p]["value"] for p in parts if p in r]):
                    out.append(f"{code} row {r[total]['row_label']}: {total} != sum of parts")
            out += _hierarchy(code, rows)
        if code in ("T01", "T04"):
            out += _summary(code, rows)
        if code == "T06":
            out += _economic(rows)
        if code == "T09":
            out += _three_public(rows)
    return out


def _hierarchy(code: str, rows: list[dict]) -> list[str]:
    out = []
    columns = {c["column_key"] for c in rows}
    for col in columns:
        val = {c["subject_code"]: c["value"] for c in rows if c["column_key"] == col and c["subject_code"]}
        total = [c["value"] for c in rows if c["column_key"] == col and c["row_key"] == "total"]
        classes = [v for k, v in val.items() if len(k) == 3]
        if total and classes and not _close(total[0], classes):
            out.append(f"{code} {col}: 合计 != sum of 类")
        for parent, plen, clen in [(k, 3, 5) for k in val if len(k) == 3] + [(k, 5, 7) for k in val if len(k) == 5]:
            kids = [v for k, v in val.items() if len(k) == clen and k[:plen] == parent]
            if kids and not _close(val[parent], kids):
                out.append(f"{code} {col}: {parent} != sum of children")
    return out


def _summary(code: str, rows: list[dict]) -> list[str]:
    inc = {c["row_key"]: c["value"] for c in rows if c["column_key"] == "income" and c["row_key"]}
    exp_col = "expenditure" if code == "T01" else "expenditure_total"
    exp = {c["row_key"]: c["value"] for c in rows if c["column_key"] == exp_col and c["row_key"]}
    classes = [c["value"] for c in rows if c["column_key"] == exp_col and c["subject_code"]]
    items = [v for k, v in inc.items() if k in (
        "general_budget_grant", "gov_fund_grant", "state_capital_grant", "superior_subsidy",
        "business_income", "operating_income", "affiliate_income", "other_income", "income_item")]
    out = []
    if not _close(inc.get("income_total"), items):
        out.append(f"{code}: 本年收入合计 != sum of income rows")
    if not _close(exp.get("expenditure_total"), classes):
        out.append(f"{code}: 本年支出合计 != sum of expenditure rows")
    if not _close(inc.get("grand_total"), [inc.get("income_total"), inc.get("nonfiscal_balance_used"),
                                           inc.get("carryover_begin")]):
        out.append(f"{code}: income 总计")
    if not _close(exp.get("grand_total"), [exp.get("expenditure_total"), exp.get("balance_distribution"),
                                           exp.get("carryover_end")]):
        out.append(f"{code}: expenditure 总计")
    if not _close(inc.get("grand_total"), [exp.get("grand_total")]):
        out.append(f"{code}: income 总计 != expenditure 总计")
    return out


def _economic(rows: list[dict]) -> list[str]:
    val = {c["subject_code"]: c["value"] for c in rows if c["subject_code"]}
    totals = {c["row_key"]: c["value"] for c in rows if c["row_key"]}
    out = []
    for k in [k for k in val if len(k) == 3]:
        kids = [v for kk, v in val.items() if len(kk) == 5 and kk[:3] == k]
        if kids and not _close(val[k], kids):
            out.append(f"T06 {k} != sum of 款")
    personnel = [v for k, v in val.items() if len(k) == 3 and k in PERSONNEL_CLASSES]
    public = [v for k, v in val.items() if len(k) == 3 and k not in PERSONNEL_CLASSES]
    if "personnel_total" in totals and not _close(totals["personnel_total"], personnel):
        out.append("T06 人员经费合计")
    if "public_total" in totals and not _close(totals["public_total"], public):
        out.append("T06 公用经费合计")
    return out


def _three_public(rows: list[dict]) -> list[str]:
    out = []
    for col in ("budget", "final"):
        v = {c["row_key"]: c["value"] for c in rows if c["column_key"] == col}
        if not _close(v.get("total"), [v.get("outbound_travel"), v.get("vehicle_total"), v.get("reception")]):
            out.append(f"T09 {col}: 合计")
        if not _close(v.get("vehicle_total"), [v.get("vehicle_purchase"), v.get("vehicle_operation")]):
            out.append(f"T09 {col}: 公务用车")
    return out
