"""`fiscalwh run`: the whole pipeline in-process (extract new documents, dbt build, checks)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from extract.pipeline import InputError, extract_document, input_files, known_documents, pending_files
from extract.writer import DEFAULT_LOCK_WAIT, LOCKED, WarehouseLocked, connect, ensure_schema, publish, write_document

from .partitions import DOCUMENTS_PARTITIONS
from .settings import Settings


@dataclass
class RunOutcome:
    extracted: list[str]  # doc_ids extracted by this run
    unchanged: int  # files already in the warehouse
    success: bool
    published: Path | None = None  # the copy for BI tools, when this run replaced it
    publish_seconds: float | None = None


def new_documents(files: list[Path], db_path: Path, lock_wait: float = 0.0) -> tuple[dict[str, Path], int]:
    """{sha256: path} of the files not yet extracted (by this extractor code), and the rest.

    A file that cannot be read (so has no sha256 to be a partition) is recorded as failed here.
    Raises WarehouseLocked when another process holds the warehouse for longer than lock_wait s.
    """
    with connect(db_path, wait=lock_wait) as con:
        ensure_schema(con)
        pending, unchanged = pending_files(files, known_documents(con))
        for path, sha in pending:
            if sha is None:
                extraction = extract_document(path)
                write_document(con, extraction.result, extraction.file_path, extraction.n_pages)
    return {sha: path for path, sha in pending if sha is not None}, unchanged


def run_pipeline(settings: Settings, instance: dg.DagsterInstance | None = None,
                 lock_wait: float = 0.0) -> RunOutcome:
    """Extract the new documents, build the dbt models, check the identities; when all of that
    succeeded, publish a copy of the warehouse for BI tools (settings.published_db).
    Raises WarehouseLocked when another process holds the warehouse at the start or at publishing."""
    from .assets import corpus_documents, warehouse_models
    from .checks import identity_checks
    from .resources import build_resources

    instance = instance or dg.DagsterInstance.ephemeral()
    quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    new, unchanged = new_documents(input_files([settings.corpus_dir]), settings.db_path, lock_wait)
    resources = build_resources(settings)
    instance.add_dynamic_partitions(DOCUMENTS_PARTITIONS, list(new))
    for sha, path in new.items():
        dg.materialize(
            [corpus_documents], partition_key=sha, instance=instance, resources=resources,
            run_config={**quiet, "ops": {"corpus_documents": {"config": {"path": str(path)}}}},
        )
    # dbt, then the checks in a run of their own: a failed build never skips the identity checks
    # of the documents that loaded (the cell identities read the raw tables).
    built = dg.materialize(
        [corpus_documents, warehouse_models, *identity_checks],
        selection=dg.AssetSelection.assets(warehouse_models) - dg.AssetSelection.checks(*identity_checks),
        instance=instance, resources=resources, raise_on_error=False, run_config=quiet,
    )
    checked = dg.materialize(
        [corpus_documents, warehouse_models, *identity_checks],
        selection=dg.AssetSelection.checks(*identity_checks),
        instance=instance, resources=resources, raise_on_error=False, run_config=quiet,
    )
    outcome = RunOutcome(list(new), unchanged, built.success and checked.success)
    if outcome.success:  # BI tools never see a half-built warehouse, nor hold the build file
        outcome.publish_seconds = publish(settings.db_path, settings.published_db, wait=lock_wait)
        outcome.published = settings.published_db
    return outcome


def summary_lines(db_path: Path, lock_wait: float = 0.0) -> list[str]:
    """What the warehouse holds, for the end of `make run`."""
    with connect(db_path, read_only=True, wait=lock_wait) as con:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        docs = q("select status, count(*) from raw.documents group by 1 order by 1")
        lines = [
            "documents: " + ", ".join(f"{n} {s}" for s, n in docs),
            "tables: {} located ({} empty)".format(
                *q("select count(*), count(*) filter (status = 'empty') from raw.document_tables")[0]),
            "cells: {} ({} blank)".format(
                *q("select count(*), count(*) filter (value is null) from raw.table_cells")[0]),
            "extraction issues: {}".format(q("select count(*) from raw.extraction_issues")[0][0]),
        ]
        has_audit = q("select count(*) from information_schema.tables where table_schema = 'audit' "
                      "and table_name = 'identity_results'")[0][0]
        if has_audit:
            results = q("select status, count(*) from audit.identity_results group by 1 order by 1")
            lines.append("identity checks: " + ", ".join(f"{n} {s}" for s, n in results))
        marts = q("select table_schema || '.' || table_name from information_schema.tables "
                  "where table_name like 'mart_%' order by 1")
        for (mart,) in marts:
            lines.append(f"{mart}: {q(f'select count(*) from {mart}')[0][0]} rows")
    return lines


def main(lock_wait: float = DEFAULT_LOCK_WAIT) -> int:
    settings = Settings.from_env()
    try:
        outcome = run_pipeline(settings, lock_wait=lock_wait)
        lines = summary_lines(settings.db_path, lock_wait)
    except InputError as exc:
        print(f"fiscalwh run: corpus {settings.corpus_dir}: {exc}", file=sys.stderr)
        return 2
    except WarehouseLocked as exc:
        print(f"fiscalwh run: {exc}", file=sys.stderr)
        return LOCKED
    print(f"extracted {len(outcome.extracted)} new document(s), {outcome.unchanged} unchanged "
          f"(corpus: {settings.corpus_dir})")
    print(f"warehouse: {settings.db_path}")
    for line in lines:
        print("  " + line)
    if outcome.published is not None:
        print(f"published for BI tools (open it read-only): {outcome.published} "
              f"(copied in {outcome.publish_seconds:.2f} s)")
    else:
        print(f"published copy not replaced (the run failed): {settings.published_db}")
    print(f"GX data docs: {settings.gx_docs_dir}")
    return 0 if outcome.success else 1
