"""Consistency rule K.subject_name (expectations/consistency.yml): a subject's printed name against
its official name for the document's fiscal year (seed dbt/seeds/gov_subject_names.csv). A table
read suspect is not checked (not_checkable): its labels may sit on the wrong codes.

A row whose code (printed, or read from its 类 name by the extractor) is in the seed for that
year: its name, normalised (spaces, bracket widths, a leading '一、', a trailing '（项）' cut),
must be the official one. A printed name that is only the start or the end of the official one
is taken for a name cut by the layout and not judged. A 类 row of T01/T04 read without a code
whose name is one edit away from exactly one official 类 name is a misprint of it ('抗役' for
'抗疫'). Codes not in the seed are not checked: the table is not_applicable.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from expectations.cells import CellRow, DocumentCells
from expectations.consistency_text import where
from expectations.evaluate import Instance, TermCell
from expectations.families import Check, table_label
from extract.catalogue import catalogue

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class OfficialName:
    subject_kind: str  # functional | economic
    code: str
    name: str
    first_year: int
    last_year: int | None


@cache
def load_seed(path: Path) -> tuple[OfficialName, ...]:
    with path.open(encoding="utf-8", newline="") as f:
        return tuple(OfficialName(r["subject_kind"], r["code"], r["name"], int(r["first_year"]),
                                  int(r["last_year"]) if r["last_year"] else None) for r in csv.DictReader(f))


def official_names(seed: tuple[OfficialName, ...], kind: str, year: int) -> dict[str, str]:
    return {s.code: s.name for s in seed if s.subject_kind == kind and s.first_year <= year
            and (s.last_year is None or year <= s.last_year)}


def normalise(name: str, params: dict[str, Any]) -> str:
    text = re.sub(r"\s+", "", name).replace("(", "（").replace(")", "）")
    text = re.sub(params["numbering"], "", text)
    return re.sub(params["markers"], "", text)


def distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace one character) from a to b."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _rows(cells: list[CellRow]) -> list[CellRow]:
    """One cell per printed row (the first of its columns)."""
    seen: dict[int, CellRow] = {}
    for c in cells:
        seen.setdefault(c.row_index, c)
    return list(seen.values())


def _near_miss(label: str, classes: dict[str, str], params: dict[str, Any]) -> tuple[str, str] | None:
    """The one official 类 (code, name) within max_distance edits of the label, if exactly one."""
    near = params["near_miss"]
    if len(label) < int(near["min_length"]):
        return None
    ranked = sorted((distance(label, normalise(name, params)), code, name) for code, name in classes.items())
    if not ranked or not 0 < ranked[0][0] <= int(near["max_distance"]):
        return None
    if len(ranked) > 1 and ranked[1][0] == ranked[0][0]:
        return None
    return ranked[0][1], ranked[0][2]


def _mismatch(c: CellRow, names: dict[str, str], classes: dict[str, str], near: bool,
              params: dict[str, Any]) -> tuple[bool, str | None]:
    """(whether the row was compared, the official '(code) name' it should print when it differs)."""
    label = normalise(c.row_label or "", params)
    if not label:
        return False, None
    if c.subject_code:
        official = names.get(c.subject_code)
        if official is None:
            return False, None
        expected = normalise(official, params)
        if label == expected:
            return True, None
        if expected.startswith(label) or expected.endswith(label):
            return False, None  # a name cut by the layout: not judged
        return True, f"{c.subject_code} {official}"
    if near and (hit := _near_miss(label, classes, params)):
        return True, f"{hit[0]} {hit[1]}"
    return False, None


def subject_names(doc: DocumentCells, year: int | None, check: Check, family: str,
                  params: dict[str, Any]) -> list[Instance]:
    seed = load_seed(REPO / params["seed"])
    near = params["near_miss"]
    out = []
    for code in sorted(doc.cells):
        layout = catalogue().tables.get(code, {}).get("layout")
        kind = "economic" if layout in params["economic_layouts"] else "functional"
        names = official_names(seed, kind, year) if year else {}
        classes = {k: v for k, v in names.items() if len(k) == 3} if kind == "functional" else {}
        rows = [c for c in _rows(doc.cells[code]) if c.subject_code or (
            code in near["tables"] and c.row_key in near["row_keys"])]
        if not rows:
            continue
        env = {"table": table_label(code), "year": str(year or "-")}
        inst = Instance(doc.doc_id, family, f"{check.id}.{code}", "-", check.description.format(**env))
        if doc.table_status.get(code) == "suspect":  # labels may sit on the wrong codes
            inst.status, inst.reason = "not_checkable", check.messages["suspect"].format(**env)
            out.append(inst)
            continue
        compared, bad = 0, []
        for c in rows:
            judged, official = _mismatch(c, names, classes, code in near["tables"], params)
            compared += judged
            if official:
                bad.append((c, official))
        if not compared:
            inst.status, inst.reason = "not_applicable", check.messages["not_in_seed"].format(**env)
            out.append(inst)
            continue
        inst.lhs, inst.rhs, inst.tolerance = Decimal(len(bad)), Decimal(0), Decimal(0)
        inst.difference, inst.n_terms = inst.lhs, compared
        printed_code = layout != "summary"  # T01/T04 print their 类 rows without a code
        env["found"] = "；".join(f"“{c.subject_code + ' ' if printed_code and c.subject_code else ''}{c.row_label}”"
                                f"应为“{official}”（{where(c.source_line, c.page)}）" for c, official in bad)
        inst.reason = check.messages["violation"].format(**env) if bad else None
        inst.cells = [TermCell("lhs", 1, c, c.table_code, c.column_key) for c, _ in bad]
        out.append(inst)
    return out
