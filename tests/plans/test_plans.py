"""Day, week and re-plans through the real app: what is planned, stored, kept and refused."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import FixedClock
from app.core.config import Settings
from app.models import Account, Rep, RoutePlan, Visit
from routing import visit_prize
from tests.moments import CHICAGO, TODAY_CHICAGO
from tests.plans.batches import plan_batch
from tests.seed import World

FAST = 0.3
"""Seconds of search per plan: the test instances have three to six accounts."""


def next_monday() -> date:
    today = TODAY_CHICAGO
    return today + timedelta(days=7 - today.weekday())


def on_chicago_clock(session: Session, world: World, *reps: str) -> None:
    for key in reps:
        rep = session.get(Rep, world.rep_ids[key])
        assert rep is not None
        rep.time_zone = "America/Chicago"
    session.commit()


def plan(client: TestClient, world: World, who: str, rep: str, **body: object) -> tuple[int, dict]:  # type: ignore[type-arg]
    body.setdefault("time_limit", FAST)
    response = client.post(
        f"/api/v1/reps/{world.rep_ids[rep]}/plans", json=body, headers=world.headers(who)
    )
    return response.status_code, response.json()


def test_a_day_plan_visits_the_due_accounts_within_the_shift(
    client: TestClient, world: World, session: Session
) -> None:
    on_chicago_clock(session, world, "rep_north_1")
    day = next_monday()
    status, run = plan(client, world, "rep_north_1", "rep_north_1", date=day.isoformat())
    assert status == 201, run
    assert run["kept"] == []
    (day_plan,) = run["plans"]
    assert day_plan["date"] == day.isoformat()
    assert day_plan["version"] == 1
    assert day_plan["kind"] == "day"
    assert day_plan["time_zone"] == "America/Chicago"
    names = {stop["name"] for stop in day_plan["stops"]}
    assert names == {f"North Rep 1 Account {n}" for n in (1, 2, 3)}
    assert [stop["seq"] for stop in day_plan["stops"]] == [1, 2, 3]
    shift_start = datetime.combine(day, time(8), tzinfo=CHICAGO)
    shift_end = datetime.combine(day, time(17), tzinfo=CHICAGO)
    previous = datetime.fromisoformat(day_plan["start"]["at"])
    assert previous >= shift_start
    for stop in day_plan["stops"]:
        arrival, start, departure = (
            datetime.fromisoformat(stop[key]) for key in ("arrival", "start", "departure")
        )
        assert previous <= arrival <= start < departure <= shift_end
        assert departure - start == timedelta(minutes=30)
        assert stop["state"] == "planned"
        assert stop["opening_hours"] == "hours not known"
        previous = departure
    assert datetime.fromisoformat(day_plan["end"]["at"]) <= shift_end
    assert day_plan["totals"]["stops"] == 3
    assert day_plan["totals"]["distance_km"] > 0
    assert day_plan["totals"]["net"] == pytest.approx(
        day_plan["totals"]["prize"] - day_plan["totals"]["cost"], abs=0.02
    )
    assert day_plan["call_instead"] == []


def _working_hours(day_plan: dict) -> float:  # type: ignore[type-arg]
    span = datetime.fromisoformat(day_plan["end"]["at"]) - datetime.fromisoformat(
        day_plan["start"]["at"]
    )
    visits = sum(stop["service_minutes"] for stop in day_plan["stops"])
    return (span.total_seconds() / 60 - visits) / 60


def test_a_plan_prices_the_reps_working_day_unless_told_not_to(
    client: TestClient, world: World, session: Session
) -> None:
    """Issue 15: by default the rep's cost_per_hour counts for every hour from leaving home to
    coming back, visits excepted; a cost_per_working_hour of their own adds to driving's."""
    on_chicago_clock(session, world, "rep_north_1")
    rep = session.get(Rep, world.rep_ids["rep_north_1"])
    assert rep is not None
    late = session.get(Account, world.account_ids["rep_north_1-acc-1"])
    assert late is not None
    day = next_monday()
    late.opening_hours = {"mo": ["15:00-16:00"]}
    session.commit()
    per_km, per_hour = rep.cost_per_km, rep.cost_per_hour
    status, run = plan(client, world, "rep_north_1", "rep_north_1", date=day.isoformat())
    assert status == 201, run
    (priced,) = run["plans"]
    totals = priced["totals"]
    hours = _working_hours(priced)
    assert hours > totals["travel_minutes"] / 60
    assert totals["cost"] == pytest.approx(
        totals["distance_km"] * per_km + hours * per_hour, abs=0.05
    )
    waits = [
        datetime.fromisoformat(s["start"]) - datetime.fromisoformat(s["arrival"])
        for s in priced["stops"]
    ]
    assert totals["waiting_minutes"] == pytest.approx(
        sum(w.total_seconds() for w in waits) / 60, abs=0.1
    )

    rep.cost_per_working_hour = 0.0
    session.commit()
    status, run = plan(client, world, "rep_north_1", "rep_north_1", date=day.isoformat())
    assert status == 201, run
    (free,) = run["plans"]
    totals = free["totals"]
    travel_cost = totals["distance_km"] * per_km + totals["travel_minutes"] / 60 * per_hour
    assert totals["cost"] == pytest.approx(travel_cost, abs=0.05)

    rep.cost_per_working_hour = 10.0
    session.commit()
    status, run = plan(client, world, "rep_north_1", "rep_north_1", date=day.isoformat())
    assert status == 201, run
    (own,) = run["plans"]
    totals = own["totals"]
    travel_cost = totals["distance_km"] * per_km + totals["travel_minutes"] / 60 * per_hour
    assert totals["cost"] == pytest.approx(travel_cost + _working_hours(own) * 10.0, abs=0.05)


def test_each_plan_is_a_new_version_and_old_versions_stay_readable(
    client: TestClient, world: World
) -> None:
    day = next_monday().isoformat()
    rep_id = world.rep_ids["rep_north_1"]
    assert plan(client, world, "manager_north", "rep_north_1", date=day)[0] == 201
    assert plan(client, world, "manager_north", "rep_north_1", date=day)[0] == 201
    headers = world.headers("rep_north_1")
    latest = client.get(f"/api/v1/reps/{rep_id}/plans/{day}", headers=headers)
    first = client.get(f"/api/v1/reps/{rep_id}/plans/{day}?version=1", headers=headers)
    missing = client.get(f"/api/v1/reps/{rep_id}/plans/{day}?version=9", headers=headers)
    assert latest.status_code == first.status_code == 200
    assert (latest.json()["version"], first.json()["version"]) == (2, 1)
    assert missing.status_code == 404
    assert "version 9" in missing.json()["detail"]


def test_a_week_plan_is_one_route_per_working_day_and_visits_each_account_once(
    client: TestClient, world: World, session: Session
) -> None:
    account_ids = [world.account_ids[f"rep_north_1-acc-{n}"] for n in (1, 2, 3)]
    wednesday_only = session.get(Account, account_ids[0])
    assert wednesday_only is not None
    wednesday_only.opening_hours = {"we": ["09:00-12:00"]}
    session.commit()
    monday = next_monday()
    status, run = plan(
        client, world, "rep_north_1", "rep_north_1", date=monday.isoformat(), days=7, time_limit=1
    )
    assert status == 201, run
    days = [p["date"] for p in run["plans"]]
    assert days == [(monday + timedelta(days=i)).isoformat() for i in range(5)]
    assert {p["kind"] for p in run["plans"]} == {"week"}
    visited = [(p["date"], s["account_id"]) for p in run["plans"] for s in p["stops"]]
    assert sorted(a for _, a in visited) == sorted(account_ids)
    wednesday = (monday + timedelta(days=2)).isoformat()
    assert (wednesday, account_ids[0]) in visited
    (stop,) = [s for p in run["plans"] for s in p["stops"] if s["account_id"] == account_ids[0]]
    assert stop["opening_hours"] == "09:00-12:00"
    assert time(9) <= datetime.fromisoformat(stop["start"]).time() <= time(12)


def test_a_week_plans_stop_earns_its_accounts_prize_on_the_day_it_is_made(
    client: TestClient, world: World, session: Session, settings: Settings
) -> None:
    # Issue 15: visited 40 days before Monday, the accounts grow more urgent by the day, so
    # each day's prize differs; a stop's prize is its day's, and a day's add up to its total.
    monday = next_monday()
    accounts = [session.get(Account, world.account_ids[f"rep_north_1-acc-{n}"]) for n in (1, 2, 3)]
    for account in accounts:
        assert account is not None
        account.last_visit_date = monday - timedelta(days=40)
    session.commit()
    status, run = plan(
        client, world, "rep_north_1", "rep_north_1", date=monday.isoformat(), days=7, time_limit=1
    )
    assert status == 201, run
    stops = [(p, s) for p in run["plans"] for s in p["stops"]]
    assert stops
    for day_plan, stop in stops:
        day = date.fromisoformat(day_plan["date"])
        account = session.get(Account, stop["account_id"])
        assert account is not None
        since = (day - (monday - timedelta(days=40))).days
        prize = visit_prize(account.value, 28, since, settings.value_weights)
        assert stop["prize"] == pytest.approx(prize, abs=0.01)
    for day_plan in run["plans"]:
        assert day_plan["totals"]["prize"] == pytest.approx(
            sum(s["prize"] for s in day_plan["stops"]), abs=0.01 * len(day_plan["stops"])
        )


def test_accounts_not_worth_a_drive_are_on_the_call_instead_list_with_a_reason(
    client: TestClient, world: World, session: Session
) -> None:
    day = next_monday()
    rep_id = world.rep_ids["rep_north_1"]
    territory_id = session.get(Account, world.account_ids["rep_north_1-acc-1"]).territory_id  # type: ignore[union-attr]
    closed = session.get(Account, world.account_ids["rep_north_1-acc-2"])
    recent = session.get(Account, world.account_ids["rep_north_1-acc-3"])
    assert closed is not None
    assert recent is not None
    closed.opening_hours = {"sa": ["09:00-12:00"]}
    recent.last_visit_date = day - timedelta(days=2)
    session.add(
        Account(
            name="Unplaced Corp",
            value=90_000.0,
            cadence_days=28,
            team_id=closed.team_id,
            territory_id=territory_id,
            phone="+1 312 555 0100",
        )
    )
    session.commit()
    status, run = plan(client, world, "rep_north_1", "rep_north_1", date=day.isoformat())
    assert status == 201, run
    (day_plan,) = run["plans"]
    assert [s["account_id"] for s in day_plan["stops"]] == [world.account_ids["rep_north_1-acc-1"]]
    reasons = {item["name"]: item["reason"] for item in day_plan["call_instead"]}
    # Recently visited: nothing to do, so neither visited nor listed.
    assert reasons == {"Unplaced Corp": "not_on_map", closed.name: "closed"}
    assert next(item["name"] for item in day_plan["call_instead"]) == "Unplaced Corp"
    stored = session.scalars(select(RoutePlan).where(RoutePlan.rep_id == rep_id)).one()
    assert len(stored.left_out) == 2


def test_an_appointment_is_a_stop_at_its_booked_time(
    client: TestClient, world: World, session: Session
) -> None:
    on_chicago_clock(session, world, "rep_north_1")
    day = next_monday()
    account_id = world.account_ids["rep_north_1-acc-2"]
    booked_at = datetime.combine(day, time(13, 15), tzinfo=CHICAGO)
    session.add(
        Visit(
            rep_id=world.rep_ids["rep_north_1"],
            account_id=account_id,
            visit_date=day,
            status="booked",
            planned_start_at=booked_at.astimezone(UTC),
            duration_minutes=60,
        )
    )
    session.commit()
    status, run = plan(client, world, "rep_north_1", "rep_north_1", date=day.isoformat())
    assert status == 201, run
    stops = run["plans"][0]["stops"]
    (meeting,) = [s for s in stops if s["account_id"] == account_id]
    assert meeting["kind"] == "appointment"
    assert meeting["state"] == "booked"
    assert datetime.fromisoformat(meeting["start"]) == booked_at
    assert datetime.fromisoformat(meeting["departure"]) == booked_at + timedelta(hours=1)
    assert len(stops) == 3


def test_an_appointment_outside_the_shift_is_refused_by_name(
    client: TestClient, world: World, session: Session
) -> None:
    day = next_monday()
    session.add(
        Visit(
            rep_id=world.rep_ids["rep_north_1"],
            account_id=world.account_ids["rep_north_1-acc-2"],
            visit_date=day,
            status="booked",
            planned_start_at=datetime.combine(day, time(21), tzinfo=UTC),
            duration_minutes=30,
        )
    )
    session.commit()
    status, body = plan(client, world, "rep_north_1", "rep_north_1", date=day.isoformat())
    assert status == 422
    assert "appointment" in body["detail"]


def test_two_appointments_with_no_time_to_drive_between_are_refused_in_words(
    client: TestClient, world: World, session: Session
) -> None:
    day = next_monday()
    booked = []
    for key, at in (("rep_north_1-acc-1", time(10)), ("rep_north_1-acc-2", time(10, 31))):
        account = session.get_one(Account, world.account_ids[key])
        booked.append(f"the {at:%H:%M} appointment at {account.name} on {day:%a %d %b}")
        session.add(Visit(rep_id=world.rep_ids["rep_north_1"], account_id=account.id,
                          visit_date=day, status="booked", duration_minutes=30,
                          planned_start_at=datetime.combine(day, at, tzinfo=UTC)))  # fmt: skip
    session.commit()
    status, body = plan(client, world, "rep_north_1", "rep_north_1", date=day.isoformat())
    assert status == 422
    assert body["field"] == "appointments"
    # A kilometre apart, one minute between them: which two, in the rep's words, and why.
    said = body["detail"]
    assert said.startswith("an appointment cannot be kept: required stops ")
    assert all(words in said for words in booked), said
    assert "cannot both be served: their times and the drive between them" in said
    assert "appointment-" not in said


@pytest.mark.parametrize(
    ("who", "rep", "code"),
    [
        ("rep_north_1", "rep_north_2", 404),
        ("manager_south", "rep_north_1", 404),
        ("manager_north", "rep_north_2", 201),
        ("admin", "rep_south_1", 201),
    ],
)
def test_who_may_plan_whom(client: TestClient, world: World, who: str, rep: str, code: int) -> None:
    assert plan(client, world, who, rep, date=next_monday().isoformat())[0] == code


def test_refusals_say_what_is_wrong(client: TestClient, world: World, session: Session) -> None:
    yesterday = TODAY_CHICAGO - timedelta(days=2)
    status, body = plan(client, world, "admin", "rep_north_1", date=yesterday.isoformat())
    assert status == 422
    assert "in the past" in body["detail"]
    rep = session.get(Rep, world.rep_ids["rep_north_2"])
    assert rep is not None
    rep.home_latitude = None
    session.commit()
    status, body = plan(client, world, "admin", "rep_north_2", date=next_monday().isoformat())
    assert status == 422
    # Messages name the rep, never by internal id.
    assert body["detail"].startswith("North Rep 2 has no home location")
    assert f"rep {world.rep_ids['rep_north_2']}" not in body["detail"]
    missing = client.get(
        f"/api/v1/reps/{world.rep_ids['rep_north_1']}/plans/{next_monday()}",
        headers=world.headers("admin"),
    )
    assert missing.status_code == 404
    assert missing.json()["detail"] == f"no plan for North Rep 1 on {next_monday()}"
    saturday = next_monday() + timedelta(days=5)
    status, body = plan(client, world, "admin", "rep_north_1", date=saturday.isoformat())
    assert status == 422
    assert "working day" in body["detail"]


def _all_week_rep(session: Session, world: World, key: str) -> Rep:
    rep = session.get(Rep, world.rep_ids[key])
    assert rep is not None
    rep.time_zone = "America/Chicago"
    rep.working_days = ["mo", "tu", "we", "th", "fr", "sa", "su"]
    rep.shift_start, rep.shift_end = time(0, 30), time(23, 30)
    rep.lunch_start = None
    session.commit()
    return rep


def test_replan_keeps_what_is_done_and_plans_the_rest_from_where_the_rep_is(
    client: TestClient, world: World, session: Session, clock: FixedClock
) -> None:
    _all_week_rep(session, world, "rep_north_1")
    rep_id = world.rep_ids["rep_north_1"]
    today = TODAY_CHICAGO
    headers = world.headers("rep_north_1")
    clock.set(datetime.combine(today, time(0, 10), CHICAGO))  # before the day starts
    status, run = plan(client, world, "rep_north_1", "rep_north_1", date=today.isoformat())
    assert status == 201, run
    first = run["plans"][0]["stops"][0]
    done = client.post(
        "/api/v1/visits",
        json={"account_id": first["account_id"], "status": "done", "outcome": "order"},
        headers=headers,
    )
    assert done.status_code == 201, done.text
    again = plan(client, world, "rep_north_1", "rep_north_1", date=today.isoformat())
    assert again[0] == 409
    assert "replan" in again[1]["detail"]
    clock.set(datetime.combine(today, time(10, 0), CHICAGO))
    at = datetime.combine(today, time(9, 45))
    response = client.post(
        f"/api/v1/reps/{rep_id}/plans/{today}/replan",
        json={"latitude": 42.05, "longitude": -87.8, "at": at.isoformat(), "time_limit": FAST},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    replanned = response.json()
    assert replanned["kind"] == "replan"
    assert replanned["version"] == 2
    assert replanned["stops"][0]["account_id"] == first["account_id"]
    assert replanned["stops"][0]["state"] == "done"
    assert replanned["stops"][0]["outcome"] == "order"
    rest = replanned["stops"][1:]
    assert first["account_id"] not in {s["account_id"] for s in rest}
    assert replanned["start"] == {
        "latitude": 42.05,
        "longitude": -87.8,
        "at": replanned["start"]["at"],
    }
    for stop in rest:
        assert datetime.fromisoformat(stop["arrival"]).replace(tzinfo=None) >= at


def calendar_events(ics: str) -> dict[int, dict[str, str]]:
    """An ICS export's events by account id, each as its unfolded properties."""
    events = {}
    for block in ics.replace("\r\n ", "").split("BEGIN:VEVENT\r\n")[1:]:
        lines = block.split("\r\nEND:VEVENT")[0].split("\r\n")
        event = dict(line.split(":", 1) for line in lines)
        account = re.fullmatch(r"rep-\d+-\d{8}-acc-(\d+)@fieldroute", event["UID"])
        assert account is not None, event["UID"]
        events[int(account[1])] = event
    return events


def test_a_replanned_day_exports_as_updates_of_the_same_calendar_events(
    client: TestClient, world: World, session: Session, clock: FixedClock
) -> None:
    _all_week_rep(session, world, "rep_north_1")
    rep_id = world.rep_ids["rep_north_1"]
    today = TODAY_CHICAGO
    clock.set(datetime.combine(today, time(0, 10), CHICAGO))  # before the day starts
    headers = world.headers("rep_north_1")
    ics = f"/api/v1/reps/{rep_id}/plans/{today}/export.ics"
    status, run = plan(client, world, "rep_north_1", "rep_north_1", date=today.isoformat())
    assert status == 201, run
    done, kept, dropped = (stop["account_id"] for stop in run["plans"][0]["stops"])
    before = calendar_events(client.get(ics, headers=headers).text)
    assert set(before) == {done, kept, dropped}
    assert {event["SEQUENCE"] for event in before.values()} == {"0"}

    clock.set(datetime.combine(today, time(8, 30), CHICAGO))
    visit = client.post(
        "/api/v1/visits", json={"account_id": done, "status": "done"}, headers=headers
    )
    assert visit.status_code == 201, visit.text
    account = session.get(Account, dropped)
    assert account is not None
    account.active = False
    session.commit()
    clock.set(datetime.combine(today, time(9, 0), CHICAGO))
    response = client.post(
        f"/api/v1/reps/{rep_id}/plans/{today}/replan",
        json={"at": f"{today}T09:00:00", "time_limit": FAST},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    assert [stop["account_id"] for stop in response.json()["stops"]] == [done, kept]

    after = calendar_events(client.get(ics, headers=headers).text)
    # The same events, not copies: each UID again, one revision up, stamped at this export.
    assert {event["UID"] for event in after.values()} == {event["UID"] for event in before.values()}
    assert {event["SEQUENCE"] for event in after.values()} == {"1"}
    for account_id, event in after.items():
        assert event["DTSTAMP"] >= before[account_id]["DTSTAMP"]
    assert {account_id: event["STATUS"] for account_id, event in after.items()} == {
        done: "CONFIRMED",
        kept: "CONFIRMED",
        dropped: "CANCELLED",
    }
    assert after[dropped]["DTSTART"] == before[dropped]["DTSTART"]
    # The first version still exports as it was, below the re-plan's revision.
    first = calendar_events(client.get(ics, params={"version": 1}, headers=headers).text)
    assert {event["SEQUENCE"] for event in first.values()} == {"0"}
    assert first[dropped]["STATUS"] == "CONFIRMED"


def test_replan_is_for_today_only(client: TestClient, world: World) -> None:
    rep_id = world.rep_ids["rep_north_1"]
    response = client.post(
        f"/api/v1/reps/{rep_id}/plans/{next_monday() + timedelta(days=7)}/replan",
        json={},
        headers=world.headers("rep_north_1"),
    )
    assert response.status_code == 422
    assert "only today" in response.json()["detail"]


def test_the_week_grid_shows_the_latest_plan_per_rep_and_day_in_scope(
    client: TestClient, world: World
) -> None:
    day = next_monday().isoformat()
    latest: dict[str, int] = {}
    for rep in ("rep_north_1", "rep_north_2", "rep_south_1", "rep_north_1"):
        _, run = plan(client, world, "admin", rep, date=day)
        [made] = run["plans"]
        latest[made["rep_name"]] = made["totals"]["stops"]
    response = client.get(
        f"/api/v1/plans?start={day}&days=7", headers=world.headers("manager_north")
    )
    assert response.status_code == 200
    rows = response.json()
    assert {(r["rep_name"], r["version"]) for r in rows} == {
        ("North Rep 1", 2),
        ("North Rep 2", 1),
    }
    # The grid shows each latest plan's own totals (how many stops a short search found under
    # load is the solver's business, not the grid's).
    assert {r["rep_name"]: r["totals"]["stops"] for r in rows} == {
        name: latest[name] for name in ("North Rep 1", "North Rep 2")
    }
    assert all(r["totals"]["stops"] >= 1 for r in rows)
    mine = client.get(f"/api/v1/plans?start={day}", headers=world.headers("rep_north_2")).json()
    assert [r["rep_name"] for r in mine] == ["North Rep 2"]


def test_a_batch_plans_every_rep_in_scope_and_names_the_ones_it_cannot(
    client: TestClient, world: World, session: Session
) -> None:
    rep = session.get(Rep, world.rep_ids["rep_north_2"])
    assert rep is not None
    rep.home_latitude = None
    session.commit()
    response = plan_batch(
        client,
        json={"date": next_monday().isoformat(), "time_limit": FAST},
        headers=world.headers("manager_north"),
    )
    assert response.status_code == 200, response.text
    batch = response.json()
    assert [run["rep_id"] for run in batch["runs"]] == [world.rep_ids["rep_north_1"]]
    assert len(batch["runs"][0]["plans"]) == 1
    (failure,) = batch["failed"]
    assert failure["rep_id"] == world.rep_ids["rep_north_2"]
    assert failure["status"] == 422
    assert "no home location" in failure["detail"]
    forbidden = client.post("/api/v1/plans/batch", json={}, headers=world.headers("rep_north_1"))
    assert forbidden.status_code == 403
