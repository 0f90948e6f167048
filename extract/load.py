"""Load a disclosure file into printed rows: text dumps (any encoding), HTML conversions, PDFs."""

from __future__ import annotations

import hashlib
import html
import re
from html.parser import HTMLParser
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from .records import ExtractionIssue, Row

TEXT_SUFFIXES = {".txt", ".text", ".tsv", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES


class LoadError(Exception):
    """The file cannot be read at all (the document is recorded as failed)."""


@dataclass
class LoadedDocument:
    file_type: str  # text | html | pdf
    rows: list[Row]
    n_pages: int | None = None
    issues: list[ExtractionIssue] = field(default_factory=list)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def decode_text(data: bytes) -> str:
    """Decode bytes of unknown encoding (UTF-8 with or without BOM, GB18030, UTF-16, ...)."""
    if not data.strip():
        raise LoadError("file is empty")
    for encoding in ("utf-8-sig", "gb18030"):
        # GB18030 decodes almost any byte string, so only accept it when it yields mostly CJK/ASCII.
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig" or _looks_chinese(text):
            return text
    best = from_bytes(data).best()
    if best is None:
        raise LoadError("cannot detect the text encoding (binary file?)")
    return str(best)


def _looks_chinese(text: str) -> bool:
    sample = text[:5000]
    good = sum(1 for ch in sample if ch.isascii() or "\u4e00" <= ch <= "\u9fff" or ch in "，。：；、（）“”《》％—")
    return good >= 0.9 * len(sample)


_P_TAG = re.compile(r"</?p[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def clean_cell(cell: str) -> str:
    """A cell as printed: HTML paragraph tags and entities removed, whitespace folded."""
    if "<" in cell:
        cell = _P_TAG.sub(" ", cell)
        cell = _TAG.sub("", cell)
    cell = html.unescape(cell).replace("\u3000", " ").replace("\xa0", " ")
    return re.sub(r"\s+", " ", cell).strip()


def text_rows(text: str) -> list[Row]:
    """One Row per line; cells split on tabs (the layout of text dumps of PDF tables)."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        cells = tuple(clean_cell(c) for c in line.split("\t"))
        rows.append(Row(cells=cells, source_line=number))
    return rows


class _HtmlRows(HTMLParser):
    """Table rows (<tr>) become rows of cells; other blocks (<p>, <div>, <h1>, <br> ...) lines."""

    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "caption"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[Row] = []
        self.cells: list[str] | None = None  # inside a <tr>
        self.buffer: list[str] = []
        self.line = 1
        self.skip = 0  # inside <script> / <style>

    def _flush_line(self) -> None:
        text = clean_cell("".join(self.buffer))
        if text:
            self.rows.append(Row(cells=(text,), source_line=self.line))
        self.buffer = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "tr":
            self._flush_line()
            self.cells, self.line = [], self.getpos()[0]
        elif tag in ("td", "th") and self.cells is not None:
            self.buffer = []
        elif tag in self.BLOCKS and self.cells is None:
            self._flush_line()
            self.line = self.getpos()[0]
        elif tag in self.BLOCKS:
            self.buffer.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.cells is not None:
            self.cells.append(clean_cell("".join(self.buffer)))
            self.buffer = []
        elif tag == "tr" and self.cells is not None:
            self.rows.append(Row(cells=tuple(self.cells), source_line=self.line))
            self.cells = None
        elif tag in self.BLOCKS and self.cells is None:
            self._flush_line()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            if not self.buffer and self.cells is None:
                self.line = self.getpos()[0]
            self.buffer.append(data)


def html_rows(text: str) -> list[Row]:
    """HTML conversions: each table row becomes a row of cells, each other block a line."""
    parser = _HtmlRows()
    parser.feed(text)
    parser.close()
    parser._flush_line()
    return parser.rows


def load_document(path: Path) -> LoadedDocument:
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        from .pdf_loader import load_pdf  # pdf dependencies only when a PDF is read

        return load_pdf(path)
    data = path.read_bytes()
    text = decode_text(data)
    if suffix in HTML_SUFFIXES or re.search(r"(?i)<(html|table)\b", text[:2000]):
        return LoadedDocument("html", html_rows(text))
    return LoadedDocument("text", text_rows(text))
