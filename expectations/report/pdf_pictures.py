"""Pictures of PDF page regions with the evidence of a finding boxed.

The raw tables keep a cell's page, not its position, so the printed text is found again on the
page, in the characters pypdfium2 reads (the ones extraction read), spaces ignored. A text printed
once on the page is boxed. Printed more than once, the cell's row (its label, other cells of its
row printed once) and its column (cells of the same column printed once, on any page of the
table) tell which; when they cannot, every candidate is boxed in another colour and the caption
says the place is uncertain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageDraw

from expectations.report.evidence import Mark
from extract.pdf_layout import Char

SCALE = 2.0  # pixels per point
MARGIN = 48.0  # points above and below the boxed text
COLOURS = {"rhs": (0, 90, 230), "uncertain": (255, 140, 0)}
DEFAULT_COLOUR = (230, 0, 0)  # lhs, evidence, condition
# Pictures are palette PNGs: the page rendered in GREYS levels of grey, then the box colours. One byte a
# pixel instead of three makes them about 3x faster to encode (the report's main cost) and smaller.
GREYS = 250
BOX_COLOURS = [DEFAULT_COLOUR, *COLOURS.values()]
PALETTE = [round(i * 255 / (GREYS - 1)) for i in range(GREYS) for _ in range(3)] + [
    v for colour in BOX_COLOURS for v in colour]
TO_GREYS = [round(v * (GREYS - 1) / 255) for v in range(256)]  # 8-bit grey -> palette index
_SPACE = re.compile(r"\s+")

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in points, from the page's top left


@dataclass
class Located:
    mark: Mark
    boxes: list[Box] = field(default_factory=list)
    exact: bool = True  # False: several candidates boxed, the place is uncertain

    @property
    def found(self) -> bool:
        return bool(self.boxes)


@dataclass
class Picture:
    file_name: str
    page: int
    located: list[Located]
    width: int
    height: int


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


def _centre(box: Box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


class PrintedCell(NamedTuple):
    table_code: str
    row_index: int
    column_key: str
    raw_text: str
    page: int
    row_label: str | None = None
    subject_code: str | None = None

    def mark(self) -> Mark:
        return Mark("evidence", "", self.raw_text, self.page, None, table_code=self.table_code,
                    row_index=self.row_index, column_key=self.column_key, row_label=self.row_label,
                    subject_code=self.subject_code)


class PdfPages:
    """One PDF: its pages' characters, the text found on them, and pictures of regions."""

    def __init__(self, path: Path, cells: list[PrintedCell], column_order: dict[str, list[str]]):
        self.pdf = pdfium.PdfDocument(str(path))
        self.cells = [c for c in cells if c.raw_text and c.page]  # every printed cell of the document
        self.column_order = column_order  # table_code -> column keys as printed, left to right
        self._chars: dict[int, list[Char]] = {}
        self._images: dict[int, Image.Image] = {}
        self._found: dict[tuple, list[list[Box]]] = {}

    def close(self) -> None:
        self.pdf.close()

    def chars(self, page: int) -> list[Char]:
        if page not in self._chars:
            if not 1 <= page <= len(self.pdf):
                return []
            p = self.pdf[page - 1]
            self._chars[page] = _chars(p.get_textpage(), p.get_height())
        return self._chars[page]

    def occurrences(self, page: int, text: str, *, whole: bool = False,
                    within: tuple[int, int] | None = None) -> list[list[Box]]:
        """Each place `text` is printed on the page (spaces ignored): its boxes, one per printed line.
        whole: only where it is all of a cell (no character printed right before or after it)."""
        key = (page, text, whole, within)
        if key not in self._found:
            self._found[key] = [_line_boxes(self.chars(page)[a:b]) for a, b in self._spans(page, text, whole, within)]
        return self._found[key]

    def _spans(self, page: int, text: str, whole: bool = False,
               within: tuple[int, int] | None = None) -> list[tuple[int, int]]:
        chars = self.chars(page)
        lo, hi = within or (0, len(chars))
        stream, needle = "".join(c.text for c in chars[lo:hi]), _squash(text)
        spans, start = [], stream.find(needle) if needle else -1
        while start >= 0:
            a, b = lo + start, lo + start + len(needle)
            if not whole or _isolated(chars, a, b):
                spans.append((a, b))
            start = stream.find(needle, start + 1)
        return spans

    def locate(self, mark: Mark) -> Located:
        if mark.page is None:
            return Located(mark, exact=False)
        places: list[list[Box]] = []
        if mark.within:  # a figure in its sentence: the sentence first
            sentences = self._spans(mark.page, mark.within)
            places = self.occurrences(mark.page, mark.text, within=sentences[0]) if len(sentences) == 1 else []
        if not places:
            places = self.occurrences(mark.page, mark.text, whole=mark.table_code is not None)
        if len(places) > 1 and mark.table_code is not None and all(len(p) == 1 for p in places):
            places = self._narrow(mark, mark.page, places)
        if len(places) == 1:
            return Located(mark, places[0])
        return Located(mark, [b for p in places for b in p], exact=False)

    def _unique_centres(self, cells: list[PrintedCell]) -> list[tuple[float, float]]:
        """Centres of the cells printed once on their page (their place is certain)."""
        out = []
        for c in cells:
            places = self.occurrences(c.page, c.raw_text, whole=True)
            if len(places) == 1 and len(places[0]) == 1:
                out.append(_centre(places[0][0]))
        return out

    def _narrow(self, mark: Mark, page: int, places: list[list[Box]], claims: bool = True) -> list[list[Box]]:
        """A table cell printed more than once on its page: the candidates on its row (cells of the row
        printed once, else its code or label), under its column (cells of the column printed once), not
        the certain place of another cell printing the same text, then by the printed order of the
        row's columns; all the candidates left when still unsure."""
        row = [c for c in self.cells if c.table_code == mark.table_code and c.row_index == mark.row_index
               and c.page == page]
        ys = [y for _, y in self._unique_centres([c for c in row if c.column_key != mark.column_key])]
        if not ys:  # the row's code or label, where printed fewest times (a wrapped label: its middle)
            found = [self.occurrences(page, a, whole=True) for a in (mark.subject_code, mark.row_label) if a]
            ys = [_centre(_union(b))[1] for b in min((f for f in found if f), key=len, default=[])]
        left = _closest(places, ys, axis=1)
        if len(left) > 1:
            column = [c for c in self.cells if c.table_code == mark.table_code and c.column_key == mark.column_key
                      and c.row_index != mark.row_index]
            xs = [x for x, _ in self._unique_centres(column)]
            left = _closest(left, [median(xs)] if xs else [], axis=0)
        if len(left) > 1 and claims:
            for other in self.cells:
                if (other.table_code == mark.table_code and other.page == page and other.raw_text == mark.text
                        and (other.row_index, other.column_key) != (mark.row_index, mark.column_key)):
                    claimed = self._narrow(other.mark(), page, places, claims=False)
                    if len(claimed) == 1 and len(left) > 1:
                        left = [p for p in left if p != claimed[0]]
        if len(left) > 1 and ys:  # the same text in several columns of the row: k-th column, k-th from the left
            order = self.column_order.get(mark.table_code or "", [])
            same = sorted((c.column_key for c in row if c.raw_text == mark.text and c.column_key in order),
                          key=order.index)
            if len(same) == len(left) and mark.column_key in same:
                left = [sorted(left, key=lambda p: p[0][0])[same.index(mark.column_key)]]
        return left

    def _render(self, page: int) -> Image.Image:
        if page not in self._images:
            if len(self._images) >= 4:  # a few pages at a time: findings are not in page order
                self._images.pop(next(iter(self._images)))
            grey = self.pdf[page - 1].render(scale=SCALE, grayscale=True).to_pil().point(TO_GREYS)
            image = Image.frombytes("P", grey.size, grey.tobytes())
            image.putpalette(PALETTE)
            self._images[page] = image
        return self._images[page]

    def picture(self, page: int, located: list[Located], out: Path) -> Picture:
        """The page region holding the located marks (full width), the marks boxed; written to out."""
        image = self._render(page)
        boxes = [b for loc in located for b in loc.boxes]
        height = image.height / SCALE
        top = max(0.0, min(b[1] for b in boxes) - MARGIN) if boxes else 0.0
        bottom = min(height, max(b[3] for b in boxes) + MARGIN) if boxes else height
        crop = image.crop((0, int(top * SCALE), image.width, int(bottom * SCALE)))
        draw = ImageDraw.Draw(crop)
        for loc in located:
            colour = COLOURS["uncertain"] if not loc.exact else COLOURS.get(loc.mark.role, DEFAULT_COLOUR)
            index = GREYS + BOX_COLOURS.index(colour)
            for x0, t, x1, b in loc.boxes:
                draw.rectangle(((x0 - 2) * SCALE, (t - top - 2) * SCALE, (x1 + 2) * SCALE, (b - top + 2) * SCALE),
                               outline=index, width=3)
        crop.save(out, compress_level=1)  # optimize=True cost 4 of every 5 CPU s of the report, for 1-7% smaller files
        return Picture(out.name, page, located, crop.width, crop.height)


def _union(boxes: list[Box]) -> Box:
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def _closest(places: list[list[Box]], targets: list[float], axis: int, slack: float = 3.0) -> list[list[Box]]:
    """The candidates nearest to a target position (x: axis 0, y: axis 1), within a character's size."""
    if not targets:
        return places
    size = max(b[0][axis + 2] - b[0][axis] for b in places)
    dist = [min(abs(_centre(p[0])[axis] - t) for t in targets) for p in places]
    best = min(dist)
    return [p for p, d in zip(places, dist, strict=True) if d <= best + slack] if best <= size else places


def _isolated(chars: list[Char], a: int, b: int) -> bool:
    """No character printed right before or after chars[a:b] on its line (closer than its own spacing)."""
    span = chars[a:b]
    size = max(c.bottom - c.top for c in span)
    gaps = [n.x0 - p.x1 for p, n in zip(span, span[1:], strict=False) if _same_line(p, n)]
    limit = max([0.25 * size] + [g + 1.0 for g in gaps])

    def touches(left: Char, right: Char) -> bool:
        return _same_line(left, right) and -size <= right.x0 - left.x1 <= limit

    return not (a > 0 and touches(chars[a - 1], chars[a])) and not (b < len(chars) and touches(chars[b - 1], chars[b]))


def _same_line(p: Char, n: Char) -> bool:
    return p.top < n.bottom and n.top < p.bottom


def _chars(textpage: pdfium.PdfTextPage, height: float) -> list[Char]:
    """The printed characters in pdfium's reading order, as extraction reads them, with tight boxes."""
    raw = textpage.raw
    chars = []
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        if pdfium_c.FPDFText_IsGenerated(raw, i):
            continue
        text = chr(pdfium_c.FPDFText_GetUnicode(raw, i))
        left, right, bottom, top = (pdfium_c.c_double() for _ in range(4))
        if not text.strip() or not pdfium_c.FPDFText_GetCharBox(raw, i, left, right, bottom, top):
            continue
        chars.append(Char(text, left.value, height - top.value, right.value, height - bottom.value))
    return chars


def _line_boxes(chars: list[Char]) -> list[Box]:
    """The characters' bounding boxes, one per printed line (a sentence may wrap)."""
    boxes: list[Box] = []
    for c in chars:
        if boxes:
            x0, top, x1, bottom = boxes[-1]
            if c.x0 >= x0 - 1 and c.top < bottom and c.bottom > top:  # same line: to the right, overlapping
                boxes[-1] = (x0, min(top, c.top), max(x1, c.x1), max(bottom, c.bottom))
                continue
        boxes.append((c.x0, c.top, c.x1, c.bottom))
    return boxes
