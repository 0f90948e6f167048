"""OCR of scanned pages: settings (ocr.yml), the page cache, and one page read into printed rows.

A scanned page is rendered, its image hashed, and the engine's lines are taken from the cache
(`<cache folder>/<hash>.json`) or recognised and stored there: a re-run does not OCR again. The
lines and the rulings found on the image (ocr_rulings) go through the same table reader as
pdfium's characters (ocr_glyphs -> pdf_tables.find_tables -> pdf_layout.page_rows).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .ocr_detect import DetectSettings
from .ocr_engine import NOT_INSTALLED, OcrLine, OcrUnavailable, engine
from .pdf_layout import PrintedRow
from .records import Cell, ExtractionIssue

CONFIG_FILE = Path(__file__).with_name("ocr.yml")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RulingSettings:
    """Ruling lines on a page image (ocr_rulings), lengths in points."""

    min_horizontal: float
    min_vertical: float
    text_factor: float  # vertical lines are at least this many text line heights tall
    extend: float


@dataclass(frozen=True)
class OcrConfig:
    engine: str
    model: str
    model_size: str
    dpi: int
    page_budget: int
    cache_folder: str
    detect: DetectSettings
    rulings: RulingSettings
    min_confidence: float
    confusable: tuple[str, ...]


@cache
def config() -> OcrConfig:
    raw = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    check = raw.pop("check")
    return OcrConfig(**{**raw, "detect": DetectSettings(**raw["detect"]), "rulings": RulingSettings(**raw["rulings"]),
                        "min_confidence": float(check["min_confidence"]),
                        "confusable": tuple(check["confusable"])})


@dataclass(frozen=True)
class OcrSettings:
    """Per run: where OCR results are cached (None: not cached) and how many pages a document may
    have OCR'd (None: ocr.yml's page_budget)."""

    cache_folder: Path | None = None
    page_budget: int | None = None

    @classmethod
    def beside(cls, db_path: Path | str) -> OcrSettings:
        """The cache in the warehouse's folder (data/ocr_cache), ocr.yml's page budget."""
        return cls(cache_folder=Path(db_path).resolve().parent / config().cache_folder)

    @property
    def budget(self) -> int:
        return config().page_budget if self.page_budget is None else self.page_budget


@dataclass
class OcrPage:
    """One page read by OCR (raw.ocr_pages): how, at what cost, and what it gave."""

    page: int
    reason: str  # why the page is a scan
    status: str = "ocr"  # ocr | failed | over_budget
    error: str | None = None
    engine: str | None = None
    model: str | None = None
    seconds: float | None = None  # OCR time (0 when cached)
    cached: bool = False
    rotation: int = 0  # degrees the page image was turned to read it
    n_lines: int = 0
    n_cells: int = 0  # cells of standard tables read from it (set by the pipeline)
    n_suspect_cells: int = 0
    scores: dict[str, float] = field(default_factory=dict)  # printed cell text -> lowest score

    def record(self) -> dict[str, Any]:
        row = asdict(self)
        row.pop("scores")
        return row


def render(page: Any, dpi: int) -> Any:
    """The page as a BGR image at dpi."""
    return page.render(scale=dpi / 72).to_numpy()[:, :, :3]


def _cache_file(folder: Path, image: Any, cfg: OcrConfig) -> Path:
    digest = hashlib.sha256(f"{cfg.engine}|{cfg.model_size}|{cfg.dpi}|{image.shape}".encode())
    digest.update(image.tobytes())
    return folder / f"{digest.hexdigest()}.json"


def _load(path: Path) -> tuple[int, list[OcrLine]] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return int(data["rotation"]), [OcrLine(**line) for line in data["lines"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _store(path: Path, rotation: int, lines: list[OcrLine]) -> None:
    """Cache a page's reading; a cache that cannot be written costs the next run's time only."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps({"rotation": rotation, "lines": [asdict(x) for x in lines]},
                                        ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, path)  # workers racing on one page write the same result
    except OSError as exc:
        log.warning("OCR cache %s not written: %s", path, exc)


def read_page(page: Any, number: int, reason: str, settings: OcrSettings) -> tuple[list[PrintedRow], OcrPage]:
    """The printed rows of a scanned page and its OCR record. Raises OcrUnavailable."""
    try:  # OpenCV only when a page is scanned
        from .ocr_glyphs import page_reading
    except ImportError as exc:
        raise OcrUnavailable(NOT_INSTALLED) from exc
    cfg = config()
    record = OcrPage(number, reason, engine=cfg.engine, model=cfg.model)
    image = render(page, cfg.dpi)
    path = _cache_file(settings.cache_folder, image, cfg) if settings.cache_folder else None
    hit = _load(path) if path else None
    started = time.monotonic()
    if hit is None:
        read = engine(cfg.model_size, settings.cache_folder)
        rotation, lines = page_reading(image, read)
        if path:
            _store(path, rotation, lines)
    else:
        rotation, lines = hit
    record.seconds, record.cached = round(time.monotonic() - started, 3), hit is not None
    record.rotation, record.n_lines = rotation, len(lines)
    rows, record.scores = page_rows_from_lines(image, rotation, lines, cfg)
    return rows, record


def page_rows_from_lines(image: Any, rotation: int, lines: list[OcrLine],
                         cfg: OcrConfig) -> tuple[list[PrintedRow], dict[str, float]]:
    from .ocr_glyphs import rotated, rows_and_scores

    return rows_and_scores(rotated(image, rotation), lines, cfg.dpi / 72, cfg.rulings)


def _squeezed(text: str) -> str:
    return "".join(text.split())


def mark_ocr_cells(cells: list[Cell], pages: list[OcrPage]) -> None:
    """Cells printed on pages read by OCR get source 'ocr' and their characters' lowest score."""
    read = {p.page: {_squeezed(t): s for t, s in p.scores.items()} for p in pages if p.status == "ocr"}
    for cell in cells:
        scores = read.get(cell.page) if cell.page is not None else None
        if scores is not None:
            cell.source, cell.ocr_confidence = "ocr", scores.get(_squeezed(cell.raw_text))


def ocr_report(pages: list[OcrPage], cells: list[Cell],
               suspect: set[tuple[str, int, str]]) -> tuple[list[dict[str, Any]], ExtractionIssue | None]:
    """raw.ocr_pages rows (cells and suspect cells counted per page) and the document's OCR summary
    issue; suspect: (table_code, row_index, column_key) of the OCR'd cells that may be misread."""
    for p in pages:
        on_page = [c for c in cells if c.source == "ocr" and c.page == p.page]
        p.n_cells = len(on_page)
        p.n_suspect_cells = sum((c.table_code, c.row_index, c.column_key) in suspect for c in on_page)
    read = [p for p in pages if p.status == "ocr"]
    if not pages:
        return [], None
    message = (f"{len(read)} of {len(pages)} scanned pages read by OCR ({config().engine} {config().model}): "
               f"{sum(p.n_cells for p in read)} table cells OCR'd, {sum(p.n_suspect_cells for p in read)} suspect")
    return [p.record() for p in pages], ExtractionIssue("warning", message)
