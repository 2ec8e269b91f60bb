"""The request's job dispatcher: the workers when a broker is configured, else this process."""

from __future__ import annotations

from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request

from app.core.concurrency import worker_runner
from app.core.deps import SettingsDep
from app.jobs.dispatch import Dispatcher, Embedded, ToWorkers


def get_dispatcher(
    request: Request, background: BackgroundTasks, settings: SettingsDep
) -> Dispatcher:
    if settings.broker_url:
        return ToWorkers(settings)
    return Embedded(
        background.add_task,
        request.app.state.session_factory,
        settings,
        worker_runner(request.app),
    )


DispatcherDep = Annotated[Dispatcher, Depends(get_dispatcher)]
