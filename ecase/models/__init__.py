"""The database model (SQLAlchemy 2.0 declarative).

Parts:
- ``org``: units (办案单位) and officers (民警), user accounts with their unit and role.
- ``cases``: cases (案件) — shared by dossiers and ledgers.
- ``dossiers``: volumes, scans (the original uploads), pages, volume versions,
  recognised documents and their fields, reviewers' corrections.
- ``jobs``: background work and its per-page progress.

Other areas add their own modules (ledgers, supervision, audit, search) and import them
here so that Alembic sees one metadata.
"""

from __future__ import annotations

from ecase.db import Base
from ecase.models.audit import ApiToken, AuditEntry, AuditHead
from ecase.models.cases import Case, CaseOfficer
from ecase.models.dossiers import (
    Document,
    DocumentField,
    FieldCorrection,
    Page,
    Scan,
    Volume,
    VolumePage,
    VolumeVersion,
)
from ecase.models.jobs import Job
from ecase.models.ledgers import (  # noqa: F401  (ledger records: see ecase.models.ledgers)
    CaseAreaRecord,
    CasePerson,
    ImportRun,
    Incident,
    IssuedDocument,
    LedgerSetting,
    Measure,
    OutsideDecision,
    RecordHistory,
)
from ecase.models.org import ROLES, Officer, Unit, User
from ecase.models.search import search_pages, search_state  # noqa: F401  (the postgresql search backend's tables)
from ecase.models.supervision import Bulletin, Finding, FindingEvent, RateSnapshot, Recommendation  # noqa: F401

__all__ = [
    "Base", "Case", "CaseOfficer", "Document", "DocumentField", "FieldCorrection", "Job",
    "Officer", "Page", "ROLES", "Scan", "Unit", "User", "Volume", "VolumePage", "VolumeVersion",
]
