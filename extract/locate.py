"""Find the standard tables in a document's rows: title lines start a region, the next title
(or the start of the narrative part, or the title of a table the catalogue does not read) ends it;
the same title again continues it (续表). A table of contents also names every table; those regions
hold no data rows and lose to the real table."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .catalogue import TableTemplate, is_other_title, match_title
from .records import Row

_STOP = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、.*情况说明$|附件\s*\d*$)")
_NO_DATA = re.compile(r"本表无数据|无.{0,30}(收入|支出|数据)|未发生|不涉及|为空表")


@dataclass
class TableRegion:
    template: TableTemplate
    title: str
    title_row: Row
    rows: list[Row]

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.rows)

    def states_no_data(self) -> bool:
        return any(_NO_DATA.search(r.text) for r in self.rows if len(r.nonempty) <= 1)

    @property
    def is_table(self) -> bool:
        """A table has a header or a unit line; a table-of-contents entry is followed by other entries."""
        return any(k in r.text for r in self.rows[:12] for k in ("单位", "项目", "栏次", "科目"))

    def record(self, index: int, n_values: int) -> dict:
        """The region as a row of raw.document_table_regions (a title line stating 空表 counts too)."""
        states = self.states_no_data() or bool(_NO_DATA.search(self.title_row.text))
        return {"region_index": index, "table_code": self.template.code, "title": self.title,
                "is_table": self.is_table, "n_values": n_values, "states_no_data": states,
                "source_line": self.title_row.source_line, "page": self.title_row.page}


def _title_of(row: Row) -> str | None:
    cells = [c for c in row.cells if c]
    if not cells or len(cells) > 2:
        return None
    return " ".join(cells)


def locate_tables(rows: list[Row]) -> list[TableRegion]:
    """Every candidate region, in document order (several per code where a TOC names it)."""
    regions: list[TableRegion] = []
    current: TableRegion | None = None
    for row in rows:
        title = _title_of(row)
        template = match_title(title) if title else None
        if template is not None and title is not None:
            if current is not None and current.template is template:
                # the same title again: a heading just before the title, or a continued table (续表)
                if not any(r.nonempty for r in current.rows):
                    current.title, current.title_row = title, row
                continue
            current = TableRegion(template, title, row, [])
            regions.append(current)
            continue
        if title and (_STOP.match(title.replace(" ", "")) or is_other_title(title)):
            current = None
            continue
        if current is not None:
            current.rows.append(row)
    return regions
