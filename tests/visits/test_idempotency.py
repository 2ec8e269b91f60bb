"""`Idempotency-Key` on the visit endpoints: a repeat of the same request gets the first answer
and writes nothing; the same key on another request is a 422; keys are per user; a refused
request stores nothing, so its repeat runs again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import IdempotencyKey, Visit
from tests.backends import ON_BOTH_BACKENDS
from tests.moments import TODAY_UTC
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS
VISITS = "/api/v1/visits"
YESTERDAY = (TODAY_UTC - timedelta(days=1)).isoformat()
KEY = "5b0c3c1e-6f0b-4a7e-9a57-0d4f1d8f2a11"


def send(client: TestClient, world: World, key: str, who: str = "rep_north_1", **body: Any) -> Any:
    body.setdefault("account_id", world.account_ids[f"{who}-acc-1"])
    body.setdefault("date", YESTERDAY)
    headers = {**world.headers(who), "Idempotency-Key": key}
    return client.post(VISITS, json=body, headers=headers)


def visits(session: Session, world: World, who: str = "rep_north_1") -> list[Visit]:
    session.expire_all()
    query = select(Visit).where(Visit.rep_id == world.rep_ids[who]).order_by(Visit.id)
    return list(session.scalars(query))


def test_a_repeat_gets_the_first_answer_and_writes_nothing(
    client: TestClient, world: World, session: Session
) -> None:
    first = send(client, world, KEY, status="done", outcome="Order taken", notes="two cases")
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    after_first = [(v.id, v.status, v.outcome, v.updated_at) for v in visits(session, world)]
    assert len(after_first) == 1

    again = send(client, world, KEY, status="done", outcome="Order taken", notes="two cases")
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    # Without the key the same done is refused (already done): the replay did not run it.
    assert [(v.id, v.status, v.outcome, v.updated_at) for v in visits(session, world)] == (
        after_first
    )
    plain = client.post(
        VISITS,
        json={
            "account_id": world.account_ids["rep_north_1-acc-1"],
            "status": "done",
            "date": YESTERDAY,
        },
        headers=world.headers("rep_north_1"),
    )
    assert plain.status_code == 409, plain.text


def test_the_same_key_on_another_request_is_a_422(
    client: TestClient, world: World, session: Session
) -> None:
    assert send(client, world, KEY, status="arrived").status_code == 201
    other = send(client, world, KEY, status="skipped", reason="Closed")
    assert other.status_code == 422, other.text
    assert "Idempotency-Key" in other.json()["detail"]
    assert "already used" in other.json()["detail"]
    assert [v.status for v in visits(session, world)] == ["arrived"]
    # Another path with the same key is another request too.
    visit_id = visits(session, world)[0].id
    patch = client.patch(
        f"{VISITS}/{visit_id}",
        json={"notes": "x"},
        headers={**world.headers("rep_north_1"), "Idempotency-Key": KEY},
    )
    assert patch.status_code == 422, patch.text


def test_keys_are_per_user(client: TestClient, world: World, session: Session) -> None:
    mine = send(client, world, KEY, status="arrived")
    theirs = send(client, world, KEY, who="rep_north_2", status="skipped", reason="Closed")
    assert (mine.status_code, theirs.status_code) == (201, 201), theirs.text
    assert "idempotent-replayed" not in theirs.headers
    assert [v.status for v in visits(session, world, "rep_north_2")] == ["skipped"]
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 2


def test_a_refused_request_stores_nothing_and_a_correction_is_kept_once(
    client: TestClient, world: World, session: Session
) -> None:
    refused = send(client, world, KEY, status="done", date="2999-01-01")
    assert refused.status_code == 422
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
    done = send(client, world, KEY, status="done")
    assert done.status_code == 201, done.text

    visit_id = done.json()["id"]
    headers = {**world.headers("rep_north_1"), "Idempotency-Key": "correction-0001"}
    skip = {"status": "skipped", "reason": "Closed"}
    first = client.patch(f"{VISITS}/{visit_id}", json=skip, headers=headers)
    assert first.status_code == 200, first.text
    # Meanwhile corrected back to done; the replayed correction must not skip it again.
    back = client.patch(
        f"{VISITS}/{visit_id}", json={"status": "done"}, headers=world.headers("rep_north_1")
    )
    assert back.status_code == 200, back.text
    again = client.patch(f"{VISITS}/{visit_id}", json=skip, headers=headers)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert [v.status for v in visits(session, world)] == ["done"]


def test_a_malformed_key_is_a_422(client: TestClient, world: World) -> None:
    for key in ("short", "has spaces in it", "x" * 101):
        response = send(client, world, key, status="arrived")
        assert response.status_code == 422, key
        assert "Idempotency-Key" in response.text
