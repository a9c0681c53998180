"""Fixtures shared by every test: ``app`` (a fresh data directory, tasks run inline),
``client``, ``runner``, and ``make_user`` / ``login`` for acting as someone.

A migrated template database is made once per session and copied for each test, so
every test starts from an empty, fully migrated database in its own directory.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

REPO = Path(__file__).resolve().parent.parent
CORPORA = REPO.parent / "shared" / "corpora"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ecase.db import make_engine
    from ecase.migrate import ensure_schema

    d = tmp_path_factory.mktemp("template")
    engine = make_engine(f"sqlite:///{d / 'ecase.sqlite'}")
    ensure_schema(engine, str(d))
    engine.dispose()
    return d / "ecase.sqlite"


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, Any]:
    return {"DATA_DIR": str(tmp_path / "data"), "TASKS_EAGER": True, "TESTING": True,
            "SECRET_KEY": "test", "WORKER_CONCURRENCY": 2}


@pytest.fixture
def app(app_config: dict[str, Any], template_db: Path) -> Iterator[Flask]:
    from ecase import create_app

    data = Path(app_config["DATA_DIR"])
    data.mkdir(parents=True, exist_ok=True)
    if "DATABASE_URL" not in app_config:
        shutil.copy(template_db, data / "ecase.sqlite")
    app = create_app(app_config)
    with app.app_context():
        yield app
    app.extensions["ecase.db"].engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def make_unit(app: Flask) -> Callable[..., Any]:
    from ecase import db
    from ecase.models import Unit

    def make(name: str = "天桥派出所", **kw: Any) -> Unit:
        s = db.session()
        unit = s.scalars(select(Unit).where(Unit.name == name)).first()
        if unit is None:
            unit = Unit(name=name, **kw)
            s.add(unit)
            s.commit()
        return unit

    return make


@pytest.fixture
def make_user(app: Flask, make_unit: Callable[..., Any]) -> Callable[..., Any]:
    from ecase import db
    from ecase.accounts.operations import create_user

    def make(username: str = "clerk", role: str = "clerk", unit: str = "天桥派出所",
             password: str = "correct horse battery") -> Any:
        u = make_unit(unit)
        user, _ = create_user(username, username, u, role, password)
        db.session().commit()
        return user

    return make


@pytest.fixture
def login(client: FlaskClient) -> Callable[..., None]:
    def do(user: Any) -> None:
        with client.session_transaction() as sess:
            from ecase.models._types import utcnow

            sess["user_id"] = user.id
            sess["seen"] = utcnow().isoformat()

    return do


@pytest.fixture(scope="session")
def small_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A short scan (rendered once per session by the project's generator): a filing decision and a filing notice, lightly damaged (PDF of JPEGs)."""
    from scanning.synthetic import make_case, make_damage, make_style, render_document, write_scan
    from scanning.synthetic.volume import SyntheticScan

    facts = make_case(11)
    style = make_style(11)
    images = render_document("filing_decision", facts, style, dpi=200) + \
        render_document("filing_notice", facts, style, dpi=200)
    images = [img.convert("L") for img in images]
    scan = SyntheticScan(images=images, truth={}, facts=facts, dpi=200)
    d = tmp_path_factory.mktemp("scans")
    path = write_scan(scan, d / "立案文书.pdf")
    return path, {"case_no": facts.case_no, "case_name": facts.case_name, "pages": len(images),
                  "damage": make_damage(11)}


@pytest.fixture
def pg_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a fresh database of the PostgreSQL server ``./dev test`` starts
    (ECASE_TEST_POSTGRES_URL), dropped afterwards; skipped without one."""
    import os
    import uuid

    from sqlalchemy import create_engine, text

    url = os.environ.get("ECASE_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("ECASE_TEST_POSTGRES_URL is not set (./dev test starts a server)")
    name = f"ecase_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    from ecase import create_app

    app = create_app({"DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": url.rsplit("/", 1)[0] + "/" + name,
                      "TASKS_EAGER": True, "TESTING": True, "SECRET_KEY": "test"})
    try:
        with app.app_context():
            yield app
    finally:
        app.extensions["ecase.db"].engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
