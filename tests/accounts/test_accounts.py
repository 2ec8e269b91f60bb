"""Accounts through the API: list filters, sorting and paging; create, change, pin and
re-geocode; what reps and managers may and may not do."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.geocoding import AddressQuery
from app.models import Account
from app.placement.cache import DbGeocodeCache
from tests.backends import ON_BOTH_BACKENDS
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS
URL = "/api/v1/accounts"
CHICAGO = {"street": "1 Main St", "city": "Chicago", "postcode": "60601", "country": "US"}


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


def listing(client: TestClient, world: World, who: str = "admin", **params: Any) -> Any:
    response = client.get(URL, params=params, headers=world.headers(who))
    assert response.status_code == 200, response.text
    return response.json()


def create(client: TestClient, world: World, who: str = "admin", **body: Any) -> Any:
    return client.post(URL, json={"name": "New Account", **body}, headers=world.headers(who))


def set_fields(session: Session, world: World, key: str, **values: Any) -> None:
    account_id = world.account_ids[key]
    session.execute(update(Account).where(Account.id == account_id).values(**values))
    session.commit()


def test_list_is_scoped_paged_and_sorted_by_name(client: TestClient, world: World) -> None:
    page = listing(client, world)
    assert (page["total"], page["limit"], page["offset"]) == (12, 100, 0)
    assert [item["name"] for item in page["items"]] == sorted(i["name"] for i in page["items"])
    assert listing(client, world, "manager_north")["total"] == 6
    mine = listing(client, world, "rep_north_1")
    assert {item["external_id"] for item in mine["items"]} == {
        f"rep_north_1-acc-{n}" for n in (1, 2, 3)
    }


def test_pages_cover_everything_once_even_with_ties(client: TestClient, world: World) -> None:
    seen: list[int] = []
    for offset in range(0, 12, 5):
        page = listing(client, world, sort="tier", limit=5, offset=offset)
        assert page["total"] == 12
        seen += [item["id"] for item in page["items"]]
    assert sorted(seen) == sorted(world.account_ids.values())
    assert listing(client, world, offset=50)["items"] == []


BAD_PARAMETERS: list[tuple[dict[str, Any], str]] = [
    ({"limit": 1001}, "limit"),
    ({"limit": 0}, "limit"),
    ({"offset": -1}, "offset"),
    ({"sort": "name,shoe_size"}, "sort"),
    ({"sort": "name,-name"}, "sort"),
    ({"tier": "X" * 9}, "tier"),
    ({"precision": "exact"}, "precision"),
    ({"as_of": "yesterday"}, "as_of"),
    ({"team_id": 2**70}, "team_id"),
    ({"colour": "red"}, "colour"),
]


def test_bad_list_parameters_are_422_naming_them(client: TestClient, world: World) -> None:
    for params, field in BAD_PARAMETERS:
        response = client.get(URL, params=params, headers=world.headers("admin"))
        assert response.status_code == 422, params
        assert field in response.json()["detail"], params


def test_unknown_sort_field_lists_the_allowed_ones(client: TestClient, world: World) -> None:
    detail = client.get(URL, params={"sort": "colour"}, headers=world.headers("admin")).json()
    assert "'colour'" in detail["detail"]
    assert "name" in detail["detail"]
    assert "-" in detail["detail"]
    assert "next_due_date" in detail["detail"]


def test_sort_descending_then_by_name_nulls_last(
    client: TestClient, world: World, session: Session
) -> None:
    set_fields(session, world, "rep_south_2-acc-3", tier=None)
    by_value = listing(client, world, sort="-value,name")["items"]
    values = [item["value"] for item in by_value]
    assert values == sorted(values, reverse=True)
    assert [i["name"] for i in by_value[:4]] == sorted(i["name"] for i in by_value[:4])
    for sort in ("tier", "-tier"):
        tiers = [item["tier"] for item in listing(client, world, sort=sort)["items"]]
        assert tiers[-1] is None
        assert None not in tiers[:-1]


def test_filters_by_territory_team_tier_and_activity(
    client: TestClient, world: World, session: Session
) -> None:
    territory = world.territory_ids["rep_south_1"]
    assert listing(client, world, territory_id=territory)["total"] == 3
    assert listing(client, world, team_id=world.team_ids["South"])["total"] == 6
    assert listing(client, world, tier=["A", "B"])["total"] == 8
    set_fields(session, world, "rep_north_1-acc-1", active=False)
    assert listing(client, world, active=False)["total"] == 1
    assert listing(client, world, active=True, tier="A")["total"] == 3


def test_filters_by_placement_and_precision(
    client: TestClient, world: World, session: Session
) -> None:
    set_fields(session, world, "rep_north_1-acc-1", latitude=None, longitude=None)
    set_fields(session, world, "rep_north_1-acc-2", geocode_precision="manual")
    assert listing(client, world, placed=False)["total"] == 1
    assert listing(client, world, placed=True)["total"] == 11
    assert listing(client, world, precision="manual")["total"] == 1
    assert listing(client, world, precision=["manual", "postcode"])["total"] == 12


def test_overdue_relative_to_as_of(client: TestClient, world: World, session: Session) -> None:
    # The seed's accounts all have a 28-day cadence and no visit yet: all overdue.
    set_fields(session, world, "rep_north_1-acc-1", last_visit_date=date(2024, 1, 1))
    set_fields(session, world, "rep_north_1-acc-2", last_visit_date=date(2024, 2, 20))
    set_fields(session, world, "rep_north_1-acc-3", cadence_days=None)
    set_fields(session, world, "rep_north_2-acc-1", active=False)
    overdue = listing(client, world, overdue=True, as_of="2024-03-01", team_id=1, limit=10)
    by_key = {item["external_id"]: item for item in overdue["items"]}
    assert set(by_key) == {"rep_north_1-acc-1", "rep_north_2-acc-2", "rep_north_2-acc-3"}
    assert by_key["rep_north_1-acc-1"]["next_due_date"] == "2024-01-29"
    assert by_key["rep_north_1-acc-1"]["overdue_days"] == 32
    assert by_key["rep_north_2-acc-2"]["overdue_days"] is None  # never visited
    on_time = listing(client, world, overdue=False, as_of="2024-03-01", team_id=1)["items"]
    assert {item["external_id"] for item in on_time} == {
        "rep_north_1-acc-2",
        "rep_north_1-acc-3",
        "rep_north_2-acc-1",
    }
    soon = next(item for item in on_time if item["external_id"] == "rep_north_1-acc-2")
    assert (soon["overdue"], soon["overdue_days"], soon["next_due_date"]) == (
        False,
        -18,
        "2024-03-19",
    )
    # Due on 2024-03-19: not overdue that day, overdue the day after.
    assert listing(client, world, overdue=True, as_of="2024-03-19", q="north_1-acc-2")["total"] == 0
    assert listing(client, world, overdue=True, as_of="2024-03-20", q="north_1-acc-2")["total"] == 1
    first_due = listing(client, world, sort="next_due_date", team_id=1)["items"][0]
    assert first_due["external_id"] == "rep_north_1-acc-1"


def test_text_search_is_case_insensitive_on_every_backend(client: TestClient, world: World) -> None:
    for name, street in (("Müller Bäckerei", "Straße 1"), ("100% Beef", None), ("Cafe_1", None)):
        assert (
            create(client, world, name=name, street=street, latitude=1, longitude=1).status_code
            == 201
        )
    assert names(client.get(URL, params={"q": "MÜLLER"}, headers=world.headers("admin"))) == [
        "Müller Bäckerei"
    ]
    assert listing(client, world, q="bäCKEREI")["total"] == 1
    assert listing(client, world, q="STRASSE")["total"] == 0  # lower-casing, not folding
    assert listing(client, world, q="straße")["total"] == 1
    assert [i["name"] for i in listing(client, world, q="%")["items"]] == ["100% Beef"]
    assert [i["name"] for i in listing(client, world, q="e_")["items"]] == ["Cafe_1"]
    assert listing(client, world, q="SOUTH_2-ACC")["total"] == 3  # external_id
    assert listing(client, world, q="6060")["total"] == 12  # postcode
    assert listing(client, world, q="chicago", limit=1)["total"] == 12  # city
    assert listing(client, world, "rep_north_1", q="south")["total"] == 0  # still scoped


def test_create_geocodes_and_answers_with_location(client: TestClient, world: World) -> None:
    response = create(client, world, external_id="crm-1", team_id=1, **CHICAGO)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["geocode_precision"] == "postcode"
    assert created["geocode_source"] == "us-zip"
    assert created["latitude"] == pytest.approx(41.886, abs=0.01)
    assert created["pin_manual"] is False
    read = client.get(response.headers["location"], headers=world.headers("admin"))
    assert read.status_code == 200
    assert read.json() == created


def test_create_with_a_point_pins_it(client: TestClient, world: World) -> None:
    created = create(client, world, latitude=41.5, longitude=-87.5, **CHICAGO).json()
    assert (created["latitude"], created["longitude"]) == (41.5, -87.5)
    assert created["pin_manual"] is True
    assert (created["geocode_precision"], created["geocode_source"]) == ("manual", "user")


def test_unplaceable_account_is_listed_with_its_reason(client: TestClient, world: World) -> None:
    created = create(client, world, city="Nowhereville", postcode="00000").json()
    assert created["latitude"] is None
    assert "not found" in created["geocode_note"]
    not_placed = listing(client, world, placed=False)["items"]
    assert [(i["id"], i["geocode_note"]) for i in not_placed] == [
        (created["id"], created["geocode_note"])
    ]


def test_create_normalises_opening_hours(client: TestClient, world: World) -> None:
    text = create(client, world, opening_hours="Mo-Fr 08:00-12:00, 13:00-17:00").json()
    assert text["opening_hours"]["mo"] == ["08:00-12:00", "13:00-17:00"]
    assert "sa" not in text["opening_hours"]
    data = create(client, world, opening_hours={"Tuesday": ["13:00-17:00", "08:00-12:00"]})
    assert data.json()["opening_hours"] == {"tu": ["08:00-12:00", "13:00-17:00"]}


BAD_ACCOUNTS: list[tuple[dict[str, Any], str]] = [
    ({"opening_hours": {"mo": ["17:00-08:00"]}}, "opening_hours"),
    ({"opening_hours": {"someday": ["08:00-09:00"]}}, "opening_hours"),
    ({"opening_hours": ["08:00-09:00"]}, "opening_hours"),
    ({"latitude": 41.0}, "longitude"),
    ({"latitude": 91, "longitude": 0}, "latitude"),
    ({"name": " "}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"postcode": "1" * 21}, "postcode"),
    ({"value": -1}, "value"),
    ({"cadence_days": 0}, "cadence_days"),
    ({"team_id": 999}, "team_id"),
    ({"team_id": 2**70}, "team_id"),
    ({"territory_id": 999}, "territory_id"),
    ({"team_id": 2, "territory_id": 1}, "territory_id"),
    ({"colour": "red"}, "colour"),
]


def test_bad_account_is_422_naming_the_field(client: TestClient, world: World) -> None:
    for body, field in BAD_ACCOUNTS:
        response = create(client, world, **body)
        assert response.status_code == 422, (body, response.text)
        assert field in response.json()["detail"], body


def test_duplicate_external_id_is_409_naming_it(client: TestClient, world: World) -> None:
    response = create(client, world, external_id="rep_south_1-acc-1")
    assert response.status_code == 409
    assert "rep_south_1-acc-1" in response.json()["detail"]
    assert response.json()["field"] == "external_id"
    other = world.account_ids["rep_north_1-acc-1"]
    patch = client.patch(
        f"{URL}/{other}", json={"external_id": "rep_south_1-acc-1"}, headers=world.headers("admin")
    )
    assert patch.status_code == 409


def test_managers_create_only_in_their_teams(client: TestClient, world: World) -> None:
    own = create(client, world, "manager_north", latitude=1, longitude=1)
    assert own.status_code == 201
    assert own.json()["team_id"] == world.team_ids["North"]
    by_territory = create(
        client, world, "manager_south", territory_id=world.territory_ids["rep_south_1"]
    )
    assert by_territory.json()["team_id"] == world.team_ids["South"]
    assert (
        create(client, world, "manager_north", team_id=world.team_ids["South"]).status_code == 403
    )
    assert create(client, world, "rep_north_1").status_code == 403


def test_patch_changes_only_what_is_sent(client: TestClient, world: World) -> None:
    account_id = world.account_ids["rep_north_1-acc-2"]
    before = client.get(f"{URL}/{account_id}", headers=world.headers("admin")).json()
    response = client.patch(
        f"{URL}/{account_id}",
        json={"notes": "ring twice", "tier": "A"},
        headers=world.headers("admin"),
    )
    after = response.json()
    assert (after["notes"], after["tier"]) == ("ring twice", "A")
    unchanged = {k: v for k, v in after.items() if k not in {"notes", "tier", "updated_at"}}
    assert unchanged == {k: before[k] for k in unchanged}
    for body in ({"name": None}, {"latitude": 1.0}, {"latitude": 1.0, "longitude": None}):
        bad = client.patch(f"{URL}/{account_id}", json=body, headers=world.headers("admin"))
        assert bad.status_code == 422, body


def test_manual_pin_is_kept_until_the_address_changes(client: TestClient, world: World) -> None:
    url = f"{URL}/{create(client, world, **CHICAGO).json()['id']}"
    admin = world.headers("admin")
    pinned = client.patch(url, json={"latitude": 41.9, "longitude": -87.6}, headers=admin).json()
    assert (pinned["pin_manual"], pinned["geocode_source"]) == (True, "pin")
    same_address = client.patch(url, json={"city": "Chicago", "notes": "x"}, headers=admin).json()
    assert same_address["pin_manual"] is True
    assert same_address["latitude"] == 41.9
    moved_both = client.patch(
        url, json={"postcode": "60602", "latitude": 41.8, "longitude": -87.7}, headers=admin
    ).json()
    assert moved_both["pin_manual"] is True
    assert moved_both["latitude"] == 41.8
    readdressed = client.patch(url, json={"postcode": "60601"}, headers=admin).json()
    assert readdressed["pin_manual"] is False
    assert readdressed["geocode_precision"] == "postcode"
    assert readdressed["latitude"] == pytest.approx(41.886, abs=0.01)


def test_geocode_endpoint_drops_the_pin(client: TestClient, world: World) -> None:
    created = create(client, world, latitude=10.0, longitude=10.0, **CHICAGO).json()
    again = client.post(f"{URL}/{created['id']}/geocode", headers=world.headers("admin")).json()
    assert again["pin_manual"] is False
    assert again["geocode_source"] == "us-zip"
    unpinned = client.patch(
        f"{URL}/{created['id']}",
        json={"latitude": None, "longitude": None},
        headers=world.headers("admin"),
    ).json()
    assert unpinned["pin_manual"] is False
    assert unpinned["latitude"] is not None


def test_reps_change_only_pin_notes_and_phone_of_their_own(
    client: TestClient, world: World
) -> None:
    own = f"{URL}/{world.account_ids['rep_north_1-acc-1']}"
    rep = world.headers("rep_north_1")
    ok = client.patch(own, json={"phone": "555", "latitude": 42.2, "longitude": -87.9}, headers=rep)
    assert ok.status_code == 200
    assert ok.json()["pin_manual"] is True
    refused = client.patch(own, json={"notes": "x", "value": 9, "name": "Mine"}, headers=rep)
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("name, value:")
    other = f"{URL}/{world.account_ids['rep_north_2-acc-1']}"
    assert client.patch(other, json={"notes": "x"}, headers=rep).status_code == 404
    assert client.delete(own, headers=rep).status_code == 403


def test_inside_reps_change_only_notes_and_phone_of_the_accounts_they_support(
    client: TestClient, world: World
) -> None:
    supported = f"{URL}/{world.account_ids['rep_north_1-acc-1']}"
    inside = world.headers("inside_north")
    ok = client.patch(supported, json={"phone": "555", "notes": "Buyer: Ana"}, headers=inside)
    assert ok.status_code == 200, ok.text
    refused = client.patch(supported, json={"coverage": "remote", "latitude": 1, "longitude": 1},
                           headers=inside)  # fmt: skip
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "coverage, latitude, longitude: inside reps may change only notes and phone"
    )
    other = f"{URL}/{world.account_ids['rep_north_2-acc-1']}"
    assert client.patch(other, json={"notes": "x"}, headers=inside).status_code == 404


def test_remote_cadence_coverage_and_last_touch(client: TestClient, world: World) -> None:
    made = create(client, world, name="Phone Only", latitude=41.9, longitude=-87.7,
                  team_id=world.team_ids["North"], cadence_days=56, touch_cadence_days=14,
                  coverage="remote", last_touch_date="2026-02-20")  # fmt: skip
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["cadence_days"], body["touch_cadence_days"], body["coverage"]) == (
        56,
        14,
        "remote",
    )
    assert (body["last_visit_date"], body["last_touch_date"]) == (None, "2026-02-20")
    url = f"{URL}/{body['id']}"
    admin = world.headers("admin")
    hybrid = client.patch(
        url, json={"coverage": "hybrid", "touch_cadence_days": None}, headers=admin
    )
    assert (hybrid.json()["coverage"], hybrid.json()["touch_cadence_days"]) == ("hybrid", None)
    assert listing(client, world, coverage="hybrid")["total"] == 1
    for bad in ({"coverage": "carrier pigeon"}, {"coverage": None}, {"touch_cadence_days": 0},
                {"last_touch_date": "9999-12-30"}):  # fmt: skip
        refused = client.patch(url, json=bad, headers=admin)
        assert refused.status_code == 422, bad
        assert refused.json()["field"] == next(iter(bad)), bad
    default = create(client, world, name="Drive By", latitude=41.9, longitude=-87.7,
                     team_id=world.team_ids["North"]).json()  # fmt: skip
    assert (default["coverage"], default["touch_cadence_days"]) == ("field", None)


def test_managers_cannot_move_accounts_out_of_their_teams(client: TestClient, world: World) -> None:
    url = f"{URL}/{world.account_ids['rep_north_1-acc-1']}"
    manager = world.headers("manager_north")
    for body in ({"team_id": world.team_ids["South"]}, {"team_id": None}):
        assert client.patch(url, json=body, headers=manager).status_code == 403
    south_territory = {"territory_id": world.territory_ids["rep_south_1"]}
    assert client.patch(url, json=south_territory, headers=manager).status_code == 422
    moved = client.patch(url, json=south_territory, headers=world.headers("admin")).json()
    assert (moved["territory_id"], moved["team_id"]) == (
        world.territory_ids["rep_south_1"],
        world.team_ids["South"],
    )


def test_delete_removes_the_account(client: TestClient, world: World) -> None:
    url = f"{URL}/{world.account_ids['rep_south_1-acc-1']}"
    assert client.delete(url, headers=world.headers("manager_north")).status_code == 404
    assert client.delete(url, headers=world.headers("manager_south")).status_code == 204
    assert client.get(url, headers=world.headers("admin")).status_code == 404
    assert listing(client, world)["total"] == 11


ODD_REQUESTS: list[tuple[str, str, Any]] = [
    ("GET", f"{URL}?q=a%00b", None),
    ("GET", f"{URL}?tier=%00", None),
    ("GET", f"{URL}?sort=%00", None),
    ("GET", f"{URL}?offset=1000000000000000000000", None),
    ("GET", f"{URL}/0", None),
    ("GET", f"{URL}/99999999999999999999999", None),
    ("POST", URL, {"name": "a\x00b"}),
    ("POST", URL, {"name": "x", "street": "\x00"}),
    ("POST", URL, b'{"name": "x", "value": 1e400}'),
    ("POST", URL, b'{"name": "x", "value": NaN}'),
    ("POST", URL, b'{"name": "x",'),
    ("POST", URL, {"name": 5}),
    ("POST", URL, ["not", "an", "object"]),
    ("PATCH", f"{URL}/1", {"opening_hours": {"mo": "08:00-12:00"}}),
    ("PATCH", f"{URL}/1", {"last_visit_date": "2024-02-30"}),
]


def test_odd_input_is_4xx_never_500(client: TestClient, world: World) -> None:
    admin = {**world.headers("admin"), "Content-Type": "application/json"}
    for method, url, body in ODD_REQUESTS:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        response = client.request(method, url, content=raw, headers=admin)
        assert 400 <= response.status_code < 500, (method, url, body, response.text)
        assert response.json()["detail"], (method, url, body)


def test_a_last_visit_in_the_future_is_refused(client: TestClient, world: World) -> None:
    # It would make the account neither overdue nor due (overdue=true and =false would not
    # add up to the total).
    url = f"{URL}/{world.account_ids['rep_north_1-acc-1']}"
    far = {"last_visit_date": "9999-12-30", "cadence_days": 3650}
    patched = client.patch(url, json=far, headers=world.headers("admin"))
    assert patched.status_code == 422
    assert patched.json()["field"] == "last_visit_date"
    everything = listing(client, world)["total"]
    overdue = listing(client, world, overdue=True)["total"]
    assert overdue + listing(client, world, overdue=False)["total"] == everything


def test_geocode_again_asks_the_geocoders_despite_a_cached_miss(
    client: TestClient, world: World, session: Session
) -> None:
    created = create(client, world, **CHICAGO).json()
    query = AddressQuery(
        street=created["street"], city=created["city"], postcode=created["postcode"],
        region=created["region"], country=created["country"],
    )  # fmt: skip
    DbGeocodeCache(session).put_many({query.key(): None})
    session.commit()
    again = client.post(f"{URL}/{created['id']}/geocode", headers=world.headers("admin")).json()
    assert again["latitude"] is not None
    assert again["geocode_precision"] == "postcode"
