"""Authentication: bearer tokens (stored hashed) or the session cookie the login form sets.

Routers see only `CurrentPrincipal`: who is calling, their role, and the rep or teams that bound
what they may see (`app.auth.access`).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.core import clock
from app.core.config import Role, Settings
from app.core.db import SQLITE_BUSY_TIMEOUT_MS, SessionDep
from app.core.deps import SettingsDep
from app.core.errors import Forbidden, Unauthorized
from app.models import ApiToken, User

logger = logging.getLogger(__name__)

SESSION_COOKIE = "fieldroute_session"
BROWSER_SESSION = "browser session"
"""The name of the tokens `/login` issues for browsers."""
TOKEN_PREFIX = "fr_"  # noqa: S105 (a prefix that marks our tokens, not a secret)
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)
NOTE_USE_WAIT_MS = 100


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the user, their role, their rep (reps) and their teams (managers)."""

    user_id: int
    name: str
    role: Role
    rep_id: int | None = None
    team_ids: frozenset[int] = frozenset()

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh random token (256 bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def issue_token(
    session: Session,
    user: User,
    *,
    name: str,
    token: str | None = None,
    development_only: bool = False,
    expires_at: datetime | None = None,
) -> str:
    """Store a token for `user` and return it in clear: the only time anyone sees it."""
    value = token if token is not None else new_token()
    session.add(
        ApiToken(
            user=user,
            name=name,
            token_hash=hash_token(value),
            prefix=value[:10],
            development_only=development_only,
            expires_at=expires_at,
        )
    )
    session.flush()
    return value


def revoke_browser_session(session: Session, token: str) -> None:
    """Revoke the token a browser session cookie holds (not an API token pasted in by hand:
    `/login` always issues a separate one)."""
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).first()
    if row is not None and row.revoked_at is None and row.name == BROWSER_SESSION:
        row.revoked_at = clock.now()


def principal_for(user: User) -> Principal:
    return Principal(
        user_id=user.id,
        name=user.name,
        role=Role(user.role),
        rep_id=user.rep_id,
        team_ids=frozenset(team.id for team in user.teams),
    )


def verify_token(session: Session, settings: Settings, token: str) -> Principal | None:
    """The principal holding `token`, or None if it is unknown, revoked, expired or disabled."""
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).first()
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    now = clock.now()
    if row.expires_at is not None and row.expires_at <= now:
        return None
    if row.development_only and not settings.is_development:
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        _note_use(session, row.id)
    return principal_for(row.user)


def _note_use(session: Session, token_id: int) -> None:
    """Record a token's use on a connection of its own, best effort: a read must not become a
    write of the request's transaction (on SQLite it would wait for a running import's lock)."""
    engine = session.get_bind().engine
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                connection.exec_driver_sql(f"PRAGMA busy_timeout={NOTE_USE_WAIT_MS}")
            try:
                connection.execute(
                    update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=clock.now())
                )
                connection.commit()
            finally:
                if sqlite:
                    connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    except OperationalError:
        logger.info("token %s: last use not recorded (database busy)", token_id)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def check_same_site(request: Request) -> None:
    """403 for a request another site's page made with our cookie (CSRF). Browsers send Origin
    with every such request; hosts are compared, not schemes, since a TLS proxy may sit in
    front. Requests without Origin (curl, old browsers) pass: SameSite=Lax covers those."""
    origin = request.headers.get("origin")
    if origin is None:
        return
    if urlsplit(origin).netloc != request.headers.get("host"):
        raise Forbidden(f"this request only works from this site's pages, not from {origin}")


def signed_in(request: Request, session: Session, settings: Settings) -> Principal | None:
    """The caller of a browser page, from the session cookie (or a bearer token), or None."""
    scheme, credentials = get_authorization_scheme_param(request.headers.get("authorization"))
    token = credentials if scheme.lower() == "bearer" else None
    token = token or request.cookies.get(SESSION_COOKIE)
    return verify_token(session, settings, token) if token else None


_bearer = HTTPBearer(auto_error=False, description="An API token: `Authorization: Bearer <token>`")
_cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="Set by signing in at `/login`"
)


def authenticate(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> Principal:
    """The caller, from `Authorization: Bearer <token>` or the session cookie; 401 otherwise."""
    token = credentials.credentials if credentials is not None else cookie
    if credentials is None and cookie and request.method not in SAFE_METHODS:
        # A cookie rides along on requests other sites' pages make; a bearer header cannot.
        check_same_site(request)
    if not token:
        raise Unauthorized("missing bearer token: send `Authorization: Bearer <token>`")
    principal = verify_token(session, settings, token)
    if principal is None:
        raise Unauthorized("unknown, revoked or expired token")
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]
