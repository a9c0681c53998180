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
- **boxes**: a box read as empty (□ 口) whose inside holds such a stroke becomes ``☑``;
- **boxes not read at all**: a recogniser for lines of text often drops a printed box, or
  reads its side as ``1``. A small hollow square (four straight sides, as high as a
  character or a little less, nothing inside but a tick) found in the ink where no word was
  read, or under such a stray ``1``, and followed by words on its line, is put into the
  line as ``□``, and then ticked as above. A character's own square (口 of a word) lies
  under its word and is never taken for a box.

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
    changed = _put_lost_boxes(grey, lines)
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
        if words:  # a line that held nothing but a box's reading, now in the line of its words
            add_line(fixed, words)
    return fixed


#: what a recogniser makes of a box's side or of a tick over it when it reads the box at all
BOX_READINGS = set("□口☐■☑☒1lI|]!√✓✔VvYy")
#: a tick inks at least this share of a box's inside
TICK_INK = 0.04
#: a box's side is this share of a character's height, at least and at most
BOX_SIDE = (0.45, 1.3)


def _put_lost_boxes(grey: np.ndarray, lines: dict[int, list[Word]]) -> bool:
    """Put into ``lines`` (words by line number, changed in place) an empty box word ``□``
    for each printed box the reading lost (module docstring); whether any was put."""
    import cv2

    heights = sorted(w.box[3] - w.box[1] for ws in lines.values() for w in ws
                     if len(w.text) == 1 and "\u4e00" <= w.text <= "\u9fff")
    if len(heights) < 5:
        return False
    h = heights[len(heights) // 2]
    lo, hi = BOX_SIDE[0] * h, BOX_SIDE[1] * h
    _, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    k = max(3, int(0.7 * lo))
    # straight runs only: a tick's slanted strokes and the characters' curves fall away
    sides = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, k), np.uint8)) | \
        cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((k, 1), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(sides, connectivity=8)
    words = [w for ws in lines.values() for w in ws]
    put = False
    for c in range(1, n):
        x, y, bw, bh, _ = (int(v) for v in stats[c])
        if not (lo <= bw <= hi and lo <= bh <= hi and 0.75 <= bw / bh <= 1.33):
            continue
        if not _hollow_square(labels[y:y + bh, x:x + bw] == c):
            continue
        box = (x, y, x + bw, y + bh)
        under = [w for w in words if _overlap(w.box, box) > 0.3 * min(_area(w.box), _area(box))]
        if any(w.text not in BOX_READINGS for w in under):
            continue  # a character's square (口 of a word)
        line = under[0].line if under else _line_after(lines, box, h)
        if line is None:
            continue
        mark = "☑" if _ticked_box(grey, sides, box) else "□"
        if [w.text for w in under] == [mark]:
            continue  # read as it is
        for w in under:
            lines[w.line] = [o for o in lines[w.line] if o is not w]
        lines[line] = sorted([*lines[line], Word(mark, box, 0.5, line)], key=lambda w: w.box[0])
        words = [w for w in words if w not in under]
        put = True
    return put


def _ticked_box(grey: np.ndarray, sides: np.ndarray, box: Box) -> bool:
    """Whether the box at ``box`` (its sides in ``sides``) holds a tick: ink other than its
    sides, fainter ink too (a carbon copy's, a pale pen's), over :data:`TICK_INK` of its
    inside, in one stroke spanning a quarter of its side. Specks are no tick."""
    import cv2

    x0, y0, x1, y1 = box
    t = max(2, min(x1 - x0, y1 - y0) // 6) + 1
    region = grey[y0 + t:y1 - t, x0 + t:x1 - t]
    if region.size == 0 or min(region.shape) < 4:
        return False
    paper = float(np.percentile(grey[max(0, y0 - 20):y1 + 20, max(0, x0 - 20):x1 + 20], 90))
    marks = ((region < paper - 40) & (sides[y0 + t:y1 - t, x0 + t:x1 - t] == 0)).astype(np.uint8)
    if marks.mean() < TICK_INK:
        return False
    n, _, stats, _ = cv2.connectedComponentsWithStats(marks, connectivity=8)
    span = 0.25 * (x1 - x0)
    return any(max(int(stats[k][2]), int(stats[k][3])) >= span for k in range(1, n))


def _hollow_square(mask: np.ndarray) -> bool:
    """Whether ``mask`` (a component's straight runs, cut to its bounding box) is a square's
    four sides and little else: each side inked along most of its length, the middle empty."""
    bh, bw = mask.shape
    t = max(2, min(bh, bw) // 6)
    sides = (mask[:t].any(axis=0).mean(), mask[-t:].any(axis=0).mean(),
             mask[:, :t].any(axis=1).mean(), mask[:, -t:].any(axis=1).mean())
    if min(sides) < 0.8:
        return False
    inner = mask[bh // 4:bh - bh // 4, bw // 4:bw - bw // 4]
    return inner.size > 0 and float(inner.mean()) < 0.08


def _line_after(lines: dict[int, list[Word]], box: Box, h: int) -> int | None:
    """The line whose words go on right after ``box``: it spans the box's middle and a word
    of it starts within two characters to the box's right."""
    mid = (box[1] + box[3]) / 2
    best: tuple[float, int] | None = None
    for n, ws in lines.items():
        for w in ws:
            if not w.box[1] <= mid <= w.box[3]:
                continue
            gap = w.box[0] - box[2]
            if -0.2 * h <= gap <= 2 * h and (best is None or gap < best[0]):
                best = (gap, n)
    return None if best is None else best[1]


def _area(b: Box) -> float:
    return max(1, b[2] - b[0]) * max(1, b[3] - b[1])


def _overlap(a: Box, b: Box) -> float:
    return max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))


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
