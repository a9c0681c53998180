"""Ticks OCR did not read: the mark inside an option's box or brackets, found by its ink.

Forms print their options as boxes (□报案 □投案) or brackets (（　）报案) and the chosen one
is ticked, often by pen. A recogniser trained on printed lines reads a tick poorly: a
box with a tick in it comes back as an empty box (□), and brackets with a √ between them
as empty brackets (（）). Which option was chosen is then lost to every reader.

:func:`read_ticks` looks at the pixels where the reading says an option's mark is empty:

- **brackets**: an opening bracket and a closing one read one after the other on a line,
  with room between them (where the form leaves the tick's place; their boxes may have
  taken the tick's ink in). When a stroke as large as a tick lies there, other than the
  brackets' own, a ``√`` is put between them;
- **boxes**: a box read as empty (□ 口) whose inside holds such a stroke becomes ``☑``.

Specks of noise, a seal's thin ring crossing the place or the box's own border are no
tick: only a stroke inside the place, large against it, counts. Nothing is ever taken
away from the reading; the words keep their boxes and the lines their order.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from PIL import Image

from scanning.ocr.lines import add_line
from scanning.types import Box, PageOCR, Word

OPEN = "(（"
CLOSE = ")）"
EMPTY_BOXES = "□口"
#: a tick's stroke spans at least this share of a character's height
SPAN = 0.35
#: ... and inks at least this share of a character's square
INK = 0.05


def read_ticks(image: Image.Image, ocr: PageOCR) -> PageOCR:
    """``ocr`` with the ticks found in its empty brackets and boxes (module docstring)."""
    if not ocr.words:
        return ocr
    grey = np.asarray(image.convert("L"))
    lines: dict[int, list[Word]] = {}
    for w in ocr.words:
        lines.setdefault(w.line, []).append(w)
    changed = False
    out: list[list[Word]] = []
    for n in sorted(lines):
        words = sorted(lines[n], key=lambda w: w.box[0])
        new: list[Word] = []
        for i, w in enumerate(words):
            if w.text in EMPTY_BOXES and _stroke(grey, _inside(w.box), w.box[3] - w.box[1]):
                w = Word("☑", w.box, w.conf, w.line)
                changed = True
            new.append(w)
            nxt = words[i + 1] if i + 1 < len(words) else None
            if nxt is not None and w.text in OPEN and nxt.text in CLOSE:
                h = max(w.box[3] - w.box[1], nxt.box[3] - nxt.box[1], 1)
                place = (w.box[0], min(w.box[1], nxt.box[1]), nxt.box[2], max(w.box[3], nxt.box[3]))
                if place[2] - place[0] >= 1.2 * h and _stroke(grey, place, h, brackets=True):
                    new.append(Word("√", (w.box[2], place[1], max(nxt.box[0], w.box[2] + 1), place[3]), 0.5, w.line))
                    changed = True
        out.append(new)
    if not changed:
        return ocr
    fixed = dataclasses.replace(ocr, words=[], lines=[])
    for words in out:
        add_line(fixed, words)
    return fixed


def _inside(box: Box) -> Box:
    """The inside of a box mark, clear of its border."""
    x0, y0, x1, y1 = box
    dx, dy = max(2, (x1 - x0) // 5), max(2, (y1 - y0) // 5)
    return (x0 + dx, y0 + dy, x1 - dx, y1 - dy)


def _stroke(grey: np.ndarray, box: Box, h: int, brackets: bool = False) -> bool:
    """Whether a stroke of ink as large as a tick lies in ``box`` (a character ``h`` high):
    one connected part spanning :data:`SPAN` of a character's height and 0.4 of its width
    (a bracket's stroke is narrower), inking :data:`INK` of a character's square. With ``brackets``, the brackets'
    own strokes (narrow, at the place's two ends) are no tick."""
    import cv2

    x0, y0, x1, y1 = (max(0, v) for v in box)
    region = grey[y0:y1, x0:x1]
    if region.size == 0 or min(region.shape) < 4:
        return False
    paper, dark = np.percentile(grey[max(0, y0 - 20):y1 + 20, max(0, x0 - 20):x1 + 20], 90), float(region.min())
    if paper - dark < 60:
        return False
    ink = (region < (paper + dark) / 2).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    width = region.shape[1]
    for k in range(1, n):
        x, _, bw, bh, area = (int(v) for v in stats[k])
        if brackets and bw < 0.45 * h and (x < 0.4 * h or x + bw > width - 0.4 * h):
            continue  # （ or ）
        if bh >= SPAN * h and bw >= 0.4 * h and area >= INK * h * h:
            return True
    return False
