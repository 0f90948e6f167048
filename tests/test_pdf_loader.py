"""PDF loader: rows reconstructed from the shared 财政局 PDF, page numbers, pages without text,
broken PDFs. Expected cells were read by hand from the rendered pages of the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.load import LoadError
from extract.pdf_loader import is_table_page, load_pdf

from . import pdf_fixtures
from .conftest import PUTUO_PDF


@pytest.fixture(scope="module")
def putuo():
    if not PUTUO_PDF.exists():
        pytest.skip(f"shared PDF not found: {PUTUO_PDF}")
    return load_pdf(PUTUO_PDF)


def cells_on(doc, page: int) -> list[tuple[str, ...]]:
    return [r.cells for r in doc.rows if r.page == page]


def test_every_row_has_its_page_and_no_source_line(putuo):
    assert putuo.file_type == "pdf" and putuo.n_pages == 25
    assert all(r.page is not None and 1 <= r.page <= 25 and r.source_line is None for r in putuo.rows)
    pages = [r.page for r in putuo.rows]
    assert pages == sorted(pages)  # reading order
    assert set(pages) == set(range(1, 26)) - {14}


def test_titles_units_and_notes_come_through_as_single_cell_rows(putuo):
    assert ("收入支出决算总表",) in cells_on(putuo, 6)
    assert ("单位：万元",) in cells_on(putuo, 6)
    assert ("注：上海市普陀区财政局无政府性基金预算财政拨款支出，故本表无数据。",) in cells_on(putuo, 19)
    assert ("财政拨款“三公”经费支出决算表",) in cells_on(putuo, 18)


def test_subject_rows_keep_codes_split_as_printed_and_a_stable_width(putuo):
    t02 = cells_on(putuo, 8) + cells_on(putuo, 9)
    assert ("201", "06", "01", "行政运行", "1,511.90", "1,511.89", "", "", "", "", "0.01") in t02
    # the continuation page (no header) keeps the same 11 columns
    assert ("221", "02", "03", "购房补贴", "258.50", "258.50", "", "", "", "", "") in cells_on(putuo, 9)
    data = [r for r in t02 if r[0].isdigit()]
    assert len(data) == 19 and {len(r) for r in data} == {11}


def test_code_header_printed_in_the_total_row_becomes_its_own_row(putuo):
    rows = cells_on(putuo, 8)
    i = rows.index(("类", "款", "项", "", "", "", "", "", "", "", ""))
    assert rows[i + 1] == ("", "", "", "合计", "2,946.25", "2,940.05", "", "", "", "", "6.20")


def test_numbers_offset_from_their_label_stay_in_their_cell(putuo):
    # page 10: 基本支出 amounts sit at the top of taller cells, the others in the middle
    assert ("201", "06", "01", "行政运行", "1,511.89", "1,503.52", "8.37", "", "", "") in cells_on(putuo, 10)
    # page 13: 本年收入合计 2,940.05 printed high in its cell
    assert ("本年收入合计", "2,940.05", "本年支出合计", "2,940.05", "2,940.05", "", "") in cells_on(putuo, 13)


def test_wrapped_names_are_joined_again(putuo):
    assert any(r[3] == "机关事业单位基本养老保险缴费支出" for r in cells_on(putuo, 8) if len(r) == 11)
    assert ("", "", "二十六、抗疫特别国债安排的支出", "", "", "", "") in cells_on(putuo, 13)
    # letter-spaced and wrapped: '公 务 用 车 运 行 维 护 / 费'
    assert ("303", "11", "代缴社会保险费", "", "302", "31", "公务用车运行维护费", "") in cells_on(putuo, 17)


def test_header_cells_spanning_columns_print_in_their_first_column(putuo):
    assert ("收入", "", "支出", "", "", "", "") in cells_on(putuo, 12)
    t09 = cells_on(putuo, 18)
    assert ("预算数", "决算数") * 6 in t09
    assert ("0.95", "", "", "", "", "", "", "", "", "", "0.95", "") in t09


def test_page_without_text_layer_is_an_issue_naming_the_page(putuo):
    assert [(i.page, i.severity) for i in putuo.issues] == [(14, "warning")]
    assert "page 14" in putuo.issues[0].message


def test_only_table_pages_are_laid_out():
    toc = ["目 录", "一、收入支出决算总表", "二、收入决算表", "三、支出决算表"]
    assert not is_table_page(toc, previous_is_table=False)
    assert is_table_page(["收入决算表", "单位：万元", "项目 本年收入合计"], previous_is_table=False)
    continued = ["210 11 01 行政单位医疗 60.99 60.99", "221 住房保障支出 445.69 445.69"]
    assert is_table_page(continued, previous_is_table=True)
    assert not is_table_page(continued, previous_is_table=False)
    narrative = ["第三部分 情况说明", "本年收入合计2946.25万元，其中：财政拨款收入2940.05万元"]
    assert not is_table_page(narrative, previous_is_table=True)


@pytest.mark.parametrize("make, message", [
    (pdf_fixtures.encrypted_pdf, "encrypted"),
    (pdf_fixtures.zero_byte_pdf, "empty"),
    (pdf_fixtures.not_a_pdf, "not a PDF"),
    (pdf_fixtures.image_only_pdf, "no text layer"),
])
def test_unreadable_pdfs_raise_load_error(tmp_path: Path, make, message):
    path = make(tmp_path / "broken.pdf")
    with pytest.raises(LoadError, match=message):
        load_pdf(path)


def test_truncated_pdf_raises_load_error(tmp_path: Path):
    whole = pdf_fixtures.one_page_pdf(tmp_path / "whole.pdf")
    path = pdf_fixtures.truncated_pdf(tmp_path / "cut.pdf", whole)
    with pytest.raises(LoadError, match="damaged or truncated"):
        load_pdf(path)


def test_scanned_page_inside_a_text_pdf_is_an_error_issue(tmp_path: Path):
    doc = load_pdf(pdf_fixtures.mixed_pdf(tmp_path / "mixed.pdf"))
    assert [r.cells for r in doc.rows] == [("第一部分 概况",)]
    assert [(i.severity, i.page) for i in doc.issues] == [("error", 2)]
    assert "page 2" in doc.issues[0].message and "images" in doc.issues[0].message


def test_a_continuation_printing_only_blanks_is_laid_out_when_ruled():
    names = ["十六、金融支出", "十七、援助其他地区支出", "本年收入合计 本年支出合计"]
    assert not is_table_page(names, previous_is_table=True)
    assert is_table_page(names, previous_is_table=True, ruled=True)
    assert not is_table_page(names, previous_is_table=False, ruled=True)
