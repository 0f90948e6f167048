"""Shared fixtures: the read-only shared corpus and a warehouse extracted from all of it."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
TEXT = CORPUS / "text"
PDF = CORPUS / "pdf"
PUTUO_PDF = PDF / "上海市普陀区财政局2024年度部门决算.pdf"


def seed(prefix: str) -> Path:
    """A text seed by its number, e.g. seed('000')."""
    matches = sorted(TEXT.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"shared corpus seed {prefix} not found under {TEXT}")
    return matches[0]


def value(result, table, column, *, subject=None, row_key=None, line_no=None):
    """The value of the one cell of `result` matching the table, column and row selectors."""
    hits = [c for c in result.cells if c.table_code == table and c.column_key == column
            and (subject is None or c.subject_code == subject)
            and (row_key is None or c.row_key == row_key)
            and (line_no is None or c.line_no == line_no)]
    assert len(hits) == 1, (table, column, subject, row_key, hits)
    return hits[0].value


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file with the raw tables extracted from the whole shared corpus (text + PDF).

    Read-only by convention: copy it before writing to it.
    """
    from extract.pipeline import extract_paths

    if not CORPUS.exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    db = tmp_path_factory.mktemp("corpus") / "warehouse.duckdb"
    extract_paths([TEXT, PDF], db)
    return db


def family_results(folder: Path, files: dict[str, str], suite: str) -> list[tuple]:
    """Write `files` (name -> text) into a corpus folder under `folder`, extract and check it with
    the real pipeline; the (file, identity_id, status, lhs, rhs, reason, description) rows of one
    identity family (suite), in order."""
    import duckdb

    from expectations.runner import run_checks
    from extract.pipeline import extract_paths

    corpus = folder / "corpus"
    corpus.mkdir()
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    db = folder / "w.duckdb"
    extract_paths([corpus], db, workers=1)
    run_checks(db)
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select d.file_name, r.identity_id, r.status, r.lhs_value, r.rhs_value, r.reason, "
                           "r.description from audit.identity_results r join raw.documents d using (doc_id) "
                           "where r.suite = ? order by all", [suite]).fetchall()


def violations(results: dict[tuple[str, str], tuple], file: str) -> dict[str, tuple]:
    """identity_id -> (status, lhs, rhs, reason) of a file's violations, from {(file, id): ...}."""
    return {i: v for (f, i), v in results.items() if f == file and v[0] == "violation"}
