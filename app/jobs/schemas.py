"""Jobs as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.jobs import progress
from app.models import Job

JobState = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class JobProgress(BaseModel):
    done: int = Field(description="parts done (rows, reps, ...); equals total at the end")
    total: int = Field(description="parts in all; 0 while not known yet")


class JobRead(BaseModel):
    """A background job: where it is, how far along, how it ended, and links to what it is
    about (for an import: its row-level report)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 42,
                    "kind": "territory_proposal",
                    "state": "succeeded",
                    "progress": {"done": 10, "total": 10},
                    "created_at": "2026-03-04T16:00:00Z",
                    "started_at": "2026-03-04T16:00:01Z",
                    "finished_at": "2026-03-04T16:00:09Z",
                    "error": None,
                    "cancel_requested": False,
                    "attempts": 1,
                    "links": {
                        "self": "/api/v1/jobs/42",
                        "territories": "/api/v1/territories?team_id=3",
                        "proposal": "/api/v1/territories/proposals/17",
                    },
                },
                {
                    "id": 41,
                    "kind": "plan_batch",
                    "state": "running",
                    "progress": {"done": 3, "total": 10},
                    "created_at": "2025-06-02T06:00:00Z",
                    "started_at": "2025-06-02T06:00:00Z",
                    "finished_at": None,
                    "error": None,
                    "cancel_requested": False,
                    "attempts": 0,
                    "links": {"self": "/api/v1/jobs/41", "result": "/api/v1/plans/batch/41"},
                },
            ]
        }
    )

    id: int
    kind: str = Field(description="what the job does, e.g. import_accounts")
    state: JobState = Field(
        description="queued, running, then succeeded, failed (see error) or cancelled"
    )
    progress: JobProgress
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None = Field(description="why it failed or was cancelled")
    cancel_requested: bool = Field(description="a cancel was asked for; it stops at its next step")
    attempts: int = Field(description="times a runner started it (more than 1: retried)")
    links: dict[str, str] = Field(description="self, and what the job is about or produced")

    @classmethod
    def of(cls, job: Job) -> JobRead:
        live = progress.of(job.id) if job.state == "running" else None
        done, total = live if live is not None else (job.progress_done, job.progress_total)
        return cls(
            id=job.id,
            kind=job.kind,
            state=job.state,  # type: ignore[arg-type]
            progress=JobProgress(done=done, total=total),
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            error=job.error,
            cancel_requested=job.cancel_requested or progress.cancelling(job.id),
            attempts=job.attempts,
            links={"self": f"/api/v1/jobs/{job.id}", **(job.links or {})},
        )
