"""The findings report (expectations/report) on a small real warehouse: the 普陀区财政局 2024 PDF and
text seed 000, extracted, built by dbt (models only) and checked.

Read by hand from the documents: the 普陀 PDF's 情况说明 (page 21) says "上海市普陀区财政局2024年度
财政拨款收入支出总计0.3万元。" while its 财政拨款收入支出决算总表 (T04, 总计 row on page 13) prints
2,961.68 three times on one line: 收入决算数 (left half), 支出小计 and 一般公共预算财政拨款 (right half).
Seed 000 says on line 455 "2022 年度“三公”经费财政拨款支出预算为 0.3 万元" while its 表9 (line 336)
prints no figures.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import time
from pathlib import Path

import duckdb
import pytest
from PIL import Image

import expectations.report as report_module
from expectations.report import write_report
from expectations.runner import run_checks
from extract.cli import main as cli_main
from extract.pipeline import extract_paths
from tests.dbt_runner import run_dbt

from .conftest import PUTUO_PDF, REPO, seed

pytestmark = pytest.mark.slow  # dbt builds the marts the narrative identities read

RED, BLUE = (230, 0, 0), (0, 90, 230)  # the report's box colours: left side / evidence, right side
PUTUO_MESSAGE = "说明 财政拨款收、支总计 = T04 总计：左边 0.30，右边 2961.68，相差 -2961.38"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not PUTUO_PDF.exists():
        pytest.skip(f"shared PDF not found: {PUTUO_PDF}")
    folder = tmp_path_factory.mktemp("report")
    corpus = folder / "corpus"
    corpus.mkdir()
    for path in (PUTUO_PDF, seed("000")):
        shutil.copy(path, corpus / path.name)
    db = folder / "w.duckdb"
    extract_paths([corpus], db, workers=1)
    # the narrative identities read the marts: build the models, not the tests
    build = run_dbt(["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"],
                    db, folder / "dbt")
    assert build.returncode == 0, build.output[-3000:]
    run_checks(db)
    return db


@pytest.fixture(scope="module")
def report(warehouse: Path) -> Path:
    return write_report(warehouse, warehouse.parent / "report")


def _doc(db: Path, prefix: str) -> tuple[str, str]:
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("select doc_id, file_name from raw.documents where starts_with(file_name, ?)",
                          [prefix]).fetchone()
    assert row is not None, prefix
    return row[0], row[1]


def _section(page: Path, rule_id: str) -> str:
    """The HTML of the first finding of rule_id on a document page."""
    html = page.read_text(encoding="utf-8")
    found = re.search(r"<section class='finding[^']*' id='" + re.escape(rule_id) + r"\|.*?</section>", html, re.S)
    assert found, f"{rule_id} not on {page.name}"
    return found.group(0)


def _has_colour(image: Image.Image, colour: tuple[int, int, int], at_least: int = 50) -> bool:
    counts = image.convert("RGB").getcolors(1 << 24) or []
    return sum(n for n, c in counts if all(abs(a - b) <= 30 for a, b in zip(c, colour, strict=True))) >= at_least


def test_index_lists_every_document_with_its_counts(report: Path, warehouse: Path) -> None:
    html = report.read_text(encoding="utf-8")
    putuo, putuo_name = _doc(warehouse, "上海市普陀区财政局")
    text, text_name = _doc(warehouse, "000_")
    for doc_id, name in ((putuo, putuo_name), (text, text_name)):
        assert f"href='doc/{doc_id[:16]}.html'>{name}</a>" in html
        assert (report.parent / "doc" / f"{doc_id[:16]}.html").is_file()
    row = next(r for r in html.split("<tr>") if putuo_name in r)
    assert "上海市普陀区财政局" in row and "<td>2024</td>" in row and "final_accounts" in row
    errors = re.search(r"<td class='n error'>(\d+)</td>", row)
    assert errors and int(errors.group(1)) >= 1  # the 0.3 万元 total at least
    assert "武汉经济技术开发区（汉南区）信访局" in html and "<td>2022</td>" in html
    assert not re.search(r"(src|href)=['\"]https?:", html)


def test_pdf_finding_shows_both_sides_and_boxed_pictures(report: Path, warehouse: Path) -> None:
    doc_id, _ = _doc(warehouse, "上海市普陀区财政局")
    page = report.parent / "doc" / f"{doc_id[:16]}.html"
    section = _section(page, "NARR.fiscal_total_vs_T04")
    assert PUTUO_MESSAGE in section
    assert "<td class='n'>0.30</td><td class='n'>2961.68</td><td class='n'>-2961.38</td>" in section
    pictures = re.findall(r"<img src='([^']+)'", section)
    assert {re.sub(r".*-p(\d+)\.png", r"\1", p) for p in pictures} == {"13", "21"}
    for name in pictures:
        image = Image.open(page.parent / name)
        assert image.width > 1000 and image.height > 100
    sentence = Image.open(page.parent / next(p for p in pictures if p.endswith("-p21.png")))
    total = Image.open(page.parent / next(p for p in pictures if p.endswith("-p13.png")))
    assert _has_colour(sentence, RED) and not _has_colour(sentence, BLUE)  # the sentence, as evidence
    assert _has_colour(total, BLUE)  # the T04 总计 cell, the right side
    assert "place uncertain" not in section


def test_a_cell_printed_three_times_on_its_line_is_boxed_in_its_column(warehouse: Path) -> None:
    from expectations.report.evidence import Mark
    from expectations.report.pdf_pictures import PdfPages, PrintedCell
    from expectations.report.render import column_order

    doc_id, _ = _doc(warehouse, "上海市普陀区财政局")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cells = [PrintedCell(*c) for c in con.execute(
            "select table_code, row_index, column_key, raw_text, page, row_label, subject_code from raw.table_cells "
            "where doc_id = ?",
            [doc_id]).fetchall()]
        rows = dict(con.execute("select column_key, row_index from raw.table_cells where doc_id = ? "
                                "and table_code = 'T04' and row_key = 'grand_total'", [doc_id]).fetchall())
    pdf = PdfPages(PUTUO_PDF, cells, column_order("national"))
    try:
        on_line = pdf.occurrences(13, "2,961.68", whole=True)
        assert len(on_line) == 3
        for k, column in enumerate(("income", "expenditure_total", "expenditure_general_budget")):
            located = pdf.locate(Mark("rhs", "T04 总计", "2,961.68", 13, None, table_code="T04",
                                      row_index=rows[column], column_key=column, row_label="总计"))
            assert located.exact and located.boxes == sorted(on_line, key=lambda p: p[0][0])[k], column
    finally:
        pdf.close()


def test_text_finding_shows_the_cited_lines(report: Path, warehouse: Path) -> None:
    doc_id, _ = _doc(warehouse, "000_")
    section = _section(report.parent / "doc" / f"{doc_id[:16]}.html", "NARR.three_public_vs_T09")
    cited = re.search(r"<span class='cited'>\s*455  (.*?)</span>", section)
    assert cited, section[:2000]
    assert "<mark>2022 年度“三公”经费财政拨款支出预算为 0.3 万元" in cited.group(1)
    assert re.search(r"<span>\s*454  </span>", section)  # the lines around it, not cited


def test_cli_writes_the_report(warehouse: Path, tmp_path: Path) -> None:
    assert cli_main(["report", "--db", str(warehouse), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "index.html").is_file()
    assert list((tmp_path / "out" / "doc").glob("*.png"))


# --- in a browser, offline ----------------------------------------------------------------------

def _browser() -> str | None:
    return next((b for b in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if b), None)


class _Page:
    """A headless Chromium tab driven over the DevTools protocol (on a pipe: no port, no client library),
    every network request refused."""

    def __init__(self, browser: str, profile: Path) -> None:
        self.browser, self.profile, self.next_id, self.session = browser, profile, 0, None
        self.buffer = b""

    def __enter__(self) -> _Page:
        cmd_r, self.cmd_w = os.pipe()  # we write commands, chromium reads them on its fd 3
        self.res_r, res_w = os.pipe()  # chromium writes replies on its fd 4

        def on_fds_3_and_4() -> None:
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (cmd_r, res_w)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.proc = subprocess.Popen(
            [self.browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--proxy-server=http://127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",  # no network
             f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "--window-size=1400,1600", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=on_fds_3_and_4, pass_fds=(3, 4))
        os.close(cmd_r)
        os.close(res_w)
        try:
            page = next(t for t in self.call("Target.getTargets")["targetInfos"] if t["type"] == "page")
            self.session = self.call("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.cmd_w)
        os.close(self.res_r)

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self.cmd_w, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + 60
        while True:
            while b"\0" not in self.buffer:
                ready, _, _ = select.select([self.res_r], [], [], max(0.0, deadline - time.monotonic()))
                chunk = os.read(self.res_r, 1 << 20) if ready else b""
                assert chunk, f"no reply from chromium to {method}"
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self.next_id:
                assert "error" not in reply, reply
                return reply["result"]

    def open(self, url: str) -> None:
        self.call("Page.enable")
        self.call("Network.enable")
        self.call("Network.emulateNetworkConditions", offline=True, latency=0, downloadThroughput=0,
                  uploadThroughput=0)
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + 60
        while self.evaluate("document.readyState") != "complete":
            assert time.monotonic() < deadline, "page did not load"
            time.sleep(0.2)

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")


@pytest.mark.browser
def test_report_in_headless_chromium_offline(report: Path, warehouse: Path, tmp_path: Path) -> None:
    browser = _browser()
    if browser is None:
        pytest.skip("no headless Chromium installed (CI installs one)")
    doc_id, _ = _doc(warehouse, "上海市普陀区财政局")
    with _Page(browser, tmp_path / "chrome") as page:
        page.open((report.parent / "doc" / f"{doc_id[:16]}.html").as_uri())
        seen = page.evaluate("""(() => {
            const f = [...document.querySelectorAll('section.finding')]
                .find(s => s.id.startsWith('NARR.fiscal_total_vs_T04|'));
            f.scrollIntoView();
            return {text: f.innerText,
                    images: [...f.querySelectorAll('img')].map(i => ({src: i.currentSrc, complete: i.complete,
                              w: i.naturalWidth, h: i.naturalHeight, shown: i.getBoundingClientRect().width})),
                    requests: performance.getEntriesByType('resource').map(e => e.name)};
        })()""")
        assert PUTUO_MESSAGE in seen["text"]
        assert len(seen["images"]) == 2
        for img in seen["images"]:
            assert img["src"].startswith("file://") and img["complete"], img
            assert img["w"] > 1000 and img["h"] > 100 and img["shown"] > 500, img
        assert all(r.startswith("file://") for r in seen["requests"]), seen["requests"]
        shot = tmp_path / "report_finding.png"
        shot.write_bytes(base64.b64decode(page.call("Page.captureScreenshot", format="png")["data"]))
    image = Image.open(shot)
    assert shot.stat().st_size > 50_000 and image.width >= 1000
    assert _has_colour(image, RED, at_least=100)  # the boxed sentence, drawn in the page
    assert len(image.convert("RGB").getcolors(1 << 20) or []) > 200  # text and pictures, not a blank page
    keep = REPO / "data" / "screenshots"
    keep.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, keep / "report_finding.png")


def test_pages_drawn_in_processes_equal_those_drawn_in_one(report: Path, warehouse: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The report of a large warehouse reads its documents a chunk at a time and draws their pages in a
    process pool: the same files, the same HTML and the same pixels as the module's report (fewer
    documents than start a pool or fill a chunk: read at once, drawn one after another)."""
    monkeypatch.setattr(report_module, "CHUNK", 1)
    pooled = write_report(warehouse, tmp_path / "pooled", workers=2).parent / "doc"
    alone = report.parent / "doc"
    names = sorted(p.name for p in alone.iterdir())
    assert names == sorted(p.name for p in pooled.iterdir()) and any(n.endswith(".png") for n in names)
    for name in names:
        if name.endswith(".png"):
            a, b = Image.open(alone / name), Image.open(pooled / name)
            assert a.mode == "P" and a.size == b.size and a.tobytes() == b.tobytes(), name
        else:
            assert (alone / name).read_text(encoding="utf-8") == (pooled / name).read_text(encoding="utf-8"), name
