"""Consistency rules over a document's running text and its file name (expectations/consistency.yml,
`parameters`): stray punctuation in the prose, a misclassification the prose admits, the year and
kind (预算/决算) the file name states against the document's own.

Each instance is a count (lhs = the places found, rhs = 0, tolerance 0) judged by the family's GX
suite; the evidence cells are the sentences as printed, with the line or page where they start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from expectations.cells import CellRow, DocumentCells
from expectations.evaluate import Instance, TermCell
from expectations.families import Check

_KIND_WORDS = {"final_accounts": "决算", "budget": "预算"}
_SNIPPET = 30  # characters of context before a stray mark


@dataclass(frozen=True)
class Line:
    """The part of a sentence printed on one line."""

    text: str
    source_line: int | None
    page: int | None


@dataclass(frozen=True)
class Sentence:
    """A sentence of raw.narrative_sentences, line by line."""

    index: int
    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        return "".join(line.text for line in self.lines)

    def line_at(self, offset: int) -> Line:
        """The line printing the character at `offset` of the text."""
        for line in self.lines:
            if offset < len(line.text):
                return line
            offset -= len(line.text)
        return self.lines[-1]


@dataclass(frozen=True)
class _Found:
    sentence: Sentence
    quote: str  # what to quote of it
    line: Line  # where what was found is printed


def where(line: int | None, page: int | None) -> str:
    return f"第{page}页" if page is not None else f"第{line}行"


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _counted(inst: Instance, found: list[_Found], violation: str) -> Instance:
    """The instance as a count of the places found."""
    inst.lhs, inst.rhs, inst.tolerance = Decimal(len(found)), Decimal(0), Decimal(0)
    inst.difference, inst.n_terms = inst.lhs, len(found)
    quoted = "；".join(f"“{f.quote}”（{where(f.line.source_line, f.line.page)}）" for f in found)
    inst.reason = violation.format(found=quoted) if found else None
    for f in found:
        row = CellRow("narrative_sentences", f.sentence.index, f.sentence.text, None, None, None, "text", None,
                      f.line.source_line, f.line.page)
        inst.cells.append(TermCell("lhs", 1, row, "narrative_sentences", "text"))
    return inst


def _no_prose(inst: Instance, check: Check) -> list[Instance]:
    inst.status, inst.reason = "not_applicable", check.messages["no_prose"]
    return [inst]


def punctuation(doc: DocumentCells, sentences: list[Sentence], check: Check, family: str,
                params: dict[str, Any]) -> list[Instance]:
    """Two separating marks in a row ('，。' '。。' '，，' '、、'); a run of one mark repeated
    `ellipsis_run` times or more is an ellipsis or a placeholder, not a slip."""
    inst = Instance(doc.doc_id, family, check.id, "-", check.description)
    if not sentences:
        return _no_prose(inst, check)
    mark = f"[{re.escape(params['marks'])}]"
    run = re.compile(f"{mark}(?:\\s*{mark}){{{int(params['min_run']) - 1},}}")  # spaces between marks too
    found = []
    for s in sentences:
        text = s.text
        for m in run.finditer(text):
            marks = _squeeze(m.group())
            if len(set(marks)) == 1 and len(marks) >= int(params["ellipsis_run"]):
                continue
            quote = _squeeze(text[max(0, m.start() - _SNIPPET): m.start()]) + marks
            found.append(_Found(s, quote, s.line_at(m.start())))
    return [_counted(inst, found, check.messages["violation"])]


def self_declared(doc: DocumentCells, sentences: list[Sentence], check: Check, family: str,
                  params: dict[str, Any]) -> list[Instance]:
    """Sentences admitting amounts booked to a wrong subject ('对该功能科目使用错误'), unless
    the admission is denied just before it ('未发现科目使用错误')."""
    inst = Instance(doc.doc_id, family, check.id, "-", check.description)
    if not sentences:
        return _no_prose(inst, check)
    admits = [re.compile(p) for p in params["admits"]]
    denied = re.compile(params["denied_before"])
    found = []
    for s in sentences:
        text = s.text
        kept = [k for k, ch in enumerate(text) if not ch.isspace()]  # squeezed offset -> offset in text
        squeezed = "".join(text[k] for k in kept)
        hits = [m for p in admits for m in p.finditer(squeezed) if not denied.search(squeezed[:m.start()])]
        if hits:
            first = min(m.start() for m in hits)
            found.append(_Found(s, squeezed, s.line_at(kept[first])))
    return [_counted(inst, found, check.messages["violation"])]


def file_name(doc: DocumentCells, year: int | None, check: Check, family: str,
              params: dict[str, Any]) -> list[Instance]:
    """The year and the kind the file name states, each compared when the name states exactly one
    and the document prints its own; a name stating neither is not checkable."""
    stem = PurePath(doc.file_name).stem
    years = {m.group(1) for p in params["years"] for m in re.finditer(p, stem)}
    kinds = {kind for word, kind in params["kinds"].items() if word in stem}
    own_kind = _KIND_WORDS.get(doc.doc_kind, "")
    expected = (f"{year}年度" if year else "") + own_kind
    env = {"expected": expected or "-", "file": doc.file_name}
    inst = Instance(doc.doc_id, family, check.id, "-", check.description.format(**env))
    compared, wrong = 0, []
    if len(years) == 1 and year:
        compared += 1
        stated = next(iter(years))
        if stated != str(year):
            wrong.append(f"{stated}年")
    if len(kinds) == 1 and own_kind:
        compared += 1
        stated_kind = next(iter(kinds))
        if stated_kind != doc.doc_kind:
            wrong.append(_KIND_WORDS.get(stated_kind, stated_kind))
    if not compared:
        stated_any = years or kinds
        inst.status = "not_applicable"
        inst.reason = check.messages["no_reference" if stated_any else "not_stated"].format(**env)
        return [inst]
    inst.lhs, inst.rhs, inst.tolerance = Decimal(len(wrong)), Decimal(0), Decimal(0)
    inst.difference, inst.n_terms = inst.lhs, compared
    inst.reason = check.messages["violation"].format(found="、".join(wrong), **env) if wrong else None
    return [inst]
