"""Near matches in the service (on unless turned off: the page's checkbox, ``near=0`` in
the API, ``ecase search --no-near``), and with ``SEARCH_BACKEND=postgresql`` two
services on one database: what one indexes, the other finds the moment it commits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from ecase import db
from ecase.search_views.indexing import get_index
from search import PageRecord, Scope
from tests.search.conftest import BACKENDS
from tests.search.test_service_search import service_app

TEXTS = {"exact": "兹决定送济南市看守所羁押。", "near": "兹决定送济南市看守所霸押。", "other": "取保候审决定书"}


@pytest.fixture(params=BACKENDS)
def app(request: pytest.FixtureRequest, app_config: dict[str, Any], template_db: Path) -> Iterator[Flask]:
    yield from service_app(request.param, app_config, template_db)


@pytest.fixture
def indexed(app: Flask, make_user: Any, login: Any) -> Any:
    """Three pages of the clerk's unit written straight into the index."""
    user = make_user("zhang", "clerk")
    get_index().add_pages(
        PageRecord(key=f"v1p{i}", text=text, case_id=1, unit_id=user.unit_id, case_no="A1", page=i)
        for i, text in enumerate(TEXTS.values(), start=1)
    )
    db.session().commit()  # the postgresql backend writes in the session's transaction
    return user


def test_near_is_on_unless_turned_off(client: Any, login: Any, indexed: Any) -> None:
    login(indexed)
    body = client.get("/api/search?q=看守所羁押").get_json()
    assert body["total"] == 2 and set(body["hits"][0]) == {"case_no", "volume", "page", "label", "doc_type",
                                                          "doc_no", "snippet"}
    assert [h["page"] for h in body["hits"]] == [1, 2]  # the exact page first
    assert "<mark>看守所霸押</mark>" in body["hits"][1]["snippet"]
    assert client.get("/api/search?q=看守所羁押&near=0").get_json()["total"] == 1

    page = client.get("/search?q=看守所羁押").get_data(as_text=True)
    assert 'name="near" value="1" checked' in page and "近似</span>" in page
    off = client.get("/search?q=看守所羁押&near=0").get_data(as_text=True)
    assert 'name="near" value="1" checked' not in off and "近似</span>" not in off and "共 <strong>1</strong>" in off
    # the form sends the box before the hidden field: ticked it reads 1, unticked 0
    assert client.get("/search?q=看守所羁押&near=1&near=0").get_data(as_text=True).count("近似</span>") == 1


def test_cli_near_and_no_near(runner: Any, indexed: Any) -> None:
    out = runner.invoke(args=["search", "看守所羁押", "--json", "--as", "zhang"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["total"] == 2
    out = runner.invoke(args=["search", "看守所羁押", "--json", "--no-near", "--as", "zhang"])
    assert json.loads(out.output)["total"] == 1
    text = runner.invoke(args=["search", "看守所羁押", "--as", "zhang"]).output
    assert "［近似］A1" in text and "【看守所霸押】" in text


@pytest.mark.postgres
def test_two_services_on_one_database_see_each_others_pages_at_commit(
        app_config: dict[str, Any], template_db: Path, tmp_path: Path) -> None:
    """Like two machines: a worker of one writes in its transaction; the other's web
    process finds the page once that commits, without any index of its own."""
    from ecase import create_app

    services = service_app("postgresql", app_config, template_db)
    first = next(services)
    try:
        other = create_app(dict(app_config, DATA_DIR=str(tmp_path / "other"), SEARCH_BACKEND="postgresql",
                                DATABASE_URL=first.config["DATABASE_URL"]))
        rec = PageRecord(key="v9p1", text="犯罪嫌疑人鑫淼涉嫌盗窃", case_id=9, unit_id=1, case_no="A9")
        with first.app_context():
            get_index().update([rec])  # in the session's transaction, not yet committed
            with other.app_context():
                assert get_index().search("鑫淼", Scope.everything()).total == 0
            db.session().commit()
            with other.app_context():
                assert [h.key for h in get_index().search("鑫淼", Scope.everything()).hits] == ["v9p1"]
        other.extensions["ecase.db"].engine.dispose()
    finally:
        services.close()
