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
from operator import attrgetter
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
    if not edges:
        return []
    key = attrgetter("x0") if vertical else attrgetter("top")
    cluster: dict[float, int] = {}
    n = 0
    prev = None
    for value in sorted(set(map(key, edges))):
        if prev is not None and value > prev + SNAP:
            n += 1
        cluster[value] = n
        prev = value
    clusters: list[list[Edge]] = [[] for _ in range(n + 1)]  # each in the edges' order
    for e in edges:
        clusters[cluster[key(e)]].append(e)
    snapped = []
    for members in clusters:
        mean = sum(map(key, members)) / len(members)
        for x0, top, x1, bottom, width, height, _ in members:
            if vertical:
                d = mean - x0
                snapped.append(Edge(x0 + d, top, x1 + d, bottom, width, height, True))
            else:
                d = mean - top
                snapped.append(Edge(x0, top + d, x1, bottom + d, width, height, False))
    return snapped


def _join(edges: list[Edge], vertical: bool) -> list[Edge]:
    """Edges on one line, joined where the gap between them is at most JOIN."""
    if len(edges) == 1:
        return edges
    joined: list[Edge] = []
    for e in sorted(edges, key=attrgetter("top") if vertical else attrgetter("x0")):
        if not joined:
            joined.append(e)
            continue
        last = joined[-1]
        if vertical and e.top <= last.bottom + JOIN:
            if e.bottom > last.bottom:
                joined[-1] = Edge(last.x0, last.top, last.x1, e.bottom, last.width,
                                  last.height + (e.bottom - last.bottom), last.vertical)
        elif not vertical and e.x0 <= last.x1 + JOIN:
            if e.x1 > last.x1:
                joined[-1] = Edge(last.x0, last.top, e.x1, last.bottom, e.x1 - last.x0, last.height, last.vertical)
        else:
            joined.append(e)
    return joined


def merge_edges(edges: list[Edge]) -> list[Edge]:
    """Snapped, joined and long enough: the ruling lines tables are built from."""
    vertical = [e for e in edges if e.vertical and e.height >= 1]
    horizontal = [e for e in edges if not e.vertical and e.width >= 1]
    merged = []
    # horizontal lines by top, then vertical ones by x0; the edges on one line joined
    for kind, is_vertical in ((horizontal, False), (vertical, True)):
        position = attrgetter("x0") if is_vertical else attrgetter("top")
        for _, group in groupby(sorted(_snap(kind, is_vertical), key=position), key=position):
            merged.extend(_join(list(group), is_vertical))
    return [e for e in merged if (e.height if e.vertical else e.width) >= MIN_LENGTH]


def _intersections(edges: list[Edge]) -> dict[Point, tuple[set[Bbox], set[Bbox]]]:
    """Points where a vertical and a horizontal edge meet (within INTERSECTION), with the (vertical,
    horizontal) edges through each."""
    h_edges = sorted((e for e in edges if not e.vertical), key=attrgetter("top"))
    tops = [e.top for e in h_edges]
    h_boxes = [(e.x0, e.top, e.x1, e.bottom) for e in h_edges]
    points: dict[Point, tuple[set[Bbox], set[Bbox]]] = {}
    for v in edges:
        if not v.vertical:
            continue
        v_x, v_top, v_bottom = v.x0, v.top, v.bottom
        v_box = (v_x, v_top, v.x1, v_bottom)
        # the edges whose top is near [v.top - tol, v.bottom + tol]; the test below is pdfplumber's
        lo, hi = bisect_left(tops, v_top - INTERSECTION - 1), bisect_right(tops, v_bottom + INTERSECTION + 1)
        for k in range(lo, hi):
            h_x0, h_top, h_x1, _ = h_box = h_boxes[k]
            if (v_top <= h_top + INTERSECTION and v_bottom >= h_top - INTERSECTION
                    and h_x0 - INTERSECTION <= v_x <= h_x1 + INTERSECTION):
                vs, hs = points.setdefault((v_x, h_top), (set(), set()))
                vs.add(v_box)
                hs.add(h_box)
    return points


def _cells(points: dict[Point, tuple[set[Bbox], set[Bbox]]]) -> list[Bbox]:
    """For each point, the smallest cell it is the top-left corner of, all four sides ruled: the
    first point below it on one vertical edge, and right of it on one horizontal edge, whose far
    corner is a point on both."""
    ordered = sorted(points)
    column: dict[float, list[Point]] = defaultdict(list)  # same x, top to bottom
    row: dict[float, list[Point]] = defaultdict(list)  # same y, left to right
    place = {}  # point -> its index in its column and in its row
    for p in ordered:
        place[p] = (len(column[p[0]]), len(row[p[1]]))
        column[p[0]].append(p)
        row[p[1]].append(p)

    cells = []
    for pt in ordered:
        i, j = place[pt]
        x, y = pt
        down, across = points[pt]  # the vertical / horizontal edges through pt
        right = row[y][j + 1:]
        cell = None
        for b in column[x][i + 1:]:
            b_down, b_across = points[b]
            if down.isdisjoint(b_down):
                continue
            for r in right:
                r_down, r_across = points[r]
                if across.isdisjoint(r_across):
                    continue
                corner = points.get((r[0], b[1]))
                if corner is not None and not r_down.isdisjoint(corner[0]) and not b_across.isdisjoint(corner[1]):
                    cell = (x, y, r[0], b[1])
                    break
            if cell is not None:
                cells.append(cell)
                break
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
            if j != i:
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
