"""Teams, reps, users and their API tokens."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import JSON, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.models.base import Base, Timestamps
from app.models.limits import TEXT_MAX

manager_team = Table(
    "manager_team",
    Base.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
)


REP_KINDS = ("field", "inside")
"""`field`: drives to accounts (territories, routes, visits); `inside`: sells by phone, e-mail and
video for the field reps it supports (`inside_support`), with no territory or route of its own."""
FIELD = "field"
INSIDE = "inside"

inside_support = Table(
    "inside_support",
    Base.metadata,
    Column("inside_rep_id", ForeignKey("rep.id", ondelete="CASCADE"), primary_key=True),
    # Looked up from the field rep's side too (who supports this rep).
    Column("field_rep_id", ForeignKey("rep.id", ondelete="CASCADE"), primary_key=True, index=True),
)
"""Which field reps an inside rep supports: it works their call-instead lists and their accounts
covered remotely (`app.touches.queue`), and sees them (`app.auth.access`)."""


class Team(Base):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class Rep(Timestamps, Base):
    """A sales rep: in the field, where their day starts and ends, when they work, what driving
    costs; or an inside rep (`kind`), whose touches are logged like visits."""

    __tablename__ = "rep"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    home_street: Mapped[str | None] = mapped_column(String(TEXT_MAX["street"]))
    home_city: Mapped[str | None] = mapped_column(String(TEXT_MAX["city"]))
    home_postcode: Mapped[str | None] = mapped_column(String(TEXT_MAX["postcode"]))
    home_region: Mapped[str | None] = mapped_column(String(TEXT_MAX["region"]))
    home_country: Mapped[str | None] = mapped_column(String(TEXT_MAX["country"]))
    home_latitude: Mapped[float | None]
    home_longitude: Mapped[float | None]
    home_precision: Mapped[str | None] = mapped_column(String(16))
    home_source: Mapped[str | None] = mapped_column(String(32))
    # Day keys "mo".."su", as in opening hours.
    working_days: Mapped[list[str]] = mapped_column(
        JSON, default=lambda: ["mo", "tu", "we", "th", "fr"]
    )
    shift_start: Mapped[time] = mapped_column(default=time(8, 0))
    shift_end: Mapped[time] = mapped_column(default=time(17, 0))
    lunch_start: Mapped[time | None] = mapped_column(default=time(11, 30))
    lunch_end: Mapped[time | None] = mapped_column(default=time(14, 0))
    lunch_minutes: Mapped[int] = mapped_column(default=30)
    cost_per_km: Mapped[float] = mapped_column(default=0.5)
    cost_per_hour: Mapped[float] = mapped_column(default=40.0)
    # Money per hour of the working day, leaving home to coming back (driving, waiting, lunch);
    # None: cost_per_hour counts for every working hour (`app.plans.inputs.rep_costs`).
    cost_per_working_hour: Mapped[float | None]
    max_visits_per_day: Mapped[int | None]
    # IANA name ("America/Chicago"); None uses the server's `default_time_zone`. A rep's "today",
    # shift and appointments are on this clock.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    # One of REP_KINDS; an inside rep is never planned, designed into territories or routed.
    kind: Mapped[str] = mapped_column(String(16), default=FIELD, server_default=FIELD)

    team: Mapped[Team | None] = relationship(lazy="joined")


class User(Base):
    """Someone who signs in. A rep or inside user is tied to one `Rep`; a manager to their
    teams."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    rep_id: Mapped[int | None] = mapped_column(
        ForeignKey("rep.id", ondelete="SET NULL"), unique=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    # Argon2id in its PHC string form (parameters and salt included); None: no password sign-in.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    password_changed_at: Mapped[datetime | None]

    teams: Mapped[list[Team]] = relationship(secondary=manager_team, lazy="selectin")
    rep: Mapped[Rep | None] = relationship(lazy="joined")


class ApiToken(Base):
    """A bearer token, stored as its SHA-256 (tokens are long and random, so no salt is needed)."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so people can tell their tokens apart in a list.
    prefix: Mapped[str] = mapped_column(String(12))
    # Tokens derived from a public recipe (the demo's) work in development only.
    development_only: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class SignInLink(Base):
    """A one-time sign-in link for a user's phone, stored as the SHA-256 of its secret (random,
    256 bits: no salt needed). It works once, until `expires_at`."""

    __tablename__ = "sign_in_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined", foreign_keys=[user_id])
