"""One partition per document, keyed by the sha256 of its bytes."""

import dagster as dg

DOCUMENTS_PARTITIONS = "documents"  # the name, as a str (the definition's .name is Optional)
documents_partitions = dg.DynamicPartitionsDefinition(name=DOCUMENTS_PARTITIONS)
