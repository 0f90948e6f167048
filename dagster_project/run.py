"""`fiscalwh run`: the whole pipeline in-process (extract new documents, dbt build, checks)."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import dagster as dg
from tqdm import tqdm

from extract.ocr import OcrSettings
from extract.pipeline import (
    InputError,
    extract_files,
    input_files,
    known_documents,
    pending_files,
    process_alive,
)
from extract.writer import DEFAULT_LOCK_WAIT, LOCKED, WarehouseLocked, connect, ensure_schema, publish, write_document

from .partitions import DOCUMENTS_PARTITIONS, partition_key
from .project import dbt_project
from .resources import dbt_executable
from .settings import Settings


@dataclass
class RunOutcome:
    extracted: list[str]  # partition keys of the documents extracted by this run
    unchanged: int  # files already in the warehouse
    success: bool
    published: Path | None = None  # the copy for BI tools, when this run replaced it
    publish_seconds: float | None = None
    dbt: dict[str, int] = field(default_factory=dict)  # dbt build: models, tests, failing tests
    seconds: dict[str, float] = field(default_factory=dict)  # per stage
    # (start, end) in time.monotonic per stage, in order: extract, dbt, checks, report, exports, publish
    stages: dict[str, tuple[float, float]] = field(default_factory=dict)


def extract_new_documents(settings: Settings, instance: dg.DagsterInstance, lock_wait: float = 0.0,
                          force: bool = False, workers: int | None = None,
                          progress: TextIO | None = None) -> tuple[list[str], int]:
    """Extract the corpus files not yet extracted by this extractor code (all with force), in parallel
    processes, each written as soon as it is done and recorded in Dagster as a materialization of its
    document partition (the raw table assets). -> (partition keys extracted, files unchanged).
    A file that cannot be read (so has no sha256 to be a partition) is recorded as failed, not a partition.
    Raises WarehouseLocked when another process holds the warehouse for longer than lock_wait s."""
    from .assets import raw_table_metadata

    files = input_files([settings.corpus_dir])
    with connect(settings.db_path, wait=lock_wait) as con:
        ensure_schema(con)
        pending, unchanged = pending_files(files, set() if force else known_documents(con))
        keys = [partition_key(path, sha) if sha else None for path, sha in pending]
        instance.add_dynamic_partitions(DOCUMENTS_PARTITIONS, [k for k in keys if k])
        bar = tqdm(total=len(pending), desc="extracting", file=progress, disable=progress is None or not pending,
                   bar_format="{desc}: {n}/{total} documents {bar:20} {postfix} [{elapsed}]")
        pages = 0
        extractions = extract_files(pending, workers, OcrSettings.beside(settings.db_path))
        for ((path, _), key), ex in zip(zip(pending, keys, strict=True), extractions,
                                        strict=True):
            write_document(con, ex.result, ex.file_path, ex.n_pages)
            for asset_key, metadata in raw_table_metadata(ex, path) if key else ():
                instance.report_runless_asset_event(
                    dg.AssetMaterialization(asset_key=asset_key, partition=key, metadata=metadata))
            pages += ex.n_pages or 0
            bar.set_postfix_str(f"{pages} pages, {pages / max(bar.format_dict['elapsed'], 1e-9):.1f} pages/s")
            bar.update()
        bar.close()
    return [k for k in keys if k], unchanged


PID_TAG = "fiscalwh/pid"  # the process of an in-process run (`fiscalwh run`)


def release_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Runs a killed `fiscalwh run` left behind: marked failed and their pool slots freed, else the
    next run waits for those slots forever. A run holding a slot is released when it has ended, or
    when it was in progress in a process of this machine that is gone. -> the run ids released."""
    released = []
    for run_id in instance.event_log_storage.get_concurrency_run_ids():
        run = instance.get_run_by_id(run_id)
        pid = run.tags.get(PID_TAG) if run else None
        if run is not None and not run.is_finished and not (pid and pid.isdigit() and not process_alive(int(pid))):
            continue
        if run is not None and not run.is_finished:
            instance.report_run_failed(run, f"its process {pid} is gone (a killed `fiscalwh run`)")
        instance.event_log_storage.free_concurrency_slots_for_run(run_id)
        released.append(run_id)
    return released


@contextlib.contextmanager
def _quiet(log: TextIO | None) -> Iterator[None]:
    """Dagster's and dbt's output into the log file (None: to the terminal, as they print it)."""
    if log is None:
        yield
        return
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    streams = [h.setStream(log) for h in handlers]
    try:
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            yield
    finally:
        for h, stream in zip(handlers, streams, strict=True):
            h.setStream(stream)


def _check_timings(result: dg.ExecuteInProcessResult) -> dict[str, tuple[float, float]]:
    """The stages of the check step (checks, report, exports) from its results' metadata."""
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            found = event.event_specific_data.metadata.get("timings")  # type: ignore[union-attr]
            if found is not None:
                return {k: (v[0], v[1]) for k, v in json.loads(str(found.value)).items()}
    return {}


def _dbt_counts(result: dg.ExecuteInProcessResult) -> dict[str, int]:
    models = {e.asset_key for e in result.get_asset_materialization_events()}
    tests = [e for e in result.all_events if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION]
    failing = [e for e in tests if not e.event_specific_data.passed]  # type: ignore[union-attr]
    return {"models": len(models), "tests": len(tests), "failing": len(failing)}


def run_pipeline(settings: Settings, instance: dg.DagsterInstance | None = None, lock_wait: float = 0.0,
                 force: bool = False, workers: int | None = None, log: TextIO | None = None,
                 progress: TextIO | None = None, full_refresh: bool = False) -> RunOutcome:
    """Extract the new documents, build the dbt models, check the identities; when all of that
    succeeded, publish a copy of the warehouse for BI tools (settings.published_db).
    Incremental: the incremental dbt models take the new documents' rows only and the checks judge the
    new or changed documents (and those they pair with); full_refresh (implied by force) rebuilds and
    re-checks everything.
    Dagster's and dbt's output go to `log` (None: printed); a progress bar to `progress`.
    Raises WarehouseLocked when another process holds the warehouse at the start or at publishing."""
    from .assets import corpus_documents, warehouse_models
    from .checks import identity_checks
    from .resources import build_resources

    if instance is None:
        instance = (dg.DagsterInstance.from_config(str(settings.dagster_home)) if settings.dagster_home
                    else dg.DagsterInstance.ephemeral())
    quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    stages: dict[str, tuple[float, float]] = {}
    start = time.monotonic()
    release_dead_runs(instance)
    new, unchanged = extract_new_documents(settings, instance, lock_wait, force, workers, progress)
    # the dbt asset rebuilds in full by itself when an incremental build would be wrong (dbt_state.py)
    full_refresh = full_refresh or force
    resources = build_resources(settings)
    stages["extract"] = (start, start := time.monotonic())
    # dbt, then the checks in a run of their own: a failed build never skips the identity checks
    # of the documents that loaded (the cell identities read the raw tables).
    with _quiet(log):
        built = dg.materialize(
            [corpus_documents, warehouse_models, *identity_checks],
            selection=dg.AssetSelection.assets(warehouse_models) - dg.AssetSelection.checks(*identity_checks),
            instance=instance, resources=resources, raise_on_error=False, tags={PID_TAG: str(os.getpid())},
            run_config={**quiet, "ops": {"warehouse_models": {"config": {"full_refresh": full_refresh}}}},
        )
    stages["dbt"] = (start, start := time.monotonic())
    check_config = {"ops": {"accounting_identity_checks": {"config": {
        "gx_docs_dir": str(settings.gx_docs_dir), "full_refresh": full_refresh}}}}
    with _quiet(log):
        checked = dg.materialize(
            [corpus_documents, warehouse_models, *identity_checks],
            selection=dg.AssetSelection.checks(*identity_checks),
            instance=instance, resources=resources, raise_on_error=False, tags={PID_TAG: str(os.getpid())},
            run_config={**quiet, **check_config},
        )
    stages["checks"] = (start, time.monotonic())
    inner = _check_timings(checked)
    if inner:  # the check step's own stages; its Dagster overhead counts as checks
        stages["checks"] = (stages["checks"][0], inner["checks"][1])
        stages.update({k: v for k, v in inner.items() if k != "checks"})
    outcome = RunOutcome(list(new), unchanged, built.success and checked.success, dbt=_dbt_counts(built),
                         seconds={"extract": stages["extract"][1] - stages["extract"][0],
                                  "dbt": stages["dbt"][1] - stages["dbt"][0],
                                  "checks": time.monotonic() - stages["checks"][0]},
                         stages=stages)
    if outcome.success:  # BI tools never see a half-built warehouse, nor hold the build file
        start = time.monotonic()
        outcome.publish_seconds = publish(settings.db_path, settings.published_db, wait=lock_wait)
        outcome.published = settings.published_db
        stages["publish"] = (start, time.monotonic())
    return outcome


def dbt_docs(settings: Settings, log: TextIO | None) -> Path | None:
    """The dbt docs site as one static file (opens from file://, offline): dbt/target/static_index.html."""
    warehouse = json.dumps({"fiscalwh_db": str(settings.db_path)})
    done = subprocess.run(
        [dbt_executable(), "--no-use-colors", "docs", "generate", "--static", "--no-partial-parse",
         "--project-dir", str(dbt_project.project_dir), "--profiles-dir", str(dbt_project.profiles_dir),
         "--vars", warehouse], stdout=log, stderr=subprocess.STDOUT if log else None, check=False)
    path = Path(dbt_project.project_dir) / "target" / "static_index.html"
    return path if done.returncode == 0 and path.exists() else None


def outcome_lines(db_path: Path, lock_wait: float = 0.0, top: int = 10) -> list[str]:
    """Per-document outcomes and the top findings, for the end of `make run`."""
    with connect(db_path, read_only=True, wait=lock_wait) as con:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        has_audit = q("select count(*) from information_schema.tables where table_schema = 'audit' "
                      "and table_name = 'identity_results'")[0][0]
        counts = ("count(*) filter (r.severity = 'error'), count(*) filter (r.severity = 'warning'), "
                  "count(*) filter (r.severity = 'info')") if has_audit else "null, null, null"
        join = "left join audit.identity_results r using (doc_id)" if has_audit else ""
        docs = q(f"""select d.file_name, coalesce(d.fiscal_year::varchar, '—'), d.doc_kind,
                            coalesce(d.template_variant, '—'), d.status,
                            (select count(*) from raw.document_tables t where t.doc_id = d.doc_id), {counts}
                     from raw.documents d {join} group by all order by d.file_name""")
        lines = [f"{'document':<34} {'year':>4} {'kind':<14} {'variant':<13} {'outcome':<11} "
                 f"{'tables':>6} {'error':>5} {'warn':>5} {'info':>5}"]
        for name, year, kind, variant, status, tables, errors, warnings, infos in docs:
            short = name if len(name) <= 30 else name[:29] + "…"
            pad = 34 - sum(2 if ord(c) > 0x2E80 else 1 for c in short)  # CJK characters are two columns wide
            lines.append(f"{short}{' ' * max(pad, 1)} {year:>4} {kind:<14} {variant:<13} {status:<11} "
                         f"{tables:>6} {errors or 0:>5} {warnings or 0:>5} {infos or 0:>5}")
        if has_audit:
            results = q("select status, count(*) from audit.identity_results group by 1 order by 1")
            lines.append("identity checks: " + ", ".join(f"{n} {s}" for s, n in results))
            findings = q(f"""select d.file_name, r.identity_id, r.message from audit.identity_results r
                             join raw.documents d using (doc_id) where r.severity = 'error'
                             order by d.file_name, r.identity_id limit {top}""")
            if findings:
                lines.append(f"top findings (errors, {len(findings)} shown):")
                lines += [f"  {name[:24]}  {identity}: {message[:90]}" for name, identity, message in findings]
    return lines


def main(settings: Settings | None = None, lock_wait: float = DEFAULT_LOCK_WAIT, force: bool = False,
         verbose: bool = False, workers: int | None = None, full_refresh: bool = False) -> int:
    settings = settings or Settings.from_env()
    log_path = settings.db_path.parent / "logs" / "fiscalwh-run.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"fiscalwh run: {settings.corpus_dir} → {settings.db_path}"
          + ("" if verbose else f" (Dagster and dbt output: {log_path})"))
    with open(log_path, "w", encoding="utf-8") as log_file:
        log = None if verbose else log_file
        try:
            outcome = run_pipeline(settings, lock_wait=lock_wait, force=force, workers=workers, log=log,
                                   progress=sys.stderr, full_refresh=full_refresh)
            docs = dbt_docs(settings, log)
            lines = outcome_lines(settings.db_path, lock_wait)
        except InputError as exc:
            print(f"fiscalwh run: corpus {settings.corpus_dir}: {exc}", file=sys.stderr)
            return 2
        except WarehouseLocked as exc:
            print(f"fiscalwh run: {exc}", file=sys.stderr)
            return LOCKED
    s = outcome.seconds
    print(f"extracted {len(outcome.extracted)} new document(s) in {s['extract']:.0f} s, {outcome.unchanged} "
          f"unchanged; dbt build {s['dbt']:.0f} s ({outcome.dbt['models']} models, {outcome.dbt['tests']} tests, "
          f"{outcome.dbt['failing']} warning: rows in schema audit); checks {s['checks']:.0f} s")
    for line in lines:
        print(line)
    published = outcome.published or settings.published_db
    print(("published for BI tools (open read-only): " if outcome.published
           else "the run failed; published copy NOT replaced: ") + str(published))
    print(f"dbt docs: {docs or 'not generated (see the log)'}")
    print(f"findings report: {settings.report_dir / 'index.html'}")
    print(f"marts as Parquet and CSV: {settings.exports_dir}")
    print(f"GX data docs: {settings.gx_docs_dir / 'index.html'}")
    print(f"findings in SQL (DuckDB CLI, DBeaver, any BI tool on {published.name}, read-only):")
    print("  select file_name, rule_id, severity, message from marts.mart_findings order by severity, file_name")
    if not outcome.success:
        print(f"see {log_path}", file=sys.stderr)
    return 0 if outcome.success else 1
