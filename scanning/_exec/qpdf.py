"""qpdf: is it installed and which version (pikepdf links the same library).

ecase never hands untrusted files to the qpdf command outside the sandbox: Debian 12's
qpdf 11.3 segfaults on at least one file of the hostile corpus.
"""

from __future__ import annotations

import functools
import re
import shutil

from scanning._exec import run

PROGRAM = "qpdf"


def is_installed() -> bool:
    return shutil.which(PROGRAM) is not None


@functools.cache
def version() -> str:
    out = run([PROGRAM, "--version"], timeout=30)
    m = re.search(r"version\s+(\d+\.\d+(?:\.\d+)?)", out.stdout.decode("utf-8", "replace"))
    return m.group(1) if m else "unknown"
