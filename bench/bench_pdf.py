"""Throughput of PDF extraction on the shared PDFs, measured in one run (`make bench`).

Prints pages/s of: our extractor (load + locate + parse, `extract.pipeline.extract_document`),
plain pdfplumber `extract_words` over every page, and pypdfium2 text extraction over every page,
with the ratios between them. Usage: python bench/bench_pdf.py [PDF or folder ...]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

from extract.pipeline import extract_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pdf"


def ours(path: Path) -> None:
    extraction = extract_document(path)
    if extraction.result.status == "failed":
        raise RuntimeError(f"{path.name}: {extraction.result.error}")


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


def seconds(fn: Callable[[Path], None], path: Path, repeat: int) -> float:
    """Best of `repeat` timings (the machine is shared; the best run is the least disturbed)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(path)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str]) -> int:
    targets = [Path(a) for a in argv] or [CORPUS]
    pdfs = sorted(p for t in targets for p in ([t] if t.is_file() else t.glob("*.pdf")))
    if not pdfs:
        print("no PDF found", file=sys.stderr)
        return 1
    methods = (("ours", ours, 3), ("pdfplumber extract_words", plumber_words, 1),
               ("pypdfium2 text", pdfium_text, 3))
    header = f"{'document':44} {'pages':>5} " + " ".join(f"{name:>26}" for name, _, _ in methods)
    print(header + f" {'ours/plumber':>13} {'pdfium/ours':>12}")
    totals = {name: 0.0 for name, _, _ in methods}
    total_pages = 0
    for path in pdfs:
        n = len(pdfium.PdfDocument(str(path)))
        total_pages += n
        rates = {}
        for name, fn, repeat in methods:
            dt = seconds(fn, path, repeat)
            totals[name] += dt
            rates[name] = n / dt
        print(f"{path.name[:44]:44} {n:5d} " + " ".join(f"{rates[m]:20.1f} pg/s" for m, _, _ in methods)
              + f" {rates['ours'] / rates['pdfplumber extract_words']:12.1f}x"
              + f" {rates['pypdfium2 text'] / rates['ours']:11.1f}x")
    rates = {name: total_pages / dt for name, dt in totals.items()}
    print(f"{'ALL':44} {total_pages:5d} " + " ".join(f"{rates[m]:20.1f} pg/s" for m, _, _ in methods)
          + f" {rates['ours'] / rates['pdfplumber extract_words']:12.1f}x"
          + f" {rates['pypdfium2 text'] / rates['ours']:11.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
