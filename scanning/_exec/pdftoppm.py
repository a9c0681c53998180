"""pdftoppm (poppler): rasterise one PDF page that is not a single scanned image."""

from __future__ import annotations

import functools
import os
import re
import shutil

from scanning._exec import run

PROGRAM = "pdftoppm"


def is_installed() -> bool:
    return shutil.which(PROGRAM) is not None


@functools.cache
def version() -> str:
    out = run([PROGRAM, "-v"], timeout=30, check=False)
    m = re.search(r"version\s+(\d+\.\d+(?:\.\d+)?)", (out.stdout + out.stderr).decode("utf-8", "replace"))
    return m.group(1) if m else "unknown"


def render_png(path: str | os.PathLike[str], page: int, dpi: int, *, gray: bool = False, timeout: float = 120) -> bytes:
    """Render 1-based ``page`` of ``path`` at ``dpi`` and return PNG bytes."""
    args = [PROGRAM, "-png", "-singlefile", "-r", str(dpi), "-f", str(page), "-l", str(page)]
    if gray:
        args.append("-gray")
    args.append(os.fspath(path))
    return run(args, timeout=timeout).stdout
