"""Text disclosures -> raw cells: counts per table, hand-checked values, own identities, failures.

Every expected number below was read by hand from the seed text files in shared/corpus/text.
"""

from __future__ import annotations

import dataclasses
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from extract.pipeline import extract_document, extract_paths

from .conftest import seed, value
from .identities import failures

D = Decimal


@pytest.fixture(scope="module")
def docs():
    return {p: extract_document(seed(p)).result for p in ("000", "001", "002", "003", "004")}


# Cells per table, counted by hand: rows printed x value columns (T01/T04: each half-line is a row;
# blank expenditure 类 lines are printed and count; blank line-number-only lines do not).
EXPECTED_COUNTS = {
    # 000: 16 subject rows + 合计; T06 27 人员 + 28 商品和服务 + 9 资本性 blocks + 2 totals
    "000": {"T01": 42, "T02": 17 * 7, "T03": 17 * 6, "T04": 125, "T05": 17 * 3, "T06": 66,
            "T07": 6, "T08": 3, "T09": 0},
    # 002: 22 subject rows + 合计; T06 four blocks 27 + 28 + 28 + 26 and 2 totals; T10 16 numbered lines
    "002": {"T01": 42, "T02": 23 * 7, "T03": 23 * 6, "T04": 125, "T05": 23 * 3, "T06": 111,
            "T07": 6, "T08": 3, "T09": 0, "T10": 16},
    # 003: 4 subject rows + 合计; T06 27 + 28 + 26 blocks and 2 totals; T09 six items x budget/final
    "003": {"T01": 42, "T02": 5 * 7, "T03": 5 * 6, "T04": 125, "T05": 5 * 3, "T06": 83,
            "T07": 6, "T08": 3, "T09": 12},
}


@pytest.mark.parametrize("prefix", sorted(EXPECTED_COUNTS))
def test_cell_counts_per_table(docs, prefix):
    result = docs[prefix]
    counts = {t.table_code: t.n_cells for t in result.tables}
    assert counts == EXPECTED_COUNTS[prefix]
    assert sum(counts.values()) == len(result.cells)


def test_values_000(docs):
    r = docs["000"]
    assert value(r, "T01", "income", row_key="income_total") == D("804.61")
    assert value(r, "T01", "expenditure", subject="208") == D("90.11")
    assert value(r, "T01", "expenditure", subject="202") is None  # printed blank, kept as NULL
    assert value(r, "T02", "total", subject="2010308") == D("214.12")
    assert value(r, "T03", "project", subject="2010308") == D("214.12")
    assert value(r, "T03", "basic", subject="2010308") is None
    assert value(r, "T04", "expenditure_general_budget", line_no=59) == D("804.61")
    assert value(r, "T05", "basic", row_key="total") == D("590.49")
    assert value(r, "T06", "final", subject="30101") == D("94.14")
    assert value(r, "T06", "final", subject="30239") == D("9.45")
    assert value(r, "T06", "final", row_key="personnel_total") == D("529.28")
    assert value(r, "T06", "final", row_key="public_total") == D("61.19")


def test_values_002(docs):
    r = docs["002"]
    assert value(r, "T06", "final", row_key="personnel_total") == D("136.15")
    assert value(r, "T06", "final", subject="30199") == D("2.00")
    t06 = [c for c in r.cells if c.table_code == "T06" and c.subject_code == "30901"]
    assert t06[0].value is None and t06[0].raw_text == "——"  # "——" is a blank, the mark is kept
    assert value(r, "T03", "basic", subject="2080501") == D("1.57")
    assert value(r, "T03", "project", subject="2080501") == D("4.50")
    # the dump wrapped this name over two lines; it is re-joined
    name = [c.row_label for c in r.cells if c.table_code == "T03" and c.subject_code == "2080505"][0]
    assert name == "机关事业单位基本养老保险缴费支出"
    assert value(r, "T10", "value", row_key="procurement_total") == D("18.11")
    assert value(r, "T10", "value", line_no=15) == D("1")


def test_values_003(docs):
    r = docs["003"]
    assert value(r, "T01", "income", row_key="income_total") == D("1717.31")  # printed "1,717.31"
    assert value(r, "T01", "expenditure", subject="210") == D("0.00")  # printed 0.00 stays 0, not NULL
    assert value(r, "T06", "final", subject="30399") == D("11.40")
    assert value(r, "T09", "final", row_key="total") == D("7.04")
    assert value(r, "T09", "budget", row_key="total") == D("9.13")
    assert value(r, "T09", "final", row_key="vehicle_operation") == D("4.91")
    assert value(r, "T09", "budget", row_key="reception") == D("2.13")


@pytest.mark.parametrize("prefix", sorted(EXPECTED_COUNTS))
def test_each_tables_own_identities_hold(docs, prefix):
    cells = [dataclasses.asdict(c) for c in docs[prefix].cells]
    assert failures(cells) == []


def test_identity_check_catches_a_changed_number(docs):
    cells = [dataclasses.asdict(c) for c in docs["000"].cells]
    for c in cells:
        if c["table_code"] == "T03" and c["subject_code"] == "2013101" and c["column_key"] == "basic":
            c["value"] += 1
            row = c["row_index"]
    assert failures(cells) == ["T03.hierarchy [node=20131, column=basic]",
                               f"T03.row.total [row=2013101 (row {row})]"]


def test_metadata(docs):
    got = {p: (r.agency_name, r.fiscal_year, r.doc_kind, r.unit, r.status) for p, r in docs.items()}
    assert got["000"] == ("武汉经济技术开发区（汉南区）信访局", 2022, "final_accounts", "万元", "ok")
    assert got["002"] == ("襄垣县信访局", 2023, "final_accounts", "万元", "ok")
    assert got["003"] == ("长沙市信访局", 2023, "final_accounts", "万元", "ok")
    assert got["001"][:3] == ("株洲市渌口区信访局", 2022, "performance_self_eval")
    assert got["004"][:3] == ("广州市黄埔区信访局", 2022, "performance_self_eval")


def test_tables_stating_no_data_are_recorded_empty(docs):
    tables = {t.table_code: t for t in docs["002"].tables}
    for code in ("T07", "T08", "T09"):
        assert tables[code].status == "empty"
        assert "no data" in tables[code].note
    # 000 prints T09's header with no data line and no statement: found, empty, not missing
    t09 = {t.table_code: t for t in docs["000"].tables}["T09"]
    assert (t09.status, t09.note) == ("empty", "no values printed")


def test_gb18030_file_reads_like_utf8(docs, tmp_path):
    src = seed("003")
    copy = tmp_path / "gbk.txt"
    copy.write_bytes(src.read_text(encoding="utf-8").encode("gb18030"))
    result = extract_document(copy).result
    assert [(c.table_code, c.row_index, c.column_key, c.value) for c in result.cells] == [
        (c.table_code, c.row_index, c.column_key, c.value) for c in docs["003"].cells]
    assert result.agency_name == "长沙市信访局"


def _counts(db: Path) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"select count(*) from raw.{t}").fetchone()[0]
                for t in ("documents", "document_tables", "table_cells", "extraction_issues")}


def test_folder_with_broken_files_loads_the_rest_and_reruns_idempotently(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(seed("000"), folder / "good.txt")
    shutil.copy(seed("000"), folder / "same_bytes.txt")  # a copy: one document, extracted once
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.txt").write_bytes(bytes(range(256)) * 40)
    db = tmp_path / "w.duckdb"

    summary = extract_paths([folder], db, workers=1)
    assert (summary.documents, summary.skipped) == ({"ok": 1, "failed": 2}, 1)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = dict(con.execute("select file_name, status from raw.documents").fetchall())
        errors = dict(con.execute("select file_name, error from raw.documents where status = 'failed'").fetchall())
        cells = con.execute("select count(*) from raw.table_cells").fetchone()[0]
    assert rows == {"good.txt": "ok", "empty.txt": "failed", "garbage.txt": "failed"}
    assert errors["empty.txt"] == "file is empty"
    assert errors["garbage.txt"]
    assert cells == sum(EXPECTED_COUNTS["000"].values())

    before = _counts(db)
    again = extract_paths([folder], db, workers=1)
    # same bytes, same extractor version: nothing is extracted twice (failed ones included)
    assert (again.skipped, again.documents) == (4, {})
    extract_paths([folder], db, workers=1, force=True)
    assert _counts(db) == before


def test_a_failing_extra_extractor_keeps_the_tables(monkeypatch):
    import extract.pipeline as pipeline

    def broken(rows, regions):
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "extra_extractors", lambda: [broken])
    result = extract_document(seed("003")).result
    assert result.status == "partial"
    assert result.error == "broken: RuntimeError: boom"
    assert {t.table_code: t.n_cells for t in result.tables} == EXPECTED_COUNTS["003"]


def test_html_conversion_reads_like_the_text(docs, tmp_path):
    """An HTML conversion (tables as <table>, prose as <p>) gives the text version's cells."""
    import html as html_lib

    parts = ["<html><body>"]
    for line in seed("003").read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) > 1:
            tds = "".join(f"<td><p>{html_lib.escape(c)}</p></td>" for c in cells)
            parts.append(f"<table><tr>{tds}</tr></table>")
        else:
            parts.append(f"<p>{html_lib.escape(line)}</p>")
    page = tmp_path / "003.html"
    page.write_text("\n".join(parts + ["</body></html>"]), encoding="utf-8")
    result = extract_document(page).result
    assert result.file_type == "html"
    assert [(c.table_code, c.row_index, c.column_key, c.value) for c in result.cells] == [
        (c.table_code, c.row_index, c.column_key, c.value) for c in docs["003"].cells]


def test_table_continued_under_a_repeated_title(docs, tmp_path):
    """A page break inside T03 that repeats the title (续表) and the header keeps every row."""
    lines = seed("003").read_text(encoding="utf-8").splitlines()
    cut = lines.index("201\t一般公共服务支出\t1,717.31\t1,435.88\t281.43\t0.00\t0.00\t0.00")
    start = lines.index("项目\t\t本年支出合计\t基本支出\t项目支出\t上缴上级支出\t经营支出\t对附属单位补助支出")
    header = lines[start:start + 3]  # 项目 / 科目代码 / 栏次 lines
    broken = tmp_path / "continued.txt"
    broken.write_text("\n".join(lines[:cut] + ["", "支出决算表（续表）", "单位：万元"] + header + lines[cut:]),
                      encoding="utf-8")
    result = extract_document(broken).result
    assert {t.table_code: t.n_cells for t in result.tables} == EXPECTED_COUNTS["003"]
    assert value(result, "T03", "project", subject="2010308") == D("281.43")


def test_an_older_template_reads_its_own_lines_and_tables(tmp_path):
    """2019 and earlier (national_2019): 用事业基金弥补收支差额 is printed after 本年收入合计 and counts
    in 收入总计, not in 本年收入合计; there is no 国有资本经营 table, and its absence is no defect."""
    lines = seed("002").read_text(encoding="utf-8").replace("2023年度", "2019年度").splitlines()
    edits = {  # 002_*.txt lines 124, 125, 127 (收入支出决算总表)
        "使用非财政拨款结余和专用结余\t28\t\t结余分配\t59\t": "用事业基金弥补收支差额\t28\t1.00\t结余分配\t59\t",
        "年初结转和结余\t29\t\t年末结转和结余\t60\t": "年初结转和结余\t29\t\t年末结转和结余\t60\t1.00",
        "总计\t31\t233.67\t总计\t62\t233.67": "总计\t31\t234.67\t总计\t62\t234.67",
    }
    assert all(lines.count(old) == 1 for old in edits)
    lines = [edits.get(line, line) for line in lines]
    start = lines.index("国有资本经营预算财政拨款支出决算表")  # line 361, up to the 三公 title (line 380)
    lines = lines[:start] + lines[lines.index("财政拨款“三公”经费支出决算表"):]
    changed = tmp_path / "older.txt"
    changed.write_text("\n".join(lines), encoding="utf-8")
    result = extract_document(changed).result
    assert (result.template_variant, result.fiscal_year, result.status) == ("national_2019", 2019, "ok")
    assert "T08" not in {t.table_code for t in result.tables}
    assert value(result, "T01", "income", row_key="business_fund_used") == D("1.00")
    assert value(result, "T01", "income", row_key="income_total") == D("233.67")
    cells = [dataclasses.asdict(c) for c in result.cells if c.table_code == "T01"]
    assert failures(cells) == []  # 234.67 = 233.67 + 1.00 on both sides
