"""The OCR engine interface, and the one place engines are registered and chosen.

An engine reads an upright image and answers a :class:`scanning.types.PageOCR`: lines,
and their words with boxes in the image's pixels. Characters: a Chinese character is a
word of its own (Tesseract's chi_sim habit, which PP-OCR's engine follows by splitting
its lines at the recogniser's character positions); a run of Latin letters and digits is
one word, whose characters :func:`characters` splits proportionally. Every confidence is
on one scale, 0..1 (-1 when the engine gave none).

Engines register by name with :func:`register`, the built-in ones (``tesseract``,
``ppocr``) exactly as an outside one would, or through the ``ecase.ocr_engines`` entry
point group (a callable taking :class:`EngineOptions`). :func:`get_engine` gives one
instance per process and options; the name defaults to the ``ECASE_OCR_ENGINE``
environment variable (the ``OCR_ENGINE`` setting), else :data:`DEFAULT_ENGINE`.

The default engine is chosen by issue 14's rule: the engine that meets the targets (field
accuracy >= 0.97 without the names file ...), else the one with the best field accuracy
above 0.4 pages/s. On bench/recognition.py (same corpus, same run) PP-OCR (``ppocr``,
PP-OCRv5 mobile) reads fields at 0.9774, Tesseract at 0.8724; intake throughput beside
OCRmyPDF 5.4x and 7.2x (bench/ocr_throughput.py), both far above 0.4 pages/s: ``ppocr``.
Measured again on corpus v8 (template families, issue 15): PP-OCR 0.9928 on the families
readers are tuned on and 0.8753 on those kept out, Tesseract 0.7654 and 0.7138.
Both lock files install PP-OCR (the ``ppocr`` extra); a machine without it must choose
``tesseract`` (``ECASE_OCR_ENGINE=tesseract``): an engine that cannot run is refused at once,
never swapped silently. Every page records which engine read it.
"""

from __future__ import annotations

import abc
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from PIL import Image

from scanning.errors import MissingDependencyError
from scanning.types import Box, PageOCR, Word

log = logging.getLogger(__name__)

#: How the image is laid out: a whole page (find blocks and lines), one block of lines
#: (a cut, a stacked sheet of table cells), one line.
Layout = Literal["page", "block", "line"]
LAYOUTS: tuple[str, ...] = ("page", "block", "line")
#: What a reading is for, so an engine can pick its model: ordinary text, a number cut
#: out alone (read once per model answered, the readings offered in that order), Latin
#: letters and digits (a page number in a corner).
Purpose = Literal["text", "numbers", "latin"]

ENGINE_ENV = "ECASE_OCR_ENGINE"
THREADS_ENV = "ECASE_OCR_THREADS"
BATCH_ENV = "ECASE_OCR_BATCH"
DEFAULT_ENGINE = "ppocr"


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """What an engine is made with. ``lang``: Tesseract's language model for text;
    ``threads``: threads one reading may use (pages are parallelised by processes, so 1);
    ``batch``: text lines recognised in one batch (PP-OCR)."""

    lang: str = "chi_sim"
    threads: int = 1
    batch: int = 6


class Engine(abc.ABC):
    """One OCR engine. Subclasses set ``name`` and implement the three methods."""

    name: str = ""
    #: Below this character-weighted mean confidence a page read once may be upside down,
    #: and the pipeline reads it turned half round as well (engines differ in how sure
    #: they say they are of garbage).
    doubt_below: float = 0.65
    #: The longest side of an image the engine reads at its own size; a larger one it brings
    #: down first (PP-OCR's detector), so its text shrinks. None: read at any size (Tesseract).
    max_side: int | None = None

    def __init__(self, options: EngineOptions | None = None) -> None:
        self.options = options or EngineOptions()

    @abc.abstractmethod
    def available(self) -> bool:
        """Whether the engine can run here (program, package and model files installed)."""

    @abc.abstractmethod
    def version(self) -> str:
        """The engine's version and its model's, recorded with every page it reads."""

    @abc.abstractmethod
    def read(self, image: Image.Image, dpi: int | None = None, layout: Layout = "page",
             charset: str | None = None, *, model: str | None = None) -> PageOCR:
        """Read ``image`` (upright). ``dpi`` when known; ``charset``: the only characters
        the answer may hold (e.g. ``"0123456789-"``); ``model``: one of :meth:`models`."""

    def may_be_upside_down(self, conf: float, chars: int) -> bool:
        """Whether a page read with mean confidence ``conf`` (0..1) and ``chars`` characters
        should be read turned half round as well."""
        return conf < self.doubt_below

    def models(self, purpose: Purpose = "text") -> tuple[str | None, ...]:
        """The models to read with for ``purpose`` (None: the engine's own)."""
        return (None,)

    def stamp(self, ocr: PageOCR) -> PageOCR:
        """``ocr`` marked as this engine's reading."""
        ocr.engine, ocr.engine_version = self.name, self.version()
        return ocr


Factory = Callable[[EngineOptions], Engine]
_FACTORIES: dict[str, Factory] = {}
_ENGINES: dict[tuple[str, EngineOptions], Engine] = {}
_LOCK = threading.Lock()
_ENTRY_POINTS_LOADED = False


def register(name: str, factory: Factory) -> None:
    """Make an engine known by ``name`` (a later registration of a name replaces it)."""
    _FACTORIES[name] = factory
    for key in [k for k in _ENGINES if k[0] == name]:
        del _ENGINES[key]


def _load_entry_points() -> None:
    global _ENTRY_POINTS_LOADED
    if _ENTRY_POINTS_LOADED:
        return
    _ENTRY_POINTS_LOADED = True
    from importlib.metadata import entry_points

    for ep in entry_points(group="ecase.ocr_engines"):
        if ep.name not in _FACTORIES:
            try:
                register(ep.name, ep.load())
            except Exception:  # noqa: BLE001 - a broken plug-in must not stop the built-in engines
                log.exception("OCR engine plug-in %s could not be loaded", ep.name)


def names() -> list[str]:
    """Every registered engine's name."""
    _load_entry_points()
    return sorted(_FACTORIES)


def engine_name(name: str | None = None) -> str:
    """``name``, else the ``ECASE_OCR_ENGINE`` environment variable, else :data:`DEFAULT_ENGINE`."""
    return name or os.environ.get(ENGINE_ENV, "").strip() or DEFAULT_ENGINE


def _env_int(var: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(var, "") or default))
    except ValueError:
        return default


def default_options(lang: str = "chi_sim") -> EngineOptions:
    """Options from the environment (``ECASE_OCR_THREADS``, ``ECASE_OCR_BATCH``)."""
    return EngineOptions(lang=lang, threads=_env_int(THREADS_ENV, 1), batch=_env_int(BATCH_ENV, 6))


def get_engine(name: str | None = None, *, lang: str = "chi_sim", options: EngineOptions | None = None) -> Engine:
    """The engine called ``name`` (see :func:`engine_name`), one instance per process and
    options. Raises MissingDependencyError when it is unknown or cannot run here."""
    name = engine_name(name)
    options = options or default_options(lang)
    key = (name, options)
    engine = _ENGINES.get(key)
    if engine is not None:
        return engine
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            _load_entry_points()
            if name not in _FACTORIES:
                raise MissingDependencyError(f"OCR engine {name!r}", f"known engines: {', '.join(names())}")
            engine = _FACTORIES[name](options)
            if not engine.available():
                raise MissingDependencyError(f"OCR engine {name!r}", "not installed here")
            _ENGINES[key] = engine
    return engine


def engine_of(ocr: PageOCR | None, *, lang: str = "chi_sim") -> Engine:
    """The engine that read ``ocr`` (to read more of the same page), else the default one."""
    return get_engine(ocr.engine if ocr is not None and ocr.engine else None, lang=lang)


def characters(word: Word) -> list[tuple[str, Box]]:
    """The characters of ``word`` with boxes: its box split in equal parts along x."""
    n = len(word.text)
    x0, y0, x1, y1 = word.box
    return [(ch, (x0 + (x1 - x0) * i // n, y0, x0 + (x1 - x0) * (i + 1) // n, y1)) for i, ch in enumerate(word.text)]
