"""Fixtures for the search tests: a few hundred synthetic pages in a shared small index."""

from __future__ import annotations

from pathlib import Path

import pytest

from search import Index, PageRecord
from search.synthetic import PageFactory


@pytest.fixture(scope="session")
def pages() -> list[PageRecord]:
    return list(PageFactory(11).pages(600, units=3))


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, pages: list[PageRecord]) -> Index:
    """Built once per session with two commits (two segments) to exercise multi-segment reads."""
    ix = Index(tmp_path_factory.mktemp("search") / "ix")
    ix.add_pages(pages[:250])
    ix.add_pages(pages[250:])
    return ix


@pytest.fixture
def index(tmp_path: Path) -> Index:
    return Index(tmp_path / "ix", lock_timeout=0.3)
