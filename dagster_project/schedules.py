"""Daily rebuild of the dbt models and re-run of the identity checks."""

import dagster as dg

from .jobs import build_warehouse_job

daily_warehouse_schedule = dg.ScheduleDefinition(
    name="daily_warehouse_build",
    job=build_warehouse_job,
    cron_schedule="0 6 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Rebuild dbt models and re-run the GX identity checks every morning.",
)
