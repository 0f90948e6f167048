"""The dbt project as Dagster sees it."""

from __future__ import annotations

from dagster_dbt import DbtProject

from .settings import REPO

dbt_project = DbtProject(project_dir=REPO / "dbt", profiles_dir=REPO / "dbt")
dbt_project.prepare_if_dev()  # `dagster dev` parses; tests, CI and `make` run `dbt parse` first
