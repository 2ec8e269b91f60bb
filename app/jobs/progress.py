"""Jobs running in this process: their progress, and a way to ask them to stop.

On SQLite a job's progress cannot be written to its row while the job's own transaction holds
the database's one write lock, so the web process (the only runner on SQLite) keeps it here and
the API reads it from here. Workers (PostgreSQL) write it to the row as well (`app.jobs.run`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class Running:
    done: int = 0
    total: int = 0
    cancel: threading.Event = field(default_factory=threading.Event)


_running: dict[int, Running] = {}
_lock = threading.Lock()


def started(job_id: int, total: int) -> Running:
    with _lock:
        running = _running[job_id] = Running(total=total)
    return running


def ended(job_id: int) -> None:
    with _lock:
        _running.pop(job_id, None)


def of(job_id: int) -> tuple[int, int] | None:
    """(done, total) of a job running in this process, None when it runs elsewhere or not."""
    with _lock:
        running = _running.get(job_id)
        return None if running is None else (running.done, running.total)


def request_cancel(job_id: int) -> bool:
    """Ask a job running in this process to stop; False when it does not run here."""
    with _lock:
        running = _running.get(job_id)
    if running is None:
        return False
    running.cancel.set()
    return True


def cancelling(job_id: int) -> bool:
    with _lock:
        running = _running.get(job_id)
    return running is not None and running.cancel.is_set()
