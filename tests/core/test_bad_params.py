"""Every route with bad parameters — none, words where numbers belong, ids of nothing,
dates that are no dates — answers as the user's mistake (4xx, or a page that ignores what
it cannot use), never a server error; and every error page or JSON error speaks Chinese.

The routes are discovered from ``app.url_map`` and filled from the world of
tests/test_routes_by_role.py, so a route added later is walked too.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.core.test_huge_ids import _act_as, _int_args, _open, _routes

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

#: every query or form parameter some view reads, with values that are wrong for it
PARAMS = ("page", "version", "unit_id", "unit", "case_id", "finding_id", "offset", "limit",
          "volume_no", "number", "insert_at", "officer", "officer_id", "person_id", "position",
          "target_id", "from", "to", "period", "kind", "state", "sort", "dir", "grade", "rule",
          "as_of", "box", "hit", "first", "last", "order", "starts", "name", "value", "q",
          "volume_kind", "case_no", "format", "mode", "role", "status")
BAD_VALUES = ("abc", "1.5", "二", "-", "2018-13-45", "%", "[", "9999999999")
#: a path id no row has (inside what the database holds)
UNKNOWN_ID = 987654321
CJK = re.compile(r"[\u4e00-\u9fff]")


def _error_is_chinese(status: int, body: str) -> bool:
    if status < 400 or status in (401, 302):
        return True
    if body.lstrip().startswith("{"):
        m = re.search(r'"message":\s*"([^"]*)', body)  # the body is cut at 300 bytes
        return m is None or bool(CJK.search(m.group(1)))
    return bool(CJK.search(body))


@pytest.mark.parametrize("role", ["clerk", "reviewer"])
def test_bad_parameters_are_no_server_error(app: Flask, role: str) -> None:
    from tests.test_routes_by_role import build_world, fill

    world = build_world()
    user_id = world["users"][role]
    client = app.test_client()
    adapter = app.url_map.bind("localhost")
    problems: list[str] = []
    walked = 0
    for rule, method in _routes(app):
        for values in fill(rule, world["A"])[:1]:
            url = adapter.build(rule.endpoint, values, method=method)
            # nothing at all: no query, an empty form
            tries = [(url, {} if method != "GET" else None)]
            # a wrong value in every parameter at once, one kind of wrong at a time
            for bad in BAD_VALUES:
                params = {name: bad for name in PARAMS if name not in rule.arguments}
                tries.append((adapter.build(rule.endpoint, {**values, **params}, method=method),
                              params if method != "GET" else None))
            # each integer in the path naming nothing
            for name in _int_args(rule):
                tries.append((adapter.build(rule.endpoint, {**values, name: UNKNOWN_ID}, method=method),
                              {} if method != "GET" else None))
            for target, data in tries:
                _act_as(client, user_id)
                status, body = _open(client, target, method, data)
                walked += 1
                if status >= 500:
                    problems.append(f"{role} {method} {target} -> {status} {body[:160]!r}")
                elif not _error_is_chinese(status, body):
                    problems.append(f"{role} {method} {target} -> {status}, not in Chinese: {body[:160]!r}")
    assert walked > 200
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])
