"""Narrative arithmetic (expectations/narrative_arithmetic.yml): real sentences of seeds 003 and 000
with one number or phrase changed give the finding; unchanged, they are silent (or give the real
defect read by hand). Extracted and judged by the real pipeline (extract_paths) and checks
(run_checks)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from expectations.narrative_arithmetic import load_narrative_arithmetic

from .conftest import family_results, seed

# 003_*.txt (长沙市信访局 2023), lines 375, 383, 399, 407 and 409
CHANGE = "与上年相比，减少 207.43 万元,减少 10.78 %。"
SHARES = "其中：基本支出 1435.88 万元，占 83.61%；"
TOTAL = "2023 年度收、支总计 1717.31 万元。" + CHANGE
TOTAL_REASON = TOTAL + "主要原因是 2023 年市级信访救助资金专项中 200 万元纳入财政公共项目。"
GAP_REASON = ("完成年初预算的48.53%，决算数小于年初预算数的主要原因是1.部分项目开支为调拨支出，未在费用中体现；"
              "2.年终关账时间为12月14日，部分大额合同尾款及结算还未支付，故预算完成率相对较低。")
ITEM = "政府办公厅及相关机构事务（款）信访事务（项）。"
DETAIL = "（三）一般公共预算财政拨款支出决算具体情况\n"
# 000_*.txt (武汉经济技术开发区（汉南区）信访局 2022), lines 479 and 487
FUNDS = "共涉及项目1个，资金214.12万元，占一般公共预算项目支出总额的26.61%。"
PROJECTS = "共涉及1个一级项目。"
VARIANTS = {
    "003.txt": ("003", None),
    "003_rate.txt": ("003", (CHANGE, "与上年相比，减少 207.43 万元,减少 11.78 %。")),
    "003_direction.txt": ("003", (CHANGE, "与上年相比，减少 207.43 万元,增长 10.78 %。")),
    "003_share.txt": ("003", (SHARES, "其中：基本支出 1435.88 万元，占 85.61%；")),
    "003_no_reason.txt": ("003", (TOTAL_REASON, TOTAL)),
    "003_no_gap_reason.txt": ("003", (GAP_REASON, "完成年初预算的48.53%。")),
    "003_item_unnamed.txt": ("003", (ITEM, "政府办公厅及相关机构事务（款）信访工作（项）。")),
    "003_item_wrapped.txt": ("003", (ITEM, "政府办公厅及相关机构事务(款)信访\n事务(项)。")),
    "003_no_detail.txt": ("003", (DETAIL, "")),
    "000.txt": ("000", None),
    "000_funds_all.txt": ("000", (FUNDS, "共涉及项目1个，资金214.12万元，占一般公共预算项目支出总额的100%。")),
    "000_funds_not_all.txt": ("000", (FUNDS, "共涉及项目1个，资金214.00万元，占一般公共预算项目支出总额的100%。")),
    "000_projects.txt": ("000", (PROJECTS, "共涉及2个一级项目。")),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    """file -> (identity_id, status, lhs, rhs, description) of the narrative_arithmetic family."""
    texts = {prefix: seed(prefix).read_text(encoding="utf-8") for prefix in ("000", "003")}
    files = {}
    for name, (prefix, change) in VARIANTS.items():
        text = texts[prefix]
        if change:
            assert text.count(change[0]) == 1, change[0]
        files[name] = text.replace(*change) if change else text
    out: dict[str, list[tuple]] = {}
    for file, identity, status, lhs, rhs, _, description in family_results(
            tmp_path_factory.mktemp("narrative_arithmetic"), files, "narrative_arithmetic"):
        out.setdefault(file, []).append((identity, status, lhs, rhs, description))
    return out


def _violations(results: dict, file: str) -> list[tuple]:
    return [r for r in results[file] if r[1] == "violation"]


def _statuses(results: dict, file: str, identity: str, text: str) -> list[str]:
    return [r[1] for r in results[file] if r[0] == identity and r[4].startswith(text)]


def test_unchanged_003_is_silent(results) -> None:
    assert _violations(results, "003.txt") == []
    assert _statuses(results, "003.txt", "NA.change", "收、支总计 1717.31万元") == ["pass"]
    assert _statuses(results, "003.txt", "NA.direction", "收、支总计：") == ["pass"]
    assert _statuses(results, "003.txt", "NA.share", "基本支出 占 支出合计") == ["pass"]
    assert "pass" in _statuses(results, "003.txt", "NA.shares_sum", "支出合计 ")
    # line 375: the change of 10.78% is explained in the next sentence; line 409: 48.53% in the same one
    assert _statuses(results, "003.txt", "NA.reason", "收、支总计比上年增减 10.78%") == ["pass"]
    assert _statuses(results, "003.txt", "NA.reason",
                     "一般公共预算服务支出/政府办公厅及相关机构事务/信访事务完成预算的 48.53%") == ["pass"]
    # line 401: 88.61% is broken down (其中：) into the items below, each with its own reason
    assert _statuses(results, "003.txt", "NA.reason", "财政拨款支出完成预算的 88.61%") == ["not_applicable"]
    # line 427: 因公出国（境）费 预算 0.00, 决算 0.00, 完成预算的 0.00%: nothing to explain
    assert "not_applicable" in _statuses(results, "003.txt", "NA.reason", "因公出国（境）费")
    # 表5 2010301 行政运行 and 2010308 信访事务 are both named in the detail section (lines 403, 407)
    assert _statuses(results, "003.txt", "NA.items_named", "一般公共预算财政拨款支出决算表（T05） 201030") == [
        "pass", "pass"]


def test_a_wrong_change_rate_is_a_finding(results) -> None:
    assert [r[:4] for r in _violations(results, "003_rate.txt")] == [
        ("NA.change", "violation", Decimal("-11.78"), Decimal("-10.78"))]


def test_a_contradicting_direction_is_a_finding(results) -> None:
    assert [r[:4] for r in _violations(results, "003_direction.txt")] == [
        ("NA.direction", "violation", Decimal(-1), Decimal(1))]
    # the rate itself is not judged again: which word is wrong cannot be told
    assert _statuses(results, "003_direction.txt", "NA.change", "收、支总计 1717.31万元") == ["not_applicable"]


def test_a_wrong_share_is_a_finding_and_breaks_the_sum(results) -> None:
    found = {r[0]: r[1:4] for r in _violations(results, "003_share.txt")}
    assert found == {"NA.share": ("violation", Decimal("85.61"), Decimal("83.61")),
                     "NA.shares_sum": ("violation", Decimal("102.00"), Decimal(100))}


def test_a_large_change_without_its_reason_is_a_finding(results) -> None:
    assert [(r[0], r[4].split("：")[0]) for r in _violations(results, "003_no_reason.txt")] == [
        ("NA.reason", "收、支总计比上年增减 10.78%")]


def test_a_large_budget_gap_without_its_reason_is_a_finding(results) -> None:
    item = "一般公共预算服务支出/政府办公厅及相关机构事务/信访事务"  # its 类/款/项 path, line 407
    assert [(r[0], r[2], r[3], r[4].split("：")[0]) for r in _violations(results, "003_no_gap_reason.txt")] == [
        ("NA.reason", Decimal(0), Decimal(1), f"{item}完成预算的 48.53%")]


def test_an_item_the_detail_section_does_not_name_is_a_finding(results) -> None:
    assert [(r[0], r[4].split("应在")[0]) for r in _violations(results, "003_item_unnamed.txt")] == [
        ("NA.items_named", "一般公共预算财政拨款支出决算表（T05） 2010308 信访事务（合计 281.43）")]


def test_a_name_cut_by_a_line_break_in_other_brackets_is_still_named(results) -> None:
    assert _violations(results, "003_item_wrapped.txt") == []
    assert _statuses(results, "003_item_wrapped.txt", "NA.items_named",
                     "一般公共预算财政拨款支出决算表（T05） 2010308") == ["pass"]


def test_without_the_detail_section_the_items_are_not_checkable(results) -> None:
    assert [r[:2] for r in results["003_no_detail.txt"] if r[0] == "NA.items_named"] == [
        ("NA.items_named", "not_checkable")]


def test_000_self_evaluated_funds_are_all_of_the_project_spending(results) -> None:
    """000 line 479: 资金 214.12 万元 '占一般公共预算项目支出总额的26.61%', while 表5 项目支出 合计 is
    214.12 (line 240): 100%. (26.61% is 项目支出's share of all 支出, line 374.) A real defect."""
    assert [r[:4] for r in _violations(results, "000.txt") if r[0].startswith("NA.")] == [
        ("NA.performance.funds", "violation", Decimal("26.61"), Decimal("100.00"))]
    # line 479 '共涉及项目1个' does not say the results are published; line 487 '在2022年度部门决算中反映
    # 所有项目绩效自评结果…共涉及1个一级项目' does, and the document prints one 项目支出绩效自评表
    assert sorted(_statuses(results, "000.txt", "NA.performance.projects", "绩效自评项目 1 个")) == [
        "not_applicable", "pass"]
    assert _statuses(results, "000_funds_all.txt", "NA.performance.funds", "绩效自评涉及资金 214.12万元") == ["pass"]


def test_a_100_percent_share_with_other_funds_is_a_finding(results) -> None:
    assert [r[:4] for r in _violations(results, "000_funds_not_all.txt") if r[0].startswith("NA.")] == [
        ("NA.performance.funds", "violation", Decimal(100), Decimal("99.94"))]


def test_a_published_project_count_other_than_the_tables_is_a_finding(results) -> None:
    found = [r[:4] for r in _violations(results, "000_projects.txt") if r[0] == "NA.performance.projects"]
    assert found == [("NA.performance.projects", "violation", Decimal(2), Decimal(1))]


def test_the_declarations_load() -> None:
    family = load_narrative_arithmetic()
    assert [c.id for c in family.checks] == ["NA.change", "NA.direction", "NA.share", "NA.shares_sum", "NA.reason",
                                             "NA.items_named", "NA.performance.funds", "NA.performance.projects"]
    assert family.params["NA.reason"]["threshold"] == 10
