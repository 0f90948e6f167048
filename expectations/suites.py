"""Judge identity instances with Great Expectations: one suite per identity family.

Each family's checkable instances become one pandas DataFrame (one row per instance, money in
integer hundredths of the document unit, computed from exact Decimals and rounded away from
acceptance, so verdicts are exact). Two expectations per suite, named for what they assert:

* ``expect_sides_equal_within_tolerance``: ``excess_cents`` <= 0 (|difference| − tolerance);
  an unexpected row is a *violation*;
* ``expect_sides_equal_exactly``: ``abs_diff_cents`` <= 0; an unexpected row that is not a
  violation is a *rounding* finding.

A row carries where an auditor finds the instance: file, identity, instance, tables, row, page or
line, and the finding id of its row in audit.findings; the Data Docs list failing rows by these
(one table row per failing instance, not GX's grouping by value).

GX runs in an ephemeral context (no files, no global configuration); when a folder is given the
Data Docs site is written there and made to work offline (expectations.gx_docs).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_UP, Decimal
from pathlib import Path
from typing import Any

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
from great_expectations.checkpoint.actions import ValidationAction
from great_expectations.core import ExpectationValidationResult
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.render import LegacyDiagnosticRendererType, RenderedTableContent
from great_expectations.render.renderer.renderer import renderer

from expectations.evaluate import PENDING, Instance
from expectations.gx_docs import make_offline
from expectations.store import finding_id

SITE = "fiscal_identities"
# The columns that say where a failing row is, listed for each one in the results and Data Docs
# (column -> header shown to an auditor).
WHERE = {"finding_id": "finding id", "file_name": "file", "identity_id": "identity", "instance": "instance",
         "tables": "tables", "row": "row", "location": "page / line", "lhs": "left", "rhs": "right",
         "difference": "difference", "tolerance": "tolerance", "description": "the identity"}
MAX_LISTED = 6  # rows, pages or lines named in one cell; more are elided


@dataclass
class SuiteOutcome:
    family: str
    n_instances: int
    success: bool
    violations: set[str]  # finding ids
    inexact: set[str]


def _failing_rows(result: ExpectationValidationResult | None) -> list[RenderedTableContent] | None:
    """One table row per failing instance, with the columns of WHERE."""
    found: dict[str, Any] = (result.result if result is not None else None) or {}
    rows = found.get("unexpected_index_list") or []
    if not rows:
        return None
    names = [n for n in found.get("unexpected_index_column_names") or WHERE if n in WHERE]
    return [RenderedTableContent(
        content_block_type="table", header_row=[WHERE[n] for n in names],
        # GX's templates do not escape; the class lets offline.css say which values may break where
        table=[[f'<span class="gx-{n}">{html.escape(str(r.get(n, "")))}</span>' for n in names] for r in rows],
        styling={"body": {"classes": ["table-bordered", "table-sm", "mt-3", "failing-rows"]}})]


class ExpectSidesEqualWithinTolerance(gxe.ExpectColumnValuesToBeBetween):
    """excess_cents <= 0, its failing rows listed one by one (_failing_rows)."""

    description: str | None = ("left side equals right side within the rounding tolerance of the printed figures "
                               "(excess_cents = |difference| − tolerance ≤ 0); a failing row is a violation")

    @classmethod
    @renderer(renderer_type=LegacyDiagnosticRendererType.UNEXPECTED_TABLE)
    def _diagnostic_unexpected_table_renderer(cls, configuration=None, result=None, runtime_configuration=None):
        return _failing_rows(result)


class ExpectSidesEqualExactly(gxe.ExpectColumnValuesToBeBetween):
    """abs_diff_cents <= 0, its failing rows listed one by one (_failing_rows)."""

    description: str | None = ("left side equals right side exactly (abs_diff_cents = |difference| = 0); a failing "
                               "row within the tolerance is a rounding finding (尾数误差), kept visible")

    @classmethod
    @renderer(renderer_type=LegacyDiagnosticRendererType.UNEXPECTED_TABLE)
    def _diagnostic_unexpected_table_renderer(cls, configuration=None, result=None, runtime_configuration=None):
        return _failing_rows(result)


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


def _listed(values: list[Any]) -> str:
    """'a, b, c' (distinct, in order), at most MAX_LISTED then '…'."""
    distinct = [str(v) for v in dict.fromkeys(values)]
    return ", ".join(distinct[:MAX_LISTED]) + (", …" if len(distinct) > MAX_LISTED else "")


def where(inst: Instance) -> dict[str, str]:
    """Where an auditor finds an instance: its tables (as audit.findings lists them), the row of its
    left side (else of any cell) and the pages (PDF) or lines (text) of its cells."""
    cells = [t.cell for t in inst.cells if t.cell is not None]
    labels = [t.cell.row_label for t in inst.cells if t.role == "lhs" and t.cell and t.cell.row_label]
    pages = sorted({c.page for c in cells if c.page is not None})
    lines = sorted({c.source_line for c in cells if c.source_line is not None})
    location = "; ".join(([f"p. {_listed(pages)}"] if pages else []) + ([f"line {_listed(lines)}"] if lines else []))
    return {"tables": ",".join(sorted({t.table_code for t in inst.cells})),
            "row": _listed(labels or [c.row_label for c in cells if c.row_label]), "location": location}


def family_frame(instances: list[Instance], file_names: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per checkable instance: where it is (the WHERE columns), and the judged columns in
    integer hundredths of the document unit.

    The judged columns are computed exactly, then rounded away from acceptance (up): any excess
    over the tolerance, however small, counts as a cent, so ``excess_cents`` <= 0 holds exactly when
    |difference| <= tolerance, and ``abs_diff_cents`` <= 0 exactly when the difference is zero.
    """
    rows = []
    for i in instances:
        assert i.difference is not None and i.tolerance is not None, "a checkable instance has both"
        diff, tol = Decimal(i.difference), Decimal(i.tolerance)
        rows.append({
            "finding_id": finding_id(i), "file_name": (file_names or {}).get(i.doc_id, i.doc_id), "doc_id": i.doc_id,
            "identity_id": i.identity_id, "instance": i.instance, **where(i), "description": i.description,
            "lhs": str(i.lhs), "rhs": str(i.rhs), "difference": str(diff), "tolerance": str(tol),
            "diff_cents": _cents(diff, ROUND_UP), "tolerance_cents": _cents(tol, ROUND_FLOOR),
            "abs_diff_cents": _cents(abs(diff), ROUND_CEILING), "excess_cents": _cents(abs(diff) - tol, ROUND_CEILING),
            "n_terms": i.n_terms,
        })
    return pd.DataFrame(rows, columns=[*WHERE, "doc_id", "diff_cents", "tolerance_cents", "abs_diff_cents",
                                       "excess_cents", "n_terms"])


def _suite(family: str) -> gx.ExpectationSuite:
    suite = gx.ExpectationSuite(name=f"identities.{family}", notes=(
        f"Identities of family {family} (declared in YAML, see source_file in audit.identity_results): one row per "
        "identity instance on one document; a failing row names its file, identity, instance, tables, row, "
        "page or line, and its finding id in audit.findings."))
    suite.add_expectation(ExpectSidesEqualWithinTolerance(
        column="excess_cents", max_value=0,
        notes="The two sides of each identity agree within the rounding tolerance of the printed figures (尾数误差; "
              "the tolerance column, e.g. 0.01 万元 per summed term). A failing row is a violation: the document "
              "contradicts itself."))
    suite.add_expectation(ExpectSidesEqualExactly(
        column="abs_diff_cents", max_value=0,
        notes="The two sides of each identity agree to the cent. A failing row that the first expectation passes "
              "differs only by rounding (a rounding finding, kept visible, not an error)."))
    return suite


def judge(instances: list[Instance], data_docs_dir: Path | None = None,
          file_names: dict[str, str] | None = None) -> list[SuiteOutcome]:
    """Run one GX suite per family over the pending instances and set their status in place.
    file_names (doc_id -> file name) name the documents in the Data Docs."""
    pending = [i for i in instances if i.status == PENDING]
    families = sorted({i.family for i in pending})
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
    # no action: every run stores its validation result, and the site is built once at the end (an
    # UpdateDataDocsAction per checkpoint rebuilt the whole site once per family)
    actions: list[ValidationAction] = []
    outcomes = []
    for family, vd in checks:
        rows = [i for i in pending if i.family == family]
        checkpoint = ctx.checkpoints.add(gx.Checkpoint(
            name=f"check.{family}", validation_definitions=[vd], actions=actions,
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": list(WHERE)}))
        result = checkpoint.run(batch_parameters={"dataframe": family_frame(rows, file_names)})
        unexpected: dict[str, set[str]] = {}
        for run in result.run_results.values():
            for r in run.results:
                ids = {str(u["finding_id"]) for u in r.result.get("unexpected_index_list") or []}
                if r.expectation_config is not None:
                    unexpected[r.expectation_config.kwargs["column"]] = ids
        violations, inexact = unexpected["excess_cents"], unexpected["abs_diff_cents"]
        for inst in rows:
            fid = finding_id(inst)
            inst.status = ("violation" if fid in violations
                           else "rounding" if fid in inexact else "pass")
        outcomes.append(SuiteOutcome(family, len(rows), bool(result.success), violations, inexact))
    if data_docs_dir is not None:
        ctx.build_data_docs(site_names=[SITE])
        make_offline(Path(data_docs_dir))
    return outcomes
