"""Watch the corpus folder: new or changed files become partitions, each with a run."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg

from extract.load import sha256_file
from extract.pipeline import discover

from .jobs import build_warehouse_job, check_identities_job, extract_documents_job
from .partitions import DOCUMENTS_PARTITIONS, documents_partitions, partition_key
from .settings import Settings


def scan(folder: Path, cursor: dict[str, list]) -> tuple[dict[str, Path], dict[str, list]]:
    """Files whose content is new since the cursor -> ({sha256: path}, new cursor).

    The cursor maps a path to [size, mtime_ns, sha256]; a file whose size and mtime are
    unchanged is not hashed again.
    """
    found: dict[str, Path] = {}
    new_cursor: dict[str, list] = {}
    for path in discover([folder]):
        stat = path.stat()
        signature = [stat.st_size, stat.st_mtime_ns]
        previous = cursor.get(str(path))
        if previous and previous[:2] == signature:
            new_cursor[str(path)] = previous
            continue
        sha = sha256_file(path)
        new_cursor[str(path)] = [*signature, sha]
        if not previous or previous[2] != sha:
            found[sha] = path
    return found, new_cursor


@dg.sensor(job=extract_documents_job, minimum_interval_seconds=30,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Registers new or changed files of the corpus folder (FISCALWH_CORPUS) as "
                       "document partitions and requests their extraction.")
def corpus_folder_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    settings = Settings.from_env()
    cursor = json.loads(context.cursor) if context.cursor else {}
    found, new_cursor = scan(settings.corpus_dir, cursor)
    known = set(context.instance.get_dynamic_partitions(DOCUMENTS_PARTITIONS))
    # a document `fiscalwh run` (or an earlier run) already extracted into this instance's history
    # is not extracted again when the UI starts with an empty cursor
    done = context.instance.get_materialized_partitions(dg.AssetKey(["raw", "documents"]))
    keys = {partition_key(path, sha): path for sha, path in found.items()}
    to_add = sorted(k for k in keys if k not in known)
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(partition_key=key, run_key=key,
                          run_config={"ops": {"corpus_documents": {"config": {"path": str(path)}}}})
            for key, path in sorted(keys.items()) if key not in done
        ],
        dynamic_partitions_requests=[documents_partitions.build_add_request(to_add)] if to_add else [],
        cursor=json.dumps(new_cursor, ensure_ascii=False),
    )


EXTRACTION_JOBS = ("extract_documents", "extract_file")
ACTIVE = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
          dg.DagsterRunStatus.STARTED]


@dg.sensor(job=build_warehouse_job, minimum_interval_seconds=30,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Builds the warehouse (dbt; the identity checks follow) once the extractions that "
                       "finished since the last build are all done: a dropped file reaches the marts "
                       "within minutes.")
def warehouse_after_extraction(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    runs = context.instance.get_run_records(dg.RunsFilter(job_name="build_warehouse"), limit=1)
    since = runs[0].create_timestamp if runs else None
    extractions = [r for job in EXTRACTION_JOBS for r in context.instance.get_run_records(
        dg.RunsFilter(job_name=job, created_after=since), limit=1000)]
    if any(r.dagster_run.status in ACTIVE for r in extractions):
        return dg.SkipReason("extractions still running")
    finished = [r for r in extractions if r.dagster_run.status == dg.DagsterRunStatus.SUCCESS]
    if not finished:
        return dg.SkipReason("no document extracted since the last build")
    latest = max(finished, key=lambda r: r.create_timestamp)
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=f"build-after-{latest.dagster_run.run_id}")])


def _checks_after_build(context: dg.RunStatusSensorContext) -> dg.RunRequest:
    return dg.RunRequest(run_key=f"checks-after-{context.dagster_run.run_id}")


# The identity checks after every warehouse build, successful or failed.
checks_after_build = dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS, monitored_jobs=[build_warehouse_job],
    request_job=check_identities_job, name="checks_after_build",
    default_status=dg.DefaultSensorStatus.RUNNING)(_checks_after_build)
checks_after_failed_build = dg.run_failure_sensor(
    monitored_jobs=[build_warehouse_job], request_job=check_identities_job, name="checks_after_failed_build",
    default_status=dg.DefaultSensorStatus.RUNNING)(_checks_after_build)
