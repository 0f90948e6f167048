"""GX Data Docs an auditor can read offline: failing rows named by file, identity, instance, row,
page or line and the finding id of audit.findings; no asset loaded from the network.

A real document (seed 000) is copied and one printed number changed; the docs built from its checks
are opened from file:// in headless Chromium with every network request sent to a dead proxy.
Skipped where no Chromium is installed (CI installs one).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from expectations.gx_docs import offline_page
from expectations.runner import run_checks
from extract.pipeline import extract_paths

from .conftest import REPO, seed

SEED = "000"  # 000_4c6bec4b94bd53fd.txt, 武汉经济技术开发区（汉南区）信访局 2022 决算
# T05 一般公共预算财政拨款支出决算表, line 247: 2013150 事业运行 小计 152.24 = 基本支出 152.24 (项目支出
# blank). Printed as 153.24 the row's 1 栏 = 2+3 栏 no longer holds.
T05_LINE_NO = 247
T05_LINE = "2013150\t事业运行\t\t152.24\t152.24\t"
T05_MUTATED = "2013150\t事业运行\t\t153.24\t152.24\t"
REMOTE_ASSET = re.compile(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="(?:https?:)?//', re.I)


def _browser() -> str | None:
    return next((b for b in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if b), None)


def _chromium(browser: str, profile: Path, *args: str) -> str:
    """Run headless Chromium with the network cut off (every request goes to a closed port)."""
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--host-resolver-rules=MAP * ~NOTFOUND",
         f"--user-data-dir={profile}", "--hide-scrollbars", "--virtual-time-budget=10000", *args],
        check=True, capture_output=True, text=True, timeout=180)
    return done.stdout


def _checked(folder: Path, text: str) -> tuple[Path, Path]:
    """Extract and check one document with the given text; the warehouse and the Data Docs folder."""
    corpus = folder / "corpus"
    corpus.mkdir()
    (corpus / seed(SEED).name).write_text(text, encoding="utf-8")
    db, docs = folder / "w.duckdb", folder / "gx_docs"
    extract_paths([corpus], db, workers=1)
    run_checks(db, data_docs_dir=docs)
    return db, docs


def _page(docs: Path, family: str) -> Path:
    pages = sorted((docs / "validations" / "identities" / family).rglob("*.html"))
    assert len(pages) == 1, pages
    return pages[0]


@pytest.fixture
def browser() -> str:
    found = _browser()
    if found is None:
        pytest.skip("no headless Chromium installed (CI installs one)")
    return found


def test_a_page_loses_its_remote_assets_once() -> None:
    page = ('<html><head><link rel="stylesheet" href="https://cdn.example/b.min.css"/>\n'
            '<script src="https://cdn.example/j.min.js" integrity="sha384-x" crossorigin="anonymous"></script>\n'
            '<link rel="shortcut icon" href="../static/images/favicon.ico"/></head>\n'
            '<body><img class="NO-CACHE" src="https://s3.example/logo-long.png?d=1"/>'
            '<a href="https://greatexpectations.io">GX</a></body></html>')
    once = offline_page(page, "../")
    assert not REMOTE_ASSET.search(once)
    assert '<script src="../static/gx_offline/offline.js"></script>' in once
    assert 'src="../static/images/logo-long.png"' in once and '../static/images/favicon.ico' in once
    assert '<a href="https://greatexpectations.io">' in once  # a link is not a load
    assert offline_page(once, "../") == once


@pytest.mark.browser
def test_failing_row_is_named_and_the_docs_render_offline(tmp_path: Path, browser: str) -> None:
    lines = seed(SEED).read_text(encoding="utf-8").split("\n")
    assert lines[T05_LINE_NO - 1] == T05_LINE
    lines[T05_LINE_NO - 1] = T05_MUTATED
    db, docs = _checked(tmp_path, "\n".join(lines))
    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute("select finding_id, status from audit.findings where rule_id = 'T05.row.total'").fetchall()
    assert len(found) == 1 and found[0][1] == "violation"
    finding = found[0][0]

    # every page of the site loads its scripts, styles and images from the site folder only
    for page in docs.rglob("*.html"):
        assert not REMOTE_ASSET.search(page.read_text(encoding="utf-8")), page

    page = _page(docs, "row_sums")
    dom = _chromium(browser, tmp_path / "chrome", "--dump-dom", page.as_uri())
    failing = re.findall(r'<table[^>]*failing-rows.*?</table>', dom, re.S)
    assert len(failing) == 2  # both expectations fail on the row: within the tolerance, and exactly
    row = re.findall(r"<tr>(.*?)</tr>", failing[0], re.S)[1]  # the header, then the one failing row
    cells = [re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[:7] == [finding, seed(SEED).name, "T05.row.total", "row=2013150 (row 8)", "T05", "事业运行",
                         "line 247"]
    assert cells[7:10] == ["153.24", "152.24", "1.00"]  # 小计 vs 基本支出 + 项目支出 (blank)
    assert "left side equals right side within the rounding tolerance of the printed figures" in dom

    # the index draws its table of validation results offline, each linked to its page
    index = _chromium(browser, tmp_path / "chrome", "--dump-dom", (docs / "index.html").as_uri())
    assert f'<a href="{page.relative_to(docs).as_posix()}">' in index  # drawn by the local script

    shot = tmp_path / "gx_row_sums_offline.png"
    _chromium(browser, tmp_path / "chrome", "--window-size=1600,1200", f"--screenshot={shot}", page.as_uri())
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
    keep = REPO / "data" / "screenshots"
    keep.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, keep / "gx_docs_offline.png")


@pytest.mark.browser
def test_unchanged_document_has_no_failing_row_sum(tmp_path: Path, browser: str) -> None:
    _, docs = _checked(tmp_path, seed(SEED).read_text(encoding="utf-8"))
    dom = _chromium(browser, tmp_path / "chrome", "--dump-dom", _page(docs, "row_sums").as_uri())
    assert "T05.row.total" not in dom and "failing-rows" not in dom
