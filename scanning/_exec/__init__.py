"""Outside programs, one small module each; the only place ecase starts processes.

- ``run()`` (here) starts a program with a timeout and a controlled environment and
  turns "not installed" and "timed out" into ``scanning.errors`` exceptions.
- ``tesseract``: OCR and version checks.
- ``pdftoppm``: rasterise a PDF page that is not a single scanned image.
- ``qpdf``: version check only (parsing goes through pikepdf inside the sandbox).

Keeping every ``subprocess`` call behind ``run()`` means there is one place to audit
what untrusted input is handed to which program, and one place to set resource limits.
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Mapping, Sequence

from scanning.errors import MissingDependencyError, ScanError

log = logging.getLogger(__name__)

#: Environment every child gets on top of ours: one OpenMP thread per Tesseract, because
#: we parallelise across pages with processes, and Tesseract's own threads only fight them.
BASE_ENV: Mapping[str, str] = {"OMP_THREAD_LIMIT": "1", "LC_ALL": "C"}


class ProgramTimeout(ScanError):
    """An outside program ran past its time limit and was killed."""


class ProgramFailed(ScanError):
    """An outside program exited with an error status."""

    def __init__(self, program: str, returncode: int, stderr: str) -> None:
        self.program = program
        self.returncode = returncode
        self.stderr = stderr
        super().__init__(f"{program} failed with exit status {returncode}: {stderr.strip()[:300]}")


def run(
    args: Sequence[str],
    *,
    input: bytes | None = None,
    timeout: float | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``args`` and return its completed process (stdout/stderr as bytes).

    Raises MissingDependencyError when the program is not installed, ProgramTimeout
    when it ran past ``timeout`` seconds, and ProgramFailed on a non-zero exit when
    ``check`` is true.
    """
    child_env = dict(os.environ)
    child_env.update(BASE_ENV)
    if env:
        child_env.update(env)
    log.debug("run %s", args[0])
    try:
        proc = subprocess.run(
            list(args),
            input=input,
            capture_output=True,
            timeout=timeout,
            env=child_env,
            check=False,
        )
    except FileNotFoundError as e:
        raise MissingDependencyError(args[0]) from e
    except subprocess.TimeoutExpired as e:
        raise ProgramTimeout(f"{args[0]} ran longer than {timeout} s and was stopped") from e
    if check and proc.returncode != 0:
        raise ProgramFailed(args[0], proc.returncode, proc.stderr.decode("utf-8", "replace"))
    return proc


def spawn_python(module: str, *, env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start ``python -m module`` with pipes on stdin/stdout, for a streaming conversation.

    Used by ``scanning.sandbox``: a fresh interpreter (not a fork) so it works from
    threads, daemonic Celery workers and forked servers alike. stderr is discarded by the
    caller's choice of logging inside the child (it writes its own log lines to stderr,
    which we pass through to ours).
    """
    import sys

    child_env = dict(os.environ)
    child_env.update(BASE_ENV)
    child_env["PYTHONUNBUFFERED"] = "1"
    if env:
        child_env.update(env)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    child_env["PYTHONPATH"] = root + (os.pathsep + child_env["PYTHONPATH"] if child_env.get("PYTHONPATH") else "")
    return subprocess.Popen(
        [sys.executable, "-m", module],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=child_env,
        start_new_session=True,
    )
