"""The job kinds: what each `Job.kind` runs. A feature registers its handler in its own module
(`app/imports/task.py`), and `KIND_MODULES` names those modules so that a worker, which starts
from nothing, loads every handler before it runs a job."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.core.concurrency import Runner, run_here
from app.core.config import Settings
from app.models import Job

KIND_MODULES = (
    "app.imports.task",
    "app.plans.batch_task",
    "app.plans.nightly_task",
    "app.roads.task",
    "app.territories.task",
)
"""Modules that register a kind when imported; add a feature's task module here."""


class JobFailed(Exception):
    """Raised by a handler for a job that cannot be done; its message is the job's error."""


class JobCancelled(Exception):
    """Raised by `JobWork.progress` when the job was asked to stop: its writes are discarded."""


@dataclass
class JobWork:
    """What a handler gets: the job (read-only), its stored input, the session to write in (the
    runner commits it together with the job's end, so a job's writes land once or not at all)
    `progress`, to be called as parts finish (it raises `JobCancelled` when asked to), and
    `solve`, the runner every solve goes through."""

    job: Job
    session: Session
    settings: Settings
    input: bytes | None
    progress: Callable[[int, int], None]
    solve: Runner = run_here
    """Where the job's solves run: in the web process, its niced solver processes (the web
    tier stays responsive); on a worker, right there (the worker is the solver)."""


@dataclass
class JobOutcome:
    """How a job ended. `record` writes the kind's own report (in the session the job's end is
    committed in); `discard_writes` rolls back what the handler wrote first (a dry run)."""

    record: Callable[[Session], None] = lambda _session: None
    discard_writes: bool = False
    links: dict[str, str] = field(default_factory=dict)


Handler = Callable[[JobWork], JobOutcome]


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Handler
    on_end: Callable[[Session, Job], None] = lambda _session, _job: None
    """Called when a job ends without an outcome (failed or cancelled), in the session that
    records it: the kind mirrors the state into its own rows."""


_kinds: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    _kinds[kind.name] = kind
    return kind


def kind_of(name: str) -> JobKind:
    """The registered kind `name` (loading every feature's task module first)."""
    for module in KIND_MODULES:
        importlib.import_module(module)
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"no job kind {name!r} is registered (app/jobs/kinds.py)") from None


def params_of(job: Job) -> dict[str, Any]:
    return dict(job.params or {})
