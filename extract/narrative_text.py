"""Running text of a disclosure as paragraphs and sentences, with the source line of every char.

Prose reaches us as single-cell rows (text dumps: one line per paragraph or wrapped lines with
blank lines in between; PDFs: one row per printed line). A paragraph goes on across line breaks
(and blank lines) until a line ends a sentence (。！？) or the next line starts a heading or a
numbered item; table rows (several cells) always break it. Sentences split at 。！？.
"""

from __future__ import annotations

import bisect
import re
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

    def locate(self, offset: int) -> tuple[int | None, int | None]:
        """Source line and page of the character at `offset`."""
        starts = [o for o, _, _ in self.lines]
        i = max(0, bisect.bisect_right(starts, offset) - 1)
        return self.lines[i][1], self.lines[i][2]


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


@dataclass
class _Paragraph:
    parts: list[tuple[str, int | None, int | None]]
    section: str | None

    @property
    def text(self) -> str:
        return "".join(p[0] for p in self.parts)


def paragraphs(rows: list[Row]) -> list[_Paragraph]:
    out: list[_Paragraph] = []
    current: _Paragraph | None = None
    section: str | None = None
    for row in rows:
        if len(row.cells) > 1:  # a table row
            current = None
            continue
        text = _prose(row)
        if text is None:
            continue  # blank lines do not break a paragraph
        heading = _is_heading(text)
        if heading and TOP_HEADING.match(text):
            section = re.sub(r"\s+", "", text)
        if current is not None and _continues(current.text, text, heading):
            current.parts.append((text, row.source_line, row.page))
            continue
        current = _Paragraph([(text, row.source_line, row.page)], section)
        out.append(current)
    return out


def sentences(rows: list[Row]) -> list[Sentence]:
    out: list[Sentence] = []
    for index, para in enumerate(paragraphs(rows)):
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
            out.append(Sentence(chunk, lines, para.section, index, start == 0, numbered))
            start += 1
    return out
