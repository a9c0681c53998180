"""Importing system exports: files -> rows -> batched Core inserts and updates.

The import is its own commit point, one transaction per file: ``--mode all`` commits a file
only when none of its rows was rejected, ``--mode good-rows`` commits the good rows and
reports the rest. Rows are handled in batches of ``BATCH`` with SQLAlchemy Core (one
SELECT of the batch's natural keys, one executemany INSERT, one executemany UPDATE), so a
million rows import in bounded memory; only a set of key hashes per file (to catch a key
repeated inside the file) grows with the file.

Records are matched by natural keys (警情编号, 案件编号, 文号); a record whose imported
fields are all equal is ``unchanged``, one that differs is ``updated`` and its old and new
values go to ``record_history``; a supplementary record (entered by a reviewer) is never
overwritten. Units and officers are learnt from the rows unless the bureau has fixed its
list of units (``LedgerSetting`` ``units_fixed``), in which case an unknown unit rejects
the row.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecase.ledger_views import writers
from ecase.models import Officer, Unit
from ecase.models._types import utcnow
from ecase.models.ledgers import LedgerSetting
from ledgers import readers
from ledgers.errors import InputFileError
from ledgers.mapping import KIND_ORDER, KINDS, HeaderMapping, detect, load_mapping
from ledgers.rows import ParsedRow, RowParser

log = logging.getLogger(__name__)

BATCH = 2000
#: report keys, in order
REPORT_KINDS = ("incidents", "cases", "measures", "documents", "case_area", "people")
MODES = ("all", "good-rows")

Progress = Callable[[str, int, float | None], None]


def _counts() -> dict[str, int]:
    return {k: 0 for k in REPORT_KINDS}


@dataclass
class ImportReport:
    """The result of an import: counts per kind of record and every rejected row."""

    mode: str = "all"
    new: dict[str, int] = field(default_factory=_counts)
    updated: dict[str, int] = field(default_factory=_counts)
    unchanged: dict[str, int] = field(default_factory=_counts)
    errors: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0
    rejected_rows: int = 0
    files: list[dict[str, Any]] = field(default_factory=list)

    def error(self, file: str, row: int, column: str, reason: str, sheet: str | None = None) -> None:
        e: dict[str, Any] = {"file": file, "row": row, "column": column, "reason": reason}
        if sheet:
            e["sheet"] = sheet
        self.errors.append(e)

    def to_json(self) -> dict[str, Any]:
        """The shape of ``ecase import --json``."""
        return {"new": dict(self.new), "updated": dict(self.updated),
                "unchanged": dict(self.unchanged), "errors": list(self.errors),
                "mode": self.mode, "rows": self.rows, "rejected_rows": self.rejected_rows,
                "files": list(self.files)}

    @property
    def failed(self) -> bool:
        """A row was rejected or a file (or sheet) could not be imported. Notes on the
        header row alone (an unknown or empty header, its column ignored) do not fail."""
        return self.rejected_rows > 0 or any(f["fatal"] for f in self.files)


class FileState:
    """Counts and seen keys of the file being imported (merged into the report only when
    the file's transaction commits)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.new = _counts()
        self.updated = _counts()
        self.unchanged = _counts()
        self.errors: list[dict[str, Any]] = []
        self.fatal = False
        self.rows = 0
        self.rejected: set[int] = set()
        self.seen: dict[str, set[int]] = {}
        self.sheet: str | None = None
        self.kinds: list[str] = []

    def error(self, row: int, column: str, reason: str, *, fatal: bool = False) -> None:
        e: dict[str, Any] = {"file": self.name, "row": row, "column": column, "reason": reason}
        if self.sheet:
            e["sheet"] = self.sheet
        self.errors.append(e)
        if row >= 2:
            self.rejected.add(row)
        if fatal:
            self.fatal = True

    def duplicate(self, kind: str, key: Any) -> bool:
        """Whether ``key`` was already seen in this file (remembered as a hash)."""
        seen = self.seen.setdefault(kind, set())
        h = hash(key)
        if h in seen:
            return True
        seen.add(h)
        return False


class Importer:
    """One import run over several files, sharing unit and officer caches."""

    def __init__(self, session: Session, *, mode: str = "all", run_id: int | None = None,
                 mapping: HeaderMapping | None = None, now: dt.datetime | None = None,
                 progress: Progress | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.s = session
        self.mode = mode
        self.run_id = run_id
        self.mapping = mapping or load_mapping()
        self.now = now or utcnow()
        self.progress = progress
        self.report = ImportReport(mode=mode)
        self._units: dict[str, int] | None = None
        self._fixed = False
        self._officers: dict[tuple[int | None, str], int] | None = None

    def _tune(self) -> None:
        """A bigger SQLite page cache for this connection: a million-row import keeps
        its indexes' upper levels in memory instead of re-reading them (bounded: 64 MB)."""
        conn = self.s.connection()
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA cache_size=-65536")

    # -- shared entities ---------------------------------------------------------
    def units_fixed(self) -> bool:
        v = self.s.get(LedgerSetting, "units_fixed")
        return v is not None and v.value == "1"

    def unit_id(self, name: str, fs: FileState, row: int, column: str) -> int | None:
        if self._units is None:
            self._units = {n: i for i, n in self.s.execute(select(Unit.id, Unit.name))}
            self._fixed = self.units_fixed()
        uid = self._units.get(name)
        if uid is not None:
            return uid
        if self._fixed:
            fs.error(row, column, f"未知单位：{name}（本局单位名单已固定，请先在单位名单中添加）")
            return None
        kind = "brigade" if name.endswith("大队") else "station" if name.endswith("所") else "unit"
        uid = self.s.execute(Unit.__table__.insert().values(name=name, kind=kind, active=True)
                             .returning(Unit.__table__.c.id)).scalar_one()
        self._units[name] = uid
        log.info("unit %s learnt from an import", name)
        return uid

    def officer_id(self, name: str | None, unit_id: int | None) -> int | None:
        if not name:
            return None
        if self._officers is None:
            self._officers = {}
            for oid, oname, ounit in self.s.execute(select(Officer.id, Officer.name, Officer.unit_id)
                                                   .order_by(Officer.id.desc())):
                self._officers[(ounit, oname)] = oid
        oid = self._officers.get((unit_id, name))
        if oid is None:
            oid = self.s.execute(Officer.__table__.insert().values(name=name, unit_id=unit_id, active=True)
                                 .returning(Officer.__table__.c.id)).scalar_one()
            self._officers[(unit_id, name)] = oid
        return oid

    def _reset_caches(self) -> None:
        """After a rollback the learnt units and officers are gone again."""
        self._units = None
        self._officers = None

    # -- files -------------------------------------------------------------------
    def import_files(self, paths: list[tuple[Path, str]]) -> ImportReport:
        """Import ``(path, display name)`` pairs, cases before what refers to them."""
        order = sorted(range(len(paths)), key=lambda i: (self._file_rank(paths[i][0]), i))
        for i in order:
            self.import_file(*paths[i])
        return self.report

    def _file_rank(self, path: Path) -> int:
        try:
            sheets = readers.read_table(path)
        except InputFileError:
            return 0
        try:
            kinds = [detect(s.header, self.mapping).kind for s in sheets]
            ranks = [KIND_ORDER.index(k) for k in kinds if k is not None]
            return min(ranks) if ranks else 0
        finally:
            readers.close_all(sheets)

    def import_file(self, path: Path, name: str) -> None:
        fs = FileState(name)
        self._tune()
        try:
            sheets = readers.read_table(path)
        except InputFileError as e:
            fs.error(1, "", str(e), fatal=True)
            self._finish_file(fs, commit=False)
            return
        try:
            detected = [(s, detect(s.header, self.mapping)) for s in sheets]
            detected.sort(key=lambda sd: KIND_ORDER.index(sd[1].kind) if sd[1].kind else -1)
            for sheet, det in detected:
                fs.sheet = sheet.name
                self._import_sheet(fs, sheet, det)
        except InputFileError as e:
            fs.error(fs.rows + 1, "", str(e), fatal=True)
        finally:
            readers.close_all(sheets)
        # good-rows keeps whatever was good, even before a late fatal error (a CSV broken
        # half-way); all-or-nothing keeps the file only when nothing at all went wrong
        commit = True if self.mode == "good-rows" else not fs.fatal and not fs.rejected
        self._finish_file(fs, commit=commit)

    def _finish_file(self, fs: FileState, *, commit: bool) -> None:
        r = self.report
        if commit:
            self.s.commit()
            for k in REPORT_KINDS:
                r.new[k] += fs.new[k]
                r.updated[k] += fs.updated[k]
                r.unchanged[k] += fs.unchanged[k]
        else:
            self.s.rollback()
            self._reset_caches()
        r.errors.extend(fs.errors)
        r.rows += fs.rows
        r.rejected_rows += len(fs.rejected)
        r.files.append({"file": fs.name, "kinds": fs.kinds, "rows": fs.rows,
                        "rejected": len(fs.rejected), "committed": commit, "fatal": fs.fatal})
        log.info("import of %s: %d rows, %d rejected, %s", fs.name, fs.rows, len(fs.rejected),
                 "committed" if commit else "rolled back")

    def _import_sheet(self, fs: FileState, sheet: readers.Sheet, det: Any) -> None:
        where = f"工作表“{sheet.name}”" if sheet.name else "文件"
        if det.kind is None:
            fs.error(1, "", f"{where}的表头无法识别为警情、案件、强制措施、法律文书或办案区记录"
                     "（编码可能不是 UTF-8/GB18030，或表头有合并单元格、多行表头）", fatal=True)
            return
        fs.kinds.append(det.kind)
        for i, h in det.unknown:
            fs.error(1, h, "未知表头，此列已忽略")
        for i, h in det.duplicate:
            fs.error(1, h, "表头重复，此列已忽略")
        for i in det.empty:
            fs.error(1, f"第{i + 1}列", "表头为空（可能是合并的表头单元格），此列已忽略")
        if det.missing:
            for h in det.missing:
                fs.error(1, h, "缺少必填列，整张表未导入", fatal=True)
            return
        handler = writers.HANDLERS[det.kind](self, fs, det.columns)
        batch: list[ParsedRow] = []
        parse = RowParser(det.kind, det, sheet.header, self.now).parse
        for row_no, cells in sheet.rows:
            parsed = parse(row_no, cells)
            if parsed is None:
                continue
            fs.rows += 1
            if not parsed.ok:
                for column, reason in parsed.errors:
                    fs.error(row_no, column, reason)
                continue
            batch.append(parsed)
            if len(batch) >= BATCH:
                handler.flush(batch)
                batch = []
                if self.progress is not None:
                    self.progress(fs.name, fs.rows, sheet.fraction())
        if batch:
            handler.flush(batch)
        if self.progress is not None:
            self.progress(fs.name, fs.rows, 1.0)


def key_fields(kind: str) -> list[str]:
    return [f.name for f in KINDS[kind] if f.key]
