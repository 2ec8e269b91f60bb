"""`/manager/plans` on a started week and `/manager/actual` over HTTP (tests live on Wednesday
2026-03-04): the rest-of-week button, plan vs actual cells, cadence and the live section."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models import Account, Rep, Visit
from tests.moments import TODAY_UTC
from tests.seed import World

MONDAY = TODAY_UTC - timedelta(days=TODAY_UTC.weekday())


def test_a_started_week_offers_the_rest_of_it_and_a_past_week_nothing(
    client: TestClient, world: World
) -> None:
    page = client.get("/manager/plans", headers=world.headers("manager_north"))
    assert page.status_code == 200
    assert "Plan the rest of this week (Wed-Fri) for every rep of North" in page.text
    assert f'data-start="{TODAY_UTC.isoformat()}" data-days="5"' in page.text
    ahead = client.get(
        f"/manager/plans?start={MONDAY + timedelta(days=7)}", headers=world.headers("manager_north")
    )
    assert "Plan this week for every rep" in ahead.text
    past = client.get(
        f"/manager/plans?start={MONDAY - timedelta(days=7)}", headers=world.headers("manager_north")
    )
    assert 'id="plan-week"' not in past.text
    assert "This week is over" in past.text


def test_plan_vs_actual_page_shows_the_week_cadence_and_today(
    client: TestClient, world: World, session: Session
) -> None:
    planned = client.post(
        f"/api/v1/reps/{world.rep_ids['rep_north_1']}/plans",
        json={"date": MONDAY.isoformat(), "days": 1, "time_limit": 0.3},
        headers=world.headers("admin"),
    )
    assert planned.status_code == 422  # Monday is over: plans are never made for the past
    account = session.get(Account, world.account_ids["rep_north_1-acc-2"])
    assert account is not None
    session.add(Visit(rep_id=world.rep_ids["rep_north_1"], account_id=account.id,
                      visit_date=MONDAY, status="skipped", reason="gate locked"))  # fmt: skip
    account.last_visit_date = TODAY_UTC
    session.commit()
    page = client.get("/manager/actual", headers=world.headers("manager_north"))
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "Plan vs actual, week of Mon 02 Mar 2026" in page.text
    assert "<strong>17%</strong> of 6 accounts visited within their cadence" in page.text
    assert "5 never visited" in page.text
    assert 'id="live"' in page.text
    assert '<script src="/static/js/manager-actual.js" defer></script>' in page.text
    assert "North Rep 2" in page.text
    assert "South Rep 1" not in page.text
    assert "no plan" in page.text
    assert client.get("/static/js/manager-actual.js").status_code == 200
    rep = client.get("/manager/actual", headers=world.headers("rep_north_1"))
    assert rep.status_code == 403
    other = client.get(
        f"/manager/actual?team_id={world.team_ids['South']}", headers=world.headers("manager_north")
    )
    assert other.status_code == 404


def test_a_skipped_planned_stop_shows_its_reason_in_the_grid(
    client: TestClient, world: World, session: Session
) -> None:
    rep = session.get(Rep, world.rep_ids["rep_north_1"])
    assert rep is not None
    # On UTC it is 16:00: a shift from 16:30 has not begun, so today can still be planned.
    rep.shift_start = rep.shift_start.replace(hour=16, minute=30)
    rep.shift_end = rep.shift_end.replace(hour=20)
    session.commit()
    run = client.post(
        f"/api/v1/reps/{rep.id}/plans",
        json={"date": TODAY_UTC.isoformat(), "time_limit": 0.3},
        headers=world.headers("admin"),
    )
    assert run.status_code == 201, run.text
    stops = run.json()["plans"][0]["stops"]
    first = stops[0]
    session.add(Visit(rep_id=rep.id, account_id=first["account_id"], visit_date=TODAY_UTC,
                      status="skipped", reason="gate locked"))  # fmt: skip
    session.commit()
    page = client.get("/manager/actual", headers=world.headers("manager_north"))
    assert f"Skipped {first['name']}: gate locked" in page.text
    assert f"0/{len(stops)} done, 1 skipped" in page.text
    assert " km planned · " in page.text
    assert "~-" not in page.text  # a day with nothing driven says so, not "~- km driven"
