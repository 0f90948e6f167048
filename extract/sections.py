"""Section headings of the 情况说明 -> raw.document_sections (the table regions themselves are
recorded by extract.pipeline.extract_tables in raw.document_table_regions).

A heading is a line of its own (one cell): numbered (一、 （一） 1. 第三部分) or a short bare title
('名词解释'), without a sentence in it (。；) and not a definition ('机关运行经费：指…'). Headings
are read neither in the table of contents (from 目录 to its first entry printed again, or the
first sentence) nor inside a table (title to its last multi-cell row). A heading is tried against
every section of catalogue.yml `narrative_sections` with its number cut off; the checks pick the
sections of the document's variant (expectations/completeness.py).
"""

from __future__ import annotations

import re

from .catalogue import catalogue, match_title
from .locate import TableRegion, locate_tables
from .records import Row

_NUMBER = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]"
                     r"|\d+[、．.](?!\d))")
_TOC = re.compile(r"^目录$")
_LEADER = re.compile(r"[.…·．]{2,}.*$|\d+$")  # '一、收入决算表..... 5' -> '一、收入决算表'
_BARE_MAX = 20  # longest unnumbered line taken for a title


def _line(row: Row) -> str | None:
    """The text of a one-cell row, spaces and markdown marks removed."""
    filled = [c for c in row.cells if c]
    if len(row.cells) != 1 or not filled:
        return None
    return re.sub(r"\s+", "", re.sub(r"^(-\s+|\*\*)", "", filled[0].strip()).replace("**", "")) or None


def heading(row: Row) -> tuple[str, str] | None:
    """(the heading a row prints, the same without its number: '十、关于政府采购支出说明' ->
    '关于政府采购支出说明'), or None when the row is not a heading."""
    text = _line(row)
    if text is None or len(text) > 60 or re.search(r"[。；;]", text) or match_title(text):
        return None  # not a line of its own, a sentence, or the title of a table
    number = _NUMBER.match(text)
    rest = text[number.end():] if number else text
    if re.search(r"[：:].", rest):  # a definition or a sentence: '机关运行经费：指…'
        return None
    if number is None and (len(rest) > _BARE_MAX or re.search(r"[，,、]", rest)):
        return None
    return (text, rest) if rest else None


def _toc_entry(row: Row) -> str:
    first = next((c for c in row.cells if c), "")
    return _LEADER.sub("", re.sub(r"\s+", "", re.sub(r"^(-\s+|\*\*)", "", first.strip())))


def _toc_rows(rows: list[Row]) -> set[int]:
    """Indexes of the rows of the table of contents."""
    out: set[int] = set()
    start = next((i for i, r in enumerate(rows) if _TOC.match(_line(r) or "")), None)
    if start is None:
        return out
    first: str | None = None
    for i in range(start + 1, len(rows)):
        entry = _toc_entry(rows[i])
        if entry and entry == first or "。" in entry or len(entry) > 60:
            break  # the first entry printed again (the body starts) or a sentence
        first = first or entry or None
        out.add(i)
    return out | {start}


def _table_rows(regions: list[TableRegion]) -> set[int]:
    """ids of the rows inside a table: its title up to its last multi-cell row."""
    out: set[int] = set()
    for region in regions:
        last = max((k for k, r in enumerate(region.rows) if len(r.nonempty) > 1), default=-1)
        out.update(id(r) for r in [region.title_row, *region.rows[: last + 1]])
    return out


def extract_sections(rows: list[Row], regions: list[TableRegion] | None = None) -> dict[str, list[dict]]:
    """The 情况说明 section headings (regions: the document's located tables, when already located)."""
    regions = locate_tables(rows) if regions is None else regions
    in_table, toc = _table_rows(regions), _toc_rows(rows)
    patterns = catalogue().section_patterns()
    sections: list[dict] = []
    for i, row in enumerate(rows):
        if i in toc or id(row) in in_table or (found := heading(row)) is None:
            continue
        for key, pattern in patterns.items():
            if pattern.match(found[1]):
                sections.append({"heading_index": len(sections), "section_key": key, "heading": found[0],
                                 "source_line": row.source_line, "page": row.page})
    return {"document_sections": sections}
