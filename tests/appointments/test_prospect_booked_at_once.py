"""Two bookings of one new prospect sent at the same moment (two inside reps, or a double click on
two slots): the first stores it, the second waits for the first and is refused with 409, naming
the account. On PostgreSQL an advisory lock on the prospect's name orders them, on SQLite the
database's one write lock, which the booking takes before it looks for the prospect."""

from __future__ import annotations

import contextvars
import threading
from datetime import datetime, time, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.appointments.booking import book
from app.appointments.schemas import ProspectIn, SlotBooking
from app.auth.principal import principal_for
from app.core.config import Settings
from app.core.db import make_session_factory
from app.core.errors import AppError, Conflict
from app.models import Account, User
from tests.backends import ON_BOTH_BACKENDS
from tests.moments import TODAY_UTC
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS
THU = TODAY_UTC + timedelta(days=1)
WAITS_S = 1.0
"""How long the second booking is seen waiting for the first before the first commits."""


def test_the_second_of_two_bookings_at_once_finds_the_prospect_the_first_stored(
    client: TestClient, world: World, settings: Settings
) -> None:
    factory = make_session_factory(client.app.state.engine)  # type: ignore[attr-defined]
    prospect = ProspectIn(name="Harbor Deli", latitude=42.015, longitude=-87.81)

    def booking(at: time) -> SlotBooking:
        return SlotBooking(rep_id=world.rep_ids["rep_north_1"], prospect=prospect,
                           starts_at=datetime.combine(THU, at), duration_minutes=30)  # fmt: skip

    first, second = factory(), factory()
    principal = principal_for(first.get_one(User, world.user_ids["inside_north"]))
    made = book(first, settings, principal, booking(time(10)))
    assert made.account_created
    outcome: list[AppError | int] = []

    def later() -> None:
        try:
            outcome.append(book(second, settings, principal, booking(time(15))).appointment.id)
        except AppError as exc:
            outcome.append(exc)
            second.rollback()

    # The test's clock is a context variable: the thread runs in a copy of this context.
    thread = threading.Thread(target=contextvars.copy_context().run, args=(later,))
    thread.start()
    thread.join(WAITS_S)
    assert thread.is_alive(), f"the second booking did not wait for the first: {outcome}"
    first.commit()
    thread.join(60)
    assert not thread.is_alive()
    first.close()
    second.close()
    [refused] = outcome
    assert isinstance(refused, Conflict), refused
    assert refused.field == "prospect"
    assert f"Harbor Deli is already account {made.appointment.account_id}" in refused.detail
    with factory() as session:
        assert _named(session, "Harbor Deli") == 1


def _named(session: Session, name: str) -> int:
    return session.scalar(select(func.count()).select_from(Account).where(Account.name == name))
