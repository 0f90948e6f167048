"""Each table's own identities for the extraction tests, through the real declarations and the
real evaluator (expectations/identities/*.yml, expectations.evaluate): the identities declared
over one table alone, judged as the GX suites judge them (|difference| > tolerance)."""

from __future__ import annotations

from decimal import Decimal

from expectations.cells import CellRow, DocumentCells
from expectations.declarations import load_identities
from expectations.evaluate import PENDING, evaluate_document

CELL_FIELDS = ("table_code", "row_index", "row_label", "row_key", "subject_code", "line_no", "column_key",
               "value", "source_line", "page")


def failures(cells: list[dict], unit: str | None = "万元") -> list[str]:
    """'identity_id [instance]' of every own-table identity instance that fails on the cells
    (dicts shaped like raw.table_cells rows)."""
    rows = [CellRow(*(c[f] for f in CELL_FIELDS)) for c in cells]
    doc = DocumentCells("test", "test", "final_accounts", unit)
    for row in rows:
        doc.table_status[row.table_code] = "ok"
        doc.cells.setdefault(row.table_code, []).append(row)
    own = [i for i in load_identities() if len(i.tables) == 1]
    return sorted(f"{i.identity_id} [{i.instance}]" for i in evaluate_document(doc, own, Decimal("0.01"))
                  if i.status == PENDING and abs(i.difference or 0) > (i.tolerance or 0))
