"""Narrative arithmetic (expectations/narrative_arithmetic.yml, issue 12 point 2): the figures one
sentence of the 情况说明 states must agree with each other, and what the 情况说明 must state beside
them (expectations/narrative_statements.py).

Read from raw.narrative_figures of one document, sentence by sentence (consecutive figures of the
same sentence), and raw.narrative_sentences (expectations/narrative_facts.py). Each rate instance:
lhs = as printed (%), rhs = what the sentence's amounts give, tolerance = one unit of the rate's
last printed digit plus the largest effect of the rounding of the amounts (half a unit of their
last printed digit; exact, over the corners of that box). The GX suite of the family judges them;
evidence cells are the figures with their line or page. A figure whose partners the sentence does
not state is not_applicable; one that cannot be computed (a base of zero within rounding) is
not_checkable, never a violation. A violation's message is the check's `violation` text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
import yaml

from expectations.cells import DocumentCells
from expectations.evaluate import Instance
from expectations.families import Check, Family, load_family, raw_table_exists
from expectations.narrative_facts import (
    HUNDRED,
    MONEY,
    Facts,
    Figure,
    Rule,
    Verdict,
    figure_cell,
    load_facts,
    number,
    ratio,
    skip,
    spread,
    what,
)
from expectations.narrative_statements import items_named, performance_count, performance_share, reason

NA_FILE = Path(__file__).resolve().parent / "narrative_arithmetic.yml"
_RELATIVE = ("_share", "_change_pct", "_change", "completion_rate")


@dataclass(frozen=True)
class NarrativeFamily(Family):
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # check id -> its declared data


_MESSAGES = {
    "change_rate": ("violation", "no_base", "zero_base", "opposite"),
    "change_direction": ("violation", "zero"),
    "share": ("violation", "no_part", "no_whole", "zero_whole"),
    "shares_sum": ("violation", "not_exhaustive"),
    "reason": ("violation", "zero", "breakdown"),
    "items_named": ("violation", "no_section", "suspect", "ambiguous"),
    "performance_share": ("violation", "no_funds", "no_whole", "no_whole_cell"),
    "performance_count": ("violation", "not_published", "no_tables"),
}


def load_narrative_arithmetic(path: Path = NA_FILE) -> NarrativeFamily:
    family = load_family(path, _MESSAGES)
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    params = {c["id"]: c.get("params", {}) for c in spec["checks"]}
    return NarrativeFamily(family.family, family.doc_kinds, family.checks, family.source, params)


# --- change rates ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Change:
    base: Figure | None  # X, this year's figure
    amount: Figure  # A
    rate: Figure  # B


def _changes(groups: list[list[Figure]]) -> Iterator[_Change]:
    """Each change rate stated right after its amount; X from the sentence, or from the figure just
    before a sentence that opens with the change ('收支总计 X 万元。与上年相比，减少 A 万元，减少 B%')."""
    previous: Figure | None = None
    for group in groups:
        for i, b in enumerate(group):
            if not b.metric.endswith("_change_pct") or i == 0:
                continue
            a = group[i - 1]
            root = b.metric.removesuffix("_change_pct")
            if a.metric != root + "_change" or a.key != b.key or a.unit not in MONEY:
                continue
            same = [x for x in group[: i - 1] if x.metric == root and x.key == b.key and x.unit in MONEY]
            if same:
                yield _Change(same[-1], a, b)
            elif i == 1 and previous is not None and previous.metric == root and previous.key == b.key \
                    and previous.unit in MONEY:
                yield _Change(previous, a, b)
            else:
                yield _Change(None, a, b)
        previous = group[-1]


def _change_env(c: _Change) -> dict[str, str]:
    return {"what": what(c.base) if c.base else c.rate.metric, "x": c.base.shown if c.base else "-",
            "a": number(c.amount.value), "b": f"{number(c.rate.value)}%"}


def _sign(v: Decimal) -> int:
    return (v > 0) - (v < 0)


def _rate(x: Decimal, a: Decimal) -> Decimal:
    return a / (x - a) * HUNDRED


def change_rate(facts: Facts, check: Check, p: Mapping[str, Any]) -> Iterator[Verdict]:
    for c in _changes(facts.groups):
        env, inst = _change_env(c), f"figure {c.rate.index}"
        cells = [figure_cell("rhs", f) for f in (c.base, c.amount) if f] + [figure_cell("lhs", c.rate)]
        if c.base is None:
            yield skip(inst, env, cells, "not_applicable", "no_base")
        elif _sign(c.amount.value) * _sign(c.rate.value) < 0:
            yield skip(inst, env, cells, "not_applicable", "opposite")
        elif c.base.value - c.amount.value - c.base.half - c.amount.half <= 0:
            yield skip(inst, env, cells, "not_checkable", "zero_base")
        else:
            x, a = (c.base.value, c.base.half), (c.amount.value, c.amount.half)
            tol = c.rate.unit_digit + spread(_rate, x, a)
            yield Verdict(inst, env, cells, c.rate.value, _rate(x[0], a[0]), tol, c.rate)


def change_direction(facts: Facts, check: Check, p: Mapping[str, Any]) -> Iterator[Verdict]:
    for c in _changes(facts.groups):
        env, inst = _change_env(c), f"figure {c.rate.index}"
        cells = [figure_cell("lhs", c.amount), figure_cell("rhs", c.rate)]
        signs = _sign(c.amount.value), _sign(c.rate.value)
        if 0 in signs:
            yield skip(inst, env, cells, "not_applicable", "zero")
        else:
            yield Verdict(inst, env, cells, Decimal(signs[0]), Decimal(signs[1]))


# --- shares ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Share:
    part: Figure | None
    whole: Figure | None
    share: Figure


def _whole_name(share: Figure) -> str:
    """What '占…的' names ('占基本支出的' -> 基本支出), '' when only '占'."""
    name = re.sub(r"\s+", "", share.label).partition("占")[2]
    return re.sub(r"^(本年|全年|当年)|(的|总额|总数|比重|比例)+$", "", name)


def _shares(groups: list[list[Figure]]) -> Iterator[_Share]:
    for group in groups:
        for i, s in enumerate(group):
            if not s.metric.endswith("_share") or "占" not in s.label:
                continue
            root = s.metric.removesuffix("_share")
            p = group[i - 1] if i else None
            text = s.sentence
            adjacent = p is not None and re.search(re.escape(p.raw_value) + r"[^\d]*?" + re.escape(s.raw_value), text)
            if p is None or p.metric != root or p.key != s.key or p.unit not in MONEY or not adjacent:
                yield _Share(None, None, s)
                continue
            w = group[0]
            name = _whole_name(s)
            between = text[text.find(w.raw_value): text.find(p.raw_value, text.find(w.raw_value) + 1)]
            ok = (w is not p and w.unit in MONEY and not w.metric.endswith(_RELATIVE) and w.metric != root
                  and not (len(group) > 1 and group[1].metric == w.metric + "_share")
                  and (name in re.sub(r"\s+", "", w.label) if name else "其中" in between))
            yield _Share(p, w if ok else None, s)


def share(facts: Facts, check: Check, p: Mapping[str, Any]) -> Iterator[Verdict]:
    for s in _shares(facts.groups):
        env = {"part": what(s.part) if s.part else s.share.metric, "whole": what(s.whole) if s.whole else "-",
               "share": f"{number(s.share.value)}%"}
        inst = f"figure {s.share.index}"
        cells = [figure_cell("rhs", f) for f in (s.part, s.whole) if f] + [figure_cell("lhs", s.share)]
        if s.part is None:
            yield skip(inst, env, cells, "not_applicable", "no_part")
        elif s.whole is None:
            yield skip(inst, env, cells, "not_applicable", "no_whole")
        elif s.whole.value - s.whole.half <= 0:
            yield skip(inst, env, cells, "not_checkable", "zero_whole")
        else:
            part, whole = (s.part.value, s.part.half), (s.whole.value, s.whole.half)
            tol = s.share.unit_digit + spread(ratio, part, whole)
            yield Verdict(inst, env, cells, s.share.value, ratio(part[0], whole[0]), tol, s.share)


def shares_sum(facts: Facts, check: Check, p: Mapping[str, Any]) -> Iterator[Verdict]:
    wholes: dict[int, list[_Share]] = {}
    for s in _shares(facts.groups):
        if s.whole is not None and s.part is not None:
            wholes.setdefault(s.whole.index, []).append(s)
    for parts in (p for p in wholes.values() if len(p) > 1):
        whole = parts[0].whole
        assert whole is not None
        total = sum((s.share.value for s in parts), Decimal(0))
        env = {"whole": what(whole), "sum": f"{number(total)}%"}
        cells = [figure_cell("rhs", whole)] + [figure_cell("lhs", s.share) for s in parts]
        amounts = sum((s.part.value for s in parts if s.part), Decimal(0))
        slack = whole.half + sum((s.part.half for s in parts if s.part), Decimal(0))
        if abs(amounts - whole.value) > slack:
            yield skip(f"figure {whole.index}", env, cells, "not_applicable", "not_exhaustive")
            continue
        tol = max(max(s.share.unit_digit for s in parts), sum((s.share.half for s in parts), Decimal(0)))
        yield Verdict(f"figure {whole.index}", env, cells, total, HUNDRED, tol)


RULES: dict[str, Rule] = {
    "change_rate": change_rate, "change_direction": change_direction, "share": share, "shares_sum": shares_sum,
    "reason": reason, "items_named": items_named, "performance_share": performance_share,
    "performance_count": performance_count,
}


# --- instances ------------------------------------------------------------------------------------

def _instance(doc: DocumentCells, family: str, check: Check, v: Verdict) -> Instance:
    """The verdict as an instance: sides (rounded half-up to the printed figure's decimals: an exact
    restatement is a pass) and, when they differ beyond the tolerance, the violation's message."""
    inst = Instance(doc.doc_id, family, check.id, v.instance, check.description.format(**v.env))
    inst.cells, inst.n_terms = v.cells, len(v.cells)
    if v.status is not None:
        inst.status, inst.reason = v.status, check.messages[v.message or ""].format(**v.env)
        return inst
    assert v.lhs is not None and v.rhs is not None
    lhs, rhs = v.lhs, v.rhs
    if v.printed is not None:
        lhs, rhs = lhs.quantize(v.printed.unit_digit), rhs.quantize(v.printed.unit_digit, rounding=ROUND_HALF_UP)
    inst.lhs, inst.rhs, inst.difference = lhs, rhs, lhs - rhs
    inst.tolerance = v.tolerance.quantize(Decimal("0.0001"), rounding=ROUND_CEILING)
    if abs(inst.difference) > inst.tolerance:
        sides = {"lhs": number(lhs), "rhs": number(rhs), "difference": number(inst.difference),
                 "tolerance": number(inst.tolerance)}
        inst.reason = check.messages["violation"].format(**v.env, **sides)
    return inst


def evaluate_narrative_arithmetic(con: duckdb.DuckDBPyConnection, docs: list[DocumentCells],
                                  spec: NarrativeFamily | None = None) -> dict[str, list[Instance]]:
    """Instances per doc_id (pending: judge them with the other families)."""
    spec = spec or load_narrative_arithmetic()
    if not raw_table_exists(con, "narrative_figures"):
        return {}
    out = {}
    for doc in (d for d in docs if d.doc_kind in spec.doc_kinds):
        facts = load_facts(con, doc)
        out[doc.doc_id] = [_instance(doc, spec.family, check, v) for check in spec.checks
                           for v in RULES[check.rule](facts, check, spec.params.get(check.id, {}))]
    return out
