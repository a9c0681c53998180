"""Search in the service: pages of ingested volumes are found by who may see them only,
through the page, the API and ``ecase search --json``; the index rebuilds from the database.
Every test runs with each ``SEARCH_BACKEND`` (``postgresql`` on a database of its own)."""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, select

from ecase import db
from ecase.models import Case, Unit
from tests.pg import fresh_database
from tests.search.conftest import BACKENDS

pytestmark = pytest.mark.slow


@pytest.fixture(params=BACKENDS)
def app(request: pytest.FixtureRequest, app_config: dict[str, Any], template_db: Path) -> Iterator[Flask]:
    """The service with each search backend; PostgreSQL's on a database of its own."""
    yield from service_app(request.param, app_config, template_db)


def service_app(backend: str, app_config: dict[str, Any], template_db: Path) -> Generator[Flask, None, None]:
    from ecase import create_app

    config = dict(app_config, SEARCH_BACKEND=backend)
    data = Path(config["DATA_DIR"])
    data.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        if backend == "postgresql":
            config["DATABASE_URL"] = stack.enter_context(fresh_database())
        else:
            shutil.copy(template_db, data / "ecase.sqlite")
        app = create_app(config)
        try:
            with app.app_context():
                yield app
        finally:
            app.extensions["ecase.db"].engine.dispose()


def lose_the_index(app: Flask) -> None:
    """What losing the index means for the backend: its directory, or its rows."""
    if app.config["SEARCH_BACKEND"] == "whoosh":
        shutil.rmtree(Path(app.config["INDEX_DIR"]))
    else:
        from ecase.models.search import search_pages

        db.session().execute(delete(search_pages))
        db.session().commit()
    app.extensions["ecase.index"] = None


@pytest.fixture
def ingested(app: Any, runner: Any, small_scan: Any, make_unit: Any) -> dict[str, Any]:
    path, info = small_scan
    unit = make_unit("东关派出所")
    result = runner.invoke(args=["ingest", str(path), "--case", info["case_no"], "--wait"])
    assert result.exit_code == 0, result.output
    case = db.session().scalars(select(Case)).one()
    case.unit_id = unit.id  # the only unit: the case belongs to it
    db.session().commit()
    runner.invoke(args=["search", "reindex"])
    return info


def test_cli_json_contract(runner: Any, ingested: dict[str, Any]) -> None:
    result = runner.invoke(args=["search", "立案侦查", "--json", "--limit", "5"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert set(body) == {"total", "hits"} and body["total"] >= 1
    hit = body["hits"][0]
    assert set(hit) == {"case_no", "volume", "page", "label", "doc_type", "doc_no", "snippet"}
    assert hit["case_no"] == ingested["case_no"] and hit["page"] == 1 and hit["label"] == "1"
    assert hit["doc_type"] == "filing_decision" and "<mark>" in hit["snippet"]


def test_scope_inside_the_query(client: Any, login: Any, make_user: Any, ingested: dict[str, Any]) -> None:
    login(make_user("west", "clerk", unit="西门派出所"))
    body = client.get("/api/search?q=立案").get_json()
    assert body == {"total": 0, "hits": []}
    page = client.get("/search?q=立案").get_data(as_text=True)
    assert ingested["case_no"] not in page and "<mark>" not in page

    east = db.session().scalars(select(Unit).where(Unit.name == "东关派出所")).one()
    login(make_user("east", "clerk", unit=east.name))
    body = client.get("/api/search?q=立案").get_json()
    assert body["total"] >= 2
    hit_page = client.get("/search?q=立案").get_data(as_text=True)
    assert ingested["case_no"] in hit_page and "?q=" in hit_page  # hits open the viewer with the words


def test_rebuild_after_the_index_is_lost(app: Any, runner: Any, ingested: dict[str, Any]) -> None:
    lose_the_index(app)
    assert json.loads(runner.invoke(args=["search", "立案告知书", "--json"]).output)["total"] == 0
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    body = json.loads(runner.invoke(args=["search", "立案告知书", "--json"]).output)
    assert body["total"] >= 1
