"""One partition per document, keyed by a readable label: its file name and the start of its sha256."""

import re
from pathlib import Path

import dagster as dg

DOCUMENTS_PARTITIONS = "documents"  # the name, as a str (the definition's .name is Optional)
documents_partitions = dg.DynamicPartitionsDefinition(name=DOCUMENTS_PARTITIONS)
SHA_PREFIX = 16  # hex digits of the sha256 in a partition key: unique among millions of documents


def partition_key(path: Path, sha: str) -> str:
    """'西南大学2023年度部门决算 · 5f0c…' (file name without suffix, then the sha256's first digits):
    readable in the UI and as unique as the content."""
    name = re.sub(r"[\s,\[\]|]+", " ", path.stem).strip()[:60]
    return f"{name} · {sha[:SHA_PREFIX]}"


def sha_prefix(key: str) -> str:
    """The sha256 prefix of a partition key (a bare sha256, the older keys, is its own prefix)."""
    return key.rsplit(" · ", 1)[-1]
