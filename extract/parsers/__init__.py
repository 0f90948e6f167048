"""One parser per table family; `parse_region` picks it from the template's layout."""

from __future__ import annotations

from ..locate import TableRegion
from .base import TableParse
from .economic import parse_economic
from .statistics import parse_statistics
from .subject import parse_subject
from .summary import parse_summary
from .three_public import parse_three_public

PARSERS = {
    "summary": parse_summary,
    "subject": parse_subject,
    "economic": parse_economic,
    "three_public": parse_three_public,
    "statistics": parse_statistics,
}

__all__ = ["PARSERS", "TableParse", "parse_region"]


def parse_region(region: TableRegion) -> TableParse:
    return PARSERS[region.template.layout](region)
