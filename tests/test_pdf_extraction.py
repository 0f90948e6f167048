"""PDF disclosures end to end (extract.pipeline.extract_document): every table of the shared
财政局 PDF with values read by hand from its rendered pages, each table's own identities, a PDF
printed from a seed text dump extracting to the same cells as the text, broken PDFs in a batch."""

from __future__ import annotations

import dataclasses
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from extract.pipeline import extract_document, extract_paths

from . import pdf_fixtures
from .conftest import PUTUO_PDF, seed, value
from .identities import failures

D = Decimal


@pytest.fixture(scope="module")
def putuo():
    if not PUTUO_PDF.exists():
        pytest.skip(f"shared PDF not found: {PUTUO_PDF}")
    return extract_document(PUTUO_PDF).result


def test_document_and_its_nine_tables(putuo):
    assert (putuo.file_type, putuo.status, putuo.unit, putuo.fiscal_year) == ("pdf", "ok", "万元", 2024)
    tables = {t.table_code: (t.status, t.page) for t in putuo.tables}
    assert tables == {
        "T01": ("ok", 6), "T02": ("ok", 8), "T03": ("ok", 10), "T04": ("ok", 12), "T05": ("ok", 15),
        "T06": ("ok", 16), "T07": ("empty", 19), "T08": ("empty", 20), "T09": ("ok", 18),
    }
    # rows printed x value columns, counted on the pages: T01 12 income + 30 expenditure half-rows;
    # T02/T03/T05 合计 + 19 subject rows; T04 9 income half-rows + 29 expenditure half-rows x 4 columns;
    # T06 26 (301, 303 blocks) + 38 (302, 310 blocks) triples + 2 totals; T07/T08 the 合计 line; T09 6 x 2
    counts = {t.table_code: t.n_cells for t in putuo.tables}
    assert counts == {"T01": 42, "T02": 20 * 7, "T03": 20 * 6, "T04": 125, "T05": 20 * 3, "T06": 66,
                      "T07": 6, "T08": 6, "T09": 12}
    assert all(c.page is not None and c.source_line is None for c in putuo.cells)


def test_page_without_text_is_recorded(putuo):
    assert [(i.page, i.severity) for i in putuo.issues] == [(14, "warning")]


def test_summary_tables_by_hand(putuo):
    v = lambda t, col, **k: value(putuo, t, col, **k)  # noqa: E731
    assert v("T01", "income", row_key="general_budget_grant") == D("2940.05")
    assert v("T01", "income", row_key="other_income") == D("6.20")
    assert v("T01", "income", row_key="superior_subsidy") is None
    assert v("T01", "income", row_key="income_total") == D("2946.25")
    assert v("T01", "income", row_key="carryover_begin") == D("49.14")
    assert v("T01", "income", row_key="grand_total") == D("2995.39")
    assert v("T01", "expenditure", subject="201") == D("2106.66")
    assert v("T01", "expenditure", subject="208") == D("326.71")  # printed 326.71 here, 326.72 in T02
    assert v("T01", "expenditure", subject="210") == D("60.99")
    assert v("T01", "expenditure", subject="221") == D("445.69")
    assert v("T01", "expenditure", row_key="expenditure_total") == D("2940.05")
    assert v("T01", "expenditure", row_key="carryover_end") == D("55.34")
    assert v("T01", "expenditure", row_key="grand_total") == D("2995.39")
    assert v("T04", "income", row_key="income_total") == D("2940.05")
    assert v("T04", "income", row_key="carryover_begin") == D("21.63")
    assert v("T04", "income", row_key="grand_total") == D("2961.68")
    assert v("T04", "expenditure_general_budget", subject="201") == D("2106.66")
    assert v("T04", "expenditure_total", subject="221") == D("445.69")
    assert v("T04", "expenditure_total", row_key="carryover_end") == D("21.63")
    assert v("T04", "expenditure_general_budget", row_key="grand_total") == D("2961.68")
    assert v("T04", "income", row_key="general_budget_grant") == D("2940.05")
    # the 一般公共预算财政拨款 line under 年初财政拨款结转和结余 (the parser's key for it)
    assert v("T04", "income", row_key="carryover_begin_general_budget_grant") == D("21.63")
    assert v("T04", "income", row_key="carryover_begin_gov_fund_grant") is None


def test_subject_tables_by_hand(putuo):
    v = lambda t, col, **k: value(putuo, t, col, **k)  # noqa: E731
    assert [v("T02", c, row_key="total") for c in ("total", "fiscal_grant", "business", "other")] == \
        [D("2946.25"), D("2940.05"), None, D("6.20")]
    assert [v("T02", c, subject="2010601") for c in ("total", "fiscal_grant", "other")] == \
        [D("1511.90"), D("1511.89"), D("0.01")]
    assert [v("T02", c, subject="2010602") for c in ("total", "fiscal_grant", "other")] == \
        [D("16.19"), D("10.00"), D("6.19")]
    assert v("T02", "total", subject="2210203") == D("258.50")  # continuation page 9
    assert [v("T03", c, row_key="total") for c in ("total", "basic", "project")] == \
        [D("2940.05"), D("2336.91"), D("603.14")]
    assert [v("T03", c, subject="2010601") for c in ("total", "basic", "project")] == \
        [D("1511.89"), D("1503.52"), D("8.37")]
    assert v("T03", "basic", subject="2080599") == D("0.94")  # page 11
    assert [v("T05", c, row_key="total") for c in ("total", "basic", "project")] == \
        [D("2940.05"), D("2336.91"), D("603.14")]
    assert [v("T05", c, subject="2010607") for c in ("total", "basic", "project")] == \
        [D("135.25"), None, D("135.25")]
    assert v("T05", "total", subject="2210201") == D("187.19")
    codes = {c.subject_code for c in putuo.cells if c.table_code == "T03" and c.subject_code}
    assert codes == {"201", "20106", "2010601", "2010602", "2010607", "2010608", "208", "20805",
                     "2080501", "2080505", "2080506", "2080599", "210", "21011", "2101101",
                     "221", "22102", "2210201", "2210203"}


def test_economic_and_three_public_tables_by_hand(putuo):
    t06 = {c.subject_code or c.row_key: c.value for c in putuo.cells if c.table_code == "T06"}
    assert {k: t06[k] for k in ("301", "30102", "30108", "30113", "30199", "303", "30302", "30309",
                                "302", "30201", "30228", "30239", "30299", "310", "31002",
                                "personnel_total", "public_total")} == {
        "301": D("2082.85"), "30102": D("1238.58"), "30108": D("160.75"), "30113": D("187.19"),
        "30199": D("91.03"), "303": D("69.41"), "30302": D("69.10"), "30309": D("0.31"),
        "302": D("171.07"), "30201": D("21.21"), "30228": D("24.42"), "30239": D("48.49"),
        "30299": D("11.53"), "310": D("13.58"), "31002": D("13.58"),
        "personnel_total": D("2152.26"), "public_total": D("184.65")}
    assert t06["30103"] is None and t06["31013"] is None
    t09 = {(c.row_key, c.column_key): c.value for c in putuo.cells if c.table_code == "T09"}
    assert t09[("total", "budget")] == D("0.95") and t09[("reception", "budget")] == D("0.95")
    assert t09[("total", "final")] is None and t09[("outbound_travel", "budget")] is None


def test_each_tables_own_identities_hold(putuo):
    assert failures([dataclasses.asdict(c) for c in putuo.cells]) == []


def test_pdf_printed_from_a_seed_text_extracts_the_same_cells(tmp_path: Path):
    text = seed("003")
    pdf = pdf_fixtures.text_to_pdf(text, tmp_path / "003.pdf")
    from_text = extract_document(text).result
    from_pdf = extract_document(pdf).result
    assert from_pdf.file_type == "pdf" and from_pdf.status == from_text.status == "ok"

    def key(c):
        return (c.table_code, c.row_index, c.column_key, c.row_label, c.row_key, c.subject_code,
                c.line_no, c.value)
    assert sorted(map(key, from_pdf.cells)) == sorted(map(key, from_text.cells))
    assert len(from_pdf.cells) == 351
    assert [(t.table_code, t.status) for t in from_pdf.tables] == \
        [(t.table_code, t.status) for t in from_text.tables]


def test_broken_pdfs_fail_while_the_rest_of_the_batch_loads(tmp_path: Path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    good = pdf_fixtures.text_to_pdf(seed("003"), folder / "good.pdf")
    pdf_fixtures.encrypted_pdf(folder / "encrypted.pdf")
    pdf_fixtures.truncated_pdf(folder / "truncated.pdf", good)
    pdf_fixtures.zero_byte_pdf(folder / "zero.pdf")
    pdf_fixtures.image_only_pdf(folder / "scan.pdf")
    pdf_fixtures.mixed_pdf(folder / "mixed.pdf")
    shutil.copy(seed("000"), folder / "text.txt")
    db = tmp_path / "w.duckdb"

    extract_paths([folder], db, workers=1)
    with duckdb.connect(str(db), read_only=True) as con:
        docs = {name: (status, error) for name, status, error in con.execute(
            "select file_name, status, error from raw.documents").fetchall()}
        cells = dict(con.execute("select d.file_name, count(*) from raw.table_cells c join raw.documents d"
                                 " using (doc_id) group by 1").fetchall())
        page_issues = con.execute("select d.file_name, i.page, i.severity from raw.extraction_issues i"
                                  " join raw.documents d using (doc_id) where i.page is not null").fetchall()
    assert {n: s for n, (s, _) in docs.items()} == {
        "good.pdf": "ok", "text.txt": "ok", "encrypted.pdf": "failed", "truncated.pdf": "failed",
        "zero.pdf": "failed", "scan.pdf": "failed", "mixed.pdf": "no_tables"}
    assert "encrypted" in docs["encrypted.pdf"][1]
    assert "truncated" in docs["truncated.pdf"][1]
    assert "empty" in docs["zero.pdf"][1]
    assert "no text layer" in docs["scan.pdf"][1]
    assert "page 2" in docs["mixed.pdf"][1]
    assert cells["good.pdf"] == 351 and "encrypted.pdf" not in cells
    assert ("mixed.pdf", 2, "error") in page_issues


def test_national_template_with_24_expenditure_rows():
    """The blank national template: T01/T04 print 24 expenditure 类 rows (not 26); all cells blank."""
    path = PUTUO_PDF.parent / "部门决算公开模板（附件2）.pdf"
    if not path.exists():
        pytest.skip(f"shared PDF not found: {path}")
    result = extract_document(path).result
    counts = {t.table_code: t.n_cells for t in result.tables}
    # T01: 12 income + (24 类 + 4) expenditure half-rows; T04: 9 income + (24 + 3) x 4 columns
    assert counts["T01"] == 40 and counts["T04"] == 117
    t01_classes = [c.subject_code for c in result.cells if c.table_code == "T01" and c.subject_code]
    assert len(t01_classes) == 24 and t01_classes[-1] == "234"
    assert all(c.value is None for c in result.cells)
