"""Resources: the DuckDB warehouse and the dbt CLI."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from extract.writer import CONNECT_CONFIG

from .project import dbt_project
from .settings import Settings


def dbt_executable() -> str:
    """dbt from this interpreter's environment (the venv), else from PATH."""
    for candidate in (Path(sys.executable).parent / "dbt", Path(sys.prefix) / "bin" / "dbt"):
        if candidate.exists():
            return str(candidate)
    return shutil.which("dbt") or "dbt"


def build_resources(settings: Settings) -> dict[str, object]:
    return {
        "duckdb": DuckDBResource(database=str(settings.db_path), connection_config=dict(CONNECT_CONFIG)),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
    }
