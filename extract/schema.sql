-- Raw layer: what the extractor read, as printed, with provenance. Keyed by doc_id = sha256.
CREATE SCHEMA IF NOT EXISTS raw;

CREATE TABLE IF NOT EXISTS raw.documents (
    doc_id            VARCHAR PRIMARY KEY,   -- sha256 of the file bytes
    file_name         VARCHAR NOT NULL,
    file_path         VARCHAR,
    file_type         VARCHAR NOT NULL,      -- text | pdf | html
    agency_name       VARCHAR,
    fiscal_year       INTEGER,
    doc_kind          VARCHAR NOT NULL,      -- final_accounts | performance_self_eval | budget | unknown
    unit              VARCHAR,               -- 万元 | 元 (unit printed on the tables)
    template_variant  VARCHAR,               -- catalogue variant: national | national_2019 | university
    is_consolidated   BOOLEAN,               -- a 汇总 document (agency with its subordinate units)
    revision_mark     VARCHAR,               -- 更正 / 修订 ... printed in the file name or title
    publication_date  DATE,                  -- date of issue printed on the cover or at the end
    status            VARCHAR NOT NULL,      -- ok | partial | no_tables | unsupported | failed
    -- partial: read with issues; no_tables: no standard table read; unsupported: a file type not
    -- extracted (file_type = its suffix); failed: unreadable, not text, too large, or not written.
    -- The reason is in error. Every file of a batch gets a row, whatever its status.
    error             VARCHAR,
    n_pages           INTEGER,
    extractor_version VARCHAR NOT NULL,
    extracted_at      TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.document_tables (
    doc_id       VARCHAR NOT NULL,
    table_code   VARCHAR NOT NULL,           -- T01..T10
    table_title  VARCHAR NOT NULL,
    status       VARCHAR NOT NULL,           -- ok | empty (本表无数据) | partial | suspect (parse not trustworthy, see note)
    n_cells      INTEGER NOT NULL,
    source_line  INTEGER,
    page         INTEGER,
    note         VARCHAR,
    variant      VARCHAR,                    -- template variant the table was read as
    n_rows       INTEGER,                    -- parse quality: logical rows read,
    n_columns    INTEGER,                    --   value columns mapped,
    n_unreadable INTEGER,                    --   printed cells that are not amounts,
    n_self_checks INTEGER,                   --   instances of the table's own row/column sums,
    n_self_checks_held INTEGER,              --   and how many of them hold
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
    value         DECIMAL(24, 6),            -- every printed decimal (Beijing prints 万元 to 6); NULL = blank cell
    raw_text      VARCHAR,
    source_line   INTEGER,
    page          INTEGER,
    source        VARCHAR,                   -- text | ocr (a scanned page, see raw.ocr_pages)
    ocr_confidence DOUBLE,                   -- OCR: lowest recognition score of its characters
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

-- Warehouses created before these columns existed.
ALTER TABLE raw.documents ADD COLUMN IF NOT EXISTS template_variant VARCHAR;
ALTER TABLE raw.documents ADD COLUMN IF NOT EXISTS is_consolidated BOOLEAN;
ALTER TABLE raw.documents ADD COLUMN IF NOT EXISTS revision_mark VARCHAR;
ALTER TABLE raw.documents ADD COLUMN IF NOT EXISTS publication_date DATE;
ALTER TABLE raw.document_tables ADD COLUMN IF NOT EXISTS variant VARCHAR;
ALTER TABLE raw.document_tables ADD COLUMN IF NOT EXISTS n_rows INTEGER;
ALTER TABLE raw.document_tables ADD COLUMN IF NOT EXISTS n_columns INTEGER;
ALTER TABLE raw.document_tables ADD COLUMN IF NOT EXISTS n_unreadable INTEGER;
ALTER TABLE raw.document_tables ADD COLUMN IF NOT EXISTS n_self_checks INTEGER;
ALTER TABLE raw.document_tables ADD COLUMN IF NOT EXISTS n_self_checks_held INTEGER;
