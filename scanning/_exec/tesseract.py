"""Tesseract, the OCR engine: is it installed, which version, and run it on one image.

The image goes to Tesseract on stdin as uncompressed PNM (no temporary file, no PNG
compression cost) and the TSV comes back on stdout: the same table pytesseract's
``image_to_data`` returns, read here directly so that each call can carry its own
environment (``OMP_THREAD_LIMIT=1``) and timeout.
"""

from __future__ import annotations

import functools
import io
import re
import shutil

from PIL import Image

from scanning._exec import ProgramFailed, run
from scanning.errors import MissingDependencyError

PROGRAM = "tesseract"


def is_installed() -> bool:
    return shutil.which(PROGRAM) is not None


@functools.cache
def version() -> str:
    """The version string, e.g. ``5.3.0``."""
    out = run([PROGRAM, "--version"], timeout=30)
    text = (out.stdout + out.stderr).decode("utf-8", "replace")
    m = re.search(r"tesseract\s+v?(\d+\.\d+(?:\.\d+)?)", text)
    if not m:
        raise MissingDependencyError(PROGRAM, f"unrecognised version output: {text[:80]!r}")
    return m.group(1)


@functools.cache
def languages() -> frozenset[str]:
    out = run([PROGRAM, "--list-langs"], timeout=30)
    lines = (out.stdout + out.stderr).decode("utf-8", "replace").splitlines()
    return frozenset(line.strip() for line in lines[1:] if line.strip())


def _pnm_bytes(image: Image.Image) -> bytes:
    if image.mode not in ("L", "RGB", "1"):
        image = image.convert("RGB")
    buf = io.BytesIO()
    image.save(buf, format="PPM")
    return buf.getvalue()


def tsv(image: Image.Image, *, lang: str, psm: int, timeout: float = 300, dpi: int | None = None) -> str:
    """Run Tesseract on ``image`` and return its TSV output (one row per box)."""
    args = [PROGRAM, "stdin", "stdout", "-l", lang, "--psm", str(psm)]
    if dpi:
        args += ["--dpi", str(dpi)]
    args.append("tsv")
    try:
        out = run(args, input=_pnm_bytes(image), timeout=timeout)
    except ProgramFailed as e:
        if "Failed loading language" in e.stderr:
            raise MissingDependencyError(f"tesseract-ocr-{lang}", "language data not installed") from e
        raise
    return out.stdout.decode("utf-8", "replace")


def osd(image: Image.Image, *, timeout: float = 60) -> str:
    """Run Tesseract's orientation and script detection; return its text report."""
    out = run([PROGRAM, "stdin", "stdout", "--psm", "0"], input=_pnm_bytes(image), timeout=timeout, check=False)
    return out.stdout.decode("utf-8", "replace") + out.stderr.decode("utf-8", "replace")
