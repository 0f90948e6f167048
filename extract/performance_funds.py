"""The funds block of a 绩效自评表: which fund source a label names, and its "label：amount" statements.

A funds block prints its amounts in one of three ways, all read into raw.performance_fund_amounts
(one row per printed amount, with its printed text and decimals):
- budget lines labelled by fund source (年度资金总额, 其中：当年财政拨款, 上年结转资金, 其他资金);
- per-subject lines (公立医院, 公共卫生, … and a 金额合计 row) under a header that splits 全年预算数 and
  全年执行数 into 总额 | 财政拨款 | 其他资金 columns;
- statements "按收入性质分：326.68", "其中：一般公共预算：326.68" (no column says whether such an
  amount is a budget or an execution: its measure stays NULL).
The vocabulary (labels -> fund source) is declared in performance_funds.yml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import yaml

VOCABULARY_FILE = Path(__file__).with_name("performance_funds.yml")
AMOUNT_FIELDS = ("initial_declared", "initial_budget", "full_year_budget", "executed", "balance")

_PAREN = re.compile(r"[（(][^（()）]*[)）]")
_OF_WHICH = re.compile(r"^其中[:：]?")
_STATEMENT = re.compile(r"^(?P<label>[^:：\d]+?)[:：](?P<amount>[-+]?\d[\d,]*(?:\.\d+)?)?$")
_SUBJECT_CODE = re.compile(r"^(?P<code>\d{3}(?:\d{2}){0,2})(?!\d)\s*(?P<name>\S.*)$")

Patterns = tuple[tuple[re.Pattern[str], str], ...]


@dataclass(frozen=True)
class Vocabulary:
    fund_sources: Patterns
    split_columns: Patterns
    breakdowns: Patterns
    total_rows: re.Pattern[str]


@dataclass(frozen=True)
class Statement:
    """One "label：amount" cell of a funds block."""

    column: int  # cell index in its row
    label: str
    fund_source: str
    breakdown: str | None
    text: str  # the amount as printed
    amount: Decimal


def _patterns(pairs: list[list[str]]) -> Patterns:
    return tuple((re.compile(p), name) for p, name in pairs)


@cache
def vocabulary() -> Vocabulary:
    spec = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))
    return Vocabulary(_patterns(spec["fund_sources"]), _patterns(spec["split_columns"]),
                      _patterns(spec["breakdowns"]), re.compile(spec["total_rows"]))


def clean(label: str) -> str:
    """Spaces, parenthesised notes, a leading 其中： and a trailing colon removed."""
    s = _PAREN.sub("", re.sub(r"\s+", "", label))
    return _OF_WHICH.sub("", s).rstrip(":：")


def _first(patterns: Patterns, label: str | None) -> str | None:
    if not label:
        return None
    s = clean(label)
    return next((name for pattern, name in patterns if pattern.search(s)), None)


def fund_of_label(label: str | None) -> str | None:
    return _first(vocabulary().fund_sources, label)


def fund_of_column(label: str | None) -> str | None:
    return _first(vocabulary().split_columns, label)


def is_total_row(label: str | None) -> bool:
    return bool(label) and vocabulary().total_rows.search(clean(label or "")) is not None


def subject_parts(label: str) -> tuple[str | None, str]:
    """'21002 公立医院' -> ('21002', '公立医院'); a label without a printed code -> (None, label)."""
    m = _SUBJECT_CODE.match(label.strip())
    return (m["code"], re.sub(r"\s+", "", m["name"])) if m else (None, re.sub(r"\s+", "", label))


def printed_decimals(text: str) -> int:
    m = re.search(r"\.(\d+)", text)
    return len(m.group(1)) if m else 0


def statements(cells: tuple[str, ...], breakdowns: dict[int, str]) -> list[Statement] | None:
    """The statements of a row whose every filled cell is a recognised "label：amount" (an amount
    left blank is not read); None when the row is not such a row. `breakdowns` (cell index ->
    breakdown) is updated by "按收入性质分：…" cells and carried to the rows below."""
    found: list[Statement] = []
    filled = [(i, c) for i, c in enumerate(cells) if c.strip()]
    if not filled:
        return None
    for i, cell in filled:
        m = _STATEMENT.match(_OF_WHICH.sub("", re.sub(r"\s+", "", cell)))
        if m is None:
            return None
        label = m["label"]
        breakdown = _first(vocabulary().breakdowns, label)
        fund = "total" if breakdown else fund_of_label(label)
        if fund is None:
            return None
        if breakdown:
            breakdowns[i] = breakdown
        if m["amount"] is not None:
            try:
                amount = Decimal(m["amount"].replace(",", ""))
            except InvalidOperation:
                return None
            found.append(Statement(i, label, fund, breakdowns.get(i), m["amount"], amount))
    return found


__all__ = ["AMOUNT_FIELDS", "Statement", "clean", "fund_of_column", "fund_of_label", "is_total_row",
           "printed_decimals", "statements", "subject_parts", "vocabulary"]
