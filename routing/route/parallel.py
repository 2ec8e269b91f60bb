"""Running several searches at once, one per core, and collecting what they found.

OR-Tools' routing search is single-threaded, so parallelism means processes. The pool is kept
between solves (and started by `warm_up`) so that a solve does not pay for starting Python and
loading OR-Tools. Workers get an absolute deadline, so a slow start only shortens their search.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from routing.route.integer_problem import IntegerProblem
from routing.route.ortools_model import SearchResult, search

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def _executor(size: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size < size:
            if _pool is not None:
                _pool.shutdown(wait=False, cancel_futures=True)
            context = multiprocessing.get_context("forkserver")
            # Named from `search` itself: a stale module name would be skipped without a word.
            context.set_forkserver_preload([search.__module__])
            _pool = ProcessPoolExecutor(max_workers=size, mp_context=context)
            _pool_size = size
        return _pool


def warm_up(workers: int, concurrent_solves: int = 1) -> None:
    """Start the worker processes now, so that the first solve does not wait for them.

    Each solve uses `workers - 1` of them (it searches in its own process too); the pool holds
    enough for `concurrent_solves` solves at once.
    """
    size = (workers - 1) * concurrent_solves
    if size > 0:
        pool = _executor(size)
        for future in [pool.submit(time.sleep, 0) for _ in range(size)]:
            future.result()


def shutdown() -> None:
    global _pool, _pool_size
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool, _pool_size = None, 0


def _order(n_nodes: int, n_stops: int, seed: int, worker: int) -> np.ndarray | None:
    """How worker `worker` numbers the stops: the problem's own order for the first worker of
    seed 0, a seeded shuffle otherwise (OR-Tools breaks ties by node number)."""
    if seed == 0 and worker == 0:
        return None
    rng = np.random.default_rng([seed, worker])
    return np.concatenate([rng.permutation(n_stops), np.arange(n_stops, n_nodes)])


def _job(
    problem: IntegerProblem,
    deadline: float,
    seed: int,
    worker: int,
    inactive: frozenset[int],
) -> SearchResult | None:
    remaining = deadline - time.time()
    if remaining <= 0.05:
        return None
    return search(
        problem,
        time_limit_s=remaining,
        order=_order(problem.n_nodes, problem.n_stops, seed, worker),
        inactive=inactive,
        seed=seed * 1000 + worker,
    )


def run_searches(
    problem: IntegerProblem,
    *,
    impossible: set[int],
    budget_s: float,
    seed: int,
    workers: int,
) -> list[SearchResult | None]:
    """Run `workers` searches for `budget_s` seconds of wall clock; one runs in this process."""
    deadline = time.time() + budget_s
    inactive = frozenset(impossible)
    futures: list[Future[SearchResult | None]] = []
    if workers > 1:
        try:
            pool = _executor(workers - 1)
            futures = [
                pool.submit(_job, problem, deadline, seed, worker, inactive)
                for worker in range(1, workers)
            ]
        except (BrokenProcessPool, RuntimeError, OSError):
            shutdown()
            futures = []
    results = [_job(problem, deadline, seed, 0, inactive)]
    for future in futures:
        try:
            results.append(future.result(timeout=max(0.0, deadline - time.time()) + 1.0))
        except (BrokenProcessPool, TimeoutError):
            shutdown()
    return results
