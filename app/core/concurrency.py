"""Running CPU-bound work (solving) in worker threads, a bounded number at a time."""

from __future__ import annotations

from collections.abc import Callable

import anyio
import anyio.to_thread
from fastapi import FastAPI

from app.core.config import Settings


def _solve_limiter(app: FastAPI) -> anyio.CapacityLimiter:
    # Created on first use, inside the event loop; solves beyond the limit queue up here
    # instead of competing for the CPU cores.
    limiter: anyio.CapacityLimiter | None = getattr(app.state, "solve_limiter", None)
    if limiter is None:
        settings: Settings = app.state.settings
        limiter = anyio.CapacityLimiter(settings.max_concurrent_solves)
        app.state.solve_limiter = limiter
    return limiter


async def run_cpu_bound[T](app: FastAPI, work: Callable[[], T]) -> T:
    """`work()` in a worker thread, so the event loop keeps serving other requests."""
    return await anyio.to_thread.run_sync(work, limiter=_solve_limiter(app))
