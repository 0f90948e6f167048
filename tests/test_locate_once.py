"""A document's tables are located once: the pipeline hands the regions to every stage that reads them."""

from __future__ import annotations

import pytest

import extract.consistency_facts
import extract.narrative
import extract.pipeline
import extract.sections
from extract.locate import locate_tables

from .conftest import seed

USERS = (extract.pipeline, extract.narrative, extract.sections, extract.consistency_facts)


def test_extract_document_locates_the_tables_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def counted(rows):
        calls.append(len(rows))
        return locate_tables(rows)

    for module in USERS:
        monkeypatch.setattr(module, "locate_tables", counted)
    result = extract.pipeline.extract_document(seed("003")).result
    assert result.status == "ok" and result.extra["narrative_sentences"] and result.extra["document_mentions"]
    assert len(calls) == 1
