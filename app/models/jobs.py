"""Durable background jobs (app/jobs): the job a client polls, and the input it runs on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.models.base import Base

JOB_STATES = ("queued", "running", "succeeded", "failed", "cancelled")
FINISHED_STATES = ("succeeded", "failed", "cancelled")


class Job(Base):
    """Long work run outside the request: in the web process, or by a Celery worker when a
    broker is configured. `kind` names the handler (app/jobs/kinds.py); `params` are its JSON
    arguments; `links` point at what the job is about and what it produced."""

    __tablename__ = "job"
    __table_args__ = (
        # A double click (the same Idempotency-Key from the same user) is one job.
        UniqueConstraint("created_by_id", "idempotency_key", name="uq_job_idempotency"),
        Index("ix_job_state", "state"),
        Index("ix_job_team_id", "team_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str | None] = mapped_column(String(500))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    links: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # "host:pid" of the process running (or, queued in the web process, holding) the job.
    runner: Mapped[str | None] = mapped_column(String(100))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    # What the keyed request was (kind, params, input), so a key reused for another is refused.
    fingerprint: Mapped[str | None] = mapped_column(String(64))


class JobInput(Base):
    """An uploaded file a job runs on, stored before the job is queued so that any worker can
    run or retry it; deleted in the transaction that finishes the job. Its row is also the
    job's run lock: a worker holds it (SELECT ... FOR UPDATE) while it writes."""

    __tablename__ = "job_input"

    job_id: Mapped[int] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size_bytes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
