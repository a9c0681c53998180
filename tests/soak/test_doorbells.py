"""What the PostgreSQL + Redis soak found, in one process and without a kill: copies of a
job's message (the doorbell) must not use up its attempts.

A queued job's doorbell is rung again by every sweep while no worker has taken it yet
(the queue is long) and at every worker's start, so several copies of ``ingest_scan``
wait in the queue. In the soak 12 jobs got 63 ``ingest_scan`` messages. Each copy that
finds the job free takes its lease, and every take counted an attempt: after five copies
the job was given up (多次拆分失败) while its pages were still being processed, or the
recognition step found the attempts used up by the split's copies (文书识别多次失败), and
the scan's pages never reached the volume, so the case cannot be exported.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from ecase import db
from ecase.access import Actor
from ecase.intake import operations
from ecase.models import Job, Page, Volume


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # messages go to the embedded broker and stay there: each task is run here by hand,
    # in the order a worker would take the copies
    return {**app_config, "TASKS_EAGER": False}


def _state(job_id: int) -> tuple[str, str | None]:
    db.session().expire_all()
    job = db.session().get(Job, job_id)
    assert job is not None
    return job.state, job.error


@pytest.mark.slow
@pytest.mark.parametrize("copies", [5, 7])
def test_copies_of_a_jobs_message_do_not_give_it_up(app: Flask, small_scan: Any, copies: int) -> None:
    """``copies`` copies of ingest_scan's message (7: the split is given up; 5: the
    split's copies leave recognition no attempt of its own), then the pages, then
    finish_scan with two copies: the job is done and its pages are in the volume."""
    from ecase.intake.tasks import finish_scan, ingest_scan, process_page

    path, info = small_scan
    with db.unit_of_work():
        case = operations.find_or_create_case(Actor.system(), info["case_no"])
        vol = operations.find_or_create_volume(Actor.system(), case)
        with open(path, "rb") as f:
            _scan, job = operations.accept_scan(Actor.system(), vol, f, path.name)
    job_id, scan_id, volume_id = job.id, job.scan_id, vol.id
    # the upload's message and the sweeper's rings, taken one after another
    for _ in range(copies):
        ingest_scan.apply((job_id,))
    assert _state(job_id)[0] == "processing", _state(job_id)
    pages = list(db.session().scalars(select(Page.id).where(Page.scan_id == scan_id).order_by(Page.scan_index)))
    assert len(pages) == info["pages"]
    for page_id in pages:
        process_page.apply((page_id,))
    # the page's last step queued finish_scan; its copies (sweeps) come too
    for _ in range(3):
        finish_scan.apply((job_id,))
    assert _state(job_id) == ("done", None)
    db.session().expire_all()
    volume = db.session().get(Volume, volume_id)
    assert volume is not None and volume.current is not None
    assert [vp.page_id for vp in volume.current.pages] == pages
