"""A method a path does not serve: 405 naming every method it does serve."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.seed import World


def test_405_lists_every_method_of_the_path(client: TestClient, world: World) -> None:
    account = next(iter(world.account_ids.values()))
    response = client.put(f"/api/v1/accounts/{account}", headers=world.headers("admin"), json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, GET, HEAD, PATCH"
    assert "allowed: DELETE, GET, HEAD, PATCH" in response.json()["detail"]


def test_405_on_a_path_with_one_route(client: TestClient, world: World) -> None:
    response = client.delete("/api/v1/roads", headers=world.headers("admin"))
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
