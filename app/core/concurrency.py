"""Keeping solves off the web process, and admitting them fairly.

- `SolverPool`: worker processes that run whole solves (building the problem, the searches,
  repair, timing, explanations), at a lower priority than the process that serves requests, and
  that die with it (`routing.route.parallel.become_worker`). The web process only waits.
- `SolveGate`: at most `max_concurrent_solves` run at once, at most one per user (the others
  wait in a bounded queue); a user with too many in flight gets 429, a full queue 503, both
  with `Retry-After`.
- Each role's cap on a solve's time limit (`role_settings`).
Territory designs are jobs (`app.territories.task`): on the workers, or in a thread of the
web process when it runs jobs itself.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import os
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import anyio
import anyio.from_thread
import anyio.lowlevel
import anyio.to_thread
from fastapi import FastAPI

from app.core.config import Role, Settings
from app.core.errors import AppError
from app.core.solver_process import call_in_solver_process, start_solver_process
from routing.route.parallel import stop_pool


class TooManySolves(AppError):
    """This caller already has as many solves running or waiting as one user may."""

    status_code = 429


class SolverFull(AppError):
    """The solve queue is full: the server has as much planning waiting as it takes."""

    status_code = 503


# --- the time limit each role may ask for ----------------------------------------------------


def time_limit_cap(settings: Settings, role: Role) -> float:
    """The longest solve `role` may ask for: reps short, managers longer, admins the maximum."""
    if role is Role.ADMIN:
        return settings.max_time_limit_s
    cap = (
        settings.max_time_limit_manager_s if role is Role.MANAGER else settings.max_time_limit_rep_s
    )
    return min(cap, settings.max_time_limit_s)


def role_settings(settings: Settings, role: Role) -> Settings:
    """`settings` with `max_time_limit_s` lowered to `role`'s cap: every time limit a solve
    takes (the request's or a plan's default) is clamped to it."""
    cap = time_limit_cap(settings, role)
    if cap == settings.max_time_limit_s:
        return settings
    return settings.model_copy(update={"max_time_limit_s": cap})


# --- fair admission ----------------------------------------------------------------------


@dataclass(slots=True)
class SolveGate:
    """Admission of solves: `slots` at once, `running_per_user` of them per user; the rest wait
    in arrival order (a waiter runs as soon as a slot is free and its user has none running)."""

    slots: int
    running_per_user: int
    in_flight_per_user: int
    max_waiting: int
    _running: dict[int, int] = field(default_factory=dict)
    _waiting: list[tuple[int, asyncio.Future[None]]] = field(default_factory=list)

    @property
    def running(self) -> int:
        return sum(self._running.values())

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def _fits(self, user: int) -> bool:
        return self.running < self.slots and self._running.get(user, 0) < self.running_per_user

    def _start(self, user: int) -> None:
        self._running[user] = self._running.get(user, 0) + 1

    def _finish(self, user: int) -> None:
        left = self._running[user] - 1
        if left:
            self._running[user] = left
        else:
            del self._running[user]
        self._wake()

    def _wake(self) -> None:
        for entry in list(self._waiting):
            user, granted = entry
            if granted.done():  # its caller gave up
                self._waiting.remove(entry)
            elif self._fits(user):
                self._waiting.remove(entry)
                self._start(user)
                granted.set_result(None)

    @asynccontextmanager
    async def admit(self, user: int, retry_after_s: float) -> AsyncIterator[None]:
        """Hold a solve slot for `user` in the block; wait for one if need be.

        Raises `TooManySolves` (429) or `SolverFull` (503), with `Retry-After`, when over the
        bounds.
        """
        retry = {"Retry-After": str(max(1, math.ceil(retry_after_s)))}
        mine = self._running.get(user, 0) + sum(1 for u, _ in self._waiting if u == user)
        if mine >= self.in_flight_per_user:
            raise TooManySolves(
                f"you have {mine} solve(s) running or waiting; at most "
                f"{self.in_flight_per_user} per user: retry when one has answered",
                headers=retry,
            )
        if self._fits(user):
            self._start(user)
        else:
            if len(self._waiting) >= self.max_waiting:
                raise SolverFull(
                    f"the server is solving at capacity with {len(self._waiting)} solves "
                    "waiting; retry later",
                    headers=retry,
                )
            granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            entry = (user, granted)
            self._waiting.append(entry)
            try:
                await granted
            except BaseException:
                if granted.done() and not granted.cancelled():
                    self._finish(user)  # admitted just as the caller gave up
                elif entry in self._waiting:
                    self._waiting.remove(entry)
                raise
        try:
            yield
        finally:
            self._finish(user)


def solve_gate(app: FastAPI) -> SolveGate:
    gate: SolveGate | None = getattr(app.state, "solve_gate", None)
    if gate is None:
        settings: Settings = app.state.settings
        gate = SolveGate(
            slots=settings.max_concurrent_solves,
            running_per_user=settings.max_running_solves_per_user,
            in_flight_per_user=settings.max_solves_per_user,
            max_waiting=settings.max_waiting_solves,
        )
        app.state.solve_gate = gate
    return gate


@asynccontextmanager
async def admitted(app: FastAPI, user_id: int, settings: Settings) -> AsyncIterator[None]:
    """A solve slot for `user_id` while in the block (see `SolveGate.admit`)."""
    async with solve_gate(app).admit(user_id, retry_after_s=settings.max_time_limit_s):
        yield


# --- the worker processes ------------------------------------------------------------------


class SolverPool:
    """`max_concurrent_solves` worker processes, started from the event loop's thread (the
    kernel's parent-death signal follows the thread that forked, and that one lasts)."""

    def __init__(self, settings: Settings, preload: list[str]) -> None:
        self._settings = settings
        self._preload = preload
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        # The workers run `solver_process`'s functions: loaded by the server, not each worker.
        context.set_forkserver_preload(["app.core.solver_process", *self._preload])
        size = self._settings.max_concurrent_solves
        executor = ProcessPoolExecutor(
            max_workers=size,
            mp_context=context,
            initializer=start_solver_process,
            initargs=(os.getpid(), self._settings.solver_nice, self._settings.solver_workers),
        )
        # Fork them now, not in the first solve (nothing waits for them here).
        for _ in range(size):
            executor.submit(int)
        return executor

    async def run[T](self, work: Callable[..., T], *args: Any) -> T:
        try:
            future = self._executor.submit(call_in_solver_process, work, args)
        except (BrokenProcessPool, RuntimeError):
            # A worker died (killed, out of memory): start afresh for this and later solves.
            stop_pool(self._executor)
            self._executor = self._start()
            future = self._executor.submit(call_in_solver_process, work, args)
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            stop_pool(self._executor)
            self._executor = self._start()
            raise SolverFull(
                "a solver process ended during the solve; retry", headers={"Retry-After": "1"}
            ) from None

    def stop(self) -> None:
        stop_pool(self._executor)


SOLVER_PRELOAD = ["routing.route.solver", "routing.days.planner"]
"""Loaded once by the fork server, so that workers start without importing them."""


def start_solver_pool(app: FastAPI, preload: list[str] | None = None) -> SolverPool:
    """The app's solver pool, started now if need be. Call from the event loop's thread."""
    pool: SolverPool | None = getattr(app.state, "solver_pool", None)
    if pool is None:
        pool = SolverPool(app.state.settings, preload or SOLVER_PRELOAD)
        app.state.solver_pool = pool
    return pool


def stop_solver_pool(app: FastAPI) -> None:
    """End the solver processes (the lifespan's shutdown: requests under way have answered)."""
    pool: SolverPool | None = getattr(app.state, "solver_pool", None)
    if pool is not None:
        pool.stop()
        app.state.solver_pool = None


async def solve_in_worker[T](app: FastAPI, work: Callable[..., T], *args: Any) -> T:
    """`work(*args)` in a solver process; `work` and its arguments must pickle."""
    return await start_solver_pool(app).run(work, *args)


class Runner(Protocol):
    """Runs `work(*args)` somewhere and returns its result: how services are handed a solver."""

    def __call__[T](self, work: Callable[..., T], /, *args: Any) -> T: ...


def run_here[T](work: Callable[..., T], /, *args: Any) -> T:
    """In this process (the command line, which has no web requests to keep serving)."""
    return work(*args)


def keep_loop_token(app: FastAPI) -> None:
    """Remember the event loop serving `app` (call from its lifespan), so that threads the
    loop did not start (jobs resumed at start-up) can hand their solves to it too."""
    app.state.loop_token = anyio.lowlevel.current_token()


def worker_runner(app: FastAPI) -> Runner:
    """A `Runner` for a thread of the web process (a request's worker thread, or a job run
    after a response or resumed at start-up): the work goes to the solver processes
    (submitted from the event loop) while the thread waits."""
    token = getattr(app.state, "loop_token", None)

    def run[T](work: Callable[..., T], /, *args: Any) -> T:
        return anyio.from_thread.run(solve_in_worker, app, work, *args, token=token)

    return run


async def run_in_thread[T](work: Callable[[], T]) -> T:
    """`work()` (database reads and writes around a solve) in a worker thread."""
    return await anyio.to_thread.run_sync(work)
