"""A rep's look-ahead (tests live on Wednesday 4 March 2026, 10:00 in Chicago): the days of a
week planned together, no account on two days of a week unless its cadence asks, a stored plan
that says why it is stale, and a refresh that never touches a started today."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from app.core.clock import FixedClock
from app.models import Account, Rep, RoutePlan
from app.plans import basis
from app.plans.week import second_visit_allowed
from tests.backends import ON_BOTH_BACKENDS
from tests.moments import CHICAGO, TODAY_CHICAGO
from tests.plans.batches import plan_batch
from tests.seed import World

FAST = 0.3
WED = TODAY_CHICAGO
THU, FRI = WED + timedelta(days=1), WED + timedelta(days=2)
NEXT_MON = WED + timedelta(days=5)
REP = "rep_north_1"


def _rep(session: Session, world: World, **values: Any) -> Rep:
    rep = session.get(Rep, world.rep_ids[REP])
    assert rep is not None
    rep.time_zone = "America/Chicago"
    for name, value in values.items():
        setattr(rep, name, value)
    session.commit()
    return rep


def _account(session: Session, world: World, number: int) -> Account:
    account = session.get(Account, world.account_ids[f"{REP}-acc-{number}"])
    assert account is not None
    return account


def _refresh(client: TestClient, world: World, **body: Any) -> dict[str, Any]:
    body.setdefault("time_limit", FAST)
    response = client.post(
        f"/api/v1/reps/{world.rep_ids[REP]}/plans/refresh", json=body, headers=world.headers(REP)
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def _plan_day(client: TestClient, world: World, day: date) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/reps/{world.rep_ids[REP]}/plans",
        json={"date": day.isoformat(), "time_limit": FAST},
        headers=world.headers(REP),
    )
    assert response.status_code == 201, response.text
    (plan,) = response.json()["plans"]
    return dict(plan)


def _read(client: TestClient, world: World, day: date) -> dict[str, Any]:
    response = client.get(
        f"/api/v1/reps/{world.rep_ids[REP]}/plans/{day}", headers=world.headers(REP)
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def _accounts(plan: dict[str, Any]) -> list[int]:
    return [stop["account_id"] for stop in plan["stops"]]


def test_the_rule_allows_a_second_visit_only_a_cadence_apart_within_a_week() -> None:
    assert not second_visit_allowed(28, WED, THU)
    assert not second_visit_allowed(None, WED, FRI)
    assert second_visit_allowed(2, WED, FRI)
    assert not second_visit_allowed(3, WED, FRI)
    # Another week is another week, whatever the cadence.
    assert second_visit_allowed(28, FRI, NEXT_MON)


@ON_BOTH_BACKENDS
def test_single_days_leave_out_what_other_days_of_the_week_plan_unless_the_cadence_asks(
    client: TestClient, world: World, session: Session
) -> None:
    # The new user's day: Wednesday opened and planned, then Thursday, each on its own.
    _rep(session, world, shift_start=time(11))  # Wednesday has not begun at 10:00
    wednesday = _plan_day(client, world, WED)
    assert len(wednesday["stops"]) == 3
    thursday = _plan_day(client, world, THU)
    assert thursday["stops"] == []
    # An account seen every day may come back the next day; the others wait for next week.
    first = _account(session, world, 1)
    first.cadence_days = 1
    first.value = 500_000.0  # a visit a day must be worth the drive
    session.commit()
    friday = _plan_day(client, world, FRI)
    assert _accounts(friday) == [first.id]
    monday = _plan_day(client, world, NEXT_MON)
    assert len(monday["stops"]) == 3
    for plan in (wednesday, thursday, friday, monday):
        assert _read(client, world, date.fromisoformat(plan["date"]))["stale"] is False


@ON_BOTH_BACKENDS
def test_the_refresh_plans_the_week_together_and_keeps_a_started_today(
    client: TestClient, world: World, session: Session
) -> None:
    _rep(session, world, max_visits_per_day=1)  # one stop a day: the week spreads them
    # Today's shift began at 08:00 without a plan: planned on its own, from now (10:00).
    today = _plan_day(client, world, WED)
    assert today["stops"]
    assert all(
        datetime.fromisoformat(stop["arrival"]) >= datetime.combine(WED, time(10), CHICAGO)
        for stop in today["stops"]
    )
    run = _refresh(client, world)
    assert (run["week_start"], run["week_end"]) == ("2026-03-02", "2026-03-08")
    assert [(k["date"], k["reason"]) for k in run["kept"]] == [(WED.isoformat(), "started")]
    assert "re-plan the rest of today" in run["kept"][0]["detail"]
    refreshed = {day["date"]: day for day in run["refreshed"]}
    assert set(refreshed) == {THU.isoformat(), FRI.isoformat()}
    assert all(day["reasons"] == ["no plan yet"] for day in refreshed.values())
    assert {(s["date"], s["reason"]) for s in run["skipped"]} == {
        ((WED + timedelta(days=3)).isoformat(), "not_worked"),
        ((WED + timedelta(days=4)).isoformat(), "not_worked"),
    }
    # Today's plan is as it was; no account is on two days of the week.
    assert _read(client, world, WED)["version"] == today["version"]
    days = [_accounts(_read(client, world, day)) for day in (WED, THU, FRI)]
    every = [account for accounts in days for account in accounts]
    assert len(every) == len(set(every)) == 3

    # A change that makes every day stale: the refresh re-plans the days not started, saying
    # why, and today only says so (the rep re-plans it with a tap).
    _rep(session, world, shift_end=time(16))
    assert _read(client, world, WED)["stale_reasons"] == ["the shift changed to 08:00-16:00"]
    again = _refresh(client, world, from_date=THU.isoformat())
    assert [day["reasons"] for day in again["refreshed"]] == [
        ["the shift changed to 08:00-16:00"]
    ] * 2
    assert _read(client, world, WED)["version"] == today["version"]
    assert _read(client, world, WED)["stale"] is True
    assert _read(client, world, THU)["stale"] is False


@ON_BOTH_BACKENDS
def test_a_stored_plan_says_why_it_is_stale(
    client: TestClient, world: World, session: Session, clock: FixedClock
) -> None:
    _rep(session, world, shift_start=time(11), max_visits_per_day=1)
    run = _refresh(client, world)
    assert [day["date"] for day in run["refreshed"]] == [WED.isoformat(), THU.isoformat(),
                                                         FRI.isoformat()]  # fmt: skip
    plans = {day: _read(client, world, day) for day in (WED, THU, FRI)}
    assert all(plan["stale"] is False for plan in plans.values())
    (wed_account,) = _accounts(plans[WED])
    (thu_account,) = _accounts(plans[THU])
    (fri_account,) = _accounts(plans[FRI])
    names = {a: session.get(Account, a).name for a in (wed_account, thu_account, fri_account)}  # type: ignore[union-attr]
    headers = world.headers(REP)

    # Friday's account is visited today, off the plan.
    done = client.post(
        "/api/v1/visits", json={"account_id": fri_account, "status": "done"}, headers=headers
    )
    assert done.status_code == 201, done.text
    # Thursday gets an appointment; Thursday's account moves and its hours change.
    booked = client.post(
        "/api/v1/appointments",
        json={"account_id": wed_account, "starts_at": f"{THU}T14:00:00"},
        headers=headers,
    )
    assert booked.status_code == 201, booked.text
    moved = session.get(Account, thu_account)
    assert moved is not None
    moved.latitude = (moved.latitude or 0) + 0.01
    moved.opening_hours = {"mo": [["09:00", "12:00"]]}
    # An account joins the territory; Wednesday's plan is copied onto Friday's by hand.
    session.add(
        Account(name="Newcomer Ltd", value=500.0, cadence_days=28, latitude=42.02,
                longitude=-87.8, team_id=world.team_ids["North"],
                territory_id=world.territory_ids[REP])
    )  # fmt: skip
    friday = session.scalars(
        select(RoutePlan).where(RoutePlan.rep_id == world.rep_ids[REP], RoutePlan.plan_date == FRI)
    ).one()
    wednesday = session.scalars(
        select(RoutePlan).where(RoutePlan.rep_id == world.rep_ids[REP], RoutePlan.plan_date == WED)
    ).one()
    friday.stops = [*friday.stops, *wednesday.stops]
    flag_modified(friday, "stops")
    session.commit()

    assert _read(client, world, FRI)["stale_reasons"] == [
        "Newcomer Ltd joined the territory",
        f"{names[fri_account]} was visited on Wednesday",
        f"{names[wed_account]} is also planned on Wednesday",
    ]
    assert _read(client, world, THU)["stale_reasons"] == [
        f"{names[thu_account]} moved (its address or point changed)",
        f"{names[thu_account]}'s opening hours changed",
        "Newcomer Ltd joined the territory",
        f"an appointment at {names[wed_account]} was booked for 14:00",
    ]
    assert (
        f"{names[wed_account]} is also planned on Friday"
        in _read(client, world, WED)["stale_reasons"]
    )
    # The appointment called off: Thursday says so once the week is re-planned with it and it
    # is then cancelled; an account gone from the territory is named too.
    _refresh(client, world)
    cancelled = client.post(f"/api/v1/appointments/{booked.json()['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200, cancelled.text
    thursday = _read(client, world, THU)
    assert thursday["stale_reasons"] == [f"the appointment at {names[wed_account]} was cancelled"]
    gone = session.get(Account, _accounts(thursday)[0])
    assert gone is not None
    gone.active = False
    session.commit()
    assert (
        f"{gone.name} is no longer an active account" in _read(client, world, THU)["stale_reasons"]
    )
    # A day that is over is history: never stale.
    clock.set(datetime.combine(FRI + timedelta(days=1), time(9), CHICAGO))
    assert _read(client, world, THU)["stale"] is False


@ON_BOTH_BACKENDS
def test_plans_made_before_they_kept_a_basis_are_not_stale(
    client: TestClient, world: World, session: Session
) -> None:
    _rep(session, world, shift_start=time(11))
    _plan_day(client, world, THU)
    row = session.scalars(select(RoutePlan).where(RoutePlan.plan_date == THU)).one()
    row.basis = None
    _rep(session, world, shift_end=time(15))
    assert _read(client, world, THU)["stale"] is False


@ON_BOTH_BACKENDS
def test_a_replan_totals_the_whole_day(
    client: TestClient, world: World, session: Session, clock: FixedClock
) -> None:
    _rep(session, world, shift_start=time(11), lunch_start=None)
    plan = _plan_day(client, world, WED)
    first = plan["stops"][0]
    clock.set(datetime.combine(WED, time(12), CHICAGO))
    done = client.post(
        "/api/v1/visits",
        json={"account_id": first["account_id"], "status": "done"},
        headers=world.headers(REP),
    )
    assert done.status_code == 201, done.text
    replanned = client.post(
        f"/api/v1/reps/{world.rep_ids[REP]}/plans/{WED}/replan",
        json={"time_limit": FAST},
        headers=world.headers(REP),
    )
    assert replanned.status_code == 201, replanned.text
    body = replanned.json()
    assert body["totals"]["stops"] == len(body["stops"]) == len(plan["stops"])
    # The morning's drive (home -> the first stop) is counted: a whole day's route of the same
    # stops is no shorter than the first plan's drive to its first stop and back.
    assert body["totals"]["distance_km"] >= plan["totals"]["distance_km"] * 0.5
    report = client.get(
        f"/api/v1/plans/actual?team_id={world.team_ids['North']}&start={WED}&days=1",
        headers=world.headers("manager_north"),
    ).json()
    (north_1,) = [row for row in report["reps"] if row["rep_id"] == world.rep_ids[REP]]
    assert north_1["days"][0]["km_planned"] == round(body["totals"]["distance_km"], 1)


@ON_BOTH_BACKENDS
def test_a_managers_batch_keeps_the_week_rule(
    client: TestClient, world: World, session: Session
) -> None:
    _rep(session, world, shift_start=time(11))
    wednesday = _plan_day(client, world, WED)
    assert len(wednesday["stops"]) == 3
    response = plan_batch(
        client,
        json={"date": THU.isoformat(), "days": 2, "time_limit": FAST,
              "team_id": world.team_ids["North"]},
        headers=world.headers("manager_north"),
    )  # fmt: skip
    assert response.status_code == 200, response.text
    (run,) = [r for r in response.json()["runs"] if r["rep_id"] == world.rep_ids[REP]]
    assert [plan["stops"] for plan in run["plans"]] == [[], []]
    # The batch's days are one solve: the other rep's accounts come once in the two days.
    (other,) = [r for r in response.json()["runs"] if r["rep_id"] != world.rep_ids[REP]]
    accounts = [s["account_id"] for plan in other["plans"] for s in plan["stops"]]
    assert len(accounts) == len(set(accounts)) == 3


def test_staleness_costs_a_few_queries_however_long_the_plan(
    client: TestClient, world: World, session: Session
) -> None:
    _rep(session, world, shift_start=time(11))
    _plan_day(client, world, WED)
    row = session.scalars(select(RoutePlan).where(RoutePlan.plan_date == WED)).one()
    rep = session.get(Rep, world.rep_ids[REP])
    assert rep is not None
    statements: list[str] = []
    engine = session.get_bind()

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert basis.stale_reasons(session, row, rep, WED) == []
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(row.stops) == 3
    assert len(statements) <= 7, statements
