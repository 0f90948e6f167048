"""Which documents an incremental check run must (re)check; the others keep their audit rows.

A document is checked again when
* it has no audit summary yet (new), or was extracted again since it was checked (changed), or was
  checked by other checks (the expectations code and declarations, the dbt models the row identities
  read, the tolerance: `checker_version`);
* its cross-document results (the row identities of CROSS_DOCUMENT_FAMILIES, over marts that pair an
  agency's documents across years and budget with final accounts) evaluated now differ from those
  stored: a new document re-checks the documents it pairs with, and the ones it displaces.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb

from expectations.evaluate import PENDING, Instance
from expectations.row_identities import RowIdentity, evaluate_row_identities
from extract import code_digest

# Families whose instances depend on other documents than their own (declared in expectations/performance/).
CROSS_DOCUMENT_FAMILIES = ("across_years",)
EXPECTATIONS = Path(__file__).resolve().parent
DBT_MODELS = EXPECTATIONS.parent / "dbt" / "models"
JUDGED = ("pass", "rounding", "violation")  # the GX suites' verdicts on a checkable instance

Fingerprint = frozenset[tuple]


def checker_version(tolerance_wan: Decimal, identity_paths: list[Path] | None) -> str:
    """The checks' code and declarations, the dbt models they read, and the options of the run."""
    models = code_digest(DBT_MODELS) if DBT_MODELS.is_dir() else "-"
    declared = [code_digest(p) if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
                for p in map(Path, identity_paths or [])]
    return ":".join([code_digest(EXPECTATIONS)[:16], models[:16], str(tolerance_wan), *(d[:16] for d in declared)])


def stale_documents(con: duckdb.DuckDBPyConnection, version: str) -> set[str]:
    """Documents never checked, extracted since they were checked, or checked by other checks.
    (checked_at is local time, extracted_at UTC.)"""
    local = datetime.now() - datetime.now(UTC).replace(tzinfo=None)
    rows = con.execute(
        "select d.doc_id from raw.documents d left join audit.document_check_summary s using (doc_id) "
        "where s.doc_id is null or s.checked_at < d.extracted_at + ? or s.checker_version is distinct from ?",
        [timedelta(minutes=round(local.total_seconds() / 60)), version]).fetchall()
    return {r[0] for r in rows}


def _norm(value: object) -> str | None:
    return None if value is None else str(Decimal(str(value)).normalize())


def _fingerprint(identity_id: str, instance: str, lhs: object, rhs: object, difference: object,
                 tolerance: object, status: str, reason: str | None, evidence: list[tuple]) -> tuple:
    verdict = "judged" if status in (*JUDGED, PENDING) else status
    return (identity_id, instance, _norm(lhs), _norm(rhs), _norm(difference), _norm(tolerance), verdict,
            reason, tuple(sorted(evidence, key=repr)))


def _fresh(instances: list[Instance]) -> Fingerprint:
    return frozenset(_fingerprint(
        i.identity_id, i.instance, i.lhs, i.rhs, i.difference, i.tolerance, i.status, i.reason,
        [(t.column_key, t.cell.row_label, _norm(t.cell.value), t.cell.source_line, t.cell.page)
         for t in i.cells if t.cell is not None]) for i in instances)


def _stored(con: duckdb.DuckDBPyConnection, identity_ids: list[str]) -> dict[str, Fingerprint]:
    evidence: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for doc_id, result_id, *cell in con.execute(
            "select c.doc_id, c.result_id, c.column_key, c.row_label, c.value, c.source_line, c.page "
            "from audit.identity_cells c join audit.identity_results r using (doc_id, result_id) "
            "where c.role = 'evidence' and r.identity_id in (select unnest(?))",
            [identity_ids]).fetchall():
        evidence[(doc_id, result_id)].append((cell[0], cell[1], _norm(cell[2]), cell[3], cell[4]))
    found: dict[str, set[tuple]] = defaultdict(set)
    for doc_id, result_id, identity_id, instance, lhs, rhs, diff, tol, status, reason in con.execute(
            "select doc_id, result_id, identity_id, instance, lhs_value, rhs_value, difference, tolerance, status, "
            "reason from audit.identity_results where identity_id in (select unnest(?))", [identity_ids]).fetchall():
        found[doc_id].add(_fingerprint(identity_id, instance, lhs, rhs, diff, tol, status, reason,
                                       evidence[(doc_id, result_id)]))
    return {doc_id: frozenset(prints) for doc_id, prints in found.items()}


def changed_pairs(con: duckdb.DuckDBPyConnection, identities: list[RowIdentity]) -> set[str]:
    """Documents of the warehouse whose cross-document instances, evaluated now, differ from those stored."""
    cross = [i for i in identities if i.family in CROSS_DOCUMENT_FAMILIES]
    if not cross:
        return set()
    fresh, _ = evaluate_row_identities(con, cross, None)
    now = {doc_id: _fresh(instances) for doc_id, instances in fresh.items()}
    before = _stored(con, [i.id for i in cross])
    known = {r[0] for r in con.execute("select doc_id from raw.documents").fetchall()}
    empty: Fingerprint = frozenset()
    return {d for d in now.keys() | before.keys() if d in known and now.get(d, empty) != before.get(d, empty)}


def documents_to_check(con: duckdb.DuckDBPyConnection, identities: list[RowIdentity], version: str) -> list[str]:
    return sorted(stale_documents(con, version) | changed_pairs(con, identities))
