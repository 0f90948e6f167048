"""Template variants of the table catalogue (issue 10), on the real PDFs of ../shared/corpus/pdf:
the 高等学校 template (西南大学 2023) and a 汇总 document with a transposed 三公 table and
会议费/培训费 after 115 pages of 绩效自评 (西安市卫生健康委员会 2022).

Every expected figure is a hand-read figure of ../shared/corpus/expected/final_accounts.yaml
(read from the rendered pages), with the page it is printed on.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from extract.catalogue import catalogue, detect_variant, match_title, parse_catalogue
from extract.pipeline import extract_document

from .conftest import PDF

D = Decimal
SWU = PDF / "西南大学2023年度部门决算.pdf"
XIAN = PDF / "西安市卫生健康委员会（汇总）2022年度部门决算.pdf"


def _extract(path: Path):
    if not path.exists():
        pytest.skip(f"shared PDF not found: {path}")
    return extract_document(path).result


@pytest.fixture(scope="module")
def swu():
    return _extract(SWU)


@pytest.fixture(scope="module")
def xian():
    return _extract(XIAN)


def cell(result, table, column, *, row_key=None, subject=None, occurrence=0):
    """(value, page) of the cell; a row printed twice (合计 at top and bottom) by occurrence."""
    hits = [c for c in result.cells if c.table_code == table and c.column_key == column
            and (row_key is None or c.row_key == row_key) and (subject is None or c.subject_code == subject)]
    assert hits, (table, column, row_key, subject)
    values = {c.value for c in hits}
    assert len(values) == 1, (table, column, row_key, subject, hits)  # repeated rows agree
    return hits[occurrence].value, hits[occurrence].page


# --- 高等学校 template --------------------------------------------------------------------------

def test_university_document_is_read_as_its_own_variant(swu):
    assert (swu.status, swu.doc_kind, swu.template_variant, swu.agency_name, swu.fiscal_year, swu.unit) == (
        "ok", "final_accounts", "university", "西南大学", 2023, "万元")
    # 表1-表4 map to the warehouse tables of the same meaning; no 三公/基本支出/基金 tables
    assert {t.table_code: (t.status, t.page, t.variant) for t in swu.tables} == {
        "T01": ("ok", 8, "university"), "T02": ("ok", 10, "university"),
        "T03": ("ok", 12, "university"), "T05": ("ok", 14, "university")}


def test_university_summary_table_by_hand(swu):
    v = lambda key, col="income": cell(swu, "T01", col, row_key=key)  # noqa: E731
    assert v("fiscal_grant") == (D("243015.38"), 8)
    assert v("of_which_gov_fund_grant") == (D("109.50"), 8)  # 其中: not counted in the total
    assert v("business_income") == (D("136385.24"), 8)
    assert v("other_income") == (D("51324.41"), 8)
    assert v("income_total") == (D("430725.03"), 9)
    assert v("nonfiscal_balance_used") == (D("45110.97"), 9)  # 使用非财政拨款结余（含专用结余）
    assert v("carryover_begin") == (D("93660.54"), 9)  # printed 上年结转和结余
    assert v("grand_total") == (D("569496.54"), 9)  # printed 合计, no 总计 row
    assert v("expenditure_total", "expenditure") == (D("457676.75"), 9)
    assert v("balance_distribution", "expenditure") == (D("4970.88"), 9)
    assert v("carryover_end", "expenditure") == (D("106848.91"), 9)
    assert v("grand_total", "expenditure") == (D("569496.54"), 9)
    assert cell(swu, "T01", "expenditure", subject="205") == (D("425287.27"), 8)


def test_university_expenditure_tables_by_hand(swu):
    # 表3: 合计 printed at the bottom (page 13)
    assert cell(swu, "T03", "total", row_key="total") == (D("457676.75"), 13)
    assert cell(swu, "T03", "basic", row_key="total") == (D("359781.59"), 13)
    assert cell(swu, "T03", "project", row_key="total") == (D("97895.15"), 13)
    assert cell(swu, "T03", "total", subject="2050205") == (D("389606.87"), 12)
    assert cell(swu, "T03", "basic", subject="2050205") == (D("296144.16"), 12)
    assert cell(swu, "T03", "project", subject="2050205") == (D("93462.71"), 12)
    assert cell(swu, "T03", "total", subject="2210201") == (D("15400.44"), 13)
    assert cell(swu, "T03", "project", subject="2210201") == (None, 13)  # printed blank
    # 表4 高等学校财政拨款支出决算表: 合计 at top (page 14) and bottom (page 15), with 其中：基本建设资金支出
    assert cell(swu, "T05", "total", row_key="total") == (D("237100.00"), 14)
    assert cell(swu, "T05", "total", row_key="total", occurrence=1) == (D("237100.00"), 15)
    assert cell(swu, "T05", "basic", row_key="total") == (D("199015.13"), 14)
    assert cell(swu, "T05", "project", row_key="total") == (D("38084.87"), 14)
    assert cell(swu, "T05", "project_capital_construction", row_key="total") == (D("6894.90"), 14)
    assert cell(swu, "T05", "total", subject="2050205") == (D("186663.39"), 14)
    assert cell(swu, "T05", "basic", subject="2050205") == (D("152569.36"), 14)
    assert cell(swu, "T05", "project", subject="2050205") == (D("34094.03"), 14)
    # 表2 with 事业收入 / 其中：教育收费
    assert cell(swu, "T02", "business_tuition", row_key="total") == (D("73648.19"), 11)
    assert cell(swu, "T02", "other", row_key="total") == (D("51324.41"), 11)


# --- 汇总 document, transposed 三公 with 会议费/培训费 ------------------------------------------

def test_consolidated_document_keeps_the_agency_and_marks_the_agency_year(xian):
    assert (xian.agency_name, xian.is_consolidated, xian.fiscal_year, xian.template_variant) == (
        "西安市卫生健康委员会", True, 2022, "national")
    # the nine tables come after 145 pages of 绩效自评 and a scanned page (page 8, read by OCR)
    assert {t.table_code: t.page for t in xian.tables} == {
        "T01": 146, "T02": 147, "T03": 150, "T04": 153, "T05": 154, "T06": 157, "T07": 159, "T08": 160, "T09": 161}
    assert [(i.page, i.severity) for i in xian.issues if "text layer" in i.message] == [(167, "warning")]
    assert [(p["page"], p["status"]) for p in xian.extra["ocr_pages"]] == [(8, "ocr")]


def test_transposed_three_public_table_with_meeting_and_training(xian):
    v = lambda key, col="final": cell(xian, "T09", col, row_key=key)  # noqa: E731
    assert v("total") == (D("587.55"), 161)
    assert v("outbound_travel") == (None, 161)  # printed blank
    assert v("vehicle_total") == (D("587.44"), 161)
    assert v("vehicle_purchase") == (D("136.48"), 161)
    assert v("vehicle_operation") == (D("450.96"), 161)
    assert v("reception") == (D("0.11"), 161)
    assert v("meeting") == (D("86.81"), 161)
    assert v("training") == (D("2795.78"), 161)
    assert v("total", "budget") == (D("593.46"), 161)


def test_consolidated_document_tables_by_hand(xian):
    t1 = lambda key, col="income": cell(xian, "T01", col, row_key=key)  # noqa: E731
    assert t1("general_budget_grant") == (D("296030.91"), 146)
    assert t1("gov_fund_grant") == (D("509220.66"), 146)
    assert t1("business_income") == (D("1110972.11"), 146)
    assert t1("other_income") == (D("98870.55"), 146)
    assert t1("income_total") == (D("2015094.22"), 146)
    assert t1("nonfiscal_balance_used") == (None, 146)
    assert t1("carryover_begin") == (D("465278.48"), 146)
    assert t1("grand_total") == (D("2480372.70"), 146)
    assert t1("expenditure_total", "expenditure") == (D("2074962.01"), 146)
    assert t1("balance_distribution", "expenditure") == (D("6374.88"), 146)
    assert t1("carryover_end", "expenditure") == (D("399035.80"), 146)
    assert t1("grand_total", "expenditure") == (D("2480372.70"), 146)
    assert cell(xian, "T03", "total", row_key="total") == (D("2074962.01"), 150)
    assert cell(xian, "T03", "basic", row_key="total") == (D("1168039.29"), 150)
    assert cell(xian, "T03", "project", row_key="total") == (D("906922.72"), 150)
    assert cell(xian, "T05", "total", row_key="total") == (D("296047.75"), 154)
    assert cell(xian, "T05", "basic", row_key="total") == (D("98606.29"), 154)
    assert cell(xian, "T05", "project", row_key="total") == (D("197441.45"), 154)
    assert cell(xian, "T04", "income", row_key="income_total") == (D("805251.56"), 153)
    assert cell(xian, "T04", "expenditure_total", row_key="expenditure_total") == (D("864099.38"), 153)
    assert cell(xian, "T04", "income", row_key="carryover_begin") == (D("58926.37"), 153)
    assert cell(xian, "T04", "expenditure_total", row_key="carryover_end") == (D("78.55"), 153)
    assert cell(xian, "T04", "income", row_key="grand_total") == (D("864177.93"), 153)
    # items over page breaks (the header repeated on each page)
    assert cell(xian, "T03", "total", subject="2100201") == (D("956810.57"), 151)
    assert cell(xian, "T03", "basic", subject="2100201") == (D("852633.08"), 151)
    assert cell(xian, "T03", "project", subject="2100201") == (D("104177.49"), 151)
    assert cell(xian, "T03", "total", subject="2290402") == (D("568051.63"), 152)
    assert cell(xian, "T03", "basic", subject="2290402") == (None, 152)
    assert cell(xian, "T05", "total", subject="21002") == (D("116790.60"), 155)
    assert cell(xian, "T05", "basic", subject="21002") == (D("47979.63"), 155)
    assert cell(xian, "T05", "project", subject="21002") == (D("68810.97"), 155)


def test_every_table_of_both_documents_passes_its_own_sums(swu, xian):
    """Parse quality: each table's own row/column sums hold (the PDFs were checked by hand)."""
    for result in (swu, xian):
        for t in result.tables:
            assert t.status in ("ok", "empty"), (result.file_name, t)
            assert t.n_self_checks_held == t.n_self_checks, (result.file_name, t)
        assert sum(t.n_self_checks for t in result.tables) > 100


# --- the catalogue drives it ----------------------------------------------------------------------

@pytest.mark.parametrize("title, code, variant", [
    ("表 1：高等学校收支决算总表", "T01", "university"),
    ("表4：高等学校财政拨款支出决算表", "T05", "university"),
    ("公开03表 支出决算表", "T03", "national"),
    ("2022 年度收入决算表（表 2）", "T02", "national"),
    ("财政拨款“三公”经费及会议费、培训费支出决算表", "T09", "national"),
    ("表7 一般公共预算财政拨款“三公”经费支出决算表", "T09", "national"),
])
def test_titles_of_every_numbering_style_name_their_table(title, code, variant):
    template = match_title(title)
    assert template is not None and (template.code, template.variant) == (code, variant)


def test_variant_detection_and_required_tables():
    assert detect_variant({"university", "national"}, 2023) == "university"
    assert detect_variant({"national"}, 2019) == "national_2019"
    assert detect_variant({"national"}, 2020) == "national"
    variants = catalogue().variants
    assert variants["university"].required_codes == ("T01", "T02", "T03", "T05")
    assert "T08" not in variants["national_2019"].required_codes
    assert variants["national"].required_codes == tuple(f"T0{i}" for i in range(1, 10))


def test_a_new_variant_is_one_catalogue_entry():
    """A variant declared as data only: its own titles and required tables, no code."""
    import yaml

    from extract.catalogue import CATALOGUE_FILE

    doc = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    doc["variants"] = {"hospital": {"description": "医院 (made up)", "detect": "titles",
                                    "tables": {"T01": {"titles": ["医院收支决算总表"], "required": True}}},
                       **doc["variants"]}
    cat = parse_catalogue(doc)
    hospital = [t for t in cat.templates if t.variant == "hospital"]
    assert [(t.code, t.layout, t.matches("医院收支决算总表")) for t in hospital] == [("T01", "summary", True)]
    assert cat.variants["hospital"].required_codes == ("T01",)


# --- agency and year from the whole document ------------------------------------------------------

def _rows(*lines: str):
    from extract.records import Row

    return [Row(cells=tuple(line.split("|")), source_line=n) for n, line in enumerate(lines, start=1)]


def test_agency_from_the_cover_when_the_tables_leave_it_blank():
    from extract.meta import agency

    found = agency(_rows("西南大学2023年度部门决算", "表 1：高等学校收支决算总表", "单位名称：|单位：万元"))
    assert (found.name, found.consolidated, found.notes) == ("西南大学", False, [])


def test_agency_from_the_file_name_as_a_last_resort():
    from extract.meta import agency

    found = agency(_rows("收入支出决算总表", "单位：万元"), "渭南市财政局2021年度部门决算")
    assert found.name == "渭南市财政局"


def test_a_consolidated_document_is_the_same_agency_with_an_attribute():
    from extract.meta import agency

    found = agency(_rows("收入支出决算总表", "编制部门：西安市卫生健康委员会（汇总）|金额单位：万元"))
    assert (found.name, found.consolidated) == ("西安市卫生健康委员会", True)


def test_tables_naming_another_agency_than_the_cover_are_kept_and_reported():
    from extract.meta import agency

    found = agency(_rows("长沙市信访局2023年度部门决算", "收入支出决算总表", "单位名称：长沙市财政局|单位：万元"))
    assert found.name == "长沙市财政局"  # the tables' own field, never silently replaced
    assert found.notes == ["agency named on the cover/title (长沙市信访局) differs from the tables' (长沙市财政局)"]


def test_revision_mark_and_date_of_issue():
    from datetime import date

    from extract.load import load_document
    from extract.meta import publication_date, revision_mark

    from .conftest import seed

    rows = load_document(seed("000")).rows
    assert publication_date(rows) == date(2023, 10, 20)  # 000_*.txt line 8: "2023 年 10 月 20 日"
    assert revision_mark(rows, "000") is None
    assert revision_mark(rows, "武汉经开区信访局2022年度部门决算（更正）") == "更正"
