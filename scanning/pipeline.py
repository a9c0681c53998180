"""One page pipeline, owned here: from page bytes to an upright, OCRed page, and from a
scan's pages to their final readings. The worker (``ecase.intake.tasks``) and ``ecase
extract`` (``scanning.extract``) both call these and nothing else, so an ingested volume and
``ecase extract`` give the same pages and fields (tests/scanning/test_one_pipeline.py).

The steps, in order:

1. per page (:func:`process_page`): decode, refuse a flat (damaged) page, detect blank,
   turn upright and deskew, clean the OCR input, OCR, read the blocks the layout analysis
   left unread (``scanning.unread``), find the page's ruling lines (``PageOCR.rules``,
   ``scanning.tables.find_rules``, on the OCR input), read the paper page number in a top corner when the
   page's OCR missed it (``scanning.paper_numbers``);
2. per scan (:func:`finish_pages`, once every page of the scan is through step 1): pages of
   table documents read again cell by cell or as one block (:func:`reread_tables`), and
   their paper page number read again on the new reading.

Public API (stable):

- ``process_page(image_bytes, *, dpi, index, media_type=None, lang="chi_sim", name="", engine=None)
  -> (PageResult, upright_bytes | None)``: step 1 with ``engine`` (a name of
  :mod:`scanning.ocr`; None: ``ECASE_OCR_ENGINE``, else the default engine) (the OCR input
  alone is cleaned: red seal ink dropped out, faint marks away from the text cleared, see
  ``scanning.pages.clean``). ``upright_bytes`` is the page as OCRed (boxes in
  ``PageResult.ocr`` are in its pixels): JPEG when the input was JPEG, else PNG; None when
  the original already is that image (upright, straight, not rescaled).
  A page that cannot be read gives a PageResult with ``error`` set; it does not raise.
- ``finish_pages(pages, image_of) -> list[PageResult]``: step 2 over one scan's pages in
  order; ``image_of(page)`` gives the page's upright image bytes (``upright_bytes``, else
  the original) or None. Pages' ``ocr`` is replaced in place; the pages changed are returned.
- ``process_scan(paths, *, jobs=None, lang="chi_sim", limits=None, engine=None) -> Iterator[ScanPage]``:
  step 1 for every page of every file in order (indexes continue across files;
  ``ScanPage.file`` says which file), sources read in the
  sandbox (``scanning.sandbox``), pages processed in parallel worker processes (``jobs``,
  default all cores; one OCR thread each (``ECASE_OCR_THREADS``); ``jobs=1`` runs in this process, e.g.
  inside a daemonic Celery worker). At most ``2 * jobs`` pages are in flight. Raises
  InputFileError when a file cannot be read at all (pages of earlier files have been
  yielded by then).
- ``read_scans(paths, *, jobs=None, lang="chi_sim", limits=None, engine=None) -> list[ScanPage]``:
  both steps: ``process_scan``, then ``finish_pages`` per file (each file is one scan, as
  each upload is for the worker).
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from PIL import Image

from scanning import sandbox
from scanning.errors import DamagedPageError, InputFileError, ScanError
from scanning.marks import read_ticks
from scanning.ocr import Engine, engine_of, get_engine
from scanning.pages import encode, is_blank, load_page, ocr_input, small_grey, suppress_red, text_axis_and_skew
from scanning.pages.orient import orient_and_read
from scanning.paper_numbers import read_corner_numbers
from scanning.sources import SourcePage
from scanning.tables import find_rules
from scanning.types import PageOCR, PageResult
from scanning.unread import read_gaps, read_unread

log = logging.getLogger(__name__)

#: Pages scanned finer than this are brought down to OCR_DPI for OCR (speed; Tesseract
#: reads 300 dpi best).
MAX_OCR_DPI = 400
OCR_DPI = 300
#: Never hand Tesseract more pixels than this (A3 at 400 dpi is 31 Mpx).
MAX_OCR_PIXELS = 40_000_000
#: Skew below this is left alone: Tesseract copes, and resampling costs time and quality.
MIN_DESKEW_DEG = 0.3

_TRANSPOSE = {
    90: Image.Transpose.ROTATE_270,  # PIL turns counter-clockwise
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}


@dataclass(slots=True)
class ScanPage:
    """One page out of ``process_scan``: the result, the page as uploaded, the upright
    image, and which of the files given it came from (0-based)."""

    result: PageResult
    original: SourcePage
    upright: bytes | None
    file: int = 0

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

    scale = OCR_DPI / dpi if dpi > MAX_OCR_DPI else 1.0
    if img.width * img.height * scale * scale > MAX_OCR_PIXELS:
        scale = (MAX_OCR_PIXELS / (img.width * img.height)) ** 0.5
    out_dpi = max(1, round(dpi * scale))
    if scale < 1.0:
        size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        img = img.resize(size, Image.Resampling.LANCZOS)

    # One resampling per page and turn tried: turn and deskew the page itself (colour kept,
    # for the derived image), then make the OCR input from it. Bilinear: bicubic costs twice
    # as much and reads no better at 200-400 dpi. A half turn of a page read already is a
    # lossless transpose of its OCR input (turns about the centre commute).
    # Tesseract reads a cleaned grey copy of the same pixels (boxes stay in the page's
    # coordinates): red seal ink dropped out and everything that is not near text ink set
    # to the paper tone, so seals, noise and shading no longer make Tesseract's layout
    # analysis throw away the blocks they touch (dates, authorities). Measured on
    # bench/recognition.py: field accuracy 0.817 -> 0.830 at +0.04 s CPU a page.
    # Upscaling low-dpi pages, denoising filters and binarising first did not pay.
    # Which way up: scanning.pages.orient (profile, line boxes, classifier, OSD, readings).
    uprights: dict[int, Image.Image] = {}

    def prepare(clockwise: int, skew_deg: float) -> Image.Image:
        straighten = skew_deg if abs(skew_deg) >= MIN_DESKEW_DEG else 0.0
        uprights[clockwise] = _turn(img, clockwise, straighten)
        return ocr_input(uprights[clockwise], out_dpi)

    found = orient_and_read(small, prepare, engine, out_dpi, page=img, geometry=geo)
    turn, ocr, ocr_src = found.turn, found.reading.ocr, found.reading.image
    skew = found.skew if abs(found.skew) >= MIN_DESKEW_DEG else 0.0
    upright = uprights[turn] if turn in uprights else _turn(uprights[(turn + 180) % 360], 180, 0.0)
    uprights.clear()
    # Blocks of text the layout analysis returned as no text (a heading on a speckled page,
    # a sign-off under a seal) are found by their ink and read again (scanning.unread).
    ocr = read_unread(ocr_src, ocr, dpi=out_dpi, engine=engine)
    # Characters skipped inside a line (a figure filled in another typeface) are read again.
    ocr = read_gaps(ocr_src, ocr, dpi=out_dpi, engine=engine)
    # The page's ruling lines, on the very pixels the words were read from (same frame).
    ocr.rules = find_rules(ocr_src, out_dpi)
    # Ticks the recogniser lost, inside options' brackets and boxes it read as empty (scanning.marks).
    ocr = read_ticks(ocr_src, ocr)
    ocr = paper_number(upright, ocr, engine)
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


def paper_number(upright: Image.Image, ocr: PageOCR, engine: Engine | None = None) -> PageOCR:
    """``ocr`` with the paper page number added when the page's OCR missed it
    (:func:`scanning.paper_numbers.read_corner_numbers` on the upright page, by ``engine``,
    else the one that read ``ocr``). The number is a help, never a reason to fail the page."""
    try:
        return read_corner_numbers(upright, ocr, engine)
    except (OSError, ScanError) as e:
        log.info("page number not read: %s", e)
        return ocr


# --------------------------------------------------------------------------- per scan

#: Documents printed as ruled tables. Tesseract's automatic layout analysis (psm 3) drops
#: whole columns of such tables (sequence numbers, page numbers, the head of document
#: numbers); reading the page as one uniform block (layout "block", psm 6) keeps the rows whole.
TABLE_TYPES = ("catalog", "acceptance_form")
TABLE_LAYOUT = "block"


def _words_read(ocr: PageOCR | None) -> int:
    return sum(len(w.text) for w in ocr.words if w.conf >= 0.60) if ocr else 0


def reread_tables(pages: Sequence[PageResult], image_of: Callable[[PageResult], Image.Image | None]) -> int:
    """OCR the pages of table documents again: cell by cell when the page has a ruled grid
    (:func:`scanning.tables.read_table`), else as one block, keeping the fuller reading.

    ``image_of`` gives a page's upright image (as OCR'd by :func:`process_page`) or None.
    Each page is read again by the engine that read it; a new reading carries the page's
    ruling lines (:func:`scanning.tables.find_rules`) as the first did. Returns how many
    pages were replaced.
    """
    from scanning.recognition.split import split
    from scanning.tables import read_table

    wanted = {p: d.type for d in split(list(pages)) if d.type in TABLE_TYPES
              for p in range(d.first_page, d.last_page + 1)}
    replaced = 0
    for page in pages:
        if page.index not in wanted or page.blank or page.ocr is None:
            continue
        img = image_of(page)
        if img is None:
            continue
        grey, _ = suppress_red(img)
        engine = engine_of(page.ocr)
        table = read_table(grey, page.ocr, dpi=page.dpi, numbers=wanted[page.index] == "catalog", engine=engine)
        # the new reading loses ticks and printed boxes as the first did (scanning.marks)
        if table is not None:
            page.ocr = read_ticks(grey, table)
            replaced += 1
            continue
        again = engine.read(grey, None, TABLE_LAYOUT)
        if _words_read(again) > _words_read(page.ocr):
            again.rules = find_rules(grey, page.dpi)
            page.ocr = read_ticks(grey, again)
            replaced += 1
    return replaced


def finish_pages(pages: Sequence[PageResult], image_of: Callable[[PageResult], bytes | None]) -> list[PageResult]:
    """The steps that need the whole scan, after :func:`process_page` on each of its pages:
    pages of table documents read again (:func:`reread_tables`), and on each page read
    again its paper page number (:func:`paper_number`: the new reading has lost the word).

    ``pages``: one scan's pages in scan order (pages with an error are passed over, as
    they are by the worker, which never stores their OCR); ``image_of(page)``: the page's
    upright image bytes, or None. The pages' ``ocr`` is replaced in place; returns the
    pages whose reading changed."""
    readable = [p for p in pages if p.error is None]
    before = {id(p): p.ocr for p in readable}
    images: dict[int, Image.Image] = {}

    def image(page: PageResult) -> Image.Image | None:
        if id(page) not in images:
            data = image_of(page)
            if data is None:
                return None
            img = load_page(data)[0]
            images[id(page)] = img if img.mode in ("L", "RGB") else img.convert("L")
        return images[id(page)]

    if not reread_tables(readable, image):
        return []
    changed = [p for p in readable if p.ocr is not before[id(p)] and p.ocr is not None]
    for p in changed:
        assert p.ocr is not None
        p.ocr = paper_number(images[id(p)], p.ocr)
    return changed


# --------------------------------------------------------------------------- whole scans


def _work(page: SourcePage, lang: str, engine: str | None = None) -> tuple[PageResult, bytes | None]:
    return process_page(page.data, dpi=page.dpi, index=page.index, media_type=page.media_type, lang=lang,
                        name=page.source, engine=engine)


def _pages(paths: Iterable[str | os.PathLike[str]], limits: sandbox.Limits | None,
           files: dict[int, int]) -> Iterator[SourcePage]:
    """Every page of ``paths``, numbered on across files; ``files`` gets each page's file."""
    offset = 0
    for file, path in enumerate(paths):
        last = 0
        for page in sandbox.iter_pages(path, limits=limits):
            last = page.index
            page.index += offset
            files[page.index] = file
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
    files: dict[int, int] = {}
    source = _pages(paths, limits, files)

    def _finish(page: SourcePage, result: PageResult, upright: bytes | None) -> ScanPage:
        return ScanPage(result=result, original=page, upright=upright, file=files.pop(page.index, 0))

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


def read_scans(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    jobs: int | None = None,
    lang: str = "chi_sim",
    limits: sandbox.Limits | None = None,
    engine: str | None = None,
) -> list[ScanPage]:
    """Both steps of the pipeline over every page of ``paths``: :func:`process_scan`, then
    :func:`finish_pages` over each file's pages (each file is one scan, as each upload is
    for the worker)."""
    items = list(process_scan(paths, jobs=jobs, lang=lang, limits=limits, engine=engine))
    by_file: dict[int, list[ScanPage]] = {}
    for item in items:
        by_file.setdefault(item.file, []).append(item)
    for group in by_file.values():
        found = {id(i.result): i for i in group}
        finish_pages([i.result for i in group],
                     lambda r: (found[id(r)].upright or found[id(r)].original.data) if id(r) in found else None)
    return items
