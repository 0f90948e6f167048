"""Extraction checks itself (issue 10): a table whose parse fails its own sums is `suspect`, the
identities over it are not checkable (reason: extraction), never violations; a single real
defect among many sums that hold stays a violation. Judged by the real checker (GX suites)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from expectations.runner import run_checks
from extract.pipeline import extract_paths

from .conftest import seed

# 003_*.txt 支出决算表 (T03), lines 178-182: 合计, 201, 20103, 2010301, 2010308
T03_ROWS = (
    "合计\t\t1,717.31\t1,435.88\t281.43\t0.00\t0.00\t0.00",
    "201\t一般公共服务支出\t1,717.31\t1,435.88\t281.43\t0.00\t0.00\t0.00",
    "20103\t政府办公厅（室）及相关机构事务\t1,717.31\t1,435.88\t281.43\t0.00\t0.00\t0.00",
    "2010301\t行政运行\t1,435.88\t1,435.88\t0.00\t0.00\t0.00\t0.00",
    "2010308\t信访事务\t281.43\t0.00\t281.43\t0.00\t0.00\t0.00",
)


def _check(tmp_path: Path, text: str) -> tuple[duckdb.DuckDBPyConnection, str]:
    doc = tmp_path / "doc.txt"
    doc.write_text(text, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    extract_paths([doc], db, workers=1)
    run_checks(db)
    con = duckdb.connect(str(db), read_only=True)
    return con, con.execute("select doc_id from raw.documents").fetchone()[0]


def _statuses(con: duckdb.DuckDBPyConnection, prefix: str) -> dict[str, int]:
    return dict(con.execute(
        "select status, count(*) from audit.identity_results where identity_id like ? group by 1",
        [prefix + "%"]).fetchall())


@pytest.fixture
def text() -> str:
    original = seed("003").read_text(encoding="utf-8")
    assert all(original.count(f"\n{row}\n") == 1 for row in T03_ROWS)
    return original


def test_a_misread_table_is_suspect_and_its_identities_not_checkable(tmp_path, text):
    # an extra trailing column the template does not know shifts every row's values by one
    for row in T03_ROWS:
        text = text.replace(f"\n{row}\n", f"\n{row}\t9.99\n")
    con, _ = _check(tmp_path, text)
    status, note, held, n = con.execute(
        "select status, note, n_self_checks_held, n_self_checks from raw.document_tables "
        "where table_code = 'T03'").fetchone()
    assert status == "suspect" and "T03.row.total sums hold" in note and held < n
    assert con.execute("select status, error from raw.documents").fetchone()[0] == "partial"
    on_t03 = con.execute(
        "select status, reason from audit.identity_results where identity_id like 'T03.%' "
        "or identity_id like 'X.T01_T03%'").fetchall()
    assert on_t03 and all(s == "not_checkable" and r.startswith("extraction:") for s, r in on_t03)
    # an extraction finding: a warning asking for a look at the original, never an error
    assert {row for row in con.execute(
        "select severity, suggestion from audit.findings where rule_id like 'T03.%'").fetchall()} == {
        ("warning", "自动核对未能进行（报表未找到或识别存疑），请对照原文人工核对")}
    assert "violation" not in _statuses(con, "T03.") and "violation" not in _statuses(con, "X.T01_T03")
    # the other tables are still judged
    assert _statuses(con, "T05.").get("pass", 0) > 0


def test_one_real_defect_among_many_sums_stays_a_violation(tmp_path, text):
    # 2010308 信访事务: project printed 281.53 instead of 281.43 (one cell)
    changed = T03_ROWS[4].replace("\t0.00\t281.43\t", "\t0.00\t281.53\t")
    con, _ = _check(tmp_path, text.replace(f"\n{T03_ROWS[4]}\n", f"\n{changed}\n"))
    assert con.execute("select status from raw.document_tables where table_code = 'T03'").fetchone() == ("ok",)
    violations = con.execute(
        "select identity_id, instance from audit.identity_results where status = 'violation' "
        "and identity_id like 'T03.%' order by 1, 2").fetchall()
    assert ("T03.row.total", "row=2010308 (row 5)") in violations
    assert ("T03.hierarchy", "node=20103, column=project") in violations


def test_the_unchanged_document_has_no_extraction_finding(tmp_path, text):
    con, _ = _check(tmp_path, text)
    assert con.execute("select count(*) from raw.document_tables where status = 'suspect'").fetchone() == (0,)
    assert "violation" not in _statuses(con, "T03.")
