"""Rebalance proposals and the record of every territory change (who, when, what moved)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.models.base import Base


class TerritoryProposal(Base):
    """A computed rebalance of one team's territories, applied only on request, and only while
    the territories are as they were when it was computed (`base_fingerprint`)."""

    __tablename__ = "territory_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    base_fingerprint: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Account id -> rep id after the rebalance, for every account of the team it covers.
    assignment: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    # What the API shows: per-rep before/after, moves, balance, solver figures.
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class TerritoryChange(Base):
    """One account changing territory: by a proposal, by hand, or by an import."""

    __tablename__ = "territory_change"
    __table_args__ = (Index("ix_territory_change_team_id_at", "team_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=clock.now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    # History outlives the account: the row keeps its name, and the id goes null on delete.
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"), index=True
    )
    account_name: Mapped[str | None] = mapped_column(String(200))
    from_territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territory.id", ondelete="SET NULL")
    )
    to_territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territory.id", ondelete="SET NULL")
    )
    # Who covered the territories at the time (a territory may change hands later).
    from_rep_id: Mapped[int | None] = mapped_column(ForeignKey("rep.id", ondelete="SET NULL"))
    to_rep_id: Mapped[int | None] = mapped_column(ForeignKey("rep.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(16))
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("territory_proposal.id", ondelete="SET NULL")
    )
