-- Raw layer: what the extractor read, as printed, with provenance. Keyed by doc_id = sha256.
CREATE SCHEMA IF NOT EXISTS raw;

CREATE TABLE IF NOT EXISTS raw.documents (
    doc_id            VARCHAR PRIMARY KEY,   -- sha256 of the file bytes
    file_name         VARCHAR NOT NULL,
    file_path         VARCHAR,
    file_type         VARCHAR NOT NULL,      -- text | pdf | html
    agency_name       VARCHAR,
    fiscal_year       INTEGER,
    doc_kind          VARCHAR NOT NULL,      -- final_accounts | performance_self_eval | unknown
    unit              VARCHAR,               -- 万元 | 元 (unit printed on the tables)
    status            VARCHAR NOT NULL,      -- ok | partial | failed
    error             VARCHAR,
    n_pages           INTEGER,
    extractor_version VARCHAR NOT NULL,
    extracted_at      TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.document_tables (
    doc_id       VARCHAR NOT NULL,
    table_code   VARCHAR NOT NULL,           -- T01..T10
    table_title  VARCHAR NOT NULL,
    status       VARCHAR NOT NULL,           -- ok | empty (本表无数据) | partial
    n_cells      INTEGER NOT NULL,
    source_line  INTEGER,
    page         INTEGER,
    note         VARCHAR,
    PRIMARY KEY (doc_id, table_code)
);

CREATE TABLE IF NOT EXISTS raw.table_cells (
    doc_id        VARCHAR NOT NULL,
    table_code    VARCHAR NOT NULL,
    table_title   VARCHAR NOT NULL,
    row_index     INTEGER NOT NULL,
    row_label     VARCHAR,
    row_key       VARCHAR,
    subject_code  VARCHAR,
    line_no       INTEGER,
    column_key    VARCHAR NOT NULL,
    column_label  VARCHAR,
    value         DECIMAL(18, 2),            -- NULL = blank cell
    raw_text      VARCHAR,
    source_line   INTEGER,
    page          INTEGER,
    PRIMARY KEY (doc_id, table_code, row_index, column_key)
);

CREATE TABLE IF NOT EXISTS raw.extraction_issues (
    doc_id       VARCHAR NOT NULL,
    issue_index  INTEGER NOT NULL,
    severity     VARCHAR NOT NULL,           -- error | warning
    table_code   VARCHAR,
    source_line  INTEGER,
    page         INTEGER,
    message      VARCHAR NOT NULL,
    raw_text     VARCHAR,
    PRIMARY KEY (doc_id, issue_index)
);
