"""Writes of the dossiers area: every change makes a new volume version or a new
correction row; nothing is updated in place."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from ecase import db
from ecase.access import Actor, require
from ecase.dossiers.hooks import volume_changed
from ecase.errors import Conflict, InvalidInput
from ecase.intake.pages import ocr_to_json, page_result
from scanning.types import Document as ScanDocument
from scanning.types import PageOCR, PageResult
from ecase.models import (
    Document,
    DocumentField,
    FieldCorrection,
    Job,
    Page,
    Scan,
    Volume,
    VolumePage,
    VolumeVersion,
)

log = logging.getLogger(__name__)


def lock_volume(volume: Volume) -> None:
    """Serialise version writers of one volume until the transaction ends: bump its
    ``version_lock`` (a row lock on PostgreSQL, the write lock on SQLite, taken with a
    fresh snapshot), then forget what the session read of it, so ``volume.current`` is
    read again under the lock."""
    s = db.session()
    s.execute(update(Volume).where(Volume.id == volume.id)
              .values(version_lock=Volume.version_lock + 1)
              .execution_options(synchronize_session=False))
    s.expire(volume)


@dataclass
class Reading:
    """What recognition made of an ordered list of pages (computed without any lock)."""

    docs: list[ScanDocument]
    labels: list[str | None]
    reconciliation: list[dict[str, Any]]


def read_pages(pages: Sequence[Page], ocr: Mapping[int, PageOCR] | None = None) -> Reading:
    """Recognise ``pages`` in this order as one volume; ``ocr`` gives readings (by page id)
    to use instead of the stored ones (tables read again, not stored yet)."""
    # imported here: recognition is heavy and only workers and commands need it
    from flask import current_app

    from scanning import recognition
    from scanning.recognition.labels import labels_for
    from scanning.recognition.lexicon import load_names
    from scanning.reconcile import assign_paper_labels, page_types_from_documents

    ocr = ocr or {}
    results = []
    for i, p in enumerate(pages, start=1):
        r = page_result(p, i)
        if p.id in ocr:
            r.ocr = ocr[p.id]
        results.append(r)
    # the bureau's own names (NAMES_FILE, default DATA_DIR/names.txt) when the file exists
    # and its labels (LABELS_FILE, default DATA_DIR/labels.toml) added to the built-in ones
    docs = recognition.recognize(results, lexicon=load_names(current_app.config.get("NAMES_FILE")),
                                 labels=labels_for(current_app.config.get("LABELS_FILE")))
    labels = assign_paper_labels(page_types_from_documents(docs, len(results)), [r.blank for r in results])
    return Reading(list(docs), list(labels), reconcile_version(results, docs))


def new_version(volume: Volume, page_ids: Sequence[int], *, reason: str,
                actor: Actor | None = None, reading: Reading | None = None) -> VolumeVersion:
    """A new version of ``volume`` holding ``page_ids`` in order, recognised afresh (or
    stored with ``reading``, computed before for exactly these pages).

    The caller holds :func:`lock_volume` and built ``page_ids`` from the current version
    it read under that lock."""
    s = db.session()
    number = (volume.current.number + 1) if volume.current else 1
    version = VolumeVersion(volume_id=volume.id, number=number, reason=reason,
                            created_by_id=actor.user_id if actor else None)
    s.add(version)
    for position, page_id in enumerate(page_ids, start=1):
        version.pages.append(VolumePage(position=position, page_id=page_id))
    s.flush()
    s.refresh(volume)
    if reading is None:
        recognize_version(version)
    else:
        store_reading(version, reading)
    log.info("volume %s version %s: %d pages (%s)", volume.id, number, len(page_ids), reason)
    return version


def scan_placement(scan: Scan, current: Sequence[int]) -> tuple[list[int], str]:
    """The page ids of a version with ``scan``'s pages put into ``current`` (appended, or
    inserted at ``scan.insert_at``), and the reason written on that version."""
    new = [p.id for p in sorted(scan.pages, key=lambda p: p.scan_index)]
    at = len(current) if scan.insert_at is None else max(0, min(scan.insert_at - 1, len(current)))
    reason = f"扫描件 {scan.filename}" + ("" if scan.insert_at is None else f" 插入第 {at + 1} 页前")
    return list(current[:at]) + new + list(current[at:]), reason


#: optimistic tries (recognition outside the lock) before recognising under the lock
OPTIMISTIC_TRIES = 3


def add_scans_to_volume(scans: Sequence[Scan], ocr: Mapping[int, PageOCR] | None = None) -> VolumeVersion | None:
    """Put processed scans' pages into their volume (all of one volume) as one new
    version, placed in the order the scans were accepted; ``ocr`` (by page id) replaces
    the stored readings of some of their pages, stored in the same transaction.

    Any number of scans may finish at once on one volume: recognition runs without a lock
    on the version the worker read, and the new version is written under
    :func:`lock_volume` only if that version is still the current one (else it is done
    again on the newer one; after ``OPTIMISTIC_TRIES`` recognition runs under the lock).
    Idempotent: scans whose pages are all in the current version already are left out,
    and when none is left nothing is added (None). The caller has nothing else unwritten
    in the transaction (a conflict rolls it back)."""
    s = db.session()
    scans = sorted(scans, key=lambda sc: sc.id)
    volume = scans[0].volume
    assert all(sc.volume_id == volume.id for sc in scans), "scans of one volume"
    of_scans = {p.id for sc in scans for p in sc.pages}
    for attempt in range(OPTIMISTIC_TRIES + 1):
        locked = attempt == OPTIMISTIC_TRIES
        if locked:
            lock_volume(volume)
        else:
            s.expire(volume)
        current = volume.current
        base = current.number if current else 0
        ids = [vp.page_id for vp in current.pages] if current else []
        present = set(ids)
        reasons = []
        for scan in scans:
            pages = {p.id for p in scan.pages}
            if pages and pages <= present:
                continue
            ids, reason = scan_placement(scan, ids)
            reasons.append(reason)
        if not reasons:
            return None
        by_id = {p.id: p for p in s.scalars(select(Page).where(Page.id.in_(ids)))}
        reading = read_pages([by_id[i] for i in ids], ocr)
        if not locked:
            lock_volume(volume)
            now = volume.current.number if volume.current else 0
            if now != base:
                log.info("volume %s changed while %d scan(s) were recognised (version %s, now %s): again",
                         volume.id, len(reasons), base, now)
                s.rollback()  # ends the lock; nothing else of this transaction is written yet
                continue
        for page_id, page_ocr in (ocr or {}).items():
            if page_id in of_scans:
                by_id[page_id].ocr = ocr_to_json(page_ocr)
                by_id[page_id].text = page_ocr.text
        reason = "；".join(reasons)
        if len(reason) > 200:
            reason = f"{reasons[0]} 等 {len(reasons)} 个扫描件"[:200]
        return new_version(volume, ids, reason=reason, reading=reading)
    raise AssertionError("unreachable: the last try holds the lock")


def recognize_version(version: VolumeVersion) -> list[Document]:
    """Run recognition over the version's pages and store the documents and labels."""
    return store_reading(version, read_pages([vp.page for vp in version.pages]))


def store_reading(version: VolumeVersion, reading: Reading) -> list[Document]:
    """Store recognised documents, paper labels and reconciliation on ``version``."""
    s = db.session()
    pages = [vp.page for vp in version.pages]
    version.documents.clear()  # delete-orphan: a re-run replaces the machine's reading
    s.flush()
    stored = []
    for seq, d in enumerate(reading.docs, start=1):
        doc = Document(seq=seq, type=d.type, title=d.title,
                       first_position=d.first_page, last_position=d.last_page,
                       confidence=float(d.confidence), origin="machine",
                       conflicts=d.conflicts or None)
        for name, fv in d.fields.items():
            page_id = pages[fv.page - 1].id if 1 <= fv.page <= len(pages) else None
            doc.fields.append(DocumentField(name=name, value=fv.value, page_id=page_id,
                                            box=list(fv.box) if fv.box else None,
                                            conf=float(fv.conf), raw=fv.raw))
        version.documents.append(doc)
        stored.append(doc)
    for vp, label in zip(version.pages, reading.labels):
        vp.label = label
    version.reconciliation = reading.reconciliation
    s.flush()
    reindex_later(version.volume_id)
    return stored


def reindex_later(volume_id: int) -> None:
    """The volume's current version changed: tell whoever listens (the search area
    re-indexes it once this transaction commits)."""
    volume_changed(volume_id)


def rerecognize(actor: Actor, volume: Volume) -> VolumeVersion:
    """Recognise the current pages again, as a new version (corrections of the
    earlier version stay with it)."""
    require(actor, "recognition.run", volume.case.unit_id)
    lock_volume(volume)
    if volume.current is None:
        raise Conflict("该卷尚无页面")
    ids = [vp.page_id for vp in volume.current.pages]
    return new_version(volume, ids, reason="重新识别", actor=actor)


def reconcile_version(results: Sequence[PageResult], docs: Sequence[ScanDocument]) -> list[dict[str, Any]]:
    """Where the scanned volume disagrees with its paper: catalog, page numbers, counts."""
    from scanning.paper_numbers import printed_page_number
    from scanning.reconcile import PaperPage, ReconcileError, reconcile

    pages = [PaperPage(r.index, None if r.blank else printed_page_number(r.ocr), r.blank) for r in results]
    try:
        return [f.as_dict() for f in reconcile(docs, pages)]
    except ReconcileError as e:
        log.warning("reconciliation skipped: %s", e)
        return []


#: who reviews corrections: those who put recognition right across units (reviewers, admins)
REVIEW_ACTION = "recognition.correct"


def correct_field(actor: Actor, document: Document, name: str, value: object, note: str = "", *,
                  need_review: bool = False) -> FieldCorrection:
    """A clerk's or reviewer's value for one field, kept beside the machine's reading
    (``value`` already in its field's normal form: ``ecase.dossiers.fields.normalise``).

    With ``need_review`` (the bureau's ``CORRECTIONS_NEED_REVIEW``) a correction by someone
    who may not review corrections is only ``proposed``: neither shown as the field's value
    nor cross-checked until a reviewer accepts it (:func:`review_correction`)."""
    from ecase.access import may
    from ecase.audit import record

    volume = document.version.volume
    require(actor, "field.correct", volume.case.unit_id)
    if not name or len(name) > 50:
        raise InvalidInput("字段名无效")
    proposed = need_review and not may(actor, REVIEW_ACTION, volume.case.unit_id)
    corr = FieldCorrection(document_id=document.id, name=name, value=value, note=note[:200],
                           corrected_by_id=actor.user_id, state="proposed" if proposed else "accepted")
    s = db.session()
    s.add(corr)
    s.flush()
    s.expire(document, ["corrections", "all_corrections"])  # shown at once by whoever holds it
    record(actor, "correction.propose" if proposed else "correct", "document", document.id,
           {"field": name, "value": _shown(name, value), "correction": corr.id})
    if not proposed:
        reindex_later(volume.id)
    return corr


def _shown(name: str, value: object) -> str:
    from ecase.formatting import field_display

    return str(field_display(name, value))[:200]


def review_correction(actor: Actor, correction: FieldCorrection, *, accept: bool,
                      reason: str = "") -> FieldCorrection:
    """Accept a proposed correction (it becomes the field's shown and cross-checked value)
    or reject it with a reason (the value shown stays). Nobody reviews their own."""
    from ecase.audit import record
    from ecase.errors import Forbidden
    from ecase.models._types import utcnow

    document = correction.document
    volume = document.version.volume
    require(actor, REVIEW_ACTION, volume.case.unit_id)
    reason = " ".join(reason.split())
    if correction.state != "proposed":
        raise Conflict(f"这条更正已经审核过（{correction.state_name}），无需再审核")
    if actor.user_id is not None and correction.corrected_by_id == actor.user_id:
        raise Forbidden("不能审核自己提交的更正，请由其他审核人员审核")
    if not accept and not reason:
        raise InvalidInput("驳回更正须写明理由")
    if len(reason) > 200:
        raise InvalidInput("理由过长（不超过 200 字）")
    correction.state = "accepted" if accept else "rejected"
    correction.reviewed_by_id = actor.user_id
    correction.reviewed_at = utcnow()
    correction.review_note = reason
    s = db.session()
    s.flush()
    s.expire(document, ["corrections", "all_corrections"])
    record(actor, "correction.accept" if accept else "correction.reject", "document", document.id,
           {"field": correction.name, "value": _shown(correction.name, correction.value),
            "correction": correction.id, "reason": reason})
    if accept:
        reindex_later(volume.id)
    return correction


def move_pages(actor: Actor, volume: Volume, order: Sequence[int]) -> VolumeVersion:
    """A new version with the current pages in the order of positions given (1-based)."""
    require(actor, "volume.edit", volume.case.unit_id)
    lock_volume(volume)
    current = volume.current
    if current is None:
        raise Conflict("该卷尚无页面")
    ids = [vp.page_id for vp in current.pages]
    if sorted(order) != list(range(1, len(ids) + 1)):
        raise InvalidInput(f"页面顺序必须恰好包含 1 至 {len(ids)} 的每个位置各一次")
    return new_version(volume, [ids[i - 1] for i in order], reason="调整页面顺序", actor=actor)


def resplit(actor: Actor, volume: Volume, starts: Sequence[tuple[int, str]]) -> VolumeVersion:
    """A reviewer's split of the current pages into documents: ``starts`` lists
    (first position, type) of every document. Fields of documents whose first page
    and type the machine also found are kept; the others are read afresh from their pages."""
    from scanning.recognition.classify import TITLE_TEXT
    from scanning.recognition.split import Draft, read_fields
    from scanning.recognition.text import PageText

    require(actor, "recognition.correct", volume.case.unit_id)
    lock_volume(volume)
    current = volume.current
    if current is None:
        raise Conflict("该卷尚无页面")
    n = len(current.pages)
    starts = sorted(starts)
    if not starts or any(not 1 <= p <= n for p, _ in starts):
        raise InvalidInput(f"文书起始页必须在 1 至 {n} 之间")
    unknown = sorted({t for _, t in starts if t not in TITLE_TEXT and t != "other"})
    if unknown:
        raise InvalidInput(f"未知的文书类型：{'、'.join(unknown)}")
    machine = {(d.first_position, d.type): d for d in current.documents}
    version = VolumeVersion(volume_id=volume.id, number=current.number + 1,
                            reason="审核人员调整文书拆分", created_by_id=actor.user_id)
    s = db.session()
    s.add(version)
    for vp in current.pages:
        version.pages.append(VolumePage(position=vp.position, page_id=vp.page_id, label=vp.label))
    for seq, ((first, type_), nxt) in enumerate(zip(starts, [*starts[1:], (n + 1, "")]), start=1):
        old = machine.get((first, type_))
        doc = Document(seq=seq, type=type_, title=TITLE_TEXT.get(type_, "其他"),
                       first_position=first, last_position=nxt[0] - 1,
                       confidence=old.confidence if old else 1.0, origin="reviewer")
        if old is not None:
            for f in old.fields:
                doc.fields.append(DocumentField(name=f.name, value=f.value, page_id=f.page_id,
                                                box=f.box, conf=f.conf, raw=f.raw))
        elif type_ != "other":
            results = [page_result(vp.page, vp.position) for vp in current.pages[first - 1:nxt[0] - 1]]
            draft = Draft(type_, doc.title, first, nxt[0] - 1, 1.0,
                          pages=[PageText.from_page(r) for r in results if not r.blank and r.ocr])
            for name, fv in read_fields(draft).items():
                page_id = current.pages[fv.page - 1].page_id if 1 <= fv.page <= n else None
                doc.fields.append(DocumentField(name=name, value=fv.value, page_id=page_id,
                                                box=list(fv.box) if fv.box else None,
                                                conf=float(fv.conf), raw=fv.raw))
        version.documents.append(doc)
    s.flush()
    reindex_later(volume.id)
    return version


@dataclass(frozen=True)
class Gap:
    """Why a volume's current version does not yet hold every acknowledged page."""

    message: str
    page_ids: tuple[int, ...] = ()


def gaps(volume: Volume) -> list[Gap]:
    """What keeps the volume from holding every page of every scan accepted into it:
    scans not processed yet, processed pages not in the current version (none should
    be: a version is added with each scan), pages whose image could not be read.
    A scan refused as a whole (not a readable scan) has no pages and no gap."""
    s = db.session()
    current = set(s.scalars(select(VolumePage.page_id).where(
        VolumePage.version_id == volume.current.id))) if volume.current else set()
    out = []
    for scan in s.scalars(select(Scan).where(Scan.volume_id == volume.id).order_by(Scan.id)):
        job = s.scalars(select(Job).where(Job.scan_id == scan.id).order_by(Job.id.desc())).first()
        if scan.page_count is None and scan.error:
            continue
        pages = list(scan.pages)
        pending = [p for p in pages if p.state == "pending"]
        if pending:
            out.append(Gap(f"扫描件 {scan.filename} 的第{_numbers(p.scan_index for p in pending)}页未处理完",
                           tuple(p.id for p in pending)))
            continue
        if job is not None and job.state not in ("done", "failed") or scan.page_count is None:
            what = "正在识别" if pages else "尚未拆分页面"
            out.append(Gap(f"扫描件 {scan.filename}（共{scan.page_count or '?'}页）{what}"))
            continue
        missing = [p for p in pages if p.id not in current]
        if missing:
            out.append(Gap(f"扫描件 {scan.filename} 的第{_numbers(p.scan_index for p in missing)}页"
                           f"不在当前版本中", tuple(p.id for p in missing)))
        unreadable = [p for p in pages if p.id in current and p.original_key is None]
        if unreadable:
            out.append(Gap(f"扫描件 {scan.filename} 的第{_numbers(p.scan_index for p in unreadable)}页"
                           f"已损坏、无法读取，请重新扫描", tuple(p.id for p in unreadable)))
    return out


def _numbers(values: Any) -> str:
    return "、".join(str(v) for v in values)
