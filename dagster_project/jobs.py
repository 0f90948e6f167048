"""Jobs: extract documents (one partition per run), build the warehouse (dbt + checks)."""

import dagster as dg

extract_documents_job = dg.define_asset_job(
    "extract_documents", selection=dg.AssetSelection.groups("raw"),
    description="Extract one document into the raw tables.",
)

build_warehouse_job = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("raw"),
    description="dbt build over the raw tables, then the identity checks.",
)
