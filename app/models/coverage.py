"""The record of coverage changes: every apply of the coverage model (who, when, with which
thresholds, and each account's coverage old -> new)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.models.base import Base


class CoverageChange(Base):
    """One apply of the coverage model to a team: the thresholds, the team totals it expected
    and the accounts it changed (`items`: account id and name, coverage and remote cadence
    before and after), kept whole so the record outlives the accounts."""

    __tablename__ = "coverage_change"
    __table_args__ = (Index("ix_coverage_change_team_id_at", "team_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=clock.now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    hybrid_threshold: Mapped[float]
    remote_threshold: Mapped[float]
    accounts_changed: Mapped[int]
    totals: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
