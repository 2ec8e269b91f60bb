"""Running several searches at once, one per core, and collecting what they found.

OR-Tools' routing search is single-threaded, so parallelism means processes. The pool is kept
between solves (and started by `warm_up`) so that a solve does not pay for starting Python and
loading OR-Tools. Workers get an absolute deadline, so a slow start only shortens their search.
A solve with several workers runs all of them in the pool and only waits: it can answer at its
deadline whatever a search does (OR-Tools holds the GIL while it searches, and builds its model
without looking at the clock). A solve with one searches in a thread of its own process.

Every solver process (these and the app's) starts with `become_worker`: it runs at a lower
priority than the process serving requests, and it dies with its parent, `kill -9` included.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import FrameType

import numpy as np

from routing.route.integer_problem import IntegerProblem
from routing.route.ortools_model import SearchResult, result_of, search

Routes = tuple[tuple[int, ...], ...]
"""Stop nodes per vehicle, in visit order."""

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_ready = False
"""Whether this process's fork server is up, so that a pool starts its processes at once."""
_solving = 0
"""Solves searching in this process now (threads): the pool grows to hold all their workers."""

SOLVER_NICE = 10
"""Niceness of solver processes: the web process (nice 0) gets the cores first when it needs them."""
_PR_SET_PDEATHSIG = 1


def become_worker(owner_pid: int, nice: int = SOLVER_NICE) -> None:
    """Initializer of every solver process: lower its priority and tie its life to `owner_pid`,
    the process that made the pool.

    Linux sends SIGKILL when the parent ends (`PR_SET_PDEATHSIG`). The parent of a forkserver
    child is the fork server, which ends when its owner does, once no child holds the owner's
    "alive" pipe: so the child closes its inherited copy (and starts its own fork server for any
    pool of its own). A parent that ended before the signal was set is caught by the check after.
    Ended by SIGTERM (its pool stopped), it ends its own fork server first (`_end_with_server`).
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, 9, 0, 0, 0)
    server = multiprocessing.forkserver._forkserver
    inherited = getattr(server, "_forkserver_alive_fd", None)
    if inherited is not None and getattr(server, "_forkserver_pid", None) is None:
        os.close(inherited)
        server._forkserver_alive_fd = None  # type: ignore[attr-defined]
        server._forkserver_address = None  # type: ignore[attr-defined]
    if not _descends_from(owner_pid):
        os._exit(0)
    signal.signal(signal.SIGTERM, _end_with_server)
    lower_priority(nice)


def _end_with_server(signum: int, frame: FrameType | None) -> None:
    """SIGTERM's handler in a solver process: end the fork server it started, then itself as
    SIGTERM would have.

    A fork server imports its modules (OR-Tools and VROOM: 0.6 s of CPU on a quiet machine)
    before it first looks at its owner's "alive" pipe, and cannot be tied to its owner sooner
    (its first import runs `routing`'s, which loads everything). An app stopped soon after it
    started left its solver processes' servers loading on as orphans: in the tests, each app
    stopped two, 35-40 loaded at once in a run, a core's worth of CPU at the solves' priority.
    """
    server = getattr(multiprocessing.forkserver._forkserver, "_forkserver_pid", None)
    if server is not None:
        with contextlib.suppress(OSError):
            os.kill(server, signal.SIGKILL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def lower_priority(nice: int) -> None:
    """Run at niceness `nice` at least (never raises priority, which needs privileges)."""
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if nice > current:
        os.setpriority(os.PRIO_PROCESS, 0, nice)


def _descends_from(owner_pid: int) -> bool:
    """Whether this process's parent is `owner_pid`, or a fork server that `owner_pid` started."""
    parent = os.getppid()
    if parent == owner_pid:
        return True
    try:
        stat = open(f"/proc/{parent}/stat", encoding="ascii").read()  # noqa: SIM115
    except OSError:
        try:
            os.kill(owner_pid, 0)
        except OSError:
            return False
        return True
    # The command name may hold spaces and parentheses: the fields after its last ")".
    return int(stat.rpartition(")")[2].split()[1]) == owner_pid


def solver_context() -> multiprocessing.context.ForkServerContext:
    """The context of every process a solve starts: from this process's fork server, which
    has the search and VROOM's start loaded, so that a new process starts in 20-40 ms.

    The fork server is started by the first process started from it, with the modules to load
    named then: when VROOM's process came first, with none of these, every later one (a VROOM
    process per large solve) took 0.5 s to import them before it could begin.
    """
    context = multiprocessing.get_context("forkserver")
    # Named from `search` itself: a stale module name would be skipped without a word. A
    # machine without VROOM's wheel skips the last two (the start is then not used).
    # Not the compiled search (`sisr`): numba's import, about a second, in the fork server
    # delayed every solver process's start (the app's first solves under load, CI); a search
    # process imports it when `warm_up` starts it, or at its first compiled search.
    context.set_forkserver_preload([search.__module__, "routing.route.vroom_start", "vroom"])
    return context


def _executor(size: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size < size:
            if _pool is not None:
                # Its searches under way (another solve's) end in it; then its processes do.
                _pool.shutdown(wait=False)
            _pool = ProcessPoolExecutor(
                max_workers=size,
                mp_context=solver_context(),
                initializer=become_worker,
                initargs=(os.getpid(),),
            )
            _pool_size = size
        return _pool


def warm_up(workers: int, concurrent_solves: int = 1) -> None:
    """Start the fork server and the worker processes now (with more than one worker), so that
    the first solve does not wait for them.

    Each solve with more than one worker uses `workers` of them; the pool holds enough for
    `concurrent_solves` solves at once.
    """
    global _ready
    size = workers * concurrent_solves
    if workers > 1:
        # With one worker a solve searches in its own process, and the fork server only starts
        # a large day's VROOM process: it starts with the first (0.6 s of that one's VROOM
        # share), rather than an OR-Tools and VROOM loaded per solver process that may never
        # plan a large day (a one-core machine; each test's app, whose two cost 1.2 s of CPU:
        # tests/plans and tests/accounts took 117 s with them, 96 s without).
        solver_context()
        multiprocessing.forkserver.ensure_running()
        pool = _executor(size)
        for future in [pool.submit(_load_compiled) for _ in range(size)]:
            future.result()
        _ready = True


def _load_compiled() -> None:
    """Import the compiled search (numba and its cached steps: about a second) in a search
    process now, rather than in the first solve whose clock runs while it does. The rep's day
    with lunch and split opening hours runs it: `bench.rep_day`'s day at 2 s netted 8,306 in
    the run whose compiled worker imported it, 8,531 in the others."""
    from routing.route import sisr  # noqa: F401


def shutdown() -> None:
    """Stop the pool's processes now, searches under way included."""
    global _pool, _pool_size
    with _lock:
        if _pool is not None:
            stop_pool(_pool)
        _pool, _pool_size = None, 0


def stop_pool(pool: ProcessPoolExecutor, grace_s: float = 1.0) -> None:
    """End `pool` and its processes: queued work is cancelled, running work ended."""
    # The executor keeps its processes private; without them a running task would finish
    # (or, for a long search, outlive the shutdown) unseen.
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + grace_s
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(1.0)


def _order(n_nodes: int, n_stops: int, seed: int, worker: int) -> np.ndarray | None:
    """How worker `worker` numbers the stops: the problem's own order for the first worker of
    seed 0, a seeded shuffle otherwise (OR-Tools breaks ties by node number)."""
    if seed == 0 and worker == 0:
        return None
    rng = np.random.default_rng([seed, worker])
    return np.concatenate([rng.permutation(n_stops), np.arange(n_stops, n_nodes)])


BUILD_S_PER_NODE_SQUARED = 7e-7
"""Seconds to build the OR-Tools model, per node squared: twice what was measured here (0.32-0.38
s for 1,100 nodes, 0.04 s for 305), for a machine busy with another solve. A search that could
not build its model and search a little before its deadline is not started: it would end late,
its answer unused. (A week's many windows over a week-long horizon cost more: 1.5-4.6 s,
measured under load, for 275 nodes; such a search is not waited for.)"""
GROWN_EVERY = 2
"""Every this many workers, one runs another recipe: the compiled search (`sisr`) where it
covers the problem (at most one break a day: a rep's day with lunch and split opening hours),
else OR-Tools' search from grown plans (`search`'s `grown`): the second, the fourth... A single
worker runs OR-Tools' search from cheapest insertion. On 16 field days at 2 s (`bench.field_day_peers`), of the better peer: the
second worker from grown plans 1.0036 (below on 5); compiled 1.0096 and 1.0063 (below on 4, 3);
both workers compiled 1.0076 (15 days, below on 4). On the TOPTW's pr05-pr10 at m = 2 and 10 s,
mean score: 892, 919.5 and 925.8 (PyVRP 922-925)."""
RESULT_GRACE_S = 0.1
"""How long past the deadline a worker's result is waited for (OR-Tools stops within
milliseconds of its limit; the result travels back in less)."""


FIRST_COMPILED_MAX_STOPS = 500
"""Above this many stops the first worker keeps OR-Tools' recipe. On the largest day the API
accepts (1,000 accounts, 100 reps: `bench.time_limit`'s pair, two solves at once at 1 s on two
cores) four compiled searches came back too late for the solve, which then kept VROOM's start
repaired: in three runs, 424-535 visits served in four of the six 1 s solves and 785 in the
other two, against 863 and 895 in a run with OR-Tools' recipe first."""


def _compiled(problem: IntegerProblem, worker: int, pooled: bool) -> bool:
    """Whether worker `worker` runs the compiled search (`sisr`) rather than OR-Tools'.

    The first too, in the pool (not in the solving process's own thread, which would then
    import numba), on a day without required stops and not among the largest
    (`FIRST_COMPILED_MAX_STOPS`). On `bench.field_day_peers`' 16 days at 2 s OR-Tools' plan had
    been the better of the two workers' on none; the whole solver with the first compiled:
    total net 134,090 and 134,006 against 133,696-134,039 (same hour); TOPTW pr05-pr10, m = 1
    and 2, 10 s, seed 0: 720.75 (gap 0.17%) against 718.67 (0.37%), better on 5, worse on none.
    """
    # Days with required stops (pinned, appointments) keep OR-Tools' recipe on the first worker
    # and the compiled search on the second. The second had OR-Tools' recipe too after a
    # CI run's 0.5 s re-plan under load lost its pinned stop with the compiled worker; a rep's
    # "add to today" lost its stop with OR-Tools' recipe in a test run loaded by orphaned fork
    # servers (`_end_with_server`): a search starved past its deadline, which
    # `solver._place_required` now makes room for. Re-plans of the 16 days of `bench.field_day_peers` from a 2 s plan
    # with two left-out accounts pinned (2 s, four seeds; one day's pins cannot be served
    # together): with the second worker compiled, 1.0136 of the net with both on OR-Tools'
    # recipes, below on 1 of 15 (0.9997), up to 1.0403.
    first = (
        worker == 0
        and pooled
        and problem.n_stops <= FIRST_COMPILED_MAX_STOPS
        and not problem.required.any()
    )
    if not first and worker % GROWN_EVERY != GROWN_EVERY - 1:
        return False
    # Imported here: numba takes a second to import, and only solver processes need it.
    from routing.route import sisr

    return sisr.fits(problem)


def _job(
    problem: IntegerProblem,
    deadline: float,
    seed: int,
    worker: int,
    inactive: frozenset[int],
    start: Routes | None = None,
    pooled: bool = False,
) -> SearchResult | None:
    remaining = deadline - time.time()
    if _compiled(problem, worker, pooled):
        from routing.route import sisr

        # From the plan given too (VROOM's, on a large day), as the first worker.
        routes = sisr.search(
            problem,
            # From the deadline itself: the first compiled search of a process imported numba.
            deadline=time.monotonic() + (deadline - time.time()),
            inactive=inactive,
            seed=seed * 1000 + worker,
            start=start,
        )
        return None if routes is None else result_of(problem, routes)
    if remaining <= 0.05 + BUILD_S_PER_NODE_SQUARED * problem.n_nodes**2:
        return None
    return search(
        problem,
        time_limit_s=remaining,
        order=_order(problem.n_nodes, problem.n_stops, seed, worker),
        inactive=inactive,
        seed=seed * 1000 + worker,
        grown=worker % GROWN_EVERY == GROWN_EVERY - 1,
        # The first worker goes on from the plan given (if any); the others search afresh.
        start=None if start is None or worker else [list(nodes) for nodes in start],
    )


def _submit(
    problem: IntegerProblem,
    deadline: float,
    seed: int,
    workers: int,
    inactive: frozenset[int],
    start: Routes | None,
    *,
    first: int = 0,
    pool_size: int,
) -> list[Future[SearchResult | None]]:
    """Workers `first`.. of a solve, submitted to a pool of at least `pool_size` (none if the
    pool is broken)."""
    global _ready
    try:
        pool = _executor(pool_size)
        futures = [
            pool.submit(_job, problem, deadline, seed, worker, inactive, start, pooled=True)
            for worker in range(first, workers)
        ]
    except (BrokenProcessPool, RuntimeError, OSError):
        shutdown()
        return []
    _ready = True
    return futures


def _in_thread[T](work: Callable[[], T]) -> Future[T]:
    """`work()` in a daemon thread; the future holds its result or its error."""
    future: Future[T] = Future()

    def run() -> None:
        future.set_running_or_notify_cancel()
        try:
            future.set_result(work())
        except BaseException as error:  # handed to whoever waits for it
            future.set_exception(error)

    threading.Thread(target=run, daemon=True).start()
    return future


def run_searches(
    problem: IntegerProblem,
    *,
    impossible: set[int],
    budget_s: float,
    seed: int,
    workers: int,
    start: Routes | None = None,
) -> list[SearchResult | None]:
    """Run `workers` searches for `budget_s` seconds of wall clock, in the pool (one, in a thread
    of this process; the first of a process, while its pool starts, too).

    A result that is not in `RESULT_GRACE_S` after that is not waited for: a worker that started
    late (behind another solve's search in the pool, or in a pool still starting) or a search
    that overran (OR-Tools builds its model, and may find its first plan, without looking at the
    clock). The answer is on time without it. `start` (stop nodes per vehicle, feasible) is a
    plan for the first worker to go on from.
    """
    global _solving
    with _lock:
        _solving += 1
        at_once = _solving
    try:
        return _run(problem, impossible, budget_s, seed, workers, at_once, start)
    finally:
        with _lock:
            _solving -= 1


def _run(
    problem: IntegerProblem,
    impossible: set[int],
    budget_s: float,
    seed: int,
    workers: int,
    at_once: int,
    start: Routes | None,
) -> list[SearchResult | None]:
    deadline = time.time() + budget_s
    inactive = frozenset(impossible)
    futures: list[Future[SearchResult | None]] = []
    starting: threading.Thread | None = None
    if workers > 1 and _ready:
        futures = _submit(
            problem, deadline, seed, workers, inactive, start, pool_size=workers * at_once
        )
    elif workers > 1:
        # The first pool of a process starts the fork server, which loads OR-Tools: a second
        # or more. In a thread, so that this solve's first search starts now, here; the others
        # search what is left of the time.
        starting = threading.Thread(
            target=lambda: futures.extend(
                _submit(
                    problem, deadline, seed, workers, inactive, start, first=1, pool_size=workers
                )
            ),
            daemon=True,
        )
        starting.start()
    here = (
        _in_thread(lambda: _job(problem, deadline, seed, 0, inactive, start))
        if workers == 1 or starting is not None
        else None
    )
    waited = deadline + RESULT_GRACE_S
    results = [] if here is None else _collect([here], waited)
    if starting is not None:
        starting.join(max(0.0, waited - time.time()))
    return results + _collect(list(futures), waited)


def _collect(
    futures: list[Future[SearchResult | None]], waited: float
) -> list[SearchResult | None]:
    """The results of `futures` that are in by `waited` (`time.time()`)."""
    results = []
    for future in futures:
        try:
            results.append(future.result(timeout=max(0.0, waited - time.time())))
        except TimeoutError:
            # Cancelled if still queued; a running search ends at the deadline it was given
            # (in a thread, once its model is built). The pool, and other solves' searches in
            # it, are left alone.
            future.cancel()
        except BrokenProcessPool:
            shutdown()
    return results
