"""A job kind for tests: its one solve says which process ran it (`links.pid`)."""

from __future__ import annotations

import os

from app.jobs.kinds import JobKind, JobOutcome, JobWork, register

KIND = "test_solve_probe"


def pid() -> int:
    return os.getpid()


def _run(work: JobWork) -> JobOutcome:
    return JobOutcome(links={"pid": str(work.solve(pid))})


PROBE = register(JobKind(KIND, _run))
