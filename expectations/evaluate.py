"""Evaluate declared identities on one document's cells, exactly (Decimal).

Produces one `Instance` per identity instance: both sides, the difference, the rounding
tolerance and the cells involved. The pass | rounding | violation verdict is given by the GX
suites (expectations.suites); instances that cannot be evaluated get their status here:
not_checkable (a table or cell is missing) or not_applicable (nothing printed, or a
precondition such as "all spending is general-budget" does not hold).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from expectations.cells import CellRow, DocumentCells
from expectations.declarations import LEVELS, Identity, Selector
from extract.catalogue import DEFAULT_KIND, catalogue, table_name

PENDING = ""  # status of a checkable instance until the GX suite has judged it


@dataclass(frozen=True)
class TermCell:
    """A cell taking part in an instance; cell None = a row the table does not print."""

    role: str  # lhs | rhs | condition
    sign: int
    cell: CellRow | None
    table_code: str
    column_key: str
    note: str | None = None  # blank | not printed | table empty


@dataclass
class Instance:
    doc_id: str
    family: str
    identity_id: str
    instance: str
    description: str
    lhs: Decimal | None = None
    rhs: Decimal | None = None
    difference: Decimal | None = None
    tolerance: Decimal | None = None
    n_terms: int = 0
    status: str = PENDING
    reason: str | None = None
    cells: list[TermCell] = field(default_factory=list)


class Unresolvable(Exception):
    """A required cell is absent or ambiguous."""


def tolerance_per_term(unit: str | None, per_term_wan: Decimal) -> Decimal:
    """Per-term rounding allowance in the document's own unit (0.01 万元 = 100 元)."""
    return per_term_wan * 10000 if unit == "元" else per_term_wan


def _fmt(value: str | None, env: dict[str, str]) -> str | None:
    return value.format(**env) if value and "{" in value else value


def _children(code: str, parent: str) -> bool:
    if parent == "total":
        return len(code) == 3
    return code.startswith(parent) and len(code) == len(parent) + 2


def _anchor(cells: list[CellRow], row_key: str) -> int | None:
    idx = [c.row_index for c in cells if c.row_key == row_key]
    return min(idx) if idx else None


def select(sel: Selector, doc: DocumentCells, env: dict[str, str]) -> list[CellRow]:
    """The cells a selector names in a document (possibly none)."""
    table_cells = doc.cells.get(sel.table, [])
    column = _fmt(sel.column, env)
    out = [c for c in table_cells if c.column_key == column]
    if sel.row is not None:
        row = int(_fmt(sel.row, env) or -1)
        out = [c for c in out if c.row_index == row]
    if sel.row_key is not None:
        keys = {_fmt(sel.row_key, env)} if isinstance(sel.row_key, str) else set(sel.row_key)
        out = [c for c in out if c.row_key in keys]
    if sel.subject_code is not None:
        code = _fmt(sel.subject_code, env)
        out = [c for c in out if c.subject_code == code]
    if sel.node is not None:
        node = _fmt(sel.node, env)
        out = [c for c in out if (c.row_key == "total" if node == "total" else c.subject_code == node)]
    if sel.line_no is not None:
        out = [c for c in out if c.line_no == sel.line_no]
    if sel.level is not None:
        out = [c for c in out if c.subject_code and len(c.subject_code) == LEVELS[sel.level]]
    if sel.children_of is not None:
        parent = _fmt(sel.children_of, env) or ""
        out = [c for c in out if c.subject_code and _children(c.subject_code, parent)]
    if sel.codes_in is not None:
        out = [c for c in out if c.subject_code and c.subject_code[:3] in sel.codes_in]
    if sel.codes_not_in is not None:
        out = [c for c in out if c.subject_code and c.subject_code[:3] not in sel.codes_not_in]
    for attr, keep in (("before", lambda i, a: i < a), ("after", lambda i, a: i > a)):
        anchor_key = getattr(sel, attr)
        if anchor_key is not None:
            anchor = _anchor(table_cells, anchor_key)
            out = [] if anchor is None and attr == "after" else [
                c for c in out if anchor is None or keep(c.row_index, anchor)]
    return out


def _describe(sel: Selector, env: dict[str, str]) -> str:
    parts = [sel.table]
    for attr in ("row_key", "subject_code", "node", "line_no", "level", "children_of", "row"):
        v = getattr(sel, attr)
        if v is not None:
            parts.append(f"{attr}={_fmt(v, env) if isinstance(v, str) else v}")
    parts.append(f"column={_fmt(sel.column, env)}")
    return " ".join(parts)


def _terms(sel: Selector, role: str, doc: DocumentCells, env: dict[str, str]) -> list[TermCell]:
    found = select(sel, doc, env)
    column = _fmt(sel.column, env) or ""
    if sel.single and len(found) > 1 and len({c.value for c in found}) == 1:
        found = found[:1]  # one row printed twice with the same values (合计 at top and bottom)
    if sel.single and len(found) > 1:
        rows = ", ".join(f"line {c.source_line or '?'} page {c.page or '?'}" for c in found)
        raise Unresolvable(f"ambiguous: {len(found)} cells match {_describe(sel, env)} ({rows})")
    if sel.single and not found:
        if doc.table_status.get(sel.table) == "empty":
            return [TermCell(role, sel.sign, None, sel.table, column, "table empty")]
        if not sel.optional:
            raise Unresolvable(f"no cell for {_describe(sel, env)}")
        return [TermCell(role, sel.sign, None, sel.table, column, "not printed")]
    return [TermCell(role, sel.sign, c, sel.table, column, "blank" if c.value is None else None)
            for c in found]


def _sum(terms: list[TermCell]) -> Decimal:
    return sum((t.sign * t.cell.value for t in terms if t.cell and t.cell.value is not None),
               Decimal(0))


def _row_name(doc: DocumentCells, table: str, row_index: int) -> str:
    for c in doc.cells.get(table, []):
        if c.row_index == row_index:
            name = c.subject_code or c.row_key or c.row_label or "?"
            return f"{name} (row {row_index})"
    return f"row {row_index}"


def _loop_values(spec: Any, doc: DocumentCells) -> list[tuple[str, str]]:
    """(value, display) pairs for one loop variable."""
    if isinstance(spec, list):
        return [(str(v), str(v)) for v in spec]
    if not isinstance(spec, dict):
        raise ValueError(f"bad for_each spec {spec!r}")
    if "rows_of" in spec:
        table = spec["rows_of"]
        rows = sorted({c.row_index for c in doc.cells.get(table, [])})
        return [(str(r), _row_name(doc, table, r)) for r in rows]
    if "subjects_of" in spec:
        tables = spec["subjects_of"] if isinstance(spec["subjects_of"], list) else [spec["subjects_of"]]
        length = LEVELS[spec.get("level", "class")]
        classes = sorted({c.subject_code for t in tables for c in doc.cells.get(t, [])
                          if c.subject_code and len(c.subject_code) == length})
        return [(c, c) for c in classes]
    if "parents_of" in spec:
        cells = doc.cells.get(spec["parents_of"], [])
        codes = {c.subject_code for c in cells if c.subject_code}
        parents = sorted(p for p in codes if any(_children(c, p) for c in codes))
        has_total = spec.get("total", True) and any(c.row_key == "total" for c in cells)
        return ([("total", "total")] if has_total else []) + [(p, p) for p in parents]
    raise ValueError(f"bad for_each spec {spec!r}")


def bindings(ident: Identity, doc: DocumentCells) -> list[tuple[dict[str, str], str]]:
    """Each loop binding of an identity, with a readable instance name."""
    if not ident.for_each:
        return [({}, "-")]
    names = list(ident.for_each)
    values = [_loop_values(ident.for_each[n], doc) for n in names]
    out = []
    for combo in itertools.product(*values):
        env = {n: v for n, (v, _) in zip(names, combo, strict=False)}
        label = ", ".join(f"{n}={d}" for n, (_, d) in zip(names, combo, strict=False))
        out.append((env, label))
    return out


def _table_names(codes: list[str]) -> str:
    return ", ".join(map(table_name, codes))


def evaluate_instance(ident: Identity, doc: DocumentCells, env: dict[str, str], label: str,
                      per_term: Decimal) -> Instance | None:
    """One instance; None when a looped instance has no printed value at all (nothing asserted)."""
    inst = Instance(doc.doc_id, ident.family, ident.id, label, ident.description)
    try:
        lhs = [t for s in ident.lhs for t in _terms(s, "lhs", doc, env)]
        rhs = [t for s in ident.rhs for t in _terms(s, "rhs", doc, env)]
    except Unresolvable as exc:
        if ident.if_missing == "skip":
            return None
        inst.status, inst.reason = ident.if_missing, str(exc)
        return inst
    inst.cells = lhs + rhs
    if ident.if_no_parts != "evaluate" and not any(t.cell for t in rhs):  # no part printed, not even blank
        if ident.if_no_parts == "skip":
            return None
        inst.status, inst.reason = "not_applicable", "none of the right side's cells is printed"
        return inst
    printed = [t for t in inst.cells if t.cell and t.cell.value is not None]
    if not printed:
        if ident.for_each:
            return None
        inst.status, inst.reason = "not_applicable", "no printed values (all cells blank or absent)"
        return inst
    if ident.when_equal:
        try:
            a = _terms(ident.when_equal[0], "condition", doc, env)
            b = _terms(ident.when_equal[1], "condition", doc, env)
        except Unresolvable as exc:
            inst.status, inst.reason = "not_applicable", f"precondition not evaluable: {exc}"
            return inst
        va, vb = _sum(a), _sum(b)
        if abs(va - vb) > per_term:
            inst.cells += a + b
            inst.status = "not_applicable"
            inst.reason = (f"precondition not met: {_describe(ident.when_equal[0], env)} = {va} "
                           f"≠ {_describe(ident.when_equal[1], env)} = {vb}")
            return inst
    inst.lhs, inst.rhs = _sum(lhs), _sum(rhs)
    inst.difference = inst.lhs - inst.rhs
    inst.n_terms = len(printed)
    inst.tolerance = per_term * max(1, len(printed) - 1)
    notes = [t.note for t in inst.cells if t.note]
    if notes:
        counts = {n: notes.count(n) for n in dict.fromkeys(notes)}
        inst.reason = "; ".join(f"{k} cells counted as 0: {v}" for k, v in counts.items())
    return inst


def _not_evaluable(ident: Identity, doc: DocumentCells) -> tuple[str, str] | None:
    """(status, reason) when the identity cannot be evaluated on this document at all: a table
    outside its template variant (not applicable), a table not found, or a table whose parse is
    suspect (not checkable: an extraction finding, never a violation of the document)."""
    missing = [t for t in ident.tables if t not in doc.table_status]
    variant = catalogue().variants.get(doc.template_variant or "")
    outside = [t for t in missing if variant is not None
               and (t not in variant.tables or not variant.tables[t].required)]
    if outside and variant is not None:
        return "not_applicable", (f"not printed, and not required by the {variant.name} template: "
                                  f"{_table_names(outside)}")
    if missing:
        return "not_checkable", f"table not found in the document: {_table_names(missing)}"
    suspect = [t for t in ident.tables if doc.table_status.get(t) == "suspect"]
    if suspect:
        notes = "; ".join(f"{table_name(t)}: {doc.table_notes.get(t, 'suspect')}" for t in suspect)
        return "not_checkable", f"extraction: {notes}"
    return None


def evaluate_identity(ident: Identity, doc: DocumentCells, per_term: Decimal) -> list[Instance]:
    why = _not_evaluable(ident, doc)
    if why is not None:
        return [Instance(doc.doc_id, ident.family, ident.id, "-", ident.description,
                         status=why[0], reason=why[1])]
    out = [i for env, label in bindings(ident, doc)
           if (i := evaluate_instance(ident, doc, env, label, per_term)) is not None]
    if not out:
        empty = [t for t in ident.tables if doc.table_status.get(t) == "empty"]
        reason = "no printed values"
        if ident.if_missing == "skip":
            reason = "no printed values, or the cells named are not in this document's layout"
        if empty:
            reason += f"; table states 本表无数据: {_table_names(empty)}"
        out.append(Instance(doc.doc_id, ident.family, ident.id, "-", ident.description,
                            status="not_applicable", reason=reason))
    return out


def _kind(code: str) -> str:
    return str(catalogue().tables.get(code, {}).get("doc_kind", DEFAULT_KIND))


def _families(doc: DocumentCells) -> set[str]:
    """The document families (final_accounts, budget) whose identities apply: its variant's, else
    those of the tables it holds (none known: every family)."""
    variant = catalogue().variants.get(doc.template_variant or "")
    if variant is not None:
        return {variant.doc_kind}
    return {_kind(code) for code in doc.table_status} or {_kind(code) for code in catalogue().tables}


def evaluate_document(doc: DocumentCells, identities: list[Identity],
                      per_term_wan: Decimal = Decimal("0.01")) -> list[Instance]:
    """Every instance of the identities of the document's family (those of the other family, a
    部门预算's for a 部门决算 and the reverse, are not evaluated at all)."""
    per_term = tolerance_per_term(doc.unit, per_term_wan)
    families = _families(doc)
    identities = [i for i in identities if any(_kind(t) in families for t in i.tables)]
    return [i for ident in identities for i in evaluate_identity(ident, doc, per_term)]
