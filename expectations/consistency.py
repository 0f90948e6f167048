"""Consistency of a document (expectations/consistency.yml): one fiscal year, one money unit, one
agency across the cover/title and the tables' headers, no agency field printed empty; no 元/万元
slip in the prose. The rules over the prose and the file name are in expectations/consistency_text.py,
the subject names against their official names in expectations/subject_names.py.

Each instance is a count: lhs = how many places contradict the reference (the cover/title's year
and agency, the document's unit), rhs = 0, tolerance 0; the GX suite of the family judges them
(expectations.suites.judge). Evidence cells carry the line as printed with its line or page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import yaml

from expectations.cells import CellRow, DocumentCells
from expectations.consistency_text import Line, Sentence, file_name, punctuation, self_declared, where
from expectations.evaluate import Instance, TermCell
from expectations.families import Check, Family, doc_rows, load_family, raw_table_exists, table_label
from expectations.subject_names import subject_names

CONSISTENCY_FILE = Path(__file__).resolve().parent / "consistency.yml"
_TO_DOC_UNIT = {("万元", "元"): Decimal(10000), ("元", "万元"): Decimal("0.0001")}
_SLIP = Decimal(10000)


@dataclass(frozen=True)
class Mention:
    kind: str  # year | unit | agency | agency_blank
    value: str
    context: str  # cover | table_header
    table_code: str | None
    raw_text: str
    source_line: int | None
    page: int | None


@dataclass(frozen=True)
class Figure:
    index: int
    value: Decimal
    unit: str
    raw_value: str
    label: str | None
    source_line: int | None
    page: int | None


@dataclass
class Facts:
    fiscal_year: int | None = None
    mentions: list[Mention] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    missing: bool = False  # raw.document_mentions not in the warehouse


_MESSAGES = {"year_headers": ("violation", "no_reference"), "unit_headers": ("violation", "no_reference"),
             "unit_slip": ("violation", "no_figures"), "agency_headers": ("violation", "no_reference"),
             "agency_blank": ("violation",), "punctuation": ("violation", "no_prose"),
             "file_name": ("violation", "not_stated", "no_reference"),
             "subject_name": ("violation", "not_in_seed", "suspect"), "self_declared": ("violation", "no_prose")}


def load_consistency(path: Path = CONSISTENCY_FILE) -> Family:
    return load_family(path, _MESSAGES)


@cache
def parameters(path: Path = CONSISTENCY_FILE) -> dict[str, Any]:
    """What the rules over the prose, the file name and the subject names look for (the YAML's
    `parameters`)."""
    params: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))["parameters"]
    return params


def _mention_cell(k: int, m: Mention, role: str = "lhs") -> TermCell:
    row = CellRow("document_mentions", k, m.raw_text, None, None, None, m.kind, None, m.source_line, m.page)
    return TermCell(role, int(role == "lhs"), row, "document_mentions", m.kind)


def _count(inst: Instance, bad: list[Mention], reference: list[Mention], reason: str | None) -> Instance:
    inst.lhs, inst.rhs, inst.tolerance = Decimal(len(bad)), Decimal(0), Decimal(0)
    inst.difference, inst.n_terms = inst.lhs, len(bad)
    inst.reason = reason if bad else None
    inst.cells = [_mention_cell(k, m) for k, m in enumerate(bad)]
    inst.cells += [_mention_cell(len(bad) + k, m, "evidence") for k, m in enumerate(reference)]
    return inst


def _pertable_label(doc: DocumentCells, facts: Facts, check: Check, family: str, kind: str,
               expected: str | None, reference: list[Mention],
               differs: Callable[[str, str], bool]) -> list[Instance]:
    by_code: dict[str, list[Mention]] = {}
    for m in facts.mentions:
        if m.kind == kind and m.context == "table_header" and m.table_code:
            by_code.setdefault(m.table_code, []).append(m)
    out = []
    for code in sorted(by_code):
        env = {"table": table_label(code), "expected": expected or "-"}
        inst = Instance(doc.doc_id, family, f"{check.id}.{code}", "-", check.description.format(**env))
        if expected is None:
            inst.status, inst.reason = "not_applicable", check.messages["no_reference"].format(**env)
        else:
            bad = [m for m in by_code[code] if differs(m.value, expected)]
            env |= {"found": "、".join(dict.fromkeys(m.value for m in bad)),
                    "where": "、".join(where(m.source_line, m.page) for m in bad)}
            inst = _count(inst, bad, reference, check.messages["violation"].format(**env))
        out.append(inst)
    return out


def _cover(facts: Facts, kind: str) -> list[Mention]:
    return [m for m in facts.mentions if m.kind == kind and m.context == "cover"][:1]


def _years(doc: DocumentCells, facts: Facts, check: Check, family: str) -> list[Instance]:
    cover = _cover(facts, "year")
    expected = cover[0].value if cover else (str(facts.fiscal_year) if facts.fiscal_year else None)
    return _pertable_label(doc, facts, check, family, "year", expected, cover, lambda a, b: a != b)


def _units(doc: DocumentCells, facts: Facts, check: Check, family: str) -> list[Instance]:
    return _pertable_label(doc, facts, check, family, "unit", doc.unit, [], lambda a, b: a != b)


def _bare(name: str) -> str:
    return name.replace("（汇总）", "").replace("(汇总)", "")


def _other_agency(found: str, cover: str) -> bool:
    """As extract.meta.agency compares them: neither name contains the other (汇总 aside)."""
    a, b = _bare(found), _bare(cover)
    return a != b and a not in b and b not in a


def _agencies(doc: DocumentCells, facts: Facts, check: Check, family: str) -> list[Instance]:
    cover = _cover(facts, "agency")
    expected = _bare(cover[0].value) if cover else None
    return _pertable_label(doc, facts, check, family, "agency", expected, cover, _other_agency)


def _agency_blank(doc: DocumentCells, facts: Facts, check: Check, family: str) -> list[Instance]:
    """Per table printing an agency field: the fields printed with nothing after them."""
    headers = [m for m in facts.mentions if m.context == "table_header" and m.table_code]
    out = []
    for code in sorted({m.table_code for m in headers if m.kind in ("agency", "agency_blank") and m.table_code}):
        blank = [m for m in headers if m.kind == "agency_blank" and m.table_code == code]
        env = {"table": table_label(code), "label": blank[0].value if blank else "单位名称",
               "found": "、".join(dict.fromkeys(f"{m.value}：" for m in blank)),
               "where": "、".join(where(m.source_line, m.page) for m in blank)}
        inst = Instance(doc.doc_id, family, f"{check.id}.{code}", "-", check.description.format(**env))
        out.append(_count(inst, blank, [], check.messages["violation"].format(**env)))
    return out


def _same(stated: Decimal, cell: Decimal) -> bool:
    """The cell as the prose prints it: equal, or equal at the precision the prose states."""
    if stated == cell:
        return True
    exponent = stated.normalize().as_tuple().exponent
    return isinstance(exponent, int) and cell.quantize(Decimal(1).scaleb(exponent)) == stated


def _slips(doc: DocumentCells, facts: Facts, check: Check, family: str) -> list[Instance]:
    cells = [c for cs in doc.cells.values() for c in cs if c.value]
    env = {"expected": doc.unit or "-"}
    inst = Instance(doc.doc_id, family, check.id, "-", check.description.format(**env))
    if not cells or not facts.figures or doc.unit not in ("万元", "元"):
        inst.status, inst.reason = "not_applicable", check.messages["no_figures"].format(**env)
        return [inst]
    values = {abs(c.value) for c in cells if c.value is not None}
    found: list[tuple[Figure, CellRow]] = []
    for fig in facts.figures:
        stated = abs(fig.value) * _TO_DOC_UNIT.get((fig.unit, doc.unit), Decimal(1))
        if not stated or any(_same(stated, v) for v in values):
            continue
        slipped = {stated * _SLIP, stated / _SLIP}
        match = next((c for c in cells if c.value is not None and abs(c.value) in slipped), None)
        if match is not None:
            found.append((fig, match))
    inst.lhs, inst.rhs, inst.tolerance = Decimal(len(found)), Decimal(0), Decimal(0)
    inst.difference, inst.n_terms = inst.lhs, len(found)
    env["found"] = "；".join(
        f"{fig.label or ''}{fig.raw_value}（{where(fig.source_line, fig.page)}），报表{table_label(c.table_code)}"
        f"“{c.row_label or ''}”为{c.value}{doc.unit}" for fig, c in found)
    inst.reason = check.messages["violation"].format(**env) if found else None
    for fig, c in found:
        row = CellRow("narrative_figures", fig.index, fig.label, None, None, None, "value", fig.value,
                      fig.source_line, fig.page)
        inst.cells += [TermCell("lhs", 1, row, "narrative_figures", "value"),
                       TermCell("evidence", 0, c, c.table_code, c.column_key)]
    return [inst]


def _punctuation(doc: DocumentCells, facts: Facts, check: Check, family: str) -> list[Instance]:
    return punctuation(doc, facts.sentences, check, family, parameters()["punctuation"])


def _self_declared(doc: DocumentCells, facts: Facts, check: Check, family: str) -> list[Instance]:
    return self_declared(doc, facts.sentences, check, family, parameters()["self_declared"])


def _content_year(facts: Facts) -> int | None:
    cover = _cover(facts, "year")
    return int(cover[0].value) if cover else facts.fiscal_year


def _file_name(doc: DocumentCells, facts: Facts, check: Check, family: str) -> list[Instance]:
    return file_name(doc, _content_year(facts), check, family, parameters()["file_name"])


def _subject_names(doc: DocumentCells, facts: Facts, check: Check, family: str) -> list[Instance]:
    return subject_names(doc, facts.fiscal_year, check, family, parameters()["subject_names"])


RULES: dict[str, Callable[[DocumentCells, Facts, Check, str], list[Instance]]] = {
    "year_headers": _years, "unit_headers": _units, "unit_slip": _slips, "agency_headers": _agencies,
    "agency_blank": _agency_blank, "punctuation": _punctuation, "file_name": _file_name,
    "subject_name": _subject_names, "self_declared": _self_declared,
}


def load_facts(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> dict[str, Facts]:
    facts = {d: Facts() for d in doc_ids}
    for doc, year in doc_rows(con, "select doc_id, fiscal_year from raw.documents", doc_ids):
        facts[doc].fiscal_year = year
    if not raw_table_exists(con, "document_mentions"):
        for f in facts.values():
            f.missing = True
    else:
        for doc, _, *rest in doc_rows(con, "select doc_id, mention_index, kind, value, context, table_code, raw_text,"
                                        " source_line, page from raw.document_mentions", doc_ids):
            facts[doc].mentions.append(Mention(*rest))
    if raw_table_exists(con, "narrative_figures"):
        for doc, *rest in doc_rows(con, "select doc_id, figure_index, value, unit, raw_value, label, source_line, page"
                                     " from (select * from raw.narrative_figures where unit in ('万元', '元'))",
                                doc_ids):
            facts[doc].figures.append(Figure(*rest))
    if raw_table_exists(con, "narrative_sentences"):
        lines: dict[tuple[str, int], list[Line]] = {}
        for doc, index, _, *line in doc_rows(con, "select doc_id, sentence_index, line_index, text, source_line, page"
                                                  " from raw.narrative_sentences", doc_ids):
            lines.setdefault((doc, index), []).append(Line(*line))
        for (doc, index), parts in lines.items():
            facts[doc].sentences.append(Sentence(index, tuple(parts)))
    return facts


def evaluate_consistency(con: duckdb.DuckDBPyConnection, docs: list[DocumentCells],
                         spec: Family | None = None) -> dict[str, list[Instance]]:
    """Instances per doc_id (pending: judge them with the other families)."""
    spec = spec or load_consistency()
    checked = [d for d in docs if d.doc_kind in spec.doc_kinds]
    facts = load_facts(con, [d.doc_id for d in checked])
    out: dict[str, list[Instance]] = {}
    for doc in checked:
        f = facts[doc.doc_id]
        out[doc.doc_id] = [] if f.missing else [
            i for check in spec.checks for i in RULES[check.rule](doc, f, check, spec.family)]
    return out
