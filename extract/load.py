"""Load a disclosure file into printed rows: text dumps (any encoding), HTML conversions, PDFs."""

from __future__ import annotations

import codecs
import hashlib
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from charset_normalizer import from_bytes

from .records import ExtractionIssue, Row

if TYPE_CHECKING:
    from .ocr import OcrPage, OcrSettings

TEXT_SUFFIXES = {".txt", ".text", ".tsv", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES


class LoadError(Exception):
    """The file cannot be read at all (the document is recorded with this status and the message)."""

    status = "failed"


class UnsupportedFile(LoadError):
    """A file type the extractor does not read (.docx, .xlsx, images, ...)."""

    status = "unsupported"


@dataclass
class LoadedDocument:
    file_type: str  # text | html | pdf
    rows: list[Row]
    n_pages: int | None = None
    issues: list[ExtractionIssue] = field(default_factory=list)
    ocr_pages: list[OcrPage] = field(default_factory=list)  # pages read by OCR (PDF scans)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


MAX_TEXT_BYTES = 50 * 2**20  # text/HTML files above this fail alone instead of filling memory
MAX_BAD_SHARE = 0.01  # undecodable bytes tolerated (replaced and reported) in a text file
MAX_CONTROL_SHARE = 0.01  # NUL and other control characters above this: a binary file


@dataclass
class Decoded:
    text: str
    encoding: str
    bad_offsets: list[int]  # byte offsets of the first undecodable bytes (replaced by U+FFFD)
    n_bad: int = 0  # how many bytes were undecodable


_ESCAPED = re.compile("[\udc80-\udcff]")  # undecodable bytes under errors="surrogateescape"


def _decode_lenient(data: bytes, encoding: str, max_bad: int, start: int = 0) -> Decoded | None:
    """Decode data[start:], replacing undecodable bytes by U+FFFD; None when more than max_bad.
    Offsets are kept for the first 20 undecodable bytes only (the count is exact)."""
    text = data[start:].decode(encoding, errors="surrogateescape")
    bad = [m.start() for m in _ESCAPED.finditer(text)]
    if len(bad) > max_bad:
        return None
    offsets, pos, done = [], start, 0
    for index in bad[:20]:
        pos += len(text[done:index].encode(encoding, errors="surrogateescape"))
        offsets.append(pos)
        done = index
    return Decoded(_ESCAPED.sub("\ufffd", text), encoding, offsets, len(bad))


def _is_binary(text: str) -> bool:
    sample = text[:100_000]
    control = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f\v")
    return control > MAX_CONTROL_SHARE * len(sample)


def decode_bytes(data: bytes) -> Decoded:
    """Decode bytes of unknown encoding (UTF-8 with or without BOM, GB18030, UTF-16, ...).

    A few undecodable bytes in a file that is otherwise UTF-8 or GB18030 are replaced (their
    offsets are kept); a file that is mostly undecodable or full of control bytes is refused.
    """
    if not data.strip():
        raise LoadError("file is empty")
    max_bad = max(1, int(MAX_BAD_SHARE * len(data)))
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    candidates = [_decode_lenient(data, "utf-8", max_bad, bom)]
    if candidates[0] is None or candidates[0].n_bad:
        # Either encoding read as the other gives far more than MAX_BAD_SHARE bad bytes; GB18030
        # decodes much binary too, so it must also yield mostly CJK/ASCII.
        gb = _decode_lenient(data, "gb18030", max_bad)
        candidates.append(gb if gb is not None and _looks_chinese(gb.text) else None)
    for decoded in sorted((d for d in candidates if d is not None), key=lambda d: d.n_bad):
        if not _is_binary(decoded.text):
            return decoded
    best = from_bytes(data).best()
    if best is not None and not _is_binary(str(best)):
        return Decoded(str(best), best.encoding, [])
    raise LoadError("not a text file: binary content or no text encoding fits "
                    f"(more than {MAX_BAD_SHARE:.0%} undecodable bytes or control characters)")


def decode_text(data: bytes) -> str:
    return decode_bytes(data).text


def _decoding_issues(decoded: Decoded, data: bytes) -> list[ExtractionIssue]:
    if not decoded.n_bad:
        return []
    shown = ", ".join(map(str, decoded.bad_offsets)) + (" ..." if decoded.n_bad > len(decoded.bad_offsets) else "")
    first = decoded.bad_offsets[0]
    return [ExtractionIssue(
        "warning", f"{decoded.n_bad} undecodable byte(s) in {decoded.encoding} text replaced "
                   f"by U+FFFD at byte offset(s) {shown}",
        source_line=data.count(b"\n", 0, first) + 1, raw_text=data[first:first + 8].hex(" "))]


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


def load_document(path: Path, *, max_bytes: int | None = None, ocr: OcrSettings | None = None) -> LoadedDocument:
    """Rows of a PDF, HTML or text file. Text and HTML above max_bytes (default MAX_TEXT_BYTES)
    are refused before they are read."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFile(f"unsupported file type {suffix or '(no suffix)'}: "
                              f"only {', '.join(sorted(SUPPORTED_SUFFIXES))} are extracted")
    if suffix in PDF_SUFFIXES:
        from .pdf_loader import load_pdf  # pdf dependencies only when a PDF is read

        return load_pdf(path, ocr=ocr)
    cap = MAX_TEXT_BYTES if max_bytes is None else max_bytes
    size = path.stat().st_size
    if size > cap:
        raise LoadError(f"file too large: {size} bytes, above the cap of {cap} bytes for text/HTML files")
    data = path.read_bytes()
    decoded = decode_bytes(data)
    issues = _decoding_issues(decoded, data)
    text = decoded.text
    if suffix in HTML_SUFFIXES or re.search(r"(?i)<(html|table)\b", text[:2000]):
        return LoadedDocument("html", html_rows(text), issues=issues)
    return LoadedDocument("text", text_rows(text), issues=issues)
