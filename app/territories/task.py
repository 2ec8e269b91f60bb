"""A rebalance proposal as a job (kind `territory_proposal`): a large team's design (CP-SAT,
up to its time limit) runs on the workers, or after the response in the web process, never
inside the request. The request checks what it can at once (scope, the team ready, the reps to
remove) and queues the job; the job designs from the team as it is then, stores the proposal
in its transaction and links to it. Progress counts the seconds of the design's time limit."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.principal import Principal, principal_for
from app.core.concurrency import Runner
from app.core.errors import AppError
from app.jobs import service as jobs
from app.jobs.dispatch import Dispatcher
from app.jobs.kinds import JobFailed, JobKind, JobOutcome, JobWork, register
from app.models import Job, User
from app.territories.proposals import checked_request, create_proposal
from app.territories.schemas import ProposalCreate

KIND = "territory_proposal"
TICK_S = 0.5
"""How often a running design reports progress (and hears of a cancel)."""
ACTIVE = ("queued", "running")


def proposal_url(proposal_id: int) -> str:
    return f"/api/v1/territories/proposals/{proposal_id}"


def submit(
    session: Session,
    principal: Principal,
    body: ProposalCreate,
    dispatcher: Dispatcher,
    *,
    key: str | None = None,
) -> tuple[Job, bool]:
    """Queue a proposal's design; returns the job and whether it is an earlier one: the same
    `Idempotency-Key` again, or the same team and parameters while that one is not done (a
    double click, from anyone who may see the team)."""
    team, _state = checked_request(session, principal, body)
    params = body.model_dump(mode="json") | {"team_id": team.id}
    prior = jobs.existing(session, principal, key, jobs.fingerprint(KIND, params, None))
    if prior is None:
        prior = _same_one_running(session, team.id, params)
    if prior is not None:
        return prior, True
    job = jobs.create(session, principal, kind=KIND, team_id=team.id, params=params, data=None,
                      total=math.ceil(body.time_limit_s), key=key)  # fmt: skip
    job.links = {"territories": f"/api/v1/territories?team_id={team.id}"}
    jobs.dispatch(session, job, dispatcher)
    return job, False


def _same_one_running(session: Session, team_id: int, params: dict[str, Any]) -> Job | None:
    running = session.scalars(
        select(Job)
        .where(Job.kind == KIND, Job.team_id == team_id, Job.state.in_(ACTIVE))
        .order_by(Job.id)
    )
    return next((job for job in running if job.params == params), None)


def _run(work: JobWork) -> JobOutcome:
    user = work.session.get(User, work.job.created_by_id) if work.job.created_by_id else None
    if user is None or not user.active:
        raise JobFailed("the user who asked for this proposal no longer exists or is inactive")
    body = ProposalCreate(**work.job.params)
    try:
        proposal = create_proposal(
            work.session, work.settings, principal_for(user), body, _ticking(work)
        )
    except AppError as exc:
        raise JobFailed(exc.detail) from exc
    # A cancel asked for while the proposal was being stored still stops it.
    work.progress(work.job.progress_total, work.job.progress_total)
    return JobOutcome(links={"proposal": proposal_url(proposal.id)})


def _ticking(work: JobWork) -> Runner:
    """A runner for the design: through `work.solve` (in the web process, its solver
    processes) from a thread, while this one reports the seconds spent (the progress) every
    `TICK_S` and stops waiting when the job is cancelled (`JobCancelled` from
    `work.progress`). A cancelled design is left to end at its own time limit; its answer is
    dropped."""
    total = work.job.progress_total

    def run[T](design: Callable[..., T], /, *args: Any) -> T:
        answer: list[T] = []
        failure: list[BaseException] = []

        def target() -> None:
            try:
                answer.append(work.solve(design, *args))
            except BaseException as exc:  # handed to the job's thread, raised there
                failure.append(exc)

        thread = threading.Thread(target=target, name=f"job-{work.job.id}-design", daemon=True)
        thread.start()
        ticks = 0
        work.progress(0, total)
        while True:
            thread.join(TICK_S)
            if not thread.is_alive():
                break
            ticks += 1
            # The time limit bounds the search; the last part is the proposal's own figures.
            work.progress(min(int(ticks * TICK_S), max(total - 1, 0)), total)
        if failure:
            raise failure[0]
        return answer[0]

    return run


TERRITORY_PROPOSAL = register(JobKind(KIND, _run))
