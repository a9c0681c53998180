"""Which header means which field: the default mapping of LEDGERS.md, a bureau's own on top.

A bureau whose exports say 报警时间 instead of 接警时间 adds ``{"incidents": {"报警时间":
"reported_at"}}`` (``load_mapping``); nothing else changes. Which kind a sheet holds is
detected from its headers: the kind whose required headers are all present and which
recognises the most headers wins.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ledgers.errors import ConfigError


@dataclass(frozen=True)
class FieldSpec:
    """One field of one kind of record: its name, how to read it, whether rows need it."""

    name: str
    parse: str  # text|time|bool|names|nature|case_kind|measure_kind|title
    required: bool = False
    key: bool = False


#: kind -> fields (order = the default column order of an export)
KINDS: dict[str, tuple[FieldSpec, ...]] = {
    "incidents": (
        FieldSpec("incident_no", "text", True, True), FieldSpec("reported_at", "time", True),
        FieldSpec("unit", "text", True), FieldSpec("nature", "nature"),
        FieldSpec("officers", "names"), FieldSpec("disposal", "text"),
        FieldSpec("disposed_at", "time"), FieldSpec("av_uploaded", "bool"),
    ),
    "cases": (
        FieldSpec("case_no", "text", True, True), FieldSpec("name", "text", True),
        FieldSpec("kind", "case_kind", True), FieldSpec("unit", "text", True),
        FieldSpec("lead_officer", "text"), FieldSpec("officers", "names"),
        FieldSpec("incident_no", "text"), FieldSpec("source", "text"),
        FieldSpec("accepted_at", "time"), FieldSpec("acceptance_doc_no", "text"),
        FieldSpec("filed_at", "time"), FieldSpec("filing_doc_no", "text"),
        FieldSpec("no_filing_at", "time"), FieldSpec("closed_at", "time"),
    ),
    "measures": (
        FieldSpec("case_no", "text", True), FieldSpec("kind", "measure_kind", True, True),
        FieldSpec("person_name", "text"), FieldSpec("person_id_no", "text"),
        FieldSpec("doc_no", "text", True, True), FieldSpec("started_at", "time", True),
        FieldSpec("ended_at", "time"), FieldSpec("end_doc_no", "text"),
    ),
    "documents": (
        FieldSpec("case_no", "text", True), FieldSpec("title", "title", True, True),
        FieldSpec("doc_no", "text", True, True), FieldSpec("issued_at", "time"),
        FieldSpec("person_name", "text"),
    ),
    "case_area": (
        FieldSpec("record_no", "text", True, True), FieldSpec("case_no", "text"),
        FieldSpec("unit", "text", True), FieldSpec("entered_at", "time"),
        FieldSpec("av_uploaded", "bool"),
    ),
}

#: Chinese name of each kind (for reports and sheet names)
KIND_NAMES = {"incidents": "警情", "cases": "案件", "measures": "强制措施",
              "documents": "法律文书", "case_area": "办案区使用"}

#: the order in which kinds are imported (cases before what refers to them)
KIND_ORDER = ("incidents", "cases", "measures", "documents", "case_area")

#: kind -> header -> field: LEDGERS.md's headers first (they are also what the synthetic
#: exports write), then variants seen in other versions of the system.
DEFAULT_HEADERS: dict[str, dict[str, str]] = {
    "incidents": {"警情编号": "incident_no", "接警时间": "reported_at", "管辖单位": "unit",
                  "警情性质": "nature", "处警民警": "officers", "分流结果": "disposal",
                  "分流时间": "disposed_at", "音视频上传": "av_uploaded",
                  "报警时间": "reported_at", "接警单位": "unit", "处警人": "officers"},
    "cases": {"案件编号": "case_no", "案件名称": "name", "案件类别": "kind", "办案单位": "unit",
              "主办民警": "lead_officer", "协办民警": "officers", "警情编号": "incident_no",
              "案件来源": "source", "受案时间": "accepted_at", "受案文号": "acceptance_doc_no",
              "立案时间": "filed_at", "立案文号": "filing_doc_no",
              "不予立案时间": "no_filing_at", "结案时间": "closed_at",
              "案件类型": "kind", "主办人": "lead_officer", "协办人": "officers"},
    "measures": {"案件编号": "case_no", "措施类型": "kind", "对象姓名": "person_name",
                 "身份证号": "person_id_no", "文书文号": "doc_no", "开始时间": "started_at",
                 "解除时间": "ended_at", "解除文号": "end_doc_no",
                 "强制措施": "kind", "姓名": "person_name", "公民身份号码": "person_id_no",
                 "执行时间": "started_at"},
    "documents": {"案件编号": "case_no", "文书名称": "title", "文号": "doc_no",
                  "开具时间": "issued_at", "对象": "person_name",
                  "文书文号": "doc_no", "开具日期": "issued_at"},
    "case_area": {"记录编号": "record_no", "案件编号": "case_no", "办案单位": "unit",
                  "进入时间": "entered_at", "音视频上传": "av_uploaded"},
}


@dataclass
class HeaderMapping:
    """The effective mapping: kind -> header -> field."""

    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def header_of(self, kind: str, field_name: str) -> str:
        """The first header naming ``field_name`` (for messages)."""
        for h, f in self.headers[kind].items():
            if f == field_name:
                return h
        return field_name


def load_mapping(extra: Mapping[str, Mapping[str, str]] | Path | None = None) -> HeaderMapping:
    """The default mapping with ``extra`` (a dict or a JSON file of the same shape) on top."""
    headers = {k: dict(v) for k, v in DEFAULT_HEADERS.items()}
    if isinstance(extra, Path):
        try:
            extra = json.loads(extra.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ConfigError(f"表头映射文件无法读取：{extra}：{e}") from e
    for kind, more in (extra or {}).items():
        if kind not in KINDS:
            raise ConfigError(f"表头映射中有未知的记录种类：{kind}")
        names = {f.name for f in KINDS[kind]}
        for header, name in more.items():
            if name not in names:
                raise ConfigError(f"表头映射 {kind}.{header} 指向未知字段 {name}")
            headers[kind][normalise_header(header)] = name
    return HeaderMapping(headers)


def normalise_header(value: object) -> str:
    """Headers compare without spaces, full-width parentheses or a trailing colon/star."""
    s = "" if value is None else str(value)
    s = s.replace("\ufeff", "").replace(" ", "").replace("\u3000", "").strip()
    return s.rstrip("*：:")


@dataclass
class Detected:
    """What the header row says: the kind, column index -> field, and problems."""

    kind: str | None
    columns: dict[int, str]
    unknown: list[tuple[int, str]]       # (column index, header) not in the mapping
    empty: list[int]                     # column indexes with an empty header cell
    missing: list[str]                   # headers of required fields absent
    duplicate: list[tuple[int, str]]     # a second column mapping to the same field


def detect(headers: list[object], mapping: HeaderMapping) -> Detected:
    """Which kind the header row belongs to, and where each field is."""
    norm = [normalise_header(h) for h in headers]
    while norm and not norm[-1]:
        norm.pop()
    best: tuple[int, str] | None = None
    for kind in KIND_ORDER:
        table = mapping.headers[kind]
        fields = {table[h] for h in norm if h in table}
        required = {f.name for f in KINDS[kind] if f.required}
        score = len(fields) + (100 if required <= fields else 0)
        if fields and (best is None or score > best[0]):
            best = (score, kind)
    if best is None:
        return Detected(None, {}, [(i, h) for i, h in enumerate(norm) if h], [], [], [])
    kind = best[1]
    table = mapping.headers[kind]
    columns: dict[int, str] = {}
    unknown: list[tuple[int, str]] = []
    empty: list[int] = []
    duplicate: list[tuple[int, str]] = []
    for i, h in enumerate(norm):
        if not h:
            empty.append(i)
        elif h not in table:
            unknown.append((i, h))
        elif table[h] in columns.values():
            duplicate.append((i, h))
        else:
            columns[i] = table[h]
    present = set(columns.values())
    missing = [mapping.header_of(kind, f.name) for f in KINDS[kind]
               if f.required and f.name not in present]
    return Detected(kind, columns, unknown, empty, missing, duplicate)
