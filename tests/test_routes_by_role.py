"""Every registered route, every method, every role, own unit and foreign unit: no leaks.

The routes are discovered from ``app.url_map`` at run time, so a route added by any area
later is walked too. Each URL parameter is filled from ``PARAMS`` (and ``PARAMS_BY_AREA``
where one name means different objects in different areas); a parameter name missing
from both fails the test loudly, so a new route cannot slip through untested — add a
line there and create the object in :func:`build_world`.

Two units each have a case with a volume, a version, pages with stored images,
recognised documents with fields, jobs, an export, a user with an API token. Acting as
a clerk or a unit leader of unit A:
- a URL naming unit B's object must answer 403 or 404 (never 2xx/3xx, never 5xx);
- no response to any request (lists, searches, counts, JSON, errors) may contain one of
  B's distinctive strings (case number, case name, page text, field values).
A unit leader's writes in the case areas are refused too. Reviewers and admins see every unit; for them the walk checks that nothing fails with
5xx, and that B's strings *are* visible (a positive control: the markers are findable,
so the leak check can fail).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect as sa_inspect

from ecase import db
from ecase.models import (
    ApiToken,
    Case,
    Document,
    DocumentField,
    Job,
    Page,
    Scan,
    Unit,
    User,
    Volume,
    VolumePage,
    VolumeVersion,
)

#: dossiers.page_thumb leaves the blob's file to the garbage collector (PIL does not close a
#: file object it was handed); that is not an access question, so it does not fail this walk.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

ROLES = ("clerk", "leader", "reviewer", "admin")
UNIT_SCOPED = ("clerk", "leader")
#: areas where a unit leader may read but never write (ecase.access gives leaders only
#: view rights there); supervision is not listed: leaders reply to findings.
LEADER_READ_ONLY_AREAS = {"dossiers", "intake", "exports", "search_views", "ledger_views", "audit"}
#: endpoints any anonymous visitor may reach (everything else must redirect or say 401).
PUBLIC = {"static", "healthz", "accounts.login", "favicon"}  # favicon: a redirect to static/favicon.svg
SEARCH_WORD = {"A": "向日葵仓库", "B": "紫罗兰仓库"}


@dataclass
class Side:
    """One unit's objects (as plain ids: views may end the shared session) and the
    strings that must never leak out of it."""

    unit_id: int
    user_id: int
    case_id: int
    case_no: str
    volume_id: int
    version_id: int
    page_id: int
    scan_id: int
    document_id: int
    ingest_job_id: int
    export_job_id: int
    token_id: int
    markers: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # ids of other areas' objects


def _png(seed: int) -> bytes:
    from PIL import Image

    img = Image.new("L", (16, 20), color=seed % 256)
    img.putpixel((seed % 16, seed % 20), 255 - seed % 256)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _set(obj: Any, **values: Any) -> None:
    """Set only the columns the model has (other areas may add more later)."""
    cols = set(sa_inspect(type(obj)).columns.keys())
    for k, v in values.items():
        if k in cols:
            setattr(obj, k, v)


def _side(label: str, unit_name: str, roles_users: bool) -> Side:
    from ecase.accounts.operations import create_user
    from ecase.blobs import store

    s = db.session()
    unit = Unit(name=unit_name)
    s.add(unit)
    s.flush()
    marker = f"ZQX{label}MARK"
    case_no = f"{label}-9913-{'FOREIGN' if label == 'B' else 'OWNCASE'}"
    case = Case(case_no=case_no, name=f"{label}单位机密案件{marker}", unit_id=unit.id,
                incident_no=f"{label}JJ20260001")
    s.add(case)
    s.flush()
    volume = Volume(case_id=case.id, kind="criminal_main", number=1)
    s.add(volume)
    s.flush()
    user, _ = create_user(f"owner_{label}", f"owner_{label}", unit, "clerk", "correct horse battery")
    scan = Scan(volume_id=volume.id, sha256="0" * 64, size=1, filename=f"{marker}.pdf",
                media_type="application/pdf", uploaded_by_id=user.id, page_count=2)
    s.add(scan)
    s.flush()
    pages = []
    for i in (1, 2):
        key = store().put_bytes(_png(i + (100 if label == "B" else 0))).key
        text = f"案发于{SEARCH_WORD[label]}，{label}单位页面文字{marker}P{i}。"
        page = Page(scan_id=scan.id, scan_index=i, original_key=key, original_media_type="image/png",
                    width=16, height=20, dpi=200, text=text, state="done",
                    ocr={"width": 16, "height": 20,
                         "words": [[f"{marker}P{i}", 0, 0, 10, 10, 90.0, 0]], "lines": []})
        s.add(page)
        pages.append(page)
    s.flush()
    version = VolumeVersion(volume_id=volume.id, number=1, reason="test", created_by_id=user.id)
    s.add(version)
    s.flush()
    for pos, page in enumerate(pages, 1):
        s.add(VolumePage(version_id=version.id, position=pos, page_id=page.id, label=str(pos)))
    document = Document(version_id=version.id, seq=1, type="acceptance_register", title="受案登记表",
                        first_position=1, last_position=2, confidence=0.9)
    s.add(document)
    s.flush()
    s.add(DocumentField(document_id=document.id, name="suspect_name", value=f"{label}嫌疑人{marker}",
                        page_id=pages[0].id, box=[0, 0, 10, 10], conf=90.0, raw=f"{marker}RAW"))
    ingest = Job(kind="ingest", state="done", scan_id=scan.id, volume_id=volume.id, total=2, done=2,
                 created_by_id=user.id)
    s.add(ingest)
    zip_key = store().put_bytes(f"PK fake export {marker}".encode()).key
    export = Job(kind="export", state="done", volume_id=volume.id, total=1, done=1,
                 created_by_id=user.id)
    _set(export, case_id=case.id, result_key=zip_key, message=f"export {marker}")
    s.add(export)
    from ecase.access import Actor
    from ecase.accounts.tokens import create_token

    token, _secret = create_token(Actor.of(user), user, f"token {marker}")
    s.flush()
    extra = _ledger_objects(label, marker, unit, case, user)
    markers = [marker, case_no, case.name, f"{label}嫌疑人", f"{label}单位页面文字"]
    return Side(unit.id, user.id, case.id, case.case_no, volume.id, version.id, pages[0].id, scan.id,
                document.id, ingest.id, export.id, token.id, markers, extra)


def _ledger_objects(label: str, marker: str, unit: Unit, case: Case, user: User) -> dict[str, Any]:
    """Ledger rows of this unit that the ledger pages could show (when that area exists)."""
    try:
        from ecase.models.ledgers import (
            CasePerson,
            ImportRun,
            Incident,
            IssuedDocument,
            Measure,
            OutsideDecision,
        )
    except ImportError:
        return {}
    from ecase.models._types import utcnow

    s = db.session()
    now = utcnow()
    case.accepted_at = now
    person = CasePerson(case_id=case.id, name=f"{label}嫌疑人{marker}")
    run = ImportRun(mode="all", state="done", files=[f"{marker}.xlsx"], user_id=user.id,
                    report=None)
    s.add_all([person, run])
    s.flush()
    decision = OutsideDecision(body="procuratorate", kind="arrest_approved", case_id=case.id,
                               unit_id=unit.id, person_id=person.id, decision_no=f"{label}检捕{marker}",
                               decided_at=now, result=marker, created_by_id=user.id)
    s.add_all([
        Incident(incident_no=f"{label}JJ20260001", reported_at=now, unit_id=unit.id, nature="criminal",
                 officer_names=f"{label}嫌疑人{marker}"),
        Measure(case_id=case.id, unit_id=unit.id, person_id=person.id, kind="detention",
                doc_no=f"{label}拘字{marker}", person_name=f"{label}嫌疑人{marker}", started_at=now),
        IssuedDocument(case_id=case.id, unit_id=unit.id, type="cancel_decision", title="撤销案件决定书",
                       doc_no=f"{label}撤字{marker}", issued_at=now, person_name=f"{label}嫌疑人{marker}"),
        decision,
    ])
    s.flush()
    ids = {"decision_id": decision.id, "run_id": run.id}
    try:
        from ecase.models.supervision import Finding
    except ImportError:
        return ids
    finding = Finding(key=f"test:{marker}", rule="detention_overdue", grade="red", state="open",
                      unit_id=unit.id, case_id=case.id, case_no=case.case_no,
                      lead_officer=f"{label}嫌疑人{marker}", detail=f"{label}单位页面文字{marker}",
                      first_found_on=now.date(), last_seen_on=now.date())
    s.add(finding)
    s.flush()
    ids["finding_id"] = finding.id
    from ecase.blobs import store
    from ecase.models.supervision import Bulletin

    file_key = store().put_bytes(f"bulletin of {marker} {case.case_no}".encode()).key
    bulletin = Bulletin(kind="monthly", period="2026-10", year=2026, serial=1 if label == "A" else 2,
                        number=f"{label}通报{marker}", unit_id=unit.id, pdf_key=file_key,
                        xlsx_key=file_key, created_by_id=user.id)
    s.add(bulletin)
    s.flush()
    ids["bulletin_id"] = bulletin.id
    import datetime as dt

    from ecase.models.supervision import Recommendation

    rec = Recommendation(year=2026, serial=1 if label == "A" else 2, number=f"{label}建议{marker}",
                         unit_id=unit.id, addressee=f"{unit.name}", body=f"{label}单位页面文字{marker}",
                         reply_due_on=now.date() + dt.timedelta(days=10), issued_by_id=user.id)
    s.add(rec)
    s.flush()
    ids["rec_id"] = rec.id
    return ids


def build_world() -> dict[str, Any]:
    from ecase.accounts.operations import create_user

    a = _side("A", "天桥派出所", True)
    b = _side("B", "历下派出所", False)
    unit_a = db.session().get(Unit, a.unit_id)
    users = {role: create_user(f"walker_{role}", f"walker_{role}", unit_a, role,
                               "correct horse battery")[0].id for role in ROLES}
    db.session().commit()
    try:
        from ecase.search_views.indexing import index_volume_now
    except ImportError:  # no search area in this tree
        pass
    else:
        for side in (a, b):
            index_volume_now(db.session().get(Volume, side.volume_id))
    return {"A": a, "B": b, "users": users}


#: URL parameter name -> how to fill it from a side.
PARAMS: dict[str, Callable[[Side], Any]] = {
    "case_id": lambda s: s.case_id,
    "volume_id": lambda s: s.volume_id,
    "version_id": lambda s: s.version_id,
    "page_id": lambda s: s.page_id,
    "scan_id": lambda s: s.scan_id,
    "document_id": lambda s: s.document_id,
    "job_id": lambda s: s.ingest_job_id,
    "export_id": lambda s: s.export_job_id,
    "position": lambda s: 1,
    "user_id": lambda s: s.user_id,
    "token_id": lambda s: s.token_id,
    "decision_id": lambda s: s.extra["decision_id"],
    "run_id": lambda s: s.extra["run_id"],
    "finding_id": lambda s: s.extra["finding_id"],
    "bulletin_id": lambda s: s.extra["bulletin_id"],
    "rec_id": lambda s: s.extra["rec_id"],
    "fmt": lambda s: ["pdf", "xlsx"],
    "code": lambda s: ledger_codes(),
}
#: (blueprint, parameter name) -> filler, where an area gives a name its own meaning.
PARAMS_BY_AREA: dict[tuple[str, str], Callable[[Side], Any]] = {
    ("exports", "job_id"): lambda s: s.export_job_id,
}
#: parameters that do not name an object of a unit (a foreign value changes nothing).
UNSCOPED_PARAMS = {"position", "code", "fmt"}


def ledger_codes() -> list[str]:
    """One ledger of each record type (a list: the walk visits each)."""
    from ecase.ledger_views.queries import ledgers

    by_record: dict[str, str] = {}
    for code, led in ledgers().items():
        by_record.setdefault(led.record, code)
    return sorted(by_record.values())


def fill(rule: Any, side: Side) -> list[dict[str, Any]]:
    """Every combination of URL values to visit for ``rule`` (a filler may give a list)."""
    import itertools

    blueprint = rule.endpoint.partition(".")[0]
    names, choices = [], []
    for name in sorted(rule.arguments):
        filler = PARAMS_BY_AREA.get((blueprint, name)) or PARAMS.get(name)
        if filler is None:
            pytest.fail(f"route {rule.rule} ({rule.endpoint}) has URL parameter <{name}> that "
                        f"tests/test_routes_by_role.py does not know: add it to PARAMS and make "
                        f"the object in build_world()", pytrace=False)
        value = filler(side)
        names.append(name)
        choices.append(value if isinstance(value, list) else [value])
    return [dict(zip(names, combo)) for combo in itertools.product(*choices)]


def routes(app: Flask) -> list[tuple[Any, str]]:
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((rule, method))
    return out


def act_as(client: FlaskClient, user_id: int | None) -> None:
    """(Re)log in before each request: the walk itself posts to /logout and resets passwords."""
    from ecase.accounts.testing import stamp_session

    with client.session_transaction() as sess:
        sess.clear()
        if user_id is not None:
            user = db.session().get(User, user_id)
            db.session().refresh(user)
            stamp_session(sess, user)


def _form(side: Side) -> dict[str, Any]:
    """A plausible body for any POST, naming the side's objects."""
    return {"case_no": side.case_no, "volume_kind": "criminal_main", "volume_no": "1",
            "name": "suspect_name", "value": "x", "starts": "1 acceptance_register", "order": "2,1",
            "file": (io.BytesIO(_png(7)), "scan.png")}


def _queries(rule: Any, method: str, side_label: str) -> list[dict[str, str]]:
    if method != "GET":
        return [{}]
    if rule.arguments:
        return [{}, {"version": "1"}]
    word = SEARCH_WORD[side_label]
    return [{}, {"q": word}, {"q": f"{side_label}-9913"}, {"q": word, "format": "json"}]


def _visits(rule: Any, method: str, side: Side, label: str) -> list[tuple[dict[str, Any], dict[str, str]]]:
    return [(v, q) for v in fill(rule, side) for q in _queries(rule, method, label)]


def request(client: FlaskClient, rule: Any, method: str, url_values: dict[str, Any],
            query: dict[str, str], side: Side, extra_headers: dict[str, str] | None = None) -> Any:
    from werkzeug.routing import BuildError

    adapter = client.application.url_map.bind("localhost")
    try:
        url = adapter.build(rule.endpoint, {**url_values, **query}, method=method)
    except BuildError as e:  # pragma: no cover - a rule that cannot be built is a bug here
        pytest.fail(f"cannot build {rule.endpoint}: {e}")
    kwargs: dict[str, Any] = {"method": method, "headers": extra_headers or {}}
    if method in ("POST", "PUT", "PATCH"):
        kwargs["data"] = _form(side)
        kwargs["content_type"] = "multipart/form-data"
    try:
        resp = client.open(url, **kwargs)
    except Exception as e:  # TESTING propagates exceptions: report them as server errors
        return 599, repr(e).encode(), url
    body = resp.get_data()
    resp.close()
    return resp.status_code, body, url


def _found(body: bytes, markers: list[str]) -> list[str]:
    text = body.decode("utf-8", "replace")
    try:  # JSON with \u escapes
        text += json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        pass
    return [m for m in markers if m in text]


@pytest.mark.parametrize("role", ROLES)
def test_every_route_every_method(app: Flask, role: str) -> None:
    world = build_world()
    own: Side = world["A"]
    foreign: Side = world["B"]
    user_id = world["users"][role]
    client = app.test_client()
    problems: list[str] = []
    seen_foreign: list[str] = []
    walked = 0
    for side_label, side in (("B", foreign), ("A", own)):
        for rule, method in routes(app):
            for values, query in _visits(rule, method, side, side_label):
                act_as(client, user_id)
                status, body, url = request(client, rule, method, values, query, side)
                walked += 1
                where = f"{role} {method} {url} -> {status}"
                if status >= 500:
                    problems.append(f"{where}: server error {body[:200]!r}")
                leaked = _found(body, foreign.markers)
                if role in UNIT_SCOPED:
                    if leaked:
                        problems.append(f"{where}: shows unit B's {leaked}")
                    scoped = set(rule.arguments) - UNSCOPED_PARAMS
                    if side_label == "B" and scoped and status not in (403, 404):
                        problems.append(f"{where}: a foreign object must answer 403/404")
                elif leaked:
                    seen_foreign.append(where)
                area = rule.endpoint.partition(".")[0]
                if (role == "leader" and method != "GET" and area in LEADER_READ_ONLY_AREAS
                        and status not in (403, 404)):
                    problems.append(f"{where}: a unit leader changes nothing here")
    assert walked > 20
    assert not problems, "\n".join(problems)
    if role not in UNIT_SCOPED:
        # positive control: the markers are findable where B's data may be shown
        assert seen_foreign, "reviewer/admin never saw unit B's markers: the leak check is blind"


def test_foreign_api_token_has_only_its_owners_rights(app: Flask) -> None:
    """A unit-B clerk's token walks every GET route of unit A's objects: all refused."""
    from ecase.accounts.tokens import create_token
    from ecase.access import Actor

    world = build_world()
    own: Side = world["A"]
    foreign_user = db.session().get(User, world["B"].user_id)
    _t, secret = create_token(Actor.of(foreign_user), foreign_user, "walker")
    db.session().commit()
    client = app.test_client()
    problems = []
    for rule, method in routes(app):
        if method != "GET" or not (set(rule.arguments) - UNSCOPED_PARAMS):
            continue
        for values in fill(rule, own):
            status, body, url = request(client, rule, method, values, {}, own,
                                        {"Authorization": f"Bearer {secret}"})
            if status not in (403, 404) or _found(body, own.markers):
                problems.append(f"token of unit B: GET {url} -> {status} {body[:150]!r}")
    assert not problems, "\n".join(problems)


def test_anonymous_sees_nothing(app: Flask) -> None:
    world = build_world()
    client = app.test_client()
    markers = world["A"].markers + world["B"].markers
    problems = []
    for rule, method in routes(app):
        for label in ("A", "B"):
            for values, query in _visits(rule, method, world[label], label):
                act_as(client, None)
                status, body, url = request(client, rule, method, values, query,
                                            world[label], {"Accept": "text/html"})
                if _found(body, markers):
                    problems.append(f"anonymous {method} {url} -> {status} shows case data")
                if rule.endpoint in PUBLIC or status >= 500:
                    if status >= 500:
                        problems.append(f"anonymous {method} {url} -> {status}")
                    continue
                if method == "GET" and status not in (302, 401):
                    problems.append(f"anonymous {method} {url} -> {status}: must log in first")
                if method != "GET" and status not in (302, 400, 401):
                    problems.append(f"anonymous {method} {url} -> {status}: must be refused")
    assert not problems, "\n".join(problems)


def test_the_favicon_is_the_static_svg(app: Flask) -> None:
    """/favicon.ico (asked for by browsers where no page names an icon) leads to the icon
    the pages name, which is served as SVG to anybody."""
    client = app.test_client()
    r = client.get("/favicon.ico")
    assert r.status_code == 301 and r.location.endswith("/static/favicon.svg")
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data


def test_unknown_parameter_fails_loudly(app: Flask) -> None:
    """A route with a parameter the table does not know makes the walk fail."""
    from werkzeug.routing import Rule

    rule = Rule("/widgets/<int:widget_id>", endpoint="widgets.show")
    rule.bind(app.url_map, rebind=True)
    with pytest.raises(pytest.fail.Exception, match="widget_id"):
        fill(rule, None)  # type: ignore[arg-type]
