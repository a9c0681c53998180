"""Writes of the intake area. Each takes the acting user first and only flushes."""

from __future__ import annotations

import logging
import re
from typing import Any, BinaryIO

from flask import current_app
from sqlalchemy import select

from ecase import db
from ecase.access import Actor, require
from ecase.blobs import store
from ecase.errors import InvalidInput, NotFound
from ecase.models import Case, Job, Scan, Unit, Volume
from ecase.models.dossiers import VOLUME_KINDS
from scanning import sandbox

log = logging.getLogger(__name__)

CASE_NO = re.compile(r"^[AJ]\d{22}$")


def find_case(actor: Actor, case_no: str) -> Case:
    from ecase.access import visible_cases

    case = db.session().scalars(visible_cases(actor).where(Case.case_no == case_no)).first()
    if case is None:
        raise NotFound(f"案件 {case_no} 不存在，或您无权查看")
    return case


def find_or_create_case(actor: Actor, case_no: str, *, name: str | None = None,
                        unit_id: int | None = None, kind: str | None = None) -> Case:
    """The case with this number, made if it does not exist yet (in the actor's unit)."""
    case_no = case_no.strip()
    s = db.session()
    case = s.scalars(select(Case).where(Case.case_no == case_no)).first()
    if case is not None:
        require(actor, "case.view", case.unit_id)
        return case
    if not CASE_NO.match(case_no):
        raise InvalidInput(f"案件编号格式不正确：{case_no}（应为 A + 22 位数字）")
    unit_id = unit_id or actor.unit_id
    if unit_id is None:
        unit_id = _default_unit(s).id
    require(actor, "case.create", unit_id)
    case = Case(case_no=case_no, name=name or case_no, kind=kind or "criminal", unit_id=unit_id, origin="dossier")
    s.add(case)
    s.flush()
    log.info("case %s created by %s", case_no, actor.name)
    return case


UNASSIGNED_UNIT = "未分配单位"


def _default_unit(s: Any) -> Unit:
    """Where a case made by the system (``ecase ingest`` without ``--as``) goes when no
    unit is named: the only unit there is, or a placeholder unit a reviewer reassigns from."""
    units = list(s.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.id).limit(2)))
    if len(units) == 1:
        return units[0]
    unit = s.scalars(select(Unit).where(Unit.name == UNASSIGNED_UNIT)).first()
    if unit is None:
        unit = Unit(name=UNASSIGNED_UNIT, kind="placeholder")
        s.add(unit)
        s.flush()
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
        vol = Volume(case_id=case.id, kind=kind, number=number)
        s.add(vol)
        s.flush()
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
    """Hand the job to the workers (after the accepting transaction committed)."""
    from ecase.intake.tasks import ingest_scan

    ingest_scan.delay(job.id)
