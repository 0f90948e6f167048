"""OCR'd lines -> glyph boxes for the table reader, as pdfium's characters are.

The engine boxes whole lines. A line box crossing a vertical ruling (an amount touching the rule
runs into the next column's text) is cut at the rule; pieces of one amount the engine split at a
wide gap ('2.480' + ',372.70') are joined when no rule lies between them. Each piece is spread
into character boxes by the characters' widths (CJK full, digits about half), so the page's
cells take their characters as they take pdfium's. An amount cut at a rule keeps exactly the
page's printed decimals. Pages read sideways are turned upright first.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import cv2

from .ocr import RulingSettings
from .ocr_engine import OcrLine
from .ocr_rulings import page_edges
from .pdf_layout import Char, PrintedRow, cell_text, page_rows
from .pdf_tables import Edge, find_tables

_NUMERIC = re.compile(r"^[-\d,.]+$")
_COMMA_GROUPED = re.compile(r"^-?\d{1,3}(,\d{3})+\.\d+$")
# '2.480' + ',372.70': a point before three digits and a comma is a thousands separator
_MISREAD_GROUP = re.compile(r"\.(?=\d{3},)")
_DECIMALS = re.compile(r"\d\.(\d+)$")
_FULLWIDTH = str.maketrans({"，": ",", "．": ".", "－": "-"})
_ROTATIONS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def rotated(image: Any, rotation: int) -> Any:
    return cv2.rotate(image, _ROTATIONS[rotation]) if rotation else image


def _sideways(lines: list[OcrLine]) -> bool:
    """Most text lines of several characters are taller than wide: the page is turned 90°."""
    long = [x for x in lines if len(x.text) >= 3]
    return bool(long) and sum(x.bottom - x.top > 1.5 * (x.x1 - x.x0) for x in long) > len(long) / 2


def _weight(lines: list[OcrLine]) -> float:
    return sum(x.score * len(x.text) for x in lines)


def page_reading(image: Any, read: Callable[[Any], list[OcrLine]]) -> tuple[int, list[OcrLine]]:
    """(rotation, lines) of a page image: as rendered, or turned upright when read sideways."""
    lines = read(image)
    if not _sideways(lines):
        return 0, lines
    readings = [(rotation, read(rotated(image, rotation))) for rotation in (90, 270)]
    return max(readings, key=lambda r: _weight(r[1]))


def _char_width(c: str) -> float:
    if c in ".,:;'\"":
        return 0.3
    if c == " ":
        return 0.35
    return 0.55 if ord(c) < 128 else 1.0


class _Piece:
    """A run of text with its box in points and its score."""

    def __init__(self, text: str, x0: float, top: float, x1: float, bottom: float, score: float):
        self.text, self.x0, self.top, self.x1, self.bottom, self.score = text, x0, top, x1, bottom, score

    def boundaries(self) -> list[float]:
        """x of the boundary before each character and after the last."""
        widths = [_char_width(c) for c in self.text]
        scale = (self.x1 - self.x0) / (sum(widths) or 1.0)
        xs = [self.x0]
        for w in widths:
            xs.append(xs[-1] + w * scale)
        return xs

    def chars(self) -> list[tuple[Char, float]]:
        xs = self.boundaries()
        return [(Char(c, xs[i], self.top, xs[i + 1], self.bottom), self.score)
                for i, c in enumerate(self.text) if c.strip()]


def _normalised(text: str) -> str:
    squeezed = text.replace(" ", "")
    return squeezed.translate(_FULLWIDTH) if _NUMERIC.match(squeezed.translate(_FULLWIDTH)) else text


def _cut_index(piece: _Piece, x: float, decimals: int | None) -> int:
    """Where to cut the piece's text at a rule at x: the character boundary nearest to it, moved to
    just after the printed decimals when an amount ends there."""
    xs = piece.boundaries()
    i = min(range(1, len(piece.text)), key=lambda k: abs(xs[k] - x))
    if decimals is not None:
        point = piece.text.rfind(".", 0, i + 2)
        end = point + 1 + decimals
        if point > 0 and piece.text[point - 1].isdigit() and abs(end - i) <= 2 and 0 < end < len(piece.text) \
                and piece.text[point + 1:end].isdigit():
            return end
    return i


def _cut(piece: _Piece, rules: list[float], decimals: int | None) -> list[_Piece]:
    """The piece cut at every vertical rule strictly inside it."""
    margin = 0.4 * (piece.bottom - piece.top)  # a box ending on a rule only touches it
    inside = sorted(x for x in rules if piece.x0 + margin < x < piece.x1 - margin)
    if not inside or len(piece.text) < 2:
        return [piece]
    x = inside[0]
    i = _cut_index(piece, x, decimals)
    left = _Piece(piece.text[:i].rstrip(), piece.x0, piece.top, x, piece.bottom, piece.score)
    right = _Piece(piece.text[i:].lstrip(), x, piece.top, piece.x1, piece.bottom, piece.score)
    return [p for p in (left, *_cut(right, rules, decimals)) if p.text]


def _rules_through(edges: list[Edge], top: float, bottom: float) -> list[float]:
    cy = (top + bottom) / 2
    return [e.x0 for e in edges if e.vertical and e.top <= cy <= e.bottom]


def _joined(pieces: list[_Piece], edges: list[Edge]) -> list[_Piece]:
    """Pieces of one amount split at a wide gap, on one line with no rule between, joined."""
    pieces = sorted(pieces, key=lambda p: (round((p.top + p.bottom) / 2), p.x0))
    out: list[_Piece] = []
    for p in pieces:
        last = out[-1] if out else None
        if last is not None and _one_amount(last, p, edges):
            out[-1] = _Piece(_MISREAD_GROUP.sub(",", last.text + p.text), last.x0, min(last.top, p.top), p.x1,
                             max(last.bottom, p.bottom), min(last.score, p.score))
        else:
            out.append(p)
    return out


def _one_amount(a: _Piece, b: _Piece, edges: list[Edge]) -> bool:
    height = max(a.bottom - a.top, b.bottom - b.top)
    same_line = abs((a.top + a.bottom) / 2 - (b.top + b.bottom) / 2) < height / 2
    if not (same_line and 0 <= b.x0 - a.x1 < 2 * height and _NUMERIC.match(a.text) and _NUMERIC.match(b.text)):
        return False
    if any(a.x1 - 1 <= x <= b.x0 + 1 for x in _rules_through(edges, a.top, a.bottom)):
        return False
    # split at a separator: '2.480' + ',372.70', '2,480,' + '372.70'
    at_separator = b.text[:1] in ",." or a.text[-1:] in ",."
    return at_separator and bool(_COMMA_GROUPED.match(_MISREAD_GROUP.sub(",", a.text + b.text)))


def printed_decimals(texts: list[str]) -> int | None:
    """The decimals most amounts of the page print (None: no amount)."""
    counts = Counter(len(m.group(1)) for t in texts if (m := _DECIMALS.search(t)) and len(m.group(1)) <= 6)
    return counts.most_common(1)[0][0] if counts else None


def glyphs(lines: list[OcrLine], edges: list[Edge], scale: float) -> list[tuple[Char, float]]:
    """Character boxes (points) with their line's score, lines cut and joined at the rulings."""
    pieces = [_Piece(_normalised(x.text), x.x0 / scale, x.top / scale, x.x1 / scale, x.bottom / scale, x.score)
              for x in lines if x.text.strip()]
    decimals = printed_decimals([p.text for p in pieces if _NUMERIC.match(p.text)])
    cut = [q for p in pieces for q in _cut(p, _rules_through(edges, p.top, p.bottom), decimals)]
    return [c for p in _joined(cut, edges) for c in p.chars()]


def rows_and_scores(image: Any, lines: list[OcrLine], scale: float,
                    rulings: RulingSettings) -> tuple[list[PrintedRow], dict[str, float]]:
    """The page's printed rows (the same reader as pdfium pages) and, per table cell text, the
    lowest recognition score of its characters."""
    heights = sorted(x.bottom - x.top for x in lines if len(x.text.strip()) >= 2)
    edges = page_edges(image, scale, rulings, heights[len(heights) // 2] if heights else 0.0)
    scored = glyphs(lines, edges, scale)
    chars = [c for c, _ in scored]
    tables = find_tables(edges)
    scores: dict[str, float] = {}
    for table in tables:
        for row in table.rows:
            for bbox in row.cells:
                if bbox is None:
                    continue
                x0, top, x1, bottom = bbox
                inside = [(c, s) for c, s in scored if x0 <= c.cx < x1 and top <= c.cy < bottom]
                if inside:
                    text = cell_text([c for c, _ in inside])
                    scores[text] = min(scores.get(text, 1.0), min(s for _, s in inside))
    return page_rows(chars, tables), scores
