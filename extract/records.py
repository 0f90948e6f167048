"""Records passed between the extraction stages (load -> locate -> parse -> write)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Row:
    """One printed line of a document, split into cells as printed.

    Text dumps give one Row per line (cells split on tabs); the PDF loader gives one Row per
    table row it reconstructs, plus one single-cell Row per line of running text.
    """

    cells: tuple[str, ...]
    source_line: int | None = None  # 1-based line in a text file
    page: int | None = None  # 1-based page in a PDF

    @property
    def text(self) -> str:
        return "\t".join(self.cells)

    @property
    def nonempty(self) -> list[str]:
        return [c for c in self.cells if c]


@dataclass
class Cell:
    """One value cell of a standard table (long format)."""

    table_code: str  # T01..T10
    table_title: str
    row_index: int
    row_label: str | None
    column_key: str
    column_label: str | None
    value: Decimal | None  # None = blank cell as printed
    raw_text: str
    row_key: str | None = None  # stable key of a named row (total, income_total, ...)
    subject_code: str | None = None  # 功能分类 / 经济分类 code, digits only
    line_no: int | None = None  # 行次 where printed
    source_line: int | None = None
    page: int | None = None
    source: str = "text"  # text | ocr (read from a scanned page)
    ocr_confidence: float | None = None  # OCR: lowest recognition score of its characters


@dataclass
class ExtractionIssue:
    """Something that could not be read, with where and why."""

    severity: str  # error | warning
    message: str
    table_code: str | None = None
    source_line: int | None = None
    page: int | None = None
    raw_text: str | None = None


@dataclass
class TableRecord:
    """One standard table as located in a document."""

    table_code: str
    table_title: str
    status: str  # ok | empty (no values printed) | partial (cells unreadable) | suspect (see note)
    n_cells: int = 0
    source_line: int | None = None
    page: int | None = None
    note: str | None = None
    variant: str | None = None  # template variant (catalogue) the table was read as
    # parse quality (extract.quality)
    n_rows: int = 0
    n_columns: int = 0
    n_unreadable: int = 0
    n_self_checks: int = 0
    n_self_checks_held: int = 0


@dataclass
class DocumentResult:
    """Everything extracted from one document."""

    doc_id: str
    file_name: str
    file_type: str
    agency_name: str | None = None
    fiscal_year: int | None = None
    doc_kind: str = "unknown"  # final_accounts | performance_self_eval | budget | unknown
    unit: str | None = None  # 万元 | 元
    template_variant: str | None = None  # catalogue variant: national | national_2019 | university ...
    is_consolidated: bool = False  # a 汇总 document (the agency with its subordinate units)
    revision_mark: str | None = None  # 更正 / 修订 ... printed in the file name or title
    publication_date: date | None = None  # date of issue printed on the cover or at the end
    status: str = "ok"  # ok | partial | no_tables | unsupported | failed
    error: str | None = None
    tables: list[TableRecord] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    issues: list[ExtractionIssue] = field(default_factory=list)
    # Raw tables filled by other extractors (performance self-evaluations, narrative figures):
    # raw table name -> list of dict rows (without doc_id, added by the writer).
    extra: dict[str, list[dict]] = field(default_factory=dict)
