"""Throughput of PDF extraction on the shared PDFs, measured in one run (`make bench`).

For every PDF, pages/s of: our extraction (load + locate + parse + narrative,
`extract.pipeline.extract_document`), our PDF loader alone (`extract.pdf_loader.load_pdf`, the
part that reads the PDF), plain pdfplumber `extract_words` over every page, and pypdfium2 text
extraction over every page; then the ratios between them. Goal: ours >= 200 pages/s single-core,
within 5x of pypdfium2 text (pdfium/ours <= 5).

Times are CPU seconds of this process (one core; other processes on a shared machine do not count),
the best of a few runs. A scanned page (one in the 西安 final accounts) is OCR'd in the first run
of ours and loader and read from the OCR page cache after, so the best run measures the text path;
bench/bench_ocr.py measures OCR (`make bench` runs both). Usage: python bench/bench_pdf.py [PDF or folder ...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

from extract.ocr import OcrSettings
from extract.pdf_loader import load_pdf
from extract.pipeline import extract_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FOLDERS = (CORPUS / "pdf", CORPUS / "budget")
OCR_CACHE = OcrSettings(cache_folder=Path(tempfile.mkdtemp(prefix="bench-ocr-cache-")))


def ours(path: Path) -> None:
    extraction = extract_document(path, ocr=OCR_CACHE)
    if extraction.result.status == "failed":
        print(f"  ({path.name}: extraction failed: {extraction.result.error})", file=sys.stderr)


def loader(path: Path) -> None:
    load_pdf(path, ocr=OCR_CACHE)


def plumber_words(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()
            page.close()


def pdfium_text(path: Path) -> None:
    pdf = pdfium.PdfDocument(str(path))
    try:
        for page in pdf:
            page.get_textpage().get_text_range()
    finally:
        pdf.close()


# name, function, runs (the best is kept)
METHODS: tuple[tuple[str, Callable[[Path], None], int], ...] = (
    ("ours", ours, 3), ("loader", loader, 3), ("pdfplumber", plumber_words, 1), ("pypdfium2", pdfium_text, 3))
RATIOS = (("ours/plumber", "ours", "pdfplumber"), ("pdfium/ours", "pypdfium2", "ours"),
          ("pdfium/loader", "pypdfium2", "loader"))


def seconds(fn: Callable[[Path], None], path: Path, runs: int) -> float:
    """Best CPU time of `runs` runs (the least disturbed one on a shared machine)."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        fn(path)
        best = min(best, time.process_time() - start)
    return best


def line(name: str, pages: int, rates: dict[str, float]) -> str:
    return (f"{name[:40]:40} {pages:5d} " + " ".join(f"{rates[m]:10.1f}" for m, _, _ in METHODS) + " "
            + " ".join(f"{rates[a] / rates[b]:13.2f}x" for _, a, b in RATIOS))


def main(argv: list[str]) -> int:
    targets = [Path(a) for a in argv] or [f for f in FOLDERS if f.is_dir()]
    pdfs = [p for t in targets for p in ([t] if t.is_file() else sorted(t.glob("*.pdf")))]
    if not pdfs:
        print("no PDF found", file=sys.stderr)
        return 1
    print("pages/s, CPU time of one core (best of runs); ours = whole extraction, loader = load_pdf alone")
    print(f"{'document':40} {'pages':>5} " + " ".join(f"{m:>10}" for m, _, _ in METHODS) + " "
          + " ".join(f"{r:>14}" for r, _, _ in RATIOS))
    totals = {name: 0.0 for name, _, _ in METHODS}
    total_pages = 0
    for path in pdfs:
        with pdfium.PdfDocument(str(path)) as pdf:
            n = len(pdf)
        total_pages += n
        rates = {}
        for name, fn, runs in METHODS:
            dt = seconds(fn, path, runs)
            totals[name] += dt
            rates[name] = n / dt
        print(line(path.name, n, rates), flush=True)
    print(line("ALL", total_pages, {name: total_pages / dt for name, dt in totals.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
