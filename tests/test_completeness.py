"""Completeness (expectations/completeness.yml): real corpus documents changed in one place give
the finding; unchanged, they are silent. Extracted and judged by the real pipeline and GX suites."""

from __future__ import annotations

from decimal import Decimal

import pytest

from expectations.completeness import load_completeness
from extract.catalogue import catalogue
from extract.load import load_document
from extract.pipeline import extract_document
from extract.sections import extract_sections

from .conftest import family_results, seed, violations

# 002_*.txt (襄垣县信访局 2023): T05 title at line 258, T07 title at 342; 本表无数据 after T07-T09
T05_TITLE, T06_TITLE, T07_TITLE = "一般公共预算财政拨款支出决算表", "一般公共预算财政拨款基本支出决算明细表", \
    "政府性基金预算财政拨款收入支出决算表"
NO_DATA = "说明：本表无数据"
# 000_*.txt (武汉经开区信访局 2022): 表9 printed blank without 本表无数据 (the prose states a 预算 of
# 0.3 万元 for 公务接待费, so the table should not be blank); its notes end at line 350
T09_LAST = "1栏=（2+3+6）栏；3栏=（4+5）栏；7栏=（8+9+12）栏；9栏=（10+11）栏。"
PROCUREMENT = "十一、政府采购支出情况"  # line 467; the table of contents lists 十一、政府采购支出说明


def _lines(prefix: str) -> list[str]:
    return seed(prefix).read_text(encoding="utf-8").split("\n")


def _index(lines: list[str], line: str, nth: int = 0) -> int:
    found = [i for i, x in enumerate(lines) if x.strip() == line]
    return found[nth]


def _no_t05(lines: list[str]) -> list[str]:
    return lines[:_index(lines, T05_TITLE)] + lines[_index(lines, T06_TITLE):]


def _t05_twice(lines: list[str]) -> list[str]:
    block = lines[_index(lines, T05_TITLE):_index(lines, T06_TITLE)]
    at = _index(lines, T07_TITLE)
    return lines[:at] + block + lines[at:]


def _t09_unstated(lines: list[str]) -> list[str]:
    last = [i for i, x in enumerate(lines) if x.strip() == NO_DATA][-1]
    return lines[:last] + lines[last + 1:]


def _tables_only(lines: list[str]) -> list[str]:
    return lines[_index(lines, "第二部分 2023年部门决算表"):_index(lines, "第三部分 情况说明")]


def _t09_stated(lines: list[str]) -> list[str]:
    at = _index(lines, T09_LAST) + 1
    return lines[:at] + ["", "本部门当年无财政拨款“三公”经费支出，本表无数据。"] + lines[at:]


def _t09_stated_in_list(lines: list[str]) -> list[str]:
    """西安's way: a list of the tables says which are empty and why, apart from the table."""
    at = _index(lines, "第二部分 武汉经济技术开发区（汉南区）信访局 2022 年度 部门决算表")
    return lines[:at] + ["表9 财政拨款“三公”经费支出决算表 是 本部门不涉及故公开空表", ""] + lines[at:]


def _no_procurement_heading(lines: list[str]) -> list[str]:
    at = _index(lines, PROCUREMENT)
    return lines[:at] + lines[at + 1:]


VARIANTS = {
    "002.txt": ("002", None), "002_no_T05.txt": ("002", _no_t05), "002_T05_twice.txt": ("002", _t05_twice),
    "002_T09_unstated.txt": ("002", _t09_unstated), "002_tables_only.txt": ("002", _tables_only),
    "000.txt": ("000", None), "000_T09_stated.txt": ("000", _t09_stated),
    "000_T09_stated_in_list.txt": ("000", _t09_stated_in_list),
    "000_no_procurement_heading.txt": ("000", _no_procurement_heading),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], tuple]:
    """(file, identity_id) -> (status, lhs, rhs, reason) of the completeness family."""
    files = {name: "\n".join(change(_lines(prefix)) if change else _lines(prefix))
             for name, (prefix, change) in VARIANTS.items()}
    rows = family_results(tmp_path_factory.mktemp("completeness"), files, "completeness")
    return {(r[0], r[1]): r[2:6] for r in rows}


def test_unchanged_002_is_complete(results) -> None:
    assert violations(results, "002.txt") == {}
    statuses = {i: v[0] for (f, i), v in results.items() if f == "002.txt"}
    assert statuses["C.table.T05"] == statuses["C.empty_statement.T09"] == statuses["C.section.政府采购"] == "pass"
    assert len([i for i in statuses if i.startswith("C.section.")]) == len(catalogue().narrative_sections["national"])


def test_a_missing_table_is_a_finding(results) -> None:
    assert violations(results, "002_no_T05.txt") == {
        "C.table.T05": ("violation", Decimal(0), Decimal(1), "缺少一般公共预算财政拨款支出决算表（T05）")}


def test_a_table_printed_twice_is_a_finding(results) -> None:
    status, lhs, rhs, reason = violations(results, "002_T05_twice.txt")["C.table.T05"]
    assert (status, lhs, rhs) == ("violation", Decimal(2), Decimal(1))
    assert reason == "一般公共预算财政拨款支出决算表（T05）重复公开2次（第258行、第342行）"
    assert set(violations(results, "002_T05_twice.txt")) == {"C.table.T05"}


def test_an_empty_table_without_its_statement_is_a_finding(results) -> None:
    assert violations(results, "002_T09_unstated.txt") == {"C.empty_statement.T09": (
        "violation", Decimal(0), Decimal(1), "财政拨款“三公”经费支出决算表（T09）为空表，但没有注明“本表无数据”")}


def test_000_prints_a_blank_t09_without_the_statement(results) -> None:
    """A real defect of seed 000; stating 本表无数据 in the table, or in a list of the tables, clears it."""
    assert set(violations(results, "000.txt")) == {"C.empty_statement.T09"}
    assert results[("000_T09_stated.txt", "C.empty_statement.T09")][0] == "pass"
    assert results[("000_T09_stated_in_list.txt", "C.empty_statement.T09")][0] == "pass"
    assert violations(results, "000_T09_stated.txt") == violations(results, "000_T09_stated_in_list.txt") == {}


def test_a_missing_section_is_a_finding_though_the_contents_list_it(results) -> None:
    assert violations(results, "000_no_procurement_heading.txt") == {
        "C.empty_statement.T09": results[("000.txt", "C.empty_statement.T09")],
        "C.section.政府采购": ("violation", Decimal(0), Decimal(1), "情况说明缺少“政府采购”部分")}


def test_a_document_of_tables_only_has_no_section_findings(results) -> None:
    sections = {i: v for (f, i), v in results.items() if f == "002_tables_only.txt" and i.startswith("C.section.")}
    assert sections and all(v[0] == "not_applicable" and "没有情况说明" in v[3] for v in sections.values())
    assert results[("002_tables_only.txt", "C.table.T05")][0] == "pass"


# --- the extractor and the declarations -----------------------------------------------------

def test_headings_are_read_outside_the_contents_and_the_tables() -> None:
    found = extract_sections(load_document(seed("000")).rows)["document_sections"]
    lines = {s["section_key"]: s["source_line"] for s in found}
    assert lines["procurement"] == 467 and lines["glossary"] == 564 and min(lines.values()) == 354
    regions = extract_document(seed("002")).result.extra["document_table_regions"]
    assert [r["table_code"] for r in regions if r["n_values"]] == [f"T{n:02d}" for n in (1, 2, 3, 4, 5, 6, 10)]
    assert not any(r["is_table"] for r in regions[:10])  # the table of contents


def test_sections_of_tables_a_variant_lacks_are_not_required() -> None:
    cat, variant = catalogue(), catalogue().variants["national_2019"]
    national_2019 = {s.name for s in cat.narrative_sections["national_2019"] if s.required_by(variant)}
    assert "国有资本经营预算财政拨款" not in national_2019 and "三公经费" in national_2019
    assert {c.id for c in load_completeness().checks} == {"C.table", "C.empty_statement", "C.section"}


def test_a_form_defect_is_a_warning_and_a_missing_table_an_error() -> None:
    from expectations.evaluate import Instance
    from expectations.findings import finding

    def severity(identity: str) -> str | None:
        found = finding(Instance("d", "completeness", identity, "", "", status="violation", reason="r"), "万元")
        return found.severity if found else None

    assert severity("C.empty_statement.T09") == "warning"  # findings.yml: violation_severity
    assert severity("C.table.T05") == "error"
    assert severity("C.empty_statementX") == "error"  # an id prefix only matches whole parts
