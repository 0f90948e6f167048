"""Judge identity instances with Great Expectations: one suite per identity family.

Each family's checkable instances become one pandas DataFrame (one row per instance, money in
integer hundredths of the document unit, computed from exact Decimals and rounded away from
acceptance, so verdicts are exact). Two expectations per suite:

* ``excess_cents`` <= 0 (|difference| − tolerance): an unexpected row is a *violation*;
* ``abs_diff_cents`` <= 0: an unexpected row that is not a violation is a *rounding* finding.

GX runs in an ephemeral context (no files, no global configuration); when a folder is given the
Data Docs site is written there.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_UP, Decimal
from pathlib import Path

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
from great_expectations.checkpoint.actions import ValidationAction
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

from expectations.evaluate import PENDING, Instance

SITE = "fiscal_identities"


@dataclass
class SuiteOutcome:
    family: str
    n_instances: int
    success: bool
    violations: set[int]  # instance row ids
    inexact: set[int]


def _context(data_docs_dir: Path | None) -> gx.data_context.AbstractDataContext:
    sites = {}
    if data_docs_dir is not None:
        sites[SITE] = {
            "class_name": "SiteBuilder",
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(Path(data_docs_dir).resolve())},
        }
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        data_docs_sites=sites,
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _cents(value: Decimal, rounding: str) -> int:
    """Hundredths of the document unit, rounded as told (exact: Decimal arithmetic only)."""
    return int((Decimal(value) * 100).to_integral_value(rounding=rounding))


def family_frame(instances: list[tuple[int, Instance]]) -> pd.DataFrame:
    """One row per checkable instance; integer hundredths of the document unit.

    The judged columns are computed exactly, then rounded away from acceptance (up): any excess
    over the tolerance, however small, counts as a cent, so ``excess_cents`` <= 0 holds exactly when
    |difference| <= tolerance, and ``abs_diff_cents`` <= 0 exactly when the difference is zero.
    """
    rows = []
    for rid, i in instances:
        assert i.difference is not None and i.tolerance is not None, "a checkable instance has both"
        diff, tol = Decimal(i.difference), Decimal(i.tolerance)
        rows.append({
            "rid": rid, "doc_id": i.doc_id, "identity_id": i.identity_id, "instance": i.instance,
            "lhs": str(i.lhs), "rhs": str(i.rhs), "diff_cents": _cents(diff, ROUND_UP),
            "tolerance_cents": _cents(tol, ROUND_FLOOR), "abs_diff_cents": _cents(abs(diff), ROUND_CEILING),
            "excess_cents": _cents(abs(diff) - tol, ROUND_CEILING), "n_terms": i.n_terms,
        })
    return pd.DataFrame(rows)


def _suite(family: str) -> gx.ExpectationSuite:
    suite = gx.ExpectationSuite(name=f"identities.{family}", meta={
        "notes": f"Accounting identities of family {family}: one row per identity instance."})
    suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(
        column="excess_cents", max_value=0,
        meta={"notes": "|difference| must not exceed the rounding tolerance (尾数误差); "
                       "an unexpected row is a violation"}))
    suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(
        column="abs_diff_cents", max_value=0,
        meta={"notes": "both sides equal exactly; an unexpected row within tolerance is rounding"}))
    return suite


def judge(instances: list[Instance], data_docs_dir: Path | None = None) -> list[SuiteOutcome]:
    """Run one GX suite per family over the pending instances and set their status in place."""
    pending = [(rid, i) for rid, i in enumerate(instances) if i.status == PENDING]
    families = sorted({i.family for _, i in pending})
    if not families:
        return []
    ctx = _context(data_docs_dir)
    source = ctx.data_sources.add_pandas("identity_instances")
    checks = []
    for family in families:
        asset = source.add_dataframe_asset(family)
        batch = asset.add_batch_definition_whole_dataframe("all_documents")
        suite = ctx.suites.add(_suite(family))
        vd = ctx.validation_definitions.add(
            gx.ValidationDefinition(name=f"identities.{family}", data=batch, suite=suite))
        checks.append((family, vd))
    actions: list[ValidationAction] = (
        [gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=[SITE])] if data_docs_dir is not None else [])
    outcomes = []
    for family, vd in checks:
        rows = [(rid, i) for rid, i in pending if i.family == family]
        checkpoint = ctx.checkpoints.add(gx.Checkpoint(
            name=f"check.{family}", validation_definitions=[vd], actions=actions,
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["rid"]}))
        result = checkpoint.run(batch_parameters={"dataframe": family_frame(rows)})
        unexpected: dict[str, set[int]] = {}
        for run in result.run_results.values():
            for r in run.results:
                ids = {int(u["rid"]) for u in r.result.get("unexpected_index_list") or []}
                if r.expectation_config is not None:
                    unexpected[r.expectation_config.kwargs["column"]] = ids
        violations, inexact = unexpected["excess_cents"], unexpected["abs_diff_cents"]
        for rid, inst in rows:
            inst.status = ("violation" if rid in violations
                           else "rounding" if rid in inexact else "pass")
        outcomes.append(SuiteOutcome(family, len(rows), bool(result.success), violations, inexact))
    if data_docs_dir is not None:
        ctx.build_data_docs(site_names=[SITE])
    return outcomes
