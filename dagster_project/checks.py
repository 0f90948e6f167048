"""The GX identity suites as asset checks: one check per fact table, one GX run for all.

A violated identity is a finding about a document: the check reports it (WARN, with counts and
examples as metadata) and never fails the run or retries.
"""

import json
import time
from collections import defaultdict
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from expectations.report import write_report
from expectations.row_identities import load_row_identities
from expectations.runner import run_checks
from extract.catalogue import catalogue
from extract.exports import export_marts
from extract.writer import DEFAULT_LOCK_WAIT, connect

from .assets import DUCKDB_POOL
from .settings import Settings, exports_dir, report_dir

# Which asset an identity is about: a row identity's declared relation (expectations/performance/*.yml),
# else the catalogue's fact model of the table its id starts with ('T03.row.total' -> T03).
FACT_OF_TABLE = {code: spec["fact_model"] for code, spec in catalogue().tables.items()}
RELATION_OF_ROW_IDENTITY = {r.id: r.relation.rpartition(".")[2] for r in load_row_identities()}
CROSS_TABLE_ASSET = "mart_agency_year_overview"  # identities across tables (ids 'X.…') and document families
CHECK_NAME = "accounting_identities"


class CheckConfig(dg.Config):
    gx_docs_dir: str = ""  # where the GX Data Docs go; empty: FISCALWH_GX_DOCS (Settings)
    # check every document; by default only the new or changed ones and those whose cross-document
    # pairs changed (expectations.incremental), the others keep their audit rows
    full_refresh: bool = False


def asset_of(identity_id: str) -> str:
    return RELATION_OF_ROW_IDENTITY.get(identity_id) or FACT_OF_TABLE.get(identity_id.split(".")[0],
                                                                          CROSS_TABLE_ASSET)


CHECKED_ASSETS = sorted(set(FACT_OF_TABLE.values()) | set(RELATION_OF_ROW_IDENTITY.values()) | {CROSS_TABLE_ASSET})


@dg.multi_asset_check(
    specs=[dg.AssetCheckSpec(CHECK_NAME, asset=name, blocking=False,
                             description="Accounting identities (GX suites) on the cells behind this asset")
           for name in CHECKED_ASSETS],
    pool=DUCKDB_POOL,
)
def accounting_identity_checks(context: dg.AssetCheckExecutionContext, config: CheckConfig,
                               duckdb: DuckDBResource):
    db = Path(duckdb.database)
    gx_docs = Path(config.gx_docs_dir) if config.gx_docs_dir else Settings.from_env().gx_docs_dir
    timings: dict[str, tuple[float, float]] = {}  # stage -> (start, end), time.monotonic (bench/bench_scale.py)
    start = time.monotonic()
    summary = run_checks(db, data_docs_dir=gx_docs, lock_wait=DEFAULT_LOCK_WAIT, incremental=not config.full_refresh)
    timings["checks"] = (start, start := time.monotonic())
    # the findings report and the exports follow every check run: a dropped file reaches them without a click
    checked = None if config.full_refresh else [d.doc_id for d in summary.documents]  # their pages, and the index
    report = write_report(db, report_dir(db), lock_wait=DEFAULT_LOCK_WAIT, doc_ids=checked)
    timings["report"] = (start, start := time.monotonic())
    exports = export_marts(db, exports_dir(db), lock_wait=DEFAULT_LOCK_WAIT)
    timings["exports"] = (start, time.monotonic())
    with connect(db, read_only=True, wait=DEFAULT_LOCK_WAIT) as con:
        rows = con.execute(
            "select r.identity_id, r.status, d.file_name, r.instance, r.difference "
            "from audit.identity_results r join raw.documents d using (doc_id)").fetchall()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    examples: dict[str, list[str]] = defaultdict(list)
    for identity_id, status, file_name, instance, difference in rows:
        asset = asset_of(identity_id)
        counts[asset][status] += 1
        if status == "violation" and len(examples[asset]) < 10:
            examples[asset].append(f"{file_name}: {identity_id} [{instance}] differs by {difference}")
    for name in CHECKED_ASSETS:
        c = counts[name]
        yield dg.AssetCheckResult(
            asset_key=name, check_name=CHECK_NAME,
            passed=c["violation"] == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "violations": c["violation"], "rounding": c["rounding"], "passed": c["pass"],
                "not_checkable": c["not_checkable"], "not_applicable": c["not_applicable"],
                "examples": "\n".join(examples[name]) or "none",
                "data_docs": str(summary.data_docs_index or ""),
                "documents_checked": len(summary.documents),
                "report": dg.MetadataValue.path(str(report)),
                "exports": dg.MetadataValue.path(str(exports_dir(db))),
                "exported_relations": len(exports),
                "timings": json.dumps(timings),
            },
        )


identity_checks = [accounting_identity_checks]
