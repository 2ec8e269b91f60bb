"""Accounts (the customers reps visit) and the territories they belong to."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.core import clock
from app.models.base import Base, Timestamps
from app.models.limits import TEXT_MAX
from app.models.people import Rep, Team

COVERAGES = ("field", "hybrid", "remote")
"""How an account is looked after: `field` (visited), `hybrid` (visits and remote touches
alternate: visited every other cadence, touched in between at its `touch_cadence_days`),
`remote` (phone, e-mail, video: the inside queue)."""
FIELD, HYBRID, REMOTE = COVERAGES


def name_key(name: str) -> str:
    """A business name with case and spacing aside ("Café  Noir" and "CAFÉ NOIR" alike)."""
    return " ".join(name.split()).casefold()


class Territory(Base):
    __tablename__ = "territory"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    rep_id: Mapped[int | None] = mapped_column(
        ForeignKey("rep.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    team: Mapped[Team | None] = relationship(lazy="joined")
    rep: Mapped[Rep | None] = relationship(lazy="joined")


class Account(Timestamps, Base):
    """A customer location: where it is (and how sure we are), what it is worth, when it is open."""

    __tablename__ = "account"
    __table_args__ = (Index("ix_account_team_id_name", "team_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(TEXT_MAX["external_id"]), unique=True)
    name: Mapped[str] = mapped_column(String(TEXT_MAX["name"]), index=True)
    # `name_key(name)`, kept by `_keep_name_key`: finding an account by its name, case and
    # spacing aside, is then an indexed lookup, not a read of every name. Longer than the name:
    # casefold can lengthen it ("ß" -> "ss", at most three characters for one).
    name_key: Mapped[str] = mapped_column(String(3 * TEXT_MAX["name"]), index=True)
    street: Mapped[str | None] = mapped_column(String(TEXT_MAX["street"]))
    city: Mapped[str | None] = mapped_column(String(TEXT_MAX["city"]))
    postcode: Mapped[str | None] = mapped_column(String(TEXT_MAX["postcode"]))
    region: Mapped[str | None] = mapped_column(String(TEXT_MAX["region"]))
    country: Mapped[str | None] = mapped_column(String(TEXT_MAX["country"]))
    phone: Mapped[str | None] = mapped_column(String(TEXT_MAX["phone"]))

    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    geocode_precision: Mapped[str | None] = mapped_column(String(16), index=True)
    geocode_source: Mapped[str | None] = mapped_column(String(32))
    geocode_score: Mapped[float | None]
    geocoded_at: Mapped[datetime | None]
    # Why the account is not on the map, when it is not.
    geocode_note: Mapped[str | None] = mapped_column(String(300))
    # A pin moved by hand wins over the geocoder until the address changes.
    pin_manual: Mapped[bool] = mapped_column(default=False)

    value: Mapped[float] = mapped_column(default=0.0)
    tier: Mapped[str | None] = mapped_column(String(TEXT_MAX["tier"]), index=True)
    cadence_days: Mapped[int | None]
    # The remote cadence (call, e-mail, video every so many days), next to the visit cadence.
    touch_cadence_days: Mapped[int | None]
    coverage: Mapped[str] = mapped_column(String(16), default="field", server_default="field")
    service_minutes: Mapped[int] = mapped_column(default=30)
    # {"mo": ["08:00-12:00", "13:00-17:00"], ...}; None means unknown (treated as open all day).
    opening_hours: Mapped[dict[str, list[str]] | None] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)

    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territory.id", ondelete="SET NULL"), index=True
    )
    locked: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # Kept by the visit service, so "overdue" is a column comparison, not a subquery per row:
    # the last visit in person, and the last remote touch (call, e-mail, video).
    last_visit_date: Mapped[date | None]
    last_touch_date: Mapped[date | None]

    team: Mapped[Team | None] = relationship(lazy="joined")
    territory: Mapped[Territory | None] = relationship(lazy="joined")

    @validates("name")
    def _keep_name_key(self, _field: str, name: str) -> str:
        self.name_key = name_key(name)
        return name
