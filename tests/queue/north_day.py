"""North Rep 1's day for the queue's tests: a stored plan with a stop and accounts left out,
and accounts covered remotely or between visits, due or not."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Account, RoutePlan
from tests.moments import TODAY_UTC
from tests.seed import World

TODAY = TODAY_UTC
"""The seeded reps have no time zone: their today is the UTC one."""
TOMORROW = TODAY + timedelta(days=1)
TOTALS = {"stops": 1, "distance_km": 3, "travel_minutes": 9, "prize": 50, "cost": 4, "net": 46,
          "solve_time_s": 0.1, "start": {"latitude": 42.0, "longitude": -87.8,
          "at": f"{TODAY}T08:00:00+00:00"}, "end": None, "breaks": []}  # fmt: skip


def acc(world: World, key: str) -> int:
    return world.account_ids[key]


def left(account_id: int, reason: str, detail: str) -> dict[str, Any]:
    return {"account_id": account_id, "name": "as planned", "phone": None, "city": None,
            "value": 0, "prize": 1, "reason": reason, "detail": detail,
            "last_visit_date": None, "overdue_days": None}  # fmt: skip


def stop(account_id: int, day: date, seq: int) -> dict[str, Any]:
    at = f"{day}T{9 + seq:02d}:00:00+00:00"
    return {"seq": seq, "account_id": account_id, "kind": "visit", "name": "stop",
            "street": None, "city": None, "postcode": None, "phone": None, "latitude": 42.01,
            "longitude": -87.8, "arrival": at, "start": at, "departure": at,
            "service_minutes": 30, "opening_hours": "hours not known", "prize": 10,
            "value": 1000}  # fmt: skip


def store_plan(
    session: Session, world: World, day: date, stops: list[int], left_out: list[dict[str, Any]]
) -> None:
    """A plan of North Rep 1 for `day`, written directly (the queue reads plans, not solves)."""
    rep_id = world.rep_ids["rep_north_1"]
    version = len(session.scalars(select(RoutePlan.id).where(RoutePlan.rep_id == rep_id)).all())
    stored = [stop(a, day, seq) for seq, a in enumerate(stops, start=1)]
    session.add(RoutePlan(rep_id=rep_id, plan_date=day, version=version + 1, stops=stored,
                          left_out=left_out, totals=TOTALS))  # fmt: skip
    session.commit()


def north_day(session: Session, world: World) -> dict[str, int]:
    """North Rep 1's accounts as the tests use them: account 1 on today's route, 2 and 3 left
    out, a remote account due for a call, a hybrid one between visits (due), a remote one called
    recently (not due) and a hybrid one without a remote cadence (never in the queue); North Rep
    2 gets a remote account due (not supported by the inside rep)."""
    territory = session.get(Account, acc(world, "rep_north_1-acc-1"))
    assert territory is not None
    extra = {
        "remote_due": ("remote", 14, TODAY - timedelta(days=20), 9000.0),
        "hybrid_due": ("hybrid", 10, TODAY - timedelta(days=12), 4000.0),
        "remote_recent": ("remote", 14, TODAY - timedelta(days=3), 9000.0),
        "hybrid_plain": ("hybrid", None, None, 9000.0),
    }
    ids = {}
    for name, (coverage, touch_cadence, touched, value) in extra.items():
        made = Account(
            name=name, team_id=territory.team_id, territory_id=territory.territory_id,
            value=value, cadence_days=60, coverage=coverage, touch_cadence_days=touch_cadence,
            last_visit_date=TODAY - timedelta(days=90), last_touch_date=touched,
            phone="+1 312 555 0199",
        )  # fmt: skip
        session.add(made)
        session.flush()
        ids[name] = made.id
    other = session.get(Account, acc(world, "rep_north_2-acc-1"))
    assert other is not None
    other.coverage, other.touch_cadence_days = "remote", 7
    session.commit()
    store_plan(
        session,
        world,
        TODAY,
        [acc(world, "rep_north_1-acc-1")],
        [
            left(acc(world, "rep_north_1-acc-2"), "no_time", "no time left after 16:40"),
            left(acc(world, "rep_north_1-acc-3"), "not_worth_it", "the drive costs more"),
        ],
    )
    return ids
