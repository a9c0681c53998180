"""Every response carries a Content-Security-Policy that allows scripts and styles from
the site's own files only, and no page needs more: no inline script, no inline event
handler, no style attribute or element, no ``javascript:`` URL (each would be refused by
the browser, silently breaking the page)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from ecase import db
from ecase.models import User

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _policy(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


class _Inline(HTMLParser):
    """What a strict policy would refuse in one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {k.lower(): v or "" for k, v in attrs}
        if tag == "script":
            self._script = "src" not in names
        if tag == "style":
            self.found.append("<style> element")
        for name, value in names.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style=…>")
            if name in ("href", "src", "action", "formaction") and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")

    def handle_data(self, data: str) -> None:
        if self._script and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:60]!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False


def _inline(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    return parser.found


def test_a_strict_policy_and_the_other_headers(client: FlaskClient) -> None:
    resp = client.get("/login")
    policy = _policy(resp.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert not any("unsafe" in word for words in policy.values() for word in words)
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert resp.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in resp.headers  # plain HTTP here
    static = client.get("/static/ecase.css")
    assert _policy(static.headers["Content-Security-Policy"])["default-src"] == ["'none'"]
    static.close()
    assert "max-age" in client.get("/login", base_url="https://localhost").headers["Strict-Transport-Security"]


def test_no_template_holds_what_the_policy_refuses() -> None:
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = re.sub(r"{[{%#].*?[}%#]}", "", path.read_text(encoding="utf-8"), flags=re.S)
        problems += [f"{path.relative_to(TEMPLATES)}: {what}" for what in _inline(text)]
    assert not problems, "\n".join(problems)


def test_no_rendered_page_holds_what_the_policy_refuses(app: Flask) -> None:
    """Every page of objects that exist (the world of tests/test_routes_by_role.py), as
    an admin, after the template filled in."""
    from ecase.accounts.testing import stamp_session
    from tests.test_routes_by_role import build_world, fill

    world = build_world()
    client = app.test_client()
    adapter = app.url_map.bind("localhost")
    problems, pages = [], 0
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint == "static":
            continue
        for values in fill(rule, world["A"]):
            url = adapter.build(rule.endpoint, values, method="GET")
            user = db.session().get(User, world["users"]["admin"])
            with client.session_transaction() as sess:
                stamp_session(sess, user)
            resp = client.get(url)
            if resp.mimetype == "text/html":
                pages += 1
                problems += [f"{url}: {what}" for what in _inline(resp.get_data(as_text=True))]
            resp.close()
    assert pages > 20
    assert not problems, "\n".join(problems)


def test_the_strings_scripts_build_are_not_html(app: Any) -> None:
    """Scripts put server text into pages as text (no innerHTML built from strings)."""
    static = Path(app.static_folder)
    for path in static.glob("*.js"):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert not re.search(r"innerHTML\s*=\s*[^\"';]*\+", line), f"{path.name}: {line.strip()}"
