"""A batch for a week that has begun plans the rest of it (tests live on Wednesday 10:00 in
Chicago): the days before each rep's today are skipped, not refused, and refusals name reps."""

from __future__ import annotations

from datetime import time, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models import Rep
from tests.moments import TODAY_CHICAGO
from tests.plans.batches import plan_batch
from tests.seed import World

FAST = 0.3
MONDAY = TODAY_CHICAGO - timedelta(days=TODAY_CHICAGO.weekday())


def _set(session: Session, world: World, key: str, **values: object) -> None:
    rep = session.get(Rep, world.rep_ids[key])
    assert rep is not None
    rep.time_zone = "America/Chicago"
    for name, value in values.items():
        setattr(rep, name, value)
    session.commit()


def test_a_started_week_plans_the_rest_of_it_and_names_whom_it_cannot_plan(
    client: TestClient, world: World, session: Session
) -> None:
    assert TODAY_CHICAGO.weekday() == 2  # the fixed moment is a Wednesday
    _set(session, world, "rep_north_1", shift_start=time(11))  # Wednesday not begun yet
    _set(session, world, "rep_north_2", home_latitude=None)  # cannot start anywhere
    _set(session, world, "rep_south_1")  # Wednesday's shift began at 08:00, no plan
    _set(session, world, "rep_south_2", working_days=["mo", "tu"])  # the week is over
    response = plan_batch(
        client,
        json={"date": MONDAY.isoformat(), "days": 7, "time_limit": FAST},
        headers=world.headers("admin"),
    )
    assert response.status_code == 200, response.text
    batch = response.json()
    runs = {run["rep_name"]: run for run in batch["runs"]}
    days = [(MONDAY + timedelta(days=i)).isoformat() for i in range(5)]
    mon, tue, wed, thu, fri = days

    north = runs["North Rep 1"]
    assert north["planned"] == [wed, thu, fri]
    assert [plan["date"] for plan in north["plans"]] == [wed, thu, fri]
    assert [(s["date"], s["reason"]) for s in north["skipped"]] == [(mon, "past"), (tue, "past")]
    assert north["kept"] == []

    south = runs["South Rep 1"]
    assert south["planned"] == [thu, fri]
    assert [(s["date"], s["reason"]) for s in south["skipped"]] == [
        (mon, "past"),
        (tue, "past"),
        (wed, "started"),
    ]
    assert "re-plans the rest of today from the phone" in south["skipped"][2]["detail"]

    # Only working days are listed, and a week that is over for a rep plans nothing for them.
    done = runs["South Rep 2"]
    assert done["planned"] == []
    assert done["plans"] == []
    assert [s["date"] for s in done["skipped"]] == [mon, tue]

    (refused,) = batch["failed"]
    assert refused["rep_name"] == "North Rep 2"
    assert refused["status"] == 422
    assert refused["detail"].startswith("North Rep 2 has no home location")
    assert f"rep {world.rep_ids['rep_north_2']}" not in refused["detail"]


def test_a_started_day_with_a_plan_is_kept_and_a_range_that_is_over_is_refused(
    client: TestClient, world: World, session: Session
) -> None:
    _set(session, world, "rep_north_1")
    _set(session, world, "rep_north_2")
    today = client.post(
        f"/api/v1/reps/{world.rep_ids['rep_north_1']}/plans",
        json={"date": TODAY_CHICAGO.isoformat(), "time_limit": FAST},
        headers=world.headers("admin"),
    )
    assert today.status_code == 201, today.text
    response = plan_batch(
        client,
        json={"date": MONDAY.isoformat(), "days": 5, "time_limit": FAST,
              "team_id": world.team_ids["North"]},
        headers=world.headers("manager_north"),
    )  # fmt: skip
    assert response.status_code == 200, response.text
    north = {run["rep_name"]: run for run in response.json()["runs"]}["North Rep 1"]
    assert north["kept"] == [TODAY_CHICAGO.isoformat()]
    assert len(north["planned"]) == 2
    last_week = plan_batch(
        client,
        json={"date": (MONDAY - timedelta(days=7)).isoformat(), "days": 5,
              "team_id": world.team_ids["North"]},
        headers=world.headers("manager_north"),
    )  # fmt: skip
    assert last_week.status_code == 200
    body = last_week.json()
    assert body["runs"] == []
    assert {f["rep_name"] for f in body["failed"]} == {"North Rep 1", "North Rep 2"}
    assert all("is in the past" in f["detail"] for f in body["failed"])
