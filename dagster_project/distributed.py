"""Past one machine: extraction steps on a Dask cluster, each writing into a DuckLake, and dbt on that lake.

The corpus is split into SHARDS extraction steps by content (sha256), so a document and its copies
always land in the same step; the Dask executor runs the steps on its workers at once, and each
document is one DuckLake transaction (DuckLake retries a commit that conflicts with another worker's).
Runs and events go to the Dagster instance (deploy/dagster.yaml: PostgreSQL). README.md, "Deployment
past one machine", tells how to run it.
"""

import json
import os
import socket
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dask import dask_executor
from dagster_dbt import DbtCliResource, dbt_assets

from extract.lake import Lake, connect_lake
from extract.pipeline import extract_document, input_files, known_documents, pending_files
from extract.writer import ensure_schema, write_document

from .assets import RAW_TABLE_KEYS, Translator, raw_table_metadata
from .partitions import DOCUMENTS_PARTITIONS, documents_partitions, partition_key
from .project import dbt_project
from .settings import Settings

SHARDS = 4  # extraction steps per run; the Dask cluster runs as many at once as it has workers


class LakeResource(dg.ConfigurableResource):
    """The DuckLake warehouse: catalog (a libpq connection string to PostgreSQL) and data folder."""

    catalog: str
    data_path: str

    @property
    def lake(self) -> Lake:
        return Lake(self.catalog, self.data_path)

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = connect_lake(self.lake)
        try:
            yield con
        finally:
            con.close()

    def dbt_vars(self) -> dict[str, str]:
        """The vars the `lake` target of dbt/profiles.yml reads."""
        return {"fiscalwh_lake_catalog": self.catalog, "fiscalwh_lake_data": self.data_path}


# Every process (the run, each Dask worker, dbt) reads the lake's location from its environment.
LAKE = LakeResource(catalog=dg.EnvVar("FISCALWH_LAKE_CATALOG"), data_path=dg.EnvVar("FISCALWH_LAKE_DATA"))


class ShardConfig(dg.Config):
    corpus_dir: str = ""  # the folder (or file) to extract; empty: FISCALWH_CORPUS


def in_shard(path: Path, sha: str | None, shard: int, shards: int) -> bool:
    """Whether a file belongs to a shard: by content, so copies of a document share one step."""
    number = int(sha[:8], 16) if sha else zlib.crc32(str(path).encode())
    return number % shards == shard


@dg.op(description="Create the lake's raw, catalogue and audit tables once, before the extraction steps.")
def prepare_lake(lake: LakeResource) -> None:
    with lake.get_connection() as con:
        ensure_schema(con)


def extraction_shard(shard: int, shards: int) -> dg.OpDefinition:
    @dg.op(name=f"extract_shard_{shard}", ins={"ready": dg.In(dg.Nothing)},
           description=f"Extract the new documents of shard {shard}/{shards} into the lake, one transaction each.")
    def extract_shard(context: dg.OpExecutionContext, config: ShardConfig, lake: LakeResource) -> None:
        folder = Path(config.corpus_dir) if config.corpus_dir else Settings.from_env().corpus_dir
        worker = f"{socket.gethostname()}:{os.getpid()}"
        with lake.get_connection() as con:
            pending, _ = pending_files(input_files([folder]), known_documents(con))
            for path, sha in (p for p in pending if in_shard(*p, shard, shards)):
                extraction = extract_document(path, sha)
                started = time.time()
                write_document(con, extraction.result, extraction.file_path, extraction.n_pages)
                written = {"worker": worker, "write_started": started, "write_ended": time.time()}
                if sha is None:  # an unreadable file is recorded as failed, but is no partition
                    continue
                key = partition_key(path, sha)
                context.instance.add_dynamic_partitions(DOCUMENTS_PARTITIONS, [key])
                for asset_key, metadata in raw_table_metadata(extraction, path):
                    context.log_event(dg.AssetMaterialization(asset_key=asset_key, partition=key,
                                                              metadata={**metadata, **written}))

    return extract_shard


@dg.job(executor_def=dask_executor, resource_defs={"lake": LAKE},
        description="Extract the new documents of the corpus into the DuckLake, in SHARDS steps on a Dask cluster.")
def extract_to_lake() -> None:
    ready = prepare_lake()
    for shard in range(SHARDS):
        extraction_shard(shard, SHARDS)(ready)


def extraction_run_config(corpus_dir: Path | str, cluster: dict | None = None) -> dict:
    """Run config of extract_to_lake: the folder for every shard, and the Dask cluster (default: a
    local one with a worker per core; {"existing": {"address": "tcp://scheduler:8786"}} for a real one)."""
    return {"ops": {f"extract_shard_{i}": {"config": {"corpus_dir": str(corpus_dir)}} for i in range(SHARDS)},
            "execution": {"config": {"cluster": cluster or {"local": {}}}}}


# The raw tables the extraction steps fill (materialized per document partition), for lineage.
raw_tables = [dg.AssetSpec(key, group_name="raw", partitions_def=documents_partitions, kinds={"python", "ducklake"},
                           description=f"raw.{key.path[-1]} in the DuckLake") for key in RAW_TABLE_KEYS]


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=Translator(),
            name="lake_models")
def lake_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, lake: LakeResource):
    """dbt build on the lake (target `lake` of dbt/profiles.yml)."""
    target = dbt_project.project_dir / "target" / "lake"
    yield from dbt.cli(["build", "--target", "lake", "--no-partial-parse", "--vars", json.dumps(lake.dbt_vars())],
                       context=context, target_path=target).stream()


build_lake = dg.define_asset_job("build_lake", selection=dg.AssetSelection.assets(lake_models),
                                 description="dbt build over the lake's raw tables (models and dbt tests).")
