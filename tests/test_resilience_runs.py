"""Issue 11, continued: runs that meet other runs, BI readers, kill -9, bad folders, damaged PDFs.

Locks name their holder and end with exit status 3; BI tools read a published copy that a run
replaces atomically; a killed extraction resumes to the same rows as a clean run; a folder of
bad files goes through the whole run; byte-mutated PDFs end with a status and a reason.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from extract.pipeline import extract_document, extract_paths

from .conftest import PDF, PUTUO_PDF, REPO, TEXT, seed

FISCALWH = Path(sys.executable).with_name("fiscalwh")
STATUSES = {"ok", "partial", "no_tables", "unsupported", "failed"}
XIAN_PDF = PDF / "西安市卫生健康委员会（汇总）2022年度部门决算.pdf"
SWU_PDF = PDF / "西南大学2023年度部门决算.pdf"

# A process holding a connection (a BI tool, another run): prints "held", then answers one query
# per line of stdin with its result, until stdin closes.
HOLDER = """
import duckdb, sys
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
print("held", flush=True)
for sql in sys.stdin:
    print(con.execute(sql).fetchall(), flush=True)
"""


@contextmanager
def holding(db: Path, mode: str) -> Iterator[subprocess.Popen]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), mode], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line == "held", proc.stderr.read() if proc.stderr else line
        yield proc
    finally:
        proc.kill()
        proc.wait()


def ask(proc: subprocess.Popen, sql: str) -> str:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(sql + "\n")
    proc.stdin.flush()
    return proc.stdout.readline().strip()


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def raw_state(db: Path) -> dict[str, list[tuple]]:
    """The raw tables' rows (sorted; extracted_at left out), to compare two warehouses."""
    state = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for table in ("documents", "document_tables", "table_cells", "extraction_issues"):
            columns = [c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema = 'raw' "
                "and table_name = ? order by ordinal_position", [table]).fetchall() if c != "extracted_at"]
            state[table] = sorted(con.execute(f"select {', '.join(columns)} from raw.{table}").fetchall(), key=repr)
    return state


# --- 1. a locked warehouse: one line naming the holder, a bounded wait, exit 3 ---------------

def test_the_lock_holder_is_read_from_duckdbs_message() -> None:
    from extract.writer import LockHolder, lock_holder

    message = ('IO Error: Could not set lock on file "/w/warehouse.duckdb": Conflicting lock is held in '
               '/opt/DBeaver/dbeaver (PID 4242). However, you would be able to open this database in '
               'read-only mode, e.g. by using the -readonly parameter in the CLI. See also https://duckdb.org')
    assert lock_holder(message) == LockHolder("/opt/DBeaver/dbeaver", 4242)
    assert str(LockHolder("/opt/DBeaver/dbeaver", 4242)) == "/opt/DBeaver/dbeaver (PID 4242)"
    assert lock_holder('IO Error: Could not set lock on file "/w.duckdb": Resource temporarily unavailable') \
        == LockHolder(None, None)
    assert lock_holder('IO Error: Cannot open file "/w.duckdb": No such file or directory') is None


@pytest.mark.parametrize("mode", ["rw", "ro"])  # another run; a BI tool's read-only connection
def test_extract_on_a_locked_warehouse_waits_then_exits_3_with_one_line(tmp_path: Path, capsys, mode: str) -> None:
    from extract.cli import main

    db = tmp_path / "w.duckdb"
    extract_paths([seed("001")], db, workers=1)
    with holding(db, mode) as holder:
        started = time.monotonic()
        status = main(["extract", str(seed("003")), "--db", str(db), "--lock-wait", "2"])
        elapsed = time.monotonic() - started
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 3
    assert len(err) == 1 and f"(PID {holder.pid})" in err[0] and "locked" in err[0], err
    assert 2 <= elapsed < 5  # the wait, plus the start of the command
    assert _rows(db, "select count(*) from raw.documents") == [(1,)]


def test_check_and_run_on_a_locked_warehouse_exit_3(tmp_path: Path, capsys, monkeypatch) -> None:
    from extract.cli import main

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed("001"), corpus)
    db = tmp_path / "w.duckdb"
    extract_paths([corpus], db, workers=1)
    monkeypatch.setenv("FISCALWH_CORPUS", str(corpus))
    monkeypatch.setenv("FISCALWH_DB", str(db))
    monkeypatch.setenv("FISCALWH_GX_DOCS", str(tmp_path / "gx"))
    with holding(db, "rw") as holder:
        for argv in (["check", "--db", str(db), "--no-docs", "--lock-wait", "0.5"], ["run", "--lock-wait", "0.5"]):
            capsys.readouterr()
            assert main(argv) == 3, argv
            err = capsys.readouterr().err.strip().splitlines()
            assert len(err) == 1 and f"(PID {holder.pid})" in err[0], (argv, err)
            assert err[0].startswith(f"fiscalwh {argv[0]}: ")


# --- 2. BI tools read a published copy, replaced atomically ---------------------------------

def test_publish_replaces_the_copy_a_reader_holds_open(tmp_path: Path) -> None:
    from extract.writer import publish

    source, target = tmp_path / "w.duckdb", tmp_path / "published" / "warehouse.duckdb"
    extract_paths([seed("001")], source, workers=1)
    cells_001 = _rows(source, "select count(*) from raw.table_cells")
    publish(source, target)
    with holding(target, "ro") as bi:
        assert ask(bi, "select count(*) from raw.documents") == "[(1,)]"
        extract_paths([seed("003")], source, workers=1)
        publish(source, target)  # the BI tool's open connection does not stop it
        assert _rows(target, "select count(*) from raw.documents") == [(2,)]  # a new reader: the new copy
        assert ask(bi, "select count(*) from raw.documents") == "[(1,)]"  # the holder: its old snapshot
        assert ask(bi, "select count(*) from raw.table_cells") == str(cells_001)
    assert [p.name for p in target.parent.iterdir()] == ["warehouse.duckdb"]  # no temporary file left


def test_publish_does_not_copy_a_warehouse_a_writer_holds(tmp_path: Path) -> None:
    from extract.writer import WarehouseLocked, publish

    source, target = tmp_path / "w.duckdb", tmp_path / "published" / "warehouse.duckdb"
    extract_paths([seed("001")], source, workers=1)
    with holding(source, "rw") as holder:
        with pytest.raises(WarehouseLocked) as locked:
            publish(source, target, wait=0.5)
    assert locked.value.holder.pid == holder.pid
    assert not target.exists()


def test_the_published_path_is_a_setting(tmp_path: Path, monkeypatch) -> None:
    from dagster_project.settings import Settings

    monkeypatch.setenv("FISCALWH_DB", str(tmp_path / "data" / "w.duckdb"))
    monkeypatch.delenv("FISCALWH_PUBLISHED_DB", raising=False)
    assert Settings.from_env().published_db == (tmp_path / "data" / "published" / "warehouse.duckdb").resolve()
    monkeypatch.setenv("FISCALWH_PUBLISHED_DB", str(tmp_path / "bi" / "fiscal.duckdb"))
    assert Settings.from_env().published_db == (tmp_path / "bi" / "fiscal.duckdb").resolve()


# --- 3. kill -9 in the middle of an extraction ------------------------------------------------

def corpus_copies(folder: Path) -> Path:
    """Quick text dumps first, then PDFs (two byte-distinct copies of the slow 西安 one)."""
    folder.mkdir()
    shutil.copy(seed("000"), folder / "a_000.txt")
    shutil.copy(seed("003"), folder / "a_003.txt")
    for n, pdf in enumerate([SWU_PDF, XIAN_PDF, PUTUO_PDF, XIAN_PDF]):
        (folder / f"b{n}_{pdf.name}").write_bytes(pdf.read_bytes() + f"\n% copy {n}\n".encode())
    return folder


def documents_so_far(db: Path, scratch: Path) -> int:
    """raw.documents rows of a warehouse a writer holds (no reader may open it): count them in a
    copy of its files (a read-only open replays the WAL)."""
    snapshot = scratch / "snapshot.duckdb"
    for suffix in ("", ".wal"):
        Path(f"{snapshot}{suffix}").unlink(missing_ok=True)
        if Path(f"{db}{suffix}").exists():
            shutil.copyfile(f"{db}{suffix}", f"{snapshot}{suffix}")
    try:
        return _rows(snapshot, "select count(*) from raw.documents")[0][0]
    except (duckdb.Error, OSError):
        return 0


def alive_in_group(pgid: int) -> list[int]:
    """Processes of the process group that are not dead (zombies count as dead)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            alive.append(int(stat.parent.name))
    return alive


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("kill", ["group", "parent"])  # kill -9 of the group; of the main process only (OOM)
def test_kill_9_mid_extraction_then_a_rerun_equals_a_clean_run(tmp_path: Path, kill: str) -> None:
    folder = corpus_copies(tmp_path / "inbox")
    db, scratch = tmp_path / "w.duckdb", tmp_path / "scratch"
    scratch.mkdir()
    log = (tmp_path / "killed.log").open("wb")  # not a pipe: orphaned workers would keep it open
    proc = subprocess.Popen([str(FISCALWH), "extract", str(folder), "--db", str(db), "--workers", "2"],
                            cwd=REPO, start_new_session=True, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 120
        while documents_so_far(db, scratch) < 1:
            assert proc.poll() is None, "the extraction ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert proc.poll() is None
        os.killpg(proc.pid, signal.SIGKILL) if kill == "group" else os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 5
        while alive_in_group(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert alive_in_group(proc.pid) == [], "pool workers outlived their parent"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        log.close()
    rerun = subprocess.run([str(FISCALWH), "extract", str(folder), "--db", str(db)], cwd=REPO,
                           capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert " 0 unchanged" not in rerun.stdout, rerun.stdout  # it resumed: what was written stays
    clean = tmp_path / "clean.duckdb"
    extract_paths([folder], clean)
    assert raw_state(db) == raw_state(clean)


# --- 4. two runs at once -----------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("lock_wait", ["0", "300"])
def test_two_extracts_at_once_one_waits_or_exits_3(tmp_path: Path, lock_wait: str) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for path in (seed("000"), seed("003"), SWU_PDF, XIAN_PDF):  # 西安 holds the lock a few seconds
        shutil.copy(path, folder)
    db = tmp_path / "w.duckdb"
    cmd = [str(FISCALWH), "extract", str(folder), "--db", str(db), "--lock-wait", lock_wait]
    procs = [subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=600) for p in procs]
    codes = [p.returncode for p in procs]
    if lock_wait == "0":
        assert sorted(codes) == [0, 3], outputs
        winner, loser = (0, 1) if codes[0] == 0 else (1, 0)
        err = outputs[loser][1].strip().splitlines()
        assert len(err) == 1 and f"(PID {procs[winner].pid})" in err[0], err
    else:
        assert codes == [0, 0], outputs
        assert sorted(out.split(" extracted")[0] for out, _ in outputs) == ["documents: 0", "documents: 4"]
    clean = tmp_path / "clean.duckdb"
    extract_paths([folder], clean)
    assert raw_state(db) == raw_state(clean)


# --- 5. the whole run over the corpus plus bad files ------------------------------------------

HUGE = "100000000000000000000"


def bad_files(folder: Path) -> dict[str, str]:
    """Bad files of every kind, written into folder: file name -> the status it must get."""
    from .pdf_fixtures import truncated_pdf, zero_byte_pdf

    folder.mkdir()
    rng = random.Random(7)
    binary = bytearray(rng.randrange(256) for _ in range(4096))
    binary[::50] = bytes(len(binary[::50]))
    (folder / "image.txt").write_bytes(bytes(binary))
    zero_byte_pdf(folder / "empty.pdf")
    truncated_pdf(folder / "truncated.pdf", PUTUO_PDF)
    (folder / "report.docx").write_bytes(b"PK\x03\x04 not really a docx")
    (folder / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(folder / "english.pdf"))
    pdf.drawString(72, 760, "Annual report 2024 of an unrelated company")
    pdf.drawString(72, 740, "Revenue 1,234.56 thousand dollars; costs 987.65 thousand dollars.")
    pdf.showPage()
    pdf.save()
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    lines = seed("003").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[104] = lines[104].replace("\t0.00\t", f"\t{HUGE}\t", 1)
    (folder / "huge_number.txt").write_text("".join(lines), encoding="utf-8")
    return {"image.txt": "failed", "empty.pdf": "failed", "truncated.pdf": "failed", "report.docx": "unsupported",
            "scan.png": "unsupported", "english.pdf": "no_tables", "loop.txt": "failed", "huge_number.txt": "partial"}


@pytest.mark.slow
def test_run_over_the_corpus_plus_bad_files(tmp_path: Path, monkeypatch) -> None:
    from dagster_project.run import run_pipeline
    from dagster_project.settings import Settings

    assert (REPO / "dbt" / "target" / "manifest.json").exists(), "run `make manifest` first"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in [*TEXT.glob("*.txt"), *PDF.glob("*.pdf")]:
        shutil.copy(f, corpus / f.name)
    expected_bad = bad_files(corpus / "bad")
    monkeypatch.setenv("FISCALWH_CORPUS", str(corpus))
    monkeypatch.setenv("FISCALWH_DB", str(tmp_path / "data" / "warehouse.duckdb"))
    monkeypatch.setenv("FISCALWH_GX_DOCS", str(tmp_path / "gx_docs"))
    monkeypatch.delenv("FISCALWH_PUBLISHED_DB", raising=False)
    settings = Settings.from_env()

    started = time.monotonic()
    outcome = run_pipeline(settings)
    elapsed = time.monotonic() - started
    db = settings.db_path
    docs = {name: (status, error) for name, status, error in
            _rows(db, "select file_name, status, error from raw.documents")}
    by_status = _rows(db, "select status, count(*) from raw.documents group by 1 order by 1")
    print(f"\nbad-folder run: {elapsed:.1f} s (publishing {outcome.publish_seconds:.2f} s); "
          f"documents by status: {by_status}")
    assert outcome.success
    assert len(docs) == 9 + len(expected_bad)
    assert {name: docs[name][0] for name in expected_bad} == expected_bad
    assert all(error for status, error in docs.values() if status != "ok"), docs
    assert docs["huge_number.txt"][1] and HUGE in docs["huge_number.txt"][1]
    assert docs["loop.txt"][1].startswith("cannot read file")
    # every bad file is an input problem with its reason, none a crash of the extractor code
    assert _rows(db, "select count(*) from raw.extraction_issues where message like 'Traceback%'") == [(0,)]
    good = {n: s for n, (s, _) in docs.items() if n not in expected_bad}
    # as without the bad files (西安 is ok: its scanned page 8 is read by OCR)
    assert sorted(good.values()) == ["no_tables"] * 2 + ["ok"] * 7
    # the marts are built and the identities checked for every document that loaded
    assert _rows(db, "select count(distinct doc_id) from marts.fct_expenditure_by_subject")[0][0] >= 7
    checked = {r[0] for r in _rows(db, "select distinct d.file_name from audit.identity_results "
                                       "join raw.documents d using (doc_id)")}
    loaded = {n for n, (s, _) in docs.items() if s in ("ok", "partial")}
    assert loaded <= checked, loaded - checked
    # ... and BI tools get a copy of it
    assert outcome.published == settings.published_db == db.parent / "published" / "warehouse.duckdb"
    assert _rows(settings.published_db, "select count(*) from raw.documents") == [(len(docs),)]


# --- 6. byte-mutated PDFs --------------------------------------------------------------------

def small_pdfs(folder: Path) -> list[Path]:
    """Small PDFs to mutate: table pages of two real disclosures, and one generated from a text dump."""
    import pypdfium2 as pdfium

    from .pdf_fixtures import text_to_pdf

    pdfs = []
    for source, pages in ((PUTUO_PDF, [5, 6]), (SWU_PDF, [7, 8])):
        src, new = pdfium.PdfDocument(str(source)), pdfium.PdfDocument.new()
        new.import_pages(src, pages)
        new.save(str(folder / f"{source.stem[:4]}.pdf"))
        new.close()
        src.close()
        pdfs.append(folder / f"{source.stem[:4]}.pdf")
    head = folder / "003_head.txt"
    head.write_text("".join(seed("003").read_text(encoding="utf-8").splitlines(keepends=True)[:200]),
                    encoding="utf-8")
    pdfs.append(text_to_pdf(head, folder / "003_head.pdf"))
    return pdfs


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    mutated = bytearray(data)
    how = rng.choice(["flip", "delete", "truncate", "flip+delete"])
    if "flip" in how:
        for _ in range(rng.randint(1, 8)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
    if "delete" in how:
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(mutated))
            del mutated[at:at + rng.randint(1, 16)]
    if how == "truncate":
        del mutated[rng.randrange(len(mutated)):]
    return how, bytes(mutated)


@pytest.mark.slow
def test_fuzzed_pdfs_end_with_a_status_and_a_reason(tmp_path: Path) -> None:
    bases = small_pdfs(tmp_path)
    for base in bases:
        assert extract_document(base).result.status in ("ok", "partial")
    rng = random.Random(20261201)
    statuses: dict[str, int] = {}
    started = time.monotonic()
    for n in range(300):
        base = bases[(0, 1, 2, 1, 2)[n % 5]]  # 普陀 (its fonts are not embedded: pdfplumber, slow) 1 in 5
        how, data = mutate(base.read_bytes(), rng)
        path = tmp_path / f"variant_{n:03}.pdf"
        path.write_bytes(data)
        result = extract_document(path).result  # raises nothing
        where = (n, base.name, how, result.status, result.error)
        assert result.status in STATUSES, where
        assert result.status == "ok" or result.error, where
        # a damaged file is an input problem with its reason, never a crash of the extractor code
        assert not any(i.message.startswith("Traceback") for i in result.issues), where
        statuses[result.status] = statuses.get(result.status, 0) + 1
        path.unlink()
    elapsed = time.monotonic() - started
    print(f"\nPDF fuzz: 300 variants in {elapsed:.1f} s: {statuses}")
    assert statuses.get("failed", 0) > 0 and statuses.get("ok", 0) + statuses.get("partial", 0) > 100
    assert elapsed < 180


def test_a_killed_runs_pool_slot_is_released_for_the_next_run(tmp_path: Path) -> None:
    """A `fiscalwh run` killed mid-step leaves its run STARTED and its DuckDB pool slot claimed: the next
    run would wait for that slot forever. release_dead_runs frees it and marks the run failed; a run of
    a live process keeps its slot."""
    import dagster as dg
    from dagster._core.storage.dagster_run import DagsterRun, DagsterRunStatus

    from dagster_project.assets import DUCKDB_POOL
    from dagster_project.run import PID_TAG, release_dead_runs

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        storage = instance.event_log_storage
        storage.set_concurrency_slots(DUCKDB_POOL, 1)
        for run_id, pid in (("killed", dead.pid), ("alive", os.getpid())):
            instance.add_run(DagsterRun(job_name="__ASSET_JOB", run_id=run_id, status=DagsterRunStatus.STARTED,
                                        tags={PID_TAG: str(pid)}))
        assert storage.claim_concurrency_slot(DUCKDB_POOL, "killed", "warehouse_models").is_claimed
        assert not storage.claim_concurrency_slot(DUCKDB_POOL, "alive", "warehouse_models").is_claimed
        storage.free_concurrency_slots_for_run("alive")  # it waits: no claim pending
        assert release_dead_runs(instance) == ["killed"]
        assert instance.get_run_by_id("killed").status == DagsterRunStatus.FAILURE
        assert storage.claim_concurrency_slot(DUCKDB_POOL, "alive", "warehouse_models").is_claimed
        assert release_dead_runs(instance) == []  # the live run keeps its slot
        assert instance.get_run_by_id("alive").status == DagsterRunStatus.STARTED
