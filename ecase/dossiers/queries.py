"""Reads of the dossiers area, always scoped by ``ecase.access``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ecase import db
from ecase.access import Actor, require, visible_cases
from ecase.errors import NotFound
from ecase.models import Case, Document, Job, Page, Scan, Volume, VolumePage, VolumeVersion


@dataclass
class CaseRow:
    case: Case
    volumes: int
    pages: int


def case_list(actor: Actor, *, q: str = "", page: int = 1, per_page: int = 50) -> tuple[list[CaseRow], int]:
    s = db.session()
    base = visible_cases(actor)
    if q:
        like = f"%{q}%"
        base = base.where(Case.case_no.like(like) | Case.name.like(like))
    total = s.scalar(select(func.count()).select_from(base.subquery())) or 0
    cases = list(s.scalars(base.order_by(Case.created_at.desc(), Case.id.desc())
                           .limit(per_page).offset((page - 1) * per_page)))
    ids = [c.id for c in cases]
    vols = dict(s.execute(select(Volume.case_id, func.count()).where(Volume.case_id.in_(ids))
                          .group_by(Volume.case_id)).all()) if ids else {}
    pages = dict(s.execute(select(Volume.case_id, func.count()).join(Scan, Scan.volume_id == Volume.id)
                           .join(Page, Page.scan_id == Scan.id).where(Volume.case_id.in_(ids))
                           .group_by(Volume.case_id)).all()) if ids else {}
    return [CaseRow(c, vols.get(c.id, 0), pages.get(c.id, 0)) for c in cases], total


def get_case(actor: Actor, case_id: int) -> Case:
    case = db.session().scalars(visible_cases(actor).where(Case.id == case_id)).first()
    if case is None:
        raise NotFound()
    return case


def case_volumes(case: Case) -> list[Volume]:
    return list(db.session().scalars(select(Volume).where(Volume.case_id == case.id)
                                     .order_by(Volume.kind, Volume.number)))


def get_volume(actor: Actor, volume_id: int) -> Volume:
    vol = db.session().get(Volume, volume_id)
    if vol is None:
        raise NotFound()
    require(actor, "case.view", vol.case.unit_id)
    return vol


def get_version(volume: Volume, number: int | None) -> VolumeVersion | None:
    if number is None:
        return volume.current
    for v in volume.versions:
        if v.number == number:
            return v
    raise NotFound("该版本不存在")


def get_page(actor: Actor, page_id: int) -> Page:
    page = db.session().get(Page, page_id)
    if page is None:
        raise NotFound()
    require(actor, "case.view", page.scan.volume.case.unit_id)
    return page


def get_document(actor: Actor, document_id: int) -> Document:
    doc = db.session().get(Document, document_id)
    if doc is None:
        raise NotFound()
    require(actor, "case.view", doc.version.volume.case.unit_id)
    return doc


def volume_jobs(volume: Volume) -> list[Job]:
    return list(db.session().scalars(select(Job).where(Job.volume_id == volume.id)
                                     .order_by(Job.id.desc()).limit(20)))


def volume_scans(volume: Volume) -> list[Scan]:
    return list(db.session().scalars(select(Scan).where(Scan.volume_id == volume.id).order_by(Scan.id)))


def version_page(version: VolumeVersion, position: int) -> VolumePage:
    vp = db.session().get(VolumePage, (version.id, position))
    if vp is None:
        raise NotFound("该页不存在")
    return vp
