"""The lease columns shared by jobs and pages (see ``ecase.leases``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ecase.models._types import UTCDateTime


class Leased:
    """A row a worker takes for a while: who holds it, until when, and when a message
    was last sent for it. A row whose lease has expired is nobody's."""

    #: ``host:pid:token`` of the worker holding the row, while it holds it
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    #: when the lease runs out unless the holder renews it
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: when a message was last sent for the row, and how many have been sent
    rung_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    rings: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
