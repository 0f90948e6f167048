"""The Dagster UI (`make dev`) shows the asset graph from raw tables to marts with checks attached.

Starts `dagster dev` on a free localhost port, asks its GraphQL API for the graph, and takes a
headless-browser screenshot of the lineage page (kept in data/screenshots/ for a person to look
at). Skipped where no Chromium is installed; CI installs one.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import REPO

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


def test_ui_shows_asset_graph_with_checks(tmp_path):
    browser = _browser()
    if browser is None:
        pytest.skip("no headless Chromium installed (CI installs one)")
    bin_dir = Path(sys.executable).parent
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster_project" / "dagster.yaml", home / "dagster.yaml")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "DAGSTER_HOME": str(home), "FISCALWH_DB": str(tmp_path / "warehouse.duckdb")}
    port = _free_port()
    log = (tmp_path / "dagster_dev.log").open("w")
    proc = subprocess.Popen([str(bin_dir / "dagster"), "dev", "-m", "dagster_project.definitions",
                             "-h", "127.0.0.1", "-p", str(port)],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
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
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
