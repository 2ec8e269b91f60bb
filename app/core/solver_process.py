"""What runs inside a solver process (`concurrency.SolverPool`): its start, and each call.

Kept apart from `concurrency`, which imports FastAPI, so that a solver process forked from its
fork server imports nothing: the server has this module, and what the solves need, preloaded.
A process that imported `concurrency` loaded FastAPI for nothing (0.13 s of CPU per process, two
per app: a quarter of `make test`'s processor time, where every test starts an app).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

from routing.route.parallel import become_worker
from routing.route.parallel import warm_up as warm_up_searches


def start_solver_process(owner_pid: int, nice: int, search_workers: int) -> None:
    """The pool's initializer: tied to its owner, niced, its search processes started."""
    become_worker(owner_pid, nice)
    warm_up_searches(search_workers)


def call_in_solver_process[T](work: Callable[..., T], args: tuple[Any, ...]) -> T:
    """`work(*args)` in a worker; an error that would not survive the trip back becomes one that
    does (a failure to unpickle it would break the pool for every solve)."""
    try:
        return work(*args)
    except Exception as error:
        try:
            pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes, just made)
        except Exception:
            raise RuntimeError(f"{type(error).__name__}: {error}") from None
        raise
