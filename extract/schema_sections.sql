-- Raw layer for the completeness checks (expectations/completeness.yml), filled by extract/sections.py.
CREATE SCHEMA IF NOT EXISTS raw;

-- Headings of the 情况说明 that name a section declared in catalogue.yml narrative_sections
-- (outside the table of contents and the tables); one row per heading and section it names.
CREATE TABLE IF NOT EXISTS raw.document_sections (
    doc_id         VARCHAR NOT NULL,
    heading_index  INTEGER NOT NULL,          -- order in the document
    section_key    VARCHAR NOT NULL,          -- catalogue narrative_sections key (three_public, glossary, ...)
    heading        VARCHAR NOT NULL,          -- the heading as printed, spaces removed
    source_line    INTEGER,
    page           INTEGER,
    PRIMARY KEY (doc_id, heading_index)
);

-- Every located region of a standard table, table-of-contents entries included: raw.document_tables
-- keeps the best region per code; a code with two tables holding values is printed twice.
CREATE TABLE IF NOT EXISTS raw.document_table_regions (
    doc_id          VARCHAR NOT NULL,
    region_index    INTEGER NOT NULL,         -- order in the document
    table_code      VARCHAR NOT NULL,         -- T01..T10
    title           VARCHAR NOT NULL,         -- title line as printed
    is_table        BOOLEAN NOT NULL,         -- has a header (单位/项目/栏次/科目); false = a table-of-contents entry
    n_values        INTEGER NOT NULL,         -- cells with a printed value (0 unless is_table)
    states_no_data  BOOLEAN NOT NULL,         -- the region (or its title line) states 本表无数据 / 空表 / 不涉及
    source_line     INTEGER,
    page            INTEGER,
    PRIMARY KEY (doc_id, region_index)
);
