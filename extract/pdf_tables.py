"""Ruled tables of a page: ruling lines -> intersections -> cells -> tables.

The 'lines' strategy of pdfplumber's TableFinder with its default settings (lines shorter than 1
dropped, then snapped and joined within 3 points, shorter than 3 dropped, intersections within 3),
reimplemented over plain geometry so that pdfium's ruling lines need no pdfminer. The steps and
their floating-point arithmetic are pdfplumber's; only the searches are indexed (its quadratic
scans made it a third of the PDF loading time). tests/test_pdf_engines.py checks it gives
pdfplumber's tables on every table page of the corpus.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby
from typing import NamedTuple

Bbox = tuple[float, float, float, float]  # x0, top, x1, bottom (page coordinates, top-down)
Point = tuple[float, float]

SNAP = 3.0  # snap_tolerance
JOIN = 3.0  # join_tolerance
MIN_LENGTH = 3.0  # edge_min_length (edge_min_length_prefilter is 1)
INTERSECTION = 3.0  # intersection_tolerance


class Edge(NamedTuple):
    """A ruling line. width/height are carried, not derived, as pdfplumber carries them."""

    x0: float
    top: float
    x1: float
    bottom: float
    width: float
    height: float
    vertical: bool

    @property
    def bbox(self) -> Bbox:
        return (self.x0, self.top, self.x1, self.bottom)


def edge(x0: float, top: float, x1: float, bottom: float) -> Edge:
    return Edge(x0, top, x1, bottom, x1 - x0, bottom - top, vertical=not bottom - top < x1 - x0)


@dataclass(frozen=True)
class TableRow:
    """Cells of one row in the table's column order (None: no cell starts in that column)."""

    cells: tuple[Bbox | None, ...]
    bbox: Bbox


@dataclass(frozen=True)
class Table:
    bbox: Bbox
    rows: tuple[TableRow, ...]


def _snap(edges: list[Edge], vertical: bool) -> list[Edge]:
    """Edges whose position (x0 / top) lies within SNAP of a neighbour's move to their cluster's mean."""
    key = (lambda e: e.x0) if vertical else (lambda e: e.top)
    values = sorted(set(map(key, edges)))
    cluster: dict[float, int] = {}
    n = 0
    for prev, value in zip([None, *values], values, strict=False):
        if prev is not None and value > prev + SNAP:
            n += 1
        cluster[value] = n
    snapped = []
    for _, group in groupby(sorted(edges, key=lambda e: cluster[key(e)]), key=lambda e: cluster[key(e)]):
        members = list(group)
        mean = sum(map(key, members)) / len(members)
        for e in members:
            d = mean - key(e)
            snapped.append(Edge(e.x0 + d, e.top, e.x1 + d, e.bottom, e.width, e.height, True) if vertical
                           else Edge(e.x0, e.top + d, e.x1, e.bottom + d, e.width, e.height, False))
    return snapped


def _join(edges: list[Edge], vertical: bool) -> list[Edge]:
    """Edges on one line, joined where the gap between them is at most JOIN."""
    start = (lambda e: e.top) if vertical else (lambda e: e.x0)
    joined: list[Edge] = []
    for e in sorted(edges, key=start):
        if not joined:
            joined.append(e)
            continue
        last = joined[-1]
        if vertical and e.top <= last.bottom + JOIN:
            if e.bottom > last.bottom:
                joined[-1] = last._replace(bottom=e.bottom, height=last.height + (e.bottom - last.bottom))
        elif not vertical and e.x0 <= last.x1 + JOIN:
            if e.x1 > last.x1:
                joined[-1] = last._replace(x1=e.x1, width=e.x1 - last.x0)
        else:
            joined.append(e)
    return joined


def merge_edges(edges: list[Edge]) -> list[Edge]:
    """Snapped, joined and long enough: the ruling lines tables are built from."""
    def length(e: Edge) -> float:
        return e.height if e.vertical else e.width

    kept = [e for e in edges if length(e) >= 1]
    snapped = _snap([e for e in kept if e.vertical], True) + _snap([e for e in kept if not e.vertical], False)

    def line(e: Edge) -> tuple[str, float]:
        return ("v", e.x0) if e.vertical else ("h", e.top)

    merged = [j for (kind, _), group in groupby(sorted(snapped, key=line), key=line)
              for j in _join(list(group), kind == "v")]
    return [e for e in merged if length(e) >= MIN_LENGTH]


def _intersections(edges: list[Edge]) -> dict[Point, tuple[set[Bbox], set[Bbox]]]:
    """Points where a vertical and a horizontal edge meet (within INTERSECTION), with the (vertical,
    horizontal) edges through each."""
    h_edges = sorted((e for e in edges if not e.vertical), key=lambda e: e.top)
    tops = [e.top for e in h_edges]
    points: dict[Point, tuple[set[Bbox], set[Bbox]]] = {}
    for v in (e for e in edges if e.vertical):
        # the edges whose top is near [v.top - tol, v.bottom + tol]; the test below is pdfplumber's
        lo, hi = bisect_left(tops, v.top - INTERSECTION - 1), bisect_right(tops, v.bottom + INTERSECTION + 1)
        for h in h_edges[lo:hi]:
            if (v.top <= h.top + INTERSECTION and v.bottom >= h.top - INTERSECTION
                    and h.x0 - INTERSECTION <= v.x0 <= h.x1 + INTERSECTION):
                vs, hs = points.setdefault((v.x0, h.top), (set(), set()))
                vs.add(v.bbox)
                hs.add(h.bbox)
    return points


def _cells(points: dict[Point, tuple[set[Bbox], set[Bbox]]]) -> list[Bbox]:
    """For each point, the smallest cell it is the top-left corner of, all four sides ruled."""
    ordered = sorted(points)
    column: dict[float, list[Point]] = defaultdict(list)  # same x, top to bottom
    row: dict[float, list[Point]] = defaultdict(list)  # same y, left to right
    place = {}  # point -> its index in its column and in its row
    for p in ordered:
        place[p] = (len(column[p[0]]), len(row[p[1]]))
        column[p[0]].append(p)
        row[p[1]].append(p)

    def down(a: Point, b: Point) -> bool:  # one vertical edge through both
        return not points[a][0].isdisjoint(points[b][0])

    def across(a: Point, b: Point) -> bool:  # one horizontal edge through both
        return not points[a][1].isdisjoint(points[b][1])

    cells = []
    for pt in ordered:
        i, j = place[pt]
        below, right = column[pt[0]][i + 1:], row[pt[1]][j + 1:]
        cell = next(((pt[0], pt[1], r[0], b[1]) for b in below if down(pt, b) for r in right
                     if across(pt, r) and (r[0], b[1]) in points
                     and down(r, (r[0], b[1])) and across(b, (r[0], b[1]))), None)
        if cell is not None:
            cells.append(cell)
    return cells


def _groups(cells: list[Bbox]) -> list[list[Bbox]]:
    """Cells grouped into tables: cells sharing a corner belong to the same table."""
    parent = list(range(len(cells)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_at: dict[Point, int] = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            j = first_at.setdefault(corner, i)
            parent[root(i)] = root(j)
    groups: dict[int, list[Bbox]] = defaultdict(list)
    for i, cell in enumerate(cells):
        groups[root(i)].append(cell)
    return list(groups.values())


def _bbox(cells: list[Bbox]) -> Bbox:
    return (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))


def _table(cells: list[Bbox]) -> Table:
    xs = sorted({c[0] for c in cells})
    rows = []
    for _, group in groupby(sorted(cells, key=lambda c: (c[1], c[0])), key=lambda c: c[1]):
        by_x = {c[0]: c for c in group}
        rows.append(TableRow(tuple(by_x.get(x) for x in xs), _bbox(list(by_x.values()))))
    return Table(_bbox(cells), tuple(rows))


def find_tables(edges: list[Edge]) -> list[Table]:
    """The ruled tables (two cells or more), top to bottom then left to right."""
    groups = [g for g in _groups(_cells(_intersections(merge_edges(edges)))) if len(g) > 1]
    return [_table(g) for g in sorted(groups, key=lambda g: min((c[1], c[0]) for c in g))]
