"""绩效自评表 extraction, asserted against the seeds (values read by hand from the text dumps)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest

from extract.load import load_document
from extract.performance import extract_performance, parse_number
from extract.performance_layout import logical_rows
from extract.records import Row

from .conftest import seed

REPO = Path(__file__).resolve().parents[1]


def perf(prefix: str) -> dict[str, list[dict]]:
    return extract_performance(load_document(seed(prefix)).rows)


def rows_of(text: str) -> list[Row]:
    return [Row(tuple(line.split("\t")), n) for n, line in enumerate(text.splitlines(), start=1)]


@pytest.fixture(scope="module")
def p000() -> dict[str, list[dict]]:
    return perf("000")


@pytest.fixture(scope="module")
def p001() -> dict[str, list[dict]]:
    return perf("001")


@pytest.fixture(scope="module")
def p002() -> dict[str, list[dict]]:
    return perf("002")


# --- 001: one-cell-per-line 整体支出绩效自评表 -------------------------------------------------

def test_001_whole_department_evaluation(p001):
    (ev,) = p001["performance_evaluations"]
    assert ev["scope"] == "department"
    assert ev["layout"] == "cell_per_line"
    assert ev["agency_name"] == "株洲市渌口区信访局"  # line 6
    assert ev["fiscal_year"] == 2022  # line 4 （2022年度）
    assert (ev["total_weight"], ev["total_score"]) == (D("100"), D("98"))  # lines 176-178
    assert ev["source_line"] == 3


def test_001_budget_line(p001):
    (line,) = p001["performance_budget_lines"]
    # lines 22-28: 年度资金总额 308.76 326.68 329.98 10分 100% 10
    assert line["line_label"] == "年度资金总额"
    assert line["initial_budget"] == D("308.76")
    assert line["full_year_budget"] == D("326.68")
    assert line["executed"] == D("329.98")
    assert line["weight"] == D("10")
    assert line["execution_rate"] == D("100")
    assert line["score"] == D("10")
    assert line["source_line"] == 21


def test_001_indicator_rows(p001):
    inds = p001["performance_indicators"]
    assert len(inds) == 9
    first = inds[0]  # lines 75-83
    assert (first["level1"], first["level1_weight"], first["level2"]) == ("产出指标", D("50"), "数量指标")
    assert first["level3"] == "接待群众来信、来访及网上投诉"
    assert (first["target_value"], first["actual_value"]) == ("=100%", "100%")
    assert (first["weight"], first["score"]) == (D("20"), D("20"))
    cost = inds[3]  # lines 112-119
    assert (cost["level1"], cost["level2"], cost["level3"]) == ("产出指标", "成本指标", "特护期外值劝返工作经费")
    assert (cost["target_value"], cost["actual_value"]) == ("150万元", "122.97万元")
    assert (cost["weight"], cost["score"]) == (D("10"), D("8"))
    assert cost["deviation_reason"] == "2022年特护期较上年减少"
    last = inds[-1]  # lines 166-173
    assert (last["level1"], last["level1_weight"], last["level2"]) == ("满意度指标", D("10"), "服务对象满意度指标")
    assert (last["target_value"], last["weight"], last["score"]) == ("≥70", D("10"), D("10"))


def test_001_score_above_weight_is_kept_as_printed(p001):
    # lines 90-94: 维护社会和谐稳定, 分值 10, 得分 20 — a real inconsistency, not smoothed over
    quality = p001["performance_indicators"][1]
    assert (quality["level2"], quality["level3"]) == ("质量指标", "维护社会和谐稳定")
    assert (quality["weight"], quality["score"]) == (D("10"), D("20"))
    over = [i for i in p001["performance_indicators"] if i["score"] > i["weight"]]
    assert [i["level2"] for i in over] == ["质量指标", "时效指标"]  # line 106-107 too: 10 / 20


def test_001_total_does_not_equal_the_sum_of_scores(p001):
    # indicators 20+20+20+8+5+5+10+10+10 = 108, budget 10 -> 118 printed as 98
    (ev,) = p001["performance_evaluations"]
    indicator_sum = sum(i["score"] for i in p001["performance_indicators"])
    assert indicator_sum == D("108")
    assert ev["budget_score"] + indicator_sum != ev["total_score"]
    # the weights do add up: 90 + 10 = 100
    assert sum(i["weight"] for i in p001["performance_indicators"]) + D("10") == ev["total_weight"]


# --- 002: seven tab-layout 项目支出绩效自评表 --------------------------------------------------

def test_002_seven_project_evaluations(p002):
    evs = p002["performance_evaluations"]
    assert [e["project_name"] for e in evs] == [
        "新冠肺炎疫情防控经费", "遗属人员补助", "22年信访维稳工作经费", "22年维稳(办案)费",
        "涉军信访维稳专项资金", "信访接待场所规范化建设设备购置费", "维稳(办案)费",
    ]
    assert {e["scope"] for e in evs} == {"project"}
    assert [e["total_score"] for e in evs] == [D("100"), D("98.69"), D("100"), D("100"), D("100"),
                                                D("97.62"), D("99.03")]
    assert {e["grade"] for e in evs} == {"优"}
    assert {e["fiscal_year"] for e in evs} == {2023}


def test_002_budget_lines_keep_three_decimals(p002):
    lines = [b for b in p002["performance_budget_lines"] if b["evaluation_index"] == 1]
    # line 614: 资金总额: 2.52 2.52 2.52 2.189 0.331 86.86 8.69
    total = lines[0]
    assert total["line_label"] == "资金总额"
    assert (total["initial_declared"], total["initial_budget"], total["full_year_budget"]) == (
        D("2.52"), D("2.52"), D("2.52"))
    assert (total["executed"], total["balance"]) == (D("2.189"), D("0.331"))
    assert (total["execution_rate"], total["score"]) == (D("86.86"), D("8.69"))


def test_002_budget_header_split_on_one_line(p002):
    # lines 795-798: 年初预算数 / 目标申报数 / 预算编制数 printed on the header line itself
    lines = [b for b in p002["performance_budget_lines"] if b["evaluation_index"] == 6]
    assert len(lines) == 3
    assert lines[1]["line_label"] == "资金总额"
    assert (lines[1]["full_year_budget"], lines[1]["executed"], lines[1]["execution_rate"]) == (
        D("48.96"), D("44.199"), D("90.28"))


def test_002_row_cut_short_keeps_leading_values(p002):
    # line 761: 资金总额: 30 30 30 22.865 7.135 76.22 — the 得分 column is not printed
    first = [b for b in p002["performance_budget_lines"] if b["evaluation_index"] == 5][0]
    assert (first["executed"], first["execution_rate"], first["score"]) == (D("22.865"), D("76.22"), None)
    assert p002["performance_evaluations"][5]["budget_score"] == D("7.62")  # line 762


def test_002_indicators_shifted_rows(p002):
    inds = [i for i in p002["performance_indicators"] if i["evaluation_index"] == 0]
    assert len(inds) == 7
    # line 588 starts one cell to the left: 满意度指标 / 服务对象满意度 / 人民群众满意度
    sat = inds[-1]
    assert (sat["level1"], sat["level2"], sat["level3"]) == ("满意度指标", "服务对象满意度", "人民群众满意度")
    assert (sat["target_value"], sat["adjusted_target_value"], sat["actual_value"]) == ("提高90%", "提高90%", "提高99%")
    # line 661: 可持续影响指标 printed in the first cell, the 一级 is carried down
    inds2 = [i for i in p002["performance_indicators"] if i["evaluation_index"] == 2]
    assert (inds2[5]["level1"], inds2[5]["level2"], inds2[5]["level3"]) == (
        "效益指标", "可持续影响指标", "畅通人民群众信访")
    # line 694: a deviation text after the scores
    inds3 = [i for i in p002["performance_indicators"] if i["evaluation_index"] == 3]
    assert (inds3[1]["weight"], inds3[1]["score"], inds3[1]["deviation_reason"]) == (D("15"), D("15"), "严格落实")


def test_002_total_equals_budget_score_plus_indicators(p002):
    for ev in p002["performance_evaluations"]:
        scores = [i["score"] for i in p002["performance_indicators"]
                  if i["evaluation_index"] == ev["evaluation_index"]]
        assert ev["budget_score"] + sum(scores) == ev["total_score"], ev["project_name"]


# --- 000: tab rows with HTML <p> cells, no 分值 column ------------------------------------------

def test_000_department_and_project_evaluations(p000):
    dept, proj = p000["performance_evaluations"]
    assert (dept["scope"], dept["total_score"], dept["fiscal_year"]) == ("department", D("97"), 2022)
    assert (proj["scope"], proj["project_name"], proj["total_score"]) == ("project", "信访维稳工作经费", D("98"))
    lines = p000["performance_budget_lines"]
    # line 637: 部门整体支出总额 919.68 804.61 87.49 18; header "(20 分)"
    assert lines[0]["line_label"] == "部门整体支出总额"
    assert (lines[0]["full_year_budget"], lines[0]["executed"], lines[0]["execution_rate"]) == (
        D("919.68"), D("804.61"), D("87.49"))
    assert (lines[0]["weight"], lines[0]["score"]) == (D("20"), D("18"))
    # line 678: 年度财政资金总额 224 214.12, no rate, no score
    assert (lines[1]["full_year_budget"], lines[1]["executed"], lines[1]["score"]) == (D("224"), D("214.12"), None)


def test_000_indicators_without_weight_column(p000):
    dept = [i for i in p000["performance_indicators"] if i["evaluation_index"] == 0]
    assert len(dept) == 13
    assert {i["weight"] for i in dept} == {None}
    guard = dept[11]  # line 652
    assert (guard["level1"], guard["level2"], guard["level3"]) == ("效益指标", "社会效益指标", "守牢“四个不发生”底线")
    assert guard["score"] == D("7")
    # 11 x 6 + 7 + 6 = 79, plus the budget score 18 = 97
    assert sum(i["score"] for i in dept) + D("18") == D("97")


def test_documents_without_self_evaluation_tables():
    assert perf("003")["performance_evaluations"] == []
    assert perf("004")["performance_evaluations"] == []  # a prose-only 自评报告


# --- failure modes and helpers -------------------------------------------------------------

def test_empty_and_title_only_inputs():
    assert extract_performance([]) == {
        "performance_evaluations": [], "performance_budget_lines": [], "performance_indicators": []}
    listing = rows_of("附件：1. 整体支出绩效自评表\n2. 项目支出绩效自评表\n第六部分 附件")
    assert extract_performance(listing)["performance_evaluations"] == []


def test_parse_number():
    assert parse_number("10分") == D("10")
    assert parse_number("100%") == D("100")
    assert parse_number("100%", allow_percent=False) is None
    assert parse_number("1,234.5") == D("1234.5")
    assert parse_number("≥70") is None
    assert parse_number("") is None


def test_logical_rows_fold_wrapped_cells():
    rows = rows_of("\t年初\n预算数\n\t全年\n执行数\n\n\t308.76\n\t329.98\n")
    folded = logical_rows(rows)
    assert [r.cells for r in folded] == [("年初预算数", "全年执行数"), ("308.76", "329.98")]
    assert [r.source_line for r in folded] == [1, 6]


def test_rows_fit_the_raw_schema(p002, tmp_path):
    con = duckdb.connect(str(tmp_path / "perf.duckdb"))
    con.execute((REPO / "extract" / "schema_performance.sql").read_text(encoding="utf-8"))
    for table, rows in p002.items():
        for row in rows:
            cols = ["doc_id", *row]
            con.execute(f"insert into raw.{table} ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
                        ["d1", *row.values()])
    assert con.execute("select count(*) from raw.performance_indicators").fetchone() == (47,)
    assert con.execute("select executed from raw.performance_budget_lines where evaluation_index = 1 "
                       "and line_index = 0").fetchone() == (D("2.189"),)
