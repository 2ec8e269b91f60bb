"""Import jobs and the geocode cache."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.models.base import Base
from app.models.jobs import Job


class ImportJob(Base):
    """A CSV import (or its dry run): status and counts to poll, and the row-level report."""

    __tablename__ = "import_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="accounts")
    status: Mapped[str] = mapped_column(String(16), default="queued")
    dry_run: Mapped[bool] = mapped_column(default=False)
    filename: Mapped[str | None] = mapped_column(String(255))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    total_rows: Mapped[int] = mapped_column(default=0)
    processed_rows: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    not_placed: Mapped[int] = mapped_column(default=0)
    mapping: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # Row errors [{row, column, value, message}] and the preview of a dry run.
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(String(500))
    # "host:pid" of the process running the job, so a restart fails only the jobs it lost.
    runner: Mapped[str | None] = mapped_column(String(100))
    # The durable job that runs the import (imports before jobs existed have none); its state,
    # times, progress and error are the import's.
    job_id: Mapped[int | None] = mapped_column(
        ForeignKey("job.id", ondelete="SET NULL"), unique=True
    )
    job: Mapped[Job | None] = relationship(lazy="joined")


class GeocodeCacheEntry(Base):
    """One geocoded address, keyed by its normalised form; no coordinates means a known miss."""

    __tablename__ = "geocode_cache"

    key: Mapped[str] = mapped_column(String(500), primary_key=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    precision: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(String(32))
    score: Mapped[float | None]
    matched: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
