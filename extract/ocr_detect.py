"""Which pages are scans: read by OCR instead of their text layer.

A page goes to OCR when it has no text layer but draws an image, or when one image covers it and
its text layer is nothing a reader can use: drawn invisible (a scanner's hidden OCR layer), a few
characters only (a stamped page number), or mostly not CJK, digits or letters (garbage). All other
pages keep the exact text path. The checks over images run only on pages whose text is suspicious,
so text pages pay nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .pdfium_page import count_objects

_MEANINGFUL = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")


@dataclass(frozen=True)
class DetectSettings:
    image_cover: float  # share of the page one image must cover
    min_text_chars: int
    min_meaningful: float


def _image_cover(page: pdfium.PdfPage) -> float:
    """The largest share of the page one image object covers (top level and inside forms)."""
    width, height = page.get_size()
    area = width * height or 1.0
    best = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        best = max(best, (right - left) * (top - bottom) / area)
    return best


def _invisible(textpage: pdfium.PdfTextPage) -> bool:
    """The text layer is drawn invisible (sampled at its first, middle and last characters)."""
    n = pdfium_c.FPDFText_CountChars(textpage.raw)
    modes = set()
    for i in {0, n // 2, max(n - 1, 0)} if n else ():
        obj = pdfium_c.FPDFText_GetTextObject(textpage.raw, i)
        if obj:
            modes.add(pdfium_c.FPDFTextObj_GetTextRenderMode(obj))
    return modes == {pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE}


def scan_reason(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, text: str,
                settings: DetectSettings) -> str | None:
    """Why the page must be read by OCR (None: read its text layer)."""
    chars = "".join(text.split())
    if not chars:
        return "no text layer, only images" if count_objects(page, pdfium_c.FPDF_PAGEOBJ_IMAGE, 1) else None
    meaningful = len(_MEANINGFUL.findall(chars))
    few = meaningful < settings.min_text_chars
    garbage = meaningful < settings.min_meaningful * len(chars)
    invisible = not few and not garbage and _invisible(textpage)
    if not (few or garbage or invisible) or _image_cover(page) < settings.image_cover:
        return None
    if invisible:
        return "a scanned image under an invisible text layer"
    if few:
        return f"a scanned image whose text layer has only {meaningful} readable characters"
    return "a scanned image whose text layer is garbage"
