-- Raw layer for the consistency checks (expectations/consistency.yml), filled by
-- extract/consistency_facts.py: the fiscal year, money unit and agency a document prints on its
-- cover/title and over each table (title line and the header lines above the column headings).
-- The sentences of its running text are raw.narrative_sentences (extract/schema_narrative.sql).
CREATE SCHEMA IF NOT EXISTS raw;

CREATE TABLE IF NOT EXISTS raw.document_mentions (
    doc_id         VARCHAR NOT NULL,
    mention_index  INTEGER NOT NULL,          -- order in the document
    kind           VARCHAR NOT NULL,          -- year | unit | agency | agency_blank (an agency field printed empty)
    value          VARCHAR NOT NULL,          -- '2023' | 万元 / 元 | the agency name (spaces removed) | the blank field's label
    context        VARCHAR NOT NULL,          -- cover (before the first table, or the title lines) | table_header
    table_code     VARCHAR,                   -- T01..T10 for table_header
    raw_text       VARCHAR NOT NULL,          -- the line as printed
    source_line    INTEGER,
    page           INTEGER,
    PRIMARY KEY (doc_id, mention_index)
);
