"""Dependencies shared by routers: the settings and the request's database session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Annotated

import anyio
from fastapi import Depends, FastAPI, Request
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.db import SessionFactory
from app.core.errors import AppError

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
WRITE_SLOTS = 16
"""Requests that may write, at once, per process. Each runs in one of anyio's 40 worker threads
and may sit there waiting for the database's write lock (SQLite: the one writer; PostgreSQL:
a row). Unbounded, 40 of them filled every thread while the request holding the lock waited for
a thread to validate its response and commit: all stalled for the whole busy timeout (30 s,
then 500s). Bounded, the waiting happens here, without a thread, and threads stay for reads
and for the lock holder."""
WRITE_SLOT_WAIT_S = 10.0
"""How long a write waits for a slot before it is told to retry (503 with Retry-After)."""


class WritesBusy(AppError):
    status_code = 503

    def __init__(self) -> None:
        super().__init__(
            "too many changes at once; retry in a few seconds", headers={"Retry-After": "2"}
        )


def get_settings(request: Request) -> Settings:
    """The settings the app was created with (see `app.main.create_app`)."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def _write_slots(app: FastAPI) -> anyio.Semaphore:
    # A Semaphore, not a CapacityLimiter: FastAPI may release it from another task.
    slots: anyio.Semaphore | None = getattr(app.state, "write_slots", None)
    if slots is None:
        slots = app.state.write_slots = anyio.Semaphore(WRITE_SLOTS)
    return slots


async def _write_slot(request: Request) -> AsyncIterator[None]:
    """Held from before the session opens until after it commits, for requests that may write."""
    if request.method not in WRITE_METHODS:
        yield
        return
    slots = _write_slots(request.app)
    try:
        with anyio.fail_after(WRITE_SLOT_WAIT_S):
            await slots.acquire()
    except TimeoutError:
        raise WritesBusy from None
    try:
        yield
    finally:
        slots.release()


def get_session(request: Request, _: Annotated[None, Depends(_write_slot)]) -> Iterator[Session]:
    """The request's session: committed when the endpoint returns, rolled back if it raises."""
    factory: SessionFactory = request.app.state.session_factory
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# scope="function": commit before the response is sent. FastAPI's default ("request") commits
# after it, so a client could be told 201 and then not find the row, or never hear of a failed
# commit (seen: a browser following /login's redirect before its session token was committed).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
