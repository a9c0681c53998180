"""From the database to the export package: each volume's current version becomes a
searchable PDF, and the case's volumes a package for the procuratorate.

Everything written comes from the data (the version's pages, documents and dates), never
from the clock, so exporting the same dossier twice gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ecase import db
from ecase.access import Actor, require
from ecase.blobs import store
from ecase.dossiers.operations import gaps
from ecase.errors import Conflict
from ecase.exports import VolumeExport, write_package
from ecase.intake.pages import ocr_from_json
from ecase.models import Case, Document, Scan, Volume, VolumeVersion
from ecase.models.dossiers import VOLUME_KINDS
from scanning.pdf import Bookmark, PdfPage, VolumeMeta, build_volume_pdf

log = logging.getLogger(__name__)

DOSSIER_PAGE_TYPES = ("dossier_cover", "catalog", "backup_sheet")


def _pdf_pages(version: VolumeVersion) -> Iterator[PdfPage]:
    """The version's pages as scanned, loaded one at a time."""
    blobs = store()
    for vp in version.pages:
        p = vp.page
        ocr = ocr_from_json(p.ocr)
        assert p.original_key is not None, "failed pages carry no image"
        upright: dict[str, Any] = {}
        if ocr is not None and p.derived_key and p.width and p.height:
            turned = (p.width, p.height) if p.rotation % 180 == 0 else (p.height, p.width)
            if (ocr.width, ocr.height) != turned:
                # OCR ran on a rescaled image (a very high-dpi scan): its boxes fit only the
                # derived image, so that is what the page shows
                upright = {"upright_image": blobs.get_bytes(p.derived_key),
                           "upright_media_type": p.derived_media_type}
        yield PdfPage(image=blobs.get_bytes(p.original_key), media_type=p.original_media_type or "image/png",
                      width=p.width or 0, height=p.height or 0, dpi=float(p.dpi or 300),
                      rotation=p.rotation, skew_deg=p.skew_deg,
                      words=ocr.words if ocr else (), label=vp.label, **upright)


def bookmarks(version: VolumeVersion) -> list[Bookmark]:
    """A bookmark ``{seq} {title} {doc_no}`` per catalog entry at its first page; where the
    volume has no readable catalog, one per document found."""
    by_label = {vp.label: vp.position - 1 for vp in version.pages if vp.label}
    catalog = next((d for d in version.documents if d.type == "catalog"), None)
    entries = (catalog.values().get("entries") if catalog else None) or []
    marks = []
    for e in entries:
        first = str(e.get("first_page") or "")
        if first in by_label:
            marks.append(Bookmark.for_catalog_entry(e.get("seq"), str(e.get("title") or ""),
                                                    e.get("doc_no"), by_label[first]))
    if marks:
        return marks
    seq = 0
    for d in version.documents:
        if d.type in DOSSIER_PAGE_TYPES or d.type == "other":
            continue
        seq += 1
        marks.append(Bookmark.for_catalog_entry(seq, d.title, d.values().get("doc_no"), d.first_position - 1))
    return marks


def authority_of(case: Case, version: VolumeVersion | None) -> str:
    if version is not None:
        for d in version.documents:
            value = d.values().get("authority")
            if value:
                return str(value)
    return case.unit.name


def volume_meta(volume: Volume, version: VolumeVersion, count: int) -> VolumeMeta:
    case = volume.case
    return VolumeMeta(title=case.name, subject=f"{VOLUME_KINDS.get(volume.kind, volume.kind)} 第{volume.number}卷 共{count}卷",
                      author=authority_of(case, version), created=version.created_at.replace(tzinfo=dt.UTC),
                      keywords=(case.case_no,))


def document_entries(version: VolumeVersion) -> list[dict[str, Any]]:
    labels = {vp.position: vp.label for vp in version.pages}
    out = []
    for d in version.documents:
        values = d.values()
        out.append({"seq": d.seq, "type": d.type, "title": d.title, "doc_no": values.get("doc_no"),
                    "date": Document.date_of(values), "first_page": d.first_position,
                    "last_page": d.last_position, "first_label": labels.get(d.first_position),
                    "fields": values})
    return out


def scan_entries(volume: Volume) -> list[dict[str, Any]]:
    """Every scan accepted into the volume, in the order accepted, with the number of its
    pages in the exported version (a scan refused as unreadable, with 0 and why)."""
    version = volume.current
    held = {vp.page_id for vp in version.pages} if version else set()
    out = []
    for scan in db.session().scalars(select(Scan).where(Scan.volume_id == volume.id).order_by(Scan.id)):
        entry: dict[str, Any] = {"file": scan.filename, "sha256": scan.sha256,
                                 "pages": sum(1 for p in scan.pages if p.id in held)}
        if scan.page_count is None and scan.error:
            entry["refused"] = scan.error
        out.append(entry)
    return out


def build_volume(volume: Volume, out: Path, count: int = 1) -> None:
    version = volume.current
    if version is None:
        raise Conflict(f"{volume.kind_name}第{volume.number}卷尚无页面，无法导出")
    build_volume_pdf(_pdf_pages(version), volume_meta(volume, version, count), bookmarks(version), out)


def export_case(actor: Actor, case: Case, out_path: Path, *, include_secondary: bool = False,
                progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Write the case's package to ``out_path``; returns the manifest.

    Refused (naming the pages) while any page of an exported volume is not processed."""
    require(actor, "export.create", case.unit_id)
    s = db.session()
    volumes = list(s.scalars(select(Volume).where(Volume.case_id == case.id).order_by(Volume.kind, Volume.number)))
    chosen = [v for v in volumes if include_secondary or v.kind != "criminal_secondary"]
    if not chosen:
        raise Conflict("此案件没有可导出的卷宗")
    for v in chosen:
        found = gaps(v)
        if found:
            lines = "；".join(g.message for g in found[:10])
            more = f" 等 {len(found)} 处" if len(found) > 10 else ""
            raise Conflict(f"{v.kind_name}第{v.number}卷还有已接收的页面未处理完或不在卷中，暂不能导出：{lines}{more}",
                           pending_pages=[i for g in found for i in g.page_ids])
        if v.current is None:
            raise Conflict(f"{v.kind_name}第{v.number}卷尚无页面，无法导出")
    counts: dict[str, int] = {}
    for v in chosen:
        counts[v.kind] = counts.get(v.kind, 0) + 1
    work = out_path.parent / f".{out_path.name}.parts"
    work.mkdir(parents=True, exist_ok=True)
    exports = []
    try:
        for i, v in enumerate(chosen, start=1):
            if progress:
                progress(f"正在生成 {v.kind_name}第{v.number}卷（{i}/{len(chosen)}）")
            pdf = work / f"{v.kind}-{v.number}.pdf"
            build_volume(v, pdf, counts[v.kind])
            exports.append(VolumeExport(kind=v.kind, number=v.number, pdf=pdf,
                                        documents=document_entries(v.current),  # type: ignore[arg-type]
                                        volume_count=counts[v.kind], scans=scan_entries(v)))
        officers = [case.lead_officer.name] if case.lead_officer else []
        officers += [co.officer.name for co in case.officers]
        latest = max(v.current.created_at for v in chosen if v.current)  # type: ignore[union-attr]
        manifest = write_package({"case_no": case.case_no, "case_name": case.name,
                                  "authority": authority_of(case, chosen[0].current), "unit": case.unit.name,
                                  "officers": officers},
                                 exports, out_path, include_secondary=include_secondary,
                                 created=latest.replace(tzinfo=dt.UTC))
    finally:
        for f in work.iterdir():
            f.unlink()
        work.rmdir()
    from ecase.audit import record

    record(actor, "export", "case", case.id, {
        "case_no": case.case_no, "include_secondary": include_secondary,
        "volumes": [{"file": v.get("file"), "sha256": v.get("sha256"), "pages": v.get("page_count")}
                    for v in manifest.get("volumes", [])]})
    log.info("case %s exported by %s to %s", case.case_no, actor.name, out_path.name)
    return manifest



def compare_with_db(manifest: dict[str, Any]) -> list[Any] | None:
    """``verify``'s check of a package against this database (None: the case is not here)."""
    from ecase.exports.verify import compare_with_database

    case_no = str((manifest.get("case") or {}).get("case_no") or "")
    case = db.session().scalars(select(Case).where(Case.case_no == case_no)).first()
    if case is None:
        return None
    kinds = {str(v.get("kind")) for v in manifest.get("volumes", [])}
    expected = {}
    for v in db.session().scalars(select(Volume).where(Volume.case_id == case.id)):
        if v.kind == "criminal_secondary" and v.kind not in kinds:
            continue  # the secondary volume goes out only when asked for
        accepted = []
        for scan in db.session().scalars(select(Scan).where(Scan.volume_id == v.id).order_by(Scan.id)):
            if scan.page_count is None and scan.error:
                continue
            accepted.append({"file": scan.filename, "sha256": scan.sha256,
                             "pages": scan.page_count if scan.page_count is not None else len(scan.pages)})
        if accepted:
            expected[(v.kind, v.number)] = accepted
    return compare_with_database(manifest, expected)
