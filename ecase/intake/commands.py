"""``ecase ingest``: the command-line door to intake."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from ecase import db
from ecase.cli_support import actor_option, audited, clean_errors, resolve_actor
from ecase.intake import operations
from ecase.models import Job
from ecase.models.dossiers import VOLUME_KINDS


@click.command("ingest")
@with_appcontext
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=True))
@click.option("--case", "case_no", required=True, help="Case number (案件编号), e.g. A3701050200002018010012.")
@click.option("--case-name", default=None, help="Case name when the case is new.")
@click.option("--volume-kind", type=click.Choice(list(VOLUME_KINDS)), default="criminal_main",
              show_default=True, help="Kind of volume.")
@click.option("--volume-no", type=int, default=1, show_default=True, help="Volume number (第N卷).")
@click.option("--insert-at", type=int, default=None,
              help="Insert the pages before this position of the volume (a late document).")
@click.option("--wait", is_flag=True, help="Wait until every page is processed.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@actor_option
@clean_errors
def ingest(files: tuple[str, ...], case_no: str, case_name: str | None, volume_kind: str,
           volume_no: int, insert_at: int | None, wait: bool, as_json: bool, as_user: str | None) -> None:
    """Upload scan FILES (PDF, TIFF, JPEG, PNG, ZIP or a folder of images) into a volume.

    Without --wait the work is queued for the background worker. With --wait the pages
    are processed here if no worker runs (embedded mode), and with --json the volume's
    pages and their state are printed when done."""
    from flask import current_app

    from ecase.intake.views import job_json

    actor = resolve_actor(as_user)
    jobs: list[int] = []
    with db.unit_of_work():
        case = operations.find_or_create_case(actor, case_no, name=case_name)
        volume = operations.find_or_create_volume(actor, case, volume_kind, volume_no)
        volume_id = volume.id
    for i, f in enumerate(files):
        path = Path(f)
        if path.is_dir():
            stream_path = _zip_folder(path)
        else:
            stream_path = path
        with db.unit_of_work():
            volume = db.session().get(type(volume), volume_id)
            assert volume is not None
            with open(stream_path, "rb") as stream:
                at = None if insert_at is None else insert_at
                _scan, job = operations.accept_scan(actor, volume, stream, path.name, insert_at=at)
            jobs.append(job.id)
        if not as_json:
            click.echo(f"已接收 {path.name}，任务 {job.id} / accepted {path.name} as job {job.id}", err=True)
        if wait and not _worker_running():
            current_app.config["TASKS_EAGER"] = True
            from ecase.tasks import celery

            celery.conf.task_always_eager = True
        operations.queue_job(db.session().get(Job, job.id))  # type: ignore[arg-type]
        if wait:
            _wait(job.id, quiet=as_json)
    failed = False
    if as_json:
        from ecase.dossiers.queries import get_volume, get_version
        from ecase.dossiers.views import volume_json

        # printing the volume's pages and documents is a read of it, recorded as one
        reading = audited(actor, "view", "volume", volume_id) if wait else contextlib.nullcontext()
        with reading, current_app.test_request_context():
            out = {"jobs": [job_json(db.session().get(Job, j)) for j in jobs]}  # type: ignore[arg-type]
            if wait:
                vol = get_volume(actor, volume_id)
                db.session().refresh(vol)
                out.update(volume_json(vol, get_version(vol, None)))
        failed = any(j["job"]["state"] == "failed" for j in out["jobs"])
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        for j in jobs:
            job = db.session().get(Job, j)
            assert job is not None
            if job.state == "failed":
                failed = True
                click.echo(f"失败 / failed: {job.error}", err=True)
    if failed:
        sys.exit(1)


def _zip_folder(folder: Path) -> Path:
    """A folder of page images is sent as a ZIP of its files in name order."""
    import tempfile
    import zipfile

    fd, name = tempfile.mkstemp(suffix=".zip")
    with zipfile.ZipFile(open(fd, "wb"), "w", zipfile.ZIP_STORED) as z:
        for p in sorted(folder.iterdir()):
            if p.is_file():
                z.write(p, p.name)
    return Path(name)


def _worker_running() -> bool:
    """Whether a worker answers on the broker (only asked for non-embedded brokers)."""
    from flask import current_app

    if current_app.config["BROKER_URL"].startswith("sqla+"):
        return False
    from ecase.tasks import celery

    try:
        return bool(celery.control.ping(timeout=1.0))
    except Exception:
        return False


def _wait(job_id: int, *, quiet: bool) -> None:
    last = None
    while True:
        db.session().expire_all()
        job = db.session().get(Job, job_id)
        assert job is not None
        state = (job.state, job.done, job.failed)
        if state != last and not quiet:
            click.echo(f"  {job.state_name} {job.done + job.failed}/{job.total}", err=True)
            last = state
        if job.finished:
            return
        time.sleep(0.5)


@click.command("retry")
@with_appcontext
@click.argument("job_id", type=int)
@click.option("--wait", is_flag=True, help="Wait until the job is finished again.")
@actor_option
@clean_errors
def retry(job_id: int, wait: bool, as_user: str | None) -> None:
    """Process the failed job JOB_ID again (重新处理): its failed pages, or its splitting
    or recognition that was given up.

    A scan refused as unreadable, and pages that could not be read out of the file, are
    not processed again (the file is the same). Without --wait the work is queued for the
    background worker; with --wait it is processed here if no worker runs (embedded
    mode). Exits with 1 when the job fails again or pages still fail."""
    from flask import current_app

    from ecase.intake import retry as retrying

    actor = resolve_actor(as_user)
    if wait and not _worker_running():
        current_app.config["TASKS_EAGER"] = True
        from ecase.tasks import celery

        celery.conf.task_always_eager = True
    with audited(actor, retrying.AUDIT_ACTION, "job", job_id, by_operation=True):
        done = retrying.retry_job(actor, job_id)
    pages = f"（{done.pages} 页）" if done.pages else ""
    click.echo(f"任务 {job_id} 已重新开始处理{pages} / job {job_id} is processed again", err=True)
    if not wait:
        return
    _wait(job_id, quiet=False)
    job = db.session().get(Job, job_id)
    assert job is not None
    if job.state == "failed":
        click.echo(f"失败 / failed: {job.error}", err=True)
        sys.exit(1)
    if job.failed:
        click.echo(f"仍有 {job.failed} 页失败 / {job.failed} page(s) still failed", err=True)
        sys.exit(1)
    click.echo(f"完成：{job.done}/{job.total} 页 / done: {job.done}/{job.total} pages", err=True)


#: the area's commands, added to ``ecase`` by ``ecase.areas`` (no app is needed to find them)
COMMANDS = (ingest, retry)
