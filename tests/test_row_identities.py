"""Row identities (expectations/performance/*.yml): one instance per row of a relation, judged by GX."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from expectations.row_identities import RowIdentity, evaluate_row_identities, load_row_identities
from expectations.suites import judge

SCORE_LE_WEIGHT = RowIdentity(
    "PERF.indicator.score_le_weight", "performance", "得分 ≤ 分值", "marts.indicators", ("doc_id", "indicator_id"),
    "weight is not null", "le", "score", "weight", "0", ("label", "source_line"))


@pytest.fixture
def con(tmp_path: Path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema marts")
    con.execute("create table marts.indicators (doc_id varchar, indicator_id varchar, label varchar, "
                "weight decimal(12,4), score decimal(12,4), source_line integer)")
    con.execute("insert into marts.indicators values ('d1', 'I1', '满意度', 10, 10, 40), "
                "('d1', 'I2', '时效', 10, 9.5, 41), ('d1', 'I3', '无分值', null, 5, 42)")
    yield con
    con.close()


def _statuses(con, identities):
    per_doc, notes = evaluate_row_identities(con, identities)
    instances = [i for v in per_doc.values() for i in v]
    judge(instances)
    return {i.instance: i.status for i in instances}, instances, notes


def test_score_within_weight_passes_and_a_score_over_weight_is_a_violation(con):
    statuses, _, _ = _statuses(con, [SCORE_LE_WEIGHT])
    assert statuses == {"indicator_id=I1": "pass", "indicator_id=I2": "pass"}  # I3 has no weight: filtered

    con.execute("update marts.indicators set score = score + 1.00 where indicator_id = 'I1'")  # mutation
    statuses, instances, _ = _statuses(con, [SCORE_LE_WEIGHT])
    assert statuses["indicator_id=I1"] == "violation"
    bad = next(i for i in instances if i.instance == "indicator_id=I1")
    assert (bad.lhs, bad.rhs, bad.difference) == (Decimal("11.0000"), Decimal("10.0000"), Decimal("1.0000"))
    evidence = {c.column_key: c.cell for c in bad.cells}
    assert evidence["label"].row_label == "满意度" and evidence["label"].source_line == 40


def test_missing_relation_is_reported_not_raised(con):
    missing = RowIdentity("X", "performance", "", "marts.nope", ("doc_id",), "true", "eq", "1", "1", "0", ())
    statuses, _, notes = _statuses(con, [missing])
    assert statuses == {} and notes == ["X: relation marts.nope not built (run dbt build)"]


def test_shipped_declarations_load():
    ids = {i.id for i in load_row_identities()}
    assert {"PERF.indicator.score_le_weight", "PERF.budget.execution_rate", "NARR.completion_rate",
            "NARR.three_public_vs_T09", "NARR.total_vs_T01"} <= ids
