"""Printed amounts -> exact Decimals; printed codes and labels -> normal form."""

from __future__ import annotations

import re
from decimal import Decimal

BLANK_MARKS = {"", "-", "--", "—", "——", "－", "/", "／", "…", "……", "*", "x", "X", "×"}
_AMOUNT = re.compile(r"^[-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_CJK = r"\u4e00-\u9fff（）()、，"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_CODE = re.compile(r"^(\d{3})(?:\s?(\d{2}))?(?:\s?(\d{2}))?(?!\d)\s*")


def is_blank(text: str) -> bool:
    return text.strip() in BLANK_MARKS


def is_amount(text: str) -> bool:
    return bool(_AMOUNT.match(text.strip().replace(" ", "")))


def is_amount_or_blank(text: str) -> bool:
    return is_blank(text) or is_amount(text)


def trimmed(value: Decimal) -> Decimal:
    """A stored amount as a disclosure prints it: two decimals at least, no trailing zeros beyond
    (DECIMAL(24,6) 804.610000 -> 804.61, 870.822000 -> 870.822)."""
    exact = value.normalize()
    return exact if exact.as_tuple().exponent < -2 else value.quantize(Decimal("0.01"))  # type: ignore[operator]


def parse_amount(text: str) -> Decimal | None:
    """'1,717.31' -> Decimal('1717.31'); blank marks ('', '——') -> None. Raises ValueError."""
    s = text.strip().replace(" ", "")
    if s in BLANK_MARKS:
        return None
    if not _AMOUNT.match(s):
        raise ValueError(f"not an amount: {text!r}")
    return Decimal(s.replace(",", "").replace("−", "-"))


def parse_line_no(text: str) -> int | None:
    s = text.strip()
    return int(s) if s.isdigit() and len(s) <= 3 else None


def join_label(text: str) -> str:
    """A label re-joined where a dump wrapped it: '政府办公厅（室） 及相关机构事务' -> one word."""
    return _CJK_GAP.sub("", re.sub(r"\s+", " ", text).strip())


def split_code(label: str) -> tuple[str | None, str]:
    """'201 06 01 行政运行' -> ('2010601', '行政运行'); '合计' -> (None, '合计')."""
    m = _CODE.match(label.strip())
    if not m:
        return None, join_label(label)
    code = "".join(g for g in m.groups() if g)
    return code, join_label(label[m.end():] if m.end() <= len(label) else "")
