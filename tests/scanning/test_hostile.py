"""Every file of the hostile corpus is ingested or refused clearly, in bounded time.

The corpus (../shared/corpora/hostile, see its README and MANIFEST.tsv) holds broken,
looping, encrypted, bomb-like and oddly encoded files. For each one: the sandboxed source
either yields pages (a page may carry an error naming the file) or raises an
InputFileError whose message names the file; the first pages go through the page
pipeline in worker processes; nothing takes this test process down.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import multiprocessing
import time
from pathlib import Path

import pytest
from tests.scanning.conftest import CORPORA

from scanning import sandbox
from scanning.errors import InputFileError
from scanning.pipeline import process_page

HOSTILE = (CORPORA / "hostile").resolve()
PAGES_PER_FILE = 1
SECONDS_PER_FILE = 240


def _manifest() -> list[tuple[str, str]]:
    path = HOSTILE / "MANIFEST.tsv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return [(row["file"], row.get("expected") or "") for row in csv.DictReader(f, delimiter="\t")]


ENTRIES = _manifest()


@pytest.fixture(scope="module")
def workers():
    pool = cf.ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("forkserver"))
    yield pool
    pool.shutdown(cancel_futures=True)


def test_manifest_lists_every_file(hostile_dir: Path) -> None:
    listed = {name for name, _ in ENTRIES}
    present = {p.name for p in hostile_dir.iterdir() if p.name != "MANIFEST.tsv"}
    assert present <= listed, present - listed


def _expects_refusal(expected: str) -> bool:
    return expected.startswith("reject") and "or" not in expected and "page" not in expected


@pytest.mark.slow
@pytest.mark.parametrize("name,expected", ENTRIES or [pytest.param("", "", marks=pytest.mark.skip("no corpus"))],
                         ids=[n for n, _ in ENTRIES] or ["absent"])
def test_hostile_file(hostile_dir: Path, workers: cf.ProcessPoolExecutor, name: str, expected: str) -> None:
    path = hostile_dir / name
    started = time.monotonic()
    pages = []
    try:
        info = sandbox.inspect(path)
        assert info.page_count >= 1
        for page in sandbox.iter_pages(path):
            pages.append(page)
            if page.error:
                assert name in page.error, page.error
            assert time.monotonic() - started < SECONDS_PER_FILE
    except InputFileError as e:
        message = str(e)
        assert name in message, message
        assert "Traceback" not in message
        assert time.monotonic() - started < SECONDS_PER_FILE
        return
    assert not _expects_refusal(expected), f"{name} should have been refused ({expected})"
    assert pages, f"{name}: ingested but no pages"
    assert [p.index for p in pages] == list(range(1, len(pages) + 1))
    todo = [p for p in pages if not p.error][:PAGES_PER_FILE]
    futures = [workers.submit(process_page, p.data, dpi=p.dpi, index=p.index, name=name) for p in todo]
    for page, fut in zip(todo, futures):
        result, upright = fut.result(timeout=SECONDS_PER_FILE)
        assert result.index == page.index
        if result.error:
            assert name in result.error, result.error
        elif not result.blank:
            assert result.ocr is not None and result.rotation in (0, 90, 180, 270)
    if "page 2 flagged" in expected:
        assert pages[0].error is None
    assert time.monotonic() - started < SECONDS_PER_FILE
