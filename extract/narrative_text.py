"""Running text of a disclosure as paragraphs and sentences, with the source line of every char.

Prose reaches us as single-cell rows (text dumps: one line per paragraph or wrapped lines with
blank lines in between; PDFs: one row per printed line). A paragraph goes on across line breaks
(and blank lines) until a line ends a sentence (。！？) or the next line starts a heading or a
numbered item; table rows (several cells), and the rows a caller names as not prose (`outside`:
the table of contents, a table's title and notes), always break it. Sentences split at 。！？. A caller may
name the part of the document a heading line opens (`part_of`, e.g. a 情况说明 section): every
paragraph keeps the latest part named before it or by its own first line.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from .records import Row

HEADING = re.compile(
    r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]"
    r"|\d+[、．.](?!\d)|[（(]\d+[)）])"
)
TOP_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_END = "。！？!?"


@dataclass(frozen=True)
class Sentence:
    text: str  # as printed, lines joined without separator
    lines: tuple[tuple[int, int | None, int | None], ...]  # (offset in text, source_line, page)
    section: str | None  # latest top-level heading (一、…) before the sentence
    paragraph: int  # index of the paragraph in the document
    starts_paragraph: bool
    numbered: bool  # the paragraph starts with a numbered item or heading marker
    part: tuple[str, str] | None = None  # (key, heading as printed) of the latest part named by part_of

    def locate(self, offset: int) -> tuple[int | None, int | None]:
        """Source line and page of the character at `offset`."""
        starts = [o for o, _, _ in self.lines]
        i = max(0, bisect.bisect_right(starts, offset) - 1)
        return self.lines[i][1], self.lines[i][2]

    def printed(self) -> list[tuple[str, int | None, int | None]]:
        """The text as printed line by line: (the part on the line, source_line, page)."""
        ends = [o for o, _, _ in self.lines[1:]] + [len(self.text)]
        return [(self.text[o:end], line, page) for (o, line, page), end in zip(self.lines, ends, strict=True)]


def _prose(row: Row) -> str | None:
    filled = [c for c in row.cells if c]
    if len(row.cells) != 1 or not filled:
        return None
    text = re.sub(r"^(-\s+|\*\*)", "", filled[0].strip()).replace("**", "")
    return text or None


def _is_heading(text: str) -> bool:
    return bool(HEADING.match(text)) and len(text) <= 60 and not any(p in text for p in "。；;")


def _continues(previous: str, text: str, heading: bool) -> bool:
    """Whether `text` goes on the paragraph `previous` (a wrapped line, not a new block)."""
    if previous[-1] in _END:
        return False
    if re.match(r"^([（(]项[)）]|[）)，,、。；;])", text):
        return True  # a wrapped 功能分类 path or a closing mark never starts a line of its own
    if heading or HEADING.match(text):
        return False
    if _is_heading(previous):
        if re.search(r"[：:]\S", previous):
            return True  # a numbered item running on after its colon ('…绩效自评综述：全' / '年预算数 …')
        # a numbered item wrapped in the middle of its 类/款/项 path is not a heading
        flat = previous.replace("（", "(").replace("）", ")")
        return "(类)" in flat and "(项)" not in flat
    return True


# A heading row -> (key, heading) of the part of the document it opens, else None.
PartOf = Callable[[Row], tuple[str, str] | None]


@dataclass
class _Paragraph:
    parts: list[tuple[str, int | None, int | None]]
    section: str | None
    part: tuple[str, str] | None = None

    @property
    def text(self) -> str:
        return "".join(p[0] for p in self.parts)


def paragraphs(rows: list[Row], part_of: PartOf | None = None, outside: set[int] | None = None) -> list[_Paragraph]:
    out: list[_Paragraph] = []
    current: _Paragraph | None = None
    section: str | None = None
    part: tuple[str, str] | None = None
    for row in rows:
        if len(row.cells) > 1 or outside and id(row) in outside:  # a table row, or not prose
            current = None
            continue
        text = _prose(row)
        if text is None:
            continue  # blank lines do not break a paragraph
        heading = _is_heading(text)
        if heading and TOP_HEADING.match(text):
            section = re.sub(r"\s+", "", text)
        part = (part_of(row) if part_of else None) or part
        if current is not None and _continues(current.text, text, heading):
            current.parts.append((text, row.source_line, row.page))
            continue
        current = _Paragraph([(text, row.source_line, row.page)], section, part)
        out.append(current)
    return out


def sentences(rows: list[Row], part_of: PartOf | None = None, outside: set[int] | None = None) -> list[Sentence]:
    """The sentences of the prose; `outside`: ids of the rows that are not prose."""
    out: list[Sentence] = []
    for index, para in enumerate(paragraphs(rows, part_of, outside)):
        text = para.text
        offsets, pos = [], 0
        for part, line, page in para.parts:
            offsets.append((pos, line, page))
            pos += len(part)
        numbered = bool(HEADING.match(text))
        start = 0
        for m in re.finditer(rf"[^{_END}]*(?:[{_END}]+|$)", text):
            chunk = m.group(0)
            if not chunk.strip():
                continue
            lines = tuple(
                (max(0, o - m.start()), line, page)
                for k, (o, line, page) in enumerate(offsets)
                if o < m.end() and (k + 1 == len(offsets) or offsets[k + 1][0] > m.start())
            )
            out.append(Sentence(chunk, lines, para.section, index, start == 0, numbered, para.part))
            start += 1
    return out
