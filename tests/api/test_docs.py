"""API docs: behind sign-in, and rendered from local files (no CDN)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.seed import World


def test_openapi_needs_a_token(client: TestClient, world: World) -> None:
    assert client.get("/openapi.json").status_code == 401
    spec = client.get("/openapi.json", headers=world.headers("rep_north_1"))
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    assert "/api/v1/accounts" in paths
    assert "/api/v1/imports/accounts" in paths


def test_docs_page_sends_strangers_to_sign_in(client: TestClient, world: World) -> None:
    response = client.get("/docs", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/docs"
    client.post("/login", data={"token": world.tokens["admin"], "next": "/docs"})
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower()
    assert "/static/docs/swagger-ui-bundle.js" in page.text
    asset = client.get("/static/docs/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert "SwaggerUIBundle" in asset.text[:2000]
