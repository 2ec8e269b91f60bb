"""Security headers on every response: pages, the API, static files, 404s, 413s, 500s."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.security_headers import image_origin
from tests.seed import World

EVERY_RESPONSE = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def _assert_headers(response_headers: dict[str, str] | object, *, framable: bool = False) -> None:
    headers = dict(response_headers)  # type: ignore[call-overload]
    for name, value in EVERY_RESPONSE.items():
        assert headers[name] == value
    csp = headers["content-security-policy"]
    assert re.search(r"script-src 'self' 'nonce-[\w-]{20,}'(;|$)", csp), csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "unsafe-eval" not in csp
    assert "object-src 'none'" in csp
    if framable:
        assert "frame-ancestors 'self'" in csp
        assert headers["x-frame-options"] == "SAMEORIGIN"
    else:
        assert "frame-ancestors 'none'" in csp
        assert headers["x-frame-options"] == "DENY"
    assert "geolocation=(self)" in headers["permissions-policy"]


def test_every_kind_of_response_has_them(client: TestClient, world: World) -> None:
    manager = world.headers("manager_north")
    north = world.team_ids["North"]
    responses = {
        "page": client.get("/manager", headers=manager),
        "sign-in": client.get("/login"),
        "api": client.get("/api/v1/users/me", headers=manager),
        "api 401": client.get("/api/v1/users/me"),
        "api 422": client.post("/api/v1/optimize", json={}, headers=manager),
        "413": client.post("/api/v1/optimize", content=b"x" * 300_000, headers=manager),
        "static": client.get("/static/css/app.css"),
        "leaflet": client.get("/static/leaflet/leaflet.js"),
        "docs assets": client.get("/static/docs/swagger-ui.css"),
        "404": client.get("/no/such/page"),
        "health": client.get("/health"),
        "redirect": client.get("/manager", follow_redirects=False),
    }
    expected = {"api 401": 401, "api 422": 422, "413": 413, "404": 404, "redirect": 303}
    for what, response in responses.items():
        assert response.status_code == expected.get(what, 200), (what, response.text[:200])
        _assert_headers(response.headers)
    map_page = client.get(f"/manager/map?team_id={north}", headers=manager)
    assert map_page.status_code == 200
    _assert_headers(map_page.headers, framable=True)


def test_an_unhandled_error_has_them_too(app: FastAPI) -> None:
    def boom() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    _assert_headers(response.headers)


def test_each_response_has_its_own_nonce_and_the_page_uses_it(client: TestClient) -> None:
    first, second = client.get("/login"), client.get("/login")
    nonces = [
        re.search(r"'nonce-([^']+)'", r.headers["content-security-policy"]).group(1)  # type: ignore[union-attr]
        for r in (first, second)
    ]
    assert nonces[0] != nonces[1]
    assert f'<style nonce="{nonces[0]}">' in first.text


def test_map_scripts_carry_the_nonce_and_nothing_else_is_inline(
    client: TestClient, world: World
) -> None:
    north = world.team_ids["North"]
    page = client.get(f"/manager/map?team_id={north}", headers=world.headers("manager_north"))
    nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"]).group(1)  # type: ignore[union-attr]
    tags = re.findall(r"<script[^>]*>", page.text)
    assert tags
    assert all(f'nonce="{nonce}"' in tag for tag in tags)
    assert not re.search(r"\son[a-z]+=", page.text)  # no inline event handlers


def test_the_docs_page_has_no_inline_script(client: TestClient, world: World) -> None:
    page = client.get("/docs", headers=world.headers("admin"))
    assert page.status_code == 200
    assert re.findall(r"<script[^>]*>", page.text) == [
        '<script src="/static/docs/swagger-ui-bundle.js">',
        '<script src="/static/js/docs.js">',
    ]


def test_tile_origins() -> None:
    assert image_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == (
        "https://tile.openstreetmap.org"
    )
    assert image_origin("https://{s}.tiles.example.org/{z}/{x}/{y}.png") == (
        "https://*.tiles.example.org"
    )
    assert image_origin("") is None
    assert image_origin("/tiles/{z}/{x}/{y}.png") is None  # this site: 'self' covers it
