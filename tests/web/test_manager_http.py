"""`/manager` and `/manager/map` over HTTP (no browser): who may see what, what the page and
the map are made of, the static files, and the tile setting."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from tests.moments import TODAY_UTC
from tests.seed import World


def _map_data(html: str) -> dict[str, list[object]]:
    match = re.search(r"fieldrouteTerritories\([^,]+, (\{.*\})\);", html)
    assert match is not None, "no territory layer in the map"
    data: dict[str, list[object]] = json.loads(match.group(1))
    return data


def test_strangers_are_sent_to_sign_in_and_back(client: TestClient) -> None:
    response = client.get("/manager?team_id=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/manager%3Fteam_id%3D1"
    form = client.get(response.headers["location"])
    assert 'name="next" value="/manager?team_id=1"' in form.text
    response = client.get("/manager/map?team_id=1", follow_redirects=False)
    assert response.status_code == 303


def test_reps_get_a_403_page(client: TestClient, world: World) -> None:
    rep = world.headers("rep_north_1")
    page = client.get("/manager", headers=rep)
    assert page.status_code == 403
    assert page.headers["content-type"].startswith("text/html")
    assert "Managers only" in page.text
    north = world.team_ids["North"]
    assert client.get(f"/manager/map?team_id={north}", headers=rep).status_code == 403


def test_a_manager_sees_their_team_only(client: TestClient, world: World) -> None:
    headers = world.headers("manager_north")
    north, south = world.team_ids["North"], world.team_ids["South"]
    page = client.get("/manager", headers=headers)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert f'src="/manager/map?team_id={north}"' in page.text
    assert page.text.count('<tr data-rep-id="') == 2
    assert "North Rep 1" in page.text
    assert "South Rep" not in page.text
    assert "team-picker" not in page.text
    assert '<script src="/static/js/manager.js" defer>' in page.text
    assert client.get(f"/manager?team_id={south}", headers=headers).status_code == 404
    assert client.get(f"/manager/map?team_id={south}", headers=headers).status_code == 404


def test_admins_pick_a_team(client: TestClient, world: World, auth: dict[str, str]) -> None:
    page = client.get("/manager", headers=auth)
    assert page.status_code == 200
    options = re.findall(r'<option value="(\d+)"( selected)?>([^<]+)</option>', page.text)
    assert [(int(v), s != "", n) for v, s, n in options] == [
        (world.team_ids["North"], True, "North"),
        (world.team_ids["South"], False, "South"),
    ]
    south = client.get(f"/manager?team_id={world.team_ids['South']}", headers=auth)
    assert "South Rep 2" in south.text


def test_the_map_draws_the_team_from_local_files(client: TestClient, world: World) -> None:
    north = world.team_ids["North"]
    response = client.get(f"/manager/map?team_id={north}", headers=world.headers("manager_north"))
    assert response.status_code == 200
    # Stamped with the response's CSP nonce (app.core.security_headers).
    assert re.search(r'<script nonce="[^"]+" src="/static/leaflet/leaflet.js">', response.text)
    assert "cdn" not in response.text.lower()
    data = _map_data(response.text)
    assert len(data["accounts"]) == 6
    assert len(data["reps"]) == 2


def test_a_proposal_of_another_team_is_not_drawn(
    client: TestClient, world: World, auth: dict[str, str]
) -> None:
    south = world.team_ids["South"]
    created = client.post(
        "/api/v1/territories/proposals",
        headers=auth,
        json={"team_id": south, "workload_tolerance": 0.5, "time_limit_s": 1},
    )
    assert created.status_code == 202, created.text
    job = client.get(created.headers["location"], headers=auth).json()
    proposal_id = int(job["links"]["proposal"].rsplit("/", 1)[1])
    own = client.get(f"/manager/map?team_id={south}&proposal_id={proposal_id}", headers=auth)
    assert own.status_code == 200
    assert _map_data(own.text)["proposal"] is True
    north = world.team_ids["North"]
    other = client.get(f"/manager/map?team_id={north}&proposal_id={proposal_id}", headers=auth)
    assert other.status_code == 404


def test_static_files_are_served_and_docs_assets_still_are(client: TestClient) -> None:
    for path in (
        "/static/leaflet/leaflet.js",
        "/static/leaflet/leaflet.css",
        "/static/leaflet/images/layers.png",
        "/static/jquery/jquery.min.js",
        "/static/js/api.js",
        "/static/js/manager.js",
        "/static/css/app.css",
        "/static/js/territory-map.js",
        "/static/css/territory-map.css",
        "/static/docs/swagger-ui-bundle.js",
    ):
        assert client.get(path).status_code == 200, path


def test_tiles_come_from_the_setting(settings: Settings, world: World) -> None:
    north = world.team_ids["North"]
    headers = world.headers("manager_north")
    for url, expected in (
        ("http://tiles.example.test/{z}/{x}/{y}.png", "tiles.example.test"),
        ("", None),
    ):
        app = create_app(settings.model_copy(update={"map_tiles_url": url}))
        with TestClient(app) as client:
            html = client.get(f"/manager/map?team_id={north}", headers=headers).text
        assert ("L.tileLayer" in html) is (expected is not None)
        if expected:
            assert expected in html
        assert "openstreetmap.org/{z}" not in html


def test_the_week_of_plans_shows_each_reps_latest_plan(client: TestClient, world: World) -> None:
    from datetime import timedelta

    today = TODAY_UTC
    monday = today + timedelta(days=7 - today.weekday())
    planned = client.post(
        f"/api/v1/reps/{world.rep_ids['rep_north_1']}/plans",
        json={"date": monday.isoformat(), "time_limit": 0.3},
        headers=world.headers("manager_north"),
    )
    assert planned.status_code == 201
    page = client.get(
        f"/manager/plans?start={monday.isoformat()}", headers=world.headers("manager_north")
    )
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "North Rep 1" in page.text
    assert "North Rep 2" in page.text
    assert "South Rep 1" not in page.text
    link = f'href="/rep?rep_id={world.rep_ids["rep_north_1"]}&amp;date={monday.isoformat()}"'
    assert link in page.text
    assert ">3 stops</a>" in page.text
    assert page.text.count('class="empty"') == 2 * 7 - 1
    rep = client.get("/manager/plans", headers=world.headers("rep_north_1"))
    assert rep.status_code == 403
