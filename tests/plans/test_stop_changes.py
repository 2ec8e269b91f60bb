"""The rep's own changes to a day through the API: add an account to today, pin a stop, move a
stop to another day, and the accounts near a point; each kept by later plans, refused in words
(and stored not at all) when it cannot be, and out of reach outside the rep's territory."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.config import Environment, Settings
from app.models import Account, StopPin
from tests.backends import ON_BOTH_BACKENDS
from tests.moments import TODAY_CHICAGO
from tests.plans.test_plans import on_chicago_clock
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS
TODAY = TODAY_CHICAGO  # a Wednesday, 10:00 on the reps' clock
THURSDAY, FRIDAY, SATURDAY = (TODAY + timedelta(days=k) for k in (1, 2, 3))
REP = "rep_north_1"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # The test days have three accounts: a short search plans them.
    return Settings(
        environment=Environment.DEVELOPMENT,
        database_url=database_url,
        data_dir=tmp_path,
        max_time_limit_s=2.0,
        plan_day_time_limit_s=0.3,
        solver_workers=1,
    )


@pytest.fixture
def north(world: World, session: Session) -> World:
    on_chicago_clock(session, world, REP, "rep_north_2")
    return world


def base(world: World, day: object, rep: str = REP) -> str:
    return f"/api/v1/reps/{world.rep_ids[rep]}/plans/{day}"


def account_id(world: World, number: int, rep: str = REP) -> int:
    return world.account_ids[f"{rep}-acc-{number}"]


def set_account(session: Session, world: World, number: int, **fields: Any) -> None:
    account = session.get(Account, account_id(world, number))
    assert account is not None
    for name, value in fields.items():
        setattr(account, name, value)
    session.commit()


def plan_day(client: TestClient, world: World, day: object) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/reps/{world.rep_ids[REP]}/plans",
        json={"date": str(day), "time_limit": 0.3},
        headers=world.headers(REP),
    )
    assert response.status_code == 201, response.text
    plans: list[dict[str, Any]] = response.json()["plans"]
    return plans[0]


def on_plan(plan: dict[str, Any]) -> set[int]:
    return {stop["account_id"] for stop in plan["stops"]}


def pins(session: Session) -> list[tuple[int, str, str, str]]:
    session.expire_all()
    rows = session.scalars(select(StopPin).order_by(StopPin.plan_date, StopPin.account_id))
    return [(p.account_id, str(p.plan_date), p.rule, p.source) for p in rows]


# --- add to today ----------------------------------------------------------------------------


def test_an_account_added_to_today_is_on_the_route_and_stays_through_replans(
    client: TestClient, north: World, session: Session
) -> None:
    # Visited yesterday: not worth a visit, so planning alone leaves it out.
    set_account(session, north, 1, last_visit_date=TODAY - timedelta(days=1))
    first = plan_day(client, north, TODAY)
    assert account_id(north, 1) not in on_plan(first)

    response = client.post(
        f"{base(north, TODAY)}/stops",
        json={"account_id": account_id(north, 1), "latitude": 42.0, "longitude": -87.8},
        headers=north.headers(REP),
    )
    assert response.status_code == 201, response.text
    added = response.json()
    assert added["kind"] == "replan"
    assert account_id(north, 1) in on_plan(added)
    assert (added["start"]["latitude"], added["start"]["longitude"]) == (42.0, -87.8)
    assert pins(session) == [(account_id(north, 1), str(TODAY), "required", "add")]

    again = client.post(f"{base(north, TODAY)}/replan", json={}, headers=north.headers(REP))
    assert again.status_code == 201, again.text
    assert account_id(north, 1) in on_plan(again.json())


def test_an_account_closed_today_is_refused_by_name_and_nothing_is_kept(
    client: TestClient, north: World, session: Session
) -> None:
    set_account(session, north, 2, opening_hours={"mo": ["09:00-17:00"]})
    response = client.post(
        f"{base(north, TODAY)}/stops",
        json={"account_id": account_id(north, 2)},
        headers=north.headers(REP),
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["field"] == "account_id"
    assert "North Rep 1 Account 2" in body["detail"]
    assert "closed" in body["detail"]
    assert pins(session) == []


@pytest.mark.parametrize(
    ("who", "rep", "account", "code"),
    [
        ("rep_north_1", "rep_north_2", ("rep_north_2", 1), 404),  # another rep's day
        ("rep_north_1", REP, ("rep_north_2", 1), 404),  # another territory's account
        ("rep_north_1", REP, ("rep_south_1", 1), 404),
        ("manager_south", REP, (REP, 1), 404),
    ],
)
def test_another_territory_is_not_found(
    client: TestClient, north: World, who: str, rep: str, account: tuple[str, int], code: int
) -> None:
    target = account_id(north, account[1], account[0])
    for request in (
        ("POST", f"{base(north, TODAY, rep)}/stops", {"account_id": target}),
        ("PUT", f"{base(north, THURSDAY, rep)}/stops/{target}/pin", None),
        ("DELETE", f"{base(north, THURSDAY, rep)}/stops/{target}/pin", None),
        ("POST", f"{base(north, THURSDAY, rep)}/stops/{target}/move", {"to_date": str(FRIDAY)}),
    ):
        method, url, body = request
        response = client.request(method, url, json=body, headers=north.headers(who))
        assert response.status_code == code, (method, url, response.text)


@pytest.mark.parametrize(
    ("day", "body", "field"),
    [
        (TODAY, {"account_id": 0}, "account_id"),
        (TODAY, {"account_id": 1, "latitude": 42.0}, "longitude"),
        (TODAY, {"account_id": 1, "latitude": 91, "longitude": 0}, "latitude"),
        (TODAY - timedelta(days=1), {"account_id": None}, "date"),
        (SATURDAY, {"account_id": None}, "date"),
        (TODAY + timedelta(days=9), {"account_id": None}, "date"),
        ("2026-02-30", {"account_id": None}, "day"),
    ],
)
def test_bad_input_names_the_field(
    client: TestClient, north: World, day: object, body: dict[str, Any], field: str
) -> None:
    if body["account_id"] is None:
        body = {"account_id": account_id(north, 1)}
    response = client.post(f"{base(north, day)}/stops", json=body, headers=north.headers(REP))
    assert response.status_code == 422, response.text
    said = response.json()
    fields = [said.get("field")] + [e.get("field") for e in said.get("errors", [])]
    assert any(field in str(f) for f in fields) or field in said["detail"], said


# --- pin ---------------------------------------------------------------------------------------


def test_a_pinned_stop_stays_on_its_day_until_unpinned(
    client: TestClient, north: World, session: Session
) -> None:
    plan = plan_day(client, north, THURSDAY)
    pinned = account_id(north, 1)
    assert pinned in on_plan(plan)
    response = client.put(f"{base(north, THURSDAY)}/stops/{pinned}/pin", headers=north.headers(REP))
    assert response.status_code == 200, response.text
    assert response.json() == {
        "rep_id": north.rep_ids[REP],
        "account_id": pinned,
        "date": str(THURSDAY),
        "rule": "required",
        "source": "pin",
    }
    # Visited today after all: no longer worth Thursday's drive, but pinned there.
    set_account(session, north, 1, last_visit_date=TODAY)
    assert pinned in on_plan(plan_day(client, north, THURSDAY))

    response = client.delete(
        f"{base(north, THURSDAY)}/stops/{pinned}/pin", headers=north.headers(REP)
    )
    assert response.status_code == 204
    assert pinned not in on_plan(plan_day(client, north, THURSDAY))
    again = client.delete(f"{base(north, THURSDAY)}/stops/{pinned}/pin", headers=north.headers(REP))
    assert again.status_code == 404


def test_only_a_stop_of_the_plan_not_yet_visited_can_be_pinned(
    client: TestClient, north: World, session: Session
) -> None:
    # Today first: a later day planned on its own leaves today the accounts it does not hold
    # (the week rule), which in this small territory is none.
    today = plan_day(client, north, TODAY)
    visited = next(iter(on_plan(today)))
    done = client.post(
        "/api/v1/visits",
        json={"account_id": visited, "status": "done"},
        headers=north.headers(REP),
    )
    assert done.status_code == 201, done.text
    response = client.put(f"{base(north, TODAY)}/stops/{visited}/pin", headers=north.headers(REP))
    assert response.status_code == 409
    assert pins(session) == []

    response = client.put(
        f"{base(north, THURSDAY)}/stops/{account_id(north, 1)}/pin", headers=north.headers(REP)
    )
    assert response.status_code == 404  # no plan for Thursday yet
    set_account(session, north, 3, last_visit_date=TODAY)
    thursday = plan_day(client, north, THURSDAY)
    assert account_id(north, 3) not in on_plan(thursday)
    response = client.put(
        f"{base(north, THURSDAY)}/stops/{account_id(north, 3)}/pin", headers=north.headers(REP)
    )
    assert response.status_code == 422
    assert response.json()["field"] == "account_id"
    assert "add it instead" in response.json()["detail"]
    assert pins(session) == []


# --- move --------------------------------------------------------------------------------------


def test_a_moved_stop_leaves_its_day_and_is_kept_on_the_other(
    client: TestClient, north: World, session: Session
) -> None:
    plan_day(client, north, THURSDAY)
    moved = account_id(north, 2)
    response = client.post(
        f"{base(north, THURSDAY)}/stops/{moved}/move",
        json={"to_date": str(FRIDAY)},
        headers=north.headers(REP),
    )
    assert response.status_code == 201, response.text
    run = response.json()
    assert run["from_plan"]["date"] == str(THURSDAY)
    assert run["to_plan"]["date"] == str(FRIDAY)
    assert moved not in on_plan(run["from_plan"])
    assert moved in on_plan(run["to_plan"])
    assert pins(session) == [
        (moved, str(THURSDAY), "forbidden", "move"),
        (moved, str(FRIDAY), "required", "move"),
    ]
    # Planning Thursday again does not bring it back.
    assert moved not in on_plan(plan_day(client, north, THURSDAY))


@pytest.mark.parametrize(
    ("to_date", "words"),
    [
        (TODAY - timedelta(days=1), "is over"),
        (SATURDAY, "not one of North Rep 1's working days"),
        (TODAY + timedelta(days=8), "beyond the look-ahead"),
        (THURSDAY, "already"),
    ],
)
def test_a_move_to_a_day_that_cannot_take_it_is_refused(
    client: TestClient, north: World, session: Session, to_date: object, words: str
) -> None:
    plan_day(client, north, THURSDAY)
    response = client.post(
        f"{base(north, THURSDAY)}/stops/{account_id(north, 1)}/move",
        json={"to_date": str(to_date)},
        headers=north.headers(REP),
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "to_date"
    assert words in response.json()["detail"]
    assert pins(session) == []


def test_a_move_to_a_closed_day_is_refused_and_nothing_changes(
    client: TestClient, north: World, session: Session
) -> None:
    set_account(session, north, 1, opening_hours={"th": ["09:00-17:00"]})
    plan_day(client, north, THURSDAY)
    response = client.post(
        f"{base(north, THURSDAY)}/stops/{account_id(north, 1)}/move",
        json={"to_date": str(FRIDAY)},
        headers=north.headers(REP),
    )
    assert response.status_code == 422, response.text
    assert "North Rep 1 Account 1" in response.json()["detail"]
    assert pins(session) == []


# --- near ------------------------------------------------------------------------------------


def test_accounts_near_a_point_nearest_first_within_the_territory(
    client: TestClient, north: World
) -> None:
    url = f"/api/v1/reps/{north.rep_ids[REP]}/accounts/near"
    # North Rep 1's accounts are 0.01, 0.02, 0.03 deg north of home (42.0, -87.8).
    response = client.get(
        url, params={"latitude": 42.035, "longitude": -87.8, "limit": 2}, headers=north.headers(REP)
    )
    assert response.status_code == 200, response.text
    near = response.json()
    assert near["distance"] == "straight_line"
    assert [item["account_id"] for item in near["items"]] == [
        account_id(north, 3),
        account_id(north, 2),
    ]
    assert near["items"][0]["distance_km"] == pytest.approx(0.56, abs=0.01)
    assert near["items"][0]["overdue_days"] is None

    manager = client.get(
        url, params={"latitude": 42.0, "longitude": -87.8}, headers=north.headers("manager_north")
    )
    assert manager.status_code == 200
    assert len(manager.json()["items"]) == 3
    for who in ("rep_north_2", "manager_south"):
        other = client.get(
            url, params={"latitude": 42, "longitude": -87}, headers=north.headers(who)
        )
        assert other.status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"latitude": 91, "longitude": 0}, "latitude"),
        ({"latitude": 0, "longitude": -181}, "longitude"),
        ({"latitude": 0, "longitude": 0, "limit": 0}, "limit"),
        ({"latitude": 0, "longitude": 0, "limit": 101}, "limit"),
        ({"longitude": 0}, "latitude"),
        ({"latitude": "nan", "longitude": 0}, "latitude"),
    ],
)
def test_accounts_near_refuses_bad_input_by_field(
    client: TestClient, north: World, params: dict[str, Any], field: str
) -> None:
    url = f"/api/v1/reps/{north.rep_ids[REP]}/accounts/near"
    response = client.get(url, params=params, headers=north.headers(REP))
    assert response.status_code == 422, response.text
    assert field in response.text
