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
    lhs_value    DECIMAL(24, 6),             -- in the document unit (raw.documents.unit)
    rhs_value    DECIMAL(24, 6),
    difference   DECIMAL(24, 6),             -- lhs - rhs
    tolerance    DECIMAL(24, 6),             -- 0.01 万元 per summed term, in the document unit
    n_terms      INTEGER,                    -- printed (non-blank) cells involved
    unit         VARCHAR,
    status       VARCHAR NOT NULL,           -- pass | rounding | violation | not_checkable | not_applicable
    reason       VARCHAR,
    source_file  VARCHAR,                    -- identity declaration file
    checked_at   TIMESTAMP NOT NULL,
    severity     VARCHAR,                    -- error (violation) | warning (not_checkable) | info (rounding); NULL otherwise
    message      VARCHAR,                    -- the finding in an auditor's words (expectations/findings.yml)
    suggestion   VARCHAR,                    -- what to do about it
    finding_id   VARCHAR,                    -- hash of doc_id, identity_id, instance (stable; named in the GX Data Docs)
    PRIMARY KEY (doc_id, result_id)
);
ALTER TABLE audit.identity_results ADD COLUMN IF NOT EXISTS severity VARCHAR;
ALTER TABLE audit.identity_results ADD COLUMN IF NOT EXISTS message VARCHAR;
ALTER TABLE audit.identity_results ADD COLUMN IF NOT EXISTS suggestion VARCHAR;
ALTER TABLE audit.identity_results ADD COLUMN IF NOT EXISTS finding_id VARCHAR;

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
    value        DECIMAL(24, 6),             -- NULL = blank (counted as 0)
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
-- which checks judged the document (expectations.incremental.checker_version): others re-check it
ALTER TABLE audit.document_check_summary ADD COLUMN IF NOT EXISTS checker_version VARCHAR;

-- Findings: one row per violated, uncheckable or rounded identity instance (rule, severity,
-- message, suggestion, both sides) with the tables and pages of its evidence.
CREATE OR REPLACE VIEW audit.findings AS
SELECT r.doc_id, d.file_name, d.agency_name, d.fiscal_year, r.result_id, r.finding_id, r.identity_id AS rule_id,
       r.suite, r.instance, r.status, r.severity, r.message, r.suggestion, r.description,
       r.lhs_value, r.rhs_value, r.difference, r.tolerance, r.unit, r.reason,
       (SELECT string_agg(DISTINCT c.table_code, ',' ORDER BY c.table_code) FROM audit.identity_cells c
        WHERE c.doc_id = r.doc_id AND c.result_id = r.result_id) AS tables,
       (SELECT string_agg(DISTINCT CAST(c.page AS VARCHAR), ',' ORDER BY CAST(c.page AS VARCHAR))
        FROM audit.identity_cells c WHERE c.doc_id = r.doc_id AND c.result_id = r.result_id) AS pages
FROM audit.identity_results r
LEFT JOIN raw.documents d USING (doc_id)
WHERE r.status IN ('violation', 'not_checkable', 'rounding')
ORDER BY d.file_name, r.identity_id, r.instance;

-- The evidence of each finding: one row per cell involved, with its page or line.
CREATE OR REPLACE VIEW audit.finding_evidence AS
SELECT r.doc_id, d.file_name, r.result_id, r.identity_id AS rule_id, r.status, r.severity,
       c.cell_index, c.role, c.sign, c.table_code, c.row_label, c.row_key, c.subject_code, c.line_no,
       c.column_key, c.value, c.note, c.source_line, c.page
FROM audit.identity_results r
LEFT JOIN raw.documents d USING (doc_id)
JOIN audit.identity_cells c USING (doc_id, result_id)
WHERE r.status IN ('violation', 'not_checkable', 'rounding')
ORDER BY d.file_name, r.identity_id, r.instance, c.cell_index;
