"""What a document prints that the consistency checks compare -> raw.document_mentions (read by
expectations/consistency.py; the sentences of the running text are extract/narrative.py's
raw.narrative_sentences).

Mentions. Cover: the first 'NNNN年度' (else 'NNNN年决算') before the first located table, and the
agency named in the title lines (extract.meta.agency_in_title, as meta.agency reads it). Table
header: the title line of each located table and the lines under it up to the first line that is
not all 部门/单位/年度/表号 fields (the column headings, or prose), at most _HEADER_MAX lines. An
agency field printed with nothing after it (kind agency_blank, value = its label) only when what
follows it is plainly another field: the next cell of its line, or the next header line, is a
'label：' / year / 表号 field (a name wrapped onto the next line is never taken for a blank).
"""

from __future__ import annotations

import re

from .locate import TableRegion, locate_tables
from .meta import _AGENCY_FIELD, _UNIT, _YEAR, _YEAR_OF_ACCOUNTS, _clean_agency, agency_in_title
from .records import Row

_HEADER_MAX = 10
_HEADER_YEAR = re.compile(r"(20\d{2})\s*年(?!\s*\d{1,2}\s*月)")  # not a date '2023年12月31日'
_HEADERISH = re.compile(r"单位|部门|年度?$|年度|表$|公开|盖章|^\d{4}\s*年")
_FIELD = re.compile(r"[：:]|^\d{4}\s*年度?$|表$")  # a 'label：value', a year or a 表号 field
_LABEL = re.compile(r"^\s*([^：:\s]+)\s*[：:]")


def _mention(kind: str, value: str, context: str, code: str | None, row: Row) -> dict:
    return {"kind": kind, "value": value, "context": context, "table_code": code,
            "raw_text": row.text.strip(), "source_line": row.source_line, "page": row.page}


def _header_rows(region: TableRegion) -> list[Row]:
    out = [region.title_row]
    for row in region.rows[:_HEADER_MAX]:
        if not all(_HEADERISH.search(c.strip()) for c in row.nonempty):
            break
        out.append(row)
    return out


def _followed_by_field(cells: list[str], i: int, rows: list[Row], k: int) -> bool:
    """Whether what follows cell i of header line k is another field (so the field at i is blank)."""
    if i + 1 < len(cells):
        return bool(_FIELD.search(cells[i + 1].strip()))
    after = next((r.nonempty for r in rows[k + 1:] if r.nonempty), None)
    return after is not None and bool(_FIELD.search(after[0].strip()))


def _header_mentions(region: TableRegion) -> list[dict]:
    out, code = [], region.template.code
    rows = _header_rows(region)
    for k, row in enumerate(rows):
        text = row.text.replace(" ", "")
        out += [_mention("year", m.group(1), "table_header", code, row) for m in _HEADER_YEAR.finditer(text)]
        out += [_mention("unit", m.group(1), "table_header", code, row) for m in _UNIT.finditer(text)]
        cells = row.nonempty
        for i, cell in enumerate(cells):
            field = _AGENCY_FIELD.match(cell.strip())
            if not field:
                continue
            name = _clean_agency(field.group(1) or (cells[i + 1] if i + 1 < len(cells) else ""))
            if name:
                out.append(_mention("agency", name, "table_header", code, row))
            elif not field.group(1).strip() and _followed_by_field(cells, i, rows, k):
                label = _LABEL.match(cell)
                out.append(_mention("agency_blank", label.group(1) if label else cell.strip(), "table_header",
                                    code, row))
    return out


def _cover(rows: list[Row]) -> list[dict]:
    for pattern in (_YEAR, _YEAR_OF_ACCOUNTS):
        for row in rows:
            if m := pattern.search(row.text):
                return [_mention("year", m.group(1), "cover", None, row)]
    return []


def extract_mentions(rows: list[Row], regions: list[TableRegion] | None = None) -> dict[str, list[dict]]:
    """The cover's and table headers' mentions (regions: the document's located tables, when already located)."""
    regions = locate_tables(rows) if regions is None else regions
    first = next((k for k, r in enumerate(rows) if regions and r is regions[0].title_row), len(rows))
    found = _cover(rows[:first])
    head = [r for r in rows[:40] if r.nonempty]
    cover_agency = agency_in_title("".join("".join(r.nonempty) for r in head))
    if cover_agency and head:
        found.append(_mention("agency", cover_agency, "cover", None, head[0]))
    for region in regions:
        if region.is_table:
            found += _header_mentions(region)
    return {"document_mentions": [{"mention_index": i, **m} for i, m in enumerate(found)]}
