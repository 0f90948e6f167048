"""Excerpts of text and HTML inputs: the lines a finding cites, with a few lines around them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from expectations.report.evidence import Mark
from extract.load import load_document

CONTEXT = 3  # lines shown before and after a cited line


@dataclass
class Excerpt:
    lines: list[tuple[int, str, list[str]]]  # (line number, text, printed texts to mark in it)
    cited: set[int]


def source_lines(path: Path) -> dict[int, str]:
    """Line number -> the line as extraction read it (cells joined by tabs; HTML rows by their source line)."""
    return {r.source_line: r.text for r in load_document(path).rows if r.source_line is not None}


def excerpts(lines: dict[int, str], marks: list[Mark]) -> list[Excerpt]:
    """The cited lines with CONTEXT lines around them, near ranges merged, in line order."""
    cited: dict[int, list[str]] = {}
    for m in marks:
        if m.line is not None:
            cited.setdefault(m.line, []).append(m.text)
    out: list[Excerpt] = []
    for line in sorted(cited):
        lo, hi = line - CONTEXT, line + CONTEXT
        if out and lo <= out[-1].lines[-1][0] + 1:
            lo = out[-1].lines[-1][0] + 1
        else:
            out.append(Excerpt([], set()))
        out[-1].cited.add(line)
        out[-1].lines += [(n, lines[n], cited.get(n, [])) for n in range(lo, hi + 1) if n in lines]
    for ex in out:  # marks of a line shown before it was reached as cited
        ex.lines = [(n, text, cited.get(n, [])) for n, text, _ in ex.lines]
        ex.cited = {n for n, _, _ in ex.lines if n in cited}
    return [ex for ex in out if ex.lines]
