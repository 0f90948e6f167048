"""What the families of checks over a document's raw tables share (completeness, consistency,
narrative arithmetic): the declaration of their checks in YAML, and reading the raw tables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import yaml

from extract.catalogue import catalogue


@dataclass(frozen=True)
class Check:
    id: str
    rule: str  # the function that evaluates it (each family's RULES)
    description: str
    messages: dict[str, str]
    tables: tuple[str, ...] = ()


@dataclass(frozen=True)
class Family:
    family: str
    doc_kinds: tuple[str, ...]  # the kinds of document checked
    checks: tuple[Check, ...]
    source: str  # the declaration file


def load_family(path: Path, messages: Mapping[str, tuple[str, ...]]) -> Family:
    """A family's YAML: every check names a known rule and declares the messages that rule uses."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    checks = []
    for raw in spec["checks"]:
        missing = [m for m in messages.get(raw["rule"], ()) if m not in raw.get("messages", {})]
        if raw["rule"] not in messages or missing:
            raise ValueError(f"{path.name}: check {raw['id']}: unknown rule or messages missing {missing}")
        checks.append(Check(raw["id"], raw["rule"], raw["description"], dict(raw["messages"]),
                            tuple(raw.get("tables", ()))))
    return Family(spec["family"], tuple(spec["doc_kinds"]), tuple(checks), path.name)


def raw_table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    found = con.execute("select count(*) from information_schema.tables where table_schema = 'raw' "
                        "and table_name = ?", [table]).fetchone()
    return bool(found and found[0])


def doc_rows(con: duckdb.DuckDBPyConnection, sql: str, doc_ids: list[str]) -> list[tuple[Any, ...]]:
    """The rows of `sql` (a select without where) of the given documents."""
    return con.execute(sql + " where doc_id in (select unnest(?)) order by all", [doc_ids]).fetchall()


def table_label(code: str) -> str:
    """'一般公共预算财政拨款支出决算表（T05）'."""
    return f"{catalogue().tables[code]['name']}（{code}）"
