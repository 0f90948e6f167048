"""What the report shows, read from the warehouse: documents, their findings, and the printed text
of each finding's evidence (marks) with the page or line it sits on."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import duckdb

# Evidence cells (audit.identity_cells) whose row_label is text printed in the document, by the
# relation they come from (completeness and consistency facts: a table title, a heading, a line).
PRINTED_RELATIONS = ("document_tables", "document_table_regions", "document_sections", "document_mentions")
# Evidence columns of the row identities (expectations/performance/*.yml) that hold printed text,
SENTENCE_COLUMNS = ("sentence", "raw_text", "total_raw_text")
# ... printed inside the finding's sentence (the figure as printed),
IN_SENTENCE_COLUMNS = ("raw_value",)
# ... and the row_ids (doc_id:table_code:row_index, comma-separated) of the cells a figure restates:
# the cells of those rows printing the right-hand side are its evidence.
ROW_ID_COLUMNS = ("counterpart_row_ids",)
SEVERITIES = ("error", "warning", "info")


@dataclass
class Document:
    doc_id: str
    file_name: str
    file_path: str | None
    file_type: str
    agency: str | None
    year: int | None
    kind: str
    variant: str | None
    unit: str | None
    status: str  # extraction: ok | partial | no_tables | unsupported | failed
    error: str | None
    n_pages: int | None
    tables: list[tuple[str, str]]  # (table_code, status) read
    outcome: str | None  # checks: consistent | rounding_only | violations | not_checked; None = not checked
    note: str | None
    counts: dict[str, int] = field(default_factory=dict)  # severity -> findings

    @property
    def slug(self) -> str:
        return self.doc_id[:16]


@dataclass
class EvidenceCell:
    """One row of audit.identity_cells, with the printed text and place of the cell it names."""

    role: str
    table_code: str
    row_label: str | None
    column_key: str
    value: Decimal | None
    note: str | None
    page: int | None
    line: int | None
    printed: str | None  # the cell as printed (raw.table_cells.raw_text), if a table cell


@dataclass
class Mark:
    """Printed text to find and box: on a PDF page, or in a line of a text or HTML file."""

    role: str  # lhs | rhs | evidence | condition
    label: str  # what it is, for the caption
    text: str
    page: int | None
    line: int | None
    within: str | None = None  # a longer printed text holding it (its sentence), found first
    table_code: str | None = None  # for a standard table cell: where to learn its row and column
    row_index: int | None = None
    column_key: str | None = None
    row_label: str | None = None
    subject_code: str | None = None


@dataclass
class Finding:
    result_id: str
    rule_id: str
    suite: str
    instance: str
    status: str
    severity: str
    message: str | None
    suggestion: str | None
    lhs: Decimal | None
    rhs: Decimal | None
    difference: Decimal | None
    tolerance: Decimal | None
    unit: str | None
    cells: list[EvidenceCell] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    row = con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                      [schema, name]).fetchone()
    return bool(row and row[0])


def load_documents(con: duckdb.DuckDBPyConnection) -> list[Document]:
    docs = []
    audited = _has_table(con, "audit", "identity_results")
    tables: dict[str, list[tuple[str, str]]] = {}
    for doc_id, code, status in con.execute(
            "select doc_id, table_code, status from raw.document_tables order by doc_id, table_code").fetchall():
        tables.setdefault(doc_id, []).append((code, status))
    for (doc_id, name, path, file_type, agency, year, kind, variant, unit, status, error, n_pages) in con.execute(
            """select doc_id, file_name, file_path, file_type, agency_name, fiscal_year, doc_kind, template_variant,
                      unit, status, error, n_pages from raw.documents order by file_name, doc_id""").fetchall():
        docs.append(Document(doc_id, name, path, file_type, agency, year, kind, variant, unit, status, error, n_pages,
                             tables=tables.get(doc_id, []), outcome=None, note=None))
    if audited:
        by_id = {d.doc_id: d for d in docs}
        for doc_id, outcome, note in con.execute(
                "select doc_id, outcome, note from audit.document_check_summary").fetchall():
            if doc_id in by_id:
                by_id[doc_id].outcome, by_id[doc_id].note = outcome, note
        for doc_id, severity, n in con.execute("select doc_id, severity, count(*) from audit.identity_results "
                                               "where severity is not null group by all").fetchall():
            if doc_id in by_id:
                by_id[doc_id].counts[severity] = n
    return docs


def load_findings(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> dict[str, list[Finding]]:
    """Each document's findings, errors first, each with its evidence cells and marks. A few documents at a
    time, each query over all of them: a query per document scanned the audit and raw tables each time."""
    found_by_doc: dict[str, dict[str, Finding]] = {d: {} for d in doc_ids}
    if not doc_ids or not _has_table(con, "audit", "identity_results"):
        return {d: [] for d in doc_ids}
    order = "doc_id, case severity when 'error' then 0 when 'warning' then 1 else 2 end, identity_id, instance"
    for doc_id, *row in con.execute(
            f"""select doc_id, result_id, identity_id, suite, instance, status, severity, message, suggestion,
                       lhs_value, rhs_value, difference, tolerance, unit
                from audit.identity_results where doc_id in (select unnest(?)) and severity is not null
                order by {order}""", [doc_ids]).fetchall():
        found_by_doc[doc_id][row[0]] = Finding(*row)
    figures = _has_table(con, "raw", "narrative_figures")
    figure_join = ("left join raw.narrative_figures f on c.table_code = 'narrative_figures' "
                   "and f.doc_id = c.doc_id and f.figure_index = c.row_index") if figures else ""
    figure_cols = "f.raw_value, f.sentence, f.page, f.source_line" if figures else "null, null, null, null"
    rows = con.execute(
        f"""select c.doc_id, c.result_id, c.role, c.table_code, c.row_index, c.row_label, c.column_key, c.value,
                   c.note, c.page, c.source_line, t.raw_text, t.row_label, t.subject_code, t.page, t.source_line,
                   {figure_cols}
            from audit.identity_cells c
            left join raw.table_cells t on t.doc_id = c.doc_id and t.table_code = c.table_code
                 and t.row_index = c.row_index and t.column_key = c.column_key
            {figure_join}
            where c.doc_id in (select unnest(?)) order by c.doc_id, c.result_id, c.cell_index""",
        [doc_ids]).fetchall()
    for (doc_id, rid, role, table, row_index, label, column, value, note, page, line, printed, t_label, code,
         t_page, t_line, raw_value, sentence, f_page, f_line) in rows:
        found = found_by_doc[doc_id].get(rid)
        if found is None:
            continue
        page, line = _first(t_page, f_page, page), _first(t_line, f_line, line)
        found.cells.append(EvidenceCell(role, table, t_label or label, column, value, note, page, line, printed))
        if printed:  # a standard table cell
            found.marks.append(Mark(role, f"{table} {t_label or ''} · {column}", printed, page, line,
                                    table_code=table, row_index=row_index, column_key=column, row_label=t_label,
                                    subject_code=code))
        elif raw_value and sentence:  # a narrative figure
            found.marks.append(Mark(role, f"{label or ''} {raw_value}", raw_value, page, line, within=sentence))
        elif label and (table in PRINTED_RELATIONS or column in SENTENCE_COLUMNS):
            found.marks.append(Mark(role, column, label, page, line))
    for doc_id, findings in found_by_doc.items():
        for found in findings.values():
            found.marks += _in_sentence(found) + _restated_cells(con, doc_id, found)
    return {d: list(f.values()) for d, f in found_by_doc.items()}


def _first(*values):
    return next((v for v in values if v is not None), None)


def _in_sentence(found: Finding) -> list[Mark]:
    sentence = next((c.row_label for c in found.cells if c.column_key == "sentence" and c.row_label), None)
    return [Mark(c.role, c.column_key, c.row_label, c.page, c.line, within=sentence)
            for c in found.cells if c.column_key in IN_SENTENCE_COLUMNS and c.row_label and sentence]


def _restated_cells(con: duckdb.DuckDBPyConnection, doc_id: str, found: Finding) -> list[Mark]:
    """The cells of the rows a figure restates that print its right-hand side (a blank side is not printed)."""
    if found.rhs is None:
        return []
    marks = []
    for c in found.cells:
        if c.column_key not in ROW_ID_COLUMNS or not c.row_label:
            continue
        for row_id in c.row_label.split(","):
            parts = row_id.strip().rsplit(":", 2)
            if len(parts) != 3 or parts[0] != doc_id or not parts[2].isdigit():
                continue  # a whole table (an empty T09), not a row
            for table, row_index, label, column, text, page, line, code in con.execute(
                    """select table_code, row_index, row_label, column_key, raw_text, page, source_line, subject_code
                       from raw.table_cells where doc_id = ? and table_code = ? and row_index = ? and value = ?
                       order by column_key""", [doc_id, parts[1], int(parts[2]), found.rhs]).fetchall():
                if text:
                    marks.append(Mark("rhs", f"{table} {label or ''} · {column}", text, page, line,
                                      table_code=table, row_index=row_index, column_key=column, row_label=label,
                                      subject_code=code))
    return marks
