"""Completeness of a document (expectations/completeness.yml): required tables printed once, empty
tables stating 本表无数据, required 情况说明 sections present.

Each instance is a count: lhs = how many the document prints (tables: the copies holding values,
from raw.document_table_regions; sections: 1 when a heading of it is found in
raw.document_sections), rhs = how many it must print, tolerance 0. The GX suite of the family
judges them (expectations.suites.judge); evidence cells carry the title or heading with its
line or page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from expectations.cells import CellRow, DocumentCells
from expectations.evaluate import Instance, TermCell
from expectations.families import Check, Family, doc_rows, load_family, raw_table_exists, table_label
from extract.catalogue import DEFAULT_VARIANT, Variant, catalogue

COMPLETENESS_FILE = Path(__file__).resolve().parent / "completeness.yml"
NO_VALUES = "no values printed"  # raw.document_tables.note of an empty table without 本表无数据


# A place in the document: (label, source_line, page).
Place = tuple[str, int | None, int | None]


@dataclass
class Facts:
    """What the checks read of one document."""

    tables: dict[str, tuple[str, str, str | None, int | None, int | None]] = field(default_factory=dict)
    copies: dict[str, list[Place]] = field(default_factory=dict)  # code -> tables holding values
    statements: dict[str, list[Place]] = field(default_factory=dict)  # code -> regions stating no data
    sections: dict[str, list[Place]] = field(default_factory=dict)  # section key -> headings
    n_figures: int = 0  # figures stated in prose
    missing_relations: tuple[str, ...] = ()


_MESSAGES = {
    "required_table": ("missing", "duplicated"),
    "empty_statement": ("missing", "has_values", "not_found"),
    "narrative_section": ("missing", "no_narrative", "not_required", "undeclared"),
}


def load_completeness(path: Path = COMPLETENESS_FILE) -> Family:
    return load_family(path, _MESSAGES)


def _where(places: list[Place]) -> str:
    return "、".join(f"第{page}页" if page is not None else f"第{line}行" for _, line, page in places)


def _evidence(places: list[Place], relation: str, column: str, role: str = "lhs") -> list[TermCell]:
    """The places counted (role lhs), or shown for where to look (role evidence)."""
    return [TermCell(role, int(role == "lhs"), CellRow(relation, k, label, None, None, None, column, None, line, page),
                     relation, column) for k, (label, line, page) in enumerate(places)]


def _instance(doc: DocumentCells, family: str, check: Check, key: str, env: dict[str, str]) -> Instance:
    return Instance(doc.doc_id, family, f"{check.id}.{key}", "-", check.description.format(**env))


def _count(inst: Instance, found: int, required: int, reason: str | None,
           places: list[Place], relation: str, column: str) -> Instance:
    inst.lhs, inst.rhs = Decimal(found), Decimal(required)
    inst.difference, inst.tolerance, inst.n_terms = inst.lhs - inst.rhs, Decimal(0), found
    inst.reason = reason if found != required else None
    inst.cells = _evidence(places, relation, column)
    return inst


def _required_tables(doc: DocumentCells, facts: Facts, variant: Variant, check: Check,
                     family: str) -> list[Instance]:
    out = []
    for code in variant.required_codes:
        env = {"table": table_label(code)}
        inst = _instance(doc, family, check, code, env)
        if code not in facts.tables:
            out.append(_count(inst, 0, 1, check.messages["missing"].format(**env), [], "document_tables", "table"))
            continue
        title, _, _, line, page = facts.tables[code]
        copies = facts.copies.get(code) or [(title, line, page)]  # an empty table is printed once
        env |= {"found": str(len(copies)), "where": _where(copies)}
        out.append(_count(inst, len(copies), 1, check.messages["duplicated"].format(**env), copies,
                          "document_table_regions", "table"))
    return out


def _empty_statements(doc: DocumentCells, facts: Facts, variant: Variant, check: Check,
                      family: str) -> list[Instance]:
    out = []
    for code in (c for c in check.tables if c in variant.tables):
        env = {"table": table_label(code)}
        inst = _instance(doc, family, check, code, env)
        if code not in facts.tables:
            inst.status, inst.reason = "not_applicable", check.messages["not_found"].format(**env)
        elif facts.tables[code][1] != "empty":
            inst.status, inst.reason = "not_applicable", check.messages["has_values"].format(**env)
        else:
            title, _, note, line, page = facts.tables[code]
            # stated in the table, or elsewhere (西安: the list of tables says 是否空表 是, 不涉及)
            stated = facts.statements.get(code, []) or ([(title, line, page)] if note != NO_VALUES else [])
            inst = _count(inst, min(1, len(stated)), 1, check.messages["missing"].format(**env),
                          stated, "document_table_regions", "states_no_data")
            inst.cells += _evidence([] if stated else [(title, line, page)], "document_tables", "table", "evidence")
        out.append(inst)
    return out


def _sections(doc: DocumentCells, facts: Facts, variant: Variant, check: Check, family: str) -> list[Instance]:
    declared = catalogue().narrative_sections.get(variant.name)
    if not declared:
        return [Instance(doc.doc_id, family, check.id, "-", check.description.format(section="-"),
                         status="not_applicable", reason=check.messages["undeclared"].format(variant=variant.name))]
    narrative = bool(facts.sections) or facts.n_figures > 0
    out = []
    for section in declared:
        env = {"section": section.name, "variant": variant.name,
               "table": "、".join(table_label(c) for c in section.tables)}
        inst = _instance(doc, family, check, section.name, env)
        if not section.required_by(variant):
            inst.status, inst.reason = "not_applicable", check.messages["not_required"].format(**env)
        elif "document_sections" in facts.missing_relations:  # extracted before extract/sections.py
            inst.status, inst.reason = "not_applicable", "raw.document_sections not in the warehouse: re-extract"
        elif not narrative:
            inst.status, inst.reason = "not_applicable", check.messages["no_narrative"].format(**env)
        else:
            headings = facts.sections.get(section.key, [])
            inst = _count(inst, min(1, len(headings)), 1, check.messages["missing"].format(**env), headings,
                          "document_sections", "heading")
        out.append(inst)
    return out


RULES: dict[str, Callable[[DocumentCells, Facts, Variant, Check, str], list[Instance]]] = {
    "required_table": _required_tables,
    "empty_statement": _empty_statements,
    "narrative_section": _sections,
}


def load_facts(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> dict[str, Facts]:
    facts = {d: Facts() for d in doc_ids}
    missing = tuple(t for t in ("document_table_regions", "document_sections") if not raw_table_exists(con, t))
    for f in facts.values():
        f.missing_relations = missing
    for doc, code, *rest in doc_rows(con, "select doc_id, table_code, table_title, status, note, source_line, page"
                                       " from raw.document_tables", doc_ids):
        facts[doc].tables[code] = tuple(rest)
    if "document_table_regions" not in missing:
        for doc, _, code, title, n_values, states, line, page in doc_rows(
                con, "select doc_id, region_index, table_code, title, n_values, states_no_data, source_line, page"
                     " from raw.document_table_regions", doc_ids):
            if n_values:
                facts[doc].copies.setdefault(code, []).append((title, line, page))
            if states:
                facts[doc].statements.setdefault(code, []).append((title, line, page))
    if "document_sections" not in missing:
        for doc, _, key, heading, line, page in doc_rows(
                con, "select doc_id, heading_index, section_key, heading, source_line, page"
                     " from raw.document_sections", doc_ids):
            facts[doc].sections.setdefault(key, []).append((heading, line, page))
    if raw_table_exists(con, "narrative_figures"):
        for doc, n in con.execute("select doc_id, count(*) from raw.narrative_figures"
                                  " where doc_id in (select unnest(?)) group by doc_id", [doc_ids]).fetchall():
            facts[doc].n_figures = n
    return facts


def evaluate_completeness(con: duckdb.DuckDBPyConnection, docs: list[DocumentCells],
                          spec: Family | None = None) -> dict[str, list[Instance]]:
    """Instances per doc_id (pending: judge them with the other families)."""
    spec = spec or load_completeness()
    checked = [d for d in docs if d.doc_kind in spec.doc_kinds]
    facts = load_facts(con, [d.doc_id for d in checked])
    variants = catalogue().variants
    return {doc.doc_id: [i for check in spec.checks for i in RULES[check.rule](
        doc, facts[doc.doc_id], variants.get(doc.template_variant or "", variants[DEFAULT_VARIANT]),
        check, spec.family)] for doc in checked}
