"""Authentication for HTTP: bearer tokens or the session cookie the login form sets.

Routers see only `CurrentPrincipal`: who is calling, their role, and the rep or teams that bound
what they may see (`app.auth.access`).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.auth.rate_limit import check_not_blocked, note_failure
from app.auth.tokens import verify_token
from app.core.config import Settings
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import Forbidden, Unauthorized

SESSION_COOKIE = "fieldroute_session"


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


def presented_token(authorization: str | None, cookie: str | None) -> str | None:
    """The credential a request presents, as `authenticate` reads it: the bearer token when
    there is one, else the session cookie."""
    scheme, credentials = get_authorization_scheme_param(authorization)
    if authorization and scheme.lower() == "bearer" and credentials:
        return credentials
    return cookie or None


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
    check_not_blocked(request, token)
    principal = verify_token(session, settings, token)
    if principal is None:
        note_failure(request, token)
        raise Unauthorized("unknown, revoked or expired token")
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]
