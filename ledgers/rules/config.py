"""A bureau's configuration of the rules: limits, holidays, grades, colour bands, deductions.

Every number of RULES.md is a default here; the rules' logic is not configurable. A bureau
writes the keys it wants to change in a TOML (or JSON) file — ``supervision.toml`` in the
data directory, or ``ecase check --config FILE``; ``ecase.supervision.config`` reads it (no
IO here) and :meth:`RulesConfig.from_mapping` applies the keys. ``OPTIONS`` documents each key (a test fails when one is undocumented);
``docs``: what changes when you change it is stated in its line of help.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

GRADES: tuple[str, ...] = ("yellow", "orange", "red")
GRADE_NAMES = {"green": "绿", "yellow": "黄", "orange": "橙", "red": "红", "grey": "无数据"}

#: key -> help. Every field of RulesConfig is listed here.
OPTIONS: dict[str, str] = {
    "admin_accept_hours": "admin_not_accepted turns yellow when an administrative incident is "
                          "unaccepted this many hours after it was received (default 24).",
    "admin_accept_days": "admin_not_accepted turns red after this many calendar days (default 3).",
    "criminal_filing_days": "criminal_not_filed: days after acceptance for yellow, orange, red "
                            "(default [3, 7, 30]); due_on is the first.",
    "bail_months": "bail_overdue: months a bail may last (default 12).",
    "surveillance_months": "surveillance_overdue: months residential surveillance may last (default 6).",
    "measure_warn_days": "bail/surveillance: a yellow warning this many days before the end (default 30).",
    "detention_days": "detention_overdue: days of a criminal detention without extension (default 3); "
                      "an approved extension on the ledger (7 or 30 days) replaces it.",
    "arrest_decision_days": "arrest_decision_overdue: days the procuratorate has to decide (default 7).",
    "no_filing_notice_days": "no_filing_notice_late: days to deliver the no-filing notice (default 3).",
    "admin_case_days": "admin_case_overdue: days to decide an administrative case (default 30).",
    "admin_case_extended_days": "admin_case_overdue with an approved extension (default 60).",
    "holidays": "list of ISO dates that are holidays (default none).",
    "extend_on_holidays": "when true, a limit ending on a holiday moves to the next non-holiday "
                          "(default false: limits are never extended).",
    "reported_sources": "案件来源 values meaning a person reported the case (default 报案, 控告, 举报, 扭送).",
    "missing_grade": "grade of a missing-document finding (default orange).",
    "crosscheck_grade": "grade of a dossier-versus-ledger cross-check finding (default yellow).",
    "green_from": "rate colour band: green at or above this percentage (default 98).",
    "yellow_from": "rate colour band: yellow from this percentage up to green; below it red (default 95).",
    "default_deduction": "points deducted for a finding whose rule is not in `deductions` (default 1).",
    "red_deduction": "points deducted for a red-grade finding (default 2); a rule listed in "
                     "`deductions` uses its own number whatever the grade.",
    "deductions": "table rule code -> points, overriding the two defaults above (default empty).",
    "bureau_name": "the issuing bureau as printed on bulletins (default 济南市公安局天桥区分局).",
    "issuer": "the office issuing bulletins and recommendations (default 法制大队).",
    "doc_prefix": "abbreviation opening bulletin and recommendation numbers, as in "
                  "天公法通〔2018〕3号 (default 天公).",
    "recommendation_after_days": "a live finding older than this many days, or one that came back "
                                 "twice, is proposed for a written recommendation (default 30).",
    "recommendation_reply_days": "days a unit has to reply to a written recommendation (default 15).",
    "tz_offset_hours": "offset of local time from the UTC stored in the database (default 8, Beijing).",
}


class ConfigError(ValueError):
    """The bureau's configuration has an unknown key or a value of the wrong kind."""


@dataclass(frozen=True)
class RulesConfig:
    admin_accept_hours: int = 24
    admin_accept_days: int = 3
    criminal_filing_days: tuple[int, int, int] = (3, 7, 30)
    bail_months: int = 12
    surveillance_months: int = 6
    measure_warn_days: int = 30
    detention_days: int = 3
    arrest_decision_days: int = 7
    no_filing_notice_days: int = 3
    admin_case_days: int = 30
    admin_case_extended_days: int = 60
    holidays: frozenset[dt.date] = frozenset()
    extend_on_holidays: bool = False
    reported_sources: frozenset[str] = frozenset({"报案", "控告", "举报", "扭送"})
    missing_grade: str = "orange"
    crosscheck_grade: str = "yellow"
    green_from: float = 98.0
    yellow_from: float = 95.0
    default_deduction: float = 1.0
    red_deduction: float = 2.0
    deductions: Mapping[str, float] = field(default_factory=dict)
    bureau_name: str = "济南市公安局天桥区分局"
    issuer: str = "法制大队"
    doc_prefix: str = "天公"
    recommendation_after_days: int = 30
    recommendation_reply_days: int = 15
    tz_offset_hours: int = 8

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> RulesConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ConfigError(f"unknown supervision settings: {', '.join(sorted(unknown))}")
        kw: dict[str, Any] = {}
        try:
            for k, v in values.items():
                if k == "holidays":
                    kw[k] = frozenset(dt.date.fromisoformat(str(x)) for x in v)
                elif k == "reported_sources":
                    kw[k] = frozenset(str(x) for x in v)
                elif k == "criminal_filing_days":
                    a, b, c = (int(x) for x in v)
                    kw[k] = (a, b, c)
                elif k == "deductions":
                    kw[k] = {str(r): float(p) for r, p in dict(v).items()}
                elif k in ("bureau_name", "issuer", "doc_prefix"):
                    kw[k] = str(v)
                elif k in ("missing_grade", "crosscheck_grade"):
                    if v not in GRADES:
                        raise ConfigError(f"{k} must be one of {', '.join(GRADES)}")
                    kw[k] = str(v)
                elif k == "extend_on_holidays":
                    kw[k] = bool(v)
                elif k in ("green_from", "yellow_from", "default_deduction", "red_deduction"):
                    kw[k] = float(v)
                else:
                    kw[k] = int(v)
        except (TypeError, ValueError) as e:
            if isinstance(e, ConfigError):
                raise
            raise ConfigError(f"bad supervision setting: {e}") from e
        return dataclasses.replace(cls(), **kw)

    def deduction(self, rule: str, grade: str) -> float:
        """Points a finding of ``rule`` with ``grade`` costs its unit and officers."""
        if rule in self.deductions:
            return float(self.deductions[rule])
        return self.red_deduction if grade == "red" else self.default_deduction

    def band(self, rate: float | None) -> str:
        """Colour of a rate in percent: green, yellow, red (grey when there is no data)."""
        if rate is None:
            return "grey"
        if rate >= self.green_from:
            return "green"
        if rate >= self.yellow_from:
            return "yellow"
        return "red"


DEFAULT_CONFIG = RulesConfig()
