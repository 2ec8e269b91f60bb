"""What happens on the road: visits and the daily route plans."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.models.base import Base, Timestamps

VISIT_STATUSES = ("booked", "arrived", "done", "skipped", "cancelled")
"""`booked`: an appointment (a required stop at `planned_start_at`); `arrived`: on site now;
`done`: visited (`started_at`..`ended_at` is the measured length); `skipped`: planned but not
visited today (`reason`); `cancelled`: an appointment called off."""
CHANNELS = ("visit", "call", "email", "video")
"""How the rep met the account: `visit` in person; the others are remote touches, logged done at
once, which count toward the account's cadence by a share (`routing.days.value`)."""
IN_PERSON = "visit"


class Visit(Timestamps, Base):
    """A visit of a rep to an account on a day: booked, arrived, done, skipped or cancelled; or
    a remote touch (`channel` other than "visit"). What is about visits in person (plans, the
    week rule, plan vs actual, the last visit) reads `Visit.in_person` rows only."""

    __tablename__ = "visit"
    __table_args__ = (
        Index("ix_visit_rep_id_visit_date", "rep_id", "visit_date"),
        Index("ix_visit_account_id_visit_date", "account_id", "visit_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("rep.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    visit_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default="planned")
    planned_start_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    # Why a visit was skipped or an appointment cancelled.
    reason: Mapped[str | None] = mapped_column(String(200))
    # An appointment's booked length; visits take the account's service time.
    duration_minutes: Mapped[int | None]
    channel: Mapped[str] = mapped_column(String(16), default=IN_PERSON, server_default=IN_PERSON)
    # What happens next, as the rep wrote it ("send the price list", "visit in March").
    next_step: Mapped[str | None] = mapped_column(String(300))

    @classmethod
    def in_person(cls) -> ColumnElement[bool]:
        """The rows that are visits in person, not remote touches."""
        return cls.channel == IN_PERSON


class RoutePlan(Base):
    """One version of a rep's plan for a day: the stops, what was left out and why, the totals."""

    __tablename__ = "route_plan"
    __table_args__ = (
        UniqueConstraint("rep_id", "plan_date", "version"),
        # A batch writes a rep's day once, however often its task is delivered.
        UniqueConstraint("job_id", "rep_id", "plan_date"),
        Index("ix_route_plan_plan_date", "plan_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("rep.id", ondelete="CASCADE"))
    plan_date: Mapped[date]
    version: Mapped[int] = mapped_column(default=1)
    # "day", "week" (one solve for several days) or "replan" (mid-day, from where the rep is).
    kind: Mapped[str] = mapped_column(String(16), default="day", server_default="day")
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    stops: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    left_out: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    totals: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What timed the travel ("osrm", "estimate", ...; routing.TravelMatrix.model) and in words.
    travel_model: Mapped[str] = mapped_column(
        String(32), default="estimate", server_default="estimate"
    )
    travel_detail: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # The drive along the roads, start to end, as [lat, lon] pairs (simplified); None when the
    # plan was made without roads.
    geometry: Mapped[list[list[float]] | None] = mapped_column(JSON, default=None)
    # What the plan was based on (app.plans.basis): compared on read to say why it is stale;
    # None for plans made before it was kept.
    basis: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # The batch job that made it (app.plans.batch); None for a plan asked for on its own.
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
