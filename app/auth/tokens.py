"""API tokens and browser sessions: issued, stored hashed, verified, revoked (no web framework)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.auth.principal import Principal, principal_for
from app.core import clock
from app.core.config import Settings
from app.core.db import SQLITE_BUSY_TIMEOUT_MS
from app.models import ApiToken, User

logger = logging.getLogger(__name__)

BROWSER_SESSION = "browser session"
"""The name of the tokens `/login` issues for browsers."""
TOKEN_PREFIX = "fr_"  # noqa: S105 (a prefix that marks our tokens, not a secret)
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)
NOTE_USE_WAIT_MS = 100


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
