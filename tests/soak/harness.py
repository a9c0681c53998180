"""The fault soak: the real service under ``kill -9``, checked afterwards from its database.

No pytest here, so that ``tests/soak/test_soak.py`` and ``bench/soak.py`` share it.

What a run does (:func:`run_soak`):

1. makes a data directory and two units with a clerk each (``ecase users create``),
   starts the service as a user would (``ecase run --host 127.0.0.1 --port P``, each
   process in a session of its own, with short ``ECASE_LEASE_S`` and
   ``ECASE_SWEEP_INTERVAL_S``), logs the clerks in and makes each a personal API token
   (``/account/tokens``), as a person would in the browser;
2. uploads small synthetic scans (2–4 page PDFs and TIFFs drawn with PIL in a CJK font,
   all text made up) from several threads through ``POST /api/scans``; an upload is
   *acknowledged* when it was answered 2xx with a job and scan id, *unanswered* when the
   connection died after the request was sent (the kill), an *error* when answered
   otherwise. A refused connection (the service is down) is retried: nothing was sent;
3. meanwhile ``kill -9``s the whole process group (or, with separate workers, one
   worker's) at random moments and starts the service again, ``kills`` times;
4. after the last start waits, bounded, for every job to end: it gives up when nothing
   moved for ``LEASE_S + 3 × SWEEP_INTERVAL_S + stall_s`` seconds;
5. reads the database through ecase's own app and counts (see :class:`Figures`); exports
   every case (``ecase export``), checks each package (``ecase verify``) and its page
   counts against the database, and checks the audit trail (``ecase audit verify``).

All data is synthetic. Everything lives under the work directory given.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import http.client
import http.cookiejar
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent.parent

FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)

PASSWORD = "soak-password-不要用于生产"
UNITS = (("soak_clerk1", "天桥派出所"), ("soak_clerk2", "泺源派出所"))


def log_to_stderr(msg: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# synthetic scans


def font_path() -> str | None:
    return next((f for f in FONTS if os.path.exists(f)), None)


TITLES = ("受案登记表", "立案决定书", "询问笔录", "传唤证", "呈请拘留报告书")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
PLACES = ("天桥区北园大街", "历下区泉城路", "槐荫区经十路", "市中区英雄山路", "历城区山大路")


@dataclass(frozen=True)
class ScanFile:
    path: Path
    pages: int
    sha256: str


def make_scan(path: Path, serial: int, pages: int, rng: random.Random, *, dpi: int = 100) -> ScanFile:
    """A ``pages``-page scan (PDF or TIFF by ``path``'s suffix) of made-up documents: a
    title such as 受案登记表, the scan's serial, a few lines of text, a page number."""
    from PIL import Image, ImageDraw, ImageFont

    font_file = font_path()
    w, h = int(8.27 * dpi), int(11.69 * dpi)

    def font(size_pt: float) -> Any:
        px = max(8, int(size_pt * dpi / 72))
        if font_file is None:
            return ImageFont.load_default()
        return ImageFont.truetype(font_file, px)

    title_font, body_font = font(22), font(12)
    images = []
    for p in range(1, pages + 1):
        img = Image.new("L", (w, h), 255)
        d = ImageDraw.Draw(img)
        title = TITLES[(serial + p) % len(TITLES)]
        tw = d.textlength(title, font=title_font)
        d.text(((w - tw) / 2, int(1.0 * dpi)), title, font=title_font, fill=0)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        lines = [f"编号：测试第{serial:04d}号 第{p}页",
                 f"姓名：{name}  性别：{'男' if rng.random() < 0.5 else '女'}",
                 f"住址：济南市{rng.choice(PLACES)}{rng.randint(1, 300)}号",
                 f"时间：2018年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
                 "本页内容为测试用合成文字，不涉及任何真实人员与案件。"]
        y = int(1.8 * dpi)
        for line in lines:
            d.text((int(0.9 * dpi), y), line, font=body_font, fill=0)
            y += int(0.35 * dpi)
        d.text((w - int(0.9 * dpi), h - int(0.7 * dpi)), str(p), font=body_font, fill=0)
        images.append(img)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".pdf":
        images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi))
    else:
        images[0].save(path, "TIFF", save_all=True, append_images=images[1:], compression="tiff_deflate",
                       dpi=(dpi, dpi))
    return ScanFile(path, pages, hashlib.sha256(path.read_bytes()).hexdigest())


def case_number(n: int, salt: int = 0) -> str:
    """A well-formed case number (A + 22 digits), distinct for each ``n``."""
    return f"A3701050200002018{salt % 1000:03d}{n:03d}"


# ---------------------------------------------------------------------------------------
# backends


@dataclass
class Backend:
    """Where the service keeps its database and queue. ``workers`` > 0: the web service
    runs with ``--no-worker`` beside that many ``ecase worker`` processes."""

    name: str = "sqlite"
    database_url: str | None = None
    broker_url: str | None = None
    workers: int = 0
    worker_concurrency: int = 1


@contextlib.contextmanager
def sqlite_backend() -> Iterator[Backend]:
    yield Backend("sqlite")


@contextlib.contextmanager
def postgres_backend(postgres_url: str, redis_url: str, *, workers: int = 2) -> Iterator[Backend]:
    """A fresh PostgreSQL database (dropped afterwards) and an empty Redis database of its
    own (a number other than the one other tests use, flushed afterwards)."""
    from sqlalchemy import create_engine, text

    name = f"ecase_soak_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    redis_db_url, flush = _free_redis_db(redis_url)
    try:
        yield Backend("postgres", database_url=postgres_url.rsplit("/", 1)[0] + "/" + name,
                      broker_url=redis_db_url, workers=workers)
    finally:
        flush()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _free_redis_db(url: str) -> tuple[str, Callable[[], None]]:
    import redis

    parts = urllib.parse.urlsplit(url)
    taken = parts.path.strip("/") or "0"
    candidates = [n for n in range(1, 16) if str(n) != taken]
    random.SystemRandom().shuffle(candidates)
    for n in candidates:
        db_url = urllib.parse.urlunsplit(parts._replace(path=f"/{n}"))
        client = redis.Redis.from_url(db_url)
        try:
            # claim the database: only an empty one, marked as ours in one step
            if client.dbsize() == 0 and client.set("ecase-soak-claim", "1", nx=True):
                def flush(client: Any = client) -> None:
                    try:
                        client.flushdb()
                    finally:
                        client.close()
                return db_url, flush
        except Exception:
            client.close()
            raise
        client.close()
    raise RuntimeError(f"no empty Redis database free at {url}")


# ---------------------------------------------------------------------------------------
# the service


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ecase_command() -> list[str]:
    """``ecase`` of this interpreter's environment; ``python -m ecase.cli`` when there is
    no such script, or when PYTHONPATH names another tree to run (an older commit checked
    out elsewhere, to compare), so the command line says which one runs."""
    script = Path(sys.executable).parent / "ecase"
    if script.exists() and "PYTHONPATH" not in os.environ:
        return [str(script)]
    return [sys.executable, "-m", "ecase.cli"]


_LIVE: set[Service] = set()


@atexit.register
def _kill_leftovers() -> None:
    """The services run in sessions of their own, so an interrupted run would leave them
    behind: whatever this process started and did not stop is killed when it exits."""
    for service in list(_LIVE):
        with contextlib.suppress(Exception):
            service.kill("all")


class Service:
    """The running service: ``ecase run`` (and ``ecase worker`` processes), each in a
    process group of its own, restartable after a kill."""

    def __init__(self, data_dir: Path, backend: Backend, *, lease_s: int = 6, sweep_s: int = 3,
                 concurrency: int = 2, log_dir: Path | None = None, port: int | None = None,
                 extra_env: dict[str, str] | None = None, log: Callable[[str], None] = log_to_stderr) -> None:
        self.data_dir = data_dir
        self.backend = backend
        self.lease_s = lease_s
        self.sweep_s = sweep_s
        self.concurrency = concurrency
        self.log_dir = log_dir or data_dir.parent / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.extra_env = extra_env or {}
        self.log = log
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ECASE_")}
        env.update({
            "ECASE_DATA_DIR": str(self.data_dir),
            "ECASE_LEASE_S": str(self.lease_s),
            "ECASE_SWEEP_INTERVAL_S": str(self.sweep_s),
            "ECASE_WORKER_CONCURRENCY": str(self.concurrency),
            "ECASE_ADMIN_PASSWORD": PASSWORD,
            "ECASE_RATE_LIMIT": "100000/minute",
            "ECASE_RATE_LIMIT_UPLOAD": "100000/hour",
            "ECASE_RATE_LIMIT_LOGIN": "1000/minute",
            "ECASE_LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        })
        if self.backend.database_url:
            env["ECASE_DATABASE_URL"] = self.backend.database_url
        if self.backend.broker_url:
            env["ECASE_BROKER_URL"] = self.backend.broker_url
        env.update(self.extra_env)
        return env

    def app_config(self) -> dict[str, Any]:
        """The settings to read this service's data with ``ecase.create_app``."""
        config: dict[str, Any] = {"DATA_DIR": str(self.data_dir), "TASKS_EAGER": False,
                                  "LOG_LEVEL": "WARNING"}
        if self.backend.database_url:
            config["DATABASE_URL"] = self.backend.database_url
        if self.backend.broker_url:
            config["BROKER_URL"] = self.backend.broker_url
        return config

    def cli(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run ``ecase ARGS`` against this data (never raises on a non-zero exit)."""
        return subprocess.run([*ecase_command(), *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout, cwd=self.data_dir.parent)

    def _spawn(self, name: str, args: list[str]) -> None:
        out = open(self.log_dir / f"{name}.log", "ab")
        out.write(f"\n===== start {self.starts} at {time.strftime('%H:%M:%S')}: {' '.join(args)}\n".encode())
        out.flush()
        try:
            self.procs[name] = subprocess.Popen(args, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                                stdin=subprocess.DEVNULL, start_new_session=True,
                                                cwd=self.data_dir.parent)
            _LIVE.add(self)
        finally:
            out.close()

    def start(self, timeout: float = 120) -> None:
        """Start whatever is not running, and wait until the web service answers."""
        self.starts += 1
        run = [*ecase_command(), "run", "--host", "127.0.0.1", "--port", str(self.port)]
        if self.backend.workers:
            run.insert(len(ecase_command()) + 1, "--no-worker")
        if not self._alive("web"):
            self._spawn("web", run)
        for i in range(self.backend.workers):
            if not self._alive(f"worker{i + 1}"):
                self._spawn(f"worker{i + 1}", [*ecase_command(), "worker", "--concurrency",
                                               str(self.backend.worker_concurrency)])
        deadline = time.monotonic() + timeout
        while not self.answers():
            web = self.procs["web"]
            if web.poll() is not None:
                raise RuntimeError(f"ecase run exited with {web.returncode}:\n{self.tail('web')}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"ecase run did not answer within {timeout:.0f} s:\n{self.tail('web')}")
            time.sleep(0.2)

    def _alive(self, name: str) -> bool:
        p = self.procs.get(name)
        return p is not None and p.poll() is None

    def answers(self) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            conn.request("GET", "/login")
            status = conn.getresponse().status
            conn.close()
            return status == 200
        except OSError:
            return False

    def kill(self, which: str = "all") -> list[str]:
        """``kill -9`` process groups: every one (``all``) or the named one; waits until
        their leaders are gone. Returns the names killed."""
        names = list(self.procs) if which == "all" else [which]
        for name in names:
            p = self.procs[name]
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
        for name in names:
            self.procs[name].wait()
        self._reap_groups(names)
        return names

    def _reap_groups(self, names: list[str]) -> None:
        """Wait (briefly) until no process of the killed groups is left."""
        deadline = time.monotonic() + 10
        for name in names:
            pgid = self.procs[name].pid
            while time.monotonic() < deadline:
                try:
                    os.killpg(pgid, 0)
                except ProcessLookupError:
                    break
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pgid, signal.SIGKILL)
                time.sleep(0.05)

    def stop(self, timeout: float = 30) -> None:
        """Shut down politely (SIGTERM to every group), then kill what is left."""
        for p in self.procs.values():
            if p.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for p in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
        self.kill("all")
        _LIVE.discard(self)

    def tail(self, name: str, chars: int = 4000) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""


# ---------------------------------------------------------------------------------------
# accounts and the HTTP client


def create_accounts(service: Service) -> None:
    """Two units with a clerk each, through the command line."""
    for username, unit in UNITS:
        r = service.cli("users", "create", username, "--unit", unit, "--role", "clerk", "--password", PASSWORD)
        if r.returncode != 0:
            raise RuntimeError(f"ecase users create {username} failed:\n{r.stdout}{r.stderr}")


def make_token(base_url: str, username: str, password: str = PASSWORD) -> str:
    """Log in through the web pages and make a personal API token, as a person would."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def csrf(html: str) -> str:
        m = re.search(r'name="csrf_token" value="([^"]+)"', html)
        if not m:
            raise RuntimeError("no CSRF token in the page")
        return m.group(1)

    page = opener.open(f"{base_url}/login", timeout=30).read().decode()
    form = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": csrf(page)})
    opener.open(f"{base_url}/login", data=form.encode(), timeout=30).read()
    page = opener.open(f"{base_url}/account/tokens", timeout=30).read().decode()
    form = urllib.parse.urlencode({"name": "soak uploads", "csrf_token": csrf(page)})
    page = opener.open(f"{base_url}/account/tokens", data=form.encode(), timeout=30).read().decode()
    m = re.search(r'id="new-token">([^<]+)<', page)
    if not m:
        raise RuntimeError(f"no token made for {username}")
    return m.group(1).strip()


@dataclass
class Upload:
    """One scan sent (or to be sent) and what became of it."""

    serial: int
    case_no: str
    username: str
    scan: ScanFile
    outcome: str = "pending"  # acknowledged | unanswered | error
    status: int | None = None
    job_id: int | None = None
    scan_id: int | None = None
    detail: str = ""
    attempts: int = 0

    @property
    def filename(self) -> str:
        return self.scan.path.name


class Refused(Exception):
    """Nothing was sent: the service was not listening."""


def post_scan(base_url: str, token: str, up: Upload, *, volume_kind: str = "criminal_main",
              volume_no: int = 1, timeout: float = 120) -> None:
    """POST the scan's bytes to /api/scans; fills in ``up``'s outcome. Raises Refused when
    the connection could not be made (the caller tries again later)."""
    parts = urllib.parse.urlsplit(base_url)
    boundary = f"soak{uuid.uuid4().hex}"
    ctype = "application/pdf" if up.filename.endswith(".pdf") else "image/tiff"
    fields = {"case_no": up.case_no, "volume_kind": volume_kind, "volume_no": str(volume_no)}
    body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                    for k, v in fields.items())
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{up.filename}"\r\n'
             f"Content-Type: {ctype}\r\n\r\n").encode() + up.scan.path.read_bytes() + \
        f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        try:
            conn.connect()
        except (ConnectionRefusedError, ConnectionResetError, socket.timeout) as e:
            raise Refused(str(e)) from None
        up.attempts += 1
        try:
            conn.request("POST", "/api/scans", body=body, headers={
                "Authorization": f"Bearer {token}", "Accept": "application/json",
                "Content-Type": f"multipart/form-data; boundary={boundary}"})
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as e:
            up.outcome = "unanswered"
            up.detail = f"{type(e).__name__}: {e}"
            return
        up.status = resp.status
        text = data.decode("utf-8", "replace")
        if 200 <= resp.status < 300:
            try:
                job = json.loads(text)["job"]
                up.job_id, up.scan_id = int(job["id"]), int(job["scan_id"])
                up.outcome = "acknowledged"
            except (ValueError, KeyError, TypeError):
                up.outcome = "error"
                up.detail = f"2xx without a job: {text[:300]}"
        else:
            up.outcome = "error"
            up.detail = text[:500]
    finally:
        conn.close()


class Uploader:
    """Sends ``uploads`` from ``threads`` threads, each not before its start time
    (seconds after :meth:`start`), retrying while the service refuses connections."""

    def __init__(self, base_url: str, tokens: dict[str, str], uploads: list[Upload], *, threads: int = 3,
                 starts: list[float] | None = None, log: Callable[[str], None] = log_to_stderr) -> None:
        self.base_url = base_url
        self.tokens = tokens
        self.uploads = uploads
        self.starts = starts or [0.0] * len(uploads)
        self.n_threads = threads
        self.log = log
        self._next = 0
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._t0 = 0.0
        self.give_up_at = float("inf")

    def start(self) -> None:
        self._t0 = time.monotonic()
        for i in range(self.n_threads):
            t = threading.Thread(target=self._run, name=f"uploader-{i}", daemon=True)
            t.start()
            self._threads.append(t)

    def _take(self) -> int | None:
        with self._lock:
            if self._next >= len(self.uploads):
                return None
            self._next += 1
            return self._next - 1

    def _run(self) -> None:
        while (i := self._take()) is not None:
            up = self.uploads[i]
            wait = self._t0 + self.starts[i] - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            while True:
                try:
                    post_scan(self.base_url, self.tokens[up.username], up)
                    break
                except Refused:
                    if time.monotonic() > self.give_up_at:
                        up.outcome = "error"
                        up.detail = "the service never came back"
                        break
                    time.sleep(0.3)
            if up.outcome != "acknowledged":
                self.log(f"upload {up.filename}: {up.outcome} {up.status or ''} {up.detail[:200]}")

    def join(self, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        for t in self._threads:
            t.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self._threads)


# ---------------------------------------------------------------------------------------
# reading the outcome from the database


@contextlib.contextmanager
def service_app(service: Service) -> Iterator[Any]:
    """ecase's own app on the service's data, in this process (an app context)."""
    from ecase import create_app

    app = create_app(service.app_config())
    try:
        with app.app_context():
            yield app
    finally:
        app.extensions["ecase.db"].engine.dispose()


def job_progress(service: Service) -> tuple[int, int, int, list[tuple[int, str]]]:
    """(jobs, finished jobs, pages processed, unfinished jobs with their states)."""
    with service_app(service):
        return _job_progress()


def _job_progress() -> tuple[int, int, int, list[tuple[int, str]]]:
    from sqlalchemy import func, select

    from ecase import db
    from ecase.models import Job, Page

    s = db.session()
    try:
        jobs = list(s.execute(select(Job.id, Job.state).where(Job.kind == "ingest")))
        pages = s.scalar(select(func.count()).select_from(Page).where(Page.state != "pending")) or 0
    finally:
        s.rollback()  # let go of the read snapshot (SQLite WAL)
    open_ = [(j, st) for j, st in jobs if st not in ("done", "failed")]
    return len(jobs), len(jobs) - len(open_), int(pages), open_


def wait_for_jobs(service: Service, *, stall_s: float, cap_s: float,
                  log: Callable[[str], None] = log_to_stderr) -> tuple[float, str]:
    """Wait until every ingest job has ended; give up after ``stall_s`` seconds without
    any progress (a job ending or a page being processed), or after ``cap_s``. Returns the
    seconds waited and how the wait ended: ``ended``, ``stalled`` or ``capped`` (work was
    still moving: the machine is slower than the cap allows for)."""
    t0 = time.monotonic()
    last, last_change, last_log = None, t0, 0.0
    with service_app(service):
        while True:
            total, finished, pages, open_ = _job_progress()
            now = time.monotonic()
            if (finished, pages) != last:
                last, last_change = (finished, pages), now
            if now - last_log > 10:
                log(f"waiting: {finished}/{total} jobs ended, {pages} pages processed, open: {open_[:8]}")
                last_log = now
            if not open_:
                return now - t0, "ended"
            if now - last_change > stall_s or now - t0 > cap_s:
                how = "stalled" if now - last_change > stall_s else "capped"
                log(f"gave up waiting ({how}) after {now - t0:.0f} s: {len(open_)} jobs open {open_[:20]}")
                return now - t0, how
            time.sleep(1.0)


@dataclass
class Figures:
    """What the soak found. ``lost``: acknowledged, but no job or scan row; ``stuck``: a
    job (of any upload that reached the database) not done or failed after the wait;
    ``failed``: a job of these valid scans that failed, or one of their pages given up; ``duplicated``: a page more than
    once in a volume's current version; ``missing``: a page of an acknowledged, finished
    scan not in its volume's current version; ``export_ok``: every case exported,
    verified, with the database's page counts; ``audit_ok``: the audit chain verifies."""

    kills: int = 0
    acknowledged: int = 0
    unanswered: int = 0
    unanswered_stored: int = 0
    errors: int = 0
    lost: int = 0
    stuck: int = 0
    failed: int = 0
    duplicated: int = 0
    missing: int = 0
    export_ok: bool = False
    audit_ok: bool = False
    seconds: float = 0.0
    #: how long the jobs were waited for after the last start, and how the wait ended
    wait_s: float = 0.0
    wait_end: str = ""
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        keys = ("kills", "acknowledged", "unanswered", "lost", "stuck", "duplicated", "missing", "export_ok",
                "audit_ok", "unanswered_stored", "errors", "failed")
        out = " ".join(f"{k}={int(v) if isinstance(v := getattr(self, k), bool) else v}" for k in keys)
        return f"{out} seconds={self.seconds:.0f} wait_s={self.wait_s:.0f} wait_end={self.wait_end or '-'}"

    @property
    def clean(self) -> bool:
        return (self.lost == self.stuck == self.failed == self.duplicated == self.missing == self.errors == 0
                and self.export_ok and self.audit_ok)


def check_database(service: Service, uploads: list[Upload], figures: Figures) -> dict[str, dict[tuple[str, int], int]]:
    """Count lost, stuck, failed, duplicated and missing. Returns, per case number, the
    page count each volume should have: every page of every scan of the volume whose job
    did not fail."""
    from sqlalchemy import select

    from ecase import db
    from ecase.models import Case, Job, Page, Scan, Volume

    problems = figures.problems
    expected: dict[str, dict[tuple[str, int], int]] = {}
    with service_app(service):
        s = db.session()
        jobs_by_scan = {j.scan_id: j for j in s.scalars(select(Job).where(Job.kind == "ingest"))}
        scans_by_name: dict[str, list[Scan]] = {}
        for scan in s.scalars(select(Scan)):
            scans_by_name.setdefault(scan.filename, []).append(scan)
        for up in uploads:
            stored = scans_by_name.get(up.filename, [])
            if up.outcome == "unanswered" and stored:
                figures.unanswered_stored += 1
            if len(stored) > 1:
                figures.duplicated += len(stored) - 1
                problems.append(f"{up.filename}: stored as {len(stored)} scans {[x.id for x in stored]}")
            if up.outcome != "acknowledged":
                continue
            job = s.get(Job, up.job_id)
            scan = s.get(Scan, up.scan_id)
            if job is None or scan is None or scan.filename != up.filename:
                figures.lost += 1
                problems.append(f"{up.filename}: acknowledged as job {up.job_id} scan {up.scan_id}, not stored")
                continue
            if job.state == "failed":
                figures.failed += 1
                problems.append(f"{up.filename}: job {job.id} failed: {job.error}")
            given_up = [p.scan_index for p in scan.pages if p.state == "failed"]
            if given_up:
                figures.failed += len(given_up)
                problems.append(f"{up.filename}: pages {given_up} failed: "
                                f"{[p.error for p in scan.pages if p.state == 'failed'][:2]}")
            if job.state != "done":
                continue
            current = scan.volume.current
            in_volume = {vp.page_id for vp in current.pages} if current else set()
            pages = [p for p in scan.pages if p.state != "failed"]
            absent = [p.scan_index for p in pages if p.id not in in_volume]
            if len(scan.pages) != up.scan.pages:
                figures.missing += max(0, up.scan.pages - len(scan.pages))
                problems.append(f"{up.filename}: {len(scan.pages)} page rows for {up.scan.pages} pages")
            if absent:
                figures.missing += len(absent)
                problems.append(f"{up.filename} (job {job.id}, done): pages {absent} not in "
                                f"volume {scan.volume_id}'s current version "
                                f"{current.number if current else None}")
        for job in jobs_by_scan.values():
            if job.state not in ("done", "failed"):
                figures.stuck += 1
                problems.append(f"job {job.id} (scan {job.scan_id}) stuck in {job.state} "
                                f"({job.done}+{job.failed}/{job.total} pages)")
        case_nos = sorted({up.case_no for up in uploads})
        for case in s.scalars(select(Case).where(Case.case_no.in_(case_nos))):
            per_volume: dict[tuple[str, int], int] = {}
            for vol in s.scalars(select(Volume).where(Volume.case_id == case.id)):
                want = 0
                for scan in s.scalars(select(Scan).where(Scan.volume_id == vol.id)):
                    job = jobs_by_scan.get(scan.id)
                    if job is not None and job.state == "failed":
                        continue
                    want += scan.page_count if scan.page_count is not None else (job.total if job else 0)
                per_volume[(vol.kind, vol.number)] = want
                current = vol.current
                if current is None:
                    continue
                ids = Counter(vp.page_id for vp in current.pages)
                extra = sum(c - 1 for c in ids.values() if c > 1)
                # the same page of a scan under two ids (split twice) is a duplicate too
                keys = Counter(s.execute(select(Page.scan_id, Page.scan_index).where(Page.id.in_(list(ids)))).all())
                extra += sum(c - 1 for c in keys.values() if c > 1)
                if extra:
                    figures.duplicated += extra
                    problems.append(f"volume {vol.id} version {current.number}: {extra} pages twice")
            expected[case.case_no] = per_volume
    return expected


def check_exports(service: Service, expected: dict[str, dict[tuple[str, int], int]], out_dir: Path,
                  figures: Figures) -> None:
    """Export every case, verify each package, compare its page counts with the
    database's (the current version's, and every page of the volume's scans)."""
    from sqlalchemy import select

    from ecase import db
    from ecase.models import Case, Volume

    out_dir.mkdir(parents=True, exist_ok=True)
    ok = bool(expected)
    current_counts: dict[str, dict[tuple[str, int], int]] = {}
    with service_app(service):
        s = db.session()
        for case_no in expected:
            case = s.scalars(select(Case).where(Case.case_no == case_no)).one()
            current_counts[case_no] = {
                (v.kind, v.number): len(v.current.pages) if v.current else 0
                for v in s.scalars(select(Volume).where(Volume.case_id == case.id))}
    for case_no, want in expected.items():
        pkg = out_dir / f"{case_no}.zip"
        r = service.cli("export", case_no, "--out", str(pkg))
        if r.returncode != 0:
            ok = False
            figures.problems.append(f"export {case_no} refused (exit {r.returncode}): "
                                    f"{(r.stderr or r.stdout).strip()[-400:]}")
            continue
        v = service.cli("verify", str(pkg))
        if v.returncode != 0:
            ok = False
            figures.problems.append(f"verify {case_no}: exit {v.returncode}: {(v.stdout + v.stderr)[-400:]}")
        with zipfile.ZipFile(pkg) as z:
            manifest = json.loads(z.read("manifest.json"))
        got = {(vol["kind"], int(vol["number"])): int(vol["page_count"]) for vol in manifest["volumes"]}
        for key, n in want.items():
            if key[0] == "criminal_secondary":
                continue
            cur = current_counts[case_no].get(key, 0)
            if got.get(key) != n or cur != n:
                ok = False
                figures.problems.append(f"export {case_no} {key[0]}-{key[1]}: package has {got.get(key)} pages, "
                                        f"current version {cur}, the volume's scans {n}")
    figures.export_ok = ok


def check_audit(service: Service, figures: Figures) -> None:
    r = service.cli("audit", "verify")
    figures.audit_ok = r.returncode == 0
    if not figures.audit_ok:
        figures.problems.append(f"audit verify: exit {r.returncode}: {(r.stdout + r.stderr)[-400:]}")


# ---------------------------------------------------------------------------------------
# the soak


@dataclass
class SoakOptions:
    kills: int = 4
    scans: int = 12
    seed: int = 13
    lease_s: int = 6
    sweep_s: int = 3
    concurrency: int = 2
    threads: int = 3
    min_pages: int = 2
    max_pages: int = 4
    #: seconds between the service answering and the next kill
    kill_after: tuple[float, float] = (2.0, 9.0)
    #: with separate workers: the share of kills that take down only one worker
    worker_only_kills: float = 0.4
    #: seconds without progress added to LEASE_S + 3 × SWEEP before giving up on the jobs
    stall_s: float = 45.0
    #: longest wait for the jobs after the last start
    wait_cap_s: float = 300.0
    cases: int = 4


def plan_uploads(workdir: Path, opts: SoakOptions, rng: random.Random) -> list[Upload]:
    uploads = []
    scans_dir = workdir / "scans"
    for i in range(opts.scans):
        case_i = i % opts.cases
        username = UNITS[case_i % len(UNITS)][0]
        pages = rng.randint(opts.min_pages, opts.max_pages)
        suffix = ".pdf" if i % 2 == 0 else ".tif"
        scan = make_scan(scans_dir / f"soak-{i:04d}-{TITLES[i % len(TITLES)]}{suffix}", i, pages, rng)
        uploads.append(Upload(i, case_number(case_i, opts.seed), username, scan))
    return uploads


def run_soak(workdir: Path, opts: SoakOptions, backend: Backend,
             log: Callable[[str], None] = log_to_stderr) -> Figures:
    """The whole soak in ``workdir`` (made if missing); returns its figures."""
    t_begin = time.monotonic()
    rng = random.Random(opts.seed)
    workdir.mkdir(parents=True, exist_ok=True)
    data = workdir / "data"
    service = Service(data, backend, lease_s=opts.lease_s, sweep_s=opts.sweep_s,
                      concurrency=opts.concurrency, log_dir=workdir / "logs", log=log)
    figures = Figures()
    uploads = plan_uploads(workdir, opts, rng)
    create_accounts(service)
    try:
        service.start()
        tokens = {u: make_token(service.url, u) for u, _ in UNITS}
        # spread the uploads over the time the kills take
        span = opts.kills * sum(opts.kill_after) / 2 * 0.8
        starts = sorted(rng.uniform(0, span) for _ in uploads)
        uploader = Uploader(service.url, tokens, uploads, threads=opts.threads, starts=starts, log=log)
        uploader.start()
        for k in range(opts.kills):
            time.sleep(rng.uniform(*opts.kill_after))
            which = "all"
            if backend.workers and rng.random() < opts.worker_only_kills:
                which = f"worker{rng.randint(1, backend.workers)}"
            done = sum(1 for u in uploads if u.outcome != "pending")
            log(f"kill {k + 1}/{opts.kills} ({which}); {done}/{len(uploads)} uploads answered or dropped")
            service.kill(which)
            figures.kills += 1
            if rng.random() < 0.3:
                time.sleep(rng.uniform(0.2, 2.0))  # sometimes down for a moment
            service.start()
        uploader.give_up_at = time.monotonic() + 120
        if not uploader.join(timeout=300):
            figures.problems.append("uploads did not finish")
        log("all uploads sent; waiting for the jobs")
        figures.wait_s, figures.wait_end = wait_for_jobs(
            service, stall_s=opts.lease_s + 3 * opts.sweep_s + opts.stall_s, cap_s=opts.wait_cap_s, log=log)
        if figures.wait_end == "capped":
            figures.problems.append(f"the wait was cut after {figures.wait_s:.0f} s while work still moved: "
                                    "the jobs counted stuck may only be slow (a longer cap tells)")
        figures.acknowledged = sum(u.outcome == "acknowledged" for u in uploads)
        figures.unanswered = sum(u.outcome == "unanswered" for u in uploads)
        figures.errors = sum(u.outcome in ("error", "pending") for u in uploads)
        for u in uploads:
            if u.outcome in ("error", "pending"):
                figures.problems.append(f"upload {u.filename}: {u.outcome} {u.status} {u.detail[:300]}")
        expected = check_database(service, uploads, figures)
        check_exports(service, expected, workdir / "exports", figures)
        check_audit(service, figures)
    finally:
        service.stop()
        figures.seconds = time.monotonic() - t_begin
    return figures


# ---------------------------------------------------------------------------------------
# the race without a crash


def upload_all(service: Service, token: str, uploads: list[Upload], *, at_once: bool) -> None:
    """Send the uploads one after another, or all at once (a thread each, released
    together by a barrier)."""
    if not at_once:
        for up in uploads:
            post_scan(service.url, token, up)
        return
    barrier = threading.Barrier(len(uploads))

    def send(up: Upload) -> None:
        barrier.wait()
        try:
            post_scan(service.url, token, up)
        except Refused as e:
            up.outcome, up.detail = "error", f"refused: {e}"

    threads = [threading.Thread(target=send, args=(u,)) for u in uploads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def single_page_uploads(workdir: Path, case_no: str, username: str, n: int, first_serial: int,
                        rng: random.Random) -> list[Upload]:
    return [Upload(first_serial + i, case_no, username,
                   make_scan(workdir / "scans" / f"race-{first_serial + i:04d}{'.pdf' if i % 2 == 0 else '.tif'}",
                             first_serial + i, 1, rng))
            for i in range(n)]


def start_service(workdir: Path, backend: Backend, *, lease_s: int = 6, sweep_s: int = 3,
                  concurrency: int = 2) -> tuple[Service, dict[str, str]]:
    """A data directory with the two clerks, the service started, their tokens."""
    service = Service(workdir / "data", backend, lease_s=lease_s, sweep_s=sweep_s, concurrency=concurrency,
                      log_dir=workdir / "logs")
    create_accounts(service)
    service.start()
    try:
        tokens = {u: make_token(service.url, u) for u, _ in UNITS}
    except BaseException:
        service.stop()
        raise
    return service, tokens


def export_page_counts(service: Service, case_no: str, out: Path) -> tuple[dict[tuple[str, int], int], str]:
    """The package's page count per volume ({} when refused) and what the commands said."""
    r = service.cli("export", case_no, "--out", str(out))
    if r.returncode != 0:
        return {}, f"export exit {r.returncode}: {(r.stdout + r.stderr)[-400:]}"
    v = service.cli("verify", str(out))
    if v.returncode != 0:
        return {}, f"verify exit {v.returncode}: {(v.stdout + v.stderr)[-400:]}"
    with zipfile.ZipFile(out) as z:
        manifest = json.loads(z.read("manifest.json"))
    return {(vol["kind"], int(vol["number"])): int(vol["page_count"]) for vol in manifest["volumes"]}, ""


def volume_state(service: Service, case_no: str) -> dict[str, Any]:
    """The case's volumes as the database has them: pages in the current version (ids),
    versions, and its ingest jobs' states."""
    from sqlalchemy import select

    from ecase import db
    from ecase.models import Case, Job, Volume

    with service_app(service):
        s = db.session()
        case = s.scalars(select(Case).where(Case.case_no == case_no)).first()
        if case is None:
            return {"cases": 0, "volumes": {}, "jobs": []}
        cases = len(list(s.scalars(select(Case.id).where(Case.case_no == case_no))))
        out: dict[str, Any] = {"cases": cases, "volumes": {}, "jobs": []}
        for vol in s.scalars(select(Volume).where(Volume.case_id == case.id)):
            cur = vol.current
            out["volumes"][(vol.kind, vol.number)] = {
                "pages": [vp.page_id for vp in cur.pages] if cur else [],
                "versions": len(vol.versions)}
            out["jobs"] += [(j.id, j.state, j.error) for j in s.scalars(select(Job).where(Job.volume_id == vol.id))]
        return out
