"""Consistency (expectations/consistency.yml): real corpus documents changed in one place give the
finding; unchanged, they are silent. Extracted and judged by the real pipeline and GX suites."""

from __future__ import annotations

from decimal import Decimal

import pytest

from expectations.consistency import load_consistency

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
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], tuple]:
    """(file, identity_id) -> (status, lhs, rhs, reason) of the consistency family."""
    files = {name: change(_text(prefix)) for name, (prefix, change) in VARIANTS.items()}
    rows = family_results(tmp_path_factory.mktemp("consistency"), files, "consistency")
    return {(r[0], r[1]): r[2:6] for r in rows}


@pytest.mark.parametrize("file", ["000.txt", "002.txt", "003.txt"])
def test_unchanged_documents_are_consistent(results, file: str) -> None:
    assert violations(results, file) == {}
    statuses = {i: v[0] for (f, i), v in results.items() if f == file}
    assert statuses["K.unit_slip"] == statuses["K.unit.T05"] == statuses["K.year.headers.T05"] == "pass"
    if file != "000.txt":  # 000's 表7-9 print an empty 部门：
        assert statuses["K.agency.headers.T01"] == "pass"


def test_a_table_header_naming_another_year_is_a_finding(results) -> None:
    assert violations(results, "000_T05_2021.txt") == {"K.year.headers.T05": (
        "violation", Decimal(1), Decimal(0),
        "一般公共预算财政拨款支出决算表（T05）表头印的年度为2021（第231行），与封面/标题的2022年度不一致")}


def test_a_table_in_another_unit_is_a_finding(results) -> None:
    assert violations(results, "003_T05_yuan.txt") == {"K.unit.T05": (
        "violation", Decimal(1), Decimal(0),
        "一般公共预算财政拨款支出决算表（T05）的金额单位为元（第247行），而全套报表为万元")}


def test_a_narrative_amount_in_the_wrong_unit_is_a_finding(results) -> None:
    found = violations(results, "002_slip.txt")
    assert set(found) == {"K.unit_slip"}
    status, lhs, rhs, reason = found["K.unit_slip"]
    assert (status, lhs, rhs) == ("violation", Decimal(1), Decimal(0))
    assert reason.startswith("说明中的金额疑为单位错误（元/万元）：") and "2336700万元（第437行）" in reason
    assert "为233.67万元" in reason


def test_a_table_naming_another_agency_is_a_finding(results) -> None:
    assert violations(results, "003_T01_agency.txt") == {"K.agency.headers.T01": (
        "violation", Decimal(1), Decimal(0),
        "收入支出决算总表（T01）表头的单位名称为“株洲市财政局”（第95行），与封面/标题的“长沙市信访局”不一致")}


def test_the_declarations() -> None:
    assert {c.id for c in load_consistency().checks} == {"K.year.headers", "K.unit", "K.unit_slip", "K.agency.headers"}
