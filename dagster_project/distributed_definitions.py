"""The Definitions past one machine (README "Deployment past one machine"): extraction on Dask into a
DuckLake, dbt on the lake. `dagster dev -m dagster_project.distributed_definitions` with DAGSTER_HOME
holding deploy/dagster.yaml (runs and events in PostgreSQL)."""

import dagster as dg
from dagster_dbt import DbtCliResource

from .distributed import LAKE, build_lake, extract_to_lake, lake_models, raw_tables
from .project import dbt_project
from .resources import dbt_executable

defs = dg.Definitions(
    assets=[*raw_tables, lake_models],
    jobs=[extract_to_lake, build_lake],
    resources={"lake": LAKE, "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())},
)
