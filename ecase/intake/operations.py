"""Writes of the intake area. Each takes the acting user first and only flushes."""

from __future__ import annotations

import logging
import re
from typing import Any, BinaryIO, TypeVar

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ecase import db
from ecase.access import Actor, may, require
from ecase.blobs import store
from ecase.errors import InvalidInput, NotFound
from ecase.models import Case, Job, Scan, Unit, Volume
from ecase.models.dossiers import VOLUME_KINDS
from scanning import sandbox

log = logging.getLogger(__name__)

T = TypeVar("T")

CASE_NO = re.compile(r"^[AJ]\d{22}$")


def find_case(actor: Actor, case_no: str) -> Case:
    from ecase.access import visible_cases

    case = db.session().scalars(visible_cases(actor).where(Case.case_no == case_no)).first()
    if case is None:
        raise _no_such_case(case_no)
    return case


def find_or_create_case(actor: Actor, case_no: str, *, name: str | None = None,
                        unit_id: int | None = None, kind: str | None = None) -> Case:
    """The case with this number, made if it does not exist yet (in the actor's unit).

    Case numbers belong to units: a unit's officer reaches only cases of the unit, and
    makes new ones only with numbers the unit gives out (its 12-digit code after the
    letter, when the unit has a code). Another unit's case and a number of another unit
    get one and the same answer, so nobody learns which numbers exist elsewhere, and a
    number made by mistake in one unit never blocks the unit it belongs to."""
    case_no = case_no.strip()
    s = db.session()
    case = s.scalars(select(Case).where(Case.case_no == case_no)).first()
    if case is not None:
        if not may(actor, "case.view", case.unit_id):
            raise _no_such_case(case_no)
        return case
    if not CASE_NO.match(case_no):
        raise InvalidInput(f"案件编号格式不正确：{case_no}（应为 A + 22 位数字）")
    unit_id = unit_id or actor.unit_id
    if unit_id is None:
        unit_id = _default_unit(s).id
    require(actor, "case.create", unit_id)
    if not actor.all_units:
        code = s.scalar(select(Unit.code).where(Unit.id == unit_id))
        if code and case_no[1:1 + len(code)] != code:
            raise _no_such_case(case_no)
    made = _insert_or_get(Case(case_no=case_no, name=name or case_no, kind=kind or "criminal",
                               unit_id=unit_id, origin="dossier"),
                          select(Case).where(Case.case_no == case_no))
    if made.unit_id != unit_id and not may(actor, "case.view", made.unit_id):
        raise _no_such_case(case_no)  # made at the same moment in another unit
    if made.unit_id == unit_id:
        log.info("case %s created by %s", case_no, actor.name)
    return made


def _no_such_case(case_no: str) -> NotFound:
    """One answer for a case that does not exist and one the actor may not reach (the
    number is not repeated: the answer is the same whatever was asked)."""
    return NotFound("该案件编号不存在，或不属于您的单位")


def _insert_or_get(row: T, existing: Any) -> T:
    """Insert ``row``, or when a concurrent transaction inserted the same unique key
    first (two first uploads to one new case at once), the row it made.

    Called as the first write of its transaction: the conflict rolls that transaction
    back, which loses nothing of the caller's."""
    s = db.session()
    s.add(row)
    try:
        s.flush()
        return row
    except IntegrityError:
        s.rollback()
        found = s.scalars(existing).first()
        if found is None:
            raise
        return found  # type: ignore[no-any-return]


UNASSIGNED_UNIT = "未分配单位"


def _default_unit(s: Any) -> Unit:
    """Where a case made by the system (``ecase ingest`` without ``--as``) goes when no
    unit is named: the only unit there is, or a placeholder unit a reviewer reassigns from."""
    units = list(s.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.id).limit(2)))
    if len(units) == 1:
        return units[0]
    unit = s.scalars(select(Unit).where(Unit.name == UNASSIGNED_UNIT)).first()
    if unit is None:
        unit = _insert_or_get(Unit(name=UNASSIGNED_UNIT, kind="placeholder"),
                              select(Unit).where(Unit.name == UNASSIGNED_UNIT))
    return unit


def find_or_create_volume(actor: Actor, case: Case, kind: str = "criminal_main", number: int = 1) -> Volume:
    if kind not in VOLUME_KINDS:
        raise InvalidInput(f"未知的卷宗类型：{kind}（可选：{'、'.join(VOLUME_KINDS)}）")
    if number < 1:
        raise InvalidInput("卷号必须为正整数")
    require(actor, "volume.edit", case.unit_id)
    s = db.session()
    vol = s.scalars(select(Volume).where(Volume.case_id == case.id, Volume.kind == kind,
                                         Volume.number == number)).first()
    if vol is None:
        case_id = case.id
        vol = _insert_or_get(Volume(case_id=case_id, kind=kind, number=number),
                             select(Volume).where(Volume.case_id == case_id, Volume.kind == kind,
                                                  Volume.number == number))
    return vol


def accept_scan(actor: Actor, volume: Volume, stream: BinaryIO, filename: str, *,
                insert_at: int | None = None) -> tuple[Scan, Job]:
    """Store the upload's bytes durably, check that it is a scan we can read, and queue
    its processing. Raises ``scanning.errors.InputFileError`` (nothing recorded) when
    the file is not a readable scan; the bytes are kept in the blob store either way."""
    require(actor, "scan.upload", volume.case.unit_id)
    limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    info = store().put(stream, max_size=limit)
    with store().materialize(info.key) as path:
        scan_info = sandbox.inspect(path, name=filename)
    s = db.session()
    scan = Scan(volume_id=volume.id, sha256=info.key, size=info.size, filename=filename[:255],
                media_type=scan_info.media_type, uploaded_by_id=actor.user_id, insert_at=insert_at)
    s.add(scan)
    s.flush()
    job = Job(kind="ingest", state="queued", scan_id=scan.id, volume_id=volume.id,
              total=scan_info.page_count, created_by_id=actor.user_id)
    s.add(job)
    s.flush()
    from ecase.audit import record

    record(actor, "upload", "scan", scan.id, {"file": scan.filename, "sha256": info.key, "size": info.size,
                                              "pages": scan_info.page_count, "case_no": volume.case.case_no,
                                              "volume": f"{volume.kind}-{volume.number}"})
    log.info("scan %s (%s, %d bytes, %d pages) accepted for volume %s",
             scan.id, scan_info.media_type, info.size, scan_info.page_count, volume.id)
    return scan, job


def queue_job(job: Job) -> None:
    """Ring for the job (after the accepting transaction committed), and note when, in a
    transaction of its own. Were the process killed before the message went out, the job
    is still in the database and the sweeper rings for it."""
    from sqlalchemy import update

    from ecase.intake.tasks import ingest_scan
    from ecase.models._types import utcnow

    ingest_scan.delay(job.id)
    with db.get_db().engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == job.id, Job.rung_at.is_(None))
                     .values(rung_at=utcnow(), rings=1))
