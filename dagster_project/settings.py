"""Configuration from environment variables, with defaults that work on a fresh clone."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    db_path: Path  # FISCALWH_DB: the embedded DuckDB warehouse
    corpus_dir: Path  # FISCALWH_CORPUS: the folder the sensor watches
    gx_docs_dir: Path  # FISCALWH_GX_DOCS: where Great Expectations Data Docs are built

    @classmethod
    def from_env(cls) -> Settings:
        settings = cls(
            db_path=Path(os.environ.get("FISCALWH_DB", REPO / "data" / "warehouse.duckdb")).resolve(),
            corpus_dir=Path(os.environ.get("FISCALWH_CORPUS", REPO.parent / "shared" / "corpus")).resolve(),
            gx_docs_dir=Path(os.environ.get("FISCALWH_GX_DOCS", REPO / "data" / "gx_docs")).resolve(),
        )
        # dbt reads the warehouse path from the same variable (dbt/profiles.yml); dbt runs in dbt/,
        # so hand it the absolute path.
        os.environ["FISCALWH_DB"] = str(settings.db_path)
        return settings
