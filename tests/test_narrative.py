"""Narrative figures of 情况说明 / 自评报告 prose, asserted against the seeds (read by hand)."""

from __future__ import annotations

from decimal import Decimal as D

import duckdb
import pytest

from extract.load import load_document
from extract.narrative import extract_narrative
from extract.performance import extract_performance
from extract.records import Row

from .conftest import PUTUO_PDF, REPO, seed


def figures(prefix: str) -> list[dict]:
    return extract_narrative(load_document(seed(prefix)).rows)["narrative_figures"]


def pick(figs: list[dict], metric: str, scope: str | None = "*", subject: str | None = "*") -> list[dict]:
    return [f for f in figs if f["metric"] == metric and (scope == "*" or f["scope"] == scope)
            and (subject == "*" or f["subject"] == subject)]


def one(figs: list[dict], metric: str, scope: str | None = "*", subject: str | None = "*") -> dict:
    found = pick(figs, metric, scope, subject)
    assert len(found) == 1, (metric, scope, subject, found)
    return found[0]


def prose(*lines: str) -> list[Row]:
    return [Row((line,), n) for n, line in enumerate(lines, start=1)]


@pytest.fixture(scope="module")
def n000() -> list[dict]:
    return figures("000")


@pytest.fixture(scope="module")
def n002() -> list[dict]:
    return figures("002")


# --- 004: a prose-only 整体支出绩效自评报告 ----------------------------------------------------

def test_004_income_expenditure_and_score():
    figs = figures("004")
    income = one(figs, "income_general_budget")  # line 29
    assert (income["value"], income["unit"], income["source_line"]) == (D("974.42"), "万元", 29)
    assert "一般公共预算财政拨款收入 974.42 万元" in income["sentence"]
    assert one(figs, "grant_expenditure", "general_budget")["value"] == D("974.42")
    basic = one(figs, "expenditure_basic")
    assert (basic["value"], basic["scope"]) == (D("867.64"), "general_budget")
    score = one(figs, "self_evaluation_score", subject=None)  # line 43: 评分为 99.36 分
    assert (score["value"], score["unit"], score["source_line"]) == (D("99.36"), "分", 43)
    parts = {f["subject"]: f["value"] for f in pick(figs, "self_evaluation_score") if f["subject"]}
    assert parts == {"管理效能": D("48"), "履职效能": D("49.36")}


# --- 000: 情况说明 of a 部门决算 ----------------------------------------------------------------

def test_000_totals_and_changes(n000):
    total = one(n000, "total_income_expenditure", "all")  # line 356
    assert (total["value"], total["source_line"]) == (D("804.61"), 356)
    assert one(n000, "total_income_expenditure_change", "all")["value"] == D("12.74")
    assert one(n000, "total_income_expenditure_change_pct", "all")["value"] == D("1.61")
    assert one(n000, "total_income_expenditure", "fiscal_grant")["value"] == D("804.61")  # line 383
    assert one(n000, "income_total")["value"] == D("804.61")  # line 365
    assert one(n000, "income_fiscal_grant_share")["value"] == D("100")
    # line 374: 基本支出 590.49 (73.39%), 项目支出 214.12 (26.61%) of all funds
    assert one(n000, "expenditure_basic", "all")["value"] == D("590.49")
    assert one(n000, "expenditure_basic_share", "all")["value"] == D("73.39")
    assert one(n000, "expenditure_project", "all")["value"] == D("214.12")


def test_000_completion_rate_inconsistency_is_recoverable(n000):
    # line 419: 党委办公厅 行政运行: 年初预算 328.88, 决算 345.86, "完成年初预算的 1.05%"
    subject = "一般公共服务支出/党委办公厅(室)及相关机构事务/行政运行"
    budget = one(n000, "subject_budget_initial", subject=subject)["value"]
    final = one(n000, "subject_final", subject=subject)["value"]
    rate = one(n000, "completion_rate", subject=subject)
    assert (budget, final, rate["value"], rate["source_line"]) == (D("328.88"), D("345.86"), D("1.05"), 419)
    computed = (final / budget * 100).quantize(D("0.01"))
    assert computed == D("105.16")
    assert abs(computed - rate["value"]) > 1
    # the neighbouring item is consistent: 214.12 / 224.00 = 95.59%
    other = "一般公共服务支出/政府办公厅(室)及相关机构事务/信访事务"
    ok = (one(n000, "subject_final", subject=other)["value"]
          / one(n000, "subject_budget_initial", subject=other)["value"])
    assert (ok * 100).quantize(D("0.01")) == one(n000, "completion_rate", subject=other)["value"]


def test_000_wrapped_sentence_keeps_subject(n000):
    # lines 413-415: the sentence wraps over a blank line ("完" / "成年初预算的 2.82%")
    subject = "一般公共服务支出/政府办公厅(室)及相关机构事务/行政运行"
    rate = one(n000, "completion_rate", subject=subject)
    assert (rate["value"], rate["source_line"]) == (D("2.82"), 415)
    assert one(n000, "subject_budget_initial", subject=subject)["source_line"] == 413


def test_000_three_public_operating_procurement_assets(n000):
    assert one(n000, "three_public_budget", subject="total")["value"] == D("0.3")  # line 455
    assert one(n000, "three_public_final", subject="total")["value"] == D("0")
    assert one(n000, "three_public_budget", subject="reception")["value"] == D("0.3")  # line 459
    cost = one(n000, "operating_cost")  # line 465
    assert (cost["value"], cost["source_line"]) == (D("61.20"), 465)
    assert one(n000, "operating_cost_change")["value"] == D("-26.03")
    assert one(n000, "operating_cost_change_pct")["value"] == D("-29.84")
    procurement = {f["metric"]: f["value"] for f in n000 if f["metric"].startswith("procurement_")
                   and not f["metric"].endswith("share")}
    assert procurement == {"procurement_total": D("15.90"), "procurement_goods": D("0.90"),
                           "procurement_works": D("0"), "procurement_services": D("15"),
                           "procurement_sme": D("15.90"), "procurement_small_micro": D("15.90")}
    assert one(n000, "vehicles", subject=None)["value"] == D("0")  # line 473
    assert one(n000, "equipment_over_1m")["value"] == D("0")
    # line 479 '共涉及项目1个'; line 487 '…在2022年度部门决算中反映所有项目绩效自评结果…共涉及1个一级项目'
    assert [(f["value"], f["source_line"]) for f in pick(n000, "projects_self_evaluated")] == [
        (D("1"), 479), (D("1"), 487)]


def test_a_count_naming_its_projects_after_the_number():
    """西安市卫生健康委员会 2022 p23: '反映…等82个一级项目的绩效自评结果，涉及预算资金…，占…的65.9%'."""
    figs = extract_narrative(prose(
        "本部门在部门决算中反映机场入境人员核酸检测费用等82个一级项目的绩效自评结果，涉及预算资金597650.29万元，"
        "占部门预算项目支出总额的65.9%。",
        "7个项目自评等级为“优”，0个项目自评等级为“良”。"))["narrative_figures"]
    assert [(f["metric"], f["value"]) for f in figs] == [
        ("projects_self_evaluated", D("82")), ("self_evaluated_funds", D("597650.29")),
        ("self_evaluated_funds_share", D("65.9"))]


# --- 002 and 003 ----------------------------------------------------------------------------

def test_002_projects_self_evaluated_matches_the_tables(n002):
    stated = one(n002, "projects_self_evaluated")  # line 545: 绩效自评个数7个
    assert (stated["value"], stated["unit"], stated["source_line"]) == (D("7"), "个", 545)
    tables = extract_performance(load_document(seed("002")).rows)["performance_evaluations"]
    assert len([t for t in tables if t["scope"] == "project"]) == stated["value"]


def test_002_totals_parts_and_assets(n002):
    income = one(n002, "total_income_expenditure", "all", "income")  # line 437
    assert income["value"] == D("233.67")
    assert one(n002, "total_income_expenditure_change", "all", "income")["value"] == D("21.37")
    assert one(n002, "total_income_expenditure_change", "fiscal_grant", "income")["value"] == D("21.53")
    assert one(n002, "expenditure_basic", "all")["value"] == D("149.34")  # line 452
    assert one(n002, "expenditure_project", "all")["value"] == D("84.33")  # line 453
    assert one(n002, "procurement_total")["value"] == D("18.11")  # line 533
    assert one(n002, "vehicles", subject=None)["value"] == D("1")  # line 537
    assert one(n002, "operating_cost")["value"] == D("13.19")  # line 529


def test_003_three_public_per_item_and_signed_change():
    figs = figures("003")
    # line 425; the attached 自评报告 restates the budget on line 575
    budgets = pick(figs, "three_public_budget", subject="total")
    assert [(f["value"], f["source_line"]) for f in budgets] == [(D("9.13"), 425), (D("9.13"), 575)]
    assert pick(figs, "three_public_final", subject="total")[0]["value"] == D("7.04")
    vehicle = [f for f in figs if f["subject"] == "vehicle_operation" and f["source_line"] == 433]
    assert [(f["metric"], f["value"]) for f in vehicle[:3]] == [
        ("three_public_budget", D("7.00")), ("three_public_final", D("4.91")),
        ("three_public_completion_rate", D("70.14"))]
    change = one(figs, "total_income_expenditure_change", "all")  # line 375: 减少 207.43 万元
    assert change["value"] == D("-207.43")


# --- the PDF (pypdfium2 text lines) ---------------------------------------------------------

def test_pdf_narrative_pages():
    if not PUTUO_PDF.exists():
        pytest.skip("shared PDF not found")
    figs = extract_narrative(load_document(PUTUO_PDF).rows)["narrative_figures"]
    total = one(figs, "total_income_expenditure", "all")
    assert (total["value"], total["page"]) == (D("2995.39"), 21)
    # page 21 states the 财政拨款 total as 0.3 万元 while its T04 says 2,940.05: kept as printed
    assert one(figs, "total_income_expenditure", "fiscal_grant")["value"] == D("0.3")
    # page 22: the 类/款/项 path wraps over two lines
    pension = one(figs, "subject_budget_initial",
                  subject="社会保障和就业支出/行政事业单位养老支出/机关事业单位基本养老保险缴费支出")
    assert (pension["value"], pension["page"]) == (D("161.62"), 22)
    assert one(figs, "equipment_over_1m")["value"] == D("2")  # page 24: 2台（套）
    assert one(figs, "projects_self_evaluated")["value"] == D("4")  # page 23
    assert one(figs, "self_evaluation_score", subject="average")["value"] == D("99.43")


# --- failure modes --------------------------------------------------------------------------

def test_no_prose_no_figures():
    assert extract_narrative([]) == {"narrative_figures": [], "narrative_sentences": []}
    table_rows = [Row(("合计", "804.61", "590.49"), 1)]
    assert extract_narrative(table_rows) == {"narrative_figures": [], "narrative_sentences": []}


def test_sentences_keep_their_paragraph_and_section():
    """003 lines 399-409: the detail section's sentences (each printed on one line: one row each),
    under its heading, one paragraph per item."""
    found = extract_narrative(load_document(seed("003")).rows)["narrative_sentences"]
    detail = [s for s in found if s["section_key"] == "general_budget_detail"]
    assert {s["heading"] for s in detail} == {"（三）一般公共预算财政拨款支出决算具体情况"}
    assert [(s["source_line"], s["paragraph_index"] - detail[0]["paragraph_index"]) for s in detail] == [
        (399, 0), (401, 1), (401, 1), (403, 2), (405, 3), (407, 4), (409, 5)]
    assert detail[-1]["text"].startswith("年初预算为572.97万元，支出决算为281.43万元，完成年初预算的48.53%")
    # the next section starts at the heading of 六、
    after = found[found.index(detail[-1]) + 1]
    assert (after["section_key"], after["source_line"]) == ("basic_expenditure", 411)


def test_a_sentence_keeps_each_printed_line_and_the_contents_are_not_prose():
    """000 lines 413, 415: '年初预算为7.89万元，支出决算为0.22万元，完' goes on at '成年初预算的 2.82%，…'
    (one sentence, one row per line). 003 lines 7-47: the table of contents names every section
    (第四部分 名词解释 last) but is no prose: the body is in no section before 一、 at line 373."""
    rows = extract_narrative(load_document(seed("000")).rows)["narrative_sentences"]
    first = next(r for r in rows if r["source_line"] == 413 and r["text"].startswith("年初预算为7.89万元"))
    sentence = [r for r in rows if r["sentence_index"] == first["sentence_index"]]
    assert [(r["line_index"], r["source_line"]) for r in sentence] == [(0, 413), (1, 415)]
    assert sentence[0]["text"] == "年初预算为7.89万元，支出决算为0.22万元，完"
    assert sentence[1]["text"].startswith("成年初预算的 2.82%，") and sentence[1]["text"].endswith("故此行政运行未用。")
    rows = extract_narrative(load_document(seed("003")).rows)["narrative_sentences"]
    assert not [r for r in rows if 7 <= r["source_line"] <= 47]
    assert {r["section_key"] for r in rows if r["source_line"] < 373} == {None}
    assert next(r for r in rows if r["section_key"])["source_line"] == 373


def test_last_year_values_and_unit_prices_are_not_figures():
    figs = extract_narrative(prose(
        "2.基本支出情况。2023年基本支出1435.87万元，比去年同期1432.02万元，增加3.85万元，增加0.27%。",
        "单价100万元(含)以上设备(不含车辆)3台(套)。",
    ))["narrative_figures"]
    assert [(f["metric"], f["value"]) for f in figs] == [
        ("expenditure_basic", D("1435.87")), ("expenditure_basic_change", D("3.85")),
        ("expenditure_basic_change_pct", D("0.27")), ("equipment_over_1m", D("3"))]


def test_unknown_figure_breaks_the_chain_of_changes():
    figs = extract_narrative(prose("印刷费0.88万元，比去年9.33万元，减少8.45万元，下降90.57%。"))
    assert figs["narrative_figures"] == []


def test_a_projects_own_completion_rate_is_not_the_departments():
    """西安市卫生健康委员会 2022 p35 (section 十三): a project's 预算数/执行数 and its own rate, the
    amounts letter-spaced; the rate is the project's, not compared with the department's tables."""
    figs = extract_narrative(prose(
        "十三、预算绩效情况说明",
        "项目全年预算数 1 4 1 3 . 8 4万元，执行数 1 3 1 8 . 7 2万元，完成预算的93.27%。",
        "本年度一般公共预算财政拨款支出年初预算为328.88万元，支出决算为345.86万元，完成年初预算的105.16%。",
    ))["narrative_figures"]
    assert one(figs, "project_completion_rate")["value"] == D("93.27")
    assert one(figs, "completion_rate")["value"] == D("105.16")


# --- issue 12 point 6: never invent a finding from a misread sentence ----------------------

XIAN_PDF = PUTUO_PDF.parent / "西安市卫生健康委员会（汇总）2022年度部门决算.pdf"


def test_a_percentage_is_never_an_amount():
    """'完成全年目标的 92%' after a money family names no amount: a money metric is only read from
    万元/元, a rate or share only from %."""
    figs = extract_narrative(prose(
        "（二）项目支出情况。2023年项目支出 214.12 万元，项目支出完成全年目标的 92%。",
        "2023年度“三公”经费支出 0.39 万元，“三公”经费完成 92%。",
        "机关运行经费 61.20 万元，完成全年目标的 92%。",
    ))["narrative_figures"]
    assert [(f["metric"], f["value"], f["unit"]) for f in figs] == [
        ("expenditure_project", D("214.12"), "万元"), ("three_public_final", D("0.39"), "万元"),
        ("operating_cost", D("61.20"), "万元")]


def test_a_bracketed_sub_amount_never_replaces_its_figure():
    # the 国（境）外 part in brackets was read as a second 公务接待 figure of 0.00
    figs = extract_narrative(prose(
        "2023年度“三公”经费支出决算 0.39 万元。其中：公务接待费 0.39 万元"
        "（国内公务接待 0.39 万元，国（境）外公务接待 0.00 万元）。",
    ))["narrative_figures"]
    assert [(f["metric"], f["subject"], f["value"]) for f in figs] == [
        ("three_public_final", "total", D("0.39")), ("three_public_final", "reception", D("0.39"))]
    figs = extract_narrative(prose("国内公务接待支出 0.39 万元（含外宾接待支出 0.00 万元）。"))["narrative_figures"]
    assert [(f["subject"], f["value"]) for f in figs] == [("reception", D("0.39"))]
    # a separately labelled item in brackets is its own figure, the base stays the total
    figs = extract_narrative(prose(
        "“三公”经费支出决算 0.39 万元（其中：公务接待费 0.39 万元），比上年减少 0.10 万元。"))["narrative_figures"]
    assert [(f["metric"], f["subject"], f["value"]) for f in figs] == [
        ("three_public_final", "total", D("0.39")), ("three_public_final", "reception", D("0.39")),
        ("three_public_final_change", "total", D("-0.10"))]


def test_a_rate_without_its_percent_sign_is_still_a_rate():
    text = "2023年度收入总计 1225.85 万元，比上年增加 150.00 万元，增长 13.95{}。"
    bare = one(extract_narrative(prose(text.format("")))["narrative_figures"], "total_income_expenditure_change_pct")
    signed = one(extract_narrative(prose(text.format("%")))["narrative_figures"], "total_income_expenditure_change_pct")
    assert (bare["value"], bare["unit"], bare["raw_value"]) == (D("13.95"), "%", "13.95")
    assert (signed["value"], signed["unit"], signed["raw_value"]) == (D("13.95"), "%", "13.95%")
    assert {k: v for k, v in bare.items() if k != "raw_value"} == {
        k: v for k, v in signed.items() if k not in ("raw_value", "sentence")} | {"sentence": bare["sentence"]}
    # a bare number is a rate only right after the amount of the same change
    figs = extract_narrative(prose("2023年度收入总计 1225.85 万元，增长 13.95。",
                                   "比上年增加 150.00 万元，自评得分 95。"))["narrative_figures"]
    assert [f["metric"] for f in figs] == ["total_income_expenditure"]


def test_letter_spaced_digits_are_one_number():
    """西安市卫生健康委员会 2022 p12 and p35: amounts printed letter-spaced."""
    figs = extract_narrative(prose(
        "2.教育支出（类）普通教育（款）学前教育（项）。年初预算 9 9 9 . 8 3万元，"
        "支出决算 1 , 1 8 2 . 5 9万元，完成年初预算的118.28%。",
        "10.西安市中心血站采供血专用设备类项目绩效自评综述：全年预算数 1 4 1 3 . 8 4万元，"
        "执行数 1 3 1 8 . 7 2万元，完成预算的93.27%。",
    ))["narrative_figures"]
    read = [(f["metric"], f["value"], f["raw_value"]) for f in figs]
    assert read == [
        ("subject_budget_initial", D("999.83"), "9 9 9 . 8 3万元"),
        ("subject_final", D("1182.59"), "1 , 1 8 2 . 5 9万元"),
        ("completion_rate", D("118.28"), "118.28%"),
        ("subject_budget_full_year", D("1413.84"), "1 4 1 3 . 8 4万元"),
        ("subject_final", D("1318.72"), "1 3 1 8 . 7 2万元"),
        ("project_completion_rate", D("93.27"), "93.27%")]


def test_each_figure_keeps_its_printed_precision():
    figs = extract_narrative(prose(
        "本年度一般公共预算财政拨款支出年初预算为448.40万元，支出决算为345.86万元，完成年初预算的77.1%。",
        "项目全年预算数 3 5 0万元，执行数 3 2 2 . 1 5万元，完成预算的92%。",
    ))["narrative_figures"]
    assert [(f["raw_value"], f["printed_decimals"]) for f in figs] == [
        ("448.40万元", 2), ("345.86万元", 2), ("77.1%", 1), ("3 5 0万元", 0), ("3 2 2 . 1 5万元", 2), ("92%", 0)]
    # the rows fit raw.narrative_figures (printed_decimals included), also in a warehouse made before it
    con = duckdb.connect()
    con.execute("create schema raw; create table raw.narrative_figures (doc_id varchar, figure_index integer, "
                "metric varchar, scope varchar, subject varchar, value decimal(18, 4), unit varchar, "
                "raw_value varchar, label varchar, section varchar, sentence varchar, source_line integer, "
                "page integer)")
    con.execute((REPO / "extract" / "schema_performance.sql").read_text(encoding="utf-8"))
    for f in figs:
        cols = ["doc_id", *f]
        con.execute(f"insert into raw.narrative_figures ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
                    ["d1", *f.values()])
    stored = con.execute("select printed_decimals from raw.narrative_figures where raw_value = '77.1%'")
    assert stored.fetchone() == (1,)


@pytest.fixture(scope="module")
def xian() -> list[dict]:
    if not XIAN_PDF.exists():
        pytest.skip("shared PDF not found")
    return extract_narrative(load_document(XIAN_PDF).rows)["narrative_figures"]


def test_xian_reads_what_was_read_right_and_no_more(xian):
    """西安市卫生健康委员会 2022: the rules change only the misread figures."""
    general = [(f["metric"], f["value"], f["printed_decimals"]) for f in xian if f["page"] == 11
               and f["scope"] == "general_budget"]
    assert general == [("subject_budget_initial", D("139217.01"), 2), ("subject_final", D("296047.75"), 2),
                       ("completion_rate", D("212.65"), 2), ("subject_final_share", D("14.27"), 2)]
    vocational = "教育支出/职业教育/中等职业教育"
    assert [(f["metric"], f["value"]) for f in xian if f["subject"] == vocational] == [
        ("subject_budget_initial", D("2453.36")), ("subject_final", D("3301.03")), ("completion_rate", D("134.55"))]
    # letter-spaced amounts were read as their last digit ('9 9 9 . 8 3万元' -> 3)
    preschool = [(f["metric"], f["value"]) for f in xian if f["subject"] == "教育支出/普通教育/学前教育"]
    assert preschool == [("subject_budget_initial", D("999.83")), ("subject_final", D("1182.59")),
                         ("completion_rate", D("118.28"))]
    # p35: '…绩效自评综述：全' / '年预算数 1 4 1 3 . 8 4万元，…' is one paragraph, not a heading and a line
    project = [(f["metric"], f["subject"], f["value"], f["raw_value"]) for f in xian
               if f["page"] == 35 and f["value"] in (D("1413.84"), D("1318.72"))]
    assert project == [("subject_budget_full_year", None, D("1413.84"), "1 4 1 3 . 8 4万元"),
                       ("subject_final", None, D("1318.72"), "1 3 1 8 . 7 2万元")]
    # a 绩效目标 table row read as prose gave a 100% '工程' amount
    assert all(f["unit"] in ("万元", "元") for f in xian if f["metric"].startswith("procurement_")
               and not f["metric"].endswith("_share"))
