"""What a rep (or their manager) told the planner about one account on one day: keep it there
(pinned, added to the day, moved to it) or keep it off (moved away). Every plan and re-plan of
that day reads these (`app.plans.pins`), so a refresh does not undo the rep's own decision."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.models.base import Base

STOP_RULES = ("required", "forbidden")
"""`required`: the account must be on that day's route; `forbidden`: it must not be."""
STOP_RULE_SOURCES = ("pin", "add", "move")
"""What the rep did: pinned a stop, added an account to the day, moved a stop between days."""


class StopPin(Base):
    """One account's rule on one of a rep's days (one rule per rep, account and day)."""

    __tablename__ = "stop_pin"
    __table_args__ = (
        UniqueConstraint("rep_id", "account_id", "plan_date"),
        Index("ix_stop_pin_rep_id_plan_date", "rep_id", "plan_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("rep.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    plan_date: Mapped[date]
    rule: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
