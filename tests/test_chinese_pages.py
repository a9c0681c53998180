"""Chinese everywhere a user reads: the demo's pages, walked as each role from the home
page by following links, show no ASCII word outside an allow-list of proper terms.

What is read: the text of the page, its title, and the attributes a user sees (title,
placeholder, alt, aria-label). What is not: scripts, styles, URLs, the values users typed
or uploaded (file names), case and document numbers (letters and digits of the
case-handling system, one letter long).

Pages of the supervision, ledger, audit and admin areas are walked too, but their words
are reported by :func:`test_other_areas_speak_chinese`, an expected failure until the
engineer fixing those areas (issue 17, at the same time) lands the fixes.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]

#: proper terms a Chinese page may show as they are
ALLOWED = {"PDF", "ID", "OCR", "ZIP", "TIFF", "TIF", "JPEG", "JPG", "PNG", "CSV", "XLSX", "Excel",
           "ecase", "SHA", "HTTP", "API", "AV", "GB", "KB", "MB", "CST",
           # the search syntax users type (search/query.py)
           "AND", "OR", "NOT",
           # the HTTP header a personal token is sent in, written as the tools want it
           "Authorization", "Bearer",
           # the demo's login names: data shown where accounts are listed, not interface text
           "admin", "clerk", "leader", "reviewer"}
#: first path segments whose pages another engineer makes Chinese (issue 17)
OTHER_AREAS = ("supervision", "ledgers", "audit", "admin", "accounts", "exports", "tokens", "password")
#: pages of those areas under another area's path
OTHER_PAGES = re.compile(r"^/cases/\d+/export")
#: links not followed: downloads, writes, the way out
SKIP = re.compile(r"^/(static|logout|api/)|/(image|thumb|file|volume\.pdf)$|\.(pdf|xlsx|zip|csv)$|/print$")
MAX_PAGES = 60
PER_SHAPE = 2
WORD = re.compile(r"[A-Za-z]{2,}")
#: user data and identifiers: file names, case/incident numbers, dates and times
USER_DATA = re.compile(r"\S+\.(?:pdf|tiff?|jpe?g|png|zip|xlsx|csv)\b|[AJ]\d{22}|\d{4}-\d\d-\d\d(?:T\d\d:\d\d)?"
                       r"|\b(?:doc|case|person):"  # the search syntax's field prefixes
                       r"|原文：[^；]*",  # what OCR read, as it read it
                       re.I)


class _Text(HTMLParser):
    """The words of a page a user reads."""

    SEEN_ATTRS = ("title", "placeholder", "alt", "aria-label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._skip_tag: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip += 1
            return
        if tag in ("script", "style", "svg") or "data-ocr" in a:
            # scripts, styles; the page's OCR (word boxes, the text read): the scan's words
            self._skip_tag, self._skip = tag, 1
            return
        if tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        for name in self.SEEN_ATTRS:
            if a.get(name):
                self.parts.append(str(a[name]))
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.parts.append(str(a["value"]))

    def handle_endtag(self, tag: str) -> None:
        if self._skip_tag is not None and tag == self._skip_tag:
            self._skip -= 1
            if not self._skip:
                self._skip_tag = None

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def english_words(html: str) -> tuple[list[str], list[str]]:
    """ASCII words outside the allow-list, and the page's links."""
    p = _Text()
    p.feed(html)
    text = USER_DATA.sub(" ", " ".join(p.parts))
    words = [w for w in WORD.findall(text) if w not in ALLOWED and w.upper() not in ALLOWED]
    return words, p.links


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def walk(client: FlaskClient) -> dict[str, list[str]]:
    """url -> English words, for the pages reached from / by links (GET only)."""
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    found: dict[str, list[str]] = {}
    todo = deque(["/"])
    while todo and len(seen) < MAX_PAGES:
        url = todo.popleft()
        if url in seen:
            continue
        seen.add(url)
        try:
            resp = client.get(url, follow_redirects=True)
        except Exception as e:  # TESTING propagates a server error
            found[url] = [f"<server error {type(e).__name__}>"]
            continue
        if resp.status_code != 200 or not resp.content_type.startswith("text/html"):
            continue
        words, links = english_words(resp.get_data(as_text=True))
        if words:
            found[url] = sorted(set(words))
        for href in links:
            parts = urlsplit(urljoin("http://localhost" + url, href))
            if parts.netloc != "localhost" or SKIP.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            shape = _shape(parts.path)
            if target in seen or shapes.get(shape, 0) >= PER_SHAPE:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            todo.append(target)
    return found


def _area(url: str) -> str:
    path = urlsplit(url).path
    if OTHER_PAGES.match(path):
        return "exports"
    return path.strip("/").split("/")[0]


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> dict[str, dict[str, list[str]]]:
    """The demo (smaller ledgers, the one scanned volume) walked as each of its roles."""
    import shutil

    from ecase import create_app, db
    from ecase.accounts.testing import stamp_session
    from ecase.models import User

    data = tmp_path_factory.mktemp("demo-walk") / "data"
    data.mkdir()
    shutil.copy(template_db, data / "ecase.sqlite")
    app: Flask = create_app({"DATA_DIR": str(data), "TASKS_EAGER": True, "TESTING": True,
                             "SECRET_KEY": "test", "WORKER_CONCURRENCY": 2})
    out: dict[str, dict[str, list[str]]] = {}
    with app.app_context():
        from ecase.demo import demo_command

        result = app.test_cli_runner().invoke(demo_command, ["--incidents", "300", "--cases", "60"])
        assert result.exit_code == 0, result.output
        for role in ("clerk", "leader", "reviewer", "admin"):
            user = db.session().query(User).filter_by(username=role).one()
            client = app.test_client()
            with client.session_transaction() as sess:
                stamp_session(sess, user)
            out[role] = walk(client)
        app.extensions["ecase.db"].engine.dispose()
    return out


def _report(walked: dict[str, dict[str, list[str]]], mine: bool) -> list[str]:
    lines = []
    for role, pages in walked.items():
        for url, words in pages.items():
            if (_area(url) in OTHER_AREAS) != mine:
                lines.append(f"{role} {url}: {' '.join(words[:15])}")
    return lines


def test_pages_speak_chinese(walked: dict[str, dict[str, list[str]]]) -> None:
    assert all(len(pages) >= 0 for pages in walked.values())
    problems = _report(walked, mine=True)
    assert not problems, "English words where users read:\n" + "\n".join(problems)


def test_other_areas_speak_chinese(walked: dict[str, dict[str, list[str]]]) -> None:
    problems = _report(walked, mine=False)
    assert not problems, "English words where users read:\n" + "\n".join(problems)


def test_the_check_sees_english() -> None:
    words, _ = english_words('<p title="open">案件 PDF A3701050200002018010012 demo-7.pdf</p><h1>Volume 卷</h1>'
                             '<pre data-ocr>OCR junk <b>GO</b></pre><svg><title>OO</title></svg>'
                             '<a title="原文：二OO二年；置信度 70%">2002-01-01</a><p>done</p>')
    assert words == ["open", "Volume", "done"]
