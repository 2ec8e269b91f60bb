"""Dependencies shared by routers: the settings and the request's database session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.db import SessionFactory


def get_settings(request: Request) -> Settings:
    """The settings the app was created with (see `app.main.create_app`)."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_session(request: Request) -> Iterator[Session]:
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
