"""A made-up district bureau: units, officers, a year of incidents and cases with their
measures, documents and outside decisions — including the late and the missing ones a
real bureau has (a disposal past 24 hours, a filing past 30 days, a receipt never issued,
a bail left open past its year).

Synthetic names and ID numbers only. Everything is a deterministic function of ``seed``
and the end date, and is produced lazily, so a million incidents stream to disk in
bounded memory.

- :func:`make_bureau` — units and officers;
- :func:`iter_incidents` / :func:`iter_cases` — records as dicts of field values (the
  fields of ``ledgers.mapping``; times naive Beijing), each case carrying its measures,
  documents, case-area records and outside decisions;
- :func:`write_exports` — the system exports as CSV (UTF-8 or GB18030) or XLSX (Excel
  date cells), with the default Chinese headers.

Pure generation: no database and nothing of ``ecase`` (``ecase.demo.load_bureau`` puts a
bureau straight into an ecase database).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ledgers.mapping import DEFAULT_HEADERS, KINDS
from ledgers.rows import CASE_KINDS, MEASURE_KINDS, NATURES

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志新海波宁晓东雪梅俊峰林斌辉鹏飞云龙凤琴宇浩然思远嘉欣子涵雨轩梓航诗琪"
STATIONS = ["泉城路派出所", "大明湖派出所", "千佛山派出所", "趵突泉派出所", "解放路派出所",
            "文化东路派出所", "甸柳派出所", "姚家派出所", "龙洞派出所", "燕山派出所",
            "舜华路派出所", "智远派出所", "东关派出所", "文东派出所", "建新派出所"]
BRIGADES = ["刑警大队", "治安大队", "经侦大队"]
CRIMES = ["盗窃", "诈骗", "故意伤害", "抢夺", "寻衅滋事", "非法拘禁", "掩饰隐瞒犯罪所得", "敲诈勒索"]
ADMIN = ["殴打他人", "盗窃", "扰乱公共秩序", "故意损毁财物", "赌博", "无证驾驶", "诈骗", "阻碍执行职务"]
SOURCES = [("报案", 55), ("110指令", 22), ("工作中发现", 10), ("扭送", 5), ("控告", 3), ("举报", 2),
           ("投案", 2), ("移送", 1)]
DISPOSALS = {"criminal": "转刑事案件", "administrative": "转行政案件", "dispute": "调解",
             "help": "救助", "other": "无效警情"}
#: documents some criminal / administrative cases have, given in turn so that every ledger
#: has rows even in a small bureau
CRIMINAL_EXTRAS = ["search_warrant", "seizure_decision", "property_list", "sealing_decision",
                   "freeze_notice", "wanted_notice", "cancel_decision", "release_notice",
                   "custody_extension"]
ADMIN_EXTRAS = ["admin_penalty_decision", "no_penalty_decision", "termination_decision",
                "admin_extension", "property_list"]
TITLES = {
    "acceptance_form": "受案登记表", "acceptance_receipt": "受案回执", "filing_decision": "立案决定书",
    "filing_notice": "立案告知书", "no_filing_notice": "不予立案通知书", "detention_warrant": "拘留证",
    "bail_decision": "取保候审决定书", "bail_release_decision": "解除取保候审决定书",
    "arrest_request": "提请批准逮捕书", "arrest_warrant": "逮捕证", "prosecution_opinion": "起诉意见书",
    "admin_penalty_decision": "行政处罚决定书", "cancel_decision": "撤销案件决定书",
    "release_notice": "释放通知书", "custody_extension": "提请批准延长侦查羁押期限意见书",
    "property_list": "扣押清单", "search_warrant": "搜查证", "seizure_decision": "扣押决定书",
    "sealing_decision": "查封决定书", "freeze_notice": "协助冻结财产通知书", "wanted_notice": "通缉令",
    "no_penalty_decision": "不予行政处罚决定书", "termination_decision": "终止案件调查决定书",
    "admin_extension": "延长办案期限审批表",
}
DOC_WORDS = {"acceptance_form": "受案字", "acceptance_receipt": "受案字", "filing_decision": "立字",
             "filing_notice": "立告字", "no_filing_notice": "不立字", "detention_warrant": "拘字",
             "bail_decision": "取保字", "bail_release_decision": "解保字", "arrest_request": "提捕字",
             "arrest_warrant": "捕字", "prosecution_opinion": "诉字", "admin_penalty_decision": "行罚决字"}
MEASURE_WORDS = {"detention": "拘字", "detention_extension": "延拘字", "bail": "取保字",
                 "surveillance": "监居字", "designated_surveillance": "指居字", "arrest": "捕字",
                 "admin_detention": "行拘字"}


@dataclass
class Bureau:
    """Units (name -> 12-digit code) and officers (unit name -> names) of a made-up bureau."""

    seed: int
    end: dt.date
    units: dict[str, str] = field(default_factory=dict)
    officers: dict[str, list[str]] = field(default_factory=dict)

    @property
    def start(self) -> dt.date:
        return self.end - dt.timedelta(days=365)


def make_bureau(seed: int = 1, *, units: int = 8, officers_per_unit: int = 8,
                end: dt.date | None = None) -> Bureau:
    rnd = random.Random(seed)
    end = end or dt.date.today()
    b = Bureau(seed, end)
    names = STATIONS[:max(1, units - len(BRIGADES))] + BRIGADES[:max(0, min(len(BRIGADES), units - 1))]
    used: set[str] = set()
    for i, unit in enumerate(names[:units]):
        b.units[unit] = f"370102{i + 1:02d}0000"
        people = []
        while len(people) < officers_per_unit:
            n = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))
            if n not in used:
                used.add(n)
                people.append(n)
        b.officers[unit] = people
    return b


def person_name(rnd: random.Random) -> str:
    return rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2))))


def id_number(rnd: random.Random, birth: dt.date) -> str:
    """A made-up 18-digit ID number with a valid check digit (region 370102, Jinan)."""
    body = f"370102{birth:%Y%m%d}{rnd.randrange(1000):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body, weights))
    return body + "10X98765432"[total % 11]


def _when(rnd: random.Random, b: Bureau, i: int, n: int) -> dt.datetime:
    """Spread ``n`` records over the bureau's year in order, at office-ish hours."""
    day = b.start + dt.timedelta(days=min(364, int(365 * i / max(1, n))))
    return dt.datetime(day.year, day.month, day.day, rnd.randrange(24), rnd.randrange(60))


def _cap(t: dt.datetime | None, b: Bureau) -> dt.datetime | None:
    """Nothing happens after the bureau's last day: later events are 'not yet'."""
    if t is None or t.date() > b.end:
        return None
    return t


def iter_incidents(b: Bureau, n: int) -> Iterator[dict[str, Any]]:
    rnd = random.Random(b.seed * 7919 + 1)
    units = list(b.units)
    natures = list(NATURES)
    for i in range(n):
        unit = units[i % len(units)] if rnd.random() < 0.3 else rnd.choice(units)
        at = _when(rnd, b, i, n)
        nature = rnd.choices(natures, weights=(25, 35, 25, 10, 5))[0]
        r = rnd.random()
        disposed = (None if r < 0.005 else at + dt.timedelta(hours=rnd.randrange(25, 96)) if r < 0.015
                    else at + dt.timedelta(minutes=rnd.randrange(5, 600)))
        yield {"incident_no": f"J{b.units[unit]}{at:%Y}{i + 1:07d}",
               "reported_at": at, "unit": unit, "nature": nature,
               "officers": rnd.sample(b.officers[unit], k=min(2, len(b.officers[unit]))),
               "disposal": DISPOSALS[nature] if disposed else None,
               "disposed_at": _cap(disposed, b), "av_uploaded": rnd.random() > 0.004}


def iter_cases(b: Bureau, n: int, *, incidents: int | None = None) -> Iterator[dict[str, Any]]:
    """Cases with ``measures``, ``documents``, ``case_area`` and ``decisions`` lists.
    With ``incidents`` (the count of :func:`iter_incidents`), cases point at incident
    numbers of that stream."""
    rnd = random.Random(b.seed * 104729 + 2)
    units = list(b.units)
    seq: dict[str, int] = {}
    n_crim = n_adm = 0

    def no(unit: str, word: str, at: dt.datetime) -> str:
        k = f"{unit}{word}{at.year}"
        seq[k] = seq.get(k, 0) + 1
        return f"济公{unit[:2]}{word}〔{at.year}〕{seq[k]:05d}号"

    for i in range(n):
        unit = rnd.choice(units)
        at = _when(rnd, b, i, n) + dt.timedelta(hours=rnd.randrange(1, 12))
        kind = "criminal" if rnd.random() < 0.4 else "administrative"
        crime = rnd.choice(CRIMES if kind == "criminal" else ADMIN)
        officers = rnd.sample(b.officers[unit], k=min(3, len(b.officers[unit])))
        source = rnd.choices([s for s, _ in SOURCES], weights=[w for _, w in SOURCES])[0]
        reported = source in ("报案", "控告", "举报", "扭送")
        suspect = person_name(rnd)
        birth = dt.date(rnd.randrange(1960, 2003), rnd.randrange(1, 13), rnd.randrange(1, 29))
        sid = id_number(rnd, birth)
        case_no = f"A{b.units[unit]}{at:%Y}{i + 1:06d}"
        inc_no = None  # "J-<index>": resolved to that incident's number by export_rows
        if incidents:
            j = min(incidents - 1, int(incidents * i / n))
            inc_no = None if rnd.random() < 0.1 else f"J-{j}"
        c: dict[str, Any] = {
            "case_no": case_no, "name": f"{suspect}{crime}案", "kind": kind, "unit": unit,
            "lead_officer": officers[0], "officers": officers[1:], "incident_no": inc_no,
            "source": source, "accepted_at": at, "acceptance_doc_no": no(unit, "受案字", at),
            "filed_at": None, "filing_doc_no": None, "no_filing_at": None, "closed_at": None,
            "measures": [], "documents": [], "case_area": [], "decisions": [],
            "suspect": suspect, "suspect_id_no": sid,
        }
        docs = c["documents"]

        def doc(type_: str, when: dt.datetime | None, who: str | None = None,
                number: str | None = None) -> None:
            when = _cap(when, b)
            if when is None:
                return
            docs.append({"case_no": case_no, "title": TITLES[type_],
                         "doc_no": number or no(unit, DOC_WORDS.get(type_, "字"), when),
                         "issued_at": when, "person_name": who})

        doc("acceptance_form", at, None, c["acceptance_doc_no"])
        if reported and rnd.random() > 0.03:  # 3% of receipts never issued
            doc("acceptance_receipt", at + dt.timedelta(minutes=30), "报案人", c["acceptance_doc_no"])
        ms = c["measures"]

        def measure(kind_: str, start: dt.datetime, end: dt.datetime | None) -> None:
            start_c = _cap(start, b)
            if start_c is None:
                return
            ms.append({"case_no": case_no, "kind": kind_, "person_name": suspect,
                       "person_id_no": sid, "doc_no": no(unit, MEASURE_WORDS[kind_], start),
                       "started_at": start_c, "ended_at": _cap(end, b),
                       "end_doc_no": no(unit, "解" + MEASURE_WORDS[kind_], end) if _cap(end, b) else None})

        if kind == "criminal":
            n_crim += 1
            r = rnd.random()
            if r < 0.1:
                c["no_filing_at"] = _cap(at + dt.timedelta(days=rnd.randrange(1, 6)), b)
                if reported and rnd.random() > 0.05:
                    doc("no_filing_notice", c["no_filing_at"] and c["no_filing_at"] + dt.timedelta(days=1),
                        "报案人")
            elif r < 0.97:
                late = rnd.random()
                days = rnd.randrange(31, 60) if late < 0.02 else rnd.randrange(8, 30) if late < 0.1 \
                    else rnd.randrange(0, 4)
                c["filed_at"] = _cap(at + dt.timedelta(days=days, hours=2), b)
                if c["filed_at"]:
                    c["filing_doc_no"] = no(unit, "立字", c["filed_at"])
                    doc("filing_decision", c["filed_at"], None, c["filing_doc_no"])
                    if reported and rnd.random() > 0.05:
                        doc("filing_notice", c["filed_at"] + dt.timedelta(days=1), "报案人")
            filed = c["filed_at"]
            if filed is not None and rnd.random() < 0.5:
                start = filed + dt.timedelta(hours=3)
                ext = rnd.random() < 0.3
                measure("detention", start, None)
                doc("detention_warrant", start, suspect)
                if ext:
                    measure("detention_extension", start + dt.timedelta(days=3), None)
                follow = rnd.choices(["arrest", "bail", "surveillance", "designated", "release"],
                                     weights=(35, 40, 8, 3, 14))[0]
                t = start + dt.timedelta(days=7 if ext else 3)
                if follow == "arrest":
                    doc("arrest_request", t - dt.timedelta(days=1), suspect)
                    approved = rnd.random() < 0.85
                    c["decisions"].append({"kind": "arrest_approved" if approved else "arrest_refused",
                                           "decided_at": t + dt.timedelta(days=6), "person": suspect,
                                           "decision_no": f"济检批捕〔{t.year}〕{n_crim:04d}号"})
                    if approved:
                        measure("arrest", t + dt.timedelta(days=6), None)
                        doc("arrest_warrant", t + dt.timedelta(days=6), suspect)
                elif follow == "bail":
                    long = rnd.random() < 0.08  # left open past its year
                    end = None if long or rnd.random() < 0.3 else t + dt.timedelta(days=rnd.randrange(30, 360))
                    measure("bail", t, end)
                    doc("bail_decision", t, suspect)
                    if end:
                        doc("bail_release_decision", end, suspect)
                elif follow == "surveillance":
                    measure("surveillance", t, None if rnd.random() < 0.5 else t + dt.timedelta(days=150))
                elif follow == "designated":
                    measure("designated_surveillance", t, t + dt.timedelta(days=60))
                else:
                    doc("release_notice", t, suspect)
                if rnd.random() < 0.4:
                    doc("prosecution_opinion", t + dt.timedelta(days=40), suspect)
                    c["decisions"].append({"kind": ["prosecuted", "not_prosecuted", "returned"][n_crim % 3],
                                           "decided_at": t + dt.timedelta(days=70), "person": suspect,
                                           "decision_no": f"济检诉〔{t.year}〕{n_crim:04d}号"})
                    if n_crim % 3 == 0:
                        c["decisions"].append({"kind": "judgment", "decided_at": t + dt.timedelta(days=150),
                                               "person": suspect, "result": "有罪判决",
                                               "decision_no": f"（{t.year}）鲁0102刑初{n_crim}号"})
            extra = CRIMINAL_EXTRAS[n_crim % len(CRIMINAL_EXTRAS)]
            doc(extra, at + dt.timedelta(days=2), suspect if extra != "cancel_decision" else None)
            if n_crim % 7 == 3:
                c["decisions"].append({"kind": ["filing_supervision", "correction_notice"][n_crim % 2],
                                       "decided_at": at + dt.timedelta(days=20), "person": None,
                                       "decision_no": f"济检监〔{at.year}〕{n_crim:04d}号"})
            c["closed_at"] = None
        else:
            n_adm += 1
            r = rnd.random()
            close = at + dt.timedelta(days=rnd.randrange(35, 70) if r < 0.05 else rnd.randrange(1, 29))
            c["closed_at"] = _cap(close, b) if r > 0.03 else None
            if rnd.random() < 0.2:
                measure("admin_detention", at + dt.timedelta(hours=6), at + dt.timedelta(days=10, hours=6))
            extra = ADMIN_EXTRAS[n_adm % len(ADMIN_EXTRAS)]
            doc(extra, at + dt.timedelta(days=3), suspect)
            if n_adm % 11 == 5:
                c["decisions"].append({"kind": ["reconsideration", "litigation"][n_adm % 2],
                                       "decided_at": at + dt.timedelta(days=60), "person": suspect,
                                       "result": "维持", "decision_no": f"济政复决〔{at.year}〕{n_adm:04d}号"})
        if rnd.random() < 0.6:
            c["case_area"].append({"record_no": f"BA{case_no[1:]}", "case_no": case_no, "unit": unit,
                                   "entered_at": at + dt.timedelta(hours=1),
                                   "av_uploaded": rnd.random() > 0.01})
        c["decisions"] = [d for d in c["decisions"] if _cap(d["decided_at"], b)]
        yield c


def _incident_no_of(c: dict[str, Any], incident_numbers: list[str] | None) -> str | None:
    ref = c.get("incident_no")
    if ref and ref.startswith("J-") and incident_numbers:
        return incident_numbers[int(ref[2:]) % len(incident_numbers)]
    return None if (ref or "").startswith("J-") else ref


# -- writing exports -----------------------------------------------------------------

def _headers(kind: str) -> list[tuple[str, str]]:
    """(header, field) in export order: the first header of each field in LEDGERS.md."""
    first: dict[str, str] = {}
    for h, f in DEFAULT_HEADERS[kind].items():
        first.setdefault(f, h)
    return [(first[f.name], f.name) for f in KINDS[kind]]


def _cell(field_name: str, value: Any, *, xlsx: bool) -> Any:
    if value is None:
        return None if xlsx else ""
    if isinstance(value, dt.datetime):
        return value if xlsx else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(value)
    if field_name == "nature":
        return NATURES[value]
    if field_name == "kind" and value in CASE_KINDS:
        return CASE_KINDS[value]
    if field_name == "kind" and value in MEASURE_KINDS:
        return MEASURE_KINDS[value]
    return value


def export_rows(b: Bureau, incidents: int, cases: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every exported record as ``(kind, fields)``: incidents, then cases with their children."""
    numbers: list[str] = []
    for inc in iter_incidents(b, incidents):
        if len(numbers) < 200_000:
            numbers.append(inc["incident_no"])
        yield "incidents", inc
    for c in iter_cases(b, cases, incidents=incidents):
        c = dict(c, incident_no=_incident_no_of(c, numbers))
        yield "cases", c
        for m in c["measures"]:
            yield "measures", m
        for d in c["documents"]:
            yield "documents", d
        for a in c["case_area"]:
            yield "case_area", a


def write_exports(b: Bureau, out_dir: Path, *, incidents: int = 1000, cases: int = 300,
                  fmt: str = "csv", encoding: str = "utf-8") -> list[Path]:
    """Write the system exports: one CSV per kind (``incidents.csv`` …) or one XLSX with a
    sheet per kind (``export.xlsx``). Returns the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    kinds = list(KINDS)
    heads = {k: _headers(k) for k in kinds}
    if fmt == "csv":
        files = {k: open(out_dir / f"{k}.csv", "w", encoding=encoding, newline="") for k in kinds}
        try:
            writers = {k: csv.writer(f) for k, f in files.items()}
            for k in kinds:
                writers[k].writerow([h for h, _ in heads[k]])
            for k, rec in export_rows(b, incidents, cases):
                writers[k].writerow([_cell(f, rec.get(f), xlsx=False) for _, f in heads[k]])
        finally:
            for f in files.values():
                f.close()
        return [out_dir / f"{k}.csv" for k in kinds]
    if fmt != "xlsx":
        raise ValueError("fmt must be csv or xlsx")
    from openpyxl import Workbook

    from ledgers.mapping import KIND_NAMES

    wb = Workbook(write_only=True)
    sheets = {k: wb.create_sheet(KIND_NAMES[k]) for k in kinds}
    for k in kinds:
        sheets[k].append([h for h, _ in heads[k]])
    for k, rec in export_rows(b, incidents, cases):
        sheets[k].append([_cell(f, rec.get(f), xlsx=True) for _, f in heads[k]])
    path = out_dir / "export.xlsx"
    wb.save(path)
    return [path]
