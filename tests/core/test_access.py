"""The one place that decides who sees what, exercised through the pages themselves."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from ecase import db
from ecase.access import Actor, may, require, scope, visible_cases
from ecase.errors import Forbidden, NotFound
from ecase.models import Case


@pytest.fixture
def two_units(app: Any, make_user: Any, make_unit: Any) -> dict[str, Any]:
    east = make_unit("东关派出所")
    west = make_unit("西门派出所")
    s = db.session()
    s.add_all([
        Case(case_no="A370105020000201801" + "0001", name="甲某盗窃案", unit_id=east.id),
        Case(case_no="A370105020000201801" + "0002", name="乙某诈骗案", unit_id=west.id),
    ])
    s.commit()
    return {
        "east": east, "west": west,
        "clerk": make_user("east_clerk", "clerk", "东关派出所"),
        "leader": make_user("east_leader", "leader", "东关派出所"),
        "reviewer": make_user("reviewer", "reviewer", "法制大队"),
    }


def names(actor: Actor) -> set[str]:
    return {c.name for c in db.session().scalars(visible_cases(actor))}


def test_unit_roles_see_only_their_unit(two_units: dict[str, Any]) -> None:
    assert names(Actor.of(two_units["clerk"])) == {"甲某盗窃案"}
    assert names(Actor.of(two_units["leader"])) == {"甲某盗窃案"}
    assert names(Actor.of(two_units["reviewer"])) == {"甲某盗窃案", "乙某诈骗案"}
    assert scope(Actor.of(two_units["clerk"])).unit_ids == {two_units["east"].id}
    assert scope(Actor.of(two_units["reviewer"])).all_units


def test_actions_by_role(two_units: dict[str, Any]) -> None:
    clerk = Actor.of(two_units["clerk"])
    leader = Actor.of(two_units["leader"])
    east, west = two_units["east"].id, two_units["west"].id
    assert may(clerk, "scan.upload", east) and not may(clerk, "scan.upload", west)
    assert not may(leader, "scan.upload", east)
    assert not may(clerk, "recognition.correct", east)
    assert may(Actor.of(two_units["reviewer"]), "recognition.correct", west)
    with pytest.raises(NotFound):  # a foreign unit's object is hidden, not just forbidden
        require(clerk, "case.view", west)
    with pytest.raises(Forbidden):
        require(leader, "scan.upload", east)


def test_case_pages_hide_foreign_units(client: Any, login: Any, two_units: dict[str, Any]) -> None:
    login(two_units["clerk"])
    listing = client.get("/cases").get_data(as_text=True)
    assert "甲某盗窃案" in listing and "乙某诈骗案" not in listing
    foreign = db.session().scalars(select(Case).where(Case.name == "乙某诈骗案")).one()
    resp = client.get(f"/cases/{foreign.id}")
    assert resp.status_code == 404
    assert "乙某诈骗案" not in resp.get_data(as_text=True)


def test_anonymous_is_sent_to_login(client: Any) -> None:
    resp = client.get("/cases")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    api = client.get("/api/jobs/1")
    assert api.status_code == 401 and api.get_json()["error"]["code"] == "login_required"
