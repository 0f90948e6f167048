"""When an incremental dbt build would be wrong, so the build is a full one (`dbt build --full-refresh`).

The incremental models append the rows of new documents only (dbt/macros/new_documents.sql). Their rows
go stale when the dbt project changed since the last build, or a document they hold was extracted again
(a parser fix, `--force`). A small file beside the warehouse keeps the digest of the dbt project and the
time of its last successful build; without it the next build is a full one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from extract import code_digest
from extract.writer import connect

from .project import dbt_project


def dbt_digest() -> str:
    """The dbt project's models, macros, seeds and settings."""
    root = Path(dbt_project.project_dir)
    parts = [code_digest(root / d) for d in ("models", "macros", "seeds")]
    return hashlib.sha256(("".join(parts)).encode() + (root / "dbt_project.yml").read_bytes()).hexdigest()


def incremental_relations() -> list[str]:
    """schema.name of the incremental models (from the manifest)."""
    manifest = json.loads(Path(dbt_project.manifest_path).read_text(encoding="utf-8"))
    return sorted(f"{n['schema']}.{n['alias']}" for n in manifest["nodes"].values()
                  if n["resource_type"] == "model" and n["config"].get("materialized") == "incremental")


@dataclass(frozen=True)
class BuildState:
    path: Path  # beside the warehouse

    @classmethod
    def of(cls, db_path: Path) -> BuildState:
        return cls(db_path.with_name(db_path.name + ".dbt-build"))

    def why_full(self, db_path: Path, lock_wait: float = 0.0) -> str | None:
        """Why the next build must be a full one, or None (an incremental build is right)."""
        if not self.path.exists():
            return "no record of an earlier build"
        state = json.loads(self.path.read_text(encoding="utf-8"))
        if state.get("digest") != dbt_digest():
            return "the dbt project changed"
        relations = incremental_relations()
        if not relations or not db_path.exists():
            return None
        held = " union ".join(f"select doc_id from {r}" for r in relations)
        with connect(db_path, read_only=True, wait=lock_wait) as con:
            built = {r[0] for r in con.execute(
                "select table_schema || '.' || table_name from information_schema.tables").fetchall()}
            if not set(relations) <= built:
                return "an incremental model is missing"
            again = con.execute(f"select count(*) from raw.documents where extracted_at > ? and doc_id in ({held})",
                                [datetime.fromisoformat(state["started"])]).fetchone()
        return f"{again[0]} document(s) extracted again" if again and again[0] else None

    def record(self, started: datetime) -> None:
        self.path.write_text(json.dumps({"digest": dbt_digest(), "started": started.isoformat()}), encoding="utf-8")

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)
