"""Identity suites: declarations, verdicts, findings with provenance, mutation tests."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from expectations.declarations import DeclarationError, load_identities
from expectations.runner import main, run_checks
from tests.expectation_fixtures import Doc, gov_fund, mutate, write_db, wuhan

FAMILIES = {"row_sums", "hierarchy_sums", "line_identities", "cross_table"}


def results(db: Path, doc_id: str) -> dict[tuple[str, str], tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT identity_id, instance, status, lhs_value, rhs_value, difference, tolerance, reason"
            " FROM audit.identity_results WHERE doc_id = ?", [doc_id]).fetchall()
    finally:
        con.close()
    return {(r[0], r[1]): r[2:] for r in rows}


def cells_of(db: Path, doc_id: str, identity_id: str, instance: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT role, table_code, row_key, subject_code, line_no, column_key, value, note,"
            " source_line FROM audit.identity_cells WHERE doc_id = ? AND result_id = ?"
            " ORDER BY cell_index", [doc_id, f"{identity_id}|{instance}"]).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def wuhan_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_db(tmp_path_factory.mktemp("wuhan") / "w.duckdb", [wuhan(), gov_fund()])


@pytest.fixture
def wuhan_db(wuhan_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the hand-made raw rows (tests write audit rows and mutate cells)."""
    return Path(shutil.copy(wuhan_template, tmp_path / "w.duckdb"))


# --- declarations --------------------------------------------------------------------------

def test_declarations_cover_every_family_and_table() -> None:
    identities = load_identities()
    assert {i.family for i in identities} == FAMILIES
    tables = {t for i in identities for t in i.tables}
    assert tables == {f"T0{n}" for n in range(1, 10)} | {f"B{n:02d}" for n in range(1, 12)}  # 决算, 部门预算


def test_identities_load_from_several_files(tmp_path: Path, wuhan_db: Path) -> None:
    extra = tmp_path / "ids"
    extra.mkdir()
    (extra / "narrative.yml").write_text(
        "family: narrative\nidentities:\n"
        "  - id: N.t09_reception\n"
        "    lhs: [{table: T09, row_key: reception, column: final}]\n"
        "    rhs: [{table: T09, row_key: reception, column: budget}]\n", encoding="utf-8")
    from expectations.declarations import IDENTITIES_DIR
    ids = load_identities([IDENTITIES_DIR, extra])
    assert len(ids) == len(load_identities()) + 1
    run_checks(wuhan_db, ["wuhan"], identity_paths=[IDENTITIES_DIR, extra])
    assert results(wuhan_db, "wuhan")[("N.t09_reception", "-")][0] == "pass"  # 2.13 = 2.13


def test_bad_declaration_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("identities:\n  - id: X\n    lhs: [{table: T01}]\n    rhs: [{table: T02, column: total}]\n",
                   encoding="utf-8")
    with pytest.raises(DeclarationError, match="bad.yml.*table and column"):
        load_identities([bad])


# --- verdicts on hand-made rows of seed 000 ---------------------------------------------------

def test_consistent_document_passes_with_rounding_recorded(wuhan_db: Path) -> None:
    summary = run_checks(wuhan_db)
    got = results(wuhan_db, "wuhan")
    assert not [k for k, v in got.items() if v[0] in ("violation", "not_checkable")]
    assert got[("T01.income_total", "-")][0] == "pass"
    assert got[("T04.income_grand_total", "-")][0] == "pass"
    assert got[("T06.hierarchy", "node=302")][0] == "pass"
    # T05 基本支出 590.49 vs T06 人员经费合计 529.28 + 公用经费合计 61.19 = 590.47: within 2 × 0.01
    assert got[("X.T05_T06.basic", "-")] == (
        "rounding", Decimal("590.49"), Decimal("590.47"), Decimal("0.02"), Decimal("0.02"), None)
    # T07 states 本表无数据: nothing to assert, said so
    status, *_, reason = got[("T07.row.carryover", "-")]
    assert status == "not_applicable" and "本表无数据" in reason
    doc = next(d for d in summary.documents if d.doc_id == "wuhan")
    assert doc.outcome == "rounding_only" and doc.counts["rounding"] == 1
    assert results(wuhan_db, "govfund")[("T07.row.carryover", "row=total (row 1)")][0] == "pass"


def test_blank_cells_are_recorded(wuhan_db: Path) -> None:
    run_checks(wuhan_db, ["wuhan"])
    got = results(wuhan_db, "wuhan")
    assert "blank" in got[("T01.income_total", "-")][-1]
    cells = cells_of(wuhan_db, "wuhan", "T01.income_total", "-")
    blank = [c for c in cells if c[2] == "superior_subsidy"]
    assert blank == [("rhs", "T01", "superior_subsidy", None, 4, "income", None, "blank", 104)]


# --- mutation tests: one number changed by 1.00 -> the identity is violated, cells listed -----

MUTATIONS = [
    # family row_sums: T02 row 2010301 财政拨款收入 0.22 -> 1.22
    ("T02", "fiscal_grant", {"subject_code": "2010301"}, "T02.row.total", "row=2010301 (row 4)"),
    ("T05", "project", {"subject_code": "2010308"}, "T05.row.total", "row=2010308 (row 5)"),
    ("T07", "carryover_end", {"subject_code": "21208"}, "T07.row.carryover", "row=21208 (row 3)"),
    # family hierarchy_sums: 款 20131 = Σ 项 broken by a 项
    ("T05", "total", {"subject_code": "2013101"}, "T05.hierarchy", "node=20131, column=total"),
    ("T03", "basic", {"row_key": "total"}, "T03.hierarchy", "node=total, column=basic"),
    ("T06", "final", {"subject_code": "30101"}, "T06.hierarchy", "node=301"),
    # family line_identities
    ("T01", "income", {"line_no": 27}, "T01.income_total", "-"),
    ("T01", "expenditure", {"line_no": 62}, "T01.expenditure_grand_total", "-"),
    ("T04", "income", {"line_no": 32}, "T04.income_grand_total", "-"),
    ("T04", "expenditure_general_budget", {"line_no": 40}, "T04.row.subtotal", "row=208 (row 11)"),
    ("T06", "final", {"row_key": "public_total"}, "T06.public_total", "-"),
    ("T09", "final", {"row_key": "vehicle_operation"}, "T09.vehicle", "column=final"),
    ("T09", "budget", {"row_key": "reception"}, "T09.total", "column=budget"),
    # family cross_table
    ("T01", "expenditure", {"line_no": 50}, "X.T01_T03.class", "subject=221"),
    ("T02", "total", {"row_key": "total"}, "X.T01_T02.income_total", "-"),
    ("T06", "final", {"row_key": "personnel_total"}, "X.T05_T06.basic", "-"),
    ("T04", "income", {"line_no": 1}, "X.T01_T04.fiscal_income", "grant=general_budget_grant"),
]


def test_mutation_targets_hold_before_mutation(wuhan_db: Path) -> None:
    run_checks(wuhan_db)
    got = {doc: results(wuhan_db, doc) for doc in ("wuhan", "govfund")}
    statuses = {got["govfund" if m[0] == "T07" else "wuhan"][(m[3], m[4])][0] for m in MUTATIONS}
    assert statuses <= {"pass", "rounding"}  # X.T05_T06.basic is rounding as printed


@pytest.mark.parametrize("table,column,where,identity,instance", MUTATIONS)
def test_mutation_turns_identity_into_violation(wuhan_db: Path, table: str, column: str,
                                                where: dict, identity: str, instance: str) -> None:
    doc_id = "govfund" if table == "T07" else "wuhan"
    source_line = mutate(wuhan_db, doc_id, table, column, **where)
    run_checks(wuhan_db, [doc_id])
    status, lhs, rhs, diff, tol, _ = results(wuhan_db, doc_id)[(identity, instance)]
    assert status == "violation"
    assert abs(diff) > tol and abs(abs(diff) - Decimal("1.00")) <= tol
    involved = cells_of(wuhan_db, doc_id, identity, instance)
    assert any(c[1] == table and c[5] == column and c[8] == source_line for c in involved)


def test_findings_view_lists_cells_with_provenance(wuhan_db: Path) -> None:
    mutate(wuhan_db, "wuhan", "T01", "income", line_no=27)
    run_checks(wuhan_db, ["wuhan"])
    con = duckdb.connect(str(wuhan_db), read_only=True)
    rows = con.execute("SELECT role, table_code, line_no, column_key, value, source_line FROM audit.finding_evidence"
                       " WHERE rule_id = 'T01.income_total' AND value IS NOT NULL").fetchall()
    finding = con.execute("SELECT severity, message, suggestion, status, tables FROM audit.findings"
                          " WHERE rule_id = 'T01.income_total'").fetchall()
    con.close()
    assert sorted(rows) == [("lhs", "T01", 27, "income", Decimal("805.61"), 106),
                            ("rhs", "T01", 1, "income", Decimal("804.61"), 101)]
    # one row per finding, in an auditor's words, with what to do
    assert finding == [("error", "收入支出决算总表 本年收入合计 = Σ 收入项目 (27 行 = 1+2+…+8 行)：左边 805.61万元，"
                        "右边 804.61万元，相差 1.00万元（容差 0.01万元）", "核对表内合计行、总计行与各项目行的勾稽关系",
                        "violation", "T01")]


# --- uncheckable documents, units, preconditions, idempotency, Data Docs --------------------

def test_missing_table_is_not_checkable_and_the_load_goes_on(tmp_path: Path) -> None:
    doc = wuhan()
    doc.rows = [r for r in doc.rows if r[0] != "T03"]
    del doc.tables["T03"]
    db = write_db(tmp_path / "m.duckdb", [doc])
    summary = run_checks(db)
    status, *_, reason = results(db, "wuhan")[("X.T01_T03.expenditure_total", "-")]
    assert status == "not_checkable" and "T03 支出决算表" in reason
    assert summary.documents[0].counts["not_checkable"] >= 4
    assert summary.documents[0].counts["pass"] > 50


def test_tolerance_is_100_yuan_per_term_in_yuan_documents(tmp_path: Path) -> None:
    doc = Doc("yuan", "yuan.txt", unit="元")
    doc.add("T05", "合计", {"total": "8046100.00", "basic": "5904900.00", "project": "2141280.00"},
            row_key="total")  # off by 80 元 (3 printed terms allow 200)
    doc.add("T05", "行政运行", {"total": "220000.00", "basic": "219850.00", "project": None},
            code="2010301")  # off by 150 元
    db = write_db(tmp_path / "y.duckdb", [doc])
    run_checks(db)
    got = results(db, "yuan")
    assert got[("T05.row.total", "row=total (row 1)")][::4] == (
        "rounding", Decimal("200.00"))
    assert got[("T05.row.total", "row=2010301 (row 2)")][0] == "violation"


def test_precondition_all_general_budget(wuhan_db: Path) -> None:
    run_checks(wuhan_db, ["wuhan"])
    assert results(wuhan_db, "wuhan")[("X.T03_T05.total", "column=basic")][0] == "pass"
    # T03 total 本年支出合计 now exceeds T05's: not all spending is general-budget, no assertion
    mutate(wuhan_db, "wuhan", "T03", "total", row_key="total")
    run_checks(wuhan_db, ["wuhan"])
    status, *_, reason = results(wuhan_db, "wuhan")[("X.T03_T05.total", "column=basic")]
    assert status == "not_applicable" and "precondition not met" in reason


def test_rerun_replaces_rows_and_cli_builds_data_docs(wuhan_db: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    assert main(["--db", str(wuhan_db), "--docs-dir", str(docs)]) == 0
    first = results(wuhan_db, "wuhan")
    assert main(["--db", str(wuhan_db), "--no-docs", "--doc", "wuhan"]) == 0
    assert results(wuhan_db, "wuhan") == first
    con = duckdb.connect(str(wuhan_db), read_only=True)
    n = con.execute("SELECT count(*) FROM audit.identity_results WHERE doc_id = 'wuhan'").fetchone()[0]
    summary = con.execute("SELECT count(*) FROM audit.document_check_summary").fetchone()[0]
    con.close()
    assert n == len(first) and summary == 2
    assert (docs / "index.html").exists()
    assert {p.stem for p in (docs / "expectations" / "identities").glob("*.html")} == FAMILIES | {"completeness"}
