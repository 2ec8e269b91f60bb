"""Reps through the API: scoped lists with filters and sorting, creation with a geocoded or
given home, the working-day rules (also across a partial change), and who may do what."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.backends import ON_BOTH_BACKENDS
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS
URL = "/api/v1/reps"


def listing(client: TestClient, world: World, who: str = "admin", **params: Any) -> Any:
    response = client.get(URL, params=params, headers=world.headers(who))
    assert response.status_code == 200, response.text
    return response.json()


def create(client: TestClient, world: World, who: str = "admin", **body: Any) -> Any:
    payload = {"name": "Dana New", "email": "dana@example.com", "team_id": 1, **body}
    return client.post(URL, json=payload, headers=world.headers(who))


def test_list_is_scoped(client: TestClient, world: World) -> None:
    assert listing(client, world)["total"] == 6
    assert listing(client, world, kind="field")["total"] == 4
    north = listing(client, world, "manager_north")["items"]
    assert {rep["name"] for rep in north} == {"North Rep 1", "North Rep 2", "North Inside"}
    mine = listing(client, world, "rep_north_1")
    assert [rep["id"] for rep in mine["items"]] == [world.rep_ids["rep_north_1"]]
    # An inside rep: themselves and the field rep they support, and whom they support.
    inside = {rep["name"]: rep for rep in listing(client, world, "inside_north")["items"]}
    assert set(inside) == {"North Inside", "North Rep 1"}
    assert inside["North Inside"]["kind"] == "inside"
    assert inside["North Inside"]["supports"] == [world.rep_ids["rep_north_1"]]
    assert inside["North Rep 1"]["supports"] == []
    other = f"{URL}/{world.rep_ids['rep_north_2']}"
    assert client.get(other, headers=world.headers("rep_north_1")).status_code == 404
    assert client.get(other, headers=world.headers("manager_south")).status_code == 404


def test_filters_and_sorting(client: TestClient, world: World) -> None:
    assert listing(client, world, team_id=world.team_ids["South"], kind="field")["total"] == 2
    assert [r["name"] for r in listing(client, world, q="REP_SOUTH_2@")["items"]] == ["South Rep 2"]
    client.patch(
        f"{URL}/{world.rep_ids['rep_north_2']}",
        json={"active": False},
        headers=world.headers("admin"),
    )
    assert [r["name"] for r in listing(client, world, active=False)["items"]] == ["North Rep 2"]
    by_team = [r["name"] for r in listing(client, world, kind="field", sort="-team,-name")["items"]]
    assert by_team == ["South Rep 2", "South Rep 1", "North Rep 2", "North Rep 1"]
    by_email = [r["email"] for r in listing(client, world, sort="email")["items"]]
    assert by_email == sorted(by_email)
    bad = client.get(URL, params={"sort": "salary"}, headers=world.headers("admin"))
    assert bad.status_code == 422
    assert "email, id, name, team" in bad.json()["detail"]


def test_create_geocodes_the_home(client: TestClient, world: World) -> None:
    response = create(client, world, home_city="Chicago", home_postcode="60601", home_country="US")
    assert response.status_code == 201, response.text
    rep = response.json()
    assert rep["home_precision"] == "postcode"
    assert rep["home_latitude"] == pytest.approx(41.886, abs=0.01)
    assert (rep["shift_start"], rep["shift_end"], rep["working_days"]) == (
        "08:00:00",
        "17:00:00",
        ["mo", "tu", "we", "th", "fr"],
    )
    assert client.get(response.headers["location"], headers=world.headers("admin")).json() == rep


def test_given_home_point_wins_until_the_address_changes(client: TestClient, world: World) -> None:
    rep = create(client, world, home_postcode="60601", home_latitude=41.0, home_longitude=-88.0)
    assert rep.json()["home_precision"] == "manual"
    assert rep.json()["home_latitude"] == 41.0
    url = f"{URL}/{rep.json()['id']}"
    renamed = client.patch(url, json={"name": "Dana N."}, headers=world.headers("admin")).json()
    assert renamed["home_latitude"] == 41.0
    moved = client.patch(url, json={"home_postcode": "60602"}, headers=world.headers("admin"))
    assert moved.json()["home_precision"] == "postcode"
    assert moved.json()["home_latitude"] != 41.0


BAD_REPS: list[tuple[dict[str, Any], str]] = [
    ({"shift_start": "17:00", "shift_end": "08:00"}, "shift_end"),
    ({"shift_start": "12:00", "lunch_start": "11:30", "lunch_end": "13:00"}, "lunch_start"),
    ({"lunch_start": "12:00", "lunch_end": "12:20", "lunch_minutes": 30}, "lunch_minutes"),
    ({"lunch_start": "12:00", "lunch_end": None}, "lunch_end"),
    ({"lunch_start": None, "lunch_end": None, "lunch_minutes": 600}, "lunch_minutes"),
    ({"working_days": ["mo", "funday"]}, "working_days"),
    ({"cost_per_km": -0.1}, "cost_per_km"),
    ({"cost_per_hour": -1}, "cost_per_hour"),
    ({"cost_per_working_hour": -5}, "cost_per_working_hour"),
    ({"cost_per_working_hour": "a lot"}, "cost_per_working_hour"),
    ({"shift_start": "25:00"}, "shift_start"),
    ({"shift_start": "08:00+02:00"}, "shift_start"),
    ({"email": "not-an-email"}, "email"),
    ({"home_latitude": 41.0}, "home_longitude"),
    ({"max_visits_per_day": 0}, "max_visits_per_day"),
    ({"team_id": 99}, "team_id"),
]


def test_bad_rep_is_422_naming_the_field(client: TestClient, world: World) -> None:
    for body, field in BAD_REPS:
        response = create(client, world, **body)
        assert response.status_code == 422, (body, response.text)
        assert field in response.json()["detail"], (body, response.json())


def test_working_days_are_normalised(client: TestClient, world: World) -> None:
    rep = create(client, world, working_days=["SA", "mo", "mo"], home_latitude=1, home_longitude=1)
    assert rep.json()["working_days"] == ["mo", "sa"]


def test_a_patch_cannot_break_the_day(client: TestClient, world: World) -> None:
    url = f"{URL}/{world.rep_ids['rep_north_1']}"
    admin = world.headers("admin")
    short = client.patch(url, json={"shift_end": "12:00"}, headers=admin)
    assert short.status_code == 422
    assert short.json()["field"] == "lunch_start"
    fine = client.patch(url, json={"shift_end": "12:00", "lunch_end": "12:00"}, headers=admin)
    assert fine.status_code == 200
    assert fine.json()["lunch_end"] == "12:00:00"
    assert client.patch(url, json={"shift_start": None}, headers=admin).status_code == 422


def test_working_hour_cost_is_set_cleared_and_checked(client: TestClient, world: World) -> None:
    """Issue 15: null (the default) counts cost_per_hour for every working hour; a number of
    the rep's own replaces it; null again goes back to the default."""
    url = f"{URL}/{world.rep_ids['rep_north_1']}"
    admin = world.headers("admin")
    assert client.get(url, headers=admin).json()["cost_per_working_hour"] is None
    assert (
        create(client, world, home_latitude=1, home_longitude=1).json()["cost_per_working_hour"]
        is None
    )
    changed = client.patch(url, json={"cost_per_working_hour": 12.5}, headers=admin)
    assert changed.status_code == 200, changed.text
    assert changed.json()["cost_per_working_hour"] == 12.5
    assert client.get(url, headers=admin).json()["cost_per_working_hour"] == 12.5
    bad = client.patch(url, json={"cost_per_working_hour": -1}, headers=admin)
    assert bad.status_code == 422
    assert "cost_per_working_hour" in bad.json()["detail"]
    assert client.get(url, headers=admin).json()["cost_per_working_hour"] == 12.5
    cleared = client.patch(url, json={"cost_per_working_hour": None}, headers=admin)
    assert cleared.json()["cost_per_working_hour"] is None


def test_duplicate_email_is_409(client: TestClient, world: World) -> None:
    response = create(client, world, email="REP_SOUTH_1@example.com")
    assert response.status_code == 409
    assert "rep_south_1@example.com" in response.json()["detail"]


def test_managers_work_in_their_teams_and_reps_only_read(client: TestClient, world: World) -> None:
    own = create(client, world, "manager_north", team_id=None, home_latitude=1, home_longitude=1)
    assert own.status_code == 201
    assert own.json()["team_id"] == world.team_ids["North"]
    assert (
        create(client, world, "manager_north", team_id=2, email="x@example.com").status_code == 403
    )
    url = f"{URL}/{world.rep_ids['rep_north_1']}"
    manager = world.headers("manager_north")
    assert client.patch(url, json={"team_id": 2}, headers=manager).status_code == 403
    assert (
        client.patch(url, json={"cost_per_km": 0.7}, headers=manager).json()["cost_per_km"] == 0.7
    )
    rep = world.headers("rep_north_1")
    assert client.patch(url, json={"name": "Me"}, headers=rep).status_code == 403
    assert create(client, world, "rep_north_1").status_code == 403


def test_delete_keeps_their_user_and_territory(client: TestClient, world: World) -> None:
    rep_id = world.rep_ids["rep_south_2"]
    assert (
        client.delete(f"{URL}/{rep_id}", headers=world.headers("manager_north")).status_code == 404
    )
    assert client.delete(f"{URL}/{rep_id}", headers=world.headers("admin")).status_code == 204
    assert client.get(f"{URL}/{rep_id}", headers=world.headers("admin")).status_code == 404
    user = client.get(
        f"/api/v1/users/{world.user_ids['rep_south_2']}", headers=world.headers("admin")
    ).json()
    assert user["rep_id"] is None
    accounts = client.get(
        "/api/v1/accounts",
        params={"territory_id": world.territory_ids["rep_south_2"]},
        headers=world.headers("admin"),
    ).json()
    assert accounts["total"] == 3


def test_a_rep_has_a_time_zone_for_their_day(client: TestClient, world: World) -> None:
    rep_id = world.rep_ids["rep_north_1"]
    headers = world.headers("admin")
    assert client.get(f"/api/v1/reps/{rep_id}", headers=headers).json()["time_zone"] is None
    changed = client.patch(
        f"/api/v1/reps/{rep_id}", json={"time_zone": "America/Chicago"}, headers=headers
    )
    assert changed.status_code == 200
    assert changed.json()["time_zone"] == "America/Chicago"
    wrong = client.patch(
        f"/api/v1/reps/{rep_id}", json={"time_zone": "Lake/Michigan"}, headers=headers
    )
    assert wrong.status_code == 422
    assert "Lake/Michigan" in wrong.text
    assert "time_zone" in wrong.text
