"""Incremental runs (issue 14 point 2): a warehouse built in two steps (part of the files, then the rest)
holds the same marts and the same audit findings as one full build of all the files, and a new document
re-checks the documents it pairs with across years."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from .conftest import PDF, TEXT, seed

pytestmark = pytest.mark.slow

# 003_*.txt line 133 (收入支出决算总表, 长沙市信访局 2023): both balances printed 0.00
BALANCES = "年初结转和结余\t29\t0.00\t年末结转和结余\t60\t0.00"
# the marts built from the audit tables of the previous check run (they follow the checks by one run)
FROM_AUDIT = {"mart_findings", "mart_finding_evidence"}
AUDIT = ("identity_results", "identity_cells", "document_check_summary")
# what differs between two warehouses of the same files: where the files were, when they were read and checked
VARYING = {"file_path", "extracted_at", "checked_at", "checker_version"}


def _settings(root: Path):
    from dagster_project.settings import Settings

    return Settings(db_path=root / "warehouse.duckdb", corpus_dir=root / "corpus", gx_docs_dir=root / "gx_docs",
                    published_db=root / "published" / "warehouse.duckdb")


def _files(folder: Path) -> dict[str, bytes]:
    """The five text files, one PDF, and 003 as the same agency's 2022 document closing at 12.34
    (003 itself, 2023, opens at 0.00: a carry-over violation once both are in the warehouse)."""
    text = seed("003").read_text(encoding="utf-8")
    assert text.count(BALANCES) == 1
    prior = text.replace("2023", "2022").replace(BALANCES, BALANCES[:-4] + "12.34")
    files = {p.name: p.read_bytes() for p in sorted(TEXT.glob("*.txt"))}
    files["西南大学2023年度部门决算.pdf"] = (PDF / "西南大学2023年度部门决算.pdf").read_bytes()
    files["cs2022.txt"] = prior.encode("utf-8")
    return files


def _run(settings, instance: dg.DagsterInstance, names: list[str], files: dict[str, bytes]):
    from dagster_project.run import run_pipeline

    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        (settings.corpus_dir / name).write_bytes(files[name])
    outcome = run_pipeline(settings, instance)
    assert outcome.success
    return outcome


def _rows(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple]:
    columns = [r[0] for r in con.execute("select column_name from information_schema.columns where table_schema = ? "
                                         "and table_name = ? order by ordinal_position", [schema, table]).fetchall()]
    kept = ", ".join(f'"{c}"' for c in columns if c not in VARYING)
    return con.execute(f"select {kept} from {schema}.{table} order by all").fetchall()


def test_two_incremental_steps_give_the_rows_of_one_full_build(tmp_path: Path) -> None:
    files = _files(tmp_path)
    first = ["000_4c6bec4b94bd53fd.txt", "001_be4a0c6940302084.txt", "003_8fabc10d5478d4ee.txt",
             "西南大学2023年度部门决算.pdf"]
    rest = [n for n in files if n not in first]
    instance = dg.DagsterInstance.ephemeral()
    steps = _settings(tmp_path / "steps")
    _run(steps, instance, first, files)
    with duckdb.connect(str(steps.db_path), read_only=True) as con:
        checked = dict(con.execute("select doc_id, checked_at from audit.document_check_summary").fetchall())
        version = con.execute("select distinct checker_version from audit.document_check_summary").fetchall()
        ids = dict(con.execute("select file_name, doc_id from raw.documents").fetchall())
    second = _run(steps, instance, rest, files)
    assert len(second.extracted) == 3
    full = _settings(tmp_path / "full")
    _run(full, dg.DagsterInstance.ephemeral(), list(files), files)

    with duckdb.connect(str(steps.db_path), read_only=True) as a, duckdb.connect(str(full.db_path),
                                                                                    read_only=True) as b:
        # 长沙市信访局 2023 opens at 0.00 where its 2022 document closes at 12.34 (T01 of both texts)
        assert a.execute("select status, lhs_value, rhs_value from audit.identity_results where doc_id = ? and "
                         "identity_id = 'XY.carryover_continuity' and instance like '%:T01'",
                         [ids["003_8fabc10d5478d4ee.txt"]]).fetchall() == [("violation", Decimal("0.00"),
                                                                            Decimal("12.34"))]
        marts = [r[0] for r in a.execute("select table_name from information_schema.tables "
                                         "where table_schema = 'marts' order by 1").fetchall()]
        assert "fct_expenditure_by_subject" in marts and "mart_budget_vs_final" in marts
        for mart in sorted(set(marts) - FROM_AUDIT):
            assert _rows(a, "marts", mart) == _rows(b, "marts", mart), mart
        for table in AUDIT:
            got = _rows(a, "audit", table)
            assert got and got == _rows(b, "audit", table), table
        # step 2 re-checked its three new documents and 003, which the 2022 document now pairs with;
        # the other documents of step 1 kept their audit rows (all re-checked had the checks' code changed
        # between the steps: checker_version)
        again = dict(a.execute("select doc_id, checked_at from audit.document_check_summary").fetchall())
        kept = {d for d in checked if again[d] == checked[d]}
        same = a.execute("select distinct checker_version from audit.document_check_summary").fetchall() == version
        assert kept == ({ids[n] for n in first} - {ids["003_8fabc10d5478d4ee.txt"]} if same else set())


def test_full_refresh_rechecks_every_document(tmp_path: Path) -> None:
    from dagster_project.run import run_pipeline

    settings = _settings(tmp_path)
    settings.corpus_dir.mkdir()
    for name in ("002_f64002770984a7bf.txt", "003_8fabc10d5478d4ee.txt"):
        shutil.copy(TEXT / name, settings.corpus_dir / name)
    instance = dg.DagsterInstance.ephemeral()
    assert run_pipeline(settings, instance).success

    def checked() -> list[tuple]:
        with duckdb.connect(str(settings.db_path), read_only=True) as con:
            return con.execute("select doc_id, checked_at from audit.document_check_summary order by 1").fetchall()

    before = checked()
    assert len(before) == 2
    assert run_pipeline(settings, instance).success
    assert checked() == before  # nothing new: nothing re-checked
    assert run_pipeline(settings, instance, full_refresh=True).success
    assert all(a[1] < b[1] for a, b in zip(before, checked(), strict=True))
