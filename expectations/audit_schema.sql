-- Audit layer: the accounting identities checked on every load, with evidence.
CREATE SCHEMA IF NOT EXISTS audit;

-- One row per identity instance per document.
CREATE TABLE IF NOT EXISTS audit.identity_results (
    doc_id       VARCHAR NOT NULL,
    result_id    VARCHAR NOT NULL,           -- identity_id | instance
    suite        VARCHAR NOT NULL,           -- identity family: row_sums, hierarchy_sums, ...
    identity_id  VARCHAR NOT NULL,
    instance     VARCHAR NOT NULL,           -- loop binding, e.g. "node=201, column=total"; '-' if none
    description  VARCHAR,
    lhs_value    DECIMAL(18, 2),             -- in the document unit (raw.documents.unit)
    rhs_value    DECIMAL(18, 2),
    difference   DECIMAL(18, 2),             -- lhs - rhs
    tolerance    DECIMAL(18, 2),             -- 0.01 万元 per summed term, in the document unit
    n_terms      INTEGER,                    -- printed (non-blank) cells involved
    unit         VARCHAR,
    status       VARCHAR NOT NULL,           -- pass | rounding | violation | not_checkable | not_applicable
    reason       VARCHAR,
    source_file  VARCHAR,                    -- identity declaration file
    checked_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (doc_id, result_id)
);

-- The cells each result involved, with provenance.
CREATE TABLE IF NOT EXISTS audit.identity_cells (
    doc_id       VARCHAR NOT NULL,
    result_id    VARCHAR NOT NULL,
    cell_index   INTEGER NOT NULL,
    role         VARCHAR NOT NULL,           -- lhs | rhs | condition
    sign         INTEGER NOT NULL,           -- +1 or -1 in the sum
    table_code   VARCHAR NOT NULL,
    row_index    INTEGER,
    row_label    VARCHAR,
    row_key      VARCHAR,
    subject_code VARCHAR,
    line_no      INTEGER,
    column_key   VARCHAR NOT NULL,
    value        DECIMAL(18, 2),             -- NULL = blank (counted as 0)
    note         VARCHAR,                    -- blank | not printed | table empty
    source_line  INTEGER,
    page         INTEGER,
    PRIMARY KEY (doc_id, result_id, cell_index)
);

-- Per document: counts per status.
CREATE TABLE IF NOT EXISTS audit.document_check_summary (
    doc_id          VARCHAR PRIMARY KEY,
    file_name       VARCHAR,
    doc_kind        VARCHAR,
    unit            VARCHAR,
    n_pass          INTEGER NOT NULL,
    n_rounding      INTEGER NOT NULL,
    n_violation     INTEGER NOT NULL,
    n_not_checkable INTEGER NOT NULL,
    n_not_applicable INTEGER NOT NULL,
    outcome         VARCHAR NOT NULL,        -- consistent | rounding_only | violations | not_checked
    note            VARCHAR,
    checked_at      TIMESTAMP NOT NULL
);

-- Findings: every violation or uncheckable identity with the cells involved.
CREATE OR REPLACE VIEW audit.findings AS
SELECT r.doc_id, d.file_name, r.suite, r.identity_id, r.instance, r.status, r.description,
       r.lhs_value, r.rhs_value, r.difference, r.tolerance, r.unit, r.reason,
       c.role, c.sign, c.table_code, c.row_label, c.row_key, c.subject_code, c.line_no,
       c.column_key, c.value, c.note, c.source_line, c.page
FROM audit.identity_results r
LEFT JOIN raw.documents d USING (doc_id)
LEFT JOIN audit.identity_cells c USING (doc_id, result_id)
WHERE r.status IN ('violation', 'not_checkable')
ORDER BY d.file_name, r.identity_id, r.instance, c.cell_index;
