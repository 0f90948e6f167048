-- Raw layer of the 情况说明 prose, filled by extract/narrative.py beside raw.narrative_figures: the
-- running text outside the table of contents and the tables, read by expectations/narrative_facts.py
-- (what a paragraph says besides its figures: a 主要原因 clause, the 项 it names) and
-- expectations/consistency.py (stray punctuation, an admitted misclassification).
CREATE SCHEMA IF NOT EXISTS raw;

-- One row per printed line of a sentence (sentences split at 。！？ as extract/narrative_text.py reads
-- them), in document order; a sentence is its lines in line_index order joined without separator.
CREATE TABLE IF NOT EXISTS raw.narrative_sentences (
    doc_id           VARCHAR NOT NULL,
    sentence_index   INTEGER NOT NULL,          -- order of the sentence in the document
    line_index       INTEGER NOT NULL,          -- order of the line in the sentence
    paragraph_index  INTEGER NOT NULL,          -- the paragraph it belongs to (lines joined across breaks)
    section_key      VARCHAR,                   -- catalogue narrative_sections key of the latest section heading
                                                -- before the sentence (general_budget_detail, ...); NULL before any
    heading          VARCHAR,                   -- that heading as printed, spaces removed
    text             VARCHAR NOT NULL,          -- the part of the sentence printed on this line
    source_line      INTEGER,                   -- this line (text) ...
    page             INTEGER,                   -- ... or its page (PDF)
    PRIMARY KEY (doc_id, sentence_index, line_index)
);
