"""Extraction of 部门决算 disclosures (text dumps, HTML, PDF) into raw DuckDB tables."""

__version__ = "0.1.0"
