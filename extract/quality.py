"""Extraction checks itself: each table's parse-quality record, before the identities judge it.

A table is `suspect` when its own cells say the parse is not trustworthy: many printed values
could not be read as amounts, many row names hold an amount, or most instances of one of its own
row/column sums (an identity declared over that one table) fail. A real defect is one failing
sum among many that hold, so a single failing row never makes a table suspect; a misaligned
column makes most rows fail. A table read by OCR is also suspect when one of its OCR'd amounts
may be misread (extract.ocr_check): a low score, or a failing sum a likely misreading explains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from expectations.cells import CellRow, DocumentCells
from expectations.declarations import Identity, load_identities
from expectations.evaluate import PENDING, evaluate_document

from .numbers import is_blank
from .ocr_check import CellKey, ocr_suspects
from .records import Cell

MAX_UNREADABLE_SHARE = 0.2  # of a table's printed cells
MIN_HELD_SHARE = 0.5  # of the instances of each of its own identities, when at least MIN_FAILED fail
MIN_FAILED = 2
_AMOUNT_IN_NAME = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})*\.\d{2}(?![\d])")


@dataclass(frozen=True)
class TableQuality:
    n_rows: int
    n_columns: int  # distinct value columns mapped
    n_unreadable: int  # printed cells that are not amounts
    n_self_checks: int  # instances of the identities over this table alone
    n_self_checks_held: int  # of those, equal within rounding tolerance
    suspect_reason: str | None
    ocr_suspect: dict[CellKey, str] = field(default_factory=dict)  # OCR'd cells that may be misread, why


@cache
def _own_identities() -> dict[str, tuple[Identity, ...]]:
    by_table: dict[str, list[Identity]] = {}
    for ident in load_identities():
        if len(ident.tables) == 1:
            by_table.setdefault(ident.tables[0], []).append(ident)
    return {code: tuple(idents) for code, idents in by_table.items()}


def _cell_row(c: Cell) -> CellRow:
    return CellRow(c.table_code, c.row_index, c.row_label, c.row_key, c.subject_code, c.line_no,
                   c.column_key, c.value, c.source_line, c.page)


def table_quality(code: str, cells: list[Cell], unit: str | None,
                  tolerance_wan: Decimal = Decimal("0.01")) -> TableQuality:
    doc = DocumentCells("", "", "final_accounts", unit, {code: "ok"}, {code: [_cell_row(c) for c in cells]})
    instances = [i for i in evaluate_document(doc, list(_own_identities().get(code, ())), tolerance_wan)
                 if i.status == PENDING and i.difference is not None and i.tolerance is not None]
    held_by_identity: dict[str, list[bool]] = {}
    for i in instances:
        held_by_identity.setdefault(i.identity_id, []).append(abs(i.difference) <= i.tolerance)  # type: ignore
    held = sum(sum(h) for h in held_by_identity.values())
    printed = [c for c in cells if not is_blank(c.raw_text)]
    unreadable = sum(c.value is None for c in printed)
    rows = {c.row_index: c.row_label or "" for c in cells}
    amounts_in_names = sum(bool(_AMOUNT_IN_NAME.search(label)) for label in rows.values())
    reasons = []
    if printed and unreadable > MAX_UNREADABLE_SHARE * len(printed):
        reasons.append(f"{unreadable} of {len(printed)} printed cells are not amounts")
    if rows and amounts_in_names > MAX_UNREADABLE_SHARE * len(rows):
        reasons.append(f"{amounts_in_names} of {len(rows)} row names hold an amount")
    for identity_id, results in held_by_identity.items():
        failed = results.count(False)
        if failed >= MIN_FAILED and failed > (1 - MIN_HELD_SHARE) * len(results):
            reasons.append(f"only {len(results) - failed} of {len(results)} {identity_id} sums hold")
    misread = ocr_suspects(cells, [i for i in instances if abs(i.difference) > i.tolerance])  # type: ignore
    if misread:
        first = "; ".join(list(misread.values())[:3])
        reasons.append(f"{len(misread)} OCR'd cells may be misread ({first}{'; ...' if len(misread) > 3 else ''})")
    return TableQuality(
        n_rows=len({c.row_index for c in cells}), n_columns=len({c.column_key for c in cells}),
        n_unreadable=unreadable, n_self_checks=len(instances), n_self_checks_held=held,
        suspect_reason="; ".join(reasons) or None, ocr_suspect=misread,
    )
