"""Appointment slots through the API (issue 16, the hand-off): an inside rep asks when a field rep
can see an account or a new prospect, books a slot and the rep's day is planned again with it,
every appointment kept; who may ask about whom (404 outside); and the answers that say why there
is no slot, or why the question is wrong (422)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Account, Rep, RoutePlan, Visit
from tests.backends import ON_BOTH_BACKENDS
from tests.moments import TODAY_UTC
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS
SLOTS = "/api/v1/appointments/slots"
BOOK = "/api/v1/appointments/slots/book"
# The seeded reps have no zone (UTC) and work Monday to Friday; TODAY_UTC is a Wednesday.
THU = TODAY_UTC + timedelta(days=1)
FRI = TODAY_UTC + timedelta(days=2)
MON = TODAY_UTC + timedelta(days=5)


def slots(client: TestClient, world: World, who: str, **body: Any) -> Any:
    return client.post(SLOTS, json=body, headers=world.headers(who))


def found(client: TestClient, world: World, who: str, **body: Any) -> Any:
    response = slots(client, world, who, **body)
    assert response.status_code == 200, response.text
    return response.json()


def book_prospect(client: TestClient, world: World, prospect: dict[str, Any], day: date) -> int:
    """The first slot found for `prospect` on `day`, booked by the inside rep: its account."""
    slot = found(client, world, "inside_north", prospect=prospect, date_from=str(day),
                 date_to=str(day))["slots"][0]  # fmt: skip
    made = client.post(BOOK, json=slot["book"], headers=world.headers("inside_north"))
    assert made.status_code == 201, made.text
    return int(made.json()["appointment"]["account_id"])


def account(world: World, key: str = "rep_north_1-acc-1") -> int:
    return world.account_ids[key]


def booked(session: Session, rep_id: int, day: date) -> list[Visit]:
    session.expire_all()
    query = select(Visit).where(
        Visit.rep_id == rep_id, Visit.visit_date == day, Visit.status == "booked"
    )
    return list(session.scalars(query))


def test_an_inside_rep_finds_slots_for_an_account_of_a_rep_they_support(
    client: TestClient, world: World
) -> None:
    got = found(client, world, "inside_north", account_id=account(world), duration_minutes=45,
                date_from=str(THU), date_to=str(FRI))  # fmt: skip
    assert got["reps"] == [{"id": world.rep_ids["rep_north_1"], "name": "North Rep 1"}]
    assert got["subject"]["account_id"] == account(world)
    assert not got["subject"]["prospect"]
    items = got["slots"]
    assert items, got["reasons"]
    scores = [item["score"] for item in items]
    assert scores == sorted(scores)
    for item in items:
        assert item["rep_id"] == world.rep_ids["rep_north_1"]
        assert item["date"] in (str(THU), str(FRI))
        start = datetime.fromisoformat(item["start"])
        assert start.utcoffset() == timedelta(0)
        assert item["time_zone"] == "UTC"
        assert start.minute % 15 == 0
        assert time(8) <= start.time()
        assert start + timedelta(minutes=45) <= datetime.combine(
            start.date(), time(17), start.tzinfo
        )
        assert item["added_drive_minutes"] >= 0
        assert item["added_cost"] >= 0
        assert item["displaced"] == []
        assert "no plan of the day yet" in item["note"]
        assert item["book"] == {"rep_id": world.rep_ids["rep_north_1"],
                                "account_id": account(world), "prospect": None,
                                "starts_at": item["start"], "duration_minutes": 45,
                                "notes": None}  # fmt: skip


def test_booking_a_slot_books_and_plans_the_day_again_keeping_every_appointment(
    client: TestClient, world: World, session: Session
) -> None:
    rep_id = world.rep_ids["rep_north_1"]
    first = found(client, world, "inside_north", account_id=account(world),
                  date_from=str(THU), date_to=str(THU))["slots"][0]  # fmt: skip
    made = client.post(BOOK, json=first["book"], headers=world.headers("inside_north"))
    assert made.status_code == 201, made.text
    answer = made.json()
    assert answer["appointment"]["status"] == "booked"
    assert answer["appointment"]["account_id"] == account(world)
    assert not answer["account_created"]
    plan = answer["plan"]
    assert plan["date"] == str(THU)
    kept = [(s["account_id"], s["start"]) for s in plan["stops"] if s["kind"] == "appointment"]
    assert kept == [(account(world), first["start"])]
    # A second slot, for another account, around the first: both kept by the re-plan.
    second = found(client, world, "inside_north", account_id=account(world, "rep_north_1-acc-3"),
                   date_from=str(THU), date_to=str(THU))["slots"][0]  # fmt: skip
    again = client.post(BOOK, json=second["book"], headers=world.headers("inside_north"))
    assert again.status_code == 201, again.text
    stops = again.json()["plan"]["stops"]
    appointments = {(s["account_id"], s["start"]) for s in stops if s["kind"] == "appointment"}
    assert appointments == {
        (account(world), first["start"]),
        (account(world, "rep_north_1-acc-3"), second["start"]),
    }
    assert len(booked(session, rep_id, THU)) == 2
    versions = session.scalars(
        select(RoutePlan.version).where(RoutePlan.rep_id == rep_id, RoutePlan.plan_date == THU)
    ).all()
    assert sorted(versions) == [1, 2]


def test_a_full_planned_day_displaces_a_visit_and_says_which(
    client: TestClient, world: World, session: Session
) -> None:
    """A stored plan with a stop limit reached: the slot takes a visit's place, named."""
    rep = session.get(Rep, world.rep_ids["rep_north_1"])
    assert rep is not None
    rep.max_visits_per_day = 2
    session.commit()
    plan = client.post(f"/api/v1/reps/{rep.id}/plans", json={"date": str(THU), "time_limit": 0.5},
                       headers=world.headers("rep_north_1"))  # fmt: skip
    assert plan.status_code == 201, plan.text
    planned = [s["account_id"] for s in plan.json()["plans"][0]["stops"]]
    assert len(planned) == 2
    outsider = next(a for a in range(1, 4) if account(world, f"rep_north_1-acc-{a}") not in planned)
    got = found(client, world, "inside_north",
                account_id=account(world, f"rep_north_1-acc-{outsider}"),
                date_from=str(THU), date_to=str(THU))  # fmt: skip
    best = got["slots"][0]
    assert len(best["displaced"]) == 1
    (gone,) = best["displaced"]
    assert gone["account_id"] in planned
    assert gone["name"].startswith("North Rep 1 Account")
    assert best["displaced_value"] == gone["value"] > 0
    assert best["score"] >= best["displaced_value"]
    assert gone["name"] in best["note"]


def test_a_prospect_is_searched_near_the_territories_and_stored_when_booked(
    client: TestClient, world: World, session: Session
) -> None:
    prospect = {"name": "Lakeview Bakery", "latitude": 42.015, "longitude": -87.81}
    got = found(client, world, "inside_north", prospect=prospect, date_from=str(THU),
                date_to=str(FRI))  # fmt: skip
    # Near North Rep 1's accounts; North Rep 2 is not theirs to book for.
    assert [r["name"] for r in got["reps"]] == ["North Rep 1"]
    assert got["subject"]["prospect"]
    assert got["subject"]["account_id"] is None
    slot = got["slots"][0]
    assert slot["book"]["prospect"]["latitude"] == 42.015
    made = client.post(BOOK, json=slot["book"], headers=world.headers("inside_north"))
    assert made.status_code == 201, made.text
    assert made.json()["account_created"]
    new_id = made.json()["appointment"]["account_id"]
    stored = session.get(Account, new_id)
    assert stored is not None
    assert stored.name == "Lakeview Bakery"
    assert stored.territory_id == world.territory_ids["rep_north_1"]
    # The inside rep sees it now, as an account of a rep they support.
    seen = client.get(f"/api/v1/accounts/{new_id}", headers=world.headers("inside_north"))
    assert seen.status_code == 200


def test_a_prospect_booked_again_is_not_stored_twice(
    client: TestClient, world: World, session: Session
) -> None:
    """The same new customer asked about a second time (its name typed otherwise, its point a
    few metres off): the slots are the account's it is already, booked on it; posted as a
    prospect all the same, 409 naming the account, nothing stored. The same name elsewhere is
    another business."""
    first = {"name": "Lakeview Bakery", "latitude": 42.015, "longitude": -87.81}
    stored = book_prospect(client, world, first, THU)
    before = session.scalar(select(func.count()).select_from(Account))
    again = {"name": "  lakeview   BAKERY", "latitude": 42.0152, "longitude": -87.8101}
    got = found(client, world, "inside_north", prospect=again, date_from=str(FRI),
                date_to=str(FRI))  # fmt: skip
    # The search answers for the account it is already, and books on it.
    assert (got["subject"]["account_id"], got["subject"]["prospect"]) == (stored, False)
    slot = got["slots"][0]
    assert (slot["book"]["account_id"], slot["book"]["prospect"]) == (stored, None)
    # Posted as a prospect all the same: refused, naming the account.
    as_new = {**slot["book"], "account_id": None, "prospect": again}
    refused = client.post(BOOK, json=as_new, headers=world.headers("inside_north"))
    assert refused.status_code == 409, refused.text
    assert refused.json()["field"] == "prospect"
    assert f"Lakeview Bakery is already account {stored}" in refused.json()["detail"]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Account)) == before
    assert booked(session, world.rep_ids["rep_north_1"], FRI) == []
    on_it = client.post(BOOK, json=slot["book"], headers=world.headers("inside_north"))
    assert on_it.status_code == 201, on_it.text
    assert not on_it.json()["account_created"]
    assert on_it.json()["appointment"]["account_id"] == stored
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Account)) == before
    elsewhere = {"name": "Lakeview Bakery", "latitude": 42.06, "longitude": -87.81}
    assert book_prospect(client, world, elsewhere, FRI) != stored


def test_a_prospect_is_known_again_whatever_its_letters_case_and_spacing(
    client: TestClient, world: World
) -> None:
    """Names with letters beyond ASCII and spacing typed twice: the database's own lower-casing
    is not what compares them (SQLite's leaves "É" as it is, neither collapses spaces)."""
    stored = book_prospect(client, world, {"name": "CAFÉ  Straße", "latitude": 42.015,
                                           "longitude": -87.81}, THU)  # fmt: skip
    again = {"name": "café strasse", "latitude": 42.0151, "longitude": -87.8101}
    got = found(client, world, "inside_north", prospect=again, date_from=str(FRI),
                date_to=str(FRI))  # fmt: skip
    assert (got["subject"]["account_id"], got["subject"]["prospect"]) == (stored, False)


def test_a_renamed_account_is_known_by_its_new_name(
    client: TestClient, world: World, session: Session
) -> None:
    """The name key an account is found by follows a change of its name."""
    account_id = account(world)
    renamed = client.patch(f"/api/v1/accounts/{account_id}", json={"name": "Bäckerei  OST"},
                           headers=world.headers("admin"))  # fmt: skip
    assert renamed.status_code == 200, renamed.text
    stored = session.get(Account, account_id)
    assert stored is not None
    session.refresh(stored)
    again = {"name": "bäckerei ost", "latitude": stored.latitude, "longitude": stored.longitude}
    got = found(client, world, "inside_north", prospect=again, date_from=str(FRI),
                date_to=str(FRI))  # fmt: skip
    assert (got["subject"]["account_id"], got["subject"]["prospect"]) == (account_id, False)
    before = {"name": stored.name.replace("Bäckerei", "Backerei"), "latitude": stored.latitude,
              "longitude": stored.longitude}  # fmt: skip
    got = found(client, world, "inside_north", prospect=before, date_from=str(FRI),
                date_to=str(FRI))  # fmt: skip
    assert got["subject"]["prospect"] is True


def test_a_prospect_far_from_every_territory_goes_to_the_nearest_homes_or_says_why(
    client: TestClient, world: World
) -> None:
    near_home = {"name": "Out West", "latitude": 42.0, "longitude": -88.2}  # ~35 km west
    got = found(client, world, "admin", prospect=near_home, date_from=str(THU), date_to=str(THU))
    assert len(got["reps"]) == 3
    assert all("outside every territory" in item["note"] for item in got["slots"])
    far = {"name": "Denver", "latitude": 39.74, "longitude": -104.99}
    got = found(client, world, "admin", prospect=far, date_from=str(THU), date_to=str(THU))
    assert got["slots"] == []
    assert got["reps"] == []
    assert [r["reason"] for r in got["reasons"]] == ["outside_territories"]


def test_access_an_inside_rep_sees_only_the_reps_and_accounts_they_support(
    client: TestClient, world: World
) -> None:
    for key in ("rep_north_2-acc-1", "rep_south_1-acc-1"):
        response = slots(client, world, "inside_north", account_id=account(world, key))
        assert response.status_code == 404, response.text
    # Booking for a rep they do not support: 404, nothing booked.
    body = {"rep_id": world.rep_ids["rep_north_2"], "account_id": account(world, "rep_north_2-acc-1"),
            "starts_at": f"{THU}T10:00:00", "duration_minutes": 30}  # fmt: skip
    response = client.post(BOOK, json=body, headers=world.headers("inside_north"))
    assert response.status_code == 404
    # A field rep asks about their own accounts only.
    assert slots(client, world, "rep_north_1", account_id=account(world)).status_code == 200
    other = slots(client, world, "rep_north_1", account_id=account(world, "rep_north_2-acc-1"))
    assert other.status_code == 404


def test_no_slot_says_why(client: TestClient, world: World, session: Session) -> None:
    rep_id = world.rep_ids["rep_north_1"]
    # A day full of appointments, 08:30-11:30 and 12:00-16:30, lunch between.
    for start, minutes in ((time(8, 30), 180), (time(12), 270)):
        session.add(Visit(rep_id=rep_id, account_id=account(world, "rep_north_1-acc-2"),
                          visit_date=THU, status="booked", duration_minutes=minutes,
                          planned_start_at=datetime.combine(THU, start, UTC)))  # fmt: skip
    session.commit()
    got = found(client, world, "admin", account_id=account(world), date_from=str(THU),
                date_to=str(THU))  # fmt: skip
    assert got["slots"] == []
    (why,) = got["reasons"]
    assert (why["reason"], why["date"], why["rep_name"]) == ("no_room", str(THU), "North Rep 1")
    assert "2 appointments" in why["detail"]
    # A weekend: the rep does not work.
    sat = TODAY_UTC + timedelta(days=3)
    got = found(client, world, "admin", account_id=account(world), date_from=str(sat),
                date_to=str(sat + timedelta(days=1)))  # fmt: skip
    assert got["slots"] == []
    assert [r["reason"] for r in got["reasons"]] == ["not_working"]
    # Closed on the days asked.
    shop = session.get(Account, account(world, "rep_north_1-acc-3"))
    assert shop is not None
    shop.opening_hours = {"sa": ["09:00-12:00"]}
    session.commit()
    got = found(client, world, "admin", account_id=shop.id, date_from=str(MON), date_to=str(MON))
    assert [(r["reason"], r["rep_name"]) for r in got["reasons"]] == [("closed", "North Rep 1")]


def test_an_account_in_no_territory_says_so(
    client: TestClient, world: World, session: Session
) -> None:
    loose = Account(name="Loose Ends", value=1, latitude=42.0, longitude=-87.8,
                    team_id=world.team_ids["North"])  # fmt: skip
    session.add(loose)
    session.commit()
    got = found(client, world, "manager_north", account_id=loose.id)
    assert got["slots"] == []
    assert [r["reason"] for r in got["reasons"]] == ["no_territory"]


def test_bad_questions_are_422_naming_the_field(
    client: TestClient, world: World, session: Session
) -> None:
    lost = session.get(Account, account(world, "rep_north_1-acc-2"))
    assert lost is not None
    lost.latitude = lost.longitude = None
    session.commit()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"account_id": lost.id}, "account_id"),
        ({"account_id": account(world), "duration_minutes": 0}, "duration_minutes"),
        ({"account_id": account(world), "duration_minutes": 481}, "duration_minutes"),
        ({"account_id": account(world), "date_from": str(FRI), "date_to": str(THU)}, "date_to"),
        (
            {
                "account_id": account(world),
                "date_from": str(THU),
                "date_to": str(THU + timedelta(days=40)),
            },
            "date_to",
        ),
        ({"account_id": account(world), "date_to": str(TODAY_UTC - timedelta(days=5))}, "date_to"),
        ({"account_id": account(world), "limit": 0}, "limit"),
        ({}, "prospect"),
        ({"account_id": account(world), "prospect": {"name": "x", "city": "Chicago"}}, "prospect"),
        ({"prospect": {"name": "No Address"}}, "prospect"),
        ({"prospect": {"name": "Half", "latitude": 42.0}}, "prospect"),
    ]
    for body, field in cases:
        response = slots(client, world, "admin", **body)
        assert response.status_code == 422, (body, response.text)
        assert field in str(response.json().get("field")), (body, response.json())
    assert "no location" in slots(client, world, "admin", account_id=lost.id).json()["detail"]
