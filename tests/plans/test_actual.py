"""Plan vs actual on a seeded week (tests live on Wednesday 10:00 in Chicago): counts, reasons,
lateness, kilometres, the team's cadence and today so far."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import Account, Rep, RoutePlan, Visit
from app.roads.service import travel
from routing import Point
from tests.moments import CHICAGO, TODAY_CHICAGO
from tests.seed import World

MONDAY = TODAY_CHICAGO - timedelta(days=TODAY_CHICAGO.weekday())
TUESDAY = MONDAY + timedelta(days=1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CHICAGO)


def stored_plan(session: Session, rep: Rep, day: date, accounts: list[Account]) -> None:
    """A plan of `accounts` in order, one an hour from 09:00, written as the planner stores it."""
    stops: list[dict[str, Any]] = []
    for seq, account in enumerate(accounts, start=1):
        start = at(day, 8 + seq)
        stops.append({
            "seq": seq, "account_id": account.id, "kind": "visit", "name": account.name,
            "street": None, "city": "Chicago", "postcode": "60601", "phone": None,
            "latitude": account.latitude, "longitude": account.longitude,
            "arrival": start.isoformat(), "start": start.isoformat(),
            "departure": (start + timedelta(minutes=30)).isoformat(), "service_minutes": 30,
            "opening_hours": "hours not known", "prize": 1.0, "value": account.value,
        })  # fmt: skip
    place = {"latitude": rep.home_latitude, "longitude": rep.home_longitude}
    totals = {"stops": len(stops), "distance_km": 9.9, "travel_minutes": 20, "prize": 3,
              "cost": 1, "net": 2, "solve_time_s": 0.1,
              "start": {**place, "at": at(day, 8).isoformat()}, "end": None, "breaks": []}  # fmt: skip
    session.add(
        RoutePlan(rep_id=rep.id, plan_date=day, version=1, kind="week",
                  time_zone="America/Chicago", stops=stops, left_out=[], totals=totals)
    )  # fmt: skip


def visit(session: Session, rep: Rep, account: Account, day: date, status: str,
          started: datetime | None = None, ended: datetime | None = None,
          reason: str | None = None) -> None:  # fmt: skip
    session.add(Visit(rep_id=rep.id, account_id=account.id, visit_date=day, status=status,
                      started_at=started, ended_at=ended, reason=reason))  # fmt: skip


def km(settings: Settings, *points: Point) -> float:
    matrix = travel(settings).matrix(list(points))
    return round(sum(float(matrix.distances_m[i][i + 1]) for i in range(len(points) - 1)) / 1000, 1)


def test_plan_vs_actual_counts_the_week_and_today(
    client: TestClient, world: World, session: Session, settings: Settings
) -> None:
    rep = session.get(Rep, world.rep_ids["rep_north_1"])
    assert rep is not None
    rep.time_zone = "America/Chicago"
    a1, a2, a3 = (
        session.get(Account, world.account_ids[f"rep_north_1-acc-{n}"]) for n in (1, 2, 3)
    )
    assert a1 is not None and a2 is not None and a3 is not None  # noqa: PT018
    # Monday: a1 done 20 min after its 09:00 start (late), a2 skipped with a reason, a3 missed.
    stored_plan(session, rep, MONDAY, [a1, a2, a3])
    visit(session, rep, a1, MONDAY, "done", at(MONDAY, 9, 20), at(MONDAY, 9, 50))
    visit(session, rep, a2, MONDAY, "skipped", reason="closed for inventory")
    # Tuesday: no plan, one visit done anyway.
    visit(session, rep, a3, TUESDAY, "done", None, at(TUESDAY, 11))
    # Today: a1 done on time (only its end recorded: 09:30 - 30 min service = 09:00), a2 was due
    # at 10:00 and it is 10:00: next, not behind yet; a3 is still to come.
    stored_plan(session, rep, TODAY_CHICAGO, [a1, a2, a3])
    visit(session, rep, a1, TODAY_CHICAGO, "done", None, at(TODAY_CHICAGO, 9, 30))
    # Cadence of North's six accounts (28 days): two within, one overdue, three never visited.
    a1.last_visit_date = TODAY_CHICAGO
    a3.last_visit_date = TODAY_CHICAGO - timedelta(days=40)
    other = session.get(Account, world.account_ids["rep_north_2-acc-1"])
    assert other is not None
    other.last_visit_date = TODAY_CHICAGO - timedelta(days=28)
    session.commit()

    response = client.get(
        f"/api/v1/plans/actual?team_id={world.team_ids['North']}&start={MONDAY}&days=7",
        headers=world.headers("manager_north"),
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["team_name"] == "North"
    assert report["late_tolerance_minutes"] == 15
    assert report["travel_model"] == "estimate"
    rows = {row["rep_name"]: row for row in report["reps"]}
    assert set(rows) == {"North Rep 1", "North Rep 2"}
    monday, tuesday, wednesday = rows["North Rep 1"]["days"][:3]

    counts = ("planned", "done", "skipped", "open", "unplanned_done", "late")
    assert [monday[key] for key in counts] == [3, 1, 1, 1, 0, 1]
    assert monday["skipped_visits"] == [
        {"account_id": a2.id, "name": a2.name, "reason": "closed for inventory"}
    ]
    (late,) = monday["late_visits"]
    assert (late["name"], late["minutes_late"]) == (a1.name, 20)
    home = Point(42.0, rep.home_longitude or 0)
    place = {a.id: Point(a.latitude or 0, a.longitude or 0) for a in (a1, a2, a3)}
    # Planned: the plan's own kilometres, as the phone page and the week grid show them.
    assert monday["km_planned"] == 9.9
    # Driven: home -> a1 -> home, the day being over.
    assert monday["km_driven"] == km(settings, home, place[a1.id], home)
    assert monday["km_driven"] < monday["km_planned"]

    assert [tuesday[key] for key in counts] == [0, 0, 0, 0, 1, 0]
    assert tuesday["plan_version"] is None
    assert tuesday["km_planned"] is None
    assert tuesday["km_driven"] == km(settings, home, place[a3.id], home)

    assert [wednesday[key] for key in counts] == [3, 1, 0, 2, 0, 0]
    # Today is not over: no way home yet.
    assert wednesday["km_driven"] == km(settings, home, place[a1.id])
    assert all(day["planned"] == 0 for day in rows["North Rep 2"]["days"])

    assert report["cadence"] == {
        "as_of": report["cadence"]["as_of"],
        "accounts": 6,
        "within_cadence": 2,
        "overdue": 1,
        "never_visited": 3,
        "share": 0.333,
    }
    live = {row["rep_name"]: row for row in report["today"]}
    mine = live["North Rep 1"]
    assert (mine["date"], mine["planned"], mine["done"], mine["skipped"]) == (
        TODAY_CHICAGO.isoformat(), 3, 1, 0
    )  # fmt: skip
    assert mine["next_stop"]["name"] == a2.name
    assert mine["behind_minutes"] is None
    assert mine["last_update"] is not None
    assert live["North Rep 2"]["next_stop"] is None


def test_only_managers_of_the_team_and_admins_see_plan_vs_actual(
    client: TestClient, world: World
) -> None:
    path = f"/api/v1/plans/actual?team_id={world.team_ids['North']}&start={MONDAY}"
    assert client.get(path, headers=world.headers("admin")).status_code == 200
    assert client.get(path, headers=world.headers("manager_south")).status_code == 404
    assert client.get(path, headers=world.headers("rep_north_1")).status_code == 403
    bad = client.get(path + "&days=40", headers=world.headers("admin"))
    assert bad.status_code == 422
    assert bad.json()["field"] == "query.days"
