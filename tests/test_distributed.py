"""Past one machine (README "Deployment past one machine"): a Dagster instance in PostgreSQL, extraction
steps on a Dask cluster writing into a DuckLake (catalog in PostgreSQL, data files in a folder), dbt on
the lake; the marts equal those of the single-machine build of the same files.

PostgreSQL is the Debian package's server, started here in a temporary folder (as the postgres user
when we are root: initdb refuses root). Skipped only when its binaries are not installed.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import PDF, TEXT
from tests.dbt_runner import run_dbt

pytestmark = pytest.mark.slow

PG_BINS = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
# the text files and the 西南大学 决算 PDF: every raw table family, in a few minutes on two cores
SUBSET = [*sorted(TEXT.glob("*.txt")), PDF / "西南大学2023年度部门决算.pdf"]
WORKERS = 2


@dataclass(frozen=True)
class Postgres:
    port: int

    def url(self, db: str) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{db}"

    def libpq(self, db: str) -> str:
        return f"dbname={db} host=127.0.0.1 port={self.port} user=postgres"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    if not PG_BINS:
        pytest.skip("PostgreSQL binaries not installed (Debian package postgresql; .ci/run installs it)")
    bin_dir = Path(PG_BINS[-1]).parent
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    base = Path(tempfile.mkdtemp(prefix="fiscalwh-pg-"))
    if as_postgres:
        shutil.chown(base, "postgres")
    data, port = base / "data", _free_port()
    run = lambda *cmd: subprocess.run([*as_postgres, *map(str, cmd)], check=True, capture_output=True)  # noqa: E731
    run(bin_dir / "initdb", "-D", data, "--auth=trust", "-U", "postgres", "-E", "UTF8", "--no-locale")
    run(bin_dir / "pg_ctl", "-D", data, "-l", base / "log", "-w", "start",
        "-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {base}")
    try:
        for db in ("dagster", "lake"):
            run(bin_dir / "createdb", "-h", "127.0.0.1", "-p", port, "-U", "postgres", db)
        yield Postgres(port)
    finally:
        run(bin_dir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@dataclass(frozen=True)
class Stack:
    run_id: str
    dagster_home: Path
    lake_catalog: str
    lake_data: Path
    single_db: Path


@pytest.fixture(scope="module")
def stack(postgres: Postgres, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The subset extracted through the distributed stack and built by dbt on the lake; beside it, the
    single-machine build (DuckDB file, `fiscalwh extract` + dbt) of the same files."""
    import dagster as dg
    from dagster_dbt import DbtCliResource

    from dagster_project.distributed import LAKE, extract_to_lake, extraction_run_config, lake_models
    from dagster_project.project import dbt_project
    from dagster_project.resources import dbt_executable
    from extract.pipeline import extract_paths

    root = tmp_path_factory.mktemp("distributed")
    corpus = root / "corpus"
    corpus.mkdir()
    for path in SUBSET:
        (corpus / path.name).symlink_to(path)
    home, lake_data = root / "dagster_home", root / "lake"
    home.mkdir()
    shutil.copy(Path(__file__).parents[1] / "deploy" / "dagster.yaml", home / "dagster.yaml")
    with pytest.MonkeyPatch.context() as env:  # read by the run, every Dask worker and dbt
        env.setenv("DAGSTER_PG_URL", postgres.url("dagster"))
        env.setenv("FISCALWH_LAKE_CATALOG", postgres.libpq("lake"))
        env.setenv("FISCALWH_LAKE_DATA", str(lake_data))
        instance = dg.DagsterInstance.from_config(str(home))
        cluster = {"local": {"n_workers": WORKERS, "threads_per_worker": 1, "dashboard_address": None}}
        extracted = dg.execute_job(dg.reconstructable(extract_to_lake), instance=instance,
                                   run_config=extraction_run_config(corpus, cluster))
        assert extracted.success
        built = dg.materialize([lake_models], instance=instance, resources={
            "lake": LAKE, "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())})
        assert built.success
        single = root / "single" / "warehouse.duckdb"
        extract_paths([corpus], single)
        for command in ("seed", "run"):  # the marts (the dbt tests ran on the lake)
            assert run_dbt([command], single, root / "single").returncode == 0
        yield Stack(extracted.run_id, home, postgres.libpq("lake"), lake_data, single)


def _lake(stack: Stack):
    from extract.lake import Lake, connect_lake

    return connect_lake(Lake(stack.lake_catalog, str(stack.lake_data)))


def test_runs_and_events_are_stored_in_postgres(stack: Stack, postgres: Postgres):
    import dagster as dg
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage

    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_PG_URL", postgres.url("dagster"))
        instance = dg.DagsterInstance.from_config(str(stack.dagster_home))  # a second process would do this
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        run = instance.get_run_by_id(stack.run_id)
        assert run is not None and run.status == dg.DagsterRunStatus.SUCCESS
        partitions = instance.get_dynamic_partitions("documents")
    assert len(partitions) == len(SUBSET)


def test_extraction_steps_ran_on_the_dask_cluster(stack: Stack, postgres: Postgres):
    """The four extraction steps ran (started, succeeded) on the Dask executor, each document written
    by a Dask worker process (not this one). Whether two steps overlap in time depends on how long they
    take (one Arrow insert per table makes them short): the writers' concurrency is proven with a
    barrier by test_writers_of_the_same_document_at_once_both_land_and_it_is_stored_once."""
    import dagster as dg

    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_PG_URL", postgres.url("dagster"))
        instance = dg.DagsterInstance.from_config(str(stack.dagster_home))
        records = instance.all_logs(stack.run_id)
        run = instance.get_run_by_id(stack.run_id)
    assert run is not None and "local" in run.run_config["execution"]["config"]["cluster"]  # the dask executor's
    spans: dict[str, list[dg.DagsterEventType]] = {}
    workers: set[str] = set()
    for r in records:
        event = r.dagster_event
        if event is None or not (event.step_key or "").startswith("extract_shard_"):
            continue
        if event.event_type in (dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS):
            spans.setdefault(event.step_key, []).append(event.event_type)
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            workers.add(event.event_specific_data.materialization.metadata["worker"].value)
    assert spans == {f"extract_shard_{i}": [dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS]
                     for i in range(4)}
    assert workers and str(os.getpid()) not in {w.split(":")[-1] for w in workers}, workers


def test_the_lake_holds_every_document_once_as_printed(stack: Stack):
    with _lake(stack) as con:
        docs = con.execute("select count(*), count(distinct doc_id), count(*) filter (status = 'failed') "
                           "from raw.documents").fetchone()
        # 西南大学 2023 决算, 表3 支出决算表 (p. 13 of the PDF): 合计 457676.75, 其中 基本支出 359781.59 万元
        cells = con.execute("""select c.column_key, c.value from raw.table_cells c join raw.documents d using (doc_id)
                               where d.file_name = '西南大学2023年度部门决算.pdf' and c.table_code = 'T03'
                                 and c.row_key = 'total' order by 1""").fetchall()
    assert docs == (len(SUBSET), len(SUBSET), 0)
    assert dict(cells)["total"] == Decimal("457676.75") and dict(cells)["basic"] == Decimal("359781.59")


def test_marts_on_the_lake_equal_the_single_machine_build(stack: Stack):
    """Every mart_/fct_/dim_ table, row for row, but for the extraction's provenance (when, and by which
    version of the extractor code: the two builds ran minutes apart)."""
    provenance = ("extracted_at", "extractor_version")
    with _lake(stack) as con:
        con.execute(f"attach '{stack.single_db}' as single (read_only)")
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'single' "
            "and table_schema = 'marts' and table_type = 'BASE TABLE' "
            "and regexp_matches(table_name, '^(mart|fct|dim)_') order by 1").fetchall()]
        compared = {}
        for table in tables:
            columns = [r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_catalog = 'single' "
                "and table_schema = 'marts' and table_name = ? order by ordinal_position", [table]).fetchall()]
            listed = ", ".join(f'"{c}"' for c in columns if c not in provenance)
            single, lake = (f"select {listed} from {db}.marts.{table}" for db in ("single", "lake"))
            compared[table] = con.execute(f"""select (select count(*) from ({single})), (select count(*) from ({lake})),
                (select count(*) from ({single} except all {lake})), (select count(*) from ({lake} except all {single}))
            """).fetchone()
    assert len(tables) >= 20, tables
    assert {t: c for t, c in compared.items() if c[0] != c[1] or c[2] or c[3]} == {}
    assert sum(c[0] for c in compared.values()) > 1000  # the comparison is not of empty tables
    for table in ("dim_document", "fct_fiscal_grant_summary", "fct_expenditure_by_subject", "fct_narrative_figure",
                  "fct_performance_indicator"):
        assert compared[table][0] > 0, table


def _write_at_once(lake: tuple[str, str], extraction, barrier) -> tuple[str, str | None]:
    from extract.lake import Lake, connect_lake
    from extract.writer import write_document

    with connect_lake(Lake(*lake)) as con:
        barrier.wait()
        write_document(con, extraction.result, extraction.file_path, extraction.n_pages)
    return extraction.result.status, extraction.result.error


def test_writers_of_the_same_document_at_once_both_land_and_it_is_stored_once(stack: Stack):
    """Two processes replace the same document at the same moment: DuckLake rejects the later commit
    (both deleted the same rows), the writer retries it; neither is recorded as failed, no row twice."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from extract.pipeline import extract_document

    extraction = extract_document(TEXT / "001_be4a0c6940302084.txt")
    spawn = multiprocessing.get_context("spawn")
    with spawn.Manager() as manager, ProcessPoolExecutor(2, mp_context=spawn) as pool:
        barrier = manager.Barrier(2)
        lake = (stack.lake_catalog, str(stack.lake_data))
        outcomes = list(pool.map(_write_at_once, [lake] * 2, [extraction] * 2, [barrier] * 2))
    assert outcomes == [("ok", None), ("ok", None)]
    with _lake(stack) as con:
        rows = con.execute("select count(*), count(distinct (sentence_index, line_index)) from raw.narrative_sentences "
                           "where doc_id = ?", [extraction.result.doc_id]).fetchone()
        docs = con.execute("select count(*), any_value(status) from raw.documents where doc_id = ?",
                           [extraction.result.doc_id]).fetchone()
    assert docs == (1, "ok") and rows[0] == rows[1] > 0
