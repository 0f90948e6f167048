"""OCR'd cells check themselves: which amounts of a table may be misread.

An OCR'd amount is suspect when it is not an amount, when its characters were recognised with a
low score, when it prints other decimals than the table's amounts, or when one of the table's own
sums fails and reading it otherwise would make the sum hold: one digit swapped for a digit OCR
confuses it with (ocr.yml: 6/8, 1/7, 0/8, ...), a dropped decimal point, or an amount OCR did not
see in a cell it read blank. Recognition scores alone do not catch wrong digits (14,991.95 read
for 14,994.95 at 0.91): the sums do. A table with a suspect cell is suspect (extract.quality), so
its identities are not_checkable, never a violation.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from expectations.evaluate import Instance, TermCell

from .numbers import is_blank
from .ocr import config
from .records import Cell

CellKey = tuple[int, str]  # row_index, column_key
_DECIMALS = re.compile(r"\.(\d+)$")


def _decimals(text: str) -> int:
    found = _DECIMALS.search(text.strip().replace(",", ""))
    return len(found.group(1)) if found else 0


def _one_swap(read: Decimal, other: Decimal, decimals: int, confusable: set[frozenset[str]]) -> bool:
    a, b = f"{abs(read):.{decimals}f}", f"{abs(other):.{decimals}f}"
    if read < 0 or other < 0 or len(a) != len(b):
        return False
    diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diffs) == 1 and frozenset(diffs[0]) in confusable


def _misread(term: TermCell, inst: Instance, decimals: int, confusable: set[frozenset[str]]) -> str | None:
    """Why this OCR'd term may be misread so that the failing instance fails (None: it is not)."""
    cell = term.cell
    assert cell is not None and inst.difference is not None and inst.tolerance is not None
    side = term.sign * (1 if term.role == "lhs" else -1)  # d(difference) / d(value)
    if side == 0:
        return None
    needed = -inst.difference / side  # the change of the value that makes the sum hold
    if cell.value is None:
        return "read blank where an amount may be printed" if needed > inst.tolerance else None
    step = Decimal(1).scaleb(-decimals)
    for slack in (Decimal(0), step, -step):
        other = cell.value + needed + slack
        if _one_swap(cell.value, other, decimals, confusable):
            return f"{cell.value} may be {other} (one digit misread)"
    if decimals and cell.value == (cell.value + needed).scaleb(decimals):
        return f"{cell.value} may be {cell.value + needed} (decimal point not seen)"
    return None


def ocr_suspects(cells: list[Cell], failed: list[Instance]) -> dict[CellKey, str]:
    """The table's OCR'd cells that may be misread, with why."""
    ocr = {(c.row_index, c.column_key): c for c in cells if c.source == "ocr"}
    if not ocr:
        return {}
    cfg = config()
    confusable = {frozenset(pair) for pair in cfg.confusable}
    printed = [c for c in ocr.values() if not is_blank(c.raw_text)]
    counts = Counter(_decimals(c.raw_text) for c in printed if c.value is not None)
    decimals = counts.most_common(1)[0][0] if counts else 2
    why: dict[CellKey, str] = {}
    for c in printed:
        key = (c.row_index, c.column_key)
        if c.value is None:
            why[key] = f"'{c.raw_text}' is not an amount"
        elif c.ocr_confidence is not None and c.ocr_confidence < cfg.min_confidence:
            why[key] = f"{c.raw_text} recognised with score {c.ocr_confidence:.2f}"
        elif _decimals(c.raw_text) != decimals:
            why[key] = f"{c.raw_text} does not print the table's {decimals} decimals"
    for inst in failed:
        for term in inst.cells:
            if term.cell is None or term.role not in ("lhs", "rhs"):
                continue
            key = (term.cell.row_index, term.cell.column_key)
            if key in ocr and key not in why and (reason := _misread(term, inst, decimals, confusable)):
                why[key] = f"{reason}: {inst.identity_id} {inst.instance} fails by {inst.difference}"
    return why
