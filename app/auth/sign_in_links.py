"""One-time sign-in links: issued for a user (by an admin, their manager or themselves),
stored hashed, used once before they expire. No web framework."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth.tokens import hash_token
from app.core import clock
from app.models import SignInLink, User

LINK_PATH = "/login/link/"


class LinkState(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    INACTIVE = "inactive"


def issue_link(
    session: Session, user: User, *, created_by: int, lifetime: timedelta
) -> tuple[str, datetime]:
    """A new link's secret, in clear this once, and when it expires."""
    secret = secrets.token_urlsafe(32)
    expires_at = clock.now() + lifetime
    session.add(
        SignInLink(
            user_id=user.id,
            secret_hash=hash_token(secret),
            created_by=created_by,
            expires_at=expires_at,
        )
    )
    session.flush()
    return secret, expires_at


def find_link(session: Session, secret: str) -> SignInLink | None:
    return session.scalars(
        select(SignInLink).where(SignInLink.secret_hash == hash_token(secret))
    ).first()


def link_state(link: SignInLink | None) -> LinkState | None:
    """Why the link cannot sign anyone in, or None if it can."""
    if link is None:
        return LinkState.UNKNOWN
    if link.used_at is not None:
        return LinkState.USED
    if link.expires_at <= clock.now():
        return LinkState.EXPIRED
    if not link.user.active:
        return LinkState.INACTIVE
    return None


def use_link(session: Session, secret: str) -> User | LinkState:
    """Spend the link: its user, or why it cannot be used. The conditional update makes two
    taps at once sign in only one of them."""
    link = find_link(session, secret)
    refused = link_state(link)
    if refused is not None or link is None:
        return refused or LinkState.UNKNOWN
    now = clock.now()
    spent = session.execute(
        update(SignInLink)
        .where(SignInLink.id == link.id, SignInLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(spent, "rowcount", 0) != 1:
        return LinkState.USED
    return link.user
