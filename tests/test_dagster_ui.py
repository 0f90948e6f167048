"""The Dagster UI (`make dev`) shows the asset graph from raw tables to marts with checks attached.

Starts `dagster dev` on a free localhost port, asks its GraphQL API for the graph, and takes a
headless-browser screenshot of the lineage page (kept in data/screenshots/ for a person to look
at). Skipped where no Chromium is installed; CI installs one.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from .conftest import REPO, seed

pytestmark = [pytest.mark.slow, pytest.mark.browser]

QUERY = """{ assetNodes { assetKey { path } groupName
  assetChecksOrError { __typename ... on AssetChecks { checks { name } } } } }"""


def _browser() -> str | None:
    return next((b for b in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if b), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(port: int, query: str = QUERY) -> dict:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)


def _wait_for_graph(port: int, proc: subprocess.Popen, timeout: float = 240) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "dagster dev exited"
        try:
            nodes = _graphql(port)["data"]["assetNodes"]
            if nodes:
                return nodes
        except OSError:
            pass
        time.sleep(2)
    raise TimeoutError("the Dagster UI did not serve the asset graph in time")


@contextlib.contextmanager
def _dagster_dev(tmp_path: Path, **env_vars: str) -> Iterator[tuple[int, subprocess.Popen]]:
    """`dagster dev` (webserver and daemon, as `make dev` starts it) on a free port, in its own home."""
    bin_dir = Path(sys.executable).parent
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster_project" / "dagster.yaml", home / "dagster.yaml")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "DAGSTER_HOME": str(home), "FISCALWH_DB": str(tmp_path / "warehouse.duckdb"), **env_vars}
    port = _free_port()
    log = (tmp_path / "dagster_dev.log").open("w")
    proc = subprocess.Popen([str(bin_dir / "dagster"), "dev", "-m", "dagster_project.definitions",
                             "-h", "127.0.0.1", "-p", str(port)],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield port, proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_ui_shows_asset_graph_with_checks(tmp_path):
    browser = _browser()
    if browser is None:
        pytest.skip("no headless Chromium installed (CI installs one)")
    with _dagster_dev(tmp_path) as (port, proc):
        nodes = _wait_for_graph(port, proc)
        keys = {"/".join(n["assetKey"]["path"]): n for n in nodes}
        assert {"raw/table_cells", "stg_table_cells", "fct_expenditure_by_subject",
                "mart_agency_year_overview"} <= set(keys)
        checks = keys["fct_expenditure_by_subject"]["assetChecksOrError"]["checks"]
        names = {c["name"] for c in checks}
        assert "accounting_identities" in names  # the GX suites, beside the dbt tests as checks
        assert any(n.startswith("not_null_fct_expenditure_by_subject") for n in names)

        _graphql(port, "mutation { setNuxSeen }")  # no community pop-up over the graph
        shot = tmp_path / "asset_graph.png"
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--no-first-run", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", f"--user-data-dir={tmp_path / 'chrome'}", "--hide-scrollbars",
                        "--window-size=1600,1000", "--virtual-time-budget=30000", f"--screenshot={shot}",
                        f"http://127.0.0.1:{port}/asset-groups"],
                       check=True, capture_output=True, timeout=180)
        assert shot.stat().st_size > 20_000  # a rendered graph, not a blank page
        keep = REPO / "data" / "screenshots"
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, keep / "asset_graph.png")


def _documents_in_marts(db: Path) -> int | None:
    """Documents in the overview mart with identity results, or None while the warehouse is busy."""
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute("""select count(*) from marts.mart_agency_year_overview m
                                  where exists (select 1 from audit.identity_results r
                                                where r.doc_id = m.doc_id)""").fetchone()[0]
    except (duckdb.IOException, duckdb.CatalogException):
        return None


def test_a_file_dropped_while_dagster_dev_runs_reaches_the_marts_without_a_click(tmp_path):
    """Issue 13: the folder sensor extracts a dropped file, a sensor builds the warehouse once the
    extractions are done, another runs the identity checks after the build, which rewrite the
    findings report — no click."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    db = tmp_path / "warehouse.duckdb"
    with _dagster_dev(tmp_path, FISCALWH_CORPUS=str(corpus)) as (port, proc):
        _wait_for_graph(port, proc)
        (corpus / "000.txt").write_bytes(seed("000").read_bytes())
        dropped = time.monotonic()
        report = tmp_path / "report" / "index.html"
        while _documents_in_marts(db) != 1 or not report.exists() or "000.txt" not in report.read_text("utf-8"):
            assert proc.poll() is None and time.monotonic() - dropped < 900, "the dropped file never reached the marts"
            time.sleep(5)
        print(f"a dropped file reached the marts, the checks and the report in {time.monotonic() - dropped:.0f} s")
