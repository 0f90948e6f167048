"""OCR throughput next to text throughput, on table pages of the shared PDFs (`make bench`).

A few table pages of the corpus PDFs are copied twice: as they are (text layer) and rasterised at
200 dpi into an image-only PDF (a scan). Both copies are read by the PDF loader
(`extract.pdf_loader.load_pdf`, the same table reader for both); the scan without a page cache, so
every page is OCR'd. Prints pages/s (CPU seconds of this process: one core, ONNX Runtime on one
thread) of each and how many of the text copy's amounts the scan reproduces in the same row.

Usage: python bench/bench_ocr.py
"""

from __future__ import annotations

import io
import re
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

from extract.ocr import OcrSettings
from extract.pdf_loader import load_pdf

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pdf"
PAGES = {"西安市卫生健康委员会（汇总）2022年度部门决算.pdf": [146, 151], "西南大学2023年度部门决算.pdf": [8],
         "上海市普陀区财政局2024年度部门决算.pdf": [6]}
_AMOUNT = re.compile(r"^-?[\d,]+\.\d+$")


def copies(folder: Path) -> tuple[Path, Path, int]:
    """(text copy, scanned copy, pages) of the benchmark pages."""
    text, scan = pdfium.PdfDocument.new(), pdfium.PdfDocument.new()
    for name, pages in PAGES.items():
        source = pdfium.PdfDocument(CORPUS / name)
        for number in pages:
            text.import_pages(source, [number - 1])
            buffer = io.BytesIO()
            source[number - 1].render(scale=200 / 72).to_pil().convert("L").save(buffer, "PDF", resolution=200)
            scan.import_pages(pdfium.PdfDocument(buffer.getvalue()))
    text.save(folder / "text.pdf")
    scan.save(folder / "scan.pdf")
    return folder / "text.pdf", folder / "scan.pdf", len(text)


def amounts(path: Path, runs: int = 1, ocr: OcrSettings | None = None) -> tuple[float, set[tuple]]:
    """(best CPU seconds, (page, row cells' amounts) of every row)."""
    best, rows = float("inf"), set()
    for _ in range(runs):
        started = time.process_time()
        doc = load_pdf(path, ocr=ocr)
        best = min(best, time.process_time() - started)
        rows = {(r.page, tuple(c.replace(",", "") for c in r.cells if _AMOUNT.match(c))) for r in doc.rows}
    return best, {r for r in rows if r[1]}


def main() -> int:
    missing = [name for name in PAGES if not (CORPUS / name).exists()]
    if missing:
        print(f"shared PDFs not found: {', '.join(missing)}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        text, scan, n = copies(Path(tmp))
        text_seconds, text_rows = amounts(text, runs=5)
        ocr_seconds, ocr_rows = amounts(scan, ocr=OcrSettings(cache_folder=None))
    found = sum(len(cells) for _, cells in text_rows)
    same = sum(len(cells) for row in text_rows & ocr_rows for cells in [row[1]])
    print(f"{n} table pages: text {n / text_seconds:8.1f} pages/s ({text_seconds / n * 1000:.0f} ms/page)")
    print(f"{n} table pages: OCR  {n / ocr_seconds:8.3f} pages/s ({ocr_seconds / n:.1f} CPU s/page, 200 dpi, 1 thread)")
    print(f"rows of amounts read the same by OCR as from the text layer: {same} of {found} amounts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
