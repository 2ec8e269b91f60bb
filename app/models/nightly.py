"""The nightly plan's record: one row per rep and local date, so that a rep is planned once a
night however many beats or retried ticks look (the unique key is the guard)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.models.base import Base

NIGHTLY_STATES = ("queued", "refused")
"""`queued`: a `nightly_plan` job was made (its state is the job's); `refused`: no job, `detail`
says why (a rep without a home)."""


class NightlyRun(Base):
    """A rep's nightly plan for one date on their clock."""

    __tablename__ = "nightly_run"
    __table_args__ = (UniqueConstraint("rep_id", "local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("rep.id", ondelete="CASCADE"))
    local_date: Mapped[date]
    state: Mapped[str] = mapped_column(String(16))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", ondelete="SET NULL"))
    detail: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
