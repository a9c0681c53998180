"""Views of the ledger area: parse, check permission, call one operation or query, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from ecase import db
from ecase.blobs import store
from ecase.access import may, require
from ecase.auth import current_actor
from ecase.errors import InvalidInput
from ecase.ledger_views import exports, operations, queries
from ecase.ledger_views.tasks import read_progress
from ecase.params import int_arg, page_arg
from ecase.models.ledgers import DECISION_BODIES, DECISION_KINDS, PERSON_ROLES


def _date(name: str) -> dt.date | None:
    v = (request.values.get(name) or "").strip()
    if not v:
        return None
    try:
        return dt.date.fromisoformat(v)
    except ValueError as e:
        raise InvalidInput(f"日期格式应为 YYYY-MM-DD：{v}") from e


def _int(name: str) -> int | None:
    return int_arg(name, strict=True)


def _filters() -> queries.Filters:
    return queries.Filters(
        unit_id=_int("unit"), date_from=_date("from"), date_to=_date("to"), officer_id=_int("officer"),
        state=request.args.get("state") or None, sort=request.args.get("sort") or None,
        desc=request.args.get("dir", "desc") != "asc", page=page_arg(),
        as_of=_date("as_of"), keyword=(request.args.get("q") or "").strip()[:100])


def index() -> str:
    actor = current_actor()
    require(actor, "ledger.view")
    defs = list(queries.ledgers().values())
    return render_template("ledger_views/index.html",
                           groups=[("刑事台账", [d for d in defs if d.group == "criminal"]),
                                   ("行政台账", [d for d in defs if d.group != "criminal"])],
                           can_import=may(actor, "ledger.import"),
                           can_supplement=may(actor, "ledger.supplement"))


def ledger(code: str) -> str:
    actor = current_actor()
    led = queries.get_ledger(actor, code)
    f = _filters()
    rows, total = queries.ledger_page(actor, led, f)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("ledger_views/ledger.html", led=led, rows=rows, total=total, f=f,
                           heads=queries.headers(led), units=queries.units(actor),
                           officers=queries.officers(actor, f.unit_id), args=args,
                           per_page=queries.PER_PAGE, as_of=f.as_of or queries.beijing_today(),
                           can_supplement=may(actor, "ledger.supplement") and led.record == "decisions")


def export(code: str) -> Response:
    actor = current_actor()
    led = queries.get_ledger(actor, code)
    path = exports.ledger_xlsx(actor, led, _filters())
    data = path.read_bytes()
    path.unlink(missing_ok=True)
    import io

    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"{led.title}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# -- imports -------------------------------------------------------------------------

def import_page() -> str:
    actor = current_actor()
    require(actor, "ledger.import")
    return render_template("ledger_views/import.html", runs=queries.recent_runs(actor),
                           units_fixed=queries.units_fixed())


def import_upload() -> Any:
    actor = current_actor()
    require(actor, "ledger.import")
    uploads = [f for f in request.files.getlist("file") if f and f.filename]
    if not uploads:
        raise InvalidInput("请选择要导入的 .xlsx 或 .csv 文件")
    mode = request.form.get("mode", "all")
    # the uploads are kept in the blob store, so the worker (on any machine) can read them
    files = [(store().put(up.stream).key, up.filename or "upload") for up in uploads]
    run = operations.create_run(actor, [n for _, n in files], mode)
    operations.start_upload_import(run.id, files, mode)
    db.session().commit()
    url = url_for("ledger_views.import_run", run_id=run.id)
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"run_id": run.id, "url": url}), 202
    return redirect(url)


def _run_json(run_id: int) -> dict[str, Any]:
    run = queries.get_run(current_actor(), run_id)
    db.session().refresh(run)
    return {"id": run.id, "state": run.state, "mode": run.mode, "files": run.files,
            "progress": read_progress(run),
            "report": run.report, "error": run.error}


def import_run(run_id: int) -> str:
    return render_template("ledger_views/import_run.html", run=_run_json(run_id))


def import_run_json(run_id: int) -> dict[str, Any]:
    return _run_json(run_id)


# -- supplementary entries -------------------------------------------------------------

def _decision_values() -> dict[str, Any]:
    decided = _date("decided_at")
    return {"kind": request.form.get("kind"), "case_id": _int("case_id"), "person_id": _int("person_id"),
            "officer_id": _int("officer_id"), "decision_no": request.form.get("decision_no"),
            "decided_at": dt.datetime.combine(decided, dt.time()) if decided else None,
            "result": request.form.get("result"), "note": request.form.get("note")}


def entry_new() -> Any:
    actor = current_actor()
    require(actor, "ledger.supplement")
    if request.method == "POST":
        d = operations.create_decision(actor, _decision_values())
        flash("补录已保存", "success")
        return redirect(url_for("ledger_views.entry", decision_id=d.id))
    case_id = _int("case_id")
    case = queries.get_case(actor, case_id) if case_id else None
    q = (request.args.get("q") or "").strip()
    return render_template("ledger_views/entry_form.html", d=None, case=case, q=q,
                           found=queries.find_cases(actor, q) if q and case is None else [],
                           people=queries.case_people(case) if case else [],
                           officers=queries.officers(actor, case.unit_id) if case else [],
                           kinds=DECISION_KINDS, bodies=DECISION_BODIES, roles=PERSON_ROLES,
                           kind=request.args.get("kind", ""))


def entry(decision_id: int) -> Any:
    actor = current_actor()
    d = queries.get_decision(actor, decision_id)
    if request.method == "POST":
        operations.correct_decision(actor, d, _decision_values(), request.form.get("reason", ""))
        flash("已更正，原值保留在修改记录中", "success")
        return redirect(url_for("ledger_views.entry", decision_id=d.id))
    history = queries.history("decisions", d.id)
    return render_template("ledger_views/entry.html", d=d, history=history,
                           users=queries.user_names([h.user_id for h in history] + [d.created_by_id, d.updated_by_id]),
                           people=queries.case_people(d.case), officers=queries.officers(actor, d.unit_id),
                           kinds=DECISION_KINDS, roles=PERSON_ROLES,
                           can_edit=may(actor, "ledger.supplement", d.unit_id))


def entry_void(decision_id: int) -> Any:
    actor = current_actor()
    d = queries.get_decision(actor, decision_id)
    operations.void_decision(actor, d, request.form.get("reason", ""))
    flash("已作废（记录保留）", "success")
    return redirect(url_for("ledger_views.entry", decision_id=d.id))


def api_cases() -> Any:
    actor = current_actor()
    require(actor, "ledger.view")
    cases = queries.find_cases(actor, (request.args.get("q") or "").strip())
    return jsonify({"cases": [{"id": c.id, "case_no": c.case_no, "name": c.name, "unit": c.unit.name}
                              for c in cases]})


def api_case_people(case_id: int) -> Any:
    actor = current_actor()
    case = queries.get_case(actor, case_id)
    return jsonify({"people": [{"id": p.id, "name": p.name, "role": p.role}
                               for p in queries.case_people(case)]})
