"""The national 部门决算 template, declared as data.

Each standard table has a code (T01..T10), title patterns (matched against a title line with
spaces removed), a layout family (which parser reads it) and its value columns. Where local
templates differ (T08 with or without 年初/年末 columns, T04 without 国有资本 column), the
variants are listed and the parser picks the one whose width matches the printed rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # canonical label of the national template


@dataclass(frozen=True)
class TableTemplate:
    code: str
    name: str
    title_pattern: re.Pattern[str]
    layout: str  # summary | subject | economic | three_public | statistics
    variants: tuple[tuple[Column, ...], ...]


def _cols(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(k, v) for k, v in pairs)


# Order matters: a title that contains another table's title is tested first
# (财政拨款收入支出决算总表 ⊃ 收入支出决算总表, 一般公共预算财政拨款支出决算表 ⊃ 支出决算表).
TEMPLATES: tuple[TableTemplate, ...] = (
    TableTemplate(
        "T04", "财政拨款收入支出决算总表", re.compile(r"财政拨款收入支出决算总表"), "summary",
        (
            _cols(("income", "收入决算数"), ("expenditure_total", "支出小计"),
                  ("expenditure_general_budget", "一般公共预算财政拨款"),
                  ("expenditure_gov_fund", "政府性基金预算财政拨款"),
                  ("expenditure_state_capital", "国有资本经营预算财政拨款")),
            _cols(("income", "收入决算数"), ("expenditure_total", "支出小计"),
                  ("expenditure_general_budget", "一般公共预算财政拨款"),
                  ("expenditure_gov_fund", "政府性基金预算财政拨款")),
        ),
    ),
    TableTemplate(
        "T01", "收入支出决算总表", re.compile(r"收入支出决算总表"), "summary",
        (_cols(("income", "收入决算数"), ("expenditure", "支出决算数")),),
    ),
    TableTemplate(
        "T06", "一般公共预算财政拨款基本支出决算明细表", re.compile(r"基本支出决算(明细)?表"), "economic",
        (_cols(("final", "决算数")),),
    ),
    TableTemplate(
        "T05", "一般公共预算财政拨款支出决算表", re.compile(r"一般公共预算财政拨款支出决算表"), "subject",
        (_cols(("total", "小计"), ("basic", "基本支出"), ("project", "项目支出")),),
    ),
    TableTemplate(
        "T07", "政府性基金预算财政拨款收入支出决算表",
        re.compile(r"政府性基金预算财政拨款(收入)?支出决算表"), "subject",
        (
            _cols(("carryover_begin", "年初结转和结余"), ("income", "本年收入"),
                  ("expenditure_total", "本年支出小计"), ("basic", "基本支出"),
                  ("project", "项目支出"), ("carryover_end", "年末结转和结余")),
        ),
    ),
    TableTemplate(
        "T08", "国有资本经营预算财政拨款支出决算表",
        re.compile(r"国有资本经营预算财政拨款(收入)?支出决算表"), "subject",
        (
            _cols(("total", "合计"), ("basic", "基本支出"), ("project", "项目支出")),
            _cols(("carryover_begin", "年初结转和结余"), ("income", "本年收入"),
                  ("expenditure_total", "本年支出小计"), ("basic", "基本支出"),
                  ("project", "项目支出"), ("carryover_end", "年末结转和结余")),
        ),
    ),
    TableTemplate(
        "T09", "财政拨款“三公”经费支出决算表", re.compile(r"三公.{0,2}经费支出(预)?决算表"), "three_public",
        (_cols(("budget", "预算数"), ("final", "决算数")),),
    ),
    TableTemplate(
        "T10", "部门决算公开相关信息统计表", re.compile(r"相关信息统计表"), "statistics",
        (_cols(("value", "统计数")),),
    ),
    TableTemplate(
        "T02", "收入决算表", re.compile(r"收入决算表"), "subject",
        (
            _cols(("total", "本年收入合计"), ("fiscal_grant", "财政拨款收入"),
                  ("superior_subsidy", "上级补助收入"), ("business", "事业收入"),
                  ("operating", "经营收入"), ("affiliate", "附属单位上缴收入"),
                  ("other", "其他收入")),
        ),
    ),
    TableTemplate(
        "T03", "支出决算表", re.compile(r"支出决算表"), "subject",
        (
            _cols(("total", "本年支出合计"), ("basic", "基本支出"), ("project", "项目支出"),
                  ("remit_superior", "上缴上级支出"), ("operating", "经营支出"),
                  ("affiliate_subsidy", "对附属单位补助支出")),
        ),
    ),
)

BY_CODE: dict[str, TableTemplate] = {t.code: t for t in TEMPLATES}
STANDARD_CODES: tuple[str, ...] = tuple(sorted(BY_CODE))

# --- named rows -------------------------------------------------------------------------
# Label patterns (spaces removed) -> row_key, per layout family. First match wins.
# In T01/T04 the fund-type lines printed under 年初/年末(财政拨款)结转和结余 are keyed with that
# prefix (carryover_begin_general_budget_grant, ...) to tell them from the income lines.
SUMMARY_ROW_KEYS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), k)
    for p, k in (
        (r"^本年收入合计", "income_total"),
        (r"^本年支出合计", "expenditure_total"),
        (r"^使用非财政拨款结余", "nonfiscal_balance_used"),
        (r"^年初(财政拨款)?结转和结余", "carryover_begin"),
        (r"^年末(财政拨款)?结转和结余", "carryover_end"),
        (r"^结余分配", "balance_distribution"),
        (r"^总计", "grand_total"),
        (r"一般公共预算财政拨款", "general_budget_grant"),
        (r"政府性基金预算财政拨款", "gov_fund_grant"),
        (r"国有资本经营预算财政拨款", "state_capital_grant"),
        (r"上级补助收入", "superior_subsidy"),
        (r"事业收入", "business_income"),
        (r"经营收入", "operating_income"),
        (r"附属单位上缴收入", "affiliate_income"),
        (r"其他收入", "other_income"),
    )
)

THREE_PUBLIC_ITEMS: tuple[tuple[str, str], ...] = (
    # (row_key, canonical label) in the order of the national template's columns
    ("total", "合计"),
    ("outbound_travel", "因公出国（境）费"),
    ("vehicle_total", "公务用车购置及运行维护费"),
    ("vehicle_purchase", "公务用车购置费"),
    ("vehicle_operation", "公务用车运行维护费"),
    ("reception", "公务接待费"),
)
THREE_PUBLIC_ROW_KEYS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), k)
    for p, k in (
        (r"公务用车购置费", "vehicle_purchase"),
        (r"公务用车运行(维护)?费", "vehicle_operation"),
        (r"公务用车购置及运行", "vehicle_total"),
        (r"因公出国", "outbound_travel"),
        (r"公务接待", "reception"),
        (r"^小计", "vehicle_total"),
        (r"^合计|^总计|三公", "total"),
    )
)

STATISTICS_ROW_KEYS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), k)
    for p, k in (
        (r"^(政府采购)?合计", "procurement_total"),
        (r"^货物", "procurement_goods"),
        (r"^工程", "procurement_works"),
        (r"^服务", "procurement_services"),
        (r"行政单位", "operating_cost_admin"),
        (r"参照公务员法管理", "operating_cost_civil_service_managed"),
        (r"机关运行经费", "operating_cost_total"),
        (r"车辆数合计|车辆.*合计", "vehicles_total"),
        (r"100万元.*设备|单价.*设备", "equipment_over_1m"),
    )
)

# 功能分类 类 codes of the 2021+ 政府收支分类科目, for T01/T04 expenditure rows printed by name.
FUNCTIONAL_CLASSES: dict[str, str] = {
    "一般公共服务": "201", "外交": "202", "国防": "203", "公共安全": "204", "教育": "205",
    "科学技术": "206", "文化旅游体育与传媒": "207", "社会保障和就业": "208",
    "社会保险基金": "209", "卫生健康": "210", "节能环保": "211", "城乡社区": "212",
    "农林水": "213", "交通运输": "214", "资源勘探工业信息": "215", "商业服务业": "216",
    "金融": "217", "援助其他地区": "219", "自然资源海洋气象": "220", "住房保障": "221",
    "粮油物资储备": "222", "国有资本经营预算": "223", "灾害防治及应急管理": "224",
    "预备费": "227", "其他": "229", "转移性": "230", "债务还本": "231", "债务付息": "232",
    "债务发行费用": "233", "抗疫特别国债安排": "234",
}
_CLASS_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+、)?(" + "|".join(sorted(FUNCTIONAL_CLASSES, key=len, reverse=True))
    + r")(?:等)?的?支出$"
)


def functional_class_code(label: str) -> str | None:
    """'八、社会保障和就业支出' -> '208'; None when the label is not a 类 row."""
    m = _CLASS_RE.match(label)
    return FUNCTIONAL_CLASSES[m.group(1)] if m else None


def match_title(line: str) -> TableTemplate | None:
    """The template whose title a (short) line carries, e.g. '2022 年度收入决算表（表 2）'."""
    s = re.sub(r"\s+", "", line)
    if not s or len(s) > 60 or "说明" in s or "。" in s:
        return None
    for t in TEMPLATES:
        if t.title_pattern.search(s):
            return t
    return None


def row_key_for(label: str, patterns: tuple[tuple[re.Pattern[str], str], ...]) -> str | None:
    for pattern, key in patterns:
        if pattern.search(label):
            return key
    return None
