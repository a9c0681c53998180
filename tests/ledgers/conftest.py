"""Fixtures of the ledger tests: a synthetic bureau (fixed seed and end date), its system
exports written once per session, and a database loaded with it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from ledgers import synthetic

END = dt.date(2026, 6, 30)
INCIDENTS = 300
CASES = 320


@pytest.fixture(scope="session")
def bureau() -> synthetic.Bureau:
    return synthetic.make_bureau(7, units=6, officers_per_unit=6, end=END)


@pytest.fixture(scope="session")
def exports_csv(tmp_path_factory: pytest.TempPathFactory, bureau: synthetic.Bureau) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("exports_csv")
    paths = synthetic.write_exports(bureau, d, incidents=INCIDENTS, cases=CASES)
    return {p.stem: p for p in paths}


@pytest.fixture(scope="session")
def exports_xlsx(tmp_path_factory: pytest.TempPathFactory, bureau: synthetic.Bureau) -> Path:
    d = tmp_path_factory.mktemp("exports_xlsx")
    return synthetic.write_exports(bureau, d, incidents=INCIDENTS, cases=CASES, fmt="xlsx")[0]


@pytest.fixture
def loaded(app: Flask, bureau: synthetic.Bureau) -> dict[str, int]:
    """The synthetic bureau straight in the database (outside decisions included)."""
    from ecase import db
    from ecase.demo import load_bureau

    counts = load_bureau(db.session(), bureau, incidents=INCIDENTS, cases=CASES)
    db.session().commit()
    return counts


@pytest.fixture
def do_import(app: Flask) -> Callable[..., Any]:
    from ecase.access import Actor
    from ecase.ledger_views import operations

    def run(*paths: Path, mode: str = "all") -> Any:
        _run_id, report = operations.run_import(Actor.system(), [(Path(p), Path(p).name) for p in paths], mode)
        return report

    return run


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    import csv

    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path
