"""`/rep` over HTTP (no browser): opening a day never plans it; a day that can be planned says
"No plan yet" and offers the button that posts to the plan API, and shows the plan once made."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import RoutePlan
from tests.moments import TODAY_UTC
from tests.seed import World


def _plans(session: Session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(RoutePlan)) or 0)


def test_opening_a_day_plans_nothing(client: TestClient, world: World, session: Session) -> None:
    rep_id = world.rep_ids["rep_north_1"]
    headers = world.headers("rep_north_1")
    for _ in range(2):
        page = client.get("/rep", headers=headers)
        assert page.status_code == 200
        assert page.headers["cache-control"] == "no-store"
        assert "No plan yet for today." in page.text
        assert (
            f'<button type="button" id="plan-day" data-url="/api/v1/reps/{rep_id}/plans" '
            f'data-date="{TODAY_UTC}">Plan my day</button>'
        ) in page.text
        assert 'id="stops"' not in page.text
        assert 'id="replan"' not in page.text
    tomorrow = TODAY_UTC + timedelta(days=1)
    ahead = client.get(f"/rep?date={tomorrow}", headers=headers)
    assert "No plan yet for Thursday 5 March 2026." in ahead.text
    # A later day is planned with the rest of its week (today's shift has begun: from tomorrow).
    assert (
        f'<button type="button" id="plan-day" data-url="/api/v1/reps/{rep_id}/plans/refresh" '
        f'data-date="{tomorrow}" data-from="{tomorrow}">Plan my day</button>'
    ) in ahead.text
    # A manager looking at the rep's day gets the button too, in their words.
    managed = client.get(f"/rep?rep_id={rep_id}", headers=world.headers("manager_north"))
    assert 'id="plan-day"' in managed.text
    assert ">Plan this day</button>" in managed.text
    assert _plans(session) == 0
    assert (
        client.get(f"/api/v1/reps/{rep_id}/plans/{TODAY_UTC}", headers=headers).status_code == 404
    )


def test_days_that_cannot_be_planned_offer_no_button(
    client: TestClient, world: World, session: Session
) -> None:
    headers = world.headers("rep_north_1")
    yesterday = TODAY_UTC - timedelta(days=1)
    past = client.get(f"/rep?date={yesterday}", headers=headers)
    assert "No route was planned for Tuesday 3 March 2026." in past.text
    assert 'id="plan-day"' not in past.text
    saturday = TODAY_UTC + timedelta(days=(5 - TODAY_UTC.weekday()) % 7)
    off = client.get(f"/rep?date={saturday}", headers=headers)
    assert "Saturday 7 March 2026 is not one of North Rep 1&#39;s working days." in off.text
    assert 'id="plan-day"' not in off.text
    assert _plans(session) == 0


def test_the_plan_the_button_makes_is_shown(
    client: TestClient, world: World, session: Session
) -> None:
    rep_id = world.rep_ids["rep_north_1"]
    headers = world.headers("rep_north_1")
    # What the button sends: the day, to the plan API.
    planned = client.post(
        f"/api/v1/reps/{rep_id}/plans", json={"date": TODAY_UTC.isoformat()}, headers=headers
    )
    assert planned.status_code == 201, planned.text
    page = client.get("/rep", headers=headers)
    assert page.status_code == 200
    assert 'id="stops"' in page.text
    assert page.text.count('<li class="stop"') == len(planned.json()["plans"][0]["stops"])
    assert 'id="replan"' in page.text
    assert "No plan yet" not in page.text
    assert 'id="plan-day"' not in page.text
    assert _plans(session) == 1
