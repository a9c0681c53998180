"""The content of a bulletin, independent of how it is printed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecase.errors import InvalidInput
from ecase.models import Unit
from ecase.models.supervision import Finding as FindingRow
from ecase.supervision import queries
from ecase.supervision.evaluate import evaluate_db
from ledgers.rates import RATES, PeriodError, parse_period
from ledgers.rules import CROSSCHECK_CODES, Finding
from ledgers.rules.config import GRADE_NAMES, RulesConfig
from ledgers.scoring import SUMMARIES, summarise

RULE_NAMES: dict[str, str] = {
    "admin_not_accepted": "行政警情未受案", "criminal_not_filed": "刑事案件超期未立案",
    "bail_overdue": "取保候审超期", "surveillance_overdue": "监视居住超期",
    "detention_overdue": "刑事拘留超期", "arrest_decision_overdue": "提请逮捕超期未登记决定",
    "no_filing_notice_late": "不予立案通知书送达超期", "admin_case_overdue": "行政案件超期未决定",
    "receipt_missing": "未开具受案回执", "filing_notice_missing": "未开具立案告知书",
    "no_filing_notice_missing": "未开具不予立案通知书",
    "dossier_doc_no_mismatch": "卷宗文号与台账不符", "dossier_date_mismatch": "卷宗日期与台账不符",
    "dossier_doc_missing": "台账有、卷宗无", "ledger_doc_missing": "卷宗有、台账无",
    "dossier_receipt_missing": "卷内缺受案回执", "dossier_filing_notice_missing": "卷内缺立案告知书",
    "filed_before_accepted": "立案早于受案", "bail_released_before_start": "解除取保早于取保",
    "detention_after_transfer": "移送起诉后刑事拘留", "name_mismatch": "人员姓名不一致",
}
assert set(CROSSCHECK_CODES) <= set(RULE_NAMES)

#: kind -> (title, rates ranked, rules listed (None: all), show scores)
KINDS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...] | None, bool]] = {
    "incident": ("警情通报", ("diversion", "acceptance"), ("admin_not_accepted",), False),
    "acceptance_filing": ("如实受立案监督检查通报", ("acceptance", "filing", "receipt", "filing_notice"),
                          ("admin_not_accepted", "criminal_not_filed", "receipt_missing",
                           "filing_notice_missing", "no_filing_notice_missing", "no_filing_notice_late"), False),
    "audio_video": ("音视频通报", ("incident_av", "case_area_av"), (), False),
    "points": ("积分考核通报", (), None, True),
    "feedback": ("问题反馈", (), None, False),
}

BAND_NAMES = {"green": "绿", "yellow": "黄", "red": "红", "grey": "—"}
DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    if n <= 10:
        return "十" if n == 10 else DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def chinese_date(d: dt.date) -> str:
    """二〇一八年一月十七日, as printed beside the seal."""
    return "".join(DIGITS[int(c)] for c in str(d.year)) + f"年{chinese_number(d.month)}月{chinese_number(d.day)}日"


def period_words(label: str) -> str:
    """A period as a document says it: 2018-01 → 2018年1月, 2018 → 2018年; others as they are."""
    import re

    m = re.fullmatch(r"(\d{4})-(\d{2})", label)
    if m:
        return f"{m[1]}年{int(m[2])}月"
    if re.fullmatch(r"\d{4}", label):
        return f"{label}年"
    return label


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]]
    #: per row, the colour band of the row ("green", "yellow", "red", "grey") or None
    bands: list[str | None] = field(default_factory=list)
    #: index of the column the band colours (-1: none)
    band_column: int = -1


@dataclass
class Bulletin:
    kind: str
    title: str
    number: str
    issued_on: dt.date
    period: Any
    bureau_name: str
    issuer: str
    intro: str
    tables: list[Table]
    findings: list[Finding]
    unit: str | None = None


def _finding_table(findings: list[Finding], title: str = "问题清单") -> Table:
    rows, bands = [], []
    for i, f in enumerate(findings, 1):
        rows.append([i, f.unit or "", RULE_NAMES.get(f.rule, f.rule), f.case_no or f.incident_no or "",
                     f.lead_officer or "", GRADE_NAMES.get(f.grade, f.grade),
                     f.due_on.isoformat() if f.due_on else "", f.days_over, f.detail])
        bands.append(f.grade)
    return Table(title, ["序号", "单位", "问题", "案件/警情编号", "主办民警", "预警", "期限", "超期天数", "说明"],
                 rows, bands, band_column=5)


def build(s: Session, kind: str, period_text: str, config: RulesConfig, *, number: str,
          issued_on: dt.date, unit: Unit | None = None) -> Bulletin:
    if kind not in KINDS:
        raise InvalidInput("未知的通报类型，可选：" + "、".join(spec[0] for spec in KINDS.values()))
    try:
        period = parse_period(period_text)
    except PeriodError as e:
        raise InvalidInput(queries.period_message(period_text)) from e
    title, rates, rules, with_scores = KINDS[kind]
    tables: list[Table] = []
    ranked = queries.rankings(s, period, config, rates) if rates else {}
    for rate in rates:
        rows, bands = [], []
        for r in ranked[rate]:
            rows.append([r.rank if r.rank is not None and not r.tied else r.label, r.unit, r.numerator, r.denominator,
                         "—" if r.rate is None else f"{r.rate:.2f}%", BAND_NAMES[r.band]])
            bands.append(r.band)
        tables.append(Table(f"{RATES[rate]}排名", ["名次", "单位", "达标数", "总数", RATES[rate], "预警"],
                            rows, bands, band_column=4))
    end = min(period.last_day, issued_on)
    found = evaluate_db(s, end, config) if rules != () else []
    waived = set(s.scalars(select(FindingRow.key).where(FindingRow.state.in_(("waived", "confirmed")))))
    found = [f for f in found if f.key not in waived and not f.is_warning]
    if rules:
        found = [f for f in found if f.rule in rules]
    if unit is not None:
        found = [f for f in found if f.unit_id == unit.id]
    if with_scores:
        in_period = [f for f in found if f.due_on is None or period.contains(f.due_on)]
        for by in ("unit", "lead_officer"):
            srows = summarise(in_period, by, config)
            tables.append(Table(SUMMARIES[by], ["序号", "单位" if by == "unit" else "主办民警", "问题数",
                                                "扣分", "得分"],
                                [[i, r.key, r.findings, f"{r.points:g}", f"{r.score:g}"] for i, r in
                                 enumerate(sorted(srows, key=lambda r: (-r.score, r.key)), 1)],
                                [None] * len(srows)))
    intro = (f"现将{period_words(period.label)}" + ("、".join(RATES[r] for r in rates) + "情况及" if rates else "")
             + f"执法问题通报如下（数据截至{end.year}年{end.month}月{end.day}日）。共发现问题{len(found)}个，请各单位对照问题清单认真整改。")
    if unit is not None:
        intro = f"{unit.name}：" + intro
    if kind == "feedback" and unit is None:
        by_unit: dict[str, list[Finding]] = {}
        for f in found:
            by_unit.setdefault(f.unit or "（未知单位）", []).append(f)
        tables += [_finding_table(fs, f"问题清单（{u}）") for u, fs in sorted(by_unit.items())]
        if not by_unit:
            tables.append(_finding_table([]))
    else:
        tables.append(_finding_table(found))
    return Bulletin(kind=kind, title=title, number=number, issued_on=issued_on, period=period,
                    bureau_name=config.bureau_name, issuer=config.issuer, intro=intro, tables=tables,
                    findings=found, unit=unit.name if unit else None)
