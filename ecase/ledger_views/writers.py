"""Per-kind batch writers of the importer: parsed rows -> Core INSERT/UPDATE + history.

Each writer turns a parsed row into the table's column values (resolving units, officers,
cases and people), then ``flush`` does one SELECT of the batch's keys, one executemany
INSERT for new records and one executemany UPDATE for changed ones, and writes what
changed to ``record_history``. Only the fields present in the file are compared and
written: an export without a column leaves that field alone.
"""

from __future__ import annotations

import datetime as dt
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, Table, bindparam, select, tuple_

from ecase.models import Case, CaseOfficer
from ecase.models._types import UTCDateTime
from ecase.models.ledgers import (
    CaseAreaRecord,
    CasePerson,
    Incident,
    IssuedDocument,
    Measure,
    OutsideDecision,
    RecordHistory,
)
from ledgers.rows import ParsedRow

if TYPE_CHECKING:
    from ecase.ledger_views.importing import FileState, Importer


def _json(v: Any) -> Any:
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat(sep=" ") if isinstance(v, dt.datetime) else v.isoformat()
    if isinstance(v, (set, frozenset, tuple)):
        return sorted(v)
    return v


def bulk_insert(s: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows with the statement compiled once and the column types' own bind
    processors applied here, straight to the driver's executemany (SQLAlchemy's per-row
    parameter handling costs more than SQLite's insert). Falls back to Core when the
    compiled statement wants parameters the rows do not have."""
    if not rows:
        return
    conn = s.connection()
    dialect = conn.dialect
    cols = list(rows[0])
    compiled = table.insert().compile(dialect=dialect, column_keys=cols)
    names = list(compiled.positiontup or []) if compiled.positional else list(compiled.binds)
    if set(names) != set(cols):
        conn.execute(table.insert(), rows)
        return
    procs = [(i, p) for i, n in enumerate(names) if (p := _processor(table.c[n].type, dialect))]
    getter = itemgetter(*names)
    params: list[Any] = []
    for r in rows:
        values = list(getter(r)) if len(names) > 1 else [r[names[0]]]
        for i, p in procs:
            values[i] = p(values[i])
        params.append(tuple(values))
    if not compiled.positional:
        params = [dict(zip(names, v)) for v in params]
    conn.exec_driver_sql(compiled.string, params)


def _sqlite_datetime(value: dt.datetime | None) -> str | None:
    """What SQLAlchemy's SQLite DATETIME stores (``2018-01-15 02:30:00.000000``), faster."""
    return None if value is None else value.isoformat(" ", "microseconds")


def _processor(type_: Any, dialect: Any) -> Any:
    if dialect.name == "sqlite" and isinstance(type_, (DateTime, UTCDateTime)):
        return _sqlite_datetime
    return type_.dialect_impl(dialect).bind_processor(dialect)


class Writer:
    """Shared batch logic; subclasses say how a row becomes column values."""

    report_kind = ""
    record_kind = ""
    table: Table
    key_columns: tuple[str, ...] = ()
    key_header = ""
    needs_ids = False  # whether ``after`` needs the ids of new records

    def __init__(self, imp: Importer, fs: FileState, columns: dict[int, str]) -> None:
        self.imp = imp
        self.fs = fs
        self.fields = set(columns.values())
        self.header = {f: imp.mapping.header_of(fs.kinds[-1], f) for f in self.fields}

    def values(self, p: ParsedRow) -> dict[str, Any] | None:
        raise NotImplementedError

    def prepare(self, batch: list[ParsedRow]) -> None:
        """Batch-wide lookups before ``values`` runs row by row."""

    def after(self, ids: dict[tuple[Any, ...], int], rows: list[tuple[ParsedRow, dict[str, Any]]]) -> None:
        """Work on related tables once every row of the batch has an id."""

    def flush(self, batch: list[ParsedRow]) -> None:
        imp, fs, s = self.imp, self.fs, self.imp.s
        self.prepare(batch)
        rows: list[tuple[ParsedRow, dict[str, Any]]] = []
        for p in batch:
            vals = self.values(p)
            if vals is None:
                continue
            key = tuple(vals[c] for c in self.key_columns)
            if fs.duplicate(self.report_kind, key):
                fs.error(p.row_no, self.key_header,
                         f"{self.key_header} {'/'.join(map(str, key))} 在本文件中重复出现，此行未导入")
                continue
            rows.append((p, vals))
        if not rows:
            return
        t = self.table
        keys = [tuple(v[c] for c in self.key_columns) for _, v in rows]
        compare = [c for c in rows[0][1] if c not in self.key_columns and not c.startswith("_")]
        hidden = [c for c in rows[0][1] if c.startswith("_")]
        cols = [t.c.id, t.c.origin, *[t.c[c] for c in self.key_columns], *[t.c[c] for c in compare]]
        existing: dict[tuple[Any, ...], Any] = {}
        key_expr = t.c[self.key_columns[0]] if len(self.key_columns) == 1 else tuple_(
            *[t.c[c] for c in self.key_columns])
        in_keys = [k[0] for k in keys] if len(self.key_columns) == 1 else keys
        for chunk in range(0, len(in_keys), 500):
            for r in s.execute(select(*cols).where(key_expr.in_(in_keys[chunk:chunk + 500]))):
                existing[tuple(r._mapping[c] for c in self.key_columns)] = r
        now = imp.now
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        ids: dict[tuple[Any, ...], int] = {}
        for (p, vals), key in zip(rows, keys):
            old = existing.get(key)
            plain = {c: v for c, v in vals.items() if c not in hidden} if hidden else vals
            if old is None:
                inserts.append({**plain, **self.new_extra(now)})
                continue
            ids[key] = old.id
            if old.origin == "supplementary":
                fs.unchanged[self.report_kind] += 1  # a reviewer's entry wins
                continue
            changes = {c: [_json(old._mapping[c]), _json(plain[c])] for c in compare
                       if old._mapping[c] != plain[c]}
            if old.origin != "system":
                changes["origin"] = [old.origin, "system"]
            changes.update(self.related_changes(old.id, vals))
            if not changes:
                fs.unchanged[self.report_kind] += 1
                continue
            fs.updated[self.report_kind] += 1
            updates.append({"b_id": old.id, **{f"b_{c}": plain[c] for c in compare},
                            "b_origin": "system", **self.update_extra(now)})
            history.append({"record_kind": self.record_kind, "record_id": old.id, "action": "update",
                            "changes": changes, "import_run_id": imp.run_id, "at": now})
        if inserts:
            bulk_insert(s, t, inserts)
            fs.new[self.report_kind] += len(inserts)
        if inserts and self.needs_ids:
            new_keys = [tuple(r[c] for c in self.key_columns) for r in inserts]
            in_new = [k[0] for k in new_keys] if len(self.key_columns) == 1 else new_keys
            for chunk in range(0, len(in_new), 500):
                for r in s.execute(select(t.c.id, *[t.c[c] for c in self.key_columns])
                                   .where(key_expr.in_(in_new[chunk:chunk + 500]))):
                    ids[tuple(r[1:])] = r[0]
        if updates:
            extra = list(self.update_extra(now))
            stmt = t.update().where(t.c.id == bindparam("b_id")).values(
                {c: bindparam(f"b_{c}") for c in [*compare, "origin"]},
                **{c: bindparam(c) for c in extra})
            s.execute(stmt, updates)
        if history:
            s.execute(RecordHistory.__table__.insert(), history)  # JSON column: let Core serialise
            self.changed(history)
        self.after(ids, rows)

    def new_extra(self, now: dt.datetime) -> dict[str, Any]:
        return {"origin": "system", "created_run_id": self.imp.run_id, "updated_at": now}

    def changed(self, history: list[dict[str, Any]]) -> None:
        """Follow-up of updated records (``history`` rows of this batch)."""

    def update_extra(self, now: dt.datetime) -> dict[str, Any]:
        return {"updated_at": now}

    def related_changes(self, record_id: int, vals: dict[str, Any]) -> dict[str, Any]:
        return {}

    # helpers
    def unit(self, p: ParsedRow) -> int | None:
        return self.imp.unit_id(p.values["unit"], self.fs, p.row_no, self.header["unit"])


class IncidentWriter(Writer):
    report_kind = record_kind = "incidents"
    table = Incident.__table__  # type: ignore[assignment]
    key_columns = ("incident_no",)
    key_header = "警情编号"

    def values(self, p: ParsedRow) -> dict[str, Any] | None:
        v = p.values
        unit_id = self.unit(p)
        if unit_id is None:
            return None
        out: dict[str, Any] = {"incident_no": v["incident_no"], "unit_id": unit_id}
        for f in ("reported_at", "nature", "disposal", "disposed_at", "av_uploaded"):
            if f in self.fields:
                out[f] = v.get(f)
        if "officers" in self.fields:
            names = v.get("officers") or []
            out["officer_id"] = self.imp.officer_id(names[0] if names else None, unit_id)
            out["officer_names"] = "、".join(names)[:200] or None
        return out


class CaseWriter(Writer):
    report_kind = "cases"
    record_kind = "cases"
    table = Case.__table__  # type: ignore[assignment]
    key_columns = ("case_no",)
    key_header = "案件编号"

    def __init__(self, *a: Any) -> None:
        super().__init__(*a)
        self._links: dict[int, set[int]] = {}
        self.needs_ids = "officers" in self.fields

    def values(self, p: ParsedRow) -> dict[str, Any] | None:
        v = p.values
        unit_id = self.unit(p)
        if unit_id is None:
            return None
        out: dict[str, Any] = {"case_no": v["case_no"], "unit_id": unit_id}
        for f in ("name", "kind", "incident_no", "source", "accepted_at", "acceptance_doc_no",
                  "filed_at", "filing_doc_no", "no_filing_at", "closed_at"):
            if f in self.fields:
                out[f] = v.get(f)
        if "lead_officer" in self.fields:
            out["lead_officer_id"] = self.imp.officer_id(v.get("lead_officer"), unit_id)
        if "officers" in self.fields:
            out["_officers"] = frozenset(self.imp.officer_id(n, unit_id) for n in v.get("officers") or [])
        return out

    def prepare(self, batch: list[ParsedRow]) -> None:
        self._links = {}
        if "officers" not in self.fields:
            return
        nos = [p.values["case_no"] for p in batch]
        q = (select(CaseOfficer.case_id, CaseOfficer.officer_id)
             .join(Case, Case.id == CaseOfficer.case_id).where(Case.case_no.in_(nos)))
        for case_id, officer_id in self.imp.s.execute(q):
            self._links.setdefault(case_id, set()).add(officer_id)

    def related_changes(self, record_id: int, vals: dict[str, Any]) -> dict[str, Any]:
        if "_officers" not in vals:
            return {}
        old = self._links.get(record_id, set())
        if old == set(vals["_officers"]):
            return {}
        return {"officers": [sorted(old), sorted(vals["_officers"])]}

    def new_extra(self, now: dt.datetime) -> dict[str, Any]:
        return {"origin": "system", "created_at": now}

    def changed(self, history: list[dict[str, Any]]) -> None:
        """A case moved to another unit takes its measures, documents, decisions and
        case-area records along (their ``unit_id`` is a copy for filtering)."""
        for h in history:
            if "unit_id" in h["changes"]:
                new_unit = h["changes"]["unit_id"][1]
                for model in (Measure, IssuedDocument, CaseAreaRecord, OutsideDecision):
                    t = model.__table__
                    self.imp.s.execute(t.update().where(t.c.case_id == h["record_id"]).values(unit_id=new_unit))

    def update_extra(self, now: dt.datetime) -> dict[str, Any]:
        return {}

    def after(self, ids: dict[tuple[Any, ...], int], rows: list[tuple[ParsedRow, dict[str, Any]]]) -> None:
        if "officers" not in self.fields:
            return
        t = CaseOfficer.__table__
        add: list[dict[str, int]] = []
        for _p, vals in rows:
            cid = ids.get((vals["case_no"],))
            if cid is None:
                continue
            want = set(vals["_officers"])
            have = self._links.get(cid, set())
            if want == have:
                continue
            gone = have - want
            if gone:
                self.imp.s.execute(t.delete().where(t.c.case_id == cid, t.c.officer_id.in_(gone)))
            add.extend({"case_id": cid, "officer_id": o} for o in want - have)
        if add:
            bulk_insert(self.imp.s, t, add)


class _CaseChild(Writer):
    """Records that belong to a case named by 案件编号 (measures, documents)."""

    def prepare(self, batch: list[ParsedRow]) -> None:
        nos = list({p.values["case_no"] for p in batch if p.values.get("case_no")})
        self.cases: dict[str, tuple[int, int]] = {}
        for i in range(0, len(nos), 500):
            for no, cid, uid in self.imp.s.execute(select(Case.case_no, Case.id, Case.unit_id)
                                                   .where(Case.case_no.in_(nos[i:i + 500]))):
                self.cases[no] = (cid, uid)
        ids = [c[0] for c in self.cases.values()]
        self.people: dict[tuple[int, str, str | None], int] = {}
        self.people_by_name: dict[tuple[int, str], int] = {}
        for i in range(0, len(ids), 500):
            for pid, cid, name, id_no in self.imp.s.execute(
                    select(CasePerson.id, CasePerson.case_id, CasePerson.name, CasePerson.id_no)
                    .where(CasePerson.case_id.in_(ids[i:i + 500]))):
                self.people[(cid, name, id_no)] = pid
                self.people_by_name.setdefault((cid, name), pid)

    def create_people(self, batch: list[ParsedRow]) -> None:
        """Insert the batch's people not known yet in one go (a measure names its person)."""
        want: dict[tuple[int, str, str | None], None] = {}
        for p in batch:
            v = p.values
            found = self.cases.get(v["case_no"])
            name = v.get("person_name")
            if found is None or not name:
                continue
            key = (found[0], name, v.get("person_id_no"))
            if key in self.people or (key[2] is None and (key[0], name) in self.people_by_name):
                continue
            want[key] = None
        if not want:
            return
        bulk_insert(self.imp.s, CasePerson.__table__, [
            {"case_id": cid, "role": "suspect", "name": name, "id_no": id_no, "origin": "system",
             "created_at": self.imp.now} for cid, name, id_no in want])
        self.fs.new["people"] += len(want)
        ids = list({k[0] for k in want})
        for i in range(0, len(ids), 500):
            for pid, cid, name, id_no in self.imp.s.execute(
                    select(CasePerson.id, CasePerson.case_id, CasePerson.name, CasePerson.id_no)
                    .where(CasePerson.case_id.in_(ids[i:i + 500]))):
                self.people.setdefault((cid, name, id_no), pid)
                self.people_by_name.setdefault((cid, name), pid)

    def case(self, p: ParsedRow) -> tuple[int, int] | None:
        no = p.values["case_no"]
        found = self.cases.get(no)
        if found is None:
            self.fs.error(p.row_no, self.header["case_no"], f"案件编号 {no} 不存在（请先导入案件）")
        return found

    def person(self, case_id: int, name: str | None, id_no: str | None, *, create: bool) -> int | None:
        if not name:
            return None
        pid = self.people.get((case_id, name, id_no))
        if pid is None and id_no is None:
            pid = self.people_by_name.get((case_id, name))
        if pid is None and create:
            pid = self.imp.s.execute(CasePerson.__table__.insert().values(
                case_id=case_id, role="suspect", name=name, id_no=id_no, origin="system",
                created_at=self.imp.now).returning(CasePerson.__table__.c.id)).scalar_one()
            self.people[(case_id, name, id_no)] = pid
            self.people_by_name.setdefault((case_id, name), pid)
            self.fs.new["people"] += 1
        return pid


class MeasureWriter(_CaseChild):
    report_kind = record_kind = "measures"
    table = Measure.__table__  # type: ignore[assignment]
    key_columns = ("kind", "doc_no")
    key_header = "文书文号"

    def prepare(self, batch: list[ParsedRow]) -> None:
        super().prepare(batch)
        if "person_name" in self.fields:
            self.create_people(batch)

    def values(self, p: ParsedRow) -> dict[str, Any] | None:
        v = p.values
        case = self.case(p)
        if case is None:
            return None
        out: dict[str, Any] = {"kind": v["kind"], "doc_no": v["doc_no"], "case_id": case[0],
                               "unit_id": case[1]}
        for f in ("person_name", "person_id_no", "started_at", "ended_at", "end_doc_no"):
            if f in self.fields:
                out[f] = v.get(f)
        if "person_name" in self.fields:
            out["person_id"] = self.person(case[0], v.get("person_name"), v.get("person_id_no"),
                                           create=True)
        return out


class DocumentWriter(_CaseChild):
    report_kind = "documents"
    record_kind = "documents"
    table = IssuedDocument.__table__  # type: ignore[assignment]
    key_columns = ("type", "doc_no")
    key_header = "文号"

    def values(self, p: ParsedRow) -> dict[str, Any] | None:
        v = p.values
        case = self.case(p)
        if case is None:
            return None
        type_, title = v["title"]
        out: dict[str, Any] = {"type": type_, "doc_no": v["doc_no"], "title": title,
                               "case_id": case[0], "unit_id": case[1]}
        if "issued_at" in self.fields:
            out["issued_at"] = v.get("issued_at")
        if "person_name" in self.fields:
            out["person_name"] = v.get("person_name")
            out["person_id"] = self.person(case[0], v.get("person_name"), None, create=False)
        return out


class CaseAreaWriter(Writer):
    report_kind = "case_area"
    record_kind = "case_area"
    table = CaseAreaRecord.__table__  # type: ignore[assignment]
    key_columns = ("record_no",)
    key_header = "记录编号"

    def prepare(self, batch: list[ParsedRow]) -> None:
        nos = list({p.values["case_no"] for p in batch if p.values.get("case_no")})
        self.cases = dict(self.imp.s.execute(select(Case.case_no, Case.id).where(Case.case_no.in_(nos))).all()) \
            if nos else {}

    def values(self, p: ParsedRow) -> dict[str, Any] | None:
        v = p.values
        unit_id = self.unit(p)
        if unit_id is None:
            return None
        out: dict[str, Any] = {"record_no": v["record_no"], "unit_id": unit_id}
        for f in ("entered_at", "av_uploaded"):
            if f in self.fields:
                out[f] = v.get(f)
        if "case_no" in self.fields:
            out["case_no"] = v.get("case_no")
            out["case_id"] = self.cases.get(v.get("case_no"))
        return out


HANDLERS: dict[str, type[Writer]] = {
    "incidents": IncidentWriter, "cases": CaseWriter, "measures": MeasureWriter,
    "documents": DocumentWriter, "case_area": CaseAreaWriter,
}
