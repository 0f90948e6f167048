"""Assets: each document's raw tables, and the dbt models built over them."""

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from dagster_duckdb import DuckDBResource

from extract.load import sha256_file
from extract.ocr import OcrSettings
from extract.pipeline import Extraction, discover, extract_document
from extract.writer import DEFAULT_LOCK_WAIT, ensure_schema, schema_files, write_document

from .dbt_state import BuildState
from .partitions import DOCUMENTS_PARTITIONS, documents_partitions, partition_key, sha_prefix
from .project import dbt_project

# dbt builds run one at a time (DuckDB allows one writer per file). Extraction steps hold the
# file only for the short write of one document; a lock conflict is retried with backoff.
DUCKDB_POOL = "fiscalwh_duckdb"


class DocumentConfig(dg.Config):
    path: str = ""  # the file; when empty it is found in the corpus folder by its sha256
    corpus_dir: str = ""


def find_document(key: str, config: DocumentConfig) -> Path:
    """The file of a partition: the configured path, else the corpus file whose sha256 the key names."""
    if config.path:
        return Path(config.path)
    from .settings import Settings

    folder = Path(config.corpus_dir) if config.corpus_dir else Settings.from_env().corpus_dir
    prefix = sha_prefix(key)
    for path in discover([folder]):
        if sha256_file(path).startswith(prefix):
            return path
    raise FileNotFoundError(f"no file with sha256 {prefix}… under {folder}")


def raw_table_keys() -> list[dg.AssetKey]:
    """One asset per raw table the extractor fills (read from the schema files)."""
    tables = sorted({m for f in schema_files() for m in re.findall(
        r"CREATE TABLE IF NOT EXISTS raw\.(\w+)", f.read_text(encoding="utf-8"), re.IGNORECASE)})
    return [dg.AssetKey(["raw", t]) for t in tables]


RAW_TABLE_KEYS = raw_table_keys()


@dg.multi_asset(
    name="corpus_documents",
    specs=[dg.AssetSpec(key, group_name="raw", kinds={"python", "duckdb"},
                        description=f"raw.{key.path[-1]}: as printed in the disclosures, with provenance")
           for key in RAW_TABLE_KEYS],
    partitions_def=documents_partitions,
    retry_policy=dg.RetryPolicy(max_retries=4, delay=2, backoff=dg.Backoff.EXPONENTIAL,
                                jitter=dg.Jitter.PLUS_MINUS),
    description="Extract one disclosure (partition = its file name and sha256 prefix) into the raw tables.",
)
def corpus_documents(context: dg.AssetExecutionContext, config: DocumentConfig, duckdb: DuckDBResource):
    path = find_document(context.partition_key, config)
    for key, metadata in extract_into_warehouse(path, duckdb, context.log):
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)


def extract_into_warehouse(path: Path, duckdb: DuckDBResource,
                           log: dg.DagsterLogManager) -> list[tuple[dg.AssetKey, dict[str, str | int]]]:
    """Extract one file into the raw tables: (raw table asset, metadata) for each raw table."""
    extraction = extract_document(path, ocr=OcrSettings.beside(duckdb.database))
    with duckdb.get_connection() as con:
        ensure_schema(con)
        write_document(con, extraction.result, extraction.file_path, extraction.n_pages)
    if extraction.result.status == "failed":
        log.warning(f"{path.name}: extraction failed: {extraction.result.error}")
    return raw_table_metadata(extraction, path)


def raw_table_metadata(extraction: Extraction, path: Path) -> list[tuple[dg.AssetKey, dict[str, str | int]]]:
    """What one document put into each raw table (rows), and the document's identity."""
    result = extraction.result
    rows = {"documents": 1, "document_tables": len(result.tables), "table_cells": len(result.cells),
            "extraction_issues": len(result.issues), **{t: len(r) for t, r in result.extra.items()}}
    document: dict[str, str | int] = {
        "file": str(path), "status": result.status, "error": result.error or "", "pages": extraction.n_pages or 0,
        "agency": result.agency_name or "", "fiscal_year": result.fiscal_year or 0, "doc_kind": result.doc_kind}
    return [(key, {"rows": rows.get(key.path[-1], 0), **document}) for key in RAW_TABLE_KEYS]


class FileConfig(dg.Config):
    path: str  # the disclosure file to extract (PDF, text or HTML), anywhere on this machine


@dg.op(description="Extract one file, given by its path, into the raw tables as a new document partition.")
def extract_one_file(context: dg.OpExecutionContext, config: FileConfig, duckdb: DuckDBResource) -> None:
    path = Path(config.path).expanduser().resolve()
    key = partition_key(path, sha256_file(path))
    context.instance.add_dynamic_partitions(DOCUMENTS_PARTITIONS, [key])
    for asset_key, metadata in extract_into_warehouse(path, duckdb, context.log):
        context.log_event(dg.AssetMaterialization(asset_key=asset_key, partition=key, metadata=metadata))


class Translator(DagsterDbtTranslator):
    """Models are keyed by name and grouped by their schema (staging, intermediate, marts); a source
    over schema raw is the raw table asset that corpus_documents fills."""

    def get_asset_key(self, dbt_resource_props):
        if dbt_resource_props["resource_type"] == "source" and dbt_resource_props.get("schema") == "raw":
            return dg.AssetKey(["raw", dbt_resource_props["name"]])
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            return dg.AssetKey(dbt_resource_props["name"])  # model names are unique: stg_, int_, fct_ ...
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props):
        return dbt_resource_props.get("config", {}).get("schema") or "dbt"  # staging, ..., reference


class BuildConfig(dg.Config):
    full_refresh: bool = False  # rebuild the incremental models from scratch (dbt build --full-refresh)


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=Translator(),
            pool=DUCKDB_POOL)
def warehouse_models(context: dg.AssetExecutionContext, config: BuildConfig, dbt: DbtCliResource,
                     duckdb: DuckDBResource):
    # Partial parsing (half of dbt's 10 s start): target/dagster holds only what these builds parse, always
    # from the absolute project dir (a partial parse another directory's run left in target/ held relative
    # seed paths). The warehouse is the DuckDB resource's file (dbt/profiles.yml reads the var fiscalwh_db).
    warehouse = json.dumps({"fiscalwh_db": str(Path(duckdb.database).resolve())})
    # One target folder, reused by every build (dagster-dbt would leave a new 15 MB one per run).
    target = dbt_project.project_dir / "target"
    for old in target.glob("warehouse_models-*"):
        shutil.rmtree(old, ignore_errors=True)
    # incremental models take the new documents only, unless that would be wrong (dbt_state.py)
    db = Path(duckdb.database)
    state = BuildState.of(db)
    why = "asked for" if config.full_refresh else state.why_full(db, DEFAULT_LOCK_WAIT)
    if why:
        context.log.info(f"full build (dbt build --full-refresh): {why}")
    started = datetime.now(UTC).replace(tzinfo=None)  # as raw.documents.extracted_at
    try:
        # no dbt/logs/dbt.log: Dagster keeps dbt's structured output (the run's logs); writing it again cost
        # a build of 584 nodes about a fifth of its time
        yield from dbt.cli(["build", "--log-level-file", "none",
                            *(["--full-refresh"] if why else []), "--vars", warehouse],
                           context=context, target_path=target / "dagster").stream()
    except BaseException:
        state.forget()
        raise
    state.record(started)
