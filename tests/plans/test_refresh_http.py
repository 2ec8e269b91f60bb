"""POST /api/v1/reps/{rep_id}/plans/refresh over HTTP: who may call it and what it refuses."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from tests.moments import TODAY_UTC
from tests.seed import World


def _url(world: World, key: str) -> str:
    return f"/api/v1/reps/{world.rep_ids[key]}/plans/refresh"


def test_a_rep_refreshes_their_own_week_only(client: TestClient, world: World) -> None:
    own = client.post(
        _url(world, "rep_north_1"), json={"time_limit": 0.2}, headers=world.headers("rep_north_1")
    )
    assert own.status_code == 200, own.text
    body = own.json()
    assert body["rep_name"] == "North Rep 1"
    # 16:00 UTC on a Wednesday: today's shift (08:00-17:00 UTC) has begun without a plan.
    assert [(k["date"], k["reason"]) for k in body["kept"]] == [(str(TODAY_UTC), "started")]
    assert [day["date"] for day in body["refreshed"]] == [
        str(TODAY_UTC + timedelta(days=1)),
        str(TODAY_UTC + timedelta(days=2)),
    ]
    other = client.post(_url(world, "rep_north_2"), json={}, headers=world.headers("rep_north_1"))
    assert other.status_code == 404
    assert other.json()["detail"] == f"no rep {world.rep_ids['rep_north_2']}"
    assert client.post(_url(world, "rep_north_1"), json={}).status_code == 401


def test_bad_dates_are_refused_naming_the_field(client: TestClient, world: World) -> None:
    headers = world.headers("rep_north_1")
    url = _url(world, "rep_north_1")
    for body in ({"from_date": "2026-02-30"}, {"from_date": "soon"}, {"days": 3}):
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
    response = client.post(url, json={"from_date": "2026-02-30"}, headers=headers)
    assert "from_date" in response.text
    over = client.post(url, json={"from_date": str(TODAY_UTC - timedelta(days=7))}, headers=headers)
    assert over.status_code == 422
    assert over.json()["detail"].startswith("the week of Wednesday 25 February 2026 is over")
    # A day earlier this week counts from today: the days gone by are listed, not refused.
    earlier = client.post(
        url, json={"from_date": str(TODAY_UTC - timedelta(days=2)), "time_limit": 0.2},
        headers=headers,
    )  # fmt: skip
    assert earlier.status_code == 200, earlier.text
    assert [(s["date"], s["reason"]) for s in earlier.json()["skipped"]][:2] == [
        (str(TODAY_UTC - timedelta(days=2)), "past"),
        (str(TODAY_UTC - timedelta(days=1)), "past"),
    ]
