"""Tesseract, the OCR engine: is it installed, which version, and run it on one image.

Recognition goes through pytesseract's ``image_to_data`` (the project's chosen binding),
which returns Tesseract's TSV table; ``scanning.ocr`` parses it. ecase runs one Tesseract
thread per page and parallelises across pages, so this module sets
``OMP_THREAD_LIMIT=1`` for the Tesseract processes it starts (pytesseract passes the
environment on). Every call carries a timeout.
"""

from __future__ import annotations

import functools
import io
import os
import re
import shutil

from PIL import Image

from scanning._exec import BASE_ENV, ProgramFailed, ProgramTimeout, run
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


def tsv(
    image: Image.Image, *, lang: str, psm: int, timeout: float = 300, dpi: int | None = None, whitelist: str | None = None
) -> str:
    """Run Tesseract on ``image`` (through pytesseract) and return its TSV (one row per box).

    ``whitelist`` limits the characters Tesseract may answer with (e.g. digits only).
    """
    import pytesseract

    for name, value in BASE_ENV.items():
        os.environ.setdefault(name, value)
    config = f"--psm {psm}" + (f" --dpi {dpi}" if dpi else "")
    if whitelist:
        if not re.fullmatch(r"[0-9A-Za-z~\-]+", whitelist):
            raise ValueError(f"whitelist must be plain ASCII letters, digits, - or ~: {whitelist!r}")
        config += f" -c tessedit_char_whitelist={whitelist}"
    if image.mode not in ("L", "RGB", "1"):
        image = image.convert("RGB")
    try:
        text: str = pytesseract.image_to_data(image, lang=lang, config=config, timeout=timeout)
    except pytesseract.TesseractNotFoundError as e:
        raise MissingDependencyError(PROGRAM) from e
    except pytesseract.TesseractError as e:
        message = str(e.message) if hasattr(e, "message") else str(e)
        if "Failed loading language" in message:
            raise MissingDependencyError(f"tesseract-ocr-{lang}", "language data not installed") from e
        raise ProgramFailed(PROGRAM, int(getattr(e, "status", 1) or 1), message) from e
    except RuntimeError as e:  # pytesseract's timeout
        if "timeout" in str(e).lower():
            raise ProgramTimeout(f"{PROGRAM} ran longer than {timeout} s and was stopped") from e
        raise
    return text


def osd(image: Image.Image, *, timeout: float = 60) -> str:
    """Run Tesseract's orientation and script detection; return its text report."""
    out = run([PROGRAM, "stdin", "stdout", "--psm", "0"], input=_pnm_bytes(image), timeout=timeout, check=False)
    return out.stdout.decode("utf-8", "replace") + out.stderr.decode("utf-8", "replace")
