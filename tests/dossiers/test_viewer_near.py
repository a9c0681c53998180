"""Near matches in the viewer: a search result found with one character misread opens the
page with that phrase marked (the page's misread string is handed to the viewer's marker,
``data-near``), and previous/next hit knows the near pages; ``near=0`` keeps them out.
The marks themselves are checked in Chromium (tests/browser/test_viewer_near.py)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from ecase.dossiers import queries
from tests.dossiers.near_volume import near_volume


def _attr(html: str, name: str) -> str:
    m = re.search(rf'{name}="([^"]*)"', html)
    assert m, name
    return unescape(m.group(1))


def test_near_strings() -> None:
    lits = queries.near_literals("看守所羁押 NOT 看守所霸押 person:看守所羁押 张三")
    assert lits == ["看守所羁押"]  # not under NOT, not a field, not shorter than four
    assert queries.near_strings("兹决定送济南市看守所霸押。", lits) == ["看守所霸押"]
    assert queries.near_strings("兹决定送济南市看守所羁押。", lits) == []  # exact: marked as such
    assert queries.near_strings("看守所\n霸押", lits) == ["看守所霸押"]
    assert queries.near_strings("取保候审决定书", lits) == []
    assert queries.near_literals("看守所羁押 )") == []  # a query search refuses marks nothing


def test_near_result_opens_with_its_phrase_marked(client: Any, login: Any, make_user: Any) -> None:
    vol = near_volume()
    login(make_user("clerk", "clerk"))
    found = client.get("/search?q=看守所羁押").get_data(as_text=True)
    links = re.findall(r'href="(/volumes/\d+/pages/\d+[^"]*)" class="hit-title"', found)
    assert [unescape(x).split("?")[0] for x in links] == [f"/volumes/{vol.id}/pages/1", f"/volumes/{vol.id}/pages/2"]

    near_page = client.get(unescape(links[1])).get_data(as_text=True)
    assert _attr(near_page, "data-near") == "看守所霸押"
    assert _attr(near_page, "data-query") == "看守所羁押"
    assert _attr(near_page, "data-hit-pages") == "1,2"  # previous/next hit reach the near page
    exact_page = client.get(unescape(links[0])).get_data(as_text=True)
    assert _attr(exact_page, "data-near") == ""
    other = client.get(f"/volumes/{vol.id}/pages/3?q=看守所羁押").get_data(as_text=True)
    assert _attr(other, "data-near") == ""

    # searched without near matches: the search's links say so, and the viewer keeps it
    off = client.get("/search?q=看守所羁押&near=0").get_data(as_text=True)
    [link] = re.findall(r'href="(/volumes/\d+/pages/\d+[^"]*)" class="hit-title"', off)
    assert "near=0" in unescape(link)
    page = client.get(f"/volumes/{vol.id}/pages/2?q=看守所羁押&near=0").get_data(as_text=True)
    assert _attr(page, "data-near") == "" and _attr(page, "data-hit-pages") == "1"
    assert "near=0" in unescape(re.search(r'id="prev-page"[^>]*href="([^"]+)"', page).group(1))
