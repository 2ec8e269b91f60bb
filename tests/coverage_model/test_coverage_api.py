"""The coverage model through the API (issue 16): each account's cost a year against its value
and the recommendation, detours from stored plans or the nearest places, the team totals, the
apply (recorded, nothing half-written, one at a time), what the planner and the queue do with
the coverage, thresholds that make no sense (422 naming the field), and who may ask (managers
and admins of the team)."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import Account, CoverageChange, Rep, RoutePlan
from app.plans.inputs import build_job, workday
from routing import ValueWeights
from routing.route.matrix import haversine_matrix
from routing.route.model import Point
from tests.backends import ON_BOTH_BACKENDS
from tests.moments import TODAY_UTC
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS
COVERAGE = "/api/v1/coverage"
WEIGHTS = ValueWeights()
VALUES = {1: 200_000.0, 2: 3_000.0, 3: 1_500.0}
"""Per account number of each North rep: one clearly worth the drive, one in between, one not."""


@pytest.fixture
def north(session: Session, world: World) -> World:
    for rep in ("rep_north_1", "rep_north_2"):
        for number, value in VALUES.items():
            account = session.get_one(Account, world.account_ids[f"{rep}-acc-{number}"])
            account.value = value
    session.commit()
    return world


def model(client: TestClient, world: World, who: str = "manager_north", **params: Any) -> Any:
    params = {"team_id": world.team_ids["North"]} | params
    response = client.get(COVERAGE, params=params, headers=world.headers(who))
    assert response.status_code == 200, response.text
    return response.json()


def settings_of(client: TestClient) -> Settings:
    found: Settings = client.app.state.settings  # type: ignore[attr-defined]
    return found


def test_each_account_is_priced_and_recommended_by_hand(
    client: TestClient, north: World, session: Session
) -> None:
    got = model(client, north)
    assert got["team"] == "North"
    assert got["total"] == 6
    assert got["not_modelled"] == 0
    assert got["thresholds"] == pytest.approx({"hybrid": 0.07, "remote": 0.1})
    assert got["thresholds"] == got["default_thresholds"]
    rows = got["items"]
    # The seeded reps: 40 an hour of their working day (no rate of their own for it), 0.5 a
    # km; every visit 30 minutes; cadence 28 days.
    for row in rows:
        assert row["detour_source"] == "neighbours"
        assert row["visits_a_year"] == pytest.approx(365 / 28, abs=0.01)
        by_hand = row["detour_minutes"] / 60 * 40 + row["detour_km"] * 0.5 + 0.5 * 40
        assert row["cost_per_visit"] == pytest.approx(by_hand, abs=0.05)
        ratio = row["field_cost_a_year"] / row["value"]
        assert row["ratio"] == pytest.approx(ratio, abs=1e-3)
        expected = "remote" if ratio > 0.1 else "hybrid" if ratio > 0.07 else "field"
        assert row["recommended"] == expected, row
        assert row["coverage"] == "field"
    assert [r["ratio"] for r in rows] == sorted((r["ratio"] for r in rows), reverse=True)
    by_value = {r["value"]: r["recommended"] for r in rows}
    assert by_value == {200_000.0: "field", 3_000.0: "hybrid", 1_500.0: "remote"}
    # Totals: everything in the field now; after, two hybrid and two remote accounts.
    before, after = got["before"], got["after"]
    assert (before["field"], before["hybrid"], before["remote"]) == (6, 0, 0)
    assert (after["field"], after["hybrid"], after["remote"]) == (2, 2, 2)
    assert before["value_at_risk_a_year"] == 0
    assert after["value_at_risk_a_year"] == pytest.approx(
        2 * (3_000 * 0.07 / 2 + 1_500 * 0.07), abs=0.01
    )
    hours = sum(r["visits_a_year"] * (r["detour_minutes"] / 60 + 0.5) for r in rows) * 7 / 365
    assert before["field_hours_a_week"] == pytest.approx(hours, abs=0.02)
    assert got["field_hours_freed_a_week"] == pytest.approx(
        before["field_hours_a_week"] - after["field_hours_a_week"], abs=0.01
    )
    assert before["cost_per_visit"] == pytest.approx(
        before["field_cost_a_year"] / before["visits_a_year"], abs=0.01
    )
    assert got["accounts_changing"] == 4
    assert len(got["chart"]) == 6
    # A what-if writes nothing.
    session.expire_all()
    assert session.scalars(select(Account.coverage).distinct()).all() == ["field"]
    assert session.scalars(select(CoverageChange)).all() == []


def test_an_account_planned_costs_its_insertion_in_the_stored_plans(
    client: TestClient, north: World, session: Session
) -> None:
    rep_id = north.rep_ids["rep_north_1"]
    rep = session.get_one(Rep, rep_id)
    home = Point(rep.home_latitude or 0, rep.home_longitude or 0)
    stops = [session.get_one(Account, north.account_ids[f"rep_north_1-acc-{n}"]) for n in (2, 1)]
    place = {"latitude": home.lat, "longitude": home.lon, "at": f"{TODAY_UTC}T08:00:00+00:00"}
    session.add(
        RoutePlan(
            rep_id=rep_id,
            plan_date=TODAY_UTC - timedelta(days=3),
            stops=[
                {"account_id": a.id, "latitude": a.latitude, "longitude": a.longitude}
                for a in stops
            ],
            totals={"start": place, "end": place},
        )
    )
    session.commit()
    got = model(client, north, limit=100)
    rows = {row["account_id"]: row for row in got["items"]}
    settings = settings_of(client)
    points = [home, *(Point(a.latitude or 0, a.longitude or 0) for a in stops), home]
    d = haversine_matrix(
        points, circuity=settings.default_circuity, speed_kmh=settings.default_speed_kmh
    ).distances_m
    # Home -> account 2 -> account 1 -> home: account 2 adds d(h,2) + d(2,1) - d(h,1).
    second = rows[stops[0].id]
    assert second["detour_source"] == "plan"
    assert second["detour_km"] == pytest.approx((d[0, 1] + d[1, 2] - d[0, 2]) / 1000, abs=0.01)
    first = rows[stops[1].id]
    assert first["detour_km"] == pytest.approx((d[1, 2] + d[2, 3] - d[1, 3]) / 1000, abs=0.01)
    others = [r for r in got["items"] if r["account_id"] not in {a.id for a in stops}]
    assert {r["detour_source"] for r in others} == {"neighbours"}
    assert "straight-line" in got["travel"]["plan"]


def test_apply_records_the_change_and_the_planner_leaves_remote_accounts_to_the_queue(
    client: TestClient, north: World, session: Session
) -> None:
    team = north.team_ids["North"]
    response = client.post(
        f"{COVERAGE}/apply", json={"team_id": team}, headers=north.headers("manager_north")
    )
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["user"] == "North Manager"
    assert record["accounts_changed"] == 4
    assert record["thresholds"] == pytest.approx({"hybrid": 0.07, "remote": 0.1})
    assert record["totals"]["after"]["remote"] == 2
    changed = {item["account_id"]: item for item in record["items"]}
    session.expire_all()
    for rep in ("rep_north_1", "rep_north_2"):
        hybrid = session.get_one(Account, north.account_ids[f"{rep}-acc-2"])
        remote = session.get_one(Account, north.account_ids[f"{rep}-acc-3"])
        kept = session.get_one(Account, north.account_ids[f"{rep}-acc-1"])
        assert (hybrid.coverage, remote.coverage, kept.coverage) == ("hybrid", "remote", "field")
        # A new hybrid account is touched between visits: at its visit cadence.
        assert hybrid.touch_cadence_days == 28
        assert changed[hybrid.id] == {
            "account_id": hybrid.id,
            "name": hybrid.name,
            "before": "field",
            "after": "hybrid",
            "touch_cadence_before": None,
            "touch_cadence_after": 28,
        }
        assert changed[remote.id]["after"] == "remote"
        assert kept.id not in changed
    listed = client.get(
        f"{COVERAGE}/changes", params={"team_id": team}, headers=north.headers("admin")
    ).json()
    assert listed["total"] == 1
    assert listed["items"][0]["id"] == record["id"]
    # The model now starts from the applied coverage: nothing left to change.
    again = model(client, north)
    assert again["accounts_changing"] == 0
    assert again["field_hours_freed_a_week"] == 0
    # The planner: remote accounts are no drive candidates, hybrid ones at twice the cadence.
    rep = session.get_one(Rep, north.rep_ids["rep_north_1"])
    job, _ = build_job(
        session,
        rep,
        [workday(rep, TODAY_UTC + timedelta(days=1))],
        kind="day",
        settings=settings_of(client),
        time_limit_s=1,
    )
    cadence = {int(c.id): c.cadence_days for c in job.candidates}
    assert north.account_ids["rep_north_1-acc-3"] not in cadence
    assert cadence[north.account_ids["rep_north_1-acc-2"]] == 56
    assert cadence[north.account_ids["rep_north_1-acc-1"]] == 28
    # The queue lists the remote account (never contacted: due).
    queue = client.get(
        "/api/v1/queue",
        params={"rep_id": north.rep_ids["rep_north_1"]},
        headers=north.headers("inside_north"),
    ).json()
    reasons = {item["account_id"]: item["reason"] for item in queue["items"]}
    assert reasons[north.account_ids["rep_north_1-acc-3"]] == "remote"


def test_applies_asked_at_once_change_each_account_once_and_record_it_once(
    client: TestClient, north: World, session: Session
) -> None:
    url, body = f"{COVERAGE}/apply", {"team_id": north.team_ids["North"]}
    headers = north.headers("manager_north")
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: client.post(url, json=body, headers=headers), range(4)))
    assert {a.status_code for a in answers} <= {201, 503}, [a.text for a in answers]
    applied = [a.json() for a in answers if a.status_code == 201]
    assert applied
    # The first one changes the four accounts; those that waited for it find nothing left.
    counts = sorted(record["accounts_changed"] for record in applied)
    assert counts == [0] * (len(applied) - 1) + [4]
    session.expire_all()
    records = session.scalars(select(CoverageChange)).all()
    assert sorted(r.accounts_changed for r in records) == [0] * (len(records) - 1) + [4]
    changed = [item for r in records for item in r.items]
    assert len(changed) == len({item["account_id"] for item in changed}) == 4
    assert all(item["before"] == "field" for item in changed)


def test_higher_thresholds_keep_more_in_the_field_and_free_fewer_hours(
    client: TestClient, north: World
) -> None:
    pairs = [(0.001, 0.001), (0.05, 0.1), (0.07, 0.1), (0.1, 0.5), (1.0, 1.0), (100.0, 1000.0)]
    found = [model(client, north, hybrid=h, remote=r) for h, r in pairs]
    freed = [f["field_hours_freed_a_week"] for f in found]
    risk = [f["value_at_risk_added_a_year"] for f in found]
    assert freed == sorted(freed, reverse=True)
    assert risk == sorted(risk, reverse=True)
    assert found[-1]["accounts_changing"] == 0
    assert freed[-1] == 0
    assert found[0]["after"]["field"] == 0
    assert found[4]["after"]["hybrid"] == 0, "hybrid = remote: nothing in between"
    changes = model(client, north, hybrid=0.07, remote=0.1, changes_only="true")
    assert changes["total"] == 4
    assert all(r["recommended"] != r["coverage"] for r in changes["items"])
    page = model(client, north, limit=2, offset=1, sort="value")
    assert [r["value"] for r in page["items"]] == [1_500.0, 3_000.0]


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"hybrid": -0.1}, "hybrid", "greater than 0"),
        ({"remote": 0}, "remote", "greater than 0"),
        ({"hybrid": "nan"}, "hybrid", ""),
        ({"remote": 5000}, "remote", "less than or equal to 1000"),
        ({"hybrid": 0.5, "remote": 0.2}, "hybrid", "must not be above the remote threshold"),
        ({"remote": 0.01}, "remote", "0.07, the default"),
        ({"sort": "cost;drop"}, "sort", ""),
    ],
)
def test_thresholds_that_make_no_sense_are_a_422_naming_the_field(
    client: TestClient,
    north: World,
    session: Session,
    params: dict[str, Any],
    field: str,
    words: str,
) -> None:
    team = north.team_ids["North"]
    headers = north.headers("manager_north")
    response = client.get(COVERAGE, params={"team_id": team, **params}, headers=headers)
    assert response.status_code == 422, response.text
    # The schema's bounds name the field where it was sent (`query.hybrid`), the service's
    # checks the parameter itself.
    assert response.json()["field"].split(".")[-1] == field
    assert words in response.json()["detail"] or words in str(response.json().get("errors"))
    if field == "sort":
        return
    body = {"team_id": team, **{k: float(v) for k, v in params.items()}}
    if any(isinstance(v, float) and math.isnan(v) for v in body.values()):
        return  # JSON has no NaN
    applied = client.post(f"{COVERAGE}/apply", json=body, headers=headers)
    assert applied.status_code == 422
    assert applied.json()["field"].split(".")[-1] == field
    session.expire_all()
    assert session.scalars(select(CoverageChange)).all() == []
    assert session.scalars(select(Account.coverage).distinct()).all() == ["field"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("manager_north", 200), ("manager_south", 404), ("rep_north_1", 403),
     ("inside_north", 403)],
)  # fmt: skip
def test_only_managers_and_admins_of_the_team_may_ask(
    client: TestClient, north: World, who: str, status: int
) -> None:
    team = north.team_ids["North"]
    response = client.get(COVERAGE, params={"team_id": team}, headers=north.headers(who))
    assert response.status_code == status, response.text
    applied = client.post(f"{COVERAGE}/apply", json={"team_id": team}, headers=north.headers(who))
    assert applied.status_code == (201 if status == 200 else status)
