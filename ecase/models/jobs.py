"""Background work and its progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecase.db import Base
from ecase.models._lease import Leased
from ecase.models._types import UTCDateTime, utcnow

JOB_STATES = {
    "queued": "排队中",
    "splitting": "拆分页面",
    "processing": "处理中",
    "recognizing": "文书识别",
    "done": "完成",
    "failed": "失败",
}


class Job(Leased, Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # ingest, recognize, export …
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id"), index=True)
    volume_id: Mapped[int | None] = mapped_column(ForeignKey("volumes.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    #: what the job produced (an export package), as a blob key, and a line about it
    result_key: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: the task's arguments beyond the job id (an export's include_secondary …)
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: how many times a worker has taken the job
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    scan = relationship("Scan")

    @property
    def state_name(self) -> str:
        return JOB_STATES.get(self.state, self.state)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")
