"""Users and API tokens through the API: scoped lists, the links each role needs, what people
may change about themselves, and tokens shown once, listed without secrets and revoked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from app.core.clock import FixedClock
from tests.backends import ON_BOTH_BACKENDS
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS
URL = "/api/v1/users"


def emails(client: TestClient, world: World, who: str, **params: Any) -> list[str]:
    response = client.get(URL, params=params, headers=world.headers(who))
    assert response.status_code == 200, response.text
    return [user["email"] for user in response.json()["items"]]


def create(client: TestClient, world: World, **body: Any) -> Any:
    return client.post(URL, json={"name": "Pat", **body}, headers=world.headers("admin"))


def new_rep(
    client: TestClient, world: World, email: str = "pat@example.com", kind: str = "field"
) -> int:
    rep = client.post(
        "/api/v1/reps",
        json={"name": "Pat", "email": email, "team_id": 1, "home_latitude": 1, "home_longitude": 1,
              "kind": kind},
        headers=world.headers("admin"),
    )  # fmt: skip
    rep_id: int = rep.json()["id"]
    return rep_id


def test_list_is_scoped(client: TestClient, world: World) -> None:
    assert len(emails(client, world, "admin")) == 9
    assert set(emails(client, world, "manager_north")) == {
        "north@example.com",
        "user-rep_north_1@example.com",
        "user-rep_north_2@example.com",
        "user-inside_north@example.com",
    }
    assert emails(client, world, "rep_south_1") == ["user-rep_south_1@example.com"]
    assert emails(client, world, "inside_south") == ["user-inside_south@example.com"]
    assert emails(client, world, "admin", role="manager", sort="-email") == [
        "south@example.com",
        "north@example.com",
    ]
    assert emails(client, world, "admin", q="SOUTH_2") == ["user-rep_south_2@example.com"]
    other = f"{URL}/{world.user_ids['rep_south_1']}"
    assert client.get(other, headers=world.headers("manager_north")).status_code == 404


def test_me(client: TestClient, world: World) -> None:
    me = client.get(f"{URL}/me", headers=world.headers("manager_south")).json()
    assert (me["role"], me["team_ids"], me["rep_id"]) == (
        "manager",
        [world.team_ids["South"]],
        None,
    )
    rep = client.get(f"{URL}/me", headers=world.headers("rep_north_1")).json()
    assert rep["rep_id"] == world.rep_ids["rep_north_1"]


def test_create_users_with_the_links_their_role_needs(client: TestClient, world: World) -> None:
    rep_id = new_rep(client, world)
    rep_user = create(client, world, email="Pat@Example.com", role="rep", rep_id=rep_id)
    assert rep_user.status_code == 201, rep_user.text
    assert (rep_user.json()["email"], rep_user.json()["rep_id"]) == ("pat@example.com", rep_id)
    fetched = client.get(rep_user.headers["location"], headers=world.headers("admin"))
    assert fetched.json() == rep_user.json()
    manager = create(client, world, email="m@example.com", role="manager", team_ids=[1, 2])
    assert manager.json()["team_ids"] == [1, 2]
    assert create(client, world, email="a@example.com", role="admin").status_code == 201


def test_an_inside_user_is_tied_to_an_inside_rep(client: TestClient, world: World) -> None:
    inside_rep = new_rep(client, world, "dana@example.com", kind="inside")
    field_rep = new_rep(client, world, "sam@example.com")
    wrong = create(client, world, email="d@example.com", role="inside", rep_id=field_rep)
    assert wrong.status_code == 422
    assert wrong.json()["detail"] == (
        "rep_id: Pat is a field rep; an inside user needs an inside rep"
    )
    swapped = create(client, world, email="d@example.com", role="rep", rep_id=inside_rep)
    assert swapped.status_code == 422
    assert swapped.json()["detail"] == "rep_id: Pat is an inside rep; a rep user needs a field rep"
    missing = create(client, world, email="d@example.com", role="inside")
    assert missing.json()["detail"] == "rep_id: an inside user needs the id of their rep"
    made = create(client, world, email="d@example.com", role="inside", rep_id=inside_rep)
    assert made.status_code == 201, made.text
    assert (made.json()["role"], made.json()["rep_id"]) == ("inside", inside_rep)


BAD_USERS: list[tuple[dict[str, Any], int, str]] = [
    ({"email": "x@example.com", "role": "rep"}, 422, "rep_id"),
    ({"email": "x@example.com", "role": "rep", "rep_id": 999}, 422, "rep_id"),
    ({"email": "x@example.com", "role": "rep", "rep_id": 1}, 409, "rep_id"),
    ({"email": "x@example.com", "role": "manager"}, 422, "team_ids"),
    ({"email": "x@example.com", "role": "manager", "team_ids": [1, 99]}, 422, "99"),
    ({"email": "x@example.com", "role": "admin", "rep_id": 1}, 422, "rep_id"),
    ({"email": "x@example.com", "role": "admin", "team_ids": [1]}, 422, "team_ids"),
    ({"email": "x@example.com", "role": "boss"}, 422, "role"),
    ({"email": "NORTH@example.com", "role": "admin"}, 409, "north@example.com"),
]


def test_bad_users_are_refused_naming_the_field(client: TestClient, world: World) -> None:
    for body, status, text in BAD_USERS:
        response = create(client, world, **body)
        assert response.status_code == status, (body, response.text)
        assert text in response.json()["detail"], body


def test_only_admins_create_users(client: TestClient, world: World) -> None:
    body = {"name": "X", "email": "x@example.com", "role": "admin"}
    for who in ("manager_north", "rep_north_1"):
        assert client.post(URL, json=body, headers=world.headers(who)).status_code == 403


def test_people_rename_themselves_and_nothing_else(client: TestClient, world: World) -> None:
    me = f"{URL}/{world.user_ids['rep_north_1']}"
    rep = world.headers("rep_north_1")
    assert client.patch(me, json={"name": "Rita"}, headers=rep).json()["name"] == "Rita"
    refused = client.patch(me, json={"role": "admin"}, headers=rep)
    assert refused.status_code == 403
    assert refused.json()["field"] == "role"
    colleague = f"{URL}/{world.user_ids['rep_north_1']}"
    manager = world.headers("manager_north")
    assert client.patch(colleague, json={"name": "X"}, headers=manager).status_code == 403
    stranger = f"{URL}/{world.user_ids['rep_north_2']}"
    assert client.patch(stranger, json={"name": "X"}, headers=rep).status_code == 404


def test_admins_change_roles_with_their_links(client: TestClient, world: World) -> None:
    url = f"{URL}/{world.user_ids['rep_north_2']}"
    admin = world.headers("admin")
    assert client.patch(url, json={"role": "manager"}, headers=admin).status_code == 422
    promoted = client.patch(url, json={"role": "manager", "team_ids": [2]}, headers=admin).json()
    assert (promoted["role"], promoted["rep_id"], promoted["team_ids"]) == ("manager", None, [2])
    back = client.patch(
        url, json={"role": "rep", "rep_id": world.rep_ids["rep_north_2"]}, headers=admin
    ).json()
    assert (back["role"], back["rep_id"], back["team_ids"]) == (
        "rep",
        world.rep_ids["rep_north_2"],
        [],
    )
    taken = client.patch(url, json={"email": "north@example.com"}, headers=admin)
    assert taken.status_code == 409


def test_admins_cannot_lock_themselves_out(client: TestClient, world: World) -> None:
    me = f"{URL}/{world.user_ids['admin']}"
    admin = world.headers("admin")
    assert client.patch(me, json={"role": "rep"}, headers=admin).status_code == 403
    assert client.patch(me, json={"active": False}, headers=admin).status_code == 403
    assert client.delete(me, headers=admin).status_code == 403
    assert client.get(f"{URL}/me", headers=admin).status_code == 200


def test_deleting_a_user_ends_their_access(client: TestClient, world: World) -> None:
    url = f"{URL}/{world.user_ids['manager_south']}"
    assert client.delete(url, headers=world.headers("manager_north")).status_code == 403
    assert client.delete(url, headers=world.headers("admin")).status_code == 204
    assert client.get(url, headers=world.headers("admin")).status_code == 404
    assert client.get(f"{URL}/me", headers=world.headers("manager_south")).status_code == 401


def test_a_token_is_shown_once_works_and_can_be_revoked(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    user_id = world.user_ids["rep_north_1"]
    rep = world.headers("rep_north_1")
    clock.advance(timedelta(minutes=1))  # after the seeded "tests" token
    created = client.post(
        f"{URL}/{user_id}/tokens", json={"name": "phone", "expires_in_days": 30}, headers=rep
    )
    assert created.status_code == 201, created.text
    token = created.json()
    assert token["token"].startswith(token["prefix"])
    assert token["expires_at"] is not None
    bearer = {"Authorization": f"Bearer {token['token']}"}
    assert client.get(f"{URL}/me", headers=bearer).json()["id"] == user_id
    listed = client.get(f"{URL}/{user_id}/tokens", headers=rep).json()
    assert [t["name"] for t in listed["items"]] == ["phone", "tests"]  # newest first
    assert all(set(t) == set(token) - {"token"} for t in listed["items"])
    assert token["token"] not in str(listed)
    revoke = f"{URL}/{user_id}/tokens/{token['id']}"
    assert client.delete(revoke, headers=rep).status_code == 204
    assert client.get(f"{URL}/me", headers=bearer).status_code == 401
    revoked = client.get(f"{URL}/{user_id}/tokens", headers=rep).json()["items"][0]
    assert revoked["revoked_at"] is not None
    assert client.delete(revoke, headers=rep).status_code == 204  # idempotent


def test_tokens_of_others(client: TestClient, world: World) -> None:
    rep_user = world.user_ids["rep_north_1"]
    body = {"name": "ci"}
    admin_made = client.post(f"{URL}/{rep_user}/tokens", json=body, headers=world.headers("admin"))
    assert admin_made.status_code == 201
    north = world.headers("manager_north")
    assert client.post(f"{URL}/{rep_user}/tokens", json=body, headers=north).status_code == 403
    south = world.headers("manager_south")
    assert client.get(f"{URL}/{rep_user}/tokens", headers=south).status_code == 404
    foreign = f"{URL}/{world.user_ids['admin']}/tokens/{admin_made.json()['id']}"
    assert client.delete(foreign, headers=world.headers("admin")).status_code == 404
    for bad in ({"name": ""}, {"name": "x", "expires_in_days": 0}, {}):
        response = client.post(f"{URL}/{rep_user}/tokens", json=bad, headers=world.headers("admin"))
        assert response.status_code == 422, bad
