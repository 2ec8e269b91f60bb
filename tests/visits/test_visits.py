"""Visits and appointments through the API: arrived, done and skipped; last visit dates and
their recount on correction; measured lengths feeding service time estimates; appointments on
the rep's clock, overlaps and cancelling; who may record and see what."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.models import Account, Rep, Visit
from app.visits.service import service_minutes_estimates
from tests.backends import ON_BOTH_BACKENDS
from tests.moments import CHICAGO, TODAY_CHICAGO, TODAY_UTC
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS
VISITS = "/api/v1/visits"
APPOINTMENTS = "/api/v1/appointments"
TODAY = TODAY_UTC
YESTERDAY = TODAY - timedelta(days=1)


def at(day: date, hour: int, minute: int = 0) -> str:
    """An aware UTC time on `day`, as JSON."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC).isoformat()


def post(client: TestClient, world: World, who: str = "rep_north_1", **body: Any) -> Any:
    body.setdefault("account_id", world.account_ids["rep_north_1-acc-1"])
    return client.post(VISITS, json=body, headers=world.headers(who))


def recorded(client: TestClient, world: World, who: str = "rep_north_1", **body: Any) -> Any:
    response = post(client, world, who, **body)
    assert response.status_code == 201, response.text
    return response.json()


def book(client: TestClient, world: World, who: str = "rep_north_1", **body: Any) -> Any:
    body.setdefault("account_id", world.account_ids["rep_north_1-acc-1"])
    return client.post(APPOINTMENTS, json=body, headers=world.headers(who))


def last_visit(session: Session, world: World, key: str = "rep_north_1-acc-1") -> date | None:
    session.expire_all()
    account = session.get(Account, world.account_ids[key])
    assert account is not None
    return account.last_visit_date


def listing(client: TestClient, world: World, who: str = "admin", **params: Any) -> Any:
    response = client.get(VISITS, params=params, headers=world.headers(who))
    assert response.status_code == 200, response.text
    return response.json()


def test_arrived_then_done_is_one_measured_visit(
    client: TestClient, world: World, session: Session
) -> None:
    arrived = recorded(client, world, status="arrived", at=at(YESTERDAY, 10))
    assert (arrived["status"], arrived["visit_date"]) == ("arrived", YESTERDAY.isoformat())
    assert arrived["account_name"] == "North Rep 1 Account 1"
    assert last_visit(session, world) is None  # arriving is not visiting yet
    done = recorded(
        client, world, status="done", at=at(YESTERDAY, 10, 40), outcome="order", notes="2 boxes"
    )
    assert done["id"] == arrived["id"]
    assert (done["status"], done["outcome"], done["notes"]) == ("done", "order", "2 boxes")
    assert done["started_at"].startswith(f"{YESTERDAY}T10:00:00")
    assert done["ended_at"].startswith(f"{YESTERDAY}T10:40:00")
    assert done["duration_minutes"] == 40
    assert last_visit(session, world) == YESTERDAY


def test_done_without_arrival_is_unmeasured_and_a_second_done_is_409(
    client: TestClient, world: World, session: Session
) -> None:
    done = recorded(client, world, status="done", date=str(YESTERDAY), outcome="no order")
    assert (done["started_at"], done["duration_minutes"]) == (None, None)
    assert done["ended_at"] is not None
    again = post(client, world, status="done", date=str(YESTERDAY))
    assert again.status_code == 409
    assert f"visit {done['id']}" in again.json()["detail"]
    assert "already done" in again.json()["detail"]
    # A second visit the same day starts with a new arrival.
    second = recorded(client, world, status="arrived", date=str(YESTERDAY))
    assert second["id"] != done["id"]


def test_last_visit_date_only_moves_forward(
    client: TestClient, world: World, session: Session
) -> None:
    recorded(client, world, status="done", date=str(YESTERDAY))
    recorded(client, world, status="done", date=str(TODAY - timedelta(days=5)))
    assert last_visit(session, world) == YESTERDAY


def test_skip_needs_a_reason_and_a_second_skip_updates_it(
    client: TestClient, world: World, session: Session
) -> None:
    missing = post(client, world, status="skipped")
    assert missing.status_code == 422
    assert missing.json()["detail"] == "reason: say why the visit was skipped"
    assert missing.json()["field"] == "reason"
    skipped = recorded(client, world, status="skipped", reason="closed", notes="sign on door")
    assert (skipped["status"], skipped["reason"], skipped["notes"]) == (
        "skipped",
        "closed",
        "sign on door",
    )
    again = recorded(client, world, status="skipped", reason="closed for holidays")
    assert again["id"] == skipped["id"]
    assert again["reason"] == "closed for holidays"
    assert last_visit(session, world) is None
    assert listing(client, world)["total"] == 1


def test_arrived_then_skipped_keeps_the_arrival(client: TestClient, world: World) -> None:
    arrived = recorded(client, world, status="arrived", at=at(YESTERDAY, 9))
    skipped = recorded(client, world, status="skipped", reason="buyer out", date=str(YESTERDAY))
    assert skipped["id"] == arrived["id"]
    assert skipped["started_at"] == arrived["started_at"]


def test_naive_times_are_on_the_reps_clock(
    client: TestClient, world: World, session: Session
) -> None:
    set_zone(session, world, "America/Chicago")
    naive = datetime.combine(YESTERDAY, time(9, 0))
    visit = recorded(client, world, status="arrived", at=naive.isoformat())
    expected = naive.replace(tzinfo=CHICAGO).astimezone(UTC)
    assert datetime.fromisoformat(visit["started_at"]) == expected
    assert visit["visit_date"] == YESTERDAY.isoformat()


def test_ending_before_the_arrival_is_422(client: TestClient, world: World) -> None:
    recorded(client, world, status="arrived", at=at(YESTERDAY, 10))
    response = post(client, world, status="done", at=at(YESTERDAY, 9, 30))
    assert response.status_code == 422
    assert response.json()["field"] == "at"
    assert "before it started" in response.json()["detail"]


BAD_VISITS: list[tuple[dict[str, Any], str]] = [
    ({"status": "booked"}, "status"),
    ({"status": "done", "outcome": "x" * 101}, "outcome"),
    ({"status": "done", "notes": "x" * 4001}, "notes"),
    ({"status": "skipped", "reason": "x" * 201}, "reason"),
    ({"status": "done", "reason": "late"}, "reason"),
    ({"status": "skipped", "reason": "closed", "outcome": "order"}, "outcome"),
    ({"status": "done", "colour": "red"}, "colour"),
    ({"status": "done", "date": "tomorrow"}, "date"),
    ({"status": "done", "date": str(TODAY + timedelta(days=2))}, "date"),
    ({"status": "done", "at": at(TODAY + timedelta(days=2), 10)}, "at"),
    ({"status": "done", "account_id": 0}, "account_id"),
    ({"status": "done", "rep_id": "me"}, "rep_id"),
]


def test_bad_visits_are_422_naming_the_field(client: TestClient, world: World) -> None:
    for body, field in BAD_VISITS:
        response = post(client, world, **body)
        assert response.status_code == 422, body
        assert response.json()["detail"].startswith(f"{field}"), (body, response.json())
        assert response.json()["field"] == field, body


def test_who_may_record_for_whom(client: TestClient, world: World, session: Session) -> None:
    south_account = world.account_ids["rep_south_1-acc-1"]
    assert post(client, world, status="done", account_id=south_account).status_code == 404
    as_south = post(client, world, status="done", rep_id=world.rep_ids["rep_south_1"])
    assert as_south.status_code == 404
    manager = post(client, world, "manager_north", status="done")
    assert manager.status_code == 422
    assert manager.json()["field"] == "rep_id"
    colleague = post(
        client,
        world,
        "manager_north",
        status="done",
        rep_id=world.rep_ids["rep_north_1"],
        account_id=world.account_ids["rep_north_2-acc-1"],
    )
    assert colleague.status_code == 422
    colleague_account = session.get(Account, world.account_ids["rep_north_2-acc-1"])
    assert colleague_account is not None
    assert colleague.json()["detail"] == (
        f"account_id: {colleague_account.name} is not in North Rep 1's territory"
    )
    for_rep = recorded(
        client, world, "manager_north", status="done", rep_id=world.rep_ids["rep_north_1"]
    )
    assert for_rep["rep_id"] == world.rep_ids["rep_north_1"]
    assert (
        post(
            client, world, "manager_south", status="done", rep_id=world.rep_ids["rep_north_1"]
        ).status_code
        == 404
    )


def test_lists_are_scoped_and_filtered(client: TestClient, world: World) -> None:
    for who in ("rep_north_1", "rep_south_1"):
        account_id = world.account_ids[f"{who}-acc-1"]
        recorded(client, world, who, status="done", date=str(YESTERDAY), account_id=account_id)
        recorded(client, world, who, status="skipped", reason="closed", account_id=account_id)
    assert listing(client, world)["total"] == 4
    mine = listing(client, world, "rep_north_1")
    assert {item["rep_id"] for item in mine["items"]} == {world.rep_ids["rep_north_1"]}
    assert mine["total"] == 2
    assert listing(client, world, "rep_north_1", rep_id=world.rep_ids["rep_south_1"])["total"] == 0
    assert listing(client, world, "manager_south")["total"] == 2
    assert (
        listing(client, world, "manager_north", rep_id=world.rep_ids["rep_south_1"])["total"] == 0
    )
    newest_first = [item["visit_date"] for item in listing(client, world)["items"]]
    assert newest_first == sorted(newest_first, reverse=True)
    assert listing(client, world, status="skipped")["total"] == 2
    assert listing(client, world, status=["skipped", "done"])["total"] == 4
    assert listing(client, world, date_from=str(TODAY))["total"] == 2
    assert listing(client, world, date_to=str(YESTERDAY), status="done")["total"] == 2
    one = listing(client, world, account_id=world.account_ids["rep_south_1-acc-1"], limit=1)
    assert (one["total"], len(one["items"])) == (2, 1)
    for params, field in (
        ({"date_from": str(TODAY), "date_to": str(YESTERDAY)}, "date_to"),
        ({"status": "planned"}, "status"),
        ({"sort": "colour"}, "sort"),
        ({"limit": 0}, "limit"),
    ):
        response = client.get(VISITS, params=params, headers=world.headers("admin"))
        assert response.status_code == 422, params
        assert field in response.json()["detail"], params


def test_corrections_recount_the_last_visit_date(
    client: TestClient, world: World, session: Session
) -> None:
    earlier = TODAY - timedelta(days=5)
    recorded(client, world, status="done", date=str(earlier))
    latest = recorded(client, world, status="done", date=str(YESTERDAY), outcome="order")
    assert last_visit(session, world) == YESTERDAY
    url = f"{VISITS}/{latest['id']}"
    headers = world.headers("rep_north_1")
    no_reason = client.patch(url, json={"status": "skipped"}, headers=headers)
    assert no_reason.status_code == 422
    assert no_reason.json()["field"] == "reason"
    skipped = client.patch(url, json={"status": "skipped", "reason": "was closed"}, headers=headers)
    assert skipped.status_code == 200, skipped.text
    assert (skipped.json()["status"], skipped.json()["outcome"]) == ("skipped", None)
    assert last_visit(session, world) == earlier
    done = client.patch(url, json={"status": "done", "outcome": "order"}, headers=headers).json()
    assert (done["status"], done["reason"], done["outcome"]) == ("done", None, "order")
    assert last_visit(session, world) == YESTERDAY
    notes = client.patch(url, json={"notes": "corrected"}, headers=headers).json()
    assert (notes["notes"], notes["status"]) == ("corrected", "done")
    bad = client.patch(url, json={"status": "booked"}, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["field"] == "status"
    assert client.patch(url, json={"status": None}, headers=headers).status_code == 422
    other = client.patch(url, json={"notes": "x"}, headers=world.headers("rep_south_1"))
    assert other.status_code == 404


def test_undoing_the_only_done_visit_clears_the_last_visit_date(
    client: TestClient, world: World, session: Session
) -> None:
    only = recorded(client, world, status="done", date=str(YESTERDAY))
    response = client.patch(
        f"{VISITS}/{only['id']}",
        json={"status": "skipped", "reason": "entered by mistake"},
        headers=world.headers("rep_north_1"),
    )
    assert response.status_code == 200, response.text
    assert last_visit(session, world) is None


def add_measured(session: Session, world: World, key: str, *minutes: int) -> None:
    """Done visits of `key` on consecutive past days, oldest first, lasting `minutes`."""
    account_id = world.account_ids[key]
    for age, length in enumerate(reversed(minutes), start=10):
        day = TODAY - timedelta(days=age)
        start = datetime.combine(day, time(9), tzinfo=UTC)
        session.add(
            Visit(
                rep_id=world.rep_ids[key.split("-")[0]],
                account_id=account_id,
                visit_date=day,
                status="done",
                started_at=start,
                ended_at=start + timedelta(minutes=length),
            )
        )
    session.commit()


def test_measured_lengths_feed_service_time_estimates(
    client: TestClient, world: World, session: Session
) -> None:
    account_id = world.account_ids["rep_north_1-acc-1"]
    add_measured(session, world, "rep_north_1-acc-1", 20, 50)
    # A done visit without an arrival measures nothing.
    recorded(client, world, status="done", date=str(TODAY - timedelta(days=3)))
    assert service_minutes_estimates(session, [account_id]) == {}
    recorded(client, world, status="arrived", at=at(YESTERDAY, 9))
    recorded(client, world, status="done", at=at(YESTERDAY, 9, 35))
    assert service_minutes_estimates(session, [account_id]) == {account_id: 35}


def test_estimates_take_the_median_of_the_last_five_clipped(session: Session, world: World) -> None:
    ids = {key: world.account_ids[key] for key in world.account_ids}
    # Oldest first: the 600-minute outlier is the sixth newest, so it no longer counts.
    add_measured(session, world, "rep_north_1-acc-1", 600, 30, 31, 60, 61, 62)
    add_measured(session, world, "rep_north_1-acc-2", 10, 20, 31, 41)  # even: (20+31)/2
    add_measured(session, world, "rep_north_1-acc-3", 1, 2, 3)
    add_measured(session, world, "rep_south_1-acc-1", 900, 900, 900)
    add_measured(session, world, "rep_south_1-acc-2", 30, 30)
    estimates = service_minutes_estimates(session, ids.values())
    assert estimates == {
        ids["rep_north_1-acc-1"]: 60,
        ids["rep_north_1-acc-2"]: round(25.5),
        ids["rep_north_1-acc-3"]: 5,
        ids["rep_south_1-acc-1"]: 480,
    }
    assert service_minutes_estimates(session, []) == {}


def test_estimates_for_more_ids_than_one_statement_holds(session: Session, world: World) -> None:
    account_id = world.account_ids["rep_south_2-acc-3"]
    add_measured(session, world, "rep_south_2-acc-3", 40, 42, 44)
    many = [*range(10_000, 11_200), account_id]
    assert service_minutes_estimates(session, many) == {account_id: 42}


def set_zone(session: Session, world: World, zone: str, who: str = "rep_north_1") -> None:
    session.execute(update(Rep).where(Rep.id == world.rep_ids[who]).values(time_zone=zone))
    session.commit()


def test_appointment_on_the_reps_clock(client: TestClient, world: World, session: Session) -> None:
    set_zone(session, world, "America/Chicago")
    day = TODAY_CHICAGO + timedelta(days=1)
    naive = datetime.combine(day, time(10, 0))
    response = book(client, world, starts_at=naive.isoformat(), notes="bring samples")
    assert response.status_code == 201, response.text
    booked = response.json()
    expected = naive.replace(tzinfo=CHICAGO).astimezone(UTC)
    assert datetime.fromisoformat(booked["planned_start_at"]) == expected
    assert booked["planned_start_at"].endswith("Z") or booked["planned_start_at"].endswith("+00:00")
    assert (booked["status"], booked["visit_date"]) == ("booked", day.isoformat())
    assert booked["duration_minutes"] == 30  # the account's service minutes
    assert booked["notes"] == "bring samples"
    # A late-evening local time is the next day in UTC, but its visit date is the local one.
    late = datetime.combine(day, time(22, 0))
    evening = book(client, world, starts_at=late.isoformat(), duration_minutes=45).json()
    assert evening["visit_date"] == day.isoformat()
    assert datetime.fromisoformat(evening["planned_start_at"]).date() == day + timedelta(days=1)
    assert evening["duration_minutes"] == 45


def test_overlapping_appointments_are_409_until_cancelled(client: TestClient, world: World) -> None:
    day = TODAY + timedelta(days=2)
    first = book(client, world, starts_at=at(day, 15), duration_minutes=60).json()
    other_account = world.account_ids["rep_north_1-acc-2"]
    clash = book(client, world, account_id=other_account, starts_at=at(day, 15, 30))
    assert clash.status_code == 409
    assert clash.json()["field"] == "starts_at"
    assert f"appointment {first['id']}" in clash.json()["detail"]
    assert "North Rep 1 Account 1" in clash.json()["detail"]
    before = book(client, world, account_id=other_account, starts_at=at(day, 14, 45))
    assert before.status_code == 409  # 14:45 + 30 minutes runs into 15:00
    assert book(client, world, account_id=other_account, starts_at=at(day, 16)).status_code == 201
    # Another rep's appointments do not block this one.
    south = book(
        client, world, "rep_south_1",
        account_id=world.account_ids["rep_south_1-acc-1"], starts_at=at(day, 15),
    )  # fmt: skip
    assert south.status_code == 201
    cancel = client.post(
        f"{APPOINTMENTS}/{first['id']}/cancel",
        json={"reason": "customer called"},
        headers=world.headers("rep_north_1"),
    )
    assert cancel.status_code == 200, cancel.text
    assert (cancel.json()["status"], cancel.json()["reason"]) == ("cancelled", "customer called")
    rebooked = book(client, world, account_id=other_account, starts_at=at(day, 15, 30))
    assert rebooked.status_code == 201


def test_cancel_rules(client: TestClient, world: World) -> None:
    appointment = book(client, world, starts_at=at(TODAY + timedelta(days=1), 9)).json()
    url = f"{APPOINTMENTS}/{appointment['id']}/cancel"
    assert client.post(url, headers=world.headers("rep_south_1")).status_code == 404
    assert client.post(url, headers=world.headers("manager_south")).status_code == 404
    cancelled = client.post(url, headers=world.headers("manager_north"))
    assert cancelled.status_code == 200
    assert cancelled.json()["reason"] is None
    again = client.post(url, headers=world.headers("rep_north_1"))
    assert again.status_code == 409
    assert "cancelled" in again.json()["detail"]
    visit = recorded(client, world, status="done")
    not_appointment = client.post(
        f"{APPOINTMENTS}/{visit['id']}/cancel", headers=world.headers("rep_north_1")
    )
    assert not_appointment.status_code == 404
    bad = client.post(url, json={"why": "x"}, headers=world.headers("rep_north_1"))
    assert bad.status_code == 422


def test_done_at_an_appointment_closes_it(
    client: TestClient, world: World, session: Session
) -> None:
    early = datetime.combine(TODAY, time(0, 1), tzinfo=UTC)
    appointment = book(client, world, starts_at=early.isoformat(), duration_minutes=20).json()
    done = recorded(client, world, status="done", outcome="signed")
    assert done["id"] == appointment["id"]
    assert (done["status"], done["planned_start_at"]) == ("done", appointment["planned_start_at"])
    assert done["duration_minutes"] == 20  # booked length: nothing was measured
    assert last_visit(session, world) == TODAY
    cancel = client.post(
        f"{APPOINTMENTS}/{appointment['id']}/cancel", headers=world.headers("rep_north_1")
    )
    assert cancel.status_code == 409
    correction = client.patch(
        f"{VISITS}/{appointment['id']}", json={"outcome": "signed, 2 years"},
        headers=world.headers("rep_north_1"),
    )  # fmt: skip
    assert correction.json()["outcome"] == "signed, 2 years"


BAD_APPOINTMENTS: list[tuple[dict[str, Any], str]] = [
    ({"duration_minutes": 4}, "duration_minutes"),
    ({"duration_minutes": 481}, "duration_minutes"),
    ({"starts_at": at(TODAY - timedelta(days=2), 10)}, "starts_at"),
    ({"starts_at": "2030-03-10T02:30:00"}, "starts_at"),  # the clocks skip it in Chicago
    ({"starts_at": "soon"}, "starts_at"),
    ({"notes": "x" * 4001}, "notes"),
    ({"account_id": None}, "account_id"),
    ({"status": "booked"}, "status"),
]


def test_bad_appointments_are_422_naming_the_field(
    client: TestClient, world: World, session: Session
) -> None:
    set_zone(session, world, "America/Chicago")
    for body, field in BAD_APPOINTMENTS:
        response = book(client, world, **{"starts_at": at(TODAY + timedelta(days=3), 10), **body})
        assert response.status_code == 422, (body, response.text)
        assert response.json()["field"] == field, body
        assert response.json()["detail"].startswith(field), body
    manager = book(client, world, "manager_north", starts_at=at(TODAY + timedelta(days=3), 10))
    assert manager.status_code == 422
    assert manager.json()["field"] == "rep_id"
    south = book(
        client, world, account_id=world.account_ids["rep_south_1-acc-1"],
        starts_at=at(TODAY + timedelta(days=3), 10),
    )  # fmt: skip
    assert south.status_code == 404


@pytest.mark.parametrize("who", ["admin", "manager_north"])
def test_managers_and_admins_book_for_a_rep(client: TestClient, world: World, who: str) -> None:
    response = book(
        client, world, who, rep_id=world.rep_ids["rep_north_1"],
        starts_at=at(TODAY + timedelta(days=1), 11),
    )  # fmt: skip
    assert response.status_code == 201, response.text
    assert response.json()["rep_id"] == world.rep_ids["rep_north_1"]
