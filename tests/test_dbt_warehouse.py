"""The dbt warehouse (issue 4): `dbt build` over the raw tables of the whole shared corpus.

Expected figures are read by hand from the corpus files (line numbers quoted beside them).
Every test here builds with dbt (~20-40 s per build), hence the `slow` marker.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from .dbt_runner import DbtRun, run_dbt

pytestmark = pytest.mark.slow

D = Decimal


@pytest.fixture(scope="module")
def warehouse(corpus_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DbtRun, DbtRun]:
    """A copy of the corpus warehouse with every dbt model built and tested on it, then the docs
    generated (before any test opens the file: DuckDB allows one process per file)."""
    scratch = tmp_path_factory.mktemp("dbt_warehouse")
    db = scratch / "warehouse.duckdb"
    shutil.copyfile(corpus_db, db)
    build = run_dbt(["build"], db, scratch / "build")
    docs = run_dbt(["docs", "generate"], db, scratch / "docs")
    return db, build, docs


@pytest.fixture(scope="module")
def marts(warehouse: tuple[Path, DbtRun, DbtRun]) -> Iterator[duckdb.DuckDBPyConnection]:
    db, build, _ = warehouse
    assert build.returncode == 0, build.output[-4000:]
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def doc_id_of(con: duckdb.DuckDBPyConnection, file_prefix: str) -> str:
    rows = con.execute("select doc_id from marts.dim_document where file_name like ?",
                       [file_prefix + "%"]).fetchall()
    assert len(rows) == 1, f"expected one document named {file_prefix}*, got {rows}"
    return rows[0][0]


def overview(con: duckdb.DuckDBPyConnection, file_prefix: str) -> dict:
    cur = con.execute("select * from marts.mart_agency_year_overview where doc_id = ?",
                      [doc_id_of(con, file_prefix)])
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    assert len(rows) == 1
    return dict(zip(names, rows[0], strict=True))


# --- the build itself -----------------------------------------------------------------------

def test_dbt_build_passes_every_model_data_test_and_unit_test(warehouse: tuple[Path, DbtRun, DbtRun]) -> None:
    _, build, _ = warehouse
    assert build.returncode == 0, build.output[-4000:]
    results = build.artifact("run_results.json")["results"]
    failed = [r["unique_id"] for r in results if r["status"] in ("error", "fail", "skipped", "runtime error")]
    assert failed == []
    kinds = {r["unique_id"].split(".")[0] for r in results}
    assert {"model", "test", "unit_test"} <= kinds
    unit_tests = {r["unique_id"].rsplit(".", 1)[-1] for r in results if r["unique_id"].startswith("unit_test.")}
    assert "test_stg_table_cells_normalises_yuan_to_wan_and_keeps_counts" in unit_tests
    assert "test_int_agencies_parsed_places" in unit_tests


# --- facts ----------------------------------------------------------------------------------

def test_000_xinfang_affairs_is_project_spending_with_blank_basic(marts: duckdb.DuckDBPyConnection) -> None:
    # 000_*.txt line 164 (支出决算表): "2010308  信访事务  214.12  [blank]  214.12"
    row = marts.execute(
        "select total, basic, project, source_line, row_id, subject_name_printed "
        "from marts.fct_expenditure_by_subject where doc_id = ? and subject_code = '2010308'",
        [doc_id_of(marts, "000_")]).fetchone()
    assert row[:4] == (D("214.12"), None, D("214.12"), 164)
    assert row[5] == "信访事务"
    # provenance: the row_id leads back to the raw cells of that printed line
    raw = dict(marts.execute(
        "select column_key, raw_text from raw.table_cells where doc_id || ':' || table_code || ':' || row_index = ?",
        [row[4]]).fetchall())
    assert raw["project"] == "214.12" and raw["total"] == "214.12"


def test_003_printed_zero_stays_zero(marts: duckdb.DuckDBPyConnection) -> None:
    # 003_*.txt line 182: "2010308  信访事务  281.43  0.00  281.43  0.00  0.00  0.00"
    basic, project = marts.execute(
        "select basic, project from marts.fct_expenditure_by_subject where doc_id = ? and subject_code = '2010308'",
        [doc_id_of(marts, "003_")]).fetchone()
    assert (basic, project) == (D("0"), D("281.43"))


def test_money_is_exact_decimal_in_wan(marts: duckdb.DuckDBPyConnection) -> None:
    types = dict(marts.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'marts' and table_name = 'fct_expenditure_by_subject'").fetchall())
    assert types["total"] == types["project"] == "DECIMAL(20,6)"


def test_t06_personnel_and_public_totals(marts: duckdb.DuckDBPyConnection) -> None:
    # 003_*.txt line 303: "人员经费合计  1,311.48  公用经费合计  124.40"
    totals = dict(marts.execute(
        "select row_key, amount from marts.fct_basic_expenditure_by_economic_subject "
        "where doc_id = ? and row_kind = 'total'", [doc_id_of(marts, "003_")]).fetchall())
    assert totals == {"personnel_total": D("1311.48"), "public_total": D("124.40")}


def test_t10_vehicle_count_is_not_money(marts: duckdb.DuckDBPyConnection) -> None:
    # 002_*.txt line 420: "(一) 车辆数合计(辆)  7  1"
    row = marts.execute(
        "select measure_kind, value_count, value_wan from staging.stg_table_cells "
        "where doc_id = ? and table_code = 'T10' and row_key = 'vehicles_total'",
        [doc_id_of(marts, "002_")]).fetchone()
    assert row == ("count", D("1"), None)


# --- dimensions ---------------------------------------------------------------------------

def test_functional_subject_hierarchy(marts: duckdb.DuckDBPyConnection) -> None:
    rows = {r[0]: r[1:] for r in marts.execute(
        "select subject_code, subject_name, subject_level, level_name, parent_code "
        "from marts.dim_functional_subject where subject_code in ('2010308', '20103', '201')").fetchall()}
    assert rows == {
        "2010308": ("信访事务", 3, "项", "20103"),
        "20103": ("政府办公厅（室）及相关机构事务", 2, "款", "201"),
        "201": ("一般公共服务支出", 1, "类", None),
    }


def test_functional_subject_name_rule_takes_most_printed_name(marts: duckdb.DuckDBPyConnection) -> None:
    # 215 is printed "资源勘探工业信息等支出" in T01/T04 of 000 and 003 and in T01 of 002 (lines 92,
    # 205; 117, 214; 109), but "资源勘探工业信息支出" in T04 of 002 (line 235).
    name, n_names, printed = marts.execute(
        "select subject_name, n_distinct_names, printed_names from marts.dim_functional_subject "
        "where subject_code = '215'").fetchone()
    assert name == "资源勘探工业信息等支出"
    assert n_names == 2 and "资源勘探工业信息支出" in printed


def test_agency_places(marts: duckdb.DuckDBPyConnection) -> None:
    places = {r[0]: r[1:] for r in marts.execute(
        "select agency_name, admin_level, province, city, county, district from marts.dim_agency").fetchall()}
    assert places["武汉经济技术开发区（汉南区）信访局"] == ("district", None, "武汉", None, "汉南区")
    assert places["株洲市渌口区信访局"] == ("district", None, "株洲市", None, "渌口区")
    assert places["襄垣县信访局"] == ("county", None, None, "襄垣县", None)
    assert places["长沙市信访局"] == ("city", None, "长沙市", None, None)
    assert places["上海市普陀区财政局"] == ("district", "上海市", "上海市", None, "普陀区")


# --- marts ----------------------------------------------------------------------------------

def test_mart_row_of_003(marts: duckdb.DuckDBPyConnection) -> None:
    # 003_*.txt line 104/131 (总表) and 178 (支出决算表 合计 1,717.31 1,435.88 281.43);
    # line 365 (三公): budget 合计 9.13, final 合计 7.04.
    row = overview(marts, "003_")
    assert row["agency_name"] == "长沙市信访局" and row["fiscal_year"] == 2023
    assert row["total_expenditure"] == D("1717.31") and row["total_income"] == D("1717.31")
    assert (row["basic_expenditure"], row["project_expenditure"]) == (D("1435.88"), D("281.43"))
    assert row["fiscal_grant_income"] == D("1717.31") and row["fiscal_grant_share_pct"] == D("100")
    assert (row["three_public_budget"], row["three_public_final"]) == (D("9.13"), D("7.04"))
    assert row["three_public_execution_rate_pct"] == D("77.1084")  # 7.04 / 9.13 × 100


def test_mart_keeps_unprinted_three_public_costs_null(marts: duckdb.DuckDBPyConnection) -> None:
    # 000_*.txt lines 336-348: the 三公 table prints headers only, no values.
    row = overview(marts, "000_")
    assert row["total_expenditure"] == D("804.61")
    assert row["three_public_budget"] is None and row["three_public_final"] is None
    assert row["three_public_table_status"] == "empty"


def test_mart_row_of_the_pdf(marts: duckdb.DuckDBPyConnection) -> None:
    # PDF page 6-7 (收入支出决算总表): 本年收入合计 2,946.25, 本年支出合计 2,940.05, 总计 2,995.39;
    # page 10 (支出决算表): 合计 2,940.05 = 基本支出 2,336.91 + 项目支出 603.14.
    row = overview(marts, "上海市普陀区财政局")
    assert row["file_type"] == "pdf"
    assert (row["total_income"], row["total_expenditure"], row["grand_total"]) == (
        D("2946.25"), D("2940.05"), D("2995.39"))
    assert (row["basic_expenditure"], row["project_expenditure"]) == (D("2336.91"), D("603.14"))


def test_mart_subject_spending_across_agencies(marts: duckdb.DuckDBPyConnection) -> None:
    # 信访事务 project spending: 000 214.12 (line 164), 002 76.61 (line 190), 003 281.43 (line 182)
    rows = dict(marts.execute(
        "select agency_name, total from marts.mart_subject_spending where subject_code = '2010308'").fetchall())
    assert rows == {"武汉经济技术开发区（汉南区）信访局": D("214.12"), "襄垣县信访局": D("76.61"),
                    "长沙市信访局": D("281.43")}
    class_name, subclass_name = marts.execute(
        "select distinct class_name, subclass_name from marts.mart_subject_spending "
        "where subject_code = '2010308'").fetchone()
    assert (class_name, subclass_name) == ("一般公共服务支出", "政府办公厅（室）及相关机构事务")


def test_only_final_accounts_reach_the_overview(marts: duckdb.DuckDBPyConnection) -> None:
    kinds = dict(marts.execute(
        "select d.file_name, d.doc_kind from marts.dim_document d "
        "join marts.mart_agency_year_overview m using (doc_id)").fetchall())
    assert set(kinds.values()) == {"final_accounts"}
    assert not any(name.startswith(("001_", "004_")) for name in kinds)  # 绩效自评 documents


# --- docs -----------------------------------------------------------------------------------

def test_docs_generate_lists_every_model_with_descriptions(warehouse: tuple[Path, DbtRun, DbtRun]) -> None:
    _, build, docs = warehouse
    assert build.returncode == 0, build.output[-4000:]
    assert docs.returncode == 0, docs.output[-4000:]
    manifest, catalog = docs.artifact("manifest.json"), docs.artifact("catalog.json")
    models = {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    assert {"model.fiscal_warehouse.mart_agency_year_overview", "model.fiscal_warehouse.dim_functional_subject",
            "model.fiscal_warehouse.fct_three_public_costs"} <= set(models)
    assert set(models) <= set(catalog["nodes"])
    undocumented = [uid for uid, node in models.items() if not node["description"].strip()]
    assert undocumented == []
    undocumented_columns = [
        f"{uid}.{column}" for uid, node in models.items() for column in catalog["nodes"][uid]["columns"]
        if not node["columns"].get(column, {}).get("description", "").strip()
    ]
    assert undocumented_columns == []
    assert {e["name"] for e in manifest["exposures"].values()} >= {"agency_year_dashboard",
                                                                   "subject_spending_explorer"}


# --- a warehouse in 元, with a failed document ---------------------------------------------

def _synthetic_raw(db: Path) -> None:
    """Two documents by hand: one printed in 元 (amounts 10,000 × the 万元 figures), one failed."""
    from extract.writer import ensure_schema

    now = datetime(2024, 5, 1)
    with duckdb.connect(str(db)) as con:
        ensure_schema(con)
        con.executemany(
            "insert into raw.documents (doc_id, file_name, file_type, agency_name, fiscal_year, doc_kind, unit,"
            " status, error, extractor_version, extracted_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [["yuan", "yuan.txt", "text", "某某市某某区信访局", 2023, "final_accounts", "元", "ok", None, "t", now],
             ["broken", "broken.pdf", "pdf", None, None, "unknown", None, "failed", "file is empty", "t", now]])
        con.executemany(
            "insert into raw.document_tables (doc_id, table_code, table_title, status, n_cells) values (?, ?, ?, ?, ?)",
            [["yuan", "T03", "支出决算表", "ok", 6], ["yuan", "T09", "财政拨款“三公”经费支出决算表", "ok", 2]])
        cells = [
            # table, row, label, key, code, column, value (元)
            ("T03", 1, "合计", "total", None, "total", "3000000.00"),
            ("T03", 1, "合计", "total", None, "basic", "858800.00"),
            ("T03", 1, "合计", "total", None, "project", "2141200.00"),
            ("T03", 2, "信访事务", None, "2010308", "total", "2141200.00"),
            ("T03", 2, "信访事务", None, "2010308", "basic", None),
            ("T03", 2, "信访事务", None, "2010308", "project", "2141200.00"),
            ("T09", 1, "合计", "total", None, "budget", "91300.00"),
            ("T09", 1, "合计", "total", None, "final", "70400.00"),
        ]
        con.executemany(
            "insert into raw.table_cells (doc_id, table_code, table_title, row_index, row_label, row_key,"
            " subject_code, column_key, value, raw_text) values ('yuan', ?, '', ?, ?, ?, ?, ?, ?, ?)",
            [[t, r, label, key, code, col, value, value or ""] for t, r, label, key, code, col, value in cells])


def test_yuan_document_is_normalised_to_wan_and_a_failed_document_is_kept(tmp_path: Path) -> None:
    db = tmp_path / "yuan.duckdb"
    _synthetic_raw(db)
    build = run_dbt(["build"], db, tmp_path)
    assert build.returncode == 0, build.output[-4000:]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "select total, basic, project from marts.fct_expenditure_by_subject where subject_code = '2010308'"
        ).fetchone() == (D("214.12"), None, D("214.12"))
        row = con.execute(
            "select total_expenditure, basic_expenditure, three_public_budget, three_public_final,"
            " unit_printed from marts.mart_agency_year_overview").fetchall()
        assert row == [(D("300"), D("85.88"), D("9.13"), D("7.04"), "元")]
        failed = con.execute(
            "select extraction_status, extraction_error, agency_key from marts.dim_document where doc_id = 'broken'"
        ).fetchone()
        assert failed == ("failed", "file is empty", None)


def test_unseen_labels_warn_and_land_in_audit_without_breaking_the_build(
        corpus_db: Path, tmp_path: Path) -> None:
    """Issue 11: a row key or file type the YAML tests do not list is a content finding: dbt warns,
    stores the failing rows in schema audit, and every model still builds."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(corpus_db, db)
    with duckdb.connect(str(db)) as con:
        doc_id = con.execute("select doc_id from raw.table_cells where table_code = 'T01' limit 1").fetchone()[0]
        con.execute("update raw.table_cells set row_key = 'a_key_never_seen' "
                    "where doc_id = ? and table_code = 'T01' and row_key = 'other_income'", [doc_id])
        con.execute("update raw.documents set file_type = 'odd' where doc_id = ?", [doc_id])
    build = run_dbt(["build"], db, tmp_path / "build")
    assert build.returncode == 0, build.output[-4000:]
    run_results = build.artifact("run_results.json")["results"]
    results = {r["unique_id"]: r["status"] for r in run_results}
    assert not [u for u, s in results.items() if s in ("error", "fail", "skipped", "runtime error")]
    warned = [u for u, s in results.items() if s == "warn"]
    assert any("fct_fiscal_grant_summary_row_key" in u for u in warned), warned
    assert any("stg_documents_file_type" in u for u in warned), warned
    assert results["model.fiscal_warehouse.mart_agency_year_overview"] == "success"
    stored = [r["relation_name"] for r in run_results
              if "fct_fiscal_grant_summary_row_key" in r["unique_id"] and r["unique_id"].startswith("test.")]
    assert len(stored) == 1 and stored[0].split(".")[-2].strip('"') == "audit", stored
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(f"select from_field from {stored[0]}").fetchall() == [("a_key_never_seen",)]


def test_template_variants_and_consolidated_documents_reach_the_marts(marts: duckdb.DuckDBPyConnection) -> None:
    """Issue 10: the variant and the 汇总 attribute are kept on the document; the 高等学校 表4 (合计
    printed at top and bottom) counts once; the transposed 三公 table's 会议费 and 培训费 are items."""
    docs = dict((f[:4], (v, c, a)) for f, v, c, a in marts.execute(
        "select file_name, template_variant, is_consolidated, agency_name from marts.dim_document "
        "where file_name like '西%'").fetchall())
    assert docs == {"西南大学": ("university", False, "西南大学"),
                    "西安市卫": ("national", True, "西安市卫生健康委员会")}
    # 西南大学 表4 合计 237,100.00 (p14 and p15); 西安 公开05表 合计 296,047.75 (p154)
    assert overview(marts, "西南大学")["general_budget_expenditure"] == D("237100.000000")
    assert overview(marts, "西安市卫生健康委员会")["general_budget_expenditure"] == D("296047.750000")
    # 西安 公开09表 (p161): 会议费 86.81 and 培训费 2,795.78 budget and final, beside the 三公 items
    items = dict(marts.execute(
        "select cost_item, final from marts.fct_three_public_costs t join marts.dim_document d using (doc_id) "
        "where d.file_name like '西安%'").fetchall())
    assert items == {"total": D("587.55"), "outbound_travel": None, "vehicle_total": D("587.44"),
                     "vehicle_purchase": D("136.48"), "vehicle_operation": D("450.96"),
                     "reception": D("0.11"), "meeting": D("86.81"), "training": D("2795.78")}


def test_a_revised_document_wins_its_agency_year_and_differing_figures_are_findings(tmp_path: Path) -> None:
    """Issue 11: two documents of one agency-year — the one marked 更正 in its file name is chosen
    (the declared rule), and the figures where the other differs are stored in schema audit."""
    from extract.pipeline import extract_paths

    from .conftest import seed

    original = seed("003").read_text(encoding="utf-8")
    line = "本年收入合计\t27\t1,717.31\t本年支出合计\t58\t1,717.31"  # 003_*.txt line 131
    assert original.count(line) == 1
    revised = tmp_path / "长沙市信访局2023年度部门决算（更正）.txt"
    revised.write_text(original.replace(line, "本年收入合计\t27\t1,717.41\t本年支出合计\t58\t1,717.31"),
                       encoding="utf-8")
    db = tmp_path / "warehouse.duckdb"
    extract_paths([revised], db, workers=1)
    extract_paths([seed("003")], db, workers=1)  # the original is extracted last: no tie-break by time
    build = run_dbt(["build"], db, tmp_path / "build")
    assert build.returncode == 0, build.output[-4000:]
    with duckdb.connect(str(db), read_only=True) as con:
        chosen = con.execute(
            "select d.file_name, a.n_candidate_documents from intermediate.int_agency_year_documents a "
            "join staging.stg_documents d using (doc_id) where d.file_name like '%003_%' "
            "or d.file_name like '长沙市信访局%'").fetchall()
        assert chosen == [("长沙市信访局2023年度部门决算（更正）.txt", 2)]
        differ = con.execute(
            "select figure, chosen_amount, other_amount from intermediate.int_agency_year_revisions "
            "where figures_differ").fetchall()
        assert differ == [("income_total:income", D("1717.410000"), D("1717.310000"))]
    run_results = build.artifact("run_results.json")["results"]
    stored = next(r for r in run_results if r["unique_id"].startswith("test.fiscal_warehouse."
                                                                     "int_agency_year_revisions_figures_agree"))
    assert stored["status"] == "warn" and stored["relation_name"].split(".")[-2].strip('"') == "audit"


def _marts_snapshot(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [t for (t,) in con.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'marts' order by 1").fetchall()]
        return {t: con.execute(f"select * from marts.{t} order by all").fetchall() for t in tables}


def test_a_dbt_build_killed_midway_rebuilds_to_the_same_warehouse(corpus_db: Path, tmp_path: Path) -> None:
    """Issue 11: kill -9 during `dbt build`, then build again: the marts equal a clean build's."""
    import os
    import signal
    import subprocess
    import time

    from .dbt_runner import REPO, dbt_command

    clean, killed = tmp_path / "clean.duckdb", tmp_path / "killed.duckdb"
    shutil.copyfile(corpus_db, clean)
    shutil.copyfile(corpus_db, killed)
    assert run_dbt(["build"], clean, tmp_path / "clean").returncode == 0
    cmd, env = dbt_command(["build"], killed, tmp_path / "killed")
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    assert proc.stdout is not None
    started = time.monotonic()
    for line in proc.stdout:  # kill once the marts are being built
        if "marts." in line or time.monotonic() - started > 120:
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    rebuilt = run_dbt(["build"], killed, tmp_path / "rebuilt")
    assert rebuilt.returncode == 0, rebuilt.output[-4000:]
    assert _marts_snapshot(killed) == _marts_snapshot(clean)
