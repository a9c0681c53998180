"""Views of the dossiers area: parse, check permission, call one operation, render."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for

from ecase.access import may, require
from ecase.auth import current_actor
from ecase.blobs import send_blob, store
from ecase.dossiers import fields as field_types
from ecase.dossiers import operations, queries
from ecase.errors import InvalidInput, NotFound
from ecase.intake.pages import ocr_from_json
from ecase.models.dossiers import VOLUME_KINDS
from ecase.params import int_arg, int_list, near_arg, page_arg


PER_PAGE = 50


def _date_arg(name: str, label: str) -> Any:
    import datetime as dt

    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as e:
        raise InvalidInput(f"{label}不是有效的日期：{raw[:20]}（请写作 2018-01-31）") from e


def case_filter() -> queries.CaseFilter:
    """The case list's filters from the URL (``q, unit_id, kind, state, scanned, from, to,
    sort, dir``); unknown values of the choices are ignored."""
    from ecase.models.cases import CASE_KINDS

    args = request.args
    kind = args.get("kind", "")
    state = args.get("state", "")
    scanned = args.get("scanned", "")
    sort = args.get("sort", "created_at")
    return queries.CaseFilter(
        q=args.get("q", "").strip()[:100],
        unit_id=int_arg("unit_id", source=args),
        kind=kind if kind in CASE_KINDS else "",
        state=state if state in queries.CASE_STATES else "",
        scanned=scanned if scanned in ("yes", "no") else "",
        date_from=_date_arg("from", "受案日期起"),
        date_to=_date_arg("to", "受案日期止"),
        sort=sort if sort in queries.CASE_SORTS else "created_at",
        desc=args.get("dir", "desc") != "asc")


def case_list() -> str:
    from ecase.models.cases import CASE_KINDS

    actor = current_actor()
    f = case_filter()
    page = page_arg()
    rows, total = queries.case_list(actor, page=page, per_page=PER_PAGE, filters=f)
    args = {k: v for k, v in request.args.items() if v and k != "page"}
    return render_template("dossiers/case_list.html", rows=rows, total=total, q=f.q, page=page,
                           per_page=PER_PAGE, f=f, args=args, units=queries.case_units(actor),
                           kinds=CASE_KINDS, states=queries.CASE_STATES, sorts=queries.CASE_SORTS,
                           can_upload=may(actor, "scan.upload", actor.unit_id))


def api_cases() -> dict[str, Any]:
    """The case list as JSON: ``{"cases": [...], "total", "offset", "limit"}`` with the
    filters of the page (``offset`` from 0, ``limit`` up to 500, default 50)."""
    actor = current_actor()
    f = case_filter()
    offset = int_arg("offset", 0, source=request.args)
    limit = int_arg("limit", PER_PAGE, source=request.args)
    offset = 0 if offset is None else offset
    limit = PER_PAGE if limit is None else limit
    if offset < 0 or limit < 1:
        raise InvalidInput("起始位置（offset）不能为负数，条数（limit）至少为 1")
    limit = min(limit, 500)
    rows, total = queries.case_list(actor, per_page=limit, offset=offset, filters=f)
    cases = [{"id": r.case.id, "case_no": r.case.case_no, "name": r.case.name, "kind": r.case.kind,
              "unit": r.case.unit.name, "unit_id": r.case.unit_id,
              "accepted_at": r.case.accepted_at.isoformat() if r.case.accepted_at else None,
              "created_at": r.case.created_at.isoformat() if r.case.created_at else None,
              "volumes": r.volumes, "pages": r.pages,
              "url": url_for("dossiers.case_detail", case_id=r.case.id)} for r in rows]
    return {"cases": cases, "total": total, "offset": offset, "limit": limit}


def case_detail(case_id: int) -> str:
    actor = current_actor()
    case = queries.get_case(actor, case_id)
    volumes = queries.case_volumes(case)
    return render_template("dossiers/case_detail.html", case=case, volumes=volumes,
                           volume_kinds=VOLUME_KINDS,
                           can_upload=may(actor, "scan.upload", case.unit_id),
                           can_export=may(actor, "export.create", case.unit_id))


def volume(volume_id: int, position: int = 1) -> str:
    actor = current_actor()
    vol = queries.get_volume(actor, volume_id)
    version = queries.get_version(vol, int_arg("version", source=request.args))
    current_page = None
    ocr = None
    if version is not None and version.pages:
        position = min(max(1, position), len(version.pages))
        current_page = queries.version_page(version, position)
        ocr = ocr_from_json(current_page.page.ocr)
    highlight = request.args.get("box", "")
    query = request.args.get("q", "")[:200]
    # near matches (one character misread) as the search found them, unless it was asked without
    near = near_arg()
    hit_pages = queries.hit_positions(version, query, near=near) if version is not None and query else []
    near_hits = (queries.near_strings(current_page.page.text, queries.near_literals(query))
                 if near and query and current_page is not None else [])
    return render_template(
        "dossiers/volume.html", volume=vol, case=vol.case, version=version,
        position=position, vp=current_page, ocr=ocr, highlight=highlight,
        query=query, hit_pages=hit_pages, near_hits=near_hits, near=near,
        jobs=queries.volume_jobs(vol), scans=queries.volume_scans(vol),
        field_input=field_types.field_input, field_editable=field_types.editable,
        field_reviews=queries.field_reviews, user_id=actor.user_id,
        need_review=bool(current_app.config.get("CORRECTIONS_NEED_REVIEW")),
        can_review=may(actor, operations.REVIEW_ACTION, vol.case.unit_id),
        can_correct=may(actor, "recognition.correct", vol.case.unit_id),
        can_fix=may(actor, "field.correct", vol.case.unit_id),
        can_recognize=may(actor, "recognition.run", vol.case.unit_id),
        can_edit=may(actor, "volume.edit", vol.case.unit_id))


def page_image(page_id: int) -> Response:
    page = queries.get_page(current_actor(), page_id)
    kind = request.args.get("kind", "upright")
    if kind == "original":
        key, media = page.original_key, page.original_media_type
    else:
        key = page.image_key
        media = page.derived_media_type if page.derived_key else page.original_media_type
    if key is None:
        abort(404)
    if media not in ("image/jpeg", "image/png"):
        return _as_png(store().get_bytes(key))
    return send_blob(key, media or "application/octet-stream")


def _as_png(data: bytes) -> Response:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        img = img.convert("RGB") if img.mode not in ("RGB", "L") else img
        out = io.BytesIO()
        img.save(out, "PNG")
    resp = Response(out.getvalue(), mimetype="image/png")
    resp.headers["Cache-Control"] = "private, max-age=86400"
    return resp


def page_thumb(page_id: int) -> Response:
    page = queries.get_page(current_actor(), page_id)
    if page.image_key is None:
        abort(404)
    from PIL import Image

    with store().open(page.image_key) as f, Image.open(f) as img:
        img.draft("L", (240, 240))
        img = img.convert("L")
        img.thumbnail((180, 240))
        out = io.BytesIO()
        img.save(out, "JPEG", quality=70)
    resp = Response(out.getvalue(), mimetype="image/jpeg")
    resp.headers["Cache-Control"] = "private, max-age=86400"
    return resp


def api_page(page_id: int) -> dict[str, Any]:
    page = queries.get_page(current_actor(), page_id)
    return {"id": page.id, "state": page.state, "error": page.error, "rotation": page.rotation,
            "skew_deg": page.skew_deg, "blank": page.blank, "width": page.width,
            "height": page.height, "dpi": page.dpi, "text": page.text, "ocr": page.ocr}


def api_volume(volume_id: int) -> dict[str, Any]:
    vol = queries.get_volume(current_actor(), volume_id)
    version = queries.get_version(vol, int_arg("version", source=request.args))
    return volume_json(vol, version)


def volume_json(vol: Any, version: Any) -> dict[str, Any]:
    pages = []
    documents = []
    if version is not None:
        for vp in version.pages:
            p = vp.page
            pages.append({"position": vp.position, "label": vp.label, "page_id": p.id,
                          "state": p.state, "rotation": p.rotation, "skew_deg": p.skew_deg,
                          "blank": p.blank, "error": p.error})
        for d in version.documents:
            documents.append({"seq": d.seq, "type": d.type, "title": d.title,
                              "first_page": d.first_position, "last_page": d.last_position,
                              "confidence": d.confidence, "fields": d.values()})
    return {"volume": {"id": vol.id, "case_no": vol.case.case_no, "kind": vol.kind,
                       "number": vol.number, "version": version.number if version else None},
            "pages": pages, "documents": documents}


def correct_field(document_id: int) -> Response:
    """A field's right value, typed as its field is (a date typed 2017年3月6日 is stored
    as 2017-03-06); the machine's reading stays beside it."""
    actor = current_actor()
    doc = queries.get_document(actor, document_id)
    name = request.form.get("name", "").strip()
    known = {f.name for f in doc.fields} | {c.name for c in doc.corrections}
    if name not in known:
        raise InvalidInput("请选择本文书中要更正的字段")
    raw = request.form.get("value", "")
    value: Any
    if name in field_types.NOT_EDITABLE and (raw.startswith("[") or raw.startswith("{")):
        try:
            value = json.loads(raw)
        except ValueError as e:
            raise InvalidInput("字段值的格式有误") from e
    else:
        value = field_types.normalise(name, raw)
    corr = operations.correct_field(actor, doc, name, value, request.form.get("note", ""),
                                    need_review=bool(current_app.config.get("CORRECTIONS_NEED_REVIEW")))
    label, shown = field_types.field_label(name), field_types.field_display(name, value)
    if corr.state == "proposed":
        flash(f"已提交{doc.title}「{label}」的更正「{shown}」，待审核人员采纳后生效", "success")
    else:
        flash(f"已将{doc.title}的「{label}」更正为「{shown}」", "success")
    version = doc.version
    position = parse_position(request.form.get("position"), doc.first_position)
    return redirect(url_for("dossiers.volume_page", volume_id=version.volume_id,
                            position=position, version=version.number,
                            doc=doc.id, _anchor=f"doc-{doc.id}"))


def parse_position(raw: str | None, default: int) -> int:
    from ecase.params import parse_int

    try:
        value = parse_int(raw, "position")
    except InvalidInput:
        return default
    return value if value is not None and value > 0 else default


def volume_print(volume_id: int) -> str:
    """Pages ``first``..``last`` of a version (all by default) laid out one a sheet for the
    browser's print dialog: a page, a document or the whole volume."""
    vol = queries.get_volume(current_actor(), volume_id)
    version = queries.get_version(vol, int_arg("version", source=request.args))
    if version is None or not version.pages:
        raise NotFound("此卷尚无页面")
    n = len(version.pages)
    first = min(max(1, int_arg("first", 1, source=request.args) or 1), n)
    last = min(max(first, int_arg("last", n, source=request.args) or n), n)
    pages = [vp for vp in version.pages if first <= vp.position <= last]
    return render_template("dossiers/print.html", volume=vol, case=vol.case, version=version,
                           pages=pages, first=first, last=last, total=n)


def scan_file(scan_id: int) -> Response:
    """The original upload, under the name it was uploaded with."""
    scan = queries.get_scan(current_actor(), scan_id)
    if not scan.sha256 or not store().exists(scan.sha256):
        raise NotFound("原始扫描件不在存储中，请联系管理员")
    return send_blob(scan.sha256, scan.media_type or "application/octet-stream",
                     download_name=scan.filename or f"扫描件{scan.id}")


def volume_pdf(volume_id: int) -> Response:
    """The volume's current version as one searchable PDF, named by case and volume."""
    import tempfile
    from pathlib import Path

    from ecase.exports.operations import build_volume

    actor = current_actor()
    vol = queries.get_volume(actor, volume_id)
    if vol.current is None:
        raise NotFound("此卷尚无页面")
    tmp = tempfile.TemporaryDirectory(prefix="ecase-volume-")
    out = Path(tmp.name) / "volume.pdf"
    build_volume(vol, out)
    data = out.read_bytes()
    tmp.cleanup()
    name = f"{vol.case.case_no}_{vol.case.name}_{vol.kind_name}第{vol.number}卷.pdf"
    name = name.replace("/", "／").replace("\\", "＼")
    from flask import send_file

    resp = send_file(io.BytesIO(data), mimetype="application/pdf",
                     as_attachment=request.args.get("inline") != "1", download_name=name)
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


def resplit(volume_id: int) -> Response:
    actor = current_actor()
    vol = queries.get_volume(actor, volume_id)
    from scanning.recognition.classify import TITLE_TEXT

    by_title = {title: code for code, title in TITLE_TEXT.items()}
    by_title.update({"其他": "other", "其它": "other"})
    starts: list[tuple[int, str]] = []
    for line in request.form.get("starts", "").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            pos, type_ = line.split(None, 1)
            name = re.sub(r"\s+", "", type_)
            starts.append((int(pos), by_title.get(name, name)))
        except ValueError as e:
            raise InvalidInput(f"无法理解的拆分行：{line[:40]}（格式：起始页 文书名称，如“5 立案决定书”）") from e
    version = operations.resplit(actor, vol, starts)
    return redirect(url_for("dossiers.volume", volume_id=vol.id, version=version.number))


def move_pages(volume_id: int) -> Response:
    actor = current_actor()
    vol = queries.get_volume(actor, volume_id)
    try:
        order = int_list(request.form.get("order"), "order")
    except InvalidInput as e:
        raise InvalidInput("页面顺序应为逗号分隔的页码") from e
    version = operations.move_pages(actor, vol, order)
    return redirect(url_for("dossiers.volume", volume_id=vol.id, version=version.number))


def recognize(volume_id: int) -> Response:
    actor = current_actor()
    vol = queries.get_volume(actor, volume_id)
    require(actor, "recognition.run", vol.case.unit_id)
    operations.rerecognize(actor, vol)
    return redirect(url_for("dossiers.volume", volume_id=vol.id))


def correction_list() -> str:
    """Corrections awaiting review (or of any state), paged, filtered in the URL."""
    from ecase.models.dossiers import CORRECTION_STATES

    actor = current_actor()
    state = request.args.get("state", "proposed")
    f = queries.CorrectionFilter(state=state if state in CORRECTION_STATES else "",
                                 unit_id=int_arg("unit_id", source=request.args),
                                 q=request.args.get("q", "").strip()[:100])
    page = page_arg()
    rows, total = queries.correction_list(actor, f, page=page, per_page=PER_PAGE)
    query = {k: v for k, v in request.args.items() if k != "page"}
    query.setdefault("state", f.state)
    return render_template("dossiers/corrections.html", rows=rows, total=total, page=page,
                           per_page=PER_PAGE, f=f, query=query, states=CORRECTION_STATES,
                           units=queries.case_units(actor), may_review=lambda unit_id: may(
                               actor, operations.REVIEW_ACTION, unit_id),
                           user_id=actor.user_id, field_label=field_types.field_label,
                           field_display=field_types.field_display,
                           need_review=bool(current_app.config.get("CORRECTIONS_NEED_REVIEW")))


def review_correction(document_id: int) -> Response:
    """Accept a proposed correction of the document (form ``correction``), or reject it with
    a reason; back to where it was decided."""
    from ecase.params import parse_int

    actor = current_actor()
    doc = queries.get_document(actor, document_id)
    correction_id = parse_int(request.form.get("correction"), "correction")
    corr = next((c for c in doc.all_corrections if c.id == correction_id), None)
    if corr is None:
        raise NotFound("这条更正不存在或不属于此文书")
    decision = request.form.get("decision", "")
    if decision not in ("accept", "reject"):
        raise InvalidInput("请选择采纳或驳回")
    operations.review_correction(actor, corr, accept=decision == "accept",
                                 reason=request.form.get("reason", ""))
    label = field_types.field_label(corr.name)
    shown = field_types.field_display(corr.name, corr.value)
    if decision == "accept":
        flash(f"已采纳{doc.title}「{label}」的更正「{shown}」", "success")
    else:
        flash(f"已驳回{doc.title}「{label}」的更正「{shown}」", "success")
    if request.form.get("back") == "list":
        return redirect(url_for("dossiers.correction_list"))
    version = doc.version
    position = parse_position(request.form.get("position"), doc.first_position)
    return redirect(url_for("dossiers.volume_page", volume_id=version.volume_id, position=position,
                            version=version.number, doc=doc.id, _anchor=f"doc-{doc.id}"))
