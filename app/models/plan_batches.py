"""Batch plans (app/plans/batch.py): what each rep of a batch job came to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

BATCH_REP_STATES = ("queued", "planned", "refused", "failed", "cancelled")


class PlanBatchRep(Base):
    """One rep of a batch: the batch's job (the parent), the rep's own task (a child job) and
    its outcome, written in the task's transaction together with the rep's plan versions (which
    carry the batch's job id). `planned`, `kept`, `skipped`: as in `PlanRun`."""

    __tablename__ = "plan_batch_rep"
    __table_args__ = (UniqueConstraint("batch_id", "rep_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"), unique=True)
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("rep.id", ondelete="SET NULL"))
    rep_name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    # A refusal's HTTP status and words (the services' refusals name the rep).
    status: Mapped[int | None]
    detail: Mapped[str | None] = mapped_column(String(1000))
    planned: Mapped[list[str]] = mapped_column(JSON, default=list)
    kept: Mapped[list[str]] = mapped_column(JSON, default=list)
    skipped: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
