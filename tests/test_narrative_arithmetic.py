"""Narrative arithmetic (expectations/narrative_arithmetic.yml): real sentences of seed 003 with one
number changed give the finding; unchanged, they are silent. Extracted and judged by the real
pipeline (extract_paths) and checks (run_checks)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from expectations.narrative_arithmetic import load_narrative_arithmetic

from .conftest import family_results, seed

# 003_*.txt (长沙市信访局 2023), line 375 and line 383
CHANGE = "与上年相比，减少 207.43 万元,减少 10.78 %。"
SHARES = "其中：基本支出 1435.88 万元，占 83.61%；"
VARIANTS = {
    "003.txt": None,
    "003_rate.txt": (CHANGE, "与上年相比，减少 207.43 万元,减少 11.78 %。"),
    "003_direction.txt": (CHANGE, "与上年相比，减少 207.43 万元,增长 10.78 %。"),
    "003_share.txt": (SHARES, "其中：基本支出 1435.88 万元，占 85.61%；"),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    """file -> (identity_id, status, lhs, rhs, description) of the narrative_arithmetic family."""
    text = seed("003").read_text(encoding="utf-8")
    for change in filter(None, VARIANTS.values()):
        assert text.count(change[0]) == 1, change[0]
    files = {name: text.replace(*change) if change else text for name, change in VARIANTS.items()}
    out: dict[str, list[tuple]] = {}
    for file, identity, status, lhs, rhs, _, description in family_results(
            tmp_path_factory.mktemp("narrative_arithmetic"), files, "narrative_arithmetic"):
        out.setdefault(file, []).append((identity, status, lhs, rhs, description))
    return out


def _violations(results: dict, file: str) -> list[tuple]:
    return [r for r in results[file] if r[1] == "violation"]


def _statuses(results: dict, file: str, identity: str, text: str) -> list[str]:
    return [r[1] for r in results[file] if r[0] == identity and r[4].startswith(text)]


def test_unchanged_003_is_silent(results) -> None:
    assert _violations(results, "003.txt") == []
    assert _statuses(results, "003.txt", "NA.change", "收、支总计 1717.31万元") == ["pass"]
    assert _statuses(results, "003.txt", "NA.direction", "收、支总计：") == ["pass"]
    assert _statuses(results, "003.txt", "NA.share", "基本支出 占 支出合计") == ["pass"]
    assert "pass" in _statuses(results, "003.txt", "NA.shares_sum", "支出合计 ")


def test_a_wrong_change_rate_is_a_finding(results) -> None:
    assert [r[:4] for r in _violations(results, "003_rate.txt")] == [
        ("NA.change", "violation", Decimal("-11.78"), Decimal("-10.78"))]


def test_a_contradicting_direction_is_a_finding(results) -> None:
    assert [r[:4] for r in _violations(results, "003_direction.txt")] == [
        ("NA.direction", "violation", Decimal(-1), Decimal(1))]
    # the rate itself is not judged again: which word is wrong cannot be told
    assert _statuses(results, "003_direction.txt", "NA.change", "收、支总计 1717.31万元") == ["not_applicable"]


def test_a_wrong_share_is_a_finding_and_breaks_the_sum(results) -> None:
    found = {r[0]: r[1:4] for r in _violations(results, "003_share.txt")}
    assert found == {"NA.share": ("violation", Decimal("85.61"), Decimal("83.61")),
                     "NA.shares_sum": ("violation", Decimal("102.00"), Decimal(100))}


def test_the_declarations_load() -> None:
    assert [c.id for c in load_narrative_arithmetic().checks] == ["NA.change", "NA.direction", "NA.share",
                                                                  "NA.shares_sum"]
