"""Pages of the supervision area: parse, check permission, call one operation or query,
render. No SQL here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for

from ecase import blobs, db
from ecase.access import may, require
from ecase.auth import current_actor
from ecase.errors import InvalidInput, NotFound
from ecase.models import Unit
from ecase.models.supervision import FINDING_STATES, LIVE_STATES, Bulletin, Recommendation
from ecase.params import int_arg, int_list
from ecase.supervision import operations, queries
from ecase.supervision.bulletins import KINDS, RULE_NAMES
from ecase.supervision.config import rules_config
from ecase.supervision.evaluate import evaluate_db
from ledgers.rates import RATES, PeriodError, parse_period
from ledgers.rules.config import GRADE_NAMES
from ledgers.scoring import SUMMARIES


def _period(cfg: Any) -> Any:
    text = request.args.get("period") or queries.latest_period(db.session(), cfg)
    try:
        return parse_period(text)
    except PeriodError as e:
        raise InvalidInput(str(e)) from e


def _today(cfg: Any) -> dt.date:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=cfg.tz_offset_hours)).date()


def dashboard() -> str:
    actor = current_actor()
    require(actor, "finding.view")
    cfg = rules_config()
    period = _period(cfg)
    s = db.session()
    return render_template(
        "supervision/dashboard.html", period=period, rankings=queries.rankings(s, period, cfg, cached=True),
        rates=RATES, open_rows=queries.open_by_unit_and_grade(s, actor), kinds=KINDS, cfg=cfg,
        can_bulletin=may(actor, "bulletin.create"), can_manage=may(actor, "finding.manage"))


def findings() -> str:
    actor = current_actor()
    states = request.args.getlist("state") or list(LIVE_STATES)
    if states == ["all"]:
        states = list(FINDING_STATES)
    rows = queries.list_findings(db.session(), actor, unit_id=int_arg("unit_id", source=request.args),
                                 rule=request.args.get("rule") or None, grade=request.args.get("grade") or None,
                                 states=states, case_id=int_arg("case_id", source=request.args),
                                 offset=max(0, int_arg("offset", 0, source=request.args) or 0))
    units = db.session().query(Unit).order_by(Unit.name).all()
    return render_template("supervision/findings.html", rows=rows, rule_names=RULE_NAMES,
                           grade_names=GRADE_NAMES, states=FINDING_STATES, selected_states=states,
                           units=units, can_manage=may(actor, "finding.manage"), args=request.args)


def finding(finding_id: int) -> str:
    actor = current_actor()
    f = operations.get_finding(actor, finding_id)
    return render_template("supervision/finding.html", f=f, rule_names=RULE_NAMES, grade_names=GRADE_NAMES,
                           states=FINDING_STATES, moves=sorted(operations.TRANSITIONS.get(f.state, ())),
                           can_manage=may(actor, "finding.manage", f.unit_id),
                           can_reply=may(actor, "finding.reply", f.unit_id))


def change_state(finding_id: int) -> Response:
    actor = current_actor()
    f = operations.get_finding(actor, finding_id)
    operations.change_state(actor, f, request.form.get("state", ""), request.form.get("reason", ""))
    flash(f"问题状态已改为「{f.state_name}」", "success")
    return redirect(url_for("supervision.finding", finding_id=f.id))  # type: ignore[return-value]


def run_check() -> Response:
    actor = current_actor()
    require(actor, "finding.manage")
    cfg = rules_config()
    as_of = _today(cfg)
    if request.form.get("as_of"):
        try:
            as_of = dt.date.fromisoformat(request.form["as_of"])
        except ValueError as e:
            raise InvalidInput("日期格式应为 YYYY-MM-DD") from e
    report = operations.record_findings(actor, evaluate_db(db.session(), as_of, cfg), as_of)
    operations.refresh_rates(actor, cfg, [f"{as_of:%Y-%m}", queries.latest_period(db.session(), cfg)])
    flash(f"截至{as_of}检查完成：新发现{report.created}个，系统关闭{report.closed}个，重新出现{report.reopened}个",
          "success")
    return redirect(url_for("supervision.dashboard"))  # type: ignore[return-value]


def scores() -> str:
    actor = current_actor()
    require(actor, "finding.view")
    cfg = rules_config()
    period = _period(cfg)
    by = request.args.get("by", "unit")
    if by not in SUMMARIES:
        raise InvalidInput(f"by 应为 {', '.join(SUMMARIES)}")
    rows = queries.scores(db.session(), actor, period, cfg, by)
    return render_template("supervision/scores.html", rows=rows, period=period, by=by, summaries=SUMMARIES,
                           rule_names=RULE_NAMES)


def bulletins() -> str:
    actor = current_actor()
    require(actor, "bulletin.create")
    rows = db.session().query(Bulletin).order_by(Bulletin.id.desc()).limit(100).all()
    return render_template("supervision/bulletins.html", rows=rows, kinds=KINDS)


def create_bulletin() -> Response:
    actor = current_actor()
    cfg = rules_config()
    unit = None
    unit_id = int_arg("unit_id", source=request.form, strict=True)
    if unit_id is not None:
        unit = db.session().get(Unit, unit_id)
    b, _, _ = operations.create_bulletin(actor, request.form.get("kind", ""), request.form.get("period", ""),
                                         cfg, unit=unit, today=_today(cfg))
    flash(f"已生成通报 {b.number}", "success")
    return redirect(url_for("supervision.bulletins"))  # type: ignore[return-value]


def bulletin_file(bulletin_id: int, fmt: str) -> Response:
    actor = current_actor()
    require(actor, "bulletin.create")
    b = db.session().get(Bulletin, bulletin_id)
    if b is None or fmt not in ("pdf", "xlsx"):
        raise NotFound()
    key = b.pdf_key if fmt == "pdf" else b.xlsx_key
    if key is None:
        raise NotFound()
    mime = "application/pdf" if fmt == "pdf" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    resp = Response(blobs.store().get_bytes(key), mimetype=mime)
    resp.headers["Content-Disposition"] = f"attachment; filename=bulletin-{b.kind}-{b.period}-{b.id}.{fmt}"
    return resp


def recommendations() -> str:
    actor = current_actor()
    cfg = rules_config()
    rows = queries.recommendations(db.session(), actor)
    units = db.session().query(Unit).order_by(Unit.name).all()
    can_manage = may(actor, "finding.manage")
    candidates = queries.recommendation_candidates(db.session(), actor, cfg, _today(cfg)) if can_manage else []
    return render_template("supervision/recommendations.html", rows=rows, units=units, can_manage=can_manage,
                           candidates=candidates, rule_names=RULE_NAMES, grade_names=GRADE_NAMES, cfg=cfg)


def issue_recommendation() -> Response:
    actor = current_actor()
    cfg = rules_config()
    unit = db.session().get(Unit, int_arg("unit_id", source=request.form) or 0)
    if unit is None:
        raise InvalidInput("请选择单位")
    ids = int_list([x for x in request.form.getlist("finding_id") if x.isdigit()], "finding_id")
    found = [operations.get_finding(actor, i) for i in ids]
    due = request.form.get("reply_due_on")
    rec = operations.issue_recommendation(
        actor, unit, found, request.form.get("body", ""), cfg, addressee=request.form.get("addressee") or None,
        reply_due_on=dt.date.fromisoformat(due) if due else None, today=_today(cfg))
    flash(f"已发出执法建议书 {rec.number}", "success")
    return redirect(url_for("supervision.recommendation", rec_id=rec.id))  # type: ignore[return-value]


def _get_recommendation(rec_id: int) -> Recommendation:
    actor = current_actor()
    rec = db.session().get(Recommendation, rec_id)
    if rec is None:
        raise NotFound()
    require(actor, "finding.view", rec.unit_id)
    return rec


def recommendation(rec_id: int) -> str:
    rec = _get_recommendation(rec_id)
    actor = current_actor()
    return render_template("supervision/recommendation.html", rec=rec, rule_names=RULE_NAMES,
                           grade_names=GRADE_NAMES, can_reply=may(actor, "finding.reply", rec.unit_id))


def reply_recommendation(rec_id: int) -> Response:
    rec = _get_recommendation(rec_id)
    operations.reply_recommendation(current_actor(), rec, request.form.get("reply", ""))
    flash("回复已记录", "success")
    return redirect(url_for("supervision.recommendation", rec_id=rec.id))  # type: ignore[return-value]


def api_findings() -> dict[str, Any]:
    actor = current_actor()
    rows = queries.list_findings(db.session(), actor, unit_id=int_arg("unit_id", source=request.args),
                                 rule=request.args.get("rule") or None, grade=request.args.get("grade") or None,
                                 states=request.args.getlist("state") or list(LIVE_STATES))
    return {"findings": [{"id": f.id, "rule": f.rule, "grade": f.grade, "state": f.state,
                          "case_no": f.case_no, "incident_no": f.incident_no,
                          "unit": f.unit.name if f.unit else None, "lead_officer": f.lead_officer,
                          "due_on": f.due_on.isoformat() if f.due_on else None, "days_over": f.days_over,
                          "evidence": f.evidence or []} for f in rows]}
