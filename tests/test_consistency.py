"""Consistency (expectations/consistency.yml): real corpus documents changed in one place give the
finding; unchanged, they are silent (but for the defects they really print). Extracted and judged by
the real pipeline and GX suites."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from expectations.consistency import load_consistency, parameters
from expectations.subject_names import REPO, load_seed, official_names

from .conftest import family_results, seed, violations


def _text(prefix: str) -> str:
    return seed(prefix).read_text(encoding="utf-8")


def _once(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _at_line(text: str, n: int, old: str, new: str) -> str:
    lines = text.split("\n")
    assert lines[n - 1].strip() == old, lines[n - 1]
    lines[n - 1] = new
    return "\n".join(lines)


VARIANTS = {
    "000.txt": ("000", lambda t: t),
    "002.txt": ("002", lambda t: t),
    "003.txt": ("003", lambda t: t),
    # 000 line 231: the title of 表5 names the year before
    "000_T05_2021.txt": ("000", lambda t: _once(t, "2022 年度一般公共预算财政拨款支出决算表（表 5）",
                                                "2021 年度一般公共预算财政拨款支出决算表（表 5）")),
    # 003 line 247: 表5 printed in 元 in a 万元 document
    "003_T05_yuan.txt": ("003", lambda t: _at_line(t, 247, "单位：万元", "单位：元")),
    # 002 line 437: the prose states 收入总计 in 元 digits under 万元
    "002_slip.txt": ("002", lambda t: _once(t, "2023年度收入总计233.67万元", "2023年度收入总计2336700万元")),
    # 003 line 95: 表1 names another agency
    "003_T01_agency.txt": ("003", lambda t: _once(t, "部门：长沙市信访局", "部门：株洲市财政局")),
    # 003 line 95: 表1's 部门 field printed empty / not printed at all
    "003_T01_blank.txt": ("003", lambda t: _at_line(t, 95, "部门：长沙市信访局", "部门：")),
    "003_T01_no_field.txt": ("003", lambda t: _at_line(t, 95, "部门：长沙市信访局", "")),
    # 003 line 455: a stray comma before the full stop; an ellipsis is no slip
    "003_comma.txt": ("003", lambda t: _once(t, "运行经费增加。", "运行经费增加，。")),
    "003_ellipsis.txt": ("003", lambda t: _once(t, "运行经费增加。", "运行经费增加等……。。。")),
    # the same document stored under a name stating another year and kind (the 西安 决算 was
    # once crawled as 卫生健康委员会_2026年部门预算.pdf) / under its own; a newline added at the
    # end so that the copies are other files than 003.txt
    "长沙市信访局_2026年部门预算.txt": ("003", lambda t: t + "\n"),
    "长沙市信访局2023年度部门决算.txt": ("003", lambda t: t + "\n\n"),
    # 003 line 256: 表5 2010308 信访事务 misprinted; line 130: 表1 类 234 misprinted (as 西南 prints it)
    "003_T05_name.txt": ("003", lambda t: _at_line(t, 256, "2010308\t信访事务\t281.43\t0.00\t281.43",
                                                   "2010308\t信访事物\t281.43\t0.00\t281.43")),
    "003_T01_name.txt": ("003", lambda t: _once(t, "二十六、抗疫特别国债安排的支出\t57",
                                                "二十六、抗役特别国债安排的支出\t57")),
    # 003 line 256: a code the seed does not hold is not judged, whatever its name
    "003_T05_unknown.txt": ("003", lambda t: _at_line(t, 256, "2010308\t信访事务\t281.43\t0.00\t281.43",
                                                      "2010397\t信访事物\t281.43\t0.00\t281.43")),
    # 003 line 405: the prose admits a misclassification / denies one
    "003_admits.txt": ("003", lambda t: _once(t, "主要原因是由于人员增加年中追加安排了部分财政拨款预算。",
                                             "主要原因是对该功能科目使用错误，实际应使用信访事务（项）。")),
    "003_denies.txt": ("003", lambda t: _once(t, "主要原因是由于人员增加年中追加安排了部分财政拨款预算。",
                                             "主要原因是由于人员增加年中追加安排了部分财政拨款预算，经核查不存在科目使用错误。")),
}

# Read in the seeds: 000 prints 表7-表9 with 部门： empty (lines 304, 321, 338) and '减少。。' (line
# 455); 002 prints 表4 '资源勘探工业信息支出' and '自然资源海洋气象支出' without 等 (lines 235, 239;
# its 表1 lines 109, 113 print them right) and 表6 '房屋建筑物构建' (30901, 31001: 购建) and
# '其他资本性支出' for 30999 (其他基本建设支出).
REAL = {
    "000.txt": {"K.agency.blank.T07", "K.agency.blank.T08", "K.agency.blank.T09", "K.punctuation"},
    "002.txt": {"K.subject_name.T04", "K.subject_name.T06"},
    "003.txt": set(),
}


def _changed(results: dict[tuple[str, str], tuple], file: str) -> dict[str, tuple]:
    """The violations of a changed document, beyond the real defects its seed prints."""
    base = f"{VARIANTS[file][0]}.txt"
    return {i: v for i, v in violations(results, file).items() if i not in REAL[base]}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], tuple]:
    """(file, identity_id) -> (status, lhs, rhs, reason) of the consistency family."""
    files = {name: change(_text(prefix)) for name, (prefix, change) in VARIANTS.items()}
    rows = family_results(tmp_path_factory.mktemp("consistency"), files, "consistency")
    return {(r[0], r[1]): r[2:6] for r in rows}


@pytest.mark.parametrize("file", ["000.txt", "002.txt", "003.txt"])
def test_unchanged_documents_are_consistent(results, file: str) -> None:
    assert set(violations(results, file)) == REAL[file]
    statuses = {i: v[0] for (f, i), v in results.items() if f == file}
    assert statuses["K.unit_slip"] == statuses["K.unit.T05"] == statuses["K.year.headers.T05"] == "pass"
    assert statuses["K.agency.headers.T01"] == statuses["K.agency.blank.T01"] == "pass"
    assert statuses["K.self_declared"] == statuses["K.subject_name.T05"] == "pass"
    assert statuses["K.file_name"] == "not_applicable"  # '003.txt' states no year nor kind
    if file != "000.txt":
        assert statuses["K.punctuation"] == "pass"


def test_real_defects_of_the_seeds(results) -> None:
    assert violations(results, "000.txt")["K.agency.blank.T09"] == (
        "violation", Decimal(1), Decimal(0),
        "财政拨款“三公”经费支出决算表（T09）表头印“部门：”而未填写单位名称（第338行）")
    assert violations(results, "000.txt")["K.punctuation"][3].endswith("故三公经费减少。。”（第455行）")
    assert violations(results, "002.txt")["K.subject_name.T04"] == (
        "violation", Decimal(2), Decimal(0), "财政拨款收入支出决算总表（T04）的科目名称与2023年政府收支分类科目不一致："
        "“十四、资源勘探工业信息支出”应为“215 资源勘探工业信息等支出”（第235行）；"
        "“十八、自然资源海洋气象支出”应为“220 自然资源海洋气象等支出”（第239行）")
    t06 = violations(results, "002.txt")["K.subject_name.T06"]
    assert t06[:3] == ("violation", Decimal(3), Decimal(0))
    assert "“30999 其他资本性支出”应为“30999 其他基本建设支出”（第327行）" in t06[3]


def test_a_table_header_naming_another_year_is_a_finding(results) -> None:
    assert _changed(results, "000_T05_2021.txt") == {"K.year.headers.T05": (
        "violation", Decimal(1), Decimal(0),
        "一般公共预算财政拨款支出决算表（T05）表头印的年度为2021（第231行），与封面/标题的2022年度不一致")}


def test_a_table_in_another_unit_is_a_finding(results) -> None:
    assert _changed(results, "003_T05_yuan.txt") == {"K.unit.T05": (
        "violation", Decimal(1), Decimal(0),
        "一般公共预算财政拨款支出决算表（T05）的金额单位为元（第247行），而全套报表为万元")}


def test_a_narrative_amount_in_the_wrong_unit_is_a_finding(results) -> None:
    found = _changed(results, "002_slip.txt")
    assert set(found) == {"K.unit_slip"}
    status, lhs, rhs, reason = found["K.unit_slip"]
    assert (status, lhs, rhs) == ("violation", Decimal(1), Decimal(0))
    assert reason.startswith("说明中的金额疑为单位错误（元/万元）：") and "2336700万元（第437行）" in reason
    assert "为233.67万元" in reason


def test_a_table_naming_another_agency_is_a_finding(results) -> None:
    assert _changed(results, "003_T01_agency.txt") == {"K.agency.headers.T01": (
        "violation", Decimal(1), Decimal(0),
        "收入支出决算总表（T01）表头的单位名称为“株洲市财政局”（第95行），与封面/标题的“长沙市信访局”不一致")}


def test_an_empty_agency_field_is_a_finding(results) -> None:
    assert _changed(results, "003_T01_blank.txt") == {"K.agency.blank.T01": (
        "violation", Decimal(1), Decimal(0), "收入支出决算总表（T01）表头印“部门：”而未填写单位名称（第95行）")}


def test_a_table_printing_no_agency_field_is_not_flagged(results) -> None:
    assert _changed(results, "003_T01_no_field.txt") == {}
    assert ("003_T01_no_field.txt", "K.agency.blank.T01") not in results
    assert results[("003_T01_no_field.txt", "K.agency.blank.T02")][0] == "pass"


def test_stray_punctuation_is_a_finding(results) -> None:
    assert _changed(results, "003_comma.txt") == {"K.punctuation": (
        "violation", Decimal(1), Decimal(0),
        "情况说明有多余或重复的标点：“主要原因是：特护期业务量增加，运行经费增加，。”（第455行）")}


def test_an_ellipsis_is_not_stray_punctuation(results) -> None:
    assert _changed(results, "003_ellipsis.txt") == {}
    assert results[("003_ellipsis.txt", "K.punctuation")][0] == "pass"


def test_a_file_name_stating_another_year_and_kind_is_a_finding(results) -> None:
    assert _changed(results, "长沙市信访局_2026年部门预算.txt") == {"K.file_name": (
        "violation", Decimal(2), Decimal(0),
        "文件名“长沙市信访局_2026年部门预算.txt”写的是2026年、预算，而文件内容为2023年度决算")}
    assert results[("长沙市信访局2023年度部门决算.txt", "K.file_name")][0] == "pass"
    assert _changed(results, "长沙市信访局2023年度部门决算.txt") == {}


def test_a_misprinted_subject_name_is_a_finding(results) -> None:
    assert _changed(results, "003_T05_name.txt") == {"K.subject_name.T05": (
        "violation", Decimal(1), Decimal(0),
        "一般公共预算财政拨款支出决算表（T05）的科目名称与2023年政府收支分类科目不一致："
        "“2010308 信访事物”应为“2010308 信访事务”（第256行）")}


def test_a_class_row_printed_without_code_near_an_official_name_is_a_finding(results) -> None:
    assert _changed(results, "003_T01_name.txt") == {"K.subject_name.T01": (
        "violation", Decimal(1), Decimal(0), "收入支出决算总表（T01）的科目名称与2023年政府收支分类科目不一致："
        "“二十六、抗役特别国债安排的支出”应为“234 抗疫特别国债安排的支出”（第130行）")}


def test_a_code_not_in_the_seed_is_not_judged(results) -> None:
    assert _changed(results, "003_T05_unknown.txt") == {}
    assert results[("003_T05_unknown.txt", "K.subject_name.T05")][0] == "pass"


def test_an_admitted_misclassification_is_a_finding(results) -> None:
    found = _changed(results, "003_admits.txt")
    assert set(found) == {"K.self_declared"}
    assert found["K.self_declared"][:3] == ("violation", Decimal(1), Decimal(0))
    assert found["K.self_declared"][3] == (
        "情况说明自述科目使用错误，报表数字可能列错了科目：“年初预算数为1365.06万元，支出决算为1435.88万元，"
        "完成全年预算的105.19%，决算数大于年初预算数的主要原因是对该功能科目使用错误，实际应使用信访事务（项）。”（第405行）")


def test_a_denied_misclassification_is_not_a_finding(results) -> None:
    assert _changed(results, "003_denies.txt") == {}
    assert results[("003_denies.txt", "K.self_declared")][0] == "pass"


def test_the_seed_names_every_subject_code_the_corpus_prints(corpus_db: Path) -> None:
    """Every 功能分类/经济分类 code of the corpus's 部门决算 tables is in the seed for the document's year."""
    params = parameters()["subject_names"]
    seed_rows = load_seed(REPO / params["seed"])
    with duckdb.connect(str(corpus_db), read_only=True) as con:
        printed = con.execute(
            "select distinct d.fiscal_year, c.table_code, c.subject_code from raw.table_cells c join raw.documents d"
            " using (doc_id) where d.doc_kind = 'final_accounts' and c.subject_code is not null").fetchall()
    missing = [(year, table, code) for year, table, code in printed
               if code not in official_names(seed_rows, "economic" if table == "T06" else "functional", year)]
    assert missing == []


def test_the_declarations() -> None:
    assert {c.id for c in load_consistency().checks} == {
        "K.year.headers", "K.unit", "K.unit_slip", "K.agency.headers", "K.agency.blank", "K.punctuation",
        "K.file_name", "K.subject_name", "K.self_declared"}
