"""The scale-out setup of docs/deploy.md, started on one machine: an S3-compatible server
(moto's server mode), ``ecase serve`` (gunicorn) and ``ecase worker`` processes on a
PostgreSQL database and a Redis database of their own.

No pytest here, so that ``tests/scale/test_scale_out.py`` and ``bench/load.py`` share it.
The processes and accounts come from the soak's harness (``tests/soak/harness.py``):
:class:`Cluster` is its :class:`~tests.soak.harness.Service` with gunicorn in place of
``ecase run``, and each worker given a data directory of its own, as a worker on another
machine would have: nothing but the shared servers (and the audit key file, copied to
every machine in production) connects the processes. Settings are the ones
docs/deploy.md puts into ``/etc/ecase/ecase.env``; the first start follows its
*First start*: the audit key file made by hand, ``ecase db upgrade``, ``ecase init``.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import secrets
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.soak import harness
from tests.soak.harness import Backend

BUCKET = "ecase-blobs"
#: every access-log line names the gunicorn process that served it (``%(p)s``: its pid)
ACCESS_FORMAT = 'ACCESS pid=%(p)s "%(r)s" %(s)s %(M)sms'
_ACCESS_RE = re.compile(r'ACCESS pid=<?(\d+)>? "(\S+) (\S+) [^"]*" (\d+) (\d+)ms')


@contextlib.contextmanager
def moto_s3(log_dir: Path, *, timeout: float = 60) -> Iterator[dict[str, str]]:
    """moto's S3 server on a free loopback port with an empty bucket; yields boto3's
    environment for it (``AWS_ENDPOINT_URL`` and made-up credentials)."""
    port = harness.free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    out = open(log_dir / "moto.log", "ab")
    script = Path(sys.executable).parent / "moto_server"
    cmd = [str(script)] if script.exists() else [sys.executable, "-c", "from moto.server import main; main()"]
    proc = subprocess.Popen([*cmd, "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    out.close()
    env = {"AWS_ACCESS_KEY_ID": "scale-test", "AWS_SECRET_ACCESS_KEY": "scale-test",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"moto_server exited with {proc.returncode}: "
                                   f"{(log_dir / 'moto.log').read_text(errors='replace')[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/")
                conn.getresponse().read()
                conn.close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not answer") from None
                time.sleep(0.2)
        s3_client(env).create_bucket(Bucket=BUCKET)
        yield env
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def s3_client(env: dict[str, str]) -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"], region_name=env["AWS_DEFAULT_REGION"],
                        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])


def bucket_keys(env: dict[str, str], prefix: str = "") -> set[str]:
    """The blob keys (SHA-256) in the bucket."""
    client = s3_client(env)
    keys: set[str] = set()
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        keys.update(item["Key"].rsplit("/", 1)[-1] for item in page.get("Contents", []))
    return keys


class Cluster(harness.Service):
    """``ecase serve --workers WEB_WORKERS`` on one port and ``workers`` ``ecase worker``
    processes, each in its own process group (so one can be ``kill -9``'d alone)."""

    def __init__(self, workdir: Path, backend: Backend, s3_env: dict[str, str], *, web_workers: int = 2,
                 web_threads: int = 2, lease_s: int = 6, sweep_s: int = 3,
                 extra_env: dict[str, str] | None = None) -> None:
        self.workdir = workdir
        etc = workdir / "etc"  # /etc/ecase: the audit key file every machine has a copy of
        etc.mkdir(parents=True, exist_ok=True)
        self.audit_key_file = etc / "audit.key"
        if not self.audit_key_file.exists():
            # docs/deploy.md, First start: made by hand, comments only; ecase adds the first key
            self.audit_key_file.write_text("# the audit trail keys (docs/audit.md)\n")
            self.audit_key_file.chmod(0o600)
        self.secret_key = secrets.token_hex(32)
        self.s3_env = s3_env
        self.web_workers = web_workers
        self.web_threads = web_threads
        assert backend.broker_url and backend.database_url, "the cluster runs on PostgreSQL and Redis"
        env = {
            **s3_env,
            "ECASE_STORAGE_URL": f"s3://{BUCKET}/blobs",
            "ECASE_SEARCH_BACKEND": "postgresql",
            "ECASE_SECRET_KEY": self.secret_key,
            "ECASE_AUDIT_KEY_FILE": str(self.audit_key_file),
            "ECASE_RATE_LIMIT_STORAGE": backend.broker_url,
            "GUNICORN_CMD_ARGS": f"--access-logformat '{ACCESS_FORMAT}' --graceful-timeout 5",
            **(extra_env or {}),
        }
        super().__init__(workdir / "web-data", backend, lease_s=lease_s, sweep_s=sweep_s, concurrency=1,
                         log_dir=workdir / "logs", extra_env=env)

    def worker_data_dir(self, i: int) -> Path:
        """Worker ``i``'s own data directory: a worker machine's /var/lib/ecase."""
        return self.workdir / f"worker{i}-data"

    def app_config(self) -> dict[str, Any]:
        return {**super().app_config(), "STORAGE_URL": self.env["ECASE_STORAGE_URL"],
                "SEARCH_BACKEND": "postgresql", "AUDIT_KEY_FILE": str(self.audit_key_file),
                "SECRET_KEY": self.secret_key}

    def first_start(self) -> None:
        """docs/deploy.md's First start (``ecase db upgrade``, ``ecase init``), then the
        soak's two units with a clerk each (made in this process: ``ecase users create``
        twice would start two more interpreters for the same)."""
        for args in (("db", "upgrade"), ("init",)):
            r = self.cli(*args)
            if r.returncode != 0:
                raise RuntimeError(f"ecase {' '.join(args)} failed:\n{r.stdout}{r.stderr}")
        from ecase import db
        from ecase.accounts.operations import create_user
        from ecase.models import Unit

        with harness.service_app(self):
            s = db.session()
            for username, unit_name in harness.UNITS:
                unit = Unit(name=unit_name)
                s.add(unit)
                s.flush()
                create_user(username, username, unit, "clerk", harness.PASSWORD)
            s.commit()

    def _spawn_env(self, name: str, args: list[str], env: dict[str, str]) -> None:
        out = open(self.log_dir / f"{name}.log", "ab")
        out.write(f"\n===== start {self.starts} at {time.strftime('%H:%M:%S')}: {' '.join(args)}\n".encode())
        out.flush()
        try:
            self.procs[name] = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT,
                                                stdin=subprocess.DEVNULL, start_new_session=True,
                                                cwd=self.workdir)
            harness._LIVE.add(self)
        finally:
            out.close()

    def start_workers(self, count: int | None = None) -> None:
        """Start the workers not running (``count``: only the first so many)."""
        for i in range(1, (count if count is not None else self.backend.workers) + 1):
            if not self._alive(f"worker{i}"):
                d = self.worker_data_dir(i)
                d.mkdir(parents=True, exist_ok=True)
                self._spawn_env(f"worker{i}", [*harness.ecase_command(), "worker", "--concurrency",
                                               str(self.backend.worker_concurrency)],
                                {**self.env, "ECASE_DATA_DIR": str(d)})

    def start(self, timeout: float = 120, *, workers: int | None = None) -> None:
        """``ecase serve`` and the workers; waits until the web service answers."""
        self.starts += 1
        if not self._alive("web"):
            self._spawn_env("web", [*harness.ecase_command(), "serve", "--bind", f"127.0.0.1:{self.port}",
                                    "--workers", str(self.web_workers), "--threads", str(self.web_threads)],
                            self.env)
        self.start_workers(workers)
        deadline = time.monotonic() + timeout
        while not self.answers():
            web = self.procs["web"]
            if web.poll() is not None:
                raise RuntimeError(f"ecase serve exited with {web.returncode}:\n{self.tail('web')}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"ecase serve did not answer within {timeout:.0f} s:\n{self.tail('web')}")
            time.sleep(0.2)

    def stop(self, timeout: float = 30) -> None:
        """The workers ``kill -9``'d (nothing is lost by that, and a warm shutdown takes
        seconds), then gunicorn stopped politely."""
        for name in [n for n in self.procs if n.startswith("worker") and self._alive(n)]:
            self.kill(name)
        super().stop(timeout)

    def web_processes(self) -> list[int]:
        """The pids of gunicorn's processes serving requests (the master's children)."""
        master = self.procs["web"].pid
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    stat = (entry / "stat").read_text()
                    if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                        found.append(int(entry.name))
        return sorted(found)

    def group_pids(self, name: str) -> set[int]:
        """Every live process of the named process group (a worker: Celery's master and
        its pool's children)."""
        pgid = self.procs[name].pid
        found = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    stat = (entry / "stat").read_text()
                    if int(stat.rsplit(")", 1)[1].split()[2]) == pgid:
                        found.add(int(entry.name))
        return found

    def wait_indexed(self, timeout: float) -> list[tuple[int, int | None, int | None]]:
        """Wait until every volume's index holds its current version (indexing is a task
        of its own, after each version is committed); returns the volumes still behind
        then, as (id, indexed version, current version)."""
        from sqlalchemy import select

        from ecase import db
        from ecase.models import Volume

        deadline = time.monotonic() + timeout
        with harness.service_app(self):
            while True:
                s = db.session()
                behind = [(v.id, v.indexed_version, v.current.number if v.current else None)
                          for v in s.scalars(select(Volume)) if v.current and v.indexed_version != v.current.number]
                s.rollback()
                if not behind or time.monotonic() > deadline:
                    return behind
                time.sleep(0.5)

    def access_log(self) -> list[tuple[int, str, str, int, int]]:
        """gunicorn's access log so far: (pid, method, path, status, milliseconds)."""
        return [(int(m[1]), m[2], m[3], int(m[4]), int(m[5]))
                for m in _ACCESS_RE.finditer(self.tail("web", chars=50_000_000))]

    def served_by(self, path_prefix: str) -> Counter[int]:
        """How many requests to paths starting ``path_prefix`` each process answered 2xx."""
        return Counter(pid for pid, _, path, status, _ in self.access_log()
                       if path.startswith(path_prefix) and 200 <= status < 300)
