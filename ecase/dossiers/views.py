"""Views of the dossiers area: parse, check permission, call one operation, render."""

from __future__ import annotations

import io
import json
from typing import Any

from flask import Response, abort, redirect, render_template, request, url_for

from ecase.access import may, require
from ecase.auth import current_actor
from ecase.blobs import send_blob, store
from ecase.dossiers import operations, queries
from ecase.errors import InvalidInput
from ecase.intake.pages import ocr_from_json
from ecase.models.dossiers import VOLUME_KINDS
from ecase.params import int_arg, int_list, page_arg


def case_list() -> str:
    actor = current_actor()
    q = request.args.get("q", "").strip()
    page = page_arg()
    rows, total = queries.case_list(actor, q=q, page=page)
    return render_template("dossiers/case_list.html", rows=rows, total=total, q=q, page=page,
                           per_page=50)


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
    return render_template(
        "dossiers/volume.html", volume=vol, case=vol.case, version=version,
        position=position, vp=current_page, ocr=ocr, highlight=highlight,
        query=request.args.get("q", ""),
        jobs=queries.volume_jobs(vol), scans=queries.volume_scans(vol),
        can_correct=may(actor, "recognition.correct", vol.case.unit_id),
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
    actor = current_actor()
    doc = queries.get_document(actor, document_id)
    name = request.form.get("name", "").strip()
    raw = request.form.get("value", "")
    value: Any = raw
    if raw.startswith("[") or raw.startswith("{"):
        try:
            value = json.loads(raw)
        except ValueError as e:
            raise InvalidInput("字段值不是有效的 JSON") from e
    operations.correct_field(actor, doc, name, value, request.form.get("note", ""))
    version = doc.version
    return redirect(url_for("dossiers.volume_page", volume_id=version.volume_id,
                            position=doc.first_position, version=version.number,
                            doc=doc.id))


def resplit(volume_id: int) -> Response:
    actor = current_actor()
    vol = queries.get_volume(actor, volume_id)
    starts: list[tuple[int, str]] = []
    for line in request.form.get("starts", "").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            pos, type_ = line.split(None, 1)
            starts.append((int(pos), type_.strip()))
        except ValueError as e:
            raise InvalidInput(f"无法理解的拆分行：{line}（格式：起始页 文书类型）") from e
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
