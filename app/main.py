"""The ASGI app: `app.main:app`, built by `create_app` from settings."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp

from app import __version__
from app.api import api_router
from app.auth.before_body import AuthBeforeBodyMiddleware
from app.auth.rate_limit import FailureLimiter
from app.core import health
from app.core.body_limit import BodySizeLimitMiddleware
from app.core.clock import Clock, ClockMiddleware, current, using
from app.core.concurrency import (
    keep_loop_token,
    start_solver_pool,
    stop_solver_pool,
    worker_runner,
)
from app.core.config import Settings
from app.core.db import make_engine, make_session_factory
from app.core.http_errors import install_error_handlers
from app.core.method_not_allowed import install as install_method_not_allowed
from app.core.migrate import upgrade as upgrade_database
from app.core.security_headers import SecurityHeadersMiddleware, image_origin
from app.imports import jobs as import_jobs
from app.jobs.dispatch import resume_interrupted as resume_interrupted_jobs
from app.placement.service import geocoder_chain
from app.roads.service import open_at_start as open_roads_at_start
from app.web import home, inside, login, manager, rep, rep_account, reports
from app.web.assets import install_static
from app.web.docs import install_docs

DESCRIPTION = """\
Field-sales territory and route planning. `POST /api/v1/optimize` plans reps' days: which
accounts to visit, in what order and when, for the most value net of travel cost.
Authenticate with `Authorization: Bearer <token>`, or sign in at `/login` for a session cookie.
"""


_SOLVER_PRELOAD = ["app.optimize.service", "app.plans.solve", "routing.days.slots"]
"""What solver processes run, loaded once by their fork server rather than by each process."""


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    engine = make_engine(settings.sqlalchemy_url)
    upgrade_database(engine)
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    keep_loop_token(app)
    with using(app.state.clock), app.state.session_factory.begin() as session:
        import_jobs.fail_interrupted(session)
    if not settings.broker_url:
        # Jobs this host's web process lost when it stopped start again (workers, when there
        # are, have the broker give them back instead).
        resume_interrupted_jobs(
            app.state.session_factory, settings, app.state.clock, worker_runner(app)
        )
    # The offline geocoder's tables take a second or two to build: pay that now, not in the
    # first import or account edit.
    geocoder_chain(settings).prepare()
    # Likewise the road data: opened, and its estimate fitted, before the first plan needs it.
    open_roads_at_start(settings)
    # Everything loaded so far lives as long as the process: take it out of the garbage
    # collector's full passes, which otherwise walk it all and add 60-90 ms to random requests.
    gc.collect()
    gc.freeze()
    # Every solve runs in these processes, never in this one. Started from the event loop's
    # thread (the one that lasts), ended on shutdown, and tied to this process's life besides.
    start_solver_pool(app, _SOLVER_PRELOAD)
    try:
        yield
    finally:
        stop_solver_pool(app)
        engine.dispose()


class _App(FastAPI):
    def build_middleware_stack(self) -> ASGIApp:
        # Outside Starlette's own outermost layer (the one that answers unhandled errors with
        # 500), so that even those responses get the security headers.
        tiles = image_origin(self.state.settings.map_tiles_url)
        return SecurityHeadersMiddleware(
            super().build_middleware_stack(), image_sources=(tiles,) if tiles else ()
        )


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    """A new app; `settings` default to the environment (`FIELDROUTE_*`). `clock` is the time
    the app lives by, by default the clock in force where the app is made (the system clock
    unless a caller chose another with `app.core.clock.using`, as the tests do)."""
    settings = settings if settings is not None else Settings()
    app = _App(
        title="Fieldroute",
        version=__version__,
        description=DESCRIPTION,
        lifespan=_lifespan,
        # Served by app.web.docs: behind sign-in, with local assets.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.clock = clock if clock is not None else current()
    app.state.sign_in_limiter = FailureLimiter(
        limit=settings.sign_in_failures, window_s=settings.sign_in_window_s
    )
    app.state.account_limiter = FailureLimiter(
        limit=settings.sign_in_account_failures, window_s=settings.sign_in_lockout_s
    )
    # Innermost first: the token is checked (inside the clock) before anything reads the body.
    app.add_middleware(AuthBeforeBodyMiddleware)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(ClockMiddleware)
    install_error_handlers(app)
    install_method_not_allowed(app)
    app.include_router(health.router)
    app.include_router(home.router)
    app.include_router(login.router)
    install_docs(app)
    install_static(app)
    app.include_router(manager.router)
    app.include_router(reports.router)
    app.include_router(rep.router)
    app.include_router(rep_account.router)
    app.include_router(inside.router)
    app.include_router(api_router)
    return app


app = create_app()
