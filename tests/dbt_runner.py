"""Run the dbt project of the repository against a given DuckDB file (for tests and scripts).

dbt runs as a subprocess of the venv's `dbt` so that its global state never leaks into the
test process; target and log folders go to a scratch directory so runs never touch the repo.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DBT_PROJECT = REPO / "dbt"
DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")


@dataclass(frozen=True)
class DbtRun:
    returncode: int
    output: str
    target_dir: Path

    def artifact(self, name: str) -> dict:
        """A JSON artifact of the run (run_results.json, manifest.json, catalog.json)."""
        return json.loads((self.target_dir / name).read_text(encoding="utf-8"))


def dbt_command(args: list[str], db_path: Path, scratch: Path) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of `dbt <args>` on the repo's project against db_path."""
    env = {**os.environ, "FISCALWH_DB": str(db_path), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    cmd = [str(DBT_EXECUTABLE), *args,
           "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
           "--target-path", str(scratch / "target"), "--log-path", str(scratch / "logs")]
    return cmd, env


def run_dbt(args: list[str], db_path: Path, scratch: Path) -> DbtRun:
    """`dbt <args>` on the repo's project with FISCALWH_DB = db_path; artifacts under scratch."""
    cmd, env = dbt_command(args, db_path, scratch)
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    return DbtRun(proc.returncode, proc.stdout + proc.stderr, scratch / "target")
