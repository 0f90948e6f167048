"""Write identity results to DuckDB schema `audit` (idempotent per document)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from expectations.cells import DocumentCells
from expectations.evaluate import Instance
from expectations.findings import Finding, finding

SCHEMA_SQL = Path(__file__).resolve().parent / "audit_schema.sql"
STATUSES = ("pass", "rounding", "violation", "not_checkable", "not_applicable")


@dataclass
class DocumentSummary:
    doc_id: str
    file_name: str
    counts: dict[str, int]
    outcome: str  # consistent | rounding_only | violations | not_checked
    note: str | None = None


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))


def result_id(inst: Instance) -> str:
    return f"{inst.identity_id}|{inst.instance}"


def finding_id(inst: Instance) -> str:
    """A short id of a result (and so of its finding), the same on every run: a hash of doc_id,
    identity_id and instance. The GX Data Docs list failing rows by it; audit.findings carries it."""
    return hashlib.sha1(f"{inst.doc_id}|{inst.identity_id}|{inst.instance}".encode()).hexdigest()[:12]


def summarise(doc: DocumentCells, instances: list[Instance], note: str | None = None) -> DocumentSummary:
    counts = {s: sum(1 for i in instances if i.status == s) for s in STATUSES}
    if counts["violation"]:
        outcome = "violations"
    elif not (counts["pass"] or counts["rounding"]):
        outcome = "not_checked"
    elif counts["rounding"]:
        outcome = "rounding_only"
    else:
        outcome = "consistent"
    if note is None and counts["not_checkable"]:
        note = f"{counts['not_checkable']} identities could not be checked (missing tables or cells)"
    return DocumentSummary(doc.doc_id, doc.file_name, counts, outcome, note)


def _finding_columns(found: Finding | None) -> dict[str, str | None]:
    if found is None:
        return {"severity": None, "message": None, "suggestion": None}
    return {"severity": found.severity, "message": found.message, "suggestion": found.suggestion}


def _num(v) -> str | None:
    return None if v is None else str(v)


def write_document(con: duckdb.DuckDBPyConnection, doc: DocumentCells, instances: list[Instance],
                   summary: DocumentSummary, sources: dict[str, str], checked_at: datetime,
                   checker_version: str | None = None) -> None:
    """Replace one document's audit rows."""
    results, cells = [], []
    for inst in instances:
        rid = result_id(inst)
        results.append({
            "doc_id": doc.doc_id, "result_id": rid, "finding_id": finding_id(inst), "suite": inst.family,
            "identity_id": inst.identity_id, "instance": inst.instance,
            "description": inst.description, "lhs_value": _num(inst.lhs),
            "rhs_value": _num(inst.rhs), "difference": _num(inst.difference),
            "tolerance": _num(inst.tolerance), "n_terms": inst.n_terms, "unit": doc.unit,
            "status": inst.status, "reason": inst.reason,
            "source_file": sources.get(inst.identity_id), "checked_at": checked_at,
            **_finding_columns(finding(inst, doc.unit)),
        })
        for k, t in enumerate(inst.cells):
            c = t.cell
            cells.append({
                "doc_id": doc.doc_id, "result_id": rid, "cell_index": k, "role": t.role,
                "sign": t.sign, "table_code": t.table_code,
                "row_index": c.row_index if c else None, "row_label": c.row_label if c else None,
                "row_key": c.row_key if c else None, "subject_code": c.subject_code if c else None,
                "line_no": c.line_no if c else None, "column_key": t.column_key,
                "value": _num(c.value) if c else None, "note": t.note,
                "source_line": c.source_line if c else None, "page": c.page if c else None,
            })
    con.execute("BEGIN TRANSACTION")
    try:  # a document's audit rows are written with its summary row: none to replace without it
        if con.execute("SELECT count(*) FROM audit.document_check_summary WHERE doc_id = ?",
                       [doc.doc_id]).fetchall()[0][0]:
            for table in ("identity_cells", "identity_results", "document_check_summary"):
                con.execute(f"DELETE FROM audit.{table} WHERE doc_id = ?", [doc.doc_id])
        _insert(con, "identity_results", results)
        _insert(con, "identity_cells", cells)
        n = summary.counts
        con.execute(
            "INSERT INTO audit.document_check_summary (doc_id, file_name, doc_kind, unit, n_pass, n_rounding, "
            "n_violation, n_not_checkable, n_not_applicable, outcome, note, checked_at, checker_version) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [doc.doc_id, doc.file_name, doc.doc_kind, doc.unit, n["pass"], n["rounding"],
             n["violation"], n["not_checkable"], n["not_applicable"], summary.outcome,
             summary.note, checked_at, checker_version])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    cols = list(rows[0])
    # as an Arrow table: a pandas frame of objects made DuckDB sniff every value (a third of the checks' time)
    con.register("_audit_rows", pa.Table.from_pylist(rows))
    try:
        con.execute(f"INSERT INTO audit.{table} ({', '.join(cols)}) "
                    f"SELECT {', '.join(cols)} FROM _audit_rows")
    finally:
        con.unregister("_audit_rows")
