"""The one place that decides what a user may see and do.

Every view, API route, CLI command acting for a user, download, export, search and
background task asks here. Reads of cases go through :func:`visible_cases` (a
``Select`` already filtered by what the actor may see) or :func:`scope`; single objects
through :func:`require`. Nothing else in the code filters by unit.

Rules (by role):
- clerk (内勤): sees and works on the cases of their own unit; uploads scans there,
  corrects misread fields and has volumes recognised again.
- leader (单位领导): sees the cases of their own unit; changes nothing.
- reviewer (法制审核): sees every unit's cases; corrects recognition, manages findings.
- admin (管理员): everything, including accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from ecase.errors import Forbidden, NotFound
from ecase.models import Case, User

#: action -> roles allowed (before the unit check).
ACTIONS: dict[str, frozenset[str]] = {
    "case.view": frozenset({"clerk", "leader", "reviewer", "admin"}),
    "case.create": frozenset({"clerk", "reviewer", "admin"}),
    "scan.upload": frozenset({"clerk", "reviewer", "admin"}),
    "volume.edit": frozenset({"clerk", "reviewer", "admin"}),
    "recognition.correct": frozenset({"reviewer", "admin"}),
    # a field's value put right by those who see the error: the unit's clerk too
    "field.correct": frozenset({"clerk", "reviewer", "admin"}),
    "recognition.run": frozenset({"clerk", "reviewer", "admin"}),
    "export.create": frozenset({"clerk", "reviewer", "admin"}),
    "ledger.view": frozenset({"clerk", "leader", "reviewer", "admin"}),
    "ledger.import": frozenset({"reviewer", "admin"}),
    "ledger.supplement": frozenset({"reviewer", "admin"}),
    "finding.view": frozenset({"clerk", "leader", "reviewer", "admin"}),
    "finding.manage": frozenset({"reviewer", "admin"}),
    "finding.reply": frozenset({"clerk", "leader", "reviewer", "admin"}),
    "bulletin.create": frozenset({"reviewer", "admin"}),
    "audit.view": frozenset({"reviewer", "admin"}),
    "account.manage": frozenset({"admin"}),
    "search.use": frozenset({"clerk", "leader", "reviewer", "admin"}),
}

ALL_UNIT_ROLES = frozenset({"reviewer", "admin"})


@dataclass(frozen=True)
class Actor:
    """Who is asking: a user, or the system itself (migrations, imports from the CLI
    without ``--as``, background maintenance), which sees everything."""

    user_id: int | None
    unit_id: int | None
    role: str
    name: str

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.unit_id, user.role, user.username)

    @classmethod
    def system(cls) -> Actor:
        return cls(None, None, "system", "system")

    @property
    def is_system(self) -> bool:
        return self.role == "system"

    @property
    def all_units(self) -> bool:
        return self.is_system or self.role in ALL_UNIT_ROLES


@dataclass(frozen=True)
class Scope:
    """What an actor may read, in a form other packages (search, ledgers) can apply
    inside their own queries."""

    all_units: bool
    unit_ids: frozenset[int]


def may(actor: Actor, action: str, unit_id: int | None = None) -> bool:
    """May ``actor`` do ``action`` (on something belonging to ``unit_id``)?"""
    if actor.is_system:
        return True
    if actor.role not in ACTIONS.get(action, frozenset()):
        return False
    if unit_id is None or actor.all_units:
        return True
    return unit_id == actor.unit_id


def require(actor: Actor, action: str, unit_id: int | None = None, *, hide: bool = True) -> None:
    """Raise unless ``may``. A foreign unit's object answers 404 (``hide``) so that its
    existence is not revealed."""
    if may(actor, action, unit_id):
        return
    if hide and unit_id is not None and may(actor, action, None):
        raise NotFound()
    raise Forbidden()


def scope(actor: Actor) -> Scope:
    if actor.all_units:
        return Scope(True, frozenset())
    return Scope(False, frozenset({actor.unit_id}) if actor.unit_id is not None else frozenset())


def visible_cases(actor: Actor) -> Select[tuple[Case]]:
    """Every case the actor may see, as a query to refine."""
    require(actor, "case.view")
    q = select(Case)
    if not actor.all_units:
        q = q.where(Case.unit_id == actor.unit_id)
    return q


def filter_units(query: Select[Any], unit_column: Any, actor: Actor) -> Select[Any]:
    """Restrict any query to the units ``actor`` may see (for ledgers, findings …)."""
    if actor.all_units:
        return query
    return query.where(unit_column == actor.unit_id)
