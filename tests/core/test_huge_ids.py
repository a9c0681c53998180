"""Ids no database column can hold (2^63 and beyond), zero and negative ones, in every
path and every numeric parameter of every route: the answer is a 404 (or a 4xx saying
the input is wrong), never a server error.

The routes are discovered from ``app.url_map``, so a route added later is walked too.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ecase import db
from ecase.models import User

HUGE = (2**63, 2**64 + 5, 10**30)
MIN = -(2**63)
#: values for integer URL parts that match no row (a negative one matches no route).
PATH_IDS = (*HUGE, 0, -1)
#: every query or form parameter some view reads as a number.
NUMERIC_PARAMS = ("page", "version", "unit_id", "unit", "case_id", "finding_id", "offset",
                  "limit", "volume_no", "number", "insert_at", "officer", "officer_id",
                  "person_id", "position", "target_id")
#: values for parameters that are not numbers (so the route can be built at all).
OTHER_PARAMS: dict[str, Any] = {"fmt": "pdf"}

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def _ledger_code() -> str:
    from ecase.ledger_views.queries import ledgers

    return sorted(ledgers())[0]


def _act_as(client: FlaskClient, user_id: int) -> None:
    """Log in afresh before each request: the walk posts to /logout and resets passwords."""
    from ecase.accounts.testing import stamp_session

    user = db.session().get(User, user_id)
    db.session().refresh(user)
    with client.session_transaction() as sess:
        stamp_session(sess, user)


def _routes(app: Flask) -> list[tuple[Any, str]]:
    return [(rule, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})]


def _open(client: FlaskClient, url: str, method: str, data: dict[str, Any] | None) -> tuple[int, str]:
    kwargs: dict[str, Any] = {"method": method}
    if data is not None:
        kwargs["data"] = {**data, "file": (io.BytesIO(b"%PDF-1.4\n"), "x.pdf")}
        kwargs["content_type"] = "multipart/form-data"
    try:
        resp = client.open(url, **kwargs)
    except Exception as e:  # TESTING propagates exceptions: they are server errors
        return 599, repr(e)
    body = resp.get_data()
    resp.close()
    return resp.status_code, body[:300].decode("utf-8", "replace")


def _int_args(rule: Any) -> list[str]:
    from werkzeug.routing.converters import NumberConverter

    return [name for name, conv in rule._converters.items() if isinstance(conv, NumberConverter)]


def test_out_of_range_ids_in_paths_answer_404(app: Flask, make_user: Any) -> None:
    admin = make_user("walker", "admin")
    client = app.test_client()
    adapter = app.url_map.bind("localhost")
    problems, walked = [], 0
    for rule, method in _routes(app):
        ints = _int_args(rule)
        if not ints:
            continue
        others = {name: OTHER_PARAMS.get(name) or _ledger_code()
                  for name in rule.arguments if name not in ints}
        for value in PATH_IDS:
            # put the value in each integer part by hand: building refuses numbers out of range
            for name in ints:
                bad = adapter.build(rule.endpoint, {**others, **{n: 1 for n in ints},
                                                    name: 424242424242}, method=method)
                bad = bad.replace("424242424242", str(value))
                _act_as(client, admin.id)
                status, body = _open(client, bad, method, {} if method == "POST" else None)
                walked += 1
                if status != 404:
                    problems.append(f"{method} {bad} -> {status} {body[:120]!r}")
    assert walked > 50
    assert not problems, "\n".join(problems)


def test_out_of_range_numbers_in_parameters_are_no_server_error(app: Flask) -> None:
    """Every route of objects that exist (the world of tests/test_routes_by_role.py),
    with every numeric parameter out of range, as an admin."""
    from tests.test_routes_by_role import build_world, fill

    world = build_world()
    admin_id = world["users"]["admin"]
    client = app.test_client()
    adapter = app.url_map.bind("localhost")
    problems, walked = [], 0
    for value in (*HUGE, 2**63 - 1, MIN - 1, MIN, -1):
        params = {name: str(value) for name in NUMERIC_PARAMS}
        params["order"] = f"2,{value}"
        for rule, method in _routes(app):
            for values in fill(rule, world["A"]):
                url = adapter.build(rule.endpoint, {**values, **params}, method=method)
                _act_as(client, admin_id)
                status, body = _open(client, url, method, params if method != "GET" else None)
                walked += 1
                if status >= 500:
                    problems.append(f"{method} {url} -> {status} {body[:160]!r}")
    assert walked > 100
    assert not problems, "\n".join(problems)


def test_parsing_helpers() -> None:
    from ecase.errors import InvalidInput, NotFound
    from ecase.params import MAX_ID, int_list, parse_int

    assert parse_int(" 42 ", "x") == 42 and parse_int("", "x", 7) == 7
    assert parse_int(str(MAX_ID), "x") == MAX_ID
    assert parse_int("abc", "x", 3, strict=False) == 3
    with pytest.raises(InvalidInput):
        parse_int("abc", "x")
    for bad in (str(MAX_ID + 1), str(-MAX_ID - 2), "9" * 5000):
        with pytest.raises(NotFound):
            parse_int(bad, "x")
    assert int_list("3，1, 2", "order") == [3, 1, 2] and int_list(["4", ""], "ids") == [4]


def test_an_overflow_a_view_did_not_expect_is_a_404(app: Flask, client: FlaskClient, make_user: Any,
                                                     login: Any) -> None:
    """The net under parameters read some other way: OverflowError answers 404."""
    from ecase.models import Case

    @app.get("/test-overflow")
    def overflow() -> Any:
        return str(db.session().get(Case, 2**64))

    login(make_user("zhang", "clerk"))
    resp = client.get("/test-overflow")
    assert resp.status_code == 404
