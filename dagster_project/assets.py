"""Assets: each document's raw tables, and the dbt models built over them."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from dagster_duckdb import DuckDBResource

from extract.load import sha256_file
from extract.pipeline import discover, extract_document
from extract.writer import ensure_schema, write_document

from .partitions import documents_partitions
from .project import dbt_project

# dbt builds run one at a time (DuckDB allows one writer per file). Extraction steps hold the
# file only for the short write of one document; a lock conflict is retried with backoff.
DUCKDB_POOL = "fiscalwh_duckdb"


class DocumentConfig(dg.Config):
    path: str = ""  # the file; when empty it is found in the corpus folder by its sha256
    corpus_dir: str = ""


def find_document(sha: str, config: DocumentConfig) -> Path:
    if config.path:
        return Path(config.path)
    from .settings import Settings

    folder = Path(config.corpus_dir) if config.corpus_dir else Settings.from_env().corpus_dir
    for path in discover([folder]):
        if sha256_file(path) == sha:
            return path
    raise FileNotFoundError(f"no file with sha256 {sha} under {folder}")


@dg.asset(
    partitions_def=documents_partitions,
    retry_policy=dg.RetryPolicy(max_retries=4, delay=2, backoff=dg.Backoff.EXPONENTIAL,
                                jitter=dg.Jitter.PLUS_MINUS),
    kinds={"python", "duckdb"},
    group_name="raw",
    description="Raw tables of one disclosure (raw.documents, raw.table_cells, ...), extracted from "
                "its file. One partition per document (sha256 of the file).",
)
def corpus_documents(context: dg.AssetExecutionContext, config: DocumentConfig,
                     duckdb: DuckDBResource) -> dg.MaterializeResult:
    path = find_document(context.partition_key, config)
    extraction = extract_document(path)
    result = extraction.result
    with duckdb.get_connection() as con:
        ensure_schema(con)
        write_document(con, result, extraction.file_path, extraction.n_pages)
    if result.status == "failed":
        context.log.warning(f"{path.name}: extraction failed: {result.error}")
    return dg.MaterializeResult(metadata={
        "file": str(path), "status": result.status, "error": result.error or "",
        "agency": result.agency_name or "", "fiscal_year": result.fiscal_year or 0,
        "doc_kind": result.doc_kind, "tables": len(result.tables), "cells": len(result.cells),
        "issues": len(result.issues),
    })


class Translator(DagsterDbtTranslator):
    """dbt folders (staging, intermediate, marts) become asset groups."""

    def get_group_name(self, dbt_resource_props):
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=Translator(),
            pool=DUCKDB_POOL)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(["build"], context=context).stream()
