"""Issue 11: loads that never break, never lie, never lose work.

Bad bytes, huge files, out-of-range numbers, unsupported or unreadable files, a stale skip cache,
inexact money comparisons and a warehouse file older DuckDB clients cannot open.
"""

from __future__ import annotations

import dataclasses
import os
import random
import re
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from extract.load import LoadedDocument, LoadError, load_document
from extract.pipeline import extract_document, extract_paths, known_documents

from .conftest import REPO, seed

DOCUMENTED = set(re.search(r"status\s+VARCHAR NOT NULL,\s+--\s*([^\n]+)",
                           (REPO / "extract" / "schema.sql").read_text(encoding="utf-8")).group(1).split(" | "))


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


# --- 1. decoding survives a few bad bytes -----------------------------------------------------

def test_a_stray_byte_is_replaced_and_reported_with_its_offset(tmp_path: Path) -> None:
    data = bytearray(seed("000").read_bytes())
    offset = data.index("收入".encode()) + 1  # inside a multi-byte character
    data[offset] = 0xFF
    path = tmp_path / "stray.txt"
    path.write_bytes(bytes(data))

    loaded: LoadedDocument = load_document(path)
    assert loaded.file_type == "text"
    warnings = [i for i in loaded.issues if i.severity == "warning"]
    assert len(warnings) == 1 and str(offset) in warnings[0].message
    assert warnings[0].source_line == data[:offset].count(b"\n") + 1
    result = extract_document(path).result
    assert result.status == "ok" and any(str(offset) in i.message for i in result.issues)


def test_fuzzed_text_dumps_never_fail_on_decoding(tmp_path: Path) -> None:
    original = seed("000").read_bytes()
    rng = random.Random(20261130)
    statuses: dict[str, int] = {}
    started = time.monotonic()
    for n in range(300):
        data = bytearray(original)
        for _ in range(rng.randint(1, 5)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path = tmp_path / f"variant_{n:03}.txt"
        path.write_bytes(bytes(data))
        result = extract_document(path).result
        statuses[result.status] = statuses.get(result.status, 0) + 1
        assert result.status in DOCUMENTED, (n, result.status, result.error)
        assert result.status != "failed", (n, result.error)
        path.unlink()
    assert time.monotonic() - started < 60
    assert statuses.get("ok", 0) > 250, statuses


def test_a_binary_file_named_txt_fails_clearly(tmp_path: Path) -> None:
    rng = random.Random(7)
    data = bytearray(rng.randrange(256) for _ in range(4096))
    data[::50] = bytes(len(data[::50]))  # NUL bytes
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(data))
    result = extract_document(path).result
    assert result.status == "failed"
    assert result.error.startswith("not a text file")


# --- 2. a size cap --------------------------------------------------------------------------

def test_a_text_file_above_the_size_cap_fails_alone(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(seed("001"), folder / "good.txt")
    with (folder / "huge.txt").open("wb") as fh:  # sparse: nothing is written but its size
        fh.truncate(51 * 2**20)
    db = tmp_path / "w.duckdb"
    summary = extract_paths([folder], db, workers=1)
    assert summary.documents.get("failed") == 1
    rows = dict((name, (status, error)) for name, status, error in
                _rows(db, "select file_name, status, error from raw.documents"))
    assert rows["good.txt"][0] in ("ok", "partial")
    assert rows["huge.txt"][0] == "failed" and "too large" in rows["huge.txt"][1]
    with pytest.raises(LoadError, match="too large"):
        load_document(folder / "good.txt", max_bytes=100)


# --- 3. one out-of-range number never stops the batch ----------------------------------------

HUGE = "100000000000000000000"


def test_an_out_of_range_number_becomes_null_with_an_issue(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    lines = seed("003").read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[104].startswith("二、政府性基金预算财政拨款收入\t2\t0.00\t")
    lines[104] = lines[104].replace("\t0.00\t", f"\t{HUGE}\t", 1)
    (folder / "huge_number.txt").write_text("".join(lines), encoding="utf-8")
    shutil.copy(seed("001"), folder / "good.txt")
    db = tmp_path / "w.duckdb"

    extract_paths([folder], db, workers=1)
    docs = dict(_rows(db, "select file_name, status from raw.documents"))
    assert set(docs) == {"huge_number.txt", "good.txt"}
    assert docs["huge_number.txt"] == "partial"
    cells = _rows(db, f"select value, source_line from raw.table_cells where raw_text = '{HUGE}'")
    assert cells == [(None, 105)]
    issues = _rows(db, "select severity, table_code, source_line, message, raw_text from raw.extraction_issues "
                       f"where message like '%{HUGE}%'")
    assert len(issues) == 1
    severity, table, line, message, raw_text = issues[0]
    assert (severity, table, line, raw_text) == ("error", "T01", 105, HUGE)
    assert "DECIMAL(24,6)" in message


def test_a_document_whose_write_fails_is_recorded_as_failed(tmp_path: Path) -> None:
    from extract.writer import ensure_schema, write_document

    result = extract_document(seed("003")).result
    assert result.cells
    result.cells.append(dataclasses.replace(result.cells[0]))  # duplicate primary key
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_schema(con)
        write_document(con, result, "x.txt")
        rows = con.execute("select status, error from raw.documents").fetchall()
        cells = con.execute("select count(*) from raw.table_cells").fetchone()[0]
    assert len(rows) == 1 and rows[0][0] == "failed" and "write failed" in rows[0][1]
    assert cells == 0


# --- 4. every file ends as a documents row ---------------------------------------------------

def test_every_file_under_a_folder_is_recorded_with_a_status(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(seed("001"), folder / "good.txt")
    (folder / "report.docx").write_bytes(b"PK\x03\x04 not really a docx")
    (folder / "sub" / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "dangling.txt").symlink_to(folder / "missing.txt")
    db = tmp_path / "w.duckdb"

    extract_paths([folder], db, workers=1)
    rows = {r[0]: r[1:] for r in _rows(db, "select file_name, file_type, status, error from raw.documents")}
    assert set(rows) == {"good.txt", "report.docx", "scan.png", "loop.txt", "dangling.txt"}
    assert rows["report.docx"][:2] == ("docx", "unsupported") and rows["report.docx"][2]
    assert rows["scan.png"][:2] == ("png", "unsupported")
    assert rows["loop.txt"][1] == "failed" and rows["loop.txt"][2]
    assert rows["dangling.txt"][1] == "failed" and rows["dangling.txt"][2]
    assert {r[1] for r in rows.values()} <= DOCUMENTED
    assert {"ok", "partial", "no_tables", "unsupported", "failed"} <= DOCUMENTED


def test_a_symlink_loop_named_on_the_command_line_is_recorded(tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    result = extract_document(loop).result
    assert result.status == "failed" and result.doc_id.startswith("unreadable:")
    summary = extract_paths([loop, seed("001")], tmp_path / "w.duckdb", workers=1)
    assert summary.documents.get("failed") == 1


def test_cli_extract_of_a_missing_folder_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "extract.cli", "extract", str(tmp_path / "missing"),
                           "--db", str(tmp_path / "w.duckdb")], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "missing" in done.stderr
    assert not (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize("corpus", ["missing", "empty"])
def test_run_without_corpus_files_is_one_line_and_exit_2(tmp_path: Path, monkeypatch, capsys, corpus) -> None:
    from dagster_project.run import main

    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("FISCALWH_CORPUS", str(tmp_path / corpus))
    monkeypatch.setenv("FISCALWH_DB", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("FISCALWH_GX_DOCS", str(tmp_path / "gx"))
    assert main() == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and corpus in err


def test_run_records_files_it_cannot_hash(tmp_path: Path) -> None:
    import dagster as dg

    from dagster_project.run import extract_new_documents
    from dagster_project.settings import Settings

    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(seed("001"), folder / "good.txt")
    (folder / "dangling.txt").symlink_to(folder / "missing.txt")
    db = tmp_path / "w.duckdb"
    settings = Settings(db_path=db, corpus_dir=folder, gx_docs_dir=tmp_path / "gx", published_db=tmp_path / "p.duckdb")
    new, unchanged = extract_new_documents(settings, dg.DagsterInstance.ephemeral(), workers=1)
    # the unreadable file is recorded as failed, but is no document partition
    assert [k.split(" · ")[0] for k in new] == ["good"] and unchanged == 0
    assert _rows(db, "select file_name, status from raw.documents order by 1") == [
        ("dangling.txt", "failed"), ("good.txt", "ok")]


# --- 5. the skip cache follows the extractor's code --------------------------------------------

def test_skip_cache_is_keyed_by_the_extractor_code_digest(tmp_path: Path, monkeypatch) -> None:
    import extract
    import extract.pipeline as pipeline

    db = tmp_path / "w.duckdb"
    extract_paths([seed("001")], db, workers=1)
    digest = extract.extractor_version()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert _rows(db, "select extractor_version from raw.documents") == [(digest,)]
    with duckdb.connect(str(db)) as con:
        before = known_documents(con)
        monkeypatch.setattr(pipeline, "extractor_version", lambda: "0" * 64)
        after = known_documents(con)
    assert len(before) == 1 and after == set()
    again = extract_paths([seed("001")], db, workers=1)
    assert sum(again.documents.values()) == 1 and again.skipped == 0


def test_code_digest_covers_code_and_catalogue_only(tmp_path: Path) -> None:
    from extract import code_digest

    (tmp_path / "parsers").mkdir()
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "parsers" / "t.yml").write_text("a: 1\n")
    (tmp_path / "schema.sql").write_text("select 1;\n")
    first = code_digest(tmp_path)
    (tmp_path / "notes.txt").write_text("not code")
    (tmp_path / "a.pyc").write_bytes(b"\0")
    assert code_digest(tmp_path) == first
    for name in ("a.py", "parsers/t.yml", "schema.sql"):
        path = tmp_path / name
        text = path.read_text()
        path.write_text(text + " ")
        assert code_digest(tmp_path) != first, name
        path.write_text(text)
    assert code_digest(tmp_path) == first


# --- 6. money comparisons are exact ----------------------------------------------------------

def test_money_is_compared_exactly() -> None:
    from expectations.evaluate import Instance
    from expectations.suites import judge

    def inst(name: str, diff: str, tol: str) -> Instance:
        return Instance(doc_id="d", family="row_sums", identity_id="T", instance=name, description="",
                        lhs=Decimal("1") + Decimal(diff), rhs=Decimal("1"), difference=Decimal(diff),
                        tolerance=Decimal(tol), n_terms=2)

    cases = [inst("a", "0.0199", "0.01"), inst("b", "0.01", "0.01"), inst("c", "0", "0.01"),
             inst("d", "-0.0101", "0.01"), inst("e", "0.005", "0.01"), inst("f", "0.010001", "0.01")]
    judge(cases)
    assert {i.instance: i.status for i in cases} == {
        "a": "violation", "b": "rounding", "c": "pass", "d": "violation", "e": "rounding", "f": "violation"}


# --- 7. the warehouse opens in DuckDB 1.x clients -----------------------------------------------

OLD_DUCKDB = "1.4.4"


@pytest.fixture(scope="session")
def old_duckdb(request: pytest.FixtureRequest) -> Path:
    """duckdb 1.4.4 installed once into the pytest cache folder."""
    target = Path(request.config.cache.mkdir(f"duckdb-{OLD_DUCKDB}"))
    if not (target / "duckdb").is_dir():
        done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                               "--target", str(target), f"duckdb=={OLD_DUCKDB}"],
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            shutil.rmtree(target, ignore_errors=True)
            pytest.skip(f"cannot install duckdb=={OLD_DUCKDB} from PyPI: {done.stderr.strip()[-300:]}")
    return target


def test_the_warehouse_opens_in_a_duckdb_1x_client(tmp_path: Path, old_duckdb: Path) -> None:
    db = tmp_path / "w.duckdb"
    extract_paths([seed("001")], db, workers=1)
    with duckdb.connect(str(db)) as con:  # a later writer with default settings keeps the format
        con.execute("create table main.later as select * from raw.table_cells")
        con.execute("checkpoint")
    script = ("import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
              "print(duckdb.__version__, con.execute('select count(*) from raw.documents').fetchone()[0])")
    env = {**os.environ, "PYTHONPATH": str(old_duckdb)}
    done = subprocess.run([sys.executable, "-c", script, str(db)], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [OLD_DUCKDB, "1"]


def test_rows_whose_columns_mix_kinds_are_written_as_executemany_wrote_them(tmp_path: Path) -> None:
    """The writer inserts a document's rows as one Arrow table; a column Arrow cannot type (an int in
    one row, a string in another) falls back to cast VALUES: every row stored, money exact."""
    from extract.writer import _insert

    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("create schema raw; create table raw.t (label varchar, amount decimal(24,6), n integer)")
        _insert(con, "t", [{"label": "一般公共服务支出", "amount": Decimal("870.822000"), "n": 1},
                           {"label": "x", "amount": None, "n": None}])
        _insert(con, "t", [{"label": 2010308, "amount": Decimal("0.000001"), "n": "3"},
                           {"label": "信访事务", "amount": Decimal("12.34"), "n": 4}])
        rows = con.execute("select label, amount, n from raw.t order by rowid").fetchall()
    assert rows == [("一般公共服务支出", Decimal("870.822000"), 1), ("x", None, None),
                    ("2010308", Decimal("0.000001"), 3), ("信访事务", Decimal("12.340000"), 4)]
