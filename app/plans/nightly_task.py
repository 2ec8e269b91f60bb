"""The nightly plan of one rep as a job (kind `nightly_plan`, queued by `app.plans.nightly`):
the rep's week refreshed from the night's date, and the next week too when the rep's working
week ends that day, in the job's transaction (a redelivered job plans once)."""

from __future__ import annotations

from datetime import date

from app.core.errors import AppError
from app.jobs.kinds import JobFailed, JobKind, JobOutcome, JobWork, register
from app.models import Rep
from app.plans.lookahead import refresh
from app.plans.nightly import KIND, NIGHTLY, nights_days
from app.plans.schemas import RefreshRequest
from routing import TravelError


def _run(work: JobWork) -> JobOutcome:
    params = work.job.params
    rep = work.session.get(Rep, int(params["rep_id"]))
    if rep is None:
        raise JobFailed(f"rep {params['rep_id']} no longer exists")
    if not rep.active:
        raise JobFailed(f"{rep.name} is no longer active")
    local_date = date.fromisoformat(params["local_date"])
    starts = nights_days(rep, local_date)
    planned: list[str] = []
    work.progress(0, 1)
    for start in starts:
        try:
            run = refresh(
                work.session,
                NIGHTLY,
                rep.id,
                RefreshRequest(from_date=start),
                work.settings,
                run=work.solve,
            )
        except (AppError, TravelError) as exc:
            raise JobFailed(f"{rep.name}, from {start}: {exc}") from exc
        planned += [day.date.isoformat() for day in run.refreshed]
    work.progress(1, 1)
    if not planned:
        return JobOutcome()
    first, last = min(planned), max(planned)
    days = (date.fromisoformat(last) - date.fromisoformat(first)).days + 1
    return JobOutcome(links={"plans": f"/api/v1/plans?start={first}&days={days}&rep_id={rep.id}"})


NIGHTLY_PLAN = register(JobKind(KIND, _run))
