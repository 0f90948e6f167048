"""Across documents (issue 12 point 5): a 情况说明's "比上年增加 A 万元" about a figure tied to a table
cell equals this year's cell − the same cell of the agency's prior-year document, when the warehouse
holds it (dbt mart_narrative_change_continuity, identity XY.narrative_change judged by the GX suites).

The corpus holds no agency twice, so the pair is built from seed 000 (武汉经济技术开发区（汉南区）信访局,
2022): the original is year N; a copy one year earlier is year N−1. What the 2022 情况说明 says of 2021,
read by hand: 收、支总计, 财政拨款收、支总计 and 一般公共预算财政拨款支出 804.61 万元, each "增加 12.74
万元" (lines 356, 383, 395), so 791.87 in 2021, the increase "增加了一个事业编制人员"; "三公" and 公务接待费
决算 0 万元, "较上年减少 0.08 万元" (lines 455, 459), so 0.08 in 2021. The copy's tables print those
2021 figures (the 12.74 taken off 事业运行 2013150 and its parents, so every table still adds up, and a
T09 row with 决算 0.08 for the total and 公务接待费, 预算 not printed); its prose is left as printed.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from expectations.runner import run_checks
from extract.pipeline import extract_paths

from .conftest import seed
from .dbt_runner import run_dbt

pytestmark = pytest.mark.slow

IDENTITY = "XY.narrative_change"
# the 2021 tables, as the 2022 情况说明 implies them: 2022 figure -> 2021 figure
PRIOR_FIGURES = {
    "804.61": "791.87",  # 收、支总计, 本年收入/支出合计, 财政拨款 (T01-T05)
    "712.44": "699.70",  # 201 一般公共服务支出
    "498.32": "485.58",  # 201 基本支出
    "498.10": "485.36",  # 20131 党委办公厅（室）及相关机构事务
    "152.24": "139.50",  # 2013150 事业运行
    "590.49": "577.75",  # 基本支出 合计
}
T09_COLUMNS = "1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\n"
T09_PRIOR_ROW = "\t\t\t\t\t\t0.08\t0.00\t0.00\t0.00\t0.00\t0.08\n"  # 决算: 合计, 出国, 车辆 (小计, 购置, 运维), 接待
# the prior year's 收入支出决算总表 总计 row (line 109)
T01_GRAND_TOTAL = "总计\t31\t791.87\t总计\t62\t791.87"


def prior_year(text: str) -> str:
    """Seed 000 one year earlier: every year printed minus one, its tables as the 2022 prose implies."""
    text = re.sub(r"(?<!\d)(2021|2022|2023)(?!\d)", lambda m: str(int(m.group(1)) - 1), text)
    tables, heading, prose = text.partition("\n一、收入支出决算总体情况说明\n")
    assert heading and tables.count(T09_COLUMNS) == 1
    for printed, prior in PRIOR_FIGURES.items():
        assert prior not in tables
        tables = tables.replace(printed, prior)
    return tables.replace(T09_COLUMNS, T09_COLUMNS + T09_PRIOR_ROW) + heading + prose


def narrative_change_results(tmp_path: Path, files: dict[str, str]) -> tuple[list[tuple], list[tuple]]:
    """Extract `files`, build the warehouse, run the checks: the XY.narrative_change results
    (file, instance figure, status, lhs, rhs, tolerance) and the evidence of its violations."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = tmp_path / "warehouse.duckdb"
    extract_paths([folder], db, workers=1)
    # the mart and what it is built from (tests whose parents are all built)
    build = run_dbt(["build", "--select", "+mart_narrative_change_continuity", "--indirect-selection", "cautious"],
                    db, tmp_path / "dbt")
    assert build.returncode == 0, build.output[-4000:]
    run_checks(db)
    with duckdb.connect(str(db), read_only=True) as con:
        results = con.execute(
            "select d.file_name, split_part(r.instance, ':', 2), r.status, r.lhs_value, r.rhs_value, r.tolerance "
            "from audit.identity_results r join raw.documents d using (doc_id) where r.identity_id = ? "
            "order by 1, 2", [IDENTITY]).fetchall()
        evidence = con.execute(
            "select d.file_name, c.column_key, c.value, c.row_label from audit.identity_cells c "
            "join audit.identity_results r using (doc_id, result_id) join raw.documents d using (doc_id) "
            "where r.identity_id = ? and r.status = 'violation' order by 1, c.cell_index", [IDENTITY]).fetchall()
    return results, evidence


def _passes(file: str) -> list[tuple]:
    # seed 000's change statements tied to a cell (raw.narrative_figures index): 收、支总计 NF1 (T01 总计),
    # 财政拨款收、支总计 NF12 (T04 总计), 一般公共预算财政拨款支出 NF18 (T05 合计), "三公" NF62 and 公务接待费
    # NF67 (T09 决算, printed empty in 2022: 0). 一般公共预算财政拨款收入 (NF15) and 机关运行经费 (NF70, no
    # T10 printed) are tied to no cell: no instance.
    # tolerance: half a unit of the last printed digit of the change and of each printed cell (a blank is exact)
    up = (Decimal("12.74"), Decimal("804.61") - Decimal("791.87"), Decimal("0.015"))
    down = (Decimal("-0.08"), Decimal("0") - Decimal("0.08"), Decimal("0.010"))
    return [(file, f"NF{i}", "pass", *sides) for i, sides in ((1, up), (12, up), (18, up), (62, down), (67, down))]


def test_a_change_stated_against_last_year_is_this_years_cell_minus_last_years(tmp_path: Path) -> None:
    text = seed("000").read_text(encoding="utf-8")
    results, evidence = narrative_change_results(tmp_path, {"y2021.txt": prior_year(text), "y2022.txt": text})
    # 2021's own changes (against 2020, not held): no instance
    assert results == _passes("y2022.txt")
    assert evidence == []


def test_a_prior_year_figure_that_differs_is_a_violation_with_both_cells(tmp_path: Path) -> None:
    text = seed("000").read_text(encoding="utf-8")
    prior = prior_year(text)
    assert prior.count(T01_GRAND_TOTAL) == 1
    # the 2021 document's 收入 总计 printed 781.87: 804.61 − 781.87 = 22.74, not the 12.74 stated in 2022
    prior = prior.replace(T01_GRAND_TOTAL, "总计\t31\t781.87\t总计\t62\t791.87")
    results, evidence = narrative_change_results(tmp_path, {"y2021.txt": prior, "y2022.txt": text})
    expected = _passes("y2022.txt")
    expected[0] = ("y2022.txt", "NF1", "violation", Decimal("12.74"), Decimal("22.74"), Decimal("0.015"))
    assert results == expected
    cells = {column: value for _, column, value, _ in evidence}
    assert cells["cell_value"] == Decimal("804.61")  # 2022 T01 总计 (line 109)
    assert cells["cell_line"] == 109
    assert cells["prior_cell_value"] == Decimal("781.87")  # 2021 T01 总计 (line 109 of the copy)
    assert cells["prior_cell_line"] == 109
    prior_doc = {text for _, column, _, text in evidence if column == "prior_doc_id"}
    assert prior_doc == {_doc_ids(tmp_path / "warehouse.duckdb")["y2021.txt"]}


def test_no_prior_year_document_no_instance(tmp_path: Path) -> None:
    results, _ = narrative_change_results(tmp_path, {"y2022.txt": seed("000").read_text(encoding="utf-8")})
    assert results == []


def _doc_ids(db: Path) -> dict[str, str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return dict(con.execute("select file_name, doc_id from raw.documents").fetchall())
