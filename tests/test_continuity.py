"""Across documents (issue 12): an agency's 年初结转和结余 of year N+1 is its 年末结转和结余 of year N,
checked on the warehouse (dbt mart) and judged by the GX suites with the other identities."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from expectations.runner import run_checks
from extract.pipeline import extract_paths

from .conftest import seed
from .dbt_runner import run_dbt

pytestmark = pytest.mark.slow

# 003_*.txt line 133 (收入支出决算总表): both balances printed 0.00
BALANCES = "年初结转和结余\t29\t0.00\t年末结转和结余\t60\t0.00"


def _year(text: str, year: int, agency: str) -> str:
    return text.replace("2023", str(year)).replace("长沙市信访局", agency)


def test_closing_balance_of_one_year_is_the_opening_balance_of_the_next(tmp_path: Path) -> None:
    text = seed("003").read_text(encoding="utf-8")
    assert text.count(BALANCES) == 1
    folder = tmp_path / "corpus"
    folder.mkdir()
    # 长沙市信访局: 2022 closes at 0.00, 2023 opens at 0.00 (the real document twice, one year apart)
    (folder / "cs2022.txt").write_text(_year(text, 2022, "长沙市信访局"), encoding="utf-8")
    (folder / "cs2023.txt").write_text(text, encoding="utf-8")
    # 株洲市信访局 (the same text renamed): its 2022 document closes at 12.34, 2023 opens at 0.00
    closing = BALANCES.replace("年末结转和结余\t60\t0.00", "年末结转和结余\t60\t12.34")
    (folder / "other2022.txt").write_text(_year(text, 2022, "株洲市信访局").replace(BALANCES, closing),
                                          encoding="utf-8")
    (folder / "other2023.txt").write_text(_year(text, 2023, "株洲市信访局"), encoding="utf-8")
    db = tmp_path / "warehouse.duckdb"
    extract_paths([folder], db, workers=1)
    build = run_dbt(["build"], db, tmp_path / "dbt")
    assert build.returncode == 0, build.output[-4000:]
    run_checks(db)
    with duckdb.connect(str(db), read_only=True) as con:
        got = con.execute(
            "select d.file_name, r.instance, r.status, r.lhs_value, r.rhs_value from audit.identity_results r "
            "join raw.documents d using (doc_id) where r.identity_id = 'XY.carryover_continuity' "
            "order by 1, 2").fetchall()
    ids = _doc_ids(db)
    assert got == [
        ("cs2023.txt", f"continuity_id={ids['cs2023.txt']}:T01", "pass", Decimal("0.00"), Decimal("0.00")),
        ("cs2023.txt", f"continuity_id={ids['cs2023.txt']}:T04", "pass", Decimal("0.00"), Decimal("0.00")),
        ("other2023.txt", f"continuity_id={ids['other2023.txt']}:T01", "violation",
         Decimal("0.00"), Decimal("12.34")),
        ("other2023.txt", f"continuity_id={ids['other2023.txt']}:T04", "pass", Decimal("0.00"), Decimal("0.00")),
    ]


def _doc_ids(db: Path) -> dict[str, str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return dict(con.execute("select file_name, doc_id from raw.documents").fetchall())
