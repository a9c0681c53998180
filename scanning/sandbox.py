"""Parse untrusted uploads in a child process that may crash, hang or eat memory.

PDF and image parsers are large C libraries (qpdf, poppler, libtiff, libjpeg) and the
hostile corpus holds files that make some of them segfault, loop or allocate without
bound. So ``scanning.sources`` runs in a fresh Python child (``python -m
scanning.sandbox``) with limits on address space (RLIMIT_AS), CPU time per page
(RLIMIT_CPU) and file size (RLIMIT_FSIZE), and the parent enforces a wall-clock timeout
per page. A crash, timeout or out-of-memory becomes a ``ParserCrashError`` naming the
file (and page); the caller's process never dies with it.

Streaming: the child writes each page's bytes to its own file in a private temporary
folder and announces it with one JSON line on stdout; the parent reads that file, deletes
it and yields the page, and only then tells the child to go on ("next"). At most one page
is in flight, so neither process ever holds the whole scan.

The child first opens and counts the file and says so; if it dies or hangs before that,
the whole file is refused. If it dies in the middle of a file, the page it was working on
is reported as failed and a new child resumes at the following page (up to ``Limits.max_restarts``
times), so one poisonous page does not cost the rest of the volume.

Public API (stable): ``iter_pages(path, *, name=None, limits=None)``, ``inspect(path, *,
name=None, limits=None)``, ``Limits``.
"""

from __future__ import annotations

import json
import logging
import os
import selectors
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from scanning import errors
from scanning._exec import spawn_python
from scanning.errors import InputFileError, ParserCrashError, scrub_paths
from scanning.sources import DEFAULT_DPI, ScanInfo, SourcePage

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for one sandboxed parser process."""

    memory_bytes: int = 2 * 1024**3  # address space (RLIMIT_AS)
    page_cpu_seconds: int = 60  # CPU time for one page (RLIMIT_CPU, raised per page)
    page_wall_seconds: float = 120.0  # wall-clock time the parent waits for one page
    open_wall_seconds: float = 60.0  # ... for opening the file / inspect
    file_bytes: int = 1024**3  # largest page file the child may write (RLIMIT_FSIZE)
    max_restarts: int = 3  # how many times a crashed child is restarted within one file


class _Child:
    """One sandboxed parser process and the line protocol to it."""

    def __init__(self, request: dict[str, object]) -> None:
        self.proc = spawn_python("scanning.sandbox")
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._fd = self.proc.stdout.fileno()
        self._buf = b""
        self._sel = selectors.DefaultSelector()
        self._sel.register(self._fd, selectors.EVENT_READ)
        self.send(request)

    def send(self, obj: object) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(obj).encode() + b"\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # the child died; the next read reports how

    def receive(self, timeout: float) -> dict[str, object] | None:
        """The next message, or None when the child ended; raises TimeoutError."""
        while b"\n" not in self._buf:
            if not self._sel.select(timeout):
                raise TimeoutError
            chunk = os.read(self._fd, 65536)
            if not chunk:
                return None
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return json.loads(line)

    def death(self) -> str:
        """Why the child ended, in words (after receive() returned None)."""
        try:
            rc = self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - it will be killed in close()
            return "the parser stopped responding"
        if rc < 0:
            sig = -rc
            if sig == signal.SIGXCPU:
                return "the parser used too much CPU time"
            if sig == signal.SIGKILL:
                return "the parser was killed (probably out of memory)"
            return f"the parser crashed ({signal.Signals(sig).name})"
        return f"the parser exited unexpectedly (status {rc})"

    def close(self) -> None:
        self._sel.close()
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass


def _rebuild_error(payload: dict[str, object]) -> InputFileError:
    cls = getattr(errors, str(payload.get("cls")), None)
    if not (isinstance(cls, type) and issubclass(cls, InputFileError)):
        cls = errors.DamagedFileError
    page = payload.get("page")
    return cls(str(payload["file"]), str(payload["reason"]), int(page) if page is not None else None)  # type: ignore[call-overload]


def inspect(path: str | os.PathLike[str], *, name: str | None = None, limits: Limits | None = None) -> ScanInfo:
    """``scanning.sources.inspect`` run in a sandboxed child."""
    limits = limits or Limits()
    label = name or os.path.basename(os.path.normpath(os.fspath(path)))
    child = _Child({"cmd": "inspect", "path": os.fspath(path), "name": label, "limits": asdict(limits)})
    try:
        try:
            msg = child.receive(limits.open_wall_seconds)
        except TimeoutError:
            raise ParserCrashError(label, f"reading the file took longer than {limits.open_wall_seconds:g} s") from None
        if msg is None:
            raise ParserCrashError(label, child.death())
        if "error" in msg:
            raise _rebuild_error(msg["error"])  # type: ignore[arg-type]
        info = msg["info"]
        return ScanInfo(str(info["media_type"]), int(info["page_count"]))  # type: ignore[index]
    finally:
        child.close()


def iter_pages(
    path: str | os.PathLike[str],
    *,
    name: str | None = None,
    limits: Limits | None = None,
    workdir: str | os.PathLike[str] | None = None,
) -> Iterator[SourcePage]:
    """``scanning.sources.iter_pages`` run in a sandboxed child, page by page.

    Raises InputFileError (a ParserCrashError when the parser died) if the file cannot be
    opened at all; a page that alone failed or killed the parser comes out with ``error``.
    """
    limits = limits or Limits()
    label = name or os.path.basename(os.path.normpath(os.fspath(path)))
    tmp = tempfile.mkdtemp(prefix="ecase-pages-", dir=workdir)
    start, restarts = 1, 0
    try:
        while True:
            child = _Child(
                {"cmd": "pages", "path": os.fspath(path), "name": label, "start": start,
                 "outdir": tmp, "limits": asdict(limits)}
            )
            opened = False
            try:
                while True:
                    wait = limits.page_wall_seconds if opened else limits.open_wall_seconds
                    try:
                        msg = child.receive(wait)
                    except TimeoutError:
                        what = "reading the page" if opened else "opening the file"
                        why = f"{what} took longer than {wait:g} s"
                        msg = None
                    else:
                        why = child.death() if msg is None else ""
                    if msg is None:
                        break
                    if "opened" in msg:
                        opened = True
                        continue
                    if "done" in msg:
                        return
                    if "error" in msg:
                        raise _rebuild_error(msg["error"])  # type: ignore[arg-type]
                    page = msg["page"]
                    assert isinstance(page, dict)
                    data = b""
                    if page.get("file"):
                        with open(page["file"], "rb") as f:
                            data = f.read()
                        os.unlink(page["file"])
                    start = int(page["index"]) + 1
                    yield SourcePage(
                        int(page["index"]), data, str(page["media_type"]), int(page["width"]),
                        int(page["height"]), int(page["dpi"]), source=str(page["source"]),
                        error=scrub_paths(str(page["error"]), label) if page.get("error") else None,
                    )
                    child.send("next")
            finally:
                child.close()
            # The child died or hung: opening the file, or on page ``start``.
            log.warning("%s: parser failed at page %d: %s", label, start, why)
            if not opened:
                raise ParserCrashError(label, why)
            err = ParserCrashError(label, why, start)
            yield SourcePage(start, b"", "", 0, 0, DEFAULT_DPI, source=label, error=str(err))
            restarts += 1
            if restarts > limits.max_restarts:
                raise ParserCrashError(label, f"{why}; gave up after {restarts} failures", start)
            start += 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- child side


def _set_limits(limits: dict[str, int]) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limits["memory_bytes"], limits["memory_bytes"]))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"], limits["file_bytes"]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _cpu_budget(seconds: int) -> None:
    """Allow ``seconds`` more CPU time from now (soft RLIMIT_CPU; SIGXCPU ends us)."""
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    now = int(used.ru_utime + used.ru_stime) + 1
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    soft = now + seconds
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _child_main() -> int:
    from scanning import sources

    # Keep the protocol channel private: C libraries that print to fd 1 go to stderr.
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    request = json.loads(sys.stdin.readline())
    limits = request["limits"]
    _set_limits(limits)

    def say(obj: object) -> None:
        proto.write(json.dumps(obj) + "\n")
        proto.flush()

    def fail(e: BaseException) -> None:
        if isinstance(e, InputFileError):
            payload = {"cls": type(e).__name__, "file": e.file, "reason": e.reason, "page": e.page}
        elif isinstance(e, MemoryError):
            payload = {"cls": "ParserCrashError", "file": request["name"], "reason": "the parser ran out of memory", "page": None}
        else:
            payload = {"cls": "DamagedFileError", "file": request["name"],
                       "reason": f"the file cannot be read ({type(e).__name__}: {str(e)[:200]})", "page": None}
        say({"error": payload})

    _cpu_budget(limits["page_cpu_seconds"])
    try:
        if request["cmd"] == "inspect":
            info = sources.inspect(request["path"], name=request["name"])
            say({"info": {"media_type": info.media_type, "page_count": info.page_count}})
            return 0
        # Open (and count) first, so the parent can tell "this file is unreadable" from
        # "this page killed the parser", and time each page separately.
        info = sources.inspect(request["path"], name=request["name"])
        say({"opened": info.page_count})
        _cpu_budget(limits["page_cpu_seconds"])
        for page in sources.iter_pages(request["path"], name=request["name"], start=request["start"]):
            file = None
            if page.data:
                file = os.path.join(request["outdir"], f"page-{page.index:06d}")
                with open(file, "wb") as f:
                    f.write(page.data)
            meta = {k: getattr(page, k) for k in ("index", "media_type", "width", "height", "dpi", "source", "error")}
            say({"page": {**meta, "file": file}})
            page = None  # type: ignore[assignment]  # free the bytes before waiting
            if sys.stdin.readline().strip() != '"next"':
                return 0
            _cpu_budget(limits["page_cpu_seconds"])
        say({"done": True})
    except Exception as e:  # noqa: BLE001 - everything becomes a message to the parent
        fail(e)
    except MemoryError as e:
        fail(e)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="sandbox: %(message)s")
    sys.exit(_child_main())
