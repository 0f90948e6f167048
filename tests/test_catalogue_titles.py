"""The catalogue's one-search title filters (catalogue.any_title, any_other_title) rule out exactly the
lines no single title pattern matches: match_title and is_other_title read every line of a real
document as the pattern-by-pattern search does."""

from __future__ import annotations

import re

import pytest

from extract.catalogue import catalogue, is_other_title, match_title
from extract.load import load_document

from .conftest import PUTUO_PDF, TEXT


def _slow_title(line: str):
    s = re.sub(r"\s+", "", line)
    if not s or len(s) > 60 or "说明" in s or "。" in s:
        return None
    return next((t for t in catalogue().templates if any(p.search(s) for p in t.title_patterns)), None)


def _slow_other(line: str) -> bool:
    s = re.sub(r"\s+", "", line)
    if not s or len(s) > 60 or "说明" in s or "。" in s:
        return False
    return any(p.search(s) for p in catalogue().other_titles)


def _lines() -> list[str]:
    paths = [PUTUO_PDF, *sorted(TEXT.glob("*.txt"))[:3]]
    if not all(p.exists() for p in paths):
        pytest.skip("shared corpus not found")
    return [" ".join(c for c in row.cells if c) for p in paths for row in load_document(p).rows]


def test_title_filters_match_the_patterns_one_by_one():
    lines = _lines()
    titles = [match_title(line) for line in lines]
    assert titles == [_slow_title(line) for line in lines]
    assert [is_other_title(line) for line in lines] == [_slow_other(line) for line in lines]
    assert sum(t is not None for t in titles) >= 9  # the 普陀 final accounts print their nine tables


def test_filters_tell_titles_from_other_lines():
    assert match_title("2024年度 收入支出决算总表（表1）").code == "T01"
    assert match_title("第一部分 部门概况") is None
    assert is_other_title("2026年政府采购预算表")
    assert not is_other_title("收入支出决算总表")
