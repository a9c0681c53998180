"""Deductions and scores (pure: findings in, tables out).

Each finding costs points by the bureau's deduction table (``RulesConfig.deduction``:
default 1 point, red grade 2, a per-rule table overrides). A warning (due soon, not yet
over) and a waived finding cost nothing. A score is 100 minus the deductions, summarised
by unit, lead officer, handling officer, rule or month (问题统计, 问题汇总, 得分汇总,
主办民警得分汇总, 办案民警得分汇总). "Handling officer" counts every officer on the case,
the lead officer included, so each person's score shows every finding on their cases.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ledgers.rules.config import DEFAULT_CONFIG, RulesConfig
from ledgers.rules.records import Finding

SUMMARIES: dict[str, str] = {"unit": "得分汇总", "lead_officer": "主办民警得分汇总",
                             "officer": "办案民警得分汇总", "rule": "问题汇总", "month": "问题统计"}


def points(finding: Finding, config: RulesConfig = DEFAULT_CONFIG) -> float:
    if finding.is_warning:
        return 0.0
    return config.deduction(finding.rule, finding.grade)


@dataclass
class ScoreRow:
    key: str
    findings: int = 0
    points: float = 0.0
    by_grade: dict[str, int] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return 100.0 - self.points


def _keys(f: Finding, by: str) -> Iterator[str]:
    if by == "unit":
        yield f.unit or "（未知单位）"
    elif by == "lead_officer":
        yield f.lead_officer or "（未登记）"
    elif by == "officer":
        yield from dict.fromkeys([x for x in ((f.lead_officer,) + tuple(f.officers)) if x])
    elif by == "rule":
        yield f.rule
    elif by == "month":
        yield f.due_on.strftime("%Y-%m") if f.due_on else "（无期限）"
    else:
        raise ValueError(f"unknown summary {by!r}: one of {', '.join(SUMMARIES)}")


def summarise(findings: Iterable[Finding], by: str, config: RulesConfig = DEFAULT_CONFIG,
              *, waived: frozenset[str] = frozenset()) -> list[ScoreRow]:
    """Rows sorted by score (lowest first), then key. ``waived`` holds finding keys that
    cost nothing."""
    rows: dict[str, ScoreRow] = {}
    for f in findings:
        p = 0.0 if f.key in waived else points(f, config)
        for k in _keys(f, by):
            row = rows.setdefault(k, ScoreRow(k))
            row.findings += 1
            row.points += p
            row.by_grade[f.grade] = row.by_grade.get(f.grade, 0) + 1
    return sorted(rows.values(), key=lambda r: (-r.points, r.key))
