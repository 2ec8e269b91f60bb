"""Every page endpoint signs in or redirects, and fails with an HTML message page, the same way
(`app.web.page_routes`): no page answers a stranger or an error with JSON."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.moments import TODAY_UTC
from tests.seed import World

PAGES = (
    "/rep",
    f"/rep?date={TODAY_UTC}&rep_id=1",
    f"/rep/map?rep_id=1&date={TODAY_UTC}",
    "/manager",
    "/manager/plans?team_id=1",
    "/manager/map?team_id=1",
    "/docs",
)


@pytest.mark.parametrize("path", PAGES)
def test_strangers_go_to_sign_in_and_come_back(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={quote(path, safe='/')}"


@pytest.mark.parametrize(
    ("who", "path", "status", "heading", "stylesheet"),
    [
        ("rep_north_1", "/manager/plans", 403, "Managers only", "app.css"),
        ("rep_north_1", "/manager/map?team_id=1", 403, "Managers only", "app.css"),
        ("manager_north", "/manager?team_id=999", 404, "Not found", "app.css"),
        ("rep_north_1", "/rep?rep_id=999", 404, "Cannot show this page", "rep.css"),
        ("rep_north_1", "/rep/map?rep_id=1&date=someday", 400, "Not a date", "rep.css"),
        (
            "rep_north_1",
            f"/rep/map?rep_id=1&date={TODAY_UTC}",
            404,
            "Cannot show this page",
            "rep.css",
        ),
    ],
)
def test_errors_are_message_pages_in_the_routers_layout(
    client: TestClient,
    world: World,
    who: str,
    path: str,
    status: int,
    heading: str,
    stylesheet: str,
) -> None:
    response = client.get(path, headers=world.headers(who))
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    assert f'<link rel="stylesheet" href="/static/css/{stylesheet}">' in response.text
    assert f'<main class="message"><h1>{heading}</h1>' in response.text
    # The user line, with the way out.
    user_line = {"rep_north_1": "North Rep 1 (rep)", "manager_north": "North Manager (manager)"}
    assert f"<span>{user_line[who]}</span>" in response.text
    assert 'action="/logout"' in response.text


def test_the_api_keeps_its_json_errors(client: TestClient, world: World) -> None:
    response = client.get("/api/v1/reps/999", headers=world.headers("rep_north_1"))
    assert response.status_code == 404
    assert response.json() == {"detail": "no rep 999"}
    assert client.get("/openapi.json").status_code == 401
