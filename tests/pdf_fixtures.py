"""PDF fixtures generated at test time with reportlab (built-in CID font STSong-Light, no font file).

`text_to_pdf` prints a seed text dump as a PDF disclosure: tab rows become ruled tables (cells as
wrapping paragraphs, so long names wrap onto a second line; long tables continue on the next page
without a repeated header), other lines become paragraphs. The broken-PDF makers give an encrypted,
a truncated, a zero-byte, an image-only and a non-PDF file.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
PAGE = landscape(A4)


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _blocks(lines: list[str]) -> list[list[list[str]] | str]:
    """Consecutive tab lines -> one table (list of rows); other non-blank lines -> a string."""
    blocks: list[list[list[str]] | str] = []
    for line in lines:
        if "\t" in line:
            row = [c.strip() for c in line.split("\t")]
            if blocks and isinstance(blocks[-1], list):
                blocks[-1].append(row)
            else:
                blocks.append([row])
        elif line.strip():
            blocks.append(line.strip())
    return blocks


def _table(rows: list[list[str]], cell_style: ParagraphStyle) -> Table:
    width = max(len(r) for r in rows)
    usable = PAGE[0] - 30 * mm
    # label columns (any long text) get more room than value columns
    longest = [max(len(r[i]) if i < len(r) else 0 for r in rows) for i in range(width)]
    weights = [3.0 if n > 8 else 1.0 for n in longest]
    col_widths = [usable * w / sum(weights) for w in weights]
    data = [[Paragraph(escape(c), cell_style) for c in r + [""] * (width - len(r))] for r in rows]
    table = Table(data, colWidths=col_widths, repeatRows=0)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return table


def text_to_pdf(src: Path, dst: Path) -> Path:
    """A PDF printing the text dump `src` (UTF-8) as a disclosure, written to `dst`."""
    font = _font()
    text_style = ParagraphStyle("text", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    cell_style = ParagraphStyle("cell", fontName=font, fontSize=7, leading=9, wordWrap="CJK")
    story = []
    for block in _blocks(src.read_text(encoding="utf-8-sig").splitlines()):
        if isinstance(block, str):
            story.append(Paragraph(escape(block), text_style))
        else:
            story.append(_table(block, cell_style))
            story.append(Spacer(1, 3 * mm))
    SimpleDocTemplate(str(dst), pagesize=PAGE, leftMargin=15 * mm, rightMargin=15 * mm,
                      topMargin=15 * mm, bottomMargin=15 * mm).build(story)
    return dst


def one_page_pdf(dst: Path, text: str = "收入支出决算总表", **kwargs) -> Path:
    c = canvas.Canvas(str(dst), pagesize=A4, **kwargs)
    c.setFont(_font(), 12)
    c.drawString(72, 760, text)
    c.drawString(72, 740, "单位：万元")
    c.showPage()
    c.save()
    return dst


def encrypted_pdf(dst: Path) -> Path:
    return one_page_pdf(dst, encrypt="secret")  # a user password is needed to open it


def truncated_pdf(dst: Path, src: Path) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: len(data) // 3])
    return dst


def zero_byte_pdf(dst: Path) -> Path:
    dst.write_bytes(b"")
    return dst


def not_a_pdf(dst: Path) -> Path:
    dst.write_bytes(b"<html><body>404 Not Found</body></html>\n")
    return dst


def image_only_pdf(dst: Path) -> Path:
    """One page with a scanned-looking image and no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    img = Image.new("L", (400, 200), 255)
    draw = ImageDraw.Draw(img)
    for y in range(20, 200, 30):
        draw.line((10, y, 390, y), fill=0, width=2)
    c = canvas.Canvas(str(dst), pagesize=A4)
    c.drawImage(ImageReader(img), 72, 500, width=400, height=200)
    c.showPage()
    c.save()
    return dst


def mixed_pdf(dst: Path) -> Path:
    """Page 1 has text, page 2 is only an image (a scanned page inside a text PDF)."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    c = canvas.Canvas(str(dst), pagesize=A4)
    c.setFont(_font(), 12)
    c.drawString(72, 760, "第一部分 概况")
    c.showPage()
    c.drawImage(ImageReader(Image.new("L", (200, 100), 128)), 72, 500, width=200, height=100)
    c.showPage()
    c.save()
    return dst
