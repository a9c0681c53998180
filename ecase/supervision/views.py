"""Pages of the supervision area: parse, check permission, call one operation or query,
render. No SQL here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for

from ecase import blobs, db, xlsx
from ecase.access import may, require
from ecase.auth import current_actor
from ecase.errors import InvalidInput, NotFound
from ecase.formatting import BEIJING
from ecase.models.supervision import FINDING_STATES, LIVE_STATES, Recommendation
from ecase.params import int_arg, int_list, page_arg
from ecase.supervision import operations, queries
from ecase.supervision.bulletins import KINDS, RULE_NAMES
from ecase.supervision.config import rules_config
from ecase.supervision.evidence import actor_name, describe_all
from ecase.xlsx import Column
from ecase.supervision.evaluate import evaluate_db
from ledgers.rates import RATES, PeriodError, parse_period
from ledgers.rules.config import GRADE_NAMES
from ledgers.scoring import SUMMARIES


def _period(cfg: Any) -> Any:
    text = request.args.get("period") or queries.latest_period(db.session(), cfg)
    try:
        return parse_period(text)
    except PeriodError as e:
        raise InvalidInput(queries.period_message(text)) from e


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
        can_bulletin=may(actor, "bulletin.create"), can_manage=may(actor, "finding.manage"),
        open_definition=queries.OPEN_DEFINITION)


PER_PAGE = 100
API_MAX_LIMIT = 500


def _day(raw: str | None, label: str) -> dt.date | None:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as e:
        raise InvalidInput(f"{label}的格式应为 YYYY-MM-DD（如 2018-01-15）：{text[:20]}") from e


def _states(values: list[str]) -> tuple[str, ...]:
    if not values or values == ["live"] or values == [""]:
        return tuple(LIVE_STATES)
    if "all" in values:
        return tuple(FINDING_STATES)
    return tuple(v for v in values if v in FINDING_STATES) or tuple(LIVE_STATES)


def _finding_filter() -> queries.FindingFilter:
    args = request.args
    rule = args.get("rule") or None
    grade = args.get("grade") or None
    return queries.FindingFilter(
        unit_id=int_arg("unit_id", source=args), rule=rule if rule in RULE_NAMES else None,
        grade=grade if grade in GRADE_NAMES else None, states=_states(args.getlist("state")),
        case_id=int_arg("case_id", source=args), since=_day(args.get("since"), "发现日期（起）"),
        until=_day(args.get("until"), "发现日期（止）"), keyword=(args.get("q") or "").strip()[:100])


def _sort() -> tuple[str, bool]:
    sort = request.args.get("sort") or "grade"
    return (sort if sort in queries.FINDING_SORTS else "grade"), request.args.get("dir", "desc") != "asc"


def findings() -> str:
    actor = current_actor()
    f = _finding_filter()
    sort, desc = _sort()
    page = page_arg()
    s = db.session()
    rows, total = queries.find_findings(s, actor, f, sort=sort, desc=desc, offset=(page - 1) * PER_PAGE,
                                        limit=PER_PAGE)
    args = {k: v for k, v in request.args.items(multi=True) if k != "page" and v}
    return render_template("supervision/findings.html", rows=rows, total=total, page=page, per_page=PER_PAGE,
                           sort=sort, desc=desc, sorts=queries.FINDING_SORTS, rule_names=RULE_NAMES,
                           grade_names=GRADE_NAMES, states=FINDING_STATES, selected_states=f.states,
                           live_states=tuple(LIVE_STATES), units=queries.units(s), f=f,
                           can_manage=may(actor, "finding.manage"), args=request.args, query=args,
                           open_definition=queries.OPEN_DEFINITION)


def findings_xlsx() -> Response:
    actor = current_actor()
    f = _finding_filter()
    sort, desc = _sort()
    s = db.session()
    unit = queries.unit(s, f.unit_id)
    cols = [Column("预警", 7), Column("问题", 22), Column("案件/警情编号", 26), Column("单位", 18),
            Column("主办民警", 10), Column("期限", 12), Column("超期天数", 9), Column("状态", 9),
            Column("首次发现", 12), Column("说明", 60)]
    rows = ([GRADE_NAMES.get(x.grade, x.grade), RULE_NAMES.get(x.rule, x.rule), x.case_no or x.incident_no or "",
             x.unit.name if x.unit else "", x.lead_officer or "", x.due_on, x.days_over, x.state_name,
             x.first_found_on, x.detail] for x in queries.iter_findings(s, actor, f, sort=sort, desc=desc))
    title = "问题清单" + (f"（{unit.name}）" if unit else "")
    data = xlsx.table_bytes(title, cols, rows, subtitle=f"导出时间：{_now_text()}")
    resp = Response(data, mimetype=xlsx.MIME)
    resp.headers["Content-Disposition"] = content_disposition(f"{title}.xlsx")
    return resp


def _now_text() -> str:
    return dt.datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M")


def finding(finding_id: int) -> str:
    actor = current_actor()
    f = operations.get_finding(actor, finding_id)
    return render_template("supervision/finding.html", f=f, rule_names=RULE_NAMES, grade_names=GRADE_NAMES,
                           evidence=describe_all(f.evidence, f.rule), actor_name=actor_name,
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
        raise InvalidInput("汇总方式应为：" + "、".join(SUMMARIES.values()))
    rows = queries.scores(db.session(), actor, period, cfg, by)
    return render_template("supervision/scores.html", rows=rows, period=period, by=by, summaries=SUMMARIES,
                           rule_names=RULE_NAMES, open_definition=queries.OPEN_DEFINITION,
                           open_count=queries.open_in_period(db.session(), actor, period))


def bulletins() -> str:
    actor = current_actor()
    require(actor, "bulletin.create")
    cfg = rules_config()
    rows = queries.bulletins(db.session())
    asked = int_arg("job", source=request.args)
    jobs = [j for j in queries.bulletin_jobs(db.session()) if not j.finished or j.id == asked]
    return render_template("supervision/bulletins.html", rows=rows, kinds=KINDS, jobs=jobs,
                           period=request.args.get("period") or queries.latest_period(db.session(), cfg))


def create_bulletin() -> Response:
    """Start building a bulletin in the background; the list page follows its progress."""
    actor = current_actor()
    cfg = rules_config()
    unit = queries.unit(db.session(), int_arg("unit_id", source=request.form, strict=True))
    job = operations.start_bulletin(actor, request.form.get("kind", ""), request.form.get("period", ""), cfg,
                                    unit=unit, today=_today(cfg))
    return redirect(url_for("supervision.bulletins", job=job.id))  # type: ignore[return-value]


def _job_json(job: Any) -> dict[str, Any]:
    bulletin_id = (job.params or {}).get("bulletin_id")
    done = job.state == "done" and bulletin_id
    return {"id": job.id, "state": job.state, "state_name": job.state_name, "done": job.done,
            "total": job.total, "message": job.message, "error": job.error,
            "pdf": url_for("supervision.bulletin_file", bulletin_id=bulletin_id, fmt="pdf") if done else None,
            "xlsx": url_for("supervision.bulletin_file", bulletin_id=bulletin_id, fmt="xlsx") if done else None}


def bulletin_job(job_id: int) -> dict[str, Any]:
    actor = current_actor()
    require(actor, "bulletin.create")
    job = queries.bulletin_job(db.session(), job_id)
    if job is None:
        raise NotFound()
    return _job_json(job)


def bulletin_file(bulletin_id: int, fmt: str) -> Response:
    actor = current_actor()
    require(actor, "bulletin.create")
    b = queries.bulletin(db.session(), bulletin_id)
    if b is None or fmt not in ("pdf", "xlsx"):
        raise NotFound()
    key = b.pdf_key if fmt == "pdf" else b.xlsx_key
    if key is None:
        raise NotFound()
    mime = "application/pdf" if fmt == "pdf" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    resp = Response(blobs.store().get_bytes(key), mimetype=mime)
    title = KINDS[b.kind][0] if b.kind in KINDS else "通报"
    resp.headers["Content-Disposition"] = content_disposition(f"{title}-{b.period}-{b.id}.{fmt}")
    return resp


def recommendations() -> str:
    actor = current_actor()
    cfg = rules_config()
    rows = queries.recommendations(db.session(), actor)
    units = queries.units(db.session())
    can_manage = may(actor, "finding.manage")
    candidates = queries.recommendation_candidates(db.session(), actor, cfg, _today(cfg)) if can_manage else []
    return render_template("supervision/recommendations.html", rows=rows, units=units, can_manage=can_manage,
                           candidates=candidates, rule_names=RULE_NAMES, grade_names=GRADE_NAMES, cfg=cfg)


def issue_recommendation() -> Response:
    """A 执法建议书 for the ticked findings, to the unit they belong to (a unit chosen as
    well must be theirs)."""
    actor = current_actor()
    cfg = rules_config()
    s = db.session()
    ids = int_list([x for x in request.form.getlist("finding_id") if x.strip()], "finding_id")
    if not ids:
        raise InvalidInput("请先勾选要列入执法建议书的问题")
    found = [operations.get_finding(actor, i) for i in dict.fromkeys(ids)]
    unit_ids = {x.unit_id for x in found}
    if len(unit_ids) > 1:
        names = "、".join(sorted({x.unit.name if x.unit else "（未知单位）" for x in found}))
        raise InvalidInput(f"所选问题属于不同单位（{names}），一份执法建议书只发给一个单位，请只勾选同一单位的问题")
    unit = queries.unit(s, next(iter(unit_ids)))
    if unit is None:
        raise InvalidInput("所选问题没有办案单位，不能发出执法建议书")
    chosen = int_arg("unit_id", source=request.form)
    if chosen is not None and chosen != unit.id:
        raise InvalidInput(f"所选问题属于{unit.name}，与所选单位不符")
    due = _day(request.form.get("reply_due_on"), "回复期限")
    rec = operations.issue_recommendation(
        actor, unit, found, request.form.get("body", ""), cfg, addressee=request.form.get("addressee") or None,
        reply_due_on=due, today=_today(cfg))
    flash(f"已向{unit.name}发出执法建议书 {rec.number}", "success")
    return redirect(url_for("supervision.recommendation", rec_id=rec.id))  # type: ignore[return-value]


def _get_recommendation(rec_id: int) -> Recommendation:
    actor = current_actor()
    rec = queries.recommendation(db.session(), rec_id)
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
    """The findings list as JSON, paged: ``offset`` and ``limit`` (at most 500, 100 when
    absent) in, ``total`` (all the filter selects), ``offset`` and ``limit`` out; the same
    filters and sort as the page."""
    actor = current_actor()
    f = _finding_filter()
    sort, desc = _sort()
    offset = int_arg("offset", 0, source=request.args, strict=True, low=0, high=2**40) or 0
    limit = int_arg("limit", PER_PAGE, source=request.args, strict=True, low=0, high=2**40) or PER_PAGE
    limit = min(limit, API_MAX_LIMIT)
    rows, total = queries.find_findings(db.session(), actor, f, sort=sort, desc=desc, offset=offset, limit=limit)
    return {"total": total, "offset": offset, "limit": limit,
            "findings": [{"id": x.id, "rule": x.rule, "rule_name": RULE_NAMES.get(x.rule, x.rule),
                          "grade": x.grade, "state": x.state, "state_name": x.state_name,
                          "case_no": x.case_no, "incident_no": x.incident_no,
                          "unit": x.unit.name if x.unit else None, "lead_officer": x.lead_officer,
                          "due_on": x.due_on.isoformat() if x.due_on else None, "days_over": x.days_over,
                          "first_found_on": x.first_found_on.isoformat(),
                          "evidence": x.evidence or []} for x in rows]}


def content_disposition(filename: str) -> str:
    """An attachment header naming ``filename`` in Chinese (RFC 6266 ``filename*``) with an
    ASCII fallback."""
    from urllib.parse import quote

    ascii_name = "".join(c if c.isascii() and c.isprintable() else "_" for c in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
