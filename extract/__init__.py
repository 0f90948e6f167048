"""Extraction of 部门决算 disclosures (text dumps, HTML, PDF) into raw DuckDB tables."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

__version__ = "0.1.0"

CODE_SUFFIXES = (".py", ".sql", ".yml", ".yaml")  # the extractor's code and catalogue


def code_digest(root: Path) -> str:
    """sha256 over the code and catalogue files below root (relative path and bytes, sorted)."""
    digest = hashlib.sha256()
    files = sorted((p.relative_to(root).as_posix(), p) for p in root.rglob("*")
                   if p.suffix in CODE_SUFFIXES and p.is_file())
    for name, path in files:
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()


@cache
def extractor_version() -> str:
    """What raw.documents.extractor_version records: a change to any extractor file re-extracts."""
    return code_digest(Path(__file__).parent)
