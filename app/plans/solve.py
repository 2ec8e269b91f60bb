"""Solving planning jobs: one in this process, or many at once in worker processes (a batch).

Only `routing` is imported here, so worker processes start without the web and database stack
(a road travel model brings its own module, `app.roads`, when it is unpickled there).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date

from routing import (
    Costs,
    Estimate,
    ProblemError,
    RequiredStopError,
    SolveOptions,
    Travel,
    ValueWeights,
)
from routing.days.planner import Appointment, Candidate, DaysPlan, Workday, plan_rep_days
from routing.route.parallel import become_worker, stop_pool


@dataclass(slots=True)
class PlanJob:
    """One rep's planning problem, ready to solve, and what storing its answer needs."""

    rep_id: int
    time_zone: str
    kind: str
    workdays: list[Workday]
    candidates: list[Candidate]
    appointments: list[Appointment]
    costs: Costs
    weights: ValueWeights
    time_limit_s: float
    # Accounts worth a visit that cannot be driven to (no coordinates): id -> first-day prize.
    unplaced: dict[int, float] = field(default_factory=dict)
    # Where travel times come from; pickles to paths and settings (worker processes open the
    # road data themselves).
    travel: Travel = field(default_factory=Estimate)
    # Names of the accounts required on a day (pinned, added, moved), for a refusal in words.
    names: dict[str, str] = field(default_factory=dict)
    # The appointments in words ("the 13:30 appointment at Harbor Deli on Thu 03 Dec"), by id.
    appointment_names: dict[str, str] = field(default_factory=dict)
    # The days' latest stored plans (account ids in visit order), for the search to go on from.
    previous: dict[date, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Unsolvable:
    """Why a job has no plan: the message names the appointment or field at fault."""

    message: str
    field: str


def solve_job(job: PlanJob, workers: int = 1) -> DaysPlan | Unsolvable:
    options = SolveOptions(time_limit_s=job.time_limit_s, seed=0, workers=workers)
    try:
        return plan_rep_days(
            job.workdays,
            job.candidates,
            job.appointments,
            costs=job.costs,
            weights=job.weights,
            options=options,
            travel=job.travel,
            previous=job.previous,
        )
    except RequiredStopError as exc:
        said = str(exc)
        for stop_id, words in [*job.names.items(), *job.appointment_names.items()]:
            said = said.replace(f"candidate {stop_id!r}", words).replace(f"{stop_id!r}", words)
        name = job.names.get(exc.stop_id)
        if name is None:
            return Unsolvable(f"an appointment cannot be kept: {said}", "appointments")
        return Unsolvable(
            f"{name} (account {exc.stop_id}) was pinned, added or moved to this day and cannot "
            f"be kept: {said}; unpin it or move it to another day",
            "account_id",
        )
    except ProblemError as exc:
        return Unsolvable(str(exc), "date")


def solve_jobs(jobs: Sequence[PlanJob], processes: int) -> list[DaysPlan | Unsolvable]:
    """Solve `jobs`, `processes` at a time, each on one core; results in job order.

    The web calls this in one of its solver processes; its pool's processes die with that one.
    """
    if processes <= 1 or len(jobs) <= 1:
        return [solve_job(job) for job in jobs]
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["app.plans.solve"])
    pool = ProcessPoolExecutor(
        max_workers=min(processes, len(jobs)),
        mp_context=context,
        initializer=become_worker,
        initargs=(os.getpid(),),
    )
    try:
        return list(pool.map(solve_job, jobs))
    finally:
        # Ended, not just shut down: an error above must not leave a batch solving on.
        stop_pool(pool)
