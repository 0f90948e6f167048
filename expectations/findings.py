"""Findings people can act on: severity, message and suggestion of an identity result, from
expectations/findings.yml (declared as data, by status and identity family)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from expectations.evaluate import Instance
from extract.numbers import trimmed

FINDINGS_FILE = Path(__file__).resolve().parent / "findings.yml"


@dataclass(frozen=True)
class Finding:
    severity: str  # error | warning | info
    message: str
    suggestion: str


@cache
def _rules() -> dict[str, Any]:
    rules: dict[str, Any] = yaml.safe_load(FINDINGS_FILE.read_text(encoding="utf-8"))
    return rules


def _number(value: Decimal | None) -> str:
    """As printed in a disclosure: at least two decimals, no trailing zeros beyond them."""
    return "—" if value is None else str(trimmed(value))


def finding(inst: Instance, unit: str | None) -> Finding | None:
    """The finding an instance is, or None for pass and not_applicable."""
    rules = _rules()
    severity = rules["severity"].get(inst.status)
    if inst.status == "violation":
        overrides = rules.get("violation_severity") or {}
        ids = [i for i in overrides if inst.identity_id == i or inst.identity_id.startswith(i + ".")]
        severity = overrides[max(ids, key=len)] if ids else severity
    if severity is None:
        return None
    family = rules["families"].get(inst.family, {})
    template = (family.get("message") if inst.status == "violation" else None) or rules["messages"][inst.status]
    values = {"description": inst.description, "lhs": _number(inst.lhs), "rhs": _number(inst.rhs),
              "difference": _number(inst.difference), "tolerance": _number(inst.tolerance), "reason": inst.reason or "",
              "unit": (unit or "") if family.get("unit", True) else ""}
    suggestion = (rules["not_checkable_suggestion"] if inst.status == "not_checkable"
                  else family.get("suggestion", ""))
    return Finding(severity, template.format(**values), suggestion)
