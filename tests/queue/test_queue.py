"""The queue and remote touches through the API (issue 16): what an inside rep's queue gathers
and why, its ranking by touch value, a touch taking an account off the day's queue and off
part of its cadence, a field rep's own queue, and who may see and touch what (404 outside)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Account, Rep, Visit
from app.plans.inputs import build_job, workday
from routing import ValueWeights, effective_last_visit, touch_prize
from tests.backends import ON_BOTH_BACKENDS
from tests.queue.north_day import TODAY, TOMORROW, acc, left, north_day, store_plan
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS
QUEUE = "/api/v1/queue"
TOUCHES = "/api/v1/touches"
WEIGHTS = ValueWeights()


def queue(client: TestClient, world: World, who: str, **params: Any) -> Any:
    response = client.get(QUEUE, params=params, headers=world.headers(who))
    assert response.status_code == 200, response.text
    return response.json()


def touch(client: TestClient, world: World, who: str, account: int, **body: Any) -> Any:
    body = {"account_id": account, "channel": "call"} | body
    return client.post(TOUCHES, json=body, headers=world.headers(who))


def expected_value(session: Session, account_id: int, day: date) -> float:
    session.expire_all()
    a = session.get(Account, account_id)
    assert a is not None
    return touch_prize(a.value, a.cadence_days, a.touch_cadence_days, a.last_visit_date,
                       a.last_touch_date, day, WEIGHTS)  # fmt: skip


def test_the_inside_queue_gathers_the_left_out_and_the_remote_accounts_due_ranked(
    client: TestClient, world: World, session: Session
) -> None:
    ids = north_day(session, world)
    got = queue(client, world, "inside_north")
    assert got["date"] == TODAY.isoformat()
    assert got["owner"] == {"id": world.rep_ids["inside_north"], "name": "North Inside"}
    assert got["reps"] == [{"id": world.rep_ids["rep_north_1"], "name": "North Rep 1"}]
    items = {item["account_id"]: item for item in got["items"]}
    # Account 1 is on the route; the recent and the plain hybrid are not due; North Rep 2 is
    # not supported.
    assert set(items) == {
        acc(world, "rep_north_1-acc-2"),
        acc(world, "rep_north_1-acc-3"),
        ids["remote_due"],
        ids["hybrid_due"],
    }
    assert got["total"] == 4
    why = {a: (item["reason"], item["detail"]) for a, item in items.items()}
    assert why[acc(world, "rep_north_1-acc-2")] == ("no_time", "no time left after 16:40")
    assert why[acc(world, "rep_north_1-acc-3")] == ("not_worth_it", "the drive costs more")
    assert why[ids["remote_due"]] == (
        "remote",
        "a touch every 14 days, last contact 20 days ago",
    )
    assert why[ids["hybrid_due"]] == (
        "between_visits",
        "a touch every 10 days, last contact 12 days ago",
    )
    remote = items[ids["remote_due"]]
    assert (remote["rep_id"], remote["rep_name"]) == (world.rep_ids["rep_north_1"], "North Rep 1")
    assert remote["phone"] == "+1 312 555 0199"
    assert remote["last_touch_date"] == (TODAY - timedelta(days=20)).isoformat()
    values = [item["touch_value"] for item in got["items"]]
    assert values == sorted(values, reverse=True), "ranked by touch value"
    for account_id, item in items.items():
        assert item["touch_value"] == round(expected_value(session, account_id, TODAY), 2)
    assert values[0] > 0
    # Paged: the second item alone.
    page = queue(client, world, "inside_north", limit=1, offset=1)
    assert [i["account_id"] for i in page["items"]] == [got["items"][1]["account_id"]]
    assert (page["total"], page["limit"], page["offset"]) == (4, 1, 1)


def test_a_touch_takes_the_account_off_todays_queue_and_part_off_its_cadence(
    client: TestClient, world: World, session: Session
) -> None:
    ids = north_day(session, world)
    second = acc(world, "rep_north_1-acc-2")
    store_plan(session, world, TOMORROW, [], [left(second, "no_time", "again")])
    session.execute(
        Account.__table__.update()
        .where(Account.id == second)
        .values(last_visit_date=TODAY - timedelta(days=40))
    )
    session.commit()
    before = {
        i["account_id"]: i for i in queue(client, world, "inside_north", date=TOMORROW)["items"]
    }

    logged = touch(client, world, "inside_north", second, outcome="Order taken",
                   notes="Two boxes.", next_step="Send the price list")  # fmt: skip
    assert logged.status_code == 201, logged.text
    made = logged.json()
    assert (made["channel"], made["status"], made["visit_date"]) == ("call", "done", str(TODAY))
    assert (made["rep_id"], made["next_step"]) == (
        world.rep_ids["inside_north"],
        "Send the price list",
    )
    called = touch(client, world, "inside_north", ids["remote_due"], channel="video")
    assert called.status_code == 201, called.text

    today = {i["account_id"] for i in queue(client, world, "inside_north")["items"]}
    assert second not in today
    assert ids["remote_due"] not in today
    session.expire_all()
    account = session.get(Account, second)
    assert account is not None
    assert (account.last_touch_date, account.last_visit_date) == (
        TODAY,
        TODAY - timedelta(days=40),
    ), "a call is a touch, not a visit"
    # Tomorrow the plan leaves it out again: still in the queue, worth less than before the
    # call; the remote account is too recently touched to be due.
    after = {
        i["account_id"]: i for i in queue(client, world, "inside_north", date=TOMORROW)["items"]
    }
    assert after[second]["touch_value"] < before[second]["touch_value"]
    assert after[second]["last_touch_date"] == str(TODAY)
    assert ids["remote_due"] not in after


def test_a_touch_logged_by_mistake_is_cancelled_and_no_longer_counts(
    client: TestClient, world: World, session: Session
) -> None:
    north_day(session, world)
    second = acc(world, "rep_north_1-acc-2")
    inside = world.headers("inside_north")
    # An earlier call, ten days ago: what the account's last touch falls back to.
    session.add(Visit(rep_id=world.rep_ids["inside_north"], account_id=second, channel="call",
                      visit_date=TODAY - timedelta(days=10), status="done"))  # fmt: skip
    session.execute(
        Account.__table__.update()
        .where(Account.id == second)
        .values(last_touch_date=TODAY - timedelta(days=10))
    )
    session.commit()
    in_queue = {i["account_id"] for i in queue(client, world, "inside_north")["items"]}
    assert second in in_queue

    logged = touch(client, world, "inside_north", second, outcome="Order taken").json()
    assert second not in {i["account_id"] for i in queue(client, world, "inside_north")["items"]}

    def last_touch() -> date | None:
        session.expire_all()
        account = session.get(Account, second)
        assert account is not None
        return account.last_touch_date

    assert last_touch() == TODAY
    url = f"/api/v1/visits/{logged['id']}"
    cancelled = client.patch(url, json={"status": "cancelled", "reason": "wrong account"},
                             headers=inside)  # fmt: skip
    assert cancelled.status_code == 200, cancelled.text
    got = cancelled.json()
    assert (got["status"], got["reason"]) == ("cancelled", "wrong account")
    assert last_touch() == TODAY - timedelta(days=10)
    assert second in {i["account_id"] for i in queue(client, world, "inside_north")["items"]}
    # Done again, it counts again (and the cancel's reason goes).
    again = client.patch(url, json={"status": "done"}, headers=inside)
    assert again.status_code == 200, again.text
    assert (again.json()["status"], again.json()["reason"]) == ("done", None)
    assert last_touch() == TODAY
    # Only a touch is cancelled this way: a visit in person is skipped with a reason.
    visit = Visit(rep_id=world.rep_ids["rep_north_1"], account_id=second, visit_date=TODAY,
                  status="done")  # fmt: skip
    session.add(visit)
    session.commit()
    refused = client.patch(f"/api/v1/visits/{visit.id}", json={"status": "cancelled"},
                           headers=world.headers("rep_north_1"))  # fmt: skip
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "status"
    assert "mark it skipped with a reason" in refused.json()["detail"]


def test_the_planner_sees_the_touch_as_a_share_of_a_visit(
    client: TestClient, world: World, session: Session
) -> None:
    account_id = acc(world, "rep_north_1-acc-2")
    session.execute(
        Account.__table__.update()
        .where(Account.id == account_id)
        .values(last_visit_date=TODAY - timedelta(days=40))
    )
    session.commit()
    assert touch(client, world, "rep_north_1", account_id).status_code == 201
    session.expire_all()
    rep = session.get(Rep, world.rep_ids["rep_north_1"])
    assert rep is not None
    settings = client.app.state.settings  # type: ignore[attr-defined]
    job, _ = build_job(
        session, rep, [workday(rep, TOMORROW)], kind="day", settings=settings, time_limit_s=1
    )
    candidate = next(c for c in job.candidates if c.id == str(account_id))
    # 40 days between the visit and the call, 0.3 of them: 12 days later.
    assert candidate.last_visit == TODAY - timedelta(days=28)
    assert candidate.last_visit == effective_last_visit(
        TODAY - timedelta(days=40), TODAY, 28, settings.value_weights
    )


def test_a_touch_on_a_planned_stop_is_not_the_visit(
    client: TestClient, world: World, session: Session
) -> None:
    """A field rep's call to today's stop leaves the stop to visit, and the day not begun."""
    north_day(session, world)
    stop = acc(world, "rep_north_1-acc-1")
    assert touch(client, world, "rep_north_1", stop, channel="email").status_code == 201
    rep_id = world.rep_ids["rep_north_1"]
    plan = client.get(f"/api/v1/reps/{rep_id}/plans/{TODAY}", headers=world.headers("rep_north_1"))
    assert plan.status_code == 200, plan.text
    assert [s["state"] for s in plan.json()["stops"]] == ["planned"]
    listed = client.get("/api/v1/visits", params={"channel": "email"},
                        headers=world.headers("rep_north_1")).json()  # fmt: skip
    assert [(v["account_id"], v["channel"]) for v in listed["items"]] == [(stop, "email")]


def test_a_field_rep_works_their_own_queue(
    client: TestClient, world: World, session: Session
) -> None:
    ids = north_day(session, world)
    own = queue(client, world, "rep_north_1")
    assert own["owner"]["id"] == world.rep_ids["rep_north_1"]
    assert ids["remote_due"] in {i["account_id"] for i in own["items"]}
    logged = touch(client, world, "rep_north_1", ids["remote_due"])
    assert logged.status_code == 201
    assert logged.json()["rep_id"] == world.rep_ids["rep_north_1"]
    # Another rep's account, in the team or not: not found.
    for key in ("rep_north_2-acc-1", "rep_south_1-acc-1"):
        refused = touch(client, world, "rep_north_1", acc(world, key))
        assert refused.status_code == 404, key
        assert refused.json()["detail"] == f"no account {acc(world, key)}"
    other_queue = client.get(QUEUE, params={"rep_id": world.rep_ids["rep_north_2"]},
                             headers=world.headers("rep_north_1"))  # fmt: skip
    assert other_queue.status_code == 404


def test_an_inside_rep_sees_only_the_reps_and_accounts_they_support(
    client: TestClient, world: World, session: Session
) -> None:
    north_day(session, world)
    inside = world.headers("inside_north")
    for rep in ("rep_north_2", "rep_south_1", "inside_south"):
        response = client.get(QUEUE, params={"rep_id": world.rep_ids[rep]}, headers=inside)
        assert response.status_code == 404, rep
        assert client.get(f"/api/v1/reps/{world.rep_ids[rep]}", headers=inside).status_code == 404
    for key in ("rep_north_2-acc-1", "rep_south_1-acc-1"):
        assert touch(client, world, "inside_north", acc(world, key)).status_code == 404
        assert client.get(f"/api/v1/accounts/{acc(world, key)}", headers=inside).status_code == 404
    accounts = client.get("/api/v1/accounts", headers=inside).json()
    supported = {acc(world, f"rep_north_1-acc-{n}") for n in (1, 2, 3)}
    assert supported <= {a["id"] for a in accounts["items"]}
    assert all(a["territory_id"] == world.territory_ids["rep_north_1"] for a in accounts["items"])
    # Acting for the rep they support, they are refused: touches are logged as themselves.
    for_rep = touch(client, world, "inside_north", acc(world, "rep_north_1-acc-2"),
                    rep_id=world.rep_ids["rep_north_1"])  # fmt: skip
    assert for_rep.status_code == 403
    assert "inside reps log touches only as themselves" in for_rep.json()["detail"]
    # They read the supported rep's visits, and correct only their own touches.
    visit = Visit(rep_id=world.rep_ids["rep_north_1"], account_id=acc(world, "rep_north_1-acc-1"),
                  visit_date=TODAY, status="done")  # fmt: skip
    session.add(visit)
    session.commit()
    own = touch(client, world, "inside_north", acc(world, "rep_north_1-acc-3")).json()
    seen = client.get("/api/v1/visits", headers=inside).json()
    assert {v["id"] for v in seen["items"]} == {visit.id, own["id"]}
    their = client.patch(f"/api/v1/visits/{visit.id}", json={"notes": "x"}, headers=inside)
    assert their.status_code == 403
    fixed = client.patch(f"/api/v1/visits/{own['id']}", json={"next_step": "Call in May"},
                         headers=inside)  # fmt: skip
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["next_step"] == "Call in May"
    skipped = client.patch(f"/api/v1/visits/{own['id']}",
                           json={"status": "skipped", "reason": "no answer"}, headers=inside)  # fmt: skip
    assert skipped.status_code == 422
    assert skipped.json()["field"] == "status"
    # Visits in person and appointments are not theirs to record.
    in_person = client.post("/api/v1/visits", headers=inside,
                            json={"account_id": acc(world, "rep_north_1-acc-2"), "status": "done"})  # fmt: skip
    assert in_person.status_code == 403
    assert in_person.json()["detail"] == (
        "this needs the admin or manager or rep role; you are inside"
    )


def test_managers_name_whose_queue(client: TestClient, world: World, session: Session) -> None:
    north_day(session, world)
    unnamed = client.get(QUEUE, headers=world.headers("manager_north"))
    assert unnamed.status_code == 422
    assert unnamed.json()["field"] == "rep_id"
    named = queue(client, world, "manager_north", rep_id=world.rep_ids["inside_north"])
    assert named["total"] == 4
    south = client.get(QUEUE, params={"rep_id": world.rep_ids["inside_north"]},
                       headers=world.headers("manager_south"))  # fmt: skip
    assert south.status_code == 404
    # A manager logs a touch for the inside rep, on an account the inside rep supports.
    logged = touch(client, world, "manager_north", acc(world, "rep_north_1-acc-2"),
                   rep_id=world.rep_ids["inside_north"])  # fmt: skip
    assert logged.status_code == 201, logged.text
    beyond = touch(client, world, "manager_north", acc(world, "rep_north_2-acc-1"),
                   rep_id=world.rep_ids["inside_north"])  # fmt: skip
    assert beyond.status_code == 422
    assert beyond.json()["detail"] == (
        "account_id: North Rep 2 Account 1 is not in the territory of a rep North Inside supports"
    )


def test_managers_set_whom_an_inside_rep_supports(
    client: TestClient, world: World, session: Session
) -> None:
    north_day(session, world)
    url = f"/api/v1/reps/{world.rep_ids['inside_north']}/supports"
    manager = world.headers("manager_north")
    both = [world.rep_ids["rep_north_2"], world.rep_ids["rep_north_1"]]
    response = client.put(url, json={"field_rep_ids": both}, headers=manager)
    assert response.status_code == 200, response.text
    assert response.json()["supports"] == sorted(both)
    got = queue(client, world, "inside_north")
    assert {r["name"] for r in got["reps"]} == {"North Rep 1", "North Rep 2"}
    assert acc(world, "rep_north_2-acc-1") in {i["account_id"] for i in got["items"]}
    refusals = {
        "south": ([world.rep_ids["rep_south_1"]], f"field_rep_ids.0: no rep {world.rep_ids['rep_south_1']}"),
        "inside": ([world.rep_ids["inside_north"]], "field_rep_ids.0: North Inside is an inside rep; inside reps support field reps"),
    }  # fmt: skip
    for case, (ids, detail) in refusals.items():
        refused = client.put(url, json={"field_rep_ids": ids}, headers=manager)
        assert refused.status_code == 422, case
        assert refused.json()["detail"] == detail
    field = client.put(f"/api/v1/reps/{world.rep_ids['rep_north_2']}/supports",
                       json={"field_rep_ids": []}, headers=manager)  # fmt: skip
    assert field.status_code == 422
    assert (
        client.put(
            url, json={"field_rep_ids": []}, headers=world.headers("manager_south")
        ).status_code
        == 404
    )
    assert client.put(url, json={"field_rep_ids": []}, headers=manager).json()["supports"] == []
    alone = client.get("/api/v1/reps", headers=world.headers("inside_north")).json()
    assert [r["name"] for r in alone["items"]] == ["North Inside"]
    assert queue(client, world, "inside_north")["items"] == []


def test_bad_touches_are_refused_naming_the_field(
    client: TestClient, world: World, session: Session
) -> None:
    account_id = acc(world, "rep_north_1-acc-1")
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"channel": "visit"}, 422, "channel"),
        ({"channel": "fax"}, 422, "channel"),
        ({"date": str(TOMORROW)}, 422, "date"),
        ({"next_step": "x" * 301}, 422, "next_step"),
        ({"account_id": 2**31 - 1}, 404, ""),
        ({"outcome": "line\nbreak"}, 422, "outcome"),
    ]
    for body, status, field in cases:
        response = touch(client, world, "inside_north", account_id, **body)
        assert response.status_code == status, (body, response.text)
        if field:
            assert response.json()["field"] == field, body
    key = {"Idempotency-Key": "touch-0123456789"}
    body = {"account_id": account_id, "channel": "call", "outcome": "Order taken"}
    first = client.post(TOUCHES, json=body, headers=world.headers("inside_north") | key)
    again = client.post(TOUCHES, json=body, headers=world.headers("inside_north") | key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    logged = session.scalars(select(Visit).where(Visit.account_id == account_id)).all()
    assert len(logged) == 1
