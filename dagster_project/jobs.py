"""Jobs: extract documents (one partition per run), build the warehouse (dbt), check identities.

The identity checks run in a job of their own, requested after every build whether it succeeded
or failed (dagster_project/sensors.py): a failed dbt build never skips them.
"""

import dagster as dg

from .assets import extract_one_file
from .checks import identity_checks

extract_documents_job = dg.define_asset_job(
    "extract_documents", selection=dg.AssetSelection.groups("raw"),
    description="Extract one document into the raw tables.",
)

build_warehouse_job = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("raw") - dg.AssetSelection.checks(*identity_checks),
    description="dbt build over the raw tables (models and dbt tests).",
)

check_identities_job = dg.define_asset_job(
    "check_identities", selection=dg.AssetSelection.checks(*identity_checks),
    description="The accounting identities (GX suites) over every document; results in schema audit.",
)



@dg.job(name="extract_file",
        description="Extract one file given by its path (in the launchpad's config form) as a new document.")
def extract_file_job() -> None:
    extract_one_file()
