"""What the 情况说明 must state beside its arithmetic (expectations/narrative_arithmetic.yml, issue 12
point 2): a reason for a large change or budget gap, every 项 of 表5 named in the detail section,
绩效 statements that agree with the tables. Each instance is a count or a rate judged by the GX
suite of the family; what a rule cannot read with confidence is not_applicable or not_checkable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from expectations.evaluate import TermCell
from expectations.families import Check, table_label
from expectations.narrative_facts import (
    HUNDRED,
    MONEY,
    Facts,
    Figure,
    Paragraph,
    Verdict,
    figure_cell,
    number,
    ratio,
    skip,
    spread,
    strip_label,
    table_total,
)

ONE, ZERO = Decimal(1), Decimal(0)
_TO_DOC_UNIT = {("万元", "元"): Decimal(10000), ("元", "万元"): Decimal("0.0001")}
_CELL_HALF = Decimal("0.005")  # a table cell printed at two decimals
_SEGMENT = re.compile(r"[^；;。！？!?]+[；;。！？!?]*")


def _count(instance: str, env: dict[str, str], cells: list[TermCell], ok: bool) -> Verdict:
    """A yes/no instance: lhs 1 when it holds, 0 when not; rhs 1."""
    return Verdict(instance, env, cells, ONE if ok else ZERO, ONE)


# --- NA.reason ------------------------------------------------------------------------------------

def _due(f: Figure, p: Mapping[str, Any]) -> str | None:
    """'change' or 'completion' when the figure states a change or a budget gap at the threshold."""
    threshold = Decimal(str(p["threshold"]))
    if re.search(p["changes"], f.metric) and abs(f.value) >= threshold:
        return "change"
    if re.search(p["completions"], f.metric) and abs(f.value - HUNDRED) >= threshold:
        return "completion"
    return None


def _before(para: Paragraph, f: Figure, metric: str) -> Figure | None:
    """The last figure of the paragraph before f, of the same subject, whose metric matches."""
    found = None
    for _, g in para.figures:
        if g is f:
            return found
        if g.subject == f.subject and re.search(metric, g.metric):
            found = g
    return None


def _nothing_spent(para: Paragraph, f: Figure, p: Mapping[str, Any]) -> bool:
    """A completion rate over a 决算数 of zero and a 预算数 of zero or not stated: no gap to explain."""
    final, budget = _before(para, f, p["finals"]), _before(para, f, p["budgets"])
    return final is not None and final.value == 0 and (budget is None or budget.value == 0)


def _explained(para: Paragraph, spans: list[tuple[int, int]],
               p: Mapping[str, Any]) -> tuple[list[tuple[int, Figure]], set[int]]:
    """The due figures (with their clause) and those a reason explains. Clauses split at ；and at
    sentence ends. A reason in a clause stating figures explains the pending figures of those
    subjects ('…增长23.65%，主要原因…' explains 住房保障 only); a reason in a clause without
    figures explains everything pending in the paragraph."""
    wording = re.compile("|".join(map(re.escape, p["wording"])))
    due, pending, explained = [], [], set()
    for k, (a, b) in enumerate(spans):
        in_clause = [f for at, f in para.figures if a <= at < b]
        new = [(k, f) for f in in_clause if _due(f, p)]
        due += new
        pending += [f for _, f in new]
        if wording.search(para.text[a:b]):
            subjects = {f.subject for f in in_clause}
            explained |= {f.index for f in pending if not in_clause or f.subject in subjects}
            pending = [f for f in pending if f.index not in explained]
    return due, explained


_MEASURE = re.compile(r"^\d{4}年度?|(年初|全年|调整后)?(预算|决算)数?均?(为|是)?$|均?(为|是)$")


def _statement(para: Paragraph, f: Figure) -> str:
    """What the rate is of: the first amount of its subject in the paragraph, without the measure
    words ('卫生健康支出年初预算' -> 卫生健康支出), else the subject."""
    before = [g for _, g in para.figures[: [g for _, g in para.figures].index(f)]]
    base = next((g for g in before if g.subject == f.subject
                 and not g.metric.endswith(("_change", "_change_pct", "_share", "completion_rate"))), None)
    name = _MEASURE.sub("", strip_label(base.label)) if base else ""
    return name or f.subject or ""


def reason(facts: Facts, check: Check, p: Mapping[str, Any]) -> Iterator[Verdict]:
    """A reason (主要原因…) for each change of at least the threshold and each completion rate that
    far from 100%: in its clause or a later one of its paragraph (the corpus never explains in the
    next paragraph), unless the statement is broken down below (其中：) or nothing was spent."""
    breakdown = re.compile(p["breakdown"])
    for para in facts.paragraphs or []:
        if para.section_key is None or para.section_key in p["skip_sections"]:
            continue
        spans = [m.span() for m in _SEGMENT.finditer(para.text)]
        due, explained = _explained(para, spans, p)
        for k, f in due:
            kind = _due(f, p)
            env = {"what": _statement(para, f), "kind": p["kinds"][kind], "rate": f.shown,
                   "threshold": str(p["threshold"]), "clause": para.text[slice(*spans[k])][:80]}
            inst, cells = f"figure {f.index}", [figure_cell("lhs", f)]
            if kind == "completion" and _nothing_spent(para, f, p):
                yield skip(inst, env, cells, "not_applicable", "zero")
            elif f.index in explained:
                yield _count(inst, env, cells, True)
            elif any(breakdown.match(para.text[a:b].strip()) for a, b in spans[k + 1:]):
                yield skip(inst, env, cells, "not_applicable", "breakdown")
            else:
                yield _count(inst, env, cells, False)


# --- NA.items_named -------------------------------------------------------------------------------

def _plain(text: str) -> str:
    """Spaces removed, brackets half-width, the level mark '(项)' dropped."""
    text = re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")")
    return re.sub(r"\((类|款|项)\)$", "", text)


def items_named(facts: Facts, check: Check, p: Mapping[str, Any]) -> Iterator[Verdict]:
    """Every 项 of the table with a non-zero amount, named (by name or code) in the detail section
    (its heading found in raw.document_sections, out of the table of contents)."""
    doc, table = facts.doc, p["table"]
    items = [c for c in doc.cells.get(table, []) if c.subject_code and len(c.subject_code) == p["code_length"]
             and c.column_key == p["column"] and c.value]
    if facts.paragraphs is None or not items:
        return
    declared = set(p["sections"])
    paragraphs = [x for x in facts.paragraphs if x.section_key in declared] if facts.sections & declared else []
    section = (paragraphs[0].heading if paragraphs else None) or str(p["section_name"])
    env = {"section": section, "table": table_label(table), "item": "各项支出", "name": "-"}
    if doc.table_status.get(table) == "suspect":
        yield skip("-", env, [], "not_checkable", "suspect")
        return
    if not paragraphs:
        yield skip("-", env, [], "not_checkable", "no_section")
        return
    text = _plain("".join(x.text for x in paragraphs))
    names = [_plain(c.row_label or "") for c in items]
    for cell, name in zip(items, names, strict=True):
        code = cell.subject_code or ""
        found = env | {"item": f" {code} {name}（合计 {cell.value}）", "name": name or code}
        cells = [TermCell("lhs", 1, cell, table, cell.column_key)]
        sharing = names.count(name)
        if code in text or (name and text.count(name) >= sharing):
            yield _count(f"subject={code}", found, cells, True)
        elif name and name in text:  # named fewer times than the 项 of that name: which one is meant?
            yield skip(f"subject={code}", found, cells, "not_checkable", "ambiguous")
        else:
            yield _count(f"subject={code}", found, cells, False)


# --- NA.performance -------------------------------------------------------------------------------

def performance_share(facts: Facts, check: Check, p: Mapping[str, Any]) -> Iterator[Verdict]:
    """'涉及资金 A 万元，占项目支出的 X%': X = A / 项目支出 合计 of the table the sentence names, at the
    printed precision; a printed 100% holds only when A equals the 项目支出 within rounding."""
    doc = facts.doc
    for group in facts.groups:
        for i, s in enumerate(group):
            if s.metric != p["share"]:
                continue
            a = group[i - 1] if i and group[i - 1].metric == p["funds"] and group[i - 1].unit in MONEY else None
            env = {"funds": a.shown if a else "-", "share": s.shown, "whole": "-", "d": "-"}
            cells = [figure_cell("lhs", s)] + ([figure_cell("rhs", a)] if a else [])
            inst = f"figure {s.index}"
            table = next((t for pattern, t in p["denominators"] if re.search(pattern, s.label)), None)
            if a is None or table is None:
                yield skip(inst, env, cells, "not_applicable", "no_funds" if a is None else "no_whole")
                continue
            total = table_total(doc, table, p["column"])
            env["whole"] = table_label(table)
            factor = ONE if a.unit == doc.unit else _TO_DOC_UNIT.get((a.unit, doc.unit or ""))
            if isinstance(total, str) or factor is None or total.value is None or total.value - _CELL_HALF <= 0:
                yield skip(inst, env, cells, "not_checkable", "no_whole_cell")
                continue
            env["d"] = str(total.value)
            cells.append(TermCell("rhs", 1, total, table, p["column"]))
            funds, whole = (a.value * factor, a.half * factor), (total.value, _CELL_HALF)
            computed, moved = ratio(funds[0], whole[0]), spread(ratio, funds, whole)
            if s.value == HUNDRED:  # '100%' claims all of it: compared exactly, not at the printed precision
                yield Verdict(inst, env, cells, s.value, computed.quantize(Decimal("0.01")), moved)
            else:
                yield Verdict(inst, env, cells, s.value, computed, s.unit_digit + moved, s)


def performance_count(facts: Facts, check: Check, p: Mapping[str, Any]) -> Iterator[Verdict]:
    """'在部门决算中反映 N 个项目的绩效自评结果': N = the 项目绩效自评表 the document prints."""
    published = re.compile(p["published"])
    for f in (f for group in facts.groups for f in group if f.metric == p["count"]):
        env = {"n": number(f.value), "found": str(facts.project_evaluations or 0)}
        inst, cells = f"figure {f.index}", [figure_cell("lhs", f)]
        if not published.search(re.sub(r"\s+", "", f.sentence)):
            yield skip(inst, env, cells, "not_applicable", "not_published")
        elif not facts.project_evaluations:
            yield skip(inst, env, cells, "not_checkable", "no_tables")
        else:
            yield Verdict(inst, env, cells, f.value, Decimal(facts.project_evaluations))
