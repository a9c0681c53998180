"""The search page and its JSON API.

Near matches (a phrase with one character misread by OCR, :mod:`search.near`) are on
unless the request says ``near=0``: the form's checkbox sends ``near=1`` before a hidden
``near=0``, so the first value is the box's state and links that carry the arguments
keep it; a link with no ``near`` at all gets the default."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import render_template, request
from sqlalchemy import select

import search as fts
from ecase import db
from ecase.access import Actor, require, scope
from ecase.auth import current_actor
from ecase.errors import InvalidInput
from ecase.models import Unit
from ecase.params import int_arg, near_arg, page_arg
from ecase.search_views.indexing import get_index
from scanning.recognition.classify import TITLE_TEXT

#: type code -> Chinese title, for the filter and the hits (recognition's own table)
DOC_TYPES = {**TITLE_TEXT, "dossier_cover": "卷宗封面", "other": "其他"}


def search_scope(actor: Actor) -> fts.Scope:
    s = scope(actor)
    return fts.Scope(all_units=s.all_units, unit_ids=s.unit_ids)


def _date(name: str) -> dt.date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise InvalidInput(f"不是有效的日期：{value[:20]}（请写作 2018-01-31）") from e


def _filters() -> fts.Filters:
    def many(name: str) -> frozenset[str] | None:
        values = [v for v in request.args.getlist(name) if v]
        return frozenset(values) or None

    units = many("unit")
    return fts.Filters(unit_ids=frozenset(int(u) for u in units if u.isdigit()) if units else None,
                       case_kinds=many("kind"), doc_types=many("type"),
                       date_from=_date("from"), date_to=_date("to"))


def run_search(actor: Actor, q: str, filters: fts.Filters, limit: int, offset: int, *,
               near: bool = True) -> fts.SearchResult:
    require(actor, "search.use")
    try:
        return fts.search(get_index(), q, search_scope(actor), filters, limit=limit, offset=offset, near=near)
    except fts.QuerySyntaxError as e:
        from ecase.errors import has_chinese

        why = str(e)
        raise InvalidInput(f"检索式有误：{why}" if has_chinese(why) else
                           "检索式有误：请检查引号、括号是否成对，日期范围是否写作 2018-01-01..2018-01-31") from e


def search_page() -> str:
    actor = current_actor()
    q = request.args.get("q", "").strip()
    page = page_arg()
    per_page = 20
    near = near_arg()
    result = run_search(actor, q, _filters(), per_page, (page - 1) * per_page, near=near) if q else None
    units = list(db.session().scalars(select(Unit).order_by(Unit.name))) if actor.all_units else []
    return render_template("search_views/search.html", q=q, result=result, page=page,
                           per_page=per_page, doc_types=DOC_TYPES, units=units, args=request.args,
                           near=near)


def api_search() -> dict[str, Any]:
    actor = current_actor()
    q = request.args.get("q", "").strip()
    if not q:
        raise InvalidInput("缺少检索式 q")
    limit = min(100, max(1, int_arg("limit", 20, source=request.args) or 20))
    offset = max(0, int_arg("offset", 0, source=request.args) or 0)
    return run_search(actor, q, _filters(), limit, offset, near=near_arg()).to_dict()
