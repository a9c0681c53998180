"""OCR: one engine interface, the engines behind it, and the helpers they share.

- :mod:`.engine`: the interface (:class:`Engine`: ``name``, ``version()``,
  ``available()``, ``read(image, dpi, layout, charset)`` → :class:`scanning.types.PageOCR`
  with confidences on 0..1), the registry (:func:`register`, :func:`get_engine`, chosen by
  ``ECASE_OCR_ENGINE``, default ``ppocr``: the better reader on the bench, see :mod:`.engine`) and :func:`characters`.
- :mod:`.lines`: words into lines (:func:`join_words`, :func:`add_line`).
- :mod:`.tesseract`: Tesseract (``tesseract``), a first-class engine beside PP-OCR.
- :mod:`.ppocr`: PP-OCR on ONNX Runtime (``ppocr``, the default; the ``ppocr`` extra, in both lock files).

Every OCR call of ``scanning`` (page, table cells, number re-reads, unread blocks, page
numbers) goes through an engine; each reading carries the engine's name and version
(``PageOCR.engine``, ``engine_version``).
"""

from __future__ import annotations

from scanning.ocr import ppocr as _ppocr  # noqa: F401 - registers "ppocr"
from scanning.ocr.engine import (
    DEFAULT_ENGINE,
    ENGINE_ENV,
    LAYOUTS,
    Engine,
    EngineOptions,
    Layout,
    Purpose,
    characters,
    default_options,
    engine_name,
    engine_of,
    get_engine,
    names,
    register,
)
from scanning.ocr.lines import add_line, join_words
from scanning.ocr.tesseract import TesseractEngine, ocr_image, parse_tsv

__all__ = [
    "DEFAULT_ENGINE", "ENGINE_ENV", "LAYOUTS", "Engine", "EngineOptions", "Layout", "Purpose", "TesseractEngine",
    "add_line", "characters", "default_options", "engine_name", "engine_of", "get_engine", "join_words", "names",
    "ocr_image", "parse_tsv", "register",
]
