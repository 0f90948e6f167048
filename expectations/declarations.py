"""Accounting identities declared as data (YAML), in the spirit of an XBRL calculation linkbase.

An identity says which cells must sum to which: ``Σ lhs = Σ rhs``. Each term is a *selector* of
cells in ``raw.table_cells`` (table_code + row selector + column_key, with a sign). Optional loop
variables (``for_each``) expand one declaration into many instances (one per row, per column,
per 功能分类 code, per parent node of the subject hierarchy). Adding an identity is adding an
entry to a YAML file under ``expectations/identities/`` (or any folder passed to the loader).

File format (one file = one suite/family unless an entry overrides ``family``)::

    family: row_sums
    description: ...
    defaults: {if_missing: skip}     # keys merged into every entry
    identities:
      - id: T05.row
        description: 小计 = 基本支出 + 项目支出 (1栏 = 2+3栏)
        for_each: {row: {rows_of: T05}}
        lhs: [total]                 # shorthand for {table: T05, row: "{row}", column: total}
        rhs: [basic, project]        # "-col" subtracts
      - id: T01.income_total
        lhs: [{table: T01, row_key: income_total, column: income}]
        rhs: [{table: T01, row_key: [general_budget_grant, other_income], column: income}]

Selector keys: table, column (required); row_key (str = one row, list = set), subject_code,
line_no, row, node ('total' = the 合计 row, else a subject code), level (class|item|subitem),
children_of (a node: its subjects one level down), codes_in / codes_not_in (class prefixes),
before / after (a row_key anchor: only rows printed before/after it), sign (1 | -1),
optional (a missing single cell counts as blank instead of making the identity uncheckable).
String values may use ``{var}`` placeholders bound by ``for_each``.

for_each values: a list of literals, ``{rows_of: Txx}`` (each printed row of a table),
``{subjects_of: [Txx, ...], level: class}`` (each subject code printed in any of the tables),
``{parents_of: Txx, total: true}`` (the 合计 row and each subject that has printed children).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
IDENTITIES_DIR = Path(__file__).resolve().parent / "identities"

SELECTOR_KEYS = frozenset({
    "table", "column", "row_key", "subject_code", "line_no", "row", "node", "level",
    "children_of", "codes_in", "codes_not_in", "before", "after", "sign", "optional",
})
IDENTITY_KEYS = frozenset({
    "id", "family", "description", "for_each", "lhs", "rhs", "when_equal", "if_missing", "if_no_parts",
})
LEVELS = {"class": 3, "item": 5, "subitem": 7}
# What an instance whose required cell is absent becomes: not_checkable (a finding: the document
# should print it), not_applicable (optional line), skip (a looped instance that does not exist in
# this document's layout, e.g. a column of the other T08 variant or the left half of a T04 row).
IF_MISSING = ("not_checkable", "not_applicable", "skip")
# What an instance whose right side finds no cell at all (not even a blank one) becomes: evaluate
# (the parts count as 0: a template that prints every part column, the 部门决算), not_applicable
# or skip (a 部门预算 table prints the parts its region chose: none printed is nothing to assert).
IF_NO_PARTS = ("evaluate", "not_applicable", "skip")


class DeclarationError(ValueError):
    """An identity file that cannot be understood (message names the file and entry)."""


@dataclass(frozen=True)
class Selector:
    """Cells of one table and column; several matching rows are summed."""

    table: str
    column: str
    row_key: str | tuple[str, ...] | None = None
    subject_code: str | None = None
    line_no: int | None = None
    row: str | None = None
    node: str | None = None
    level: str | None = None
    children_of: str | None = None
    codes_in: tuple[str, ...] | None = None
    codes_not_in: tuple[str, ...] | None = None
    before: str | None = None
    after: str | None = None
    sign: int = 1
    optional: bool = False

    @property
    def single(self) -> bool:
        """True when the selector names one cell (it must then exist), False for a set of rows."""
        if self.level or self.children_of or self.codes_in or self.codes_not_in:
            return False
        return (isinstance(self.row_key, str) or self.subject_code is not None
                or self.line_no is not None or self.row is not None or self.node is not None)


@dataclass(frozen=True)
class Identity:
    """Σ lhs = Σ rhs, for every binding of the loop variables."""

    id: str
    family: str
    description: str
    lhs: tuple[Selector, ...]
    rhs: tuple[Selector, ...]
    for_each: dict[str, Any] = field(default_factory=dict)
    when_equal: tuple[Selector, Selector] | None = None
    if_missing: str = "not_checkable"  # see IF_MISSING
    if_no_parts: str = "evaluate"  # see IF_NO_PARTS
    source: str = ""  # file it was declared in

    @property
    def tables(self) -> tuple[str, ...]:
        sels = self.lhs + self.rhs + (self.when_equal or ())
        return tuple(dict.fromkeys(s.table for s in sels))


def _selector(raw: Any, row_table: str | None, where: str, optional: bool = True) -> Selector:
    if isinstance(raw, str):  # row shorthand: a column of the looped row
        if row_table is None:
            raise DeclarationError(f"{where}: term {raw!r} is a bare column but there is no row loop")
        sign = -1 if raw.startswith("-") else 1
        return Selector(table=row_table, column=raw.lstrip("+-").strip(), row="{row}", sign=sign,
                        optional=optional)
    if not isinstance(raw, dict):
        raise DeclarationError(f"{where}: a term must be a column name or a mapping, got {raw!r}")
    unknown = set(raw) - SELECTOR_KEYS
    if unknown:
        raise DeclarationError(f"{where}: unknown selector keys {sorted(unknown)}")
    if "table" not in raw or "column" not in raw:
        raise DeclarationError(f"{where}: a selector needs table and column: {raw!r}")
    if raw.get("level") is not None and raw["level"] not in LEVELS:
        raise DeclarationError(f"{where}: level must be one of {sorted(LEVELS)}")
    if raw.get("sign", 1) not in (1, -1):
        raise DeclarationError(f"{where}: sign must be 1 or -1")
    args = dict(raw)
    for key in ("row_key", "codes_in", "codes_not_in"):
        if isinstance(args.get(key), list):
            args[key] = tuple(str(v) for v in args[key])
    for key in ("subject_code", "node", "children_of", "row", "table", "column"):
        if args.get(key) is not None:
            args[key] = str(args[key])
    return Selector(**args)


def _row_table(for_each: dict[str, Any]) -> str | None:
    spec = for_each.get("row")
    return spec.get("rows_of") if isinstance(spec, dict) else None


def parse_identity(raw: dict[str, Any], family: str, source: str) -> Identity:
    where = f"{source}: identity {raw.get('id', '?')!r}"
    if not isinstance(raw, dict) or "id" not in raw:
        raise DeclarationError(f"{source}: every identity needs an id: {raw!r}")
    unknown = set(raw) - IDENTITY_KEYS
    if unknown:
        raise DeclarationError(f"{where}: unknown keys {sorted(unknown)}")
    for_each = raw.get("for_each") or {}
    if not isinstance(for_each, dict):
        raise DeclarationError(f"{where}: for_each must be a mapping")
    row_table = _row_table(for_each)
    sides = []
    for side in ("lhs", "rhs"):
        terms = raw.get(side)
        if not isinstance(terms, list) or not terms:
            raise DeclarationError(f"{where}: {side} must be a non-empty list")
        # in the row shorthand the lhs (total column) must be printed, a missing part is blank
        sides.append(tuple(_selector(t, row_table, f"{where} {side}", optional=side == "rhs")
                           for t in terms))
    when = raw.get("when_equal")
    when_sel = None
    if when is not None:
        if not isinstance(when, list) or len(when) != 2:
            raise DeclarationError(f"{where}: when_equal must be a list of two selectors")
        when_sel = (_selector(when[0], row_table, where), _selector(when[1], row_table, where))
    if_missing = raw.get("if_missing", "not_checkable")
    if if_missing not in IF_MISSING:
        raise DeclarationError(f"{where}: if_missing must be one of {IF_MISSING}")
    if_no_parts = raw.get("if_no_parts", "evaluate")
    if if_no_parts not in IF_NO_PARTS:
        raise DeclarationError(f"{where}: if_no_parts must be one of {IF_NO_PARTS}")
    return Identity(
        id=str(raw["id"]), family=str(raw.get("family", family)),
        description=str(raw.get("description", "")).strip(), lhs=sides[0], rhs=sides[1],
        for_each=for_each, when_equal=when_sel, if_missing=if_missing, if_no_parts=if_no_parts, source=source,
    )


def load_file(path: Path) -> list[Identity]:
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise DeclarationError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("identities"), list):
        raise DeclarationError(f"{path}: expected a mapping with an 'identities' list")
    family = str(doc.get("family") or path.stem)
    defaults = doc.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise DeclarationError(f"{path}: defaults must be a mapping")
    return [parse_identity({**defaults, **raw} if isinstance(raw, dict) else raw, family, path.name)
            for raw in doc["identities"]]


def load_identities(paths: list[Path] | None = None) -> list[Identity]:
    """All identities from the given YAML files or folders (default: expectations/identities/)."""
    files: list[Path] = []
    for p in paths or [IDENTITIES_DIR]:
        files.extend(sorted(p.glob("*.yml")) + sorted(p.glob("*.yaml")) if p.is_dir() else [p])
    identities = [i for f in files for i in load_file(f)]
    seen: set[str] = set()
    for ident in identities:
        if ident.id in seen:
            raise DeclarationError(f"{ident.source}: duplicate identity id {ident.id!r}")
        seen.add(ident.id)
    return identities
