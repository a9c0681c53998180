"""Refusal messages name the uploaded file, never a path of the server.

The parsers' own words often begin with the path they opened (qpdf: ``/srv/…/data/blobs/
4b/7e/…: Loop detected in /Pages structure``); the hostile files that make them say so
live in ../shared/corpora/hostile. Each is copied to a path shaped like a blob of the
store and read through the sandbox under its uploaded name.
"""

from __future__ import annotations

import io
import itertools
import shutil
from pathlib import Path
from typing import Any

import pytest
from tests.scanning.conftest import CORPORA
from flask import Flask
from flask.testing import FlaskClient

from scanning import sandbox
from scanning.errors import DamagedFileError, InputFileError, ScanError, scrub_paths

HOSTILE = (CORPORA / "hostile").resolve()
#: files whose parser messages carry the path they were opened from
PATH_SAYERS = ["qpdf__pages-loop.pdf", "qpdf__issue-100.pdf", "qpdf__deep-pages.pdf",
               "ocrmypdf__invalid.pdf", "pikepdf__378014596.pdf"]


def _as_blob(tmp_path: Path, name: str) -> Path:
    blob = tmp_path / "data" / "blobs" / "4b" / "7e" / ("4b7e" + "0" * 60)
    blob.parent.mkdir(parents=True)
    shutil.copy(HOSTILE / name, blob)
    return blob


def _messages(blob: Path, name: str, pages: int = 3) -> list[str]:
    said = []
    try:
        sandbox.inspect(blob, name=name)
        said += [p.error for p in itertools.islice(sandbox.iter_pages(blob, name=name), pages) if p.error]
    except InputFileError as e:
        said.append(str(e))
    return said


@pytest.mark.parametrize("name", PATH_SAYERS)
def test_a_parsers_path_is_replaced_by_the_uploaded_name(tmp_path: Path, name: str) -> None:
    if not (HOSTILE / name).exists():
        pytest.skip("no hostile corpus")
    blob = _as_blob(tmp_path, name)
    said = _messages(blob, name)
    assert said, f"{name} was expected to be refused"
    for message in said:
        assert name in message
        assert str(tmp_path) not in message and "blobs" not in message and "4b7e" not in message, message


def test_scrub_paths() -> None:
    assert scrub_paths("/srv/ecase/data/blobs/4b/7e/4b7e01 (object 2 0): Loop detected", "卷.pdf") \
        == "卷.pdf (object 2 0): Loop detected"
    assert scrub_paths("cannot identify image file <_io.BufferedReader name='/tmp/x/y'>", "a.tif") \
        == "cannot identify image file a.tif"
    kept = "第1页 / page 1：刑事/行政 entry 'scans/p1.png' 3/4"
    assert scrub_paths(kept, "a.zip") == kept


def test_every_error_says_the_name_not_the_path() -> None:
    err = DamagedFileError("/srv/data/blobs/ab/cd/abcd", "cannot open /srv/data/blobs/ab/cd/abcd: no", 2)
    assert "/srv" not in str(err) and "abcd: no" in str(err)
    assert "/tmp" not in str(ScanError("tesseract failed on /tmp/tess_1/page.png"))


def test_an_upload_refused_says_no_server_path(app: Flask, client: FlaskClient, login: Any,
                                               make_user: Any) -> None:
    """The tester's case: a looping PDF uploaded through the API."""
    name = "qpdf__pages-loop.pdf"
    if not (HOSTILE / name).exists():
        pytest.skip("no hostile corpus")
    login(make_user("clerk", "clerk"))
    resp = client.post("/api/scans", data={"case_no": "A3701050200002018010001",
                                           "file": (io.BytesIO((HOSTILE / name).read_bytes()), "卷一.pdf")},
                       content_type="multipart/form-data", headers={"Accept": "application/json"})
    assert resp.status_code == 422
    message = resp.get_json()["error"]["message"]
    assert "卷一.pdf" in message and "损坏" in message  # the parser's words are put in Chinese
    assert app.config["DATA_DIR"] not in message and "blobs" not in message, message
