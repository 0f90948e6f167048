"""Narrative arithmetic (expectations/narrative_arithmetic.yml, issue 12 point 2): the figures one
sentence of the 情况说明 states must agree with each other.

Read from raw.narrative_figures of one document, sentence by sentence (consecutive figures of the
same sentence). Each instance is a rate: lhs = as printed (%), rhs = what the sentence's amounts
give, tolerance = one unit of the rate's last printed digit plus the largest effect of the rounding
of the amounts (half a unit of their last printed digit; exact, over the corners of that box).
The GX suite of the family judges them; evidence cells are the figures with their line or page.
A figure whose partners the sentence does not state is not_applicable; one that cannot be
computed (a base of zero within rounding) is not_checkable, never a violation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from itertools import product
from pathlib import Path

import duckdb

from expectations.cells import CellRow, DocumentCells
from expectations.evaluate import Instance, TermCell
from expectations.families import Check, Family, load_family, raw_table_exists

NA_FILE = Path(__file__).resolve().parent / "narrative_arithmetic.yml"
_MONEY = ("万元", "元")
_RELATIVE = ("_share", "_change_pct", "_change", "completion_rate")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Figure:
    index: int
    metric: str
    scope: str | None
    subject: str | None
    value: Decimal
    unit: str
    raw_value: str
    decimals: int
    label: str
    sentence: str
    line: int | None
    page: int | None

    @property
    def key(self) -> tuple[str | None, str | None]:
        return self.scope, self.subject

    @property
    def half(self) -> Decimal:
        """Half a unit of the last printed digit: the rounding of the printed figure (a zero is exact)."""
        return Decimal(0) if self.value == 0 else Decimal(5).scaleb(-self.decimals - 1)

    @property
    def unit_digit(self) -> Decimal:
        return Decimal(1).scaleb(-self.decimals)

    @property
    def shown(self) -> str:
        return re.sub(r"\s+", "", self.raw_value)


_MESSAGES = {
    "change_rate": ("no_base", "zero_base", "opposite"),
    "change_direction": ("zero",),
    "share": ("no_part", "no_whole", "zero_whole"),
    "shares_sum": ("not_exhaustive",),
}


def load_narrative_arithmetic(path: Path = NA_FILE) -> Family:
    return load_family(path, _MESSAGES)

def load_sentences(con: duckdb.DuckDBPyConnection, doc_id: str) -> list[list[Figure]]:
    """The document's figures, grouped by sentence (consecutive figures of the same sentence)."""
    rows = con.execute(
        "select figure_index, metric, scope, subject, value, unit, raw_value, coalesce(printed_decimals, 0),"
        " coalesce(label, ''), sentence, source_line, page from raw.narrative_figures where doc_id = ?"
        " order by figure_index", [doc_id]).fetchall()
    groups: list[list[Figure]] = []
    for r in rows:
        f = Figure(*r)
        if groups and groups[-1][-1].sentence == f.sentence and groups[-1][-1].index == f.index - 1:
            groups[-1].append(f)
        else:
            groups.append([f])
    return groups


def _cell(role: str, f: Figure) -> TermCell:
    row = CellRow("narrative_figures", f.index, f.label, f.metric, f.subject, None, "value", f.value,
                  f.line, f.page)
    return TermCell(role, 1, row, "narrative_figures", f.metric)


def _what(f: Figure) -> str:
    """The words naming the figure as printed before it (its label), else its metric."""
    return _strip(f.label) or f.metric


def _strip(text: str) -> str:
    return re.sub(r"^(其中|另外)?[：:]?", "", re.sub(r"\s+", "", text))


def _spread(fn: Callable[[Decimal, Decimal], Decimal], x: Figure, y: Figure) -> Decimal:
    """The largest change of fn(x, y) when x and y move within their rounding (fn monotone in each)."""
    centre = fn(x.value, y.value)
    return max(abs(fn(x.value + dx, y.value + dy) - centre)
               for dx, dy in product((-x.half, x.half), (-y.half, y.half)))


def _judge(inst: Instance, lhs: Decimal, rhs: Decimal, tolerance: Decimal, cells: list[TermCell],
           printed: Figure | None = None) -> Instance:
    """rhs rounded half-up to the printed rate's decimals (an exact restatement is a pass)."""
    if printed is not None:
        lhs, rhs = lhs.quantize(printed.unit_digit), rhs.quantize(printed.unit_digit, rounding=ROUND_HALF_UP)
    inst.lhs, inst.rhs, inst.tolerance = lhs, rhs, tolerance.quantize(Decimal("0.0001"), rounding=ROUND_CEILING)
    inst.difference, inst.n_terms, inst.cells = lhs - rhs, len(cells), cells
    return inst


def _skip(inst: Instance, status: str, reason: str, cells: list[TermCell]) -> Instance:
    inst.status, inst.reason, inst.cells = status, reason, cells
    return inst


# --- rules ---------------------------------------------------------------------------------------

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
            if a.metric != root + "_change" or a.key != b.key or a.unit not in _MONEY:
                continue
            same = [x for x in group[: i - 1] if x.metric == root and x.key == b.key and x.unit in _MONEY]
            if same:
                yield _Change(same[-1], a, b)
            elif i == 1 and previous is not None and previous.metric == root and previous.key == b.key \
                    and previous.unit in _MONEY:
                yield _Change(previous, a, b)
            else:
                yield _Change(None, a, b)
        previous = group[-1]


def _change_env(c: _Change) -> dict[str, str]:
    what = _what(c.base) if c.base else c.rate.metric
    return {"what": what, "x": c.base.shown if c.base else "-", "a": f"{c.amount.value.normalize():f}",
            "b": f"{c.rate.value.normalize():f}%"}


def _sign(v: Decimal) -> int:
    return (v > 0) - (v < 0)


def change_rate(doc: DocumentCells, groups: list[list[Figure]], check: Check, family: str) -> list[Instance]:
    out = []
    for c in _changes(groups):
        inst = Instance(doc.doc_id, family, check.id, f"figure {c.rate.index}",
                        check.description.format(**_change_env(c)))
        cells = [_cell("rhs", f) for f in (c.base, c.amount) if f] + [_cell("lhs", c.rate)]
        if c.base is None:
            out.append(_skip(inst, "not_applicable", check.messages["no_base"], cells))
        elif _sign(c.amount.value) * _sign(c.rate.value) < 0:
            out.append(_skip(inst, "not_applicable", check.messages["opposite"], cells))
        elif c.base.value - c.amount.value - c.base.half - c.amount.half <= 0:
            out.append(_skip(inst, "not_checkable", check.messages["zero_base"], cells))
        else:
            def rate(x: Decimal, a: Decimal) -> Decimal:
                return a / (x - a) * HUNDRED
            tol = c.rate.unit_digit + _spread(rate, c.base, c.amount)
            out.append(_judge(inst, c.rate.value, rate(c.base.value, c.amount.value), tol, cells, c.rate))
    return out


def change_direction(doc: DocumentCells, groups: list[list[Figure]], check: Check,
                     family: str) -> list[Instance]:
    out = []
    for c in _changes(groups):
        inst = Instance(doc.doc_id, family, check.id, f"figure {c.rate.index}",
                        check.description.format(**_change_env(c)))
        cells = [_cell("lhs", c.amount), _cell("rhs", c.rate)]
        signs = _sign(c.amount.value), _sign(c.rate.value)
        if 0 in signs:
            out.append(_skip(inst, "not_applicable", check.messages["zero"], cells))
        else:
            out.append(_judge(inst, Decimal(signs[0]), Decimal(signs[1]), Decimal(0), cells))
    return out


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
            if p is None or p.metric != root or p.key != s.key or p.unit not in _MONEY or not adjacent:
                yield _Share(None, None, s)
                continue
            w = group[0]
            name = _whole_name(s)
            between = text[text.find(w.raw_value): text.find(p.raw_value, text.find(w.raw_value) + 1)]
            ok = (w is not p and w.unit in _MONEY and not w.metric.endswith(_RELATIVE) and w.metric != root
                  and not (len(group) > 1 and group[1].metric == w.metric + "_share")
                  and (name in re.sub(r"\s+", "", w.label) if name else "其中" in between))
            yield _Share(p, w if ok else None, s)


def _share_env(s: _Share) -> dict[str, str]:
    return {"part": _what(s.part) if s.part else s.share.metric, "whole": _what(s.whole) if s.whole else "-",
            "share": f"{s.share.value.normalize():f}%"}


def _ratio(n: Decimal, d: Decimal) -> Decimal:
    return n / d * HUNDRED


def share(doc: DocumentCells, groups: list[list[Figure]], check: Check, family: str) -> list[Instance]:
    out = []
    for s in _shares(groups):
        inst = Instance(doc.doc_id, family, check.id, f"figure {s.share.index}",
                        check.description.format(**_share_env(s)))
        cells = [_cell("rhs", f) for f in (s.part, s.whole) if f] + [_cell("lhs", s.share)]
        if s.part is None:
            out.append(_skip(inst, "not_applicable", check.messages["no_part"], cells))
        elif s.whole is None:
            out.append(_skip(inst, "not_applicable", check.messages["no_whole"], cells))
        elif s.whole.value - s.whole.half <= 0:
            out.append(_skip(inst, "not_checkable", check.messages["zero_whole"], cells))
        else:
            tol = s.share.unit_digit + _spread(_ratio, s.part, s.whole)
            out.append(_judge(inst, s.share.value, _ratio(s.part.value, s.whole.value), tol, cells, s.share))
    return out


def shares_sum(doc: DocumentCells, groups: list[list[Figure]], check: Check, family: str) -> list[Instance]:
    wholes: dict[int, list[_Share]] = {}
    for s in _shares(groups):
        if s.whole is not None and s.part is not None:
            wholes.setdefault(s.whole.index, []).append(s)
    out = []
    for parts in (p for p in wholes.values() if len(p) > 1):
        whole = parts[0].whole
        assert whole is not None
        total = sum((s.share.value for s in parts), Decimal(0))
        env = {"whole": _what(whole), "sum": f"{total.normalize():f}%"}
        inst = Instance(doc.doc_id, family, check.id, f"figure {whole.index}", check.description.format(**env))
        cells = [_cell("rhs", whole)] + [_cell("lhs", s.share) for s in parts]
        amounts = sum((s.part.value for s in parts if s.part), Decimal(0))
        slack = whole.half + sum((s.part.half for s in parts if s.part), Decimal(0))
        if abs(amounts - whole.value) > slack:
            out.append(_skip(inst, "not_applicable", check.messages["not_exhaustive"], cells))
            continue
        tol = max(max(s.share.unit_digit for s in parts), sum((s.share.half for s in parts), Decimal(0)))
        out.append(_judge(inst, total, HUNDRED, tol, cells))
    return out


RULES: dict[str, Callable[[DocumentCells, list[list[Figure]], Check, str], list[Instance]]] = {
    "change_rate": change_rate, "change_direction": change_direction, "share": share, "shares_sum": shares_sum,
}


def evaluate_narrative_arithmetic(con: duckdb.DuckDBPyConnection, docs: list[DocumentCells],
                                  spec: Family | None = None) -> dict[str, list[Instance]]:
    """Instances per doc_id (pending: judge them with the other families)."""
    spec = spec or load_narrative_arithmetic()
    if not raw_table_exists(con, "narrative_figures"):
        return {}
    out = {}
    for doc in (d for d in docs if d.doc_kind in spec.doc_kinds):
        groups = load_sentences(con, doc.doc_id)
        out[doc.doc_id] = [i for check in spec.checks for i in RULES[check.rule](doc, groups, check, spec.family)]
    return out
