"""From page bytes to an upright, OCRed page; and from uploaded files to a stream of them.

Public API (stable):

- ``process_page(image_bytes, *, dpi, index, media_type=None, lang="chi_sim", name="", engine=None)
  -> (PageResult, upright_bytes | None)``: decode, detect blank, turn upright, deskew, OCR
  with ``engine`` (a name of :mod:`scanning.ocr`; None: ``ECASE_OCR_ENGINE``, else tesseract)
  (the OCR input alone is cleaned: red seal ink dropped out, faint marks away from the
  text cleared, see ``scanning.pages.clean``). ``upright_bytes`` is the page as OCRed
  (boxes in ``PageResult.ocr`` are in its pixels): JPEG when the input was JPEG, else PNG;
  None when the original already is that image (upright, straight, not rescaled).
  A page that cannot be read gives a PageResult with ``error`` set; it does not raise.
- ``process_scan(paths, *, jobs=None, lang="chi_sim", limits=None, engine=None) -> Iterator[ScanPage]``:
  every page of every file in order (indexes continue across files), sources read in the
  sandbox (``scanning.sandbox``), pages processed in parallel worker processes (``jobs``,
  default all cores; one OCR thread each (``ECASE_OCR_THREADS``); ``jobs=1`` runs in this process, e.g.
  inside a daemonic Celery worker). At most ``2 * jobs`` pages are in flight. Raises
  InputFileError when a file cannot be read at all (pages of earlier files have been
  yielded by then).
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from PIL import Image

from scanning import sandbox
from scanning.errors import DamagedPageError, InputFileError, ScanError
from scanning.ocr import Engine, get_engine
from scanning.pages import encode, is_blank, load_page, ocr_input, small_grey, text_axis_and_skew
from scanning.sources import SourcePage
from scanning.types import PageOCR, PageResult
from scanning.unread import read_unread

log = logging.getLogger(__name__)

#: Pages scanned finer than this are brought down to OCR_DPI for OCR (speed; Tesseract
#: reads 300 dpi best).
MAX_OCR_DPI = 400
OCR_DPI = 300
#: Never hand Tesseract more pixels than this (A3 at 400 dpi is 31 Mpx).
MAX_OCR_PIXELS = 40_000_000
#: Skew below this is left alone: Tesseract copes, and resampling costs time and quality.
MIN_DESKEW_DEG = 0.3
#: A page read turned half round replaces the first reading when its mean confidence is
#: this much higher (0..1). Whether a page is read turned as well is the engine's call
#: (``Engine.may_be_upside_down``: Tesseract below a mean confidence of 0.65).
TURN_MARGIN = 0.05

_TRANSPOSE = {
    90: Image.Transpose.ROTATE_270,  # PIL turns counter-clockwise
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}


@dataclass(slots=True)
class ScanPage:
    """One page out of ``process_scan``: the result, the page as uploaded, the upright image."""

    result: PageResult
    original: SourcePage
    upright: bytes | None

    @property
    def upright_media_type(self) -> str | None:
        if self.upright is None:
            return None
        return "image/jpeg" if self.upright.startswith(b"\xff\xd8") else "image/png"


def _turn(img: Image.Image, clockwise: int, skew: float) -> Image.Image:
    if clockwise % 360:
        img = img.transpose(_TRANSPOSE[clockwise % 360])
    if skew:
        fill = 255 if img.mode == "L" else (255, 255, 255)
        img = img.rotate(skew, resample=Image.Resampling.BILINEAR, fillcolor=fill)
    return img


def confidence(ocr: PageOCR) -> tuple[float, int]:
    """Character-weighted mean word confidence (0..1), and the number of characters read."""
    total = weight = 0.0
    chars = 0
    for w in ocr.words:
        n = len(w.text)
        chars += n
        if w.conf >= 0:
            total += w.conf * n
            weight += n
    return (total / weight if weight else 0.0), chars


def process_page(
    image_bytes: bytes,
    *,
    dpi: int,
    index: int,
    media_type: str | None = None,
    lang: str = "chi_sim",
    name: str = "",
    engine: str | None = None,
) -> tuple[PageResult, bytes | None]:
    """Clean up and OCR one page; see the module docstring."""
    try:
        reader = get_engine(engine, lang=lang)
        return _process(image_bytes, dpi=dpi, index=index, media_type=media_type, engine=reader, name=name)
    except InputFileError as e:
        return PageResult(index=index, dpi=dpi, error=str(e)), None
    except ScanError as e:  # e.g. Tesseract timed out or failed on this page
        return PageResult(index=index, dpi=dpi, error=f"“{name}” 第{index}页 (page {index})：{e}"), None
    except MemoryError:
        return PageResult(index=index, dpi=dpi, error=f"“{name}” 第{index}页 (page {index})：内存不足 / out of memory"), None


def _process(
    image_bytes: bytes, *, dpi: int, index: int, media_type: str | None, engine: Engine, name: str
) -> tuple[PageResult, bytes | None]:
    img, exif_turn = load_page(image_bytes, file=name, index=index)
    _refuse_flat(img, name, index)
    dpi = dpi if dpi > 0 else OCR_DPI
    small = small_grey(img, dpi)
    blank, strokes = is_blank(small)
    if blank:
        log.debug("page %d blank (%d stroke pixels)", index, strokes)
        return PageResult(index=index, rotation=exif_turn, blank=True, dpi=dpi), None
    geo = text_axis_and_skew(small)
    skew = geo.skew_deg if abs(geo.skew_deg) >= MIN_DESKEW_DEG else 0.0

    scale = OCR_DPI / dpi if dpi > MAX_OCR_DPI else 1.0
    if img.width * img.height * scale * scale > MAX_OCR_PIXELS:
        scale = (MAX_OCR_PIXELS / (img.width * img.height)) ** 0.5
    out_dpi = max(1, round(dpi * scale))
    if scale < 1.0:
        size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        img = img.resize(size, Image.Resampling.LANCZOS)

    # One resampling per page: turn and deskew the page itself (colour kept, for the
    # derived image), then make the OCR input from it. Bilinear: bicubic costs twice as
    # much and reads no better at 200-400 dpi. A further half turn, if the first reading
    # says upside down, is a lossless transpose (turns about the centre commute).
    first = 90 if geo.vertical else 0
    upright = _turn(img, first, skew)
    # Tesseract reads a cleaned grey copy of the same pixels (boxes stay in the page's
    # coordinates): red seal ink dropped out and everything that is not near text ink set
    # to the paper tone, so seals, noise and shading no longer make Tesseract's layout
    # analysis throw away the blocks they touch (dates, authorities). Measured on
    # bench/recognition.py: field accuracy 0.817 -> 0.830 at +0.04 s CPU a page.
    # Upscaling low-dpi pages, denoising filters and binarising first did not pay.
    ocr_src = ocr_input(upright, out_dpi)
    turn, ocr = first, engine.read(ocr_src, out_dpi, "page")
    conf, chars = confidence(ocr)
    if engine.may_be_upside_down(conf, chars):
        other = (first + 180) % 360
        turned = ocr_src.transpose(Image.Transpose.ROTATE_180)
        ocr2 = engine.read(turned, out_dpi, "page")
        conf2, chars2 = confidence(ocr2)
        log.debug("page %d: conf %.2f at %d, %.2f at %d", index, conf, first, conf2, other)
        if conf2 > conf + TURN_MARGIN and chars2 >= min(chars, 3):
            turn, ocr, ocr_src = other, ocr2, turned
            upright = upright.transpose(Image.Transpose.ROTATE_180)
    # Blocks of text the layout analysis returned as no text (a heading on a speckled page,
    # a sign-off under a seal) are found by their ink and read again (scanning.unread).
    ocr = read_unread(ocr_src, ocr, dpi=out_dpi, engine=engine)
    rotation = (exif_turn + turn) % 360
    result = PageResult(index=index, rotation=rotation, skew_deg=skew, dpi=out_dpi, ocr=ocr)
    if turn == 0 and not skew and scale == 1.0 and exif_turn == 0:
        return result, None
    data, _ = encode(upright, media_type or _sniff_media(image_bytes), out_dpi)
    return result, data


#: a page nearly all of one grey value darker than this is no scan (see _refuse_flat)
FLAT_PAPER = 250
#: ... "nearly all": this share of its pixels or more
FLAT_SHARE = 0.995


def _refuse_flat(img: Image.Image, name: str, index: int) -> None:
    """A page whose pixels (all but a few) have one and the same value, darker than
    paper, is not a scan: a scanner's sensor never gives a flat image, and no paper is a
    flat grey or black. It is image data overwritten or lost in the file (a damaged strip
    read as one fill value), so the page is flagged, never filed as a blank page. A flat
    white page (a blank page made digitally) stays a blank page."""
    grey = img if img.mode == "L" else img.convert("L")
    hist = grey.histogram()
    value = max(range(256), key=hist.__getitem__)
    if value < FLAT_PAPER and hist[value] >= FLAT_SHARE * grey.width * grey.height:
        share = hist[value] / (grey.width * grey.height)
        raise DamagedPageError(name, f"{share:.1%} of the page is one flat grey value ({value}): "
                                     "its image data is lost", index)


def _sniff_media(data: bytes) -> str:
    return "image/jpeg" if data.startswith(b"\xff\xd8") else "image/png"


# --------------------------------------------------------------------------- whole scans


def _work(page: SourcePage, lang: str, engine: str | None = None) -> tuple[PageResult, bytes | None]:
    return process_page(page.data, dpi=page.dpi, index=page.index, media_type=page.media_type, lang=lang,
                        name=page.source, engine=engine)


def _pages(paths: Iterable[str | os.PathLike[str]], limits: sandbox.Limits | None) -> Iterator[SourcePage]:
    offset = 0
    for path in paths:
        last = 0
        for page in sandbox.iter_pages(path, limits=limits):
            last = page.index
            page.index += offset
            yield page
        offset += last


def process_scan(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    jobs: int | None = None,
    lang: str = "chi_sim",
    limits: sandbox.Limits | None = None,
    engine: str | None = None,
) -> Iterator[ScanPage]:
    """Every page of ``paths`` cleaned up and OCRed, in order; see the module docstring."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    engine = engine or None
    get_engine(engine, lang=lang)  # fail here, once, when the engine cannot run
    jobs = max(1, jobs or os.cpu_count() or 1)
    source = _pages(paths, limits)
    if jobs == 1:
        for page in source:
            yield _finish(page, *(_work(page, lang, engine) if not page.error else _failed(page)))
        return
    ctx = multiprocessing.get_context("forkserver")
    pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_limit_worker)
    inflight: deque[tuple[SourcePage, cf.Future[tuple[PageResult, bytes | None]] | None]] = deque()

    def collect() -> ScanPage:
        nonlocal pool
        page, fut = inflight.popleft()
        if fut is None:
            return _finish(page, *_failed(page))
        try:
            return _finish(page, *fut.result())
        except cf.process.BrokenProcessPool:
            # A worker died (a decoder crashed on some page in flight). Every future of
            # that pool fails; retry each such page alone so only the culprit is lost.
            if pool._broken:  # noqa: SLF001 - no public way to ask
                pool.shutdown(wait=False, cancel_futures=True)
                pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_limit_worker)
            return _finish(page, *_isolated(page, lang, ctx, engine))

    try:
        for page in source:
            inflight.append((page, None if page.error else pool.submit(_work, page, lang, engine)))
            while len(inflight) >= 2 * jobs:
                yield collect()
        while inflight:
            yield collect()
    finally:
        for _, fut in inflight:
            if fut is not None:
                fut.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


#: Address space of one page worker: a 150 Mpx page decodes in well under this; a decoder
#: running away gets a MemoryError (an error page) instead of the machine's OOM killer.
WORKER_MEMORY_BYTES = 4 * 1024**3


def _limit_worker() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_BYTES, WORKER_MEMORY_BYTES))


def _isolated(page: SourcePage, lang: str, ctx: multiprocessing.context.BaseContext,
              engine: str | None = None) -> tuple[PageResult, bytes | None]:
    with cf.ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=_limit_worker) as solo:
        try:
            return solo.submit(_work, page, lang, engine).result()
        except cf.process.BrokenProcessPool:
            log.error("page %d of %s crashed its worker process", page.index, page.source)
            reason = f"第{page.index}页 (page {page.index})：处理此页时程序崩溃 / the page crashed the image decoder"
            return PageResult(index=page.index, dpi=page.dpi, error=f"“{page.source}” {reason}"), None


def _failed(page: SourcePage) -> tuple[PageResult, None]:
    return PageResult(index=page.index, dpi=page.dpi, error=page.error), None


def _finish(page: SourcePage, result: PageResult, upright: bytes | None) -> ScanPage:
    return ScanPage(result=result, original=page, upright=upright)
