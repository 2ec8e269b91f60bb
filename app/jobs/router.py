"""`/api/v1/jobs`: background jobs (imports, ...): poll one, list them, cancel one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.access import require_role
from app.auth.dependencies import CurrentPrincipal
from app.core.config import Role
from app.core.deps import SessionDep
from app.core.http_errors import error_responses
from app.core.schemas import RowId
from app.jobs import service
from app.jobs.schemas import JobRead, JobState

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.get("", summary="List background jobs", responses=error_responses(401, 403, 422))
def list_jobs(
    session: SessionDep,
    principal: CurrentPrincipal,
    state: Annotated[JobState | None, Query(description="only jobs in this state")] = None,
    kind: Annotated[
        str | None, Query(max_length=32, pattern=r"^[a-z_]+$", description="e.g. import_accounts")
    ] = None,
) -> list[JobRead]:
    """The latest 50 jobs you may see (your teams' and your own; all for admins), newest first."""
    require_role(principal, Role.ADMIN, Role.MANAGER)
    return [JobRead.of(job) for job in service.latest(session, principal, state=state, kind=kind)]


@router.get(
    "/{job_id}", summary="Read a background job", responses=error_responses(401, 403, 404, 422)
)
def get_job(job_id: RowId, session: SessionDep, principal: CurrentPrincipal) -> JobRead:
    """One job: state, progress, times, why it failed, links to what it is about."""
    require_role(principal, Role.ADMIN, Role.MANAGER)
    return JobRead.of(service.get(session, principal, job_id))


@router.post(
    "/{job_id}/cancel",
    summary="Cancel a background job",
    responses=error_responses(401, 403, 404, 409, 422),
)
def cancel_job(job_id: RowId, session: SessionDep, principal: CurrentPrincipal) -> JobRead:
    """Stop a job: a queued one at once, a running one at its next step, nothing of it written.

    A running job says `cancel_requested` until it has stopped; a job that has ended is a 409.
    """
    require_role(principal, Role.ADMIN, Role.MANAGER)
    return JobRead.of(service.cancel(session, principal, job_id))
