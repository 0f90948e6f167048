"""Read a document's extracted cells (raw.table_cells + raw.documents) from DuckDB."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import duckdb

from extract.numbers import trimmed


@dataclass(frozen=True)
class CellRow:
    """One value cell as extracted, with provenance."""

    table_code: str
    row_index: int
    row_label: str | None
    row_key: str | None
    subject_code: str | None
    line_no: int | None
    column_key: str
    value: Decimal | None  # None = blank as printed
    source_line: int | None
    page: int | None


@dataclass
class DocumentCells:
    """What the checks need of one document."""

    doc_id: str
    file_name: str
    doc_kind: str
    unit: str | None
    table_status: dict[str, str] = field(default_factory=dict)  # table_code -> ok | empty | partial | suspect
    cells: dict[str, list[CellRow]] = field(default_factory=dict)  # table_code -> cells
    template_variant: str | None = None  # catalogue variant; None = unknown (every table may apply)
    table_notes: dict[str, str] = field(default_factory=dict)  # table_code -> why it is empty or suspect


def list_documents(con: duckdb.DuckDBPyConnection, doc_ids: list[str] | None) -> list[tuple]:
    sql = "SELECT doc_id, file_name, doc_kind, unit, template_variant FROM raw.documents"
    if doc_ids is not None:
        if not doc_ids:
            return []
        sql += " WHERE doc_id IN (SELECT unnest(?))"
        return con.execute(sql + " ORDER BY file_name, doc_id", [doc_ids]).fetchall()
    return con.execute(sql + " ORDER BY file_name, doc_id").fetchall()


def load_document(con: duckdb.DuckDBPyConnection, doc: tuple) -> DocumentCells:
    doc_id, file_name, doc_kind, unit, variant = doc
    result = DocumentCells(doc_id=doc_id, file_name=file_name, doc_kind=doc_kind, unit=unit,
                           template_variant=variant)
    for code, status, note in con.execute(
        "SELECT table_code, status, note FROM raw.document_tables WHERE doc_id = ?", [doc_id]
    ).fetchall():
        result.table_status[code] = status
        if note:
            result.table_notes[code] = note
    rows = con.execute(
        """SELECT table_code, row_index, row_label, row_key, subject_code, line_no, column_key,
                  value, source_line, page
           FROM raw.table_cells WHERE doc_id = ? ORDER BY table_code, row_index, column_key""",
        [doc_id],
    ).fetchall()
    for r in rows:
        values = list(r)
        values[7] = None if r[7] is None else trimmed(r[7])  # as printed, not DECIMAL(24,6)'s six places
        cell = CellRow(*values)
        result.cells.setdefault(cell.table_code, []).append(cell)
        # a table with cells but no document_tables row still counts as present
        result.table_status.setdefault(cell.table_code, "ok")
    return result
