"""The fault soak (issue 13): the real service (``ecase run`` as a subprocess) is killed
with SIGKILL at random moments while scans are uploaded through the JSON API, started
again, and afterwards every acknowledged scan must be in its volume exactly once, no job
may hang, every case must export whole and the audit trail must verify. Also the race
without any crash: uploads in a row and at once to one case, and first uploads to a new
case number at once.

The harness is ``tests/soak/harness.py`` (shared with ``bench/soak.py``, which runs the
same with 50 kills). Short leases (``ECASE_LEASE_S=6``, ``ECASE_SWEEP_INTERVAL_S=3``)
keep a run within a few minutes.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.soak import harness
from tests.soak.harness import Backend, SoakOptions

pytestmark = [pytest.mark.soak, pytest.mark.xdist_group("soak")]

LEASE_S, SWEEP_S = 6, 3
STALL_S = LEASE_S + 3 * SWEEP_S + 40  # no progress for this long: the rest is stuck


def _options(seed: int) -> SoakOptions:
    """3 kills during 10 uploads of 2–4 pages to two cases (one per unit): about two and a
    half minutes on two busy cores, most of it OCR and the exports."""
    return SoakOptions(kills=3, scans=10, cases=2, seed=seed, lease_s=LEASE_S, sweep_s=SWEEP_S, stall_s=40,
                       wait_cap_s=300)


def _report(figures: harness.Figures) -> str:
    return figures.line() + "\n" + "\n".join(figures.problems[:40])


def _assert_clean(figures: harness.Figures) -> None:
    report = _report(figures)
    assert figures.acknowledged > 0, report
    assert figures.lost == 0, report
    assert figures.stuck == 0, report
    assert figures.failed == 0, report
    assert figures.duplicated == 0, report
    assert figures.missing == 0, report
    # a valid upload is answered 2xx or not at all (the connection died with the service)
    assert figures.errors == 0, report
    assert figures.export_ok, report
    assert figures.audit_ok, report


def test_soak_embedded(tmp_path: Path) -> None:
    """SQLite, the embedded broker and ``ecase run``'s own worker, killed 3 times."""
    figures = harness.run_soak(tmp_path, _options(seed=13), Backend("sqlite"))
    print(figures.line())
    _assert_clean(figures)


@pytest.mark.postgres
@pytest.mark.redis
def test_soak_postgres_redis(tmp_path: Path) -> None:
    """PostgreSQL and Redis: ``ecase run --no-worker`` and two ``ecase worker`` processes,
    each in its own process group; a kill takes all of them or one worker."""
    pg, redis = os.environ.get("ECASE_TEST_POSTGRES_URL"), os.environ.get("ECASE_TEST_REDIS_URL")
    if not pg or not redis:
        pytest.skip("ECASE_TEST_POSTGRES_URL and ECASE_TEST_REDIS_URL are not both set "
                    "(./dev test starts PostgreSQL and Redis on loopback)")
    with harness.postgres_backend(pg, redis, workers=2) as backend:
        figures = harness.run_soak(tmp_path, _options(seed=29), backend)
    print(figures.line())
    _assert_clean(figures)


# --- the race, no crash ----------------------------------------------------------------


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[harness.Service, dict[str, str], Path]]:
    """One embedded service (no kill) for the race tests of this module."""
    workdir = tmp_path_factory.mktemp("race")
    service, tokens = harness.start_service(workdir, Backend("sqlite"), lease_s=LEASE_S, sweep_s=SWEEP_S)
    try:
        yield service, tokens, workdir
    finally:
        service.stop()


def _settle(service: harness.Service) -> None:
    harness.wait_for_jobs(service, stall_s=STALL_S, cap_s=300)


def test_uploads_in_a_row_and_at_once_to_one_case(service: tuple[harness.Service, dict[str, str], Path]) -> None:
    """10 single-page scans one after another to one case; to another case one scan, then
    5 at once (from threads): every job done, each volume's current version holds every
    page once, the package has them all. (Before: 2 jobs left in 文书识别 on UNIQUE
    volume_versions.volume_id, number; the volume with 8 of 10 pages; an export of 6 of 8
    pages that ``ecase verify`` called whole.)"""
    svc, tokens, workdir = service
    rng = random.Random(7)
    clerk = harness.UNITS[0][0]
    in_a_row = harness.single_page_uploads(workdir, harness.case_number(1, 701), clerk, 10, 100, rng)
    at_once = harness.single_page_uploads(workdir, harness.case_number(2, 701), clerk, 6, 200, rng)
    harness.upload_all(svc, tokens[clerk], in_a_row, at_once=False)
    harness.upload_all(svc, tokens[clerk], at_once[:1], at_once=False)  # the case exists first
    harness.upload_all(svc, tokens[clerk], at_once[1:], at_once=True)
    answers = [(u.filename, u.outcome, u.status, u.detail[:200]) for u in in_a_row + at_once]
    assert all(u.outcome == "acknowledged" for u in in_a_row + at_once), answers
    _settle(svc)
    for ups in (in_a_row, at_once):
        case_no = ups[0].case_no
        state = harness.volume_state(svc, case_no)
        jobs = {j: (st, err) for j, st, err in state["jobs"]}
        assert sorted(jobs) == sorted(u.job_id for u in ups), (case_no, jobs)
        assert all(st == "done" for st, _ in jobs.values()), (case_no, jobs)
        pages = state["volumes"][("criminal_main", 1)]["pages"]
        assert len(pages) == len(set(pages)) == len(ups), (case_no, pages, jobs)
        counts, said = harness.export_page_counts(svc, case_no, workdir / f"{case_no}.zip")
        assert counts == {("criminal_main", 1): len(ups)}, (case_no, counts, said)


def test_first_uploads_to_a_new_case_at_once(service: tuple[harness.Service, dict[str, str], Path]) -> None:
    """Two first uploads to the same new case number at once (three times over): both
    accepted, never a 500; one case, one volume holding both scans' pages."""
    svc, tokens, workdir = service
    rng = random.Random(11)
    clerk = harness.UNITS[1][0]
    rounds = [harness.single_page_uploads(workdir, harness.case_number(10 + r, 702), clerk, 2, 300 + 2 * r, rng)
              for r in range(3)]
    for pair in rounds:
        harness.upload_all(svc, tokens[clerk], pair, at_once=True)
    answers = [(u.filename, u.status, u.detail[:200]) for pair in rounds for u in pair]
    assert all(status is not None and status < 500 for _, status, _ in answers), answers
    assert all(u.outcome == "acknowledged" for pair in rounds for u in pair), answers
    _settle(svc)
    for pair in rounds:
        state = harness.volume_state(svc, pair[0].case_no)
        assert state["cases"] == 1 and list(state["volumes"]) == [("criminal_main", 1)], state
        assert all(st == "done" for _, st, _ in state["jobs"]), state["jobs"]
        pages = state["volumes"][("criminal_main", 1)]["pages"]
        assert len(pages) == len(set(pages)) == 2, state
