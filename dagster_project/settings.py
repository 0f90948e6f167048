"""Configuration from environment variables, with defaults that work on a fresh clone."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def report_dir(db_path: Path) -> Path:
    """The findings report (index.html) of a warehouse, beside it; rewritten after every check run."""
    return db_path.parent / "report"


def exports_dir(db_path: Path) -> Path:
    """The marts as Parquet and CSV (extract/exports.py), beside the warehouse; rewritten after every check run."""
    return db_path.parent / "exports"


@dataclass(frozen=True)
class Settings:
    db_path: Path  # FISCALWH_DB: the embedded DuckDB warehouse
    corpus_dir: Path  # FISCALWH_CORPUS: the folder the sensor watches
    gx_docs_dir: Path  # FISCALWH_GX_DOCS: where Great Expectations Data Docs are built
    # FISCALWH_PUBLISHED_DB: the copy BI tools open read-only, replaced after each successful run
    published_db: Path
    # DAGSTER_HOME: the instance `fiscalwh run` records its runs in (the one `make dev` shows);
    # None: an ephemeral instance
    dagster_home: Path | None = None

    @property
    def report_dir(self) -> Path:
        return report_dir(self.db_path)

    @property
    def exports_dir(self) -> Path:
        return exports_dir(self.db_path)

    @classmethod
    def from_env(cls) -> Settings:
        db_path = Path(os.environ.get("FISCALWH_DB", REPO / "data" / "warehouse.duckdb")).resolve()
        return cls(
            db_path=db_path,
            corpus_dir=Path(os.environ.get("FISCALWH_CORPUS", REPO.parent / "shared" / "corpus")).resolve(),
            gx_docs_dir=Path(os.environ.get("FISCALWH_GX_DOCS", REPO / "data" / "gx_docs")).resolve(),
            published_db=Path(os.environ.get("FISCALWH_PUBLISHED_DB",
                                             db_path.parent / "published" / "warehouse.duckdb")).resolve(),
            dagster_home=Path(os.environ["DAGSTER_HOME"]).resolve() if os.environ.get("DAGSTER_HOME") else None,
        )
