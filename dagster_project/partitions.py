"""One partition per document, keyed by the sha256 of its bytes."""

import dagster as dg

documents_partitions = dg.DynamicPartitionsDefinition(name="documents")
