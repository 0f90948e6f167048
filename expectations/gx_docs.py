"""Make the GX Data Docs site readable offline, from a file:// URL.

GX 1.x pages load Bootstrap, bootstrap-table, jQuery, Popper, Font Awesome and Vega from CDNs and
the GX logo from S3. Offline (where auditors often are) the pages render unstyled and the index is
empty: its table is drawn by bootstrap-table from data in an inline script.

Chosen fix, the simplest that is robust: no installed Python package ships these libraries (GX's
own static/ folder holds only its fonts, images and CSS), and vendoring them would add about 1 MB
of third-party code to keep in step with GX's templates. So after every build each page is
rewritten to
* drop every <script>/<link> that loads from http(s), and point the remote logo at GX's local copy;
* load gx_offline/offline.css (layout, bordered tables, status icons as characters) and
  gx_offline/offline.js (a stand-in for the few jQuery/Bootstrap/bootstrap-table calls the GX
  templates make: it draws the index tables from the same inline data, rows linked to their pages,
  and opens collapsed sections and tabs).
Pages already rewritten (kept from earlier runs) are left as they are.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ASSETS = Path(__file__).resolve().parent / "gx_offline"
TARGET = Path("static") / "gx_offline"  # in the site folder
REMOTE_TAGS = re.compile(
    r'<script\b[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>|<link\b[^>]*\bhref="https?://[^"]*"[^>]*>', re.I)
REMOTE_IMG = re.compile(r'(<img\b[^>]*\bsrc=)"https?://[^"]*"', re.I)
REMOTE_CSS_URL = re.compile(r"url\(\s*['\"]?https?://[^)]*\)", re.I)


def offline_page(html: str, root: str) -> str:
    """One page without remote assets; `root` is the relative path from the page to the site root."""
    if f"{TARGET.as_posix()}/offline.js" in html:
        return html
    html = REMOTE_TAGS.sub("", html)
    html = REMOTE_IMG.sub(rf'\1"{root}static/images/logo-long.png"', html)
    html = REMOTE_CSS_URL.sub("none", html)
    local = (f'<link rel="stylesheet" href="{root}{TARGET.as_posix()}/offline.css">\n'
             f'<script src="{root}{TARGET.as_posix()}/offline.js"></script>\n')
    return html.replace("</head>", local + "</head>", 1)


def make_offline(site: Path) -> None:
    """Copy the local assets into the site and rewrite its pages (see the module docstring)."""
    shutil.copytree(ASSETS, site / TARGET, dirs_exist_ok=True)
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        root = "../" * (len(page.relative_to(site).parts) - 1)
        rewritten = offline_page(html, root)
        if rewritten != html:
            page.write_text(rewritten, encoding="utf-8")
