"""Health checks, without authentication (load balancers, orchestrators, Docker HEALTHCHECK).

`/health` (also `/health/live`) is liveness: the process answers, nothing else is asked, so a
database outage never gets a healthy server restarted. `/health/ready` is readiness: it also
asks the database for `SELECT 1` within a short timeout, and answers 503 when it cannot."""

from __future__ import annotations

import logging
from typing import Literal

import anyio
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Engine, text

from app import __version__
from app.core.http_errors import ErrorBody

logger = logging.getLogger(__name__)

router = APIRouter(tags=["health"])

READY_TIMEOUT_S = 2.0
READY_RETRY_AFTER_S = 5
READY_CHECKS_AT_ONCE = 2
"""A hung database must not take every worker thread: checks beyond these wait for one."""


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str = __version__


class Readiness(Health):
    database: Literal["ok"] = "ok"


@router.get("/health", summary="Liveness check")
@router.get("/health/live", summary="Liveness check")
async def health() -> Health:
    """Report that the service is up (the database is not asked: see `/health/ready`)."""
    return Health()


@router.get(
    "/health/ready",
    summary="Readiness check",
    responses={503: {"model": ErrorBody, "description": "The database is not answering"}},
    response_model=Readiness,
)
async def ready(request: Request) -> Readiness | JSONResponse:
    """Report that the service can serve requests: the database answers `SELECT 1`."""
    engine: Engine = request.app.state.engine
    with anyio.move_on_after(READY_TIMEOUT_S):
        # Abandoned on timeout: a connect hung on a dead server finishes (or fails) on its own.
        problem = await anyio.to_thread.run_sync(
            _ask_database, engine, limiter=_limiter(request.app), abandon_on_cancel=True
        )
        if problem is None:
            return Readiness()
        return _not_ready(f"the database is not available: {problem}")
    return _not_ready(f"the database did not answer within {READY_TIMEOUT_S:g} s")


def _ask_database(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means not ready; say which kind, not its internals
        logger.warning("readiness: database check failed: %s", exc)
        return type(exc).__name__
    return None


def _not_ready(detail: str) -> JSONResponse:
    return JSONResponse(
        status_code=503,
        content=ErrorBody(detail=detail).model_dump(exclude_none=True),
        headers={"Retry-After": str(READY_RETRY_AFTER_S)},
    )


def _limiter(app: FastAPI) -> anyio.CapacityLimiter:
    limiter: anyio.CapacityLimiter | None = getattr(app.state, "ready_limiter", None)
    if limiter is None:
        limiter = app.state.ready_limiter = anyio.CapacityLimiter(READY_CHECKS_AT_ONCE)
    return limiter
