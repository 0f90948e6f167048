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
    # FISCALWH_PUBLISHED_DB: the copy BI tools open read-only, replaced after each successful run
    published_db: Path

    @classmethod
    def from_env(cls) -> Settings:
        db_path = Path(os.environ.get("FISCALWH_DB", REPO / "data" / "warehouse.duckdb")).resolve()
        return cls(
            db_path=db_path,
            corpus_dir=Path(os.environ.get("FISCALWH_CORPUS", REPO.parent / "shared" / "corpus")).resolve(),
            gx_docs_dir=Path(os.environ.get("FISCALWH_GX_DOCS", REPO / "data" / "gx_docs")).resolve(),
            published_db=Path(os.environ.get("FISCALWH_PUBLISHED_DB",
                                             db_path.parent / "published" / "warehouse.duckdb")).resolve(),
        )
