"""The table catalogue (catalogue.yml), read once into immutable records.

Every part of the project asks the catalogue what it knows about a table: which titles name it
in which template variant, its columns, its named rows and items, whether a variant requires it,
the fact model it feeds and its document family (部门决算 final_accounts, 部门预算 budget). See
catalogue.yml for the format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yml")
DEFAULT_VARIANT = "national"
DEFAULT_KIND = "final_accounts"  # the document family of a variant or table that does not name one


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # canonical label


@dataclass(frozen=True)
class TableTemplate:
    """One warehouse table as one template variant prints it."""

    code: str  # T01..T10: the warehouse table of the same meaning
    name: str  # the national name of the table
    variant: str  # template variant that prints it this way
    layout: str  # parser family: summary | subject | economic | three_public | statistics
    title_patterns: tuple[re.Pattern[str], ...]
    column_sets: tuple[tuple[Column, ...], ...]  # printed shapes; the parser takes the one that fits
    required: bool
    fact_model: str
    doc_kind: str = DEFAULT_KIND  # the document family: final_accounts | budget
    read_by: str = "position"  # position: the column set's order | header: the printed column headers
    headers: tuple[tuple[str, re.Pattern[str]], ...] = ()  # read_by header: column key <- header pattern
    codes: str | None = None  # which classification's code a row that prints several carries
    row_keys: str = ""  # the row-key group of its named rows (default: its layout)

    def matches(self, title: str) -> bool:
        return any(p.search(title) for p in self.title_patterns)


@dataclass(frozen=True)
class Variant:
    name: str
    description: str
    detect: str | dict[str, Any]  # titles | default | {fiscal_year_max: N}
    tables: dict[str, TableTemplate]
    doc_kind: str = DEFAULT_KIND  # the document family whose template it is

    @property
    def required_codes(self) -> tuple[str, ...]:
        return tuple(sorted(c for c, t in self.tables.items() if t.required))


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    en: str
    parent: str | None
    pattern: re.Pattern[str]
    position: int
    header: re.Pattern[str] | None = None  # the item in a column header (tables read by header)


@dataclass(frozen=True)
class NarrativeSection:
    """A section the 情况说明 of a variant must have, and how its heading reads."""

    key: str
    name: str  # as an auditor names it: 三公经费, 名词解释, ...
    heading: re.Pattern[str]  # matched against a heading without spaces and without its number
    tables: tuple[str, ...]  # required only where the variant requires these tables

    def required_by(self, variant: Variant) -> bool:
        return all(c in variant.tables and variant.tables[c].required for c in self.tables)


@dataclass(frozen=True)
class Catalogue:
    tables: dict[str, dict[str, Any]]  # code -> name, layout, fact_model, columns
    variants: dict[str, Variant]  # in detection order
    row_keys: dict[str, tuple[tuple[re.Pattern[str], str], ...]]  # layout -> (pattern, key)
    items: dict[str, tuple[Item, ...]]  # item list name -> items in template order
    functional_classes: dict[str, str]  # 类 name -> code
    narrative_sections: dict[str, tuple[NarrativeSection, ...]] = field(default_factory=dict)  # variant ->
    other_titles: tuple[re.Pattern[str], ...] = ()  # tables printed among the standard ones, not read

    def section_patterns(self) -> dict[str, re.Pattern[str]]:
        """Every declared section key (of any variant) -> its heading pattern."""
        return {s.key: s.heading for sections in self.narrative_sections.values() for s in sections}

    @cached_property
    def templates(self) -> tuple[TableTemplate, ...]:
        """Every table template with titles of its own, the most specific (longest) title first."""
        out = [t for v in self.variants.values() for t in v.tables.values() if t.title_patterns]
        return tuple(sorted(out, key=lambda t: -max(len(p.pattern) for p in t.title_patterns)))

    @cached_property
    def any_title(self) -> re.Pattern[str]:
        """Matches where any template's title pattern matches: one search rules out most lines."""
        return _any_of(p for t in self.templates for p in t.title_patterns)

    @cached_property
    def any_other_title(self) -> re.Pattern[str]:
        return _any_of(self.other_titles)


def _any_of(patterns: Iterable[re.Pattern[str]]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns) or r"(?!)")


def _table_template(code: str, spec: dict[str, Any], entry: dict[str, Any], variant: str) -> TableTemplate:
    columns = spec["columns"]
    unknown = {k for k, _ in spec.get("headers", ())} - set(columns)
    if unknown:
        raise ValueError(f"catalogue table {code}: headers name unknown columns {sorted(unknown)}")
    sets = entry.get("column_sets") or spec["column_sets"]
    return TableTemplate(
        code=code, name=spec["name"], variant=variant, layout=spec["layout"],
        title_patterns=tuple(re.compile(t) for t in entry.get("titles", ())),
        column_sets=tuple(tuple(Column(k, columns[k]) for k in s) for s in sets),
        required=bool(entry.get("required", False)), fact_model=spec["fact_model"],
        doc_kind=spec.get("doc_kind", DEFAULT_KIND), read_by=spec.get("read_by", "position"),
        headers=tuple((key, re.compile(p)) for key, p in spec.get("headers", ())),
        codes=spec.get("codes"), row_keys=spec.get("row_keys", spec["layout"]),
    )


def parse_catalogue(doc: dict[str, Any]) -> Catalogue:
    tables = doc["tables"]
    variants = {}
    for name, v in doc["variants"].items():
        unknown = set(v["tables"]) - set(tables)
        if unknown:
            raise ValueError(f"catalogue variant {name}: unknown tables {sorted(unknown)}")
        kind = v.get("doc_kind", DEFAULT_KIND)
        other_kind = sorted(c for c in v["tables"] if tables[c].get("doc_kind", DEFAULT_KIND) != kind)
        if other_kind:
            raise ValueError(f"catalogue variant {name}: tables of another document kind {other_kind}")
        variants[name] = Variant(name, v["description"], v["detect"], {
            # a table without titles of its own is found by another variant's titles and
            # recorded as the document's variant (see extract.pipeline.extract_tables)
            code: _table_template(code, tables[code], entry or {}, name)
            for code, entry in v["tables"].items()}, kind)
    row_keys = {layout: tuple((re.compile(p), k) for p, k in pairs) for layout, pairs in doc["row_keys"].items()}
    items = {name: tuple(Item(i["key"], i["label"], i["en"], i.get("parent"), re.compile(i["pattern"]), n,
                              re.compile(i["header"]) if i.get("header") else None)
                         for n, i in enumerate(entries, start=1))
             for name, entries in doc["items"].items()}
    return Catalogue(tables, variants, row_keys, items, {k: str(v) for k, v in doc["functional_classes"].items()},
                     _narrative_sections(doc.get("narrative_sections") or {}, variants, tables),
                     tuple(re.compile(t) for t in doc.get("other_titles") or ()))


def _narrative_sections(doc: dict[str, Any], variants: dict[str, Variant], tables: dict[str, Any],
                        ) -> dict[str, tuple[NarrativeSection, ...]]:
    out: dict[str, tuple[NarrativeSection, ...]] = {}
    headings: dict[str, str] = {}
    for variant, entries in doc.items():
        if variant not in variants:
            raise ValueError(f"catalogue narrative_sections: unknown variant {variant}")
        sections = tuple(NarrativeSection(e["key"], e["name"], re.compile(e["heading"]), tuple(e.get("tables", ())))
                         for e in entries)
        for s in sections:
            if headings.setdefault(s.key, s.heading.pattern) != s.heading.pattern:
                raise ValueError(f"catalogue narrative_sections: key {s.key} has two headings")
            if set(s.tables) - set(tables):
                raise ValueError(f"catalogue narrative_sections {variant}.{s.key}: unknown tables {s.tables}")
        if len({s.key for s in sections}) != len(sections) or len({s.name for s in sections}) != len(sections):
            raise ValueError(f"catalogue narrative_sections {variant}: duplicate key or name")
        out[variant] = sections
    return out


@cache
def catalogue() -> Catalogue:
    return parse_catalogue(yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8")))


def match_title(line: str) -> TableTemplate | None:
    """The table template whose title a (short) line carries, e.g. '2022 年度收入决算表（表 2）'."""
    s = re.sub(r"\s+", "", line)
    if not s or len(s) > 60 or "说明" in s or "。" in s:
        return None
    cat = catalogue()
    return next((t for t in cat.templates if t.matches(s)), None) if cat.any_title.search(s) else None


def title_kind(title_variants: set[str]) -> str:
    """The document family whose table titles a document prints: another family (a 部门预算) only
    when none of the default family's titles is printed."""
    variants = catalogue().variants
    kinds = {variants[v].doc_kind for v in title_variants}
    return DEFAULT_KIND if DEFAULT_KIND in kinds or len(kinds) != 1 else kinds.pop()


def detect_variant(title_variants: set[str], fiscal_year: int | None) -> str:
    """The document's template variant, among the variants of the family whose titles it prints:
    one whose own titles it prints, else by fiscal year, else the family's default."""
    kind = title_kind(title_variants)
    variants = [(name, v) for name, v in catalogue().variants.items() if v.doc_kind == kind]
    for name, v in variants:
        if v.detect == "titles" and name in title_variants:
            return name
        if isinstance(v.detect, dict) and fiscal_year is not None and fiscal_year <= v.detect["fiscal_year_max"]:
            return name
    return next((name for name, v in variants if v.detect == "default"), variants[0][0])


def is_other_title(line: str) -> bool:
    """A (short) line naming a table the catalogue knows but does not read (政府采购预算表,
    项目支出绩效目标表 ...), or a numbered title of an unknown table ('预算10表 …'): it ends the
    table before it."""
    s = re.sub(r"\s+", "", line)
    if not s or len(s) > 60 or "说明" in s or "。" in s:
        return False
    return catalogue().any_other_title.search(s) is not None


def row_key_for(label: str, layout: str) -> str | None:
    return next((key for pattern, key in catalogue().row_keys[layout] if pattern.search(label)), None)


def item_key_for(label: str, items: str = "three_public") -> str | None:
    return next((i.key for i in catalogue().items[items] if i.pattern.search(label)), None)


def functional_class_code(label: str, numbered: bool = False) -> str | None:
    """'八、社会保障和就业支出' -> '208'; None when the label is not a 类 row. numbered: also the
    numbering of budget tables ('8、社会保障和就业', '（二）教育支出'), where a numbered 类 name may
    go without 支出."""
    m = _class_re().match(label) or (_numbered_class_re().match(label) if numbered else None)
    return catalogue().functional_classes[m.group(1)] if m else None


def _class_names() -> str:
    return "|".join(sorted(catalogue().functional_classes, key=len, reverse=True))


@cache
def _class_re() -> re.Pattern[str]:
    return re.compile(r"^(?:[一二三四五六七八九十]+、)?(" + _class_names() + r")(?:等)?的?支出$")


@cache
def _numbered_class_re() -> re.Pattern[str]:
    number = r"(?:[一二三四五六七八九十]+、|\d+[、.．]|[（(][一二三四五六七八九十\d]+[)）])"
    return re.compile(r"^" + number + r"(" + _class_names() + r")(?:等)?(?:的?支出)?$")


def table_name(code: str) -> str:
    spec = catalogue().tables.get(code)
    return f"{code} {spec['name']}" if spec else code



def _summary_key_vocabulary(keys: list[str]) -> list[str]:
    """Keys the summary parser derives from the declared ones (see parsers/summary.py)."""
    grants = ("general_budget_grant", "gov_fund_grant", "state_capital_grant")
    return (keys + [f"of_which_{k}" for k in keys] + ["income_item", "expenditure_item"]
            + [f"{side}_{g}" for side in ("carryover_begin", "carryover_end") for g in grants])


def catalogue_rows() -> dict[str, list[dict[str, Any]]]:
    """The catalogue as rows of the warehouse's catalogue.* tables (for dbt and BI)."""
    cat = catalogue()
    row_keys = []
    summary_groups = {"summary"} | {t.get("row_keys") for t in cat.tables.values() if t["layout"] == "summary"}
    for layout, pairs in cat.row_keys.items():
        keys = list(dict.fromkeys(k for _, k in pairs))
        for key in _summary_key_vocabulary(keys) if layout in summary_groups else keys:
            row_keys.append({"layout": layout, "row_key": key})
    row_keys += [{"layout": "subject", "row_key": key} for key in ("total", "unit")]
    row_keys += [{"layout": "three_public", "row_key": i.key} for i in cat.items["three_public"]]
    return {
        "tables": [{"table_code": code, "table_name": t["name"], "layout": t["layout"],
                    "fact_model": t["fact_model"], "doc_kind": t.get("doc_kind", DEFAULT_KIND)}
                   for code, t in cat.tables.items()],
        "columns": [{"table_code": code, "column_key": k, "column_label": label}
                    for code, t in cat.tables.items() for k, label in t["columns"].items()],
        "variant_tables": [{"variant": v.name, "variant_description": v.description, "doc_kind": v.doc_kind,
                            "table_code": code,
                            "required": t.required, "titles": " | ".join(p.pattern for p in t.title_patterns)}
                           for v in cat.variants.values() for code, t in v.tables.items()],
        "items": [{"item_list": name, "item_key": i.key, "sort_order": i.position, "parent_item": i.parent,
                   "label_zh": i.label, "label_en": i.en} for name, items in cat.items.items() for i in items],
        "row_keys": row_keys,
        "narrative_sections": [{"variant": v, "section_key": s.key, "section_name": s.name,
                                "heading": s.heading.pattern, "tables": " ".join(s.tables) or None}
                               for v, sections in cat.narrative_sections.items() for s in sections],
    }
