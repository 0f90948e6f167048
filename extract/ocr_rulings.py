"""Ruling lines of a page image (a scan has no vector paths): OpenCV morphology -> Edges.

Dark pixels kept by an opening with a long thin kernel are lines: horizontal with a kernel wider
than any character stroke, vertical with one taller than the page's text lines (a glyph's
stroke). Each line becomes an Edge in points (top-down), as pdfium_page gives for vector
rulings, so pdf_tables builds the cells.
"""

from __future__ import annotations

from typing import Any

import cv2

from .ocr import RulingSettings
from .pdf_tables import Edge, edge


def _lines(binary: Any, kernel: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    mask = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [tuple(int(v) for v in stats[i][:4]) for i in range(1, n)]  # type: ignore[misc]


def page_edges(image: Any, scale: float, settings: RulingSettings, text_height: float = 0.0) -> list[Edge]:
    """The ruling lines of a page image (BGR or grey; `scale` pixels per point) as edges in points.
    text_height (pixels): the page's text lines; a vertical line must be taller than a glyph stroke."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    _, binary = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    horizontal = max(3, int(settings.min_horizontal * scale))
    vertical = max(3, int(settings.min_vertical * scale), int(settings.text_factor * text_height))
    ext = settings.extend
    edges = []
    for x, y, w, h in _lines(binary, (horizontal, 1)):
        if w > 4 * h:
            mid = (y + h / 2) / scale
            edges.append(edge(x / scale - ext, mid, (x + w) / scale + ext, mid))
    for x, y, w, h in _lines(binary, (1, vertical)):
        if h > 4 * w:
            mid = (x + w / 2) / scale
            edges.append(edge(mid, y / scale - ext, mid, (y + h) / scale + ext))
    return edges
