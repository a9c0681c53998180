"""Reads of the dossiers area, always scoped by ``ecase.access``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


#: case states as a clerk names them, each a condition on the case's dates
CASE_STATES = {"accepted": "已受案", "filed": "已立案", "not_filed": "不予立案", "closed": "已结案"}
#: sortable columns: key -> (label, column)
CASE_SORTS = {"case_no": "案件编号", "name": "案件名称", "accepted_at": "受案时间",
              "created_at": "建立时间", "unit": "办案单位"}


@dataclass
class CaseFilter:
    """A case list's filters, as kept in the URL."""

    q: str = ""
    unit_id: int | None = None
    kind: str = ""
    state: str = ""
    scanned: str = ""  # "yes", "no" or ""
    date_from: Any = None  # accepted on or after (date)
    date_to: Any = None  # accepted on or before (date)
    sort: str = "created_at"
    desc: bool = True


def case_list(actor: Actor, *, q: str = "", page: int = 1, per_page: int = 50,
              filters: CaseFilter | None = None, offset: int | None = None) -> tuple[list[CaseRow], int]:
    """One page of the cases ``actor`` may see that pass ``filters``, and how many pass."""
    import datetime as dt

    from ecase.models import Unit

    f = filters or CaseFilter(q=q)
    s = db.session()
    base = visible_cases(actor)
    if f.q:
        like = f"%{f.q}%"
        base = base.where(Case.case_no.like(like) | Case.name.like(like))
    if f.unit_id is not None:
        base = base.where(Case.unit_id == f.unit_id)
    if f.kind:
        base = base.where(Case.kind == f.kind)
    if f.state == "accepted":
        base = base.where(Case.accepted_at.is_not(None), Case.filed_at.is_(None), Case.no_filing_at.is_(None),
                          Case.closed_at.is_(None))
    elif f.state == "filed":
        base = base.where(Case.filed_at.is_not(None), Case.closed_at.is_(None))
    elif f.state == "not_filed":
        base = base.where(Case.no_filing_at.is_not(None))
    elif f.state == "closed":
        base = base.where(Case.closed_at.is_not(None))
    if f.scanned in ("yes", "no"):
        has_pages = (select(Volume.case_id).join(Scan, Scan.volume_id == Volume.id)
                     .join(Page, Page.scan_id == Scan.id).where(Volume.case_id == Case.id).exists())
        base = base.where(has_pages if f.scanned == "yes" else ~has_pages)
    shift = dt.timedelta(hours=8)  # dates are local (Beijing); the database keeps UTC
    if f.date_from is not None:
        base = base.where(Case.accepted_at >= dt.datetime.combine(f.date_from, dt.time()) - shift)
    if f.date_to is not None:
        base = base.where(Case.accepted_at < dt.datetime.combine(f.date_to, dt.time()) + dt.timedelta(days=1) - shift)
    total = s.scalar(select(func.count()).select_from(base.subquery())) or 0
    if f.sort == "unit":
        base = base.join(Unit, Unit.id == Case.unit_id)
        col: Any = Unit.name
    else:
        col = getattr(Case, f.sort if f.sort in CASE_SORTS else "created_at")
    order = [col.desc().nulls_last() if f.desc else col.asc().nulls_last(), Case.id.desc() if f.desc else Case.id]
    start = offset if offset is not None else (page - 1) * per_page
    cases = list(s.scalars(base.order_by(*order).limit(per_page).offset(start)))
    ids = [c.id for c in cases]
    vols = dict(s.execute(select(Volume.case_id, func.count()).where(Volume.case_id.in_(ids))
                          .group_by(Volume.case_id)).all()) if ids else {}
    pages = dict(s.execute(select(Volume.case_id, func.count()).join(Scan, Scan.volume_id == Volume.id)
                           .join(Page, Page.scan_id == Scan.id).where(Volume.case_id.in_(ids))
                           .group_by(Volume.case_id)).all()) if ids else {}
    return [CaseRow(c, vols.get(c.id, 0), pages.get(c.id, 0)) for c in cases], total


def case_units(actor: Actor) -> list[Any]:
    """The units whose cases ``actor`` may filter by (all for the brigade, else their own)."""
    from ecase.models import Unit

    q = select(Unit).order_by(Unit.name)
    if not actor.all_units:
        q = q.where(Unit.id == actor.unit_id)
    return list(db.session().scalars(q))


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


def get_scan(actor: Actor, scan_id: int) -> Scan:
    scan = db.session().get(Scan, scan_id)
    if scan is None or scan.volume is None:
        raise NotFound()
    require(actor, "case.view", scan.volume.case.unit_id)
    return scan


def query_terms(query: str) -> list[str]:
    """The words of a search query as they are looked for on a page (no operators, no
    ``field:`` prefixes, no quotes, full-width folded)."""
    import re
    import unicodedata

    terms = []
    for t in re.split(r"\s+", re.sub(r"[\"“”()（）]", " ", query or "")):
        if not t or t in ("AND", "OR", "NOT"):
            continue
        t = unicodedata.normalize("NFKC", re.sub(r"^[a-z_]+:", "", t))
        if t:
            terms.append(t)
    return terms


def near_literals(query: str) -> list[str]:
    """The literals of ``query`` that search also finds with one character misread
    (:mod:`search.near`: plain text of four characters or more, not under NOT, not a
    document or case number)."""
    from search.query import QuerySyntaxError, near_form, parse, positive_literals

    try:
        node = parse(query or "")
    except QuerySyntaxError:
        return []
    return [lit.value for lit in positive_literals(node) if near_form(lit) is not None]


def _fold(text: str) -> str:
    """As the viewer folds the page and the query: full-width ASCII as ASCII, no white space."""
    import re

    return re.sub(r"\s+", "", "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text))


def near_strings(text: str | None, literals: list[str]) -> list[str]:
    """The strings of a page's ``text`` that are near matches, not exact ones, of one of
    ``literals`` (as the viewer marks them: folded, white space removed)."""
    from search.analysis import normalise, normalise_with_offsets
    from search.near import find_near

    if not text or not literals:
        return []
    stream = normalise_with_offsets(text)
    out: list[str] = []
    for lit in literals:
        want = normalise(lit)
        for start, end in find_near(text, lit, stream):
            piece = text[start:end]
            if normalise(piece) != want and _fold(piece) not in out:
                out.append(_fold(piece))
    return out


def hit_positions(version: VolumeVersion, query: str, *, near: bool = True) -> list[int]:
    """Positions of the version's pages whose text holds a word of ``query`` (or, with
    ``near``, a near match of one of its literals, as search finds them)."""
    import re
    import unicodedata

    terms = query_terms(query)
    if not terms:
        return []
    literals = near_literals(query) if near else []
    out = []
    for vp in version.pages:
        text = unicodedata.normalize("NFKC", re.sub(r"\s+", "", vp.page.text or ""))
        if any(t in text for t in terms) or near_strings(vp.page.text, literals):
            out.append(vp.position)
    return out


@dataclass
class RateStanding:
    """A unit's place on one rate: ``rank`` None when it has nothing to rate (shown 无);
    units with the same rate share a rank (并列)."""

    code: str
    name: str
    numerator: int
    denominator: int
    rate: float | None
    band: str
    rank: int | None
    rated: int
    tied: bool


@dataclass
class UnitHome:
    """What a station's clerk or leader opens the day with."""

    unit_name: str
    open_total: int
    open_by_grade: dict[str, int]
    findings: list[Any]
    due_soon: list[Any]
    unscanned: list[Case]
    unscanned_total: int
    cases_total: int
    period: str
    standings: list[RateStanding]


def unit_home(actor: Actor, *, today: Any, due_days: int = 7, limit: int = 10) -> UnitHome:
    """The unit's live findings (待整改), those whose deadline falls in the next ``due_days``,
    its cases with no scanned page, and its place on each rate of the latest period
    (through ``ecase.supervision.queries``)."""
    import datetime as dt

    from ecase.access import may
    from ecase.models import Unit
    from ecase.models.supervision import LIVE_STATES, Finding
    from ecase.supervision import queries as sq
    from ecase.supervision.config import rules_config
    from ledgers.rates import RATES, parse_period

    s = db.session()
    unit = s.get(Unit, actor.unit_id) if actor.unit_id is not None else None
    unit_name = unit.name if unit else ""
    open_total, by_grade, findings, due_soon = 0, {"red": 0, "orange": 0, "yellow": 0}, [], []
    standings: list[RateStanding] = []
    period_label = ""
    if may(actor, "finding.view"):
        for row in sq.open_by_unit_and_grade(s, actor):
            if row["unit_id"] == actor.unit_id:
                open_total = row["total"]
                by_grade = {g: row.get(g, 0) for g in ("red", "orange", "yellow")}
        findings = sq.list_findings(s, actor, unit_id=actor.unit_id, limit=limit)
        due_soon = list(s.scalars(
            sq.visible_findings(actor).where(Finding.state.in_(LIVE_STATES), Finding.unit_id == actor.unit_id,
                                             Finding.due_on >= today,
                                             Finding.due_on <= today + dt.timedelta(days=due_days))
            .order_by(Finding.due_on, Finding.id).limit(limit)))
        cfg = rules_config()
        period_label = sq.latest_period(s, cfg)
        ranks = sq.rankings(s, parse_period(period_label), cfg, cached=True)
        for code, rows in ranks.items():
            rated = [r for r in rows if r.denominator > 0 and r.rate is not None]
            mine = next((r for r in rows if r.unit == unit_name), None)
            if mine is None:
                continue
            if mine.denominator > 0 and mine.rate is not None:
                higher = sum(1 for r in rated if (r.rate or 0) > mine.rate + 1e-12)
                tied = sum(1 for r in rated if abs((r.rate or 0) - mine.rate) <= 1e-12) > 1
                rank_: int | None = higher + 1
            else:
                rank_, tied = None, False
            standings.append(RateStanding(code, RATES.get(code, code), mine.numerator, mine.denominator,
                                          mine.rate, mine.band if rank_ is not None else "", rank_,
                                          len(rated), tied))
    has_pages = (select(Volume.case_id).join(Scan, Scan.volume_id == Volume.id)
                 .join(Page, Page.scan_id == Scan.id).where(Volume.case_id == Case.id).exists())
    base = visible_cases(actor).where(~has_pages)
    unscanned_total = s.scalar(select(func.count()).select_from(base.subquery())) or 0
    unscanned = list(s.scalars(base.order_by(Case.accepted_at.desc().nulls_last(), Case.id.desc()).limit(limit)))
    cases_total = s.scalar(select(func.count()).select_from(visible_cases(actor).subquery())) or 0
    return UnitHome(unit_name, open_total, by_grade, findings, due_soon, unscanned, unscanned_total,
                    cases_total, period_label, standings)


# --- corrections under review -------------------------------------------------------------

@dataclass
class CorrectionFilter:
    """The corrections list's filters, as kept in the URL."""

    state: str = "proposed"  # "" for every state
    unit_id: int | None = None
    q: str = ""  # case number or name


@dataclass
class CorrectionRow:
    correction: Any
    document: Document
    volume: Volume
    case: Case
    position: int  # where the field was read (else the document's first page)
    machine: Any  # the machine's reading, None when it read nothing


def correction_list(actor: Actor, f: CorrectionFilter, *, page: int = 1,
                    per_page: int = 50) -> tuple[list[CorrectionRow], int]:
    """Corrections of the units ``actor`` sees, newest first, with a true total."""
    from ecase.access import filter_units
    from ecase.models import DocumentField, FieldCorrection

    require(actor, "case.view")
    s = db.session()
    q = (select(FieldCorrection, Document, Volume, Case)
         .join(Document, Document.id == FieldCorrection.document_id)
         .join(VolumeVersion, VolumeVersion.id == Document.version_id)
         .join(Volume, Volume.id == VolumeVersion.volume_id)
         .join(Case, Case.id == Volume.case_id))
    q = filter_units(q, Case.unit_id, actor)
    if f.state:
        q = q.where(FieldCorrection.state == f.state)
    if f.unit_id:
        q = q.where(Case.unit_id == f.unit_id)
    if f.q:
        like = f"%{f.q}%"
        q = q.where(Case.case_no.like(like) | Case.name.like(like))
    total = s.scalar(select(func.count()).select_from(q.order_by(None).subquery())) or 0
    rows = s.execute(q.order_by(FieldCorrection.id.desc()).limit(per_page)
                     .offset((max(page, 1) - 1) * per_page)).all()
    fields = {}
    if rows:
        doc_ids = {d.id for _, d, _, _ in rows}
        for fld in s.scalars(select(DocumentField).where(DocumentField.document_id.in_(doc_ids))):
            fields.setdefault((fld.document_id, fld.name), fld)
    out = []
    for corr, doc, vol, case in rows:
        fld = fields.get((doc.id, corr.name))
        position = doc.first_position
        if fld is not None and fld.page_id is not None:
            at = s.scalar(select(VolumePage.position).where(VolumePage.version_id == doc.version_id,
                                                            VolumePage.page_id == fld.page_id))
            position = at or position
        out.append(CorrectionRow(corr, doc, vol, case, position, fld.value if fld is not None else None))
    return out, total


def pending_count(actor: Actor) -> int:
    rows, total = correction_list(actor, CorrectionFilter(), per_page=1)
    return total


def field_reviews(document: Document) -> dict[str, dict[str, Any]]:
    """Per field of ``document``: its proposals awaiting review (``pending``) and the last
    rejection made after the value shown took effect (``rejected``), for the viewer."""
    out: dict[str, dict[str, Any]] = {}
    shown_at: dict[str, Any] = {}
    for c in document.corrections:
        shown_at[c.name] = c.reviewed_at or c.corrected_at
    for c in document.all_corrections:
        entry = out.setdefault(c.name, {"pending": [], "rejected": None})
        if c.state == "proposed":
            entry["pending"].append(c)
        elif c.state == "rejected" and (c.name not in shown_at or (c.reviewed_at and c.reviewed_at > shown_at[c.name])):
            entry["rejected"] = c
    return out
