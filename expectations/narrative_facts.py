"""What the narrative-arithmetic rules read of one document, and the verdicts they give.

Figures come from raw.narrative_figures (grouped by sentence), paragraphs from the sentences of
raw.narrative_sentences (their lines joined; each paragraph with the 情况说明 section it is in and
its figures placed in its text), tables from DocumentCells, the 项目绩效自评表 count from
raw.performance_evaluations. A rule yields one `Verdict` per instance: either both sides (judged
later by the GX suite) or why it could not be judged (not_applicable | not_checkable).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import product
from typing import Any

import duckdb

from expectations.cells import CellRow, DocumentCells
from expectations.evaluate import TermCell
from expectations.families import Check, raw_table_exists

MONEY = ("万元", "元")
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


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of prose, with the section it is in and its figures at their offsets in `text`."""

    section_key: str | None
    heading: str | None
    text: str
    figures: tuple[tuple[int, Figure], ...]


@dataclass
class Facts:
    doc: DocumentCells
    groups: list[list[Figure]]  # figures by sentence
    paragraphs: list[Paragraph] | None = None  # None: raw.narrative_sentences not in the warehouse
    sections: frozenset[str] = frozenset()  # keys of the section headings in raw.document_sections
    project_evaluations: int | None = None  # 项目绩效自评表 read; None: raw.performance_evaluations absent


@dataclass(frozen=True)
class Verdict:
    """One instance of a check: sides to judge, or a status with the key of its message."""

    instance: str  # 'figure 12', 'subject=2010301'
    env: dict[str, str]  # what the description and messages name
    cells: list[TermCell]
    lhs: Decimal | None = None
    rhs: Decimal | None = None
    tolerance: Decimal = Decimal(0)
    printed: Figure | None = None  # compare at this figure's printed precision
    status: str | None = None  # not_applicable | not_checkable
    message: str | None = None  # key of the check's messages for status


def skip(instance: str, env: dict[str, str], cells: list[TermCell], status: str, message: str) -> Verdict:
    return Verdict(instance, env, cells, status=status, message=message)


# A rule: the facts of one document, its check and the check's parameters -> its verdicts.
Rule = Callable[[Facts, Check, Mapping[str, Any]], Iterator[Verdict]]


def figure_cell(role: str, f: Figure) -> TermCell:
    row = CellRow("narrative_figures", f.index, f.label, f.metric, f.subject, None, "value", f.value,
                  f.line, f.page)
    return TermCell(role, 1, row, "narrative_figures", f.metric)


def strip_label(text: str) -> str:
    return re.sub(r"^(其中|另外)?[：:]?", "", re.sub(r"\s+", "", text))


def what(f: Figure) -> str:
    """The words naming the figure as printed before it (its label), else its metric."""
    return strip_label(f.label) or f.metric


def number(value: Decimal) -> str:
    return f"{value.normalize():f}"


Rounded = tuple[Decimal, Decimal]  # (value, half a unit of its last printed digit)


def spread(fn: Callable[[Decimal, Decimal], Decimal], x: Rounded, y: Rounded) -> Decimal:
    """The largest change of fn(x, y) when x and y move within their rounding (fn monotone in each)."""
    centre = fn(x[0], y[0])
    return max(abs(fn(x[0] + dx, y[0] + dy) - centre) for dx, dy in product((-x[1], x[1]), (-y[1], y[1])))


def ratio(n: Decimal, d: Decimal) -> Decimal:
    return n / d * HUNDRED


# --- reading ------------------------------------------------------------------------------------

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


def _place(text: str, start: int, figures: list[Figure]) -> Iterator[tuple[int, Figure]]:
    """Each figure of a sentence at its offset (its printed value, searched in order from start)."""
    cursor = 0
    for f in figures:
        at = text.find(f.raw_value, cursor)
        at = cursor if at < 0 else at
        cursor = at + len(f.raw_value)
        yield start + at, f


def load_paragraphs(con: duckdb.DuckDBPyConnection, doc_id: str, groups: list[list[Figure]]) -> list[Paragraph]:
    """The document's paragraphs; each sentence's figures are the next group printed in it (both in
    document order)."""
    rows = con.execute("select paragraph_index, section_key, heading, string_agg(text, '' order by line_index)"
                       " from raw.narrative_sentences where doc_id = ?"
                       " group by sentence_index, paragraph_index, section_key, heading order by sentence_index",
                       [doc_id]).fetchall()
    queues: dict[str, list[list[Figure]]] = {}
    for group in groups:
        queues.setdefault(group[0].sentence, []).append(group)
    built: dict[int, tuple[str | None, str | None, list[str], list[tuple[int, Figure]]]] = {}
    for index, key, head, printed in rows:
        text = printed.strip()  # as raw.narrative_figures quotes its sentence
        _, _, texts, placed = built.setdefault(index, (key, head, [], []))
        if queues.get(text):
            placed.extend(_place(text, sum(len(t) for t in texts), queues[text].pop(0)))
        texts.append(text)
    return [Paragraph(k, h, "".join(t), tuple(p)) for k, h, t, p in built.values()]


def load_facts(con: duckdb.DuckDBPyConnection, doc: DocumentCells) -> Facts:
    groups = load_sentences(con, doc.doc_id)
    facts = Facts(doc, groups)
    if raw_table_exists(con, "narrative_sentences"):
        facts.paragraphs = load_paragraphs(con, doc.doc_id, groups)
    if raw_table_exists(con, "document_sections"):
        facts.sections = frozenset(k for (k,) in con.execute(
            "select distinct section_key from raw.document_sections where doc_id = ?", [doc.doc_id]).fetchall())
    if raw_table_exists(con, "performance_evaluations"):
        found = con.execute("select count(*) from raw.performance_evaluations where doc_id = ? and scope = 'project'",
                            [doc.doc_id]).fetchone()
        facts.project_evaluations = found[0] if found else 0
    return facts


def table_total(doc: DocumentCells, table: str, column: str) -> CellRow | str:
    """The 合计 cell of a table column, or why it cannot be read: missing | suspect | ambiguous."""
    if doc.table_status.get(table) == "suspect":
        return "suspect"
    cells = [c for c in doc.cells.get(table, []) if c.row_key == "total" and c.column_key == column]
    if not cells or cells[0].value is None:
        return "missing"
    if len({c.value for c in cells}) > 1:
        return "ambiguous"
    return cells[0]

