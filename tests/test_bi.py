"""BI-ready marts (issue 13 point 5), read as a BI tool reads them: through SQLAlchemy with the
duckdb-engine driver (what Superset and Metabase's DuckDB drivers use), read-only.

A warehouse is built from two real seeds (000 武汉经济技术开发区（汉南区）信访局 2022, 002 襄垣县信访局
2023): extracted, dbt-built, then checked (the checks run after dbt, as in `fiscalwh run`).
Expected figures are read by hand from the seed texts (line numbers beside them).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from .conftest import seed
from .dbt_runner import DbtRun, run_dbt

pytestmark = pytest.mark.slow

D = Decimal


@dataclass(frozen=True)
class Warehouse:
    db: Path
    build: DbtRun
    findings_before_checks: int  # rows of mart_findings after dbt build, before any check ran


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    from expectations.runner import run_checks
    from extract.pipeline import extract_paths

    folder = tmp_path_factory.mktemp("bi")
    corpus = folder / "corpus"
    corpus.mkdir()
    for prefix in ("000", "002"):
        shutil.copy(seed(prefix), corpus)
    db = folder / "warehouse.duckdb"
    extract_paths([corpus], db, workers=1)
    build = run_dbt(["build"], db, folder / "dbt")
    assert build.returncode == 0, build.output[-4000:]
    with duckdb.connect(str(db), read_only=True) as con:
        before = con.execute("select count(*) from marts.mart_findings").fetchall()[0][0]
    run_checks(db)
    return Warehouse(db, build, before)


@pytest.fixture(scope="module")
def engine(warehouse: Warehouse) -> Iterator[sa.Engine]:
    """As a BI tool connects: the SQLAlchemy URI of the README, read-only; no pool (as Superset's
    NullPool), so the file is closed between queries."""
    eng = sa.create_engine(f"duckdb:///{warehouse.db}?access_mode=read_only", poolclass=sa.NullPool)
    yield eng
    eng.dispose()


def rows(engine: sa.Engine, sql: str, **params) -> list[sa.Row]:
    with engine.connect() as con:
        return list(con.execute(sa.text(sql), params))


def test_a_warehouse_builds_before_any_check_ran(warehouse: Warehouse) -> None:
    # the extractor created the audit tables empty: the findings views built over them
    assert warehouse.findings_before_checks == 0


def test_a_bi_tool_sees_the_marts_and_the_findings_views(engine: sa.Engine) -> None:
    inspector = sa.inspect(engine)
    assert "warehouse.marts" in inspector.get_schema_names()  # database (the file's stem) . schema
    assert {"mart_findings", "mart_finding_evidence"} <= set(inspector.get_view_names(schema="marts"))
    assert {"mart_subject_spending", "mart_agency_year_overview"} <= set(inspector.get_table_names(schema="marts"))
    # the columns of a dataset as SQL Lab gets them: from the result of a query (column reflection
    # fails with duckdb-engine 0.17 under SQLAlchemy >= 2.0.45: README, "Connect a BI tool")
    with engine.connect() as con:
        columns = set(con.execute(sa.text("select * from marts.mart_findings limit 0")).keys())
    assert {"finding_id", "agency_name", "fiscal_year", "rule_id", "rule_family", "severity", "message", "suggestion",
            "lhs_value", "rhs_value", "difference", "unit", "table_code"} <= columns


def test_a_percentage_finding_is_in_percent(engine: sa.Engine) -> None:
    # 002 line 481: 住房保障支出 … 支出决算12.05万元 … 增加2.19万元，增长23.65% — the amounts give
    # 2.19 / (12.05 − 2.19) = 22.21 %.
    found = rows(engine, "select agency_name, fiscal_year, status, severity, unit, lhs_value, rhs_value, "
                         "table_code, first_source_line from marts.mart_findings "
                         "where file_name like '002_%' and rule_id = 'NA.change'")
    assert [tuple(r) for r in found] == [
        ("襄垣县信访局", 2023, "violation", "error", "%", D("23.65"), D("22.21"), None, 481)]
    # 000 line 419: 年初预算为 328.88 万元，支出决算为 345.86 万元，完成年初预算的 1.05% (345.86 / 328.88 = 105.16 %)
    rate = rows(engine, "select unit, lhs_value, rhs_value from marts.mart_findings "
                        "where file_name like '000_%' and rule_id = 'NARR.completion_rate' and status = 'violation'")
    assert [tuple(r) for r in rate] == [("%", D("1.05"), D("105.16"))]


def test_a_narrative_money_finding_names_the_table_not_a_model(engine: sa.Engine) -> None:
    # 000 line 455: "三公"经费财政拨款支出预算为 0.3 万元, while 表9 (lines 336-348) prints no value.
    found = rows(engine, "select unit, lhs_value, rhs_value, difference_wan, table_code, first_source_line "
                         "from marts.mart_findings where file_name like '000_%' "
                         "and rule_id = 'NARR.three_public_vs_T09' order by first_source_line")
    assert [tuple(r) for r in found] == [("万元", D("0.30"), D("0.00"), D("0.3"), "T09", 455),
                                         ("万元", D("0.30"), D("0.00"), D("0.3"), "T09", 459)]
    # 表9 is empty and does not say 本表无数据: a count finding about T09
    empty = rows(engine, "select unit, lhs_value, rhs_value, table_code from marts.mart_findings "
                         "where file_name like '000_%' and rule_id = 'C.empty_statement.T09'")
    assert [tuple(r) for r in empty] == [("count", D("0"), D("1"), "T09")]
    codes = {r[0] for r in rows(engine, "select distinct table_code from marts.mart_findings")}
    assert codes - {None} <= {f"T{n:02}" for n in range(1, 11)}


def test_one_row_per_finding(engine: sa.Engine) -> None:
    n, distinct = rows(engine, "select count(*), count(distinct finding_id) from marts.mart_findings")[0]
    results = rows(engine, "select count(*) from audit.identity_results "
                           "where status in ('violation', 'not_checkable', 'rounding')")[0][0]
    assert n == distinct == results > 0
    evidence = rows(engine, "select count(*) from marts.mart_finding_evidence")[0][0]
    assert evidence > n  # several cells per finding, in their own table


def test_the_evidence_of_a_finding_is_its_printed_cells(engine: sa.Engine) -> None:
    # 002 lines 200-202 (支出决算表): 21011 行政事业单位医疗 5.56 = 2101101 行政单位医疗 2.36 + 2101102
    # 事业单位医疗 3.19 = 5.55, within the rounding of the printed figures.
    cells = rows(engine, """
        select e.role, e.table_code, e.subject_code, e.column_key, e.value, e.unit, e.raw_text, e.source_line
        from marts.mart_finding_evidence e join marts.mart_findings f using (finding_id)
        where f.file_name like '002_%' and f.rule_id = 'T03.hierarchy' and f.instance = 'node=21011, column=total'
        order by e.cell_index""")
    assert [tuple(r) for r in cells] == [
        ("lhs", "T03", "21011", "total", D("5.56"), "万元", "5.56", 200),
        ("rhs", "T03", "2101101", "total", D("2.36"), "万元", "2.36", 201),
        ("rhs", "T03", "2101102", "total", D("3.19"), "万元", "3.19", 202),
    ]


def test_one_subject_level_sums_to_the_printed_total(engine: sa.Engine) -> None:
    # 000 lines 160-176 (支出决算表): 合计 804.61 = 类 201 712.44 + 208 90.11 + 221 2.06; the 款 and
    # 项 rows repeat the same money, so a sum over every row triples it.
    sql = ("select sum(total) from marts.mart_subject_spending "
           "where agency_name = '武汉经济技术开发区（汉南区）信访局' and (:level = 0 or subject_level = :level)")
    assert [rows(engine, sql, level=level)[0][0] for level in (1, 2, 3)] == [D("804.61")] * 3
    assert rows(engine, sql, level=0)[0][0] == 3 * D("804.61")
    fact = rows(engine, """
        select sum(total) filter (where subject_level = 1), max(total) filter (where row_kind = 'total')
        from marts.fct_expenditure_by_subject f join marts.dim_document d using (doc_id)
        where d.file_name like '000_%'""")
    assert tuple(fact[0]) == (D("804.61"), D("804.61"))


LEVEL_TEST = "level_sums_to_total_fct_expenditure_by_subject_total"


def test_the_level_sum_test_is_silent_on_the_real_documents(warehouse: Warehouse) -> None:
    statuses = {r["unique_id"]: r["status"] for r in warehouse.build.artifact("run_results.json")["results"]}
    level_tests = {u: s for u, s in statuses.items() if "level_sums_to_total" in u or "classes_sum_to" in u}
    assert any(LEVEL_TEST in u for u in level_tests)
    assert set(level_tests.values()) == {"pass"}, level_tests


def test_the_level_sum_test_warns_when_a_class_does_not_add_up(tmp_path: Path) -> None:
    """000 line 161 prints 201 一般公共服务支出 712.44; as 722.44 the 类 rows sum to 814.61 against the
    printed 合计 804.61 (line 160): dbt warns and stores the document's row in schema audit."""
    from extract.pipeline import extract_paths

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    original = seed("000")
    lines = original.read_text(encoding="utf-8").split("\n")
    assert lines[160].split("\t")[:4] == ["201", "", "", "一般公共服务支出"] and "712.44" in lines[160]
    lines[160] = lines[160].replace("712.44", "722.44", 1)
    (corpus / original.name).write_text("\n".join(lines), encoding="utf-8")
    db = tmp_path / "warehouse.duckdb"
    extract_paths([corpus], db, workers=1)
    build = run_dbt(["build", "--select", "+fct_expenditure_by_subject", "--indirect-selection", "cautious"], db,
                    tmp_path / "dbt")
    assert build.returncode == 0, build.output[-4000:]
    results = [r for r in build.artifact("run_results.json")["results"] if LEVEL_TEST in r["unique_id"]]
    assert [r["status"] for r in results] == ["warn"]
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute(f"select printed_total, level_sum from {results[0]['relation_name']}").fetchall()
    assert stored == [(D("804.61"), D("814.61"))]


def test_shares_are_percents_and_money_carries_its_unit(engine: sa.Engine) -> None:
    # 000 line 160: 合计 804.61 = 基本支出 590.49 + 项目支出 214.12; 2010308 信访事务 214.12 (line 164)
    overview = rows(engine, "select unit, basic_share_pct, project_share_pct from marts.mart_agency_year_overview "
                            "where file_name like '000_%'")
    share = lambda part: (D(part) * 100 / D("804.61")).quantize(D("0.0001"))  # noqa: E731
    assert tuple(overview[0]) == ("万元", share("590.49"), share("214.12"))
    subject = rows(engine, "select unit, total, share_of_agency_total_pct from marts.mart_subject_spending "
                           "where agency_name = '武汉经济技术开发区（汉南区）信访局' and subject_code = '2010308'")
    assert tuple(subject[0]) == ("万元", D("214.12"), share("214.12"))


def test_exports_are_written_and_readable(warehouse: Warehouse, tmp_path: Path) -> None:
    from extract.exports import export_marts

    out = tmp_path / "exports"
    out.mkdir()
    (out / "mart_gone.csv").write_text("a stale export\n", encoding="utf-8")
    exports = export_marts(warehouse.db, out)
    names = {e.relation for e in exports}
    assert {"marts.mart_findings", "marts.mart_finding_evidence", "marts.mart_subject_spending",
            "marts.fct_expenditure_by_subject", "marts.dim_document"} <= names
    assert not (out / "mart_gone.csv").exists()
    with duckdb.connect(str(warehouse.db), read_only=True) as con:
        for e in exports:
            n = con.execute(f"select count(*) from {e.relation}").fetchall()[0][0]
            assert e.rows == n
            assert con.execute(f"select count(*) from read_parquet('{e.parquet}')").fetchall()[0][0] == n, e
            assert con.execute(f"select count(*) from read_csv('{e.csv}', header = true)").fetchall()[0][0] == n, e
            assert e.csv.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
        found = con.execute(f"select unit, lhs_value from read_csv('{out / 'mart_findings.csv'}') "
                            "where rule_id = 'NA.change' and status = 'violation'").fetchall()
    assert found == [("%", 23.65)]
