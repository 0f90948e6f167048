"""The one Definitions object of the project: assets, checks, jobs, sensor, schedule, resources."""

import dagster as dg

from .assets import corpus_documents, warehouse_models
from .checks import identity_checks
from .jobs import build_warehouse_job, check_identities_job, extract_documents_job, extract_file_job
from .resources import build_resources
from .schedules import daily_warehouse_schedule
from .sensors import (
    checks_after_build,
    checks_after_failed_build,
    corpus_folder_sensor,
    warehouse_after_extraction,
)
from .settings import Settings

defs = dg.Definitions(
    assets=[corpus_documents, warehouse_models],
    asset_checks=identity_checks,
    jobs=[extract_documents_job, extract_file_job, build_warehouse_job, check_identities_job],
    sensors=[corpus_folder_sensor, warehouse_after_extraction, checks_after_build, checks_after_failed_build],
    schedules=[daily_warehouse_schedule],
    resources=build_resources(Settings.from_env()),
)
