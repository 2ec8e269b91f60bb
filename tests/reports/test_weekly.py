"""The weekly report on a seeded fortnight (tests live on Wednesday 4 March 2026, 10:00 in
Chicago), its numbers checked against sums worked out here, and the same as CSV.

North: Rep 1 (accounts 1000, 2000, 3000: field, hybrid, remote), Rep 2 (1000, 2000, 3000, all
field) and North Inside, who supports Rep 1.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import Account, Rep, Visit
from app.roads.service import travel
from routing import Point
from tests.backends import ON_BOTH_BACKENDS
from tests.moments import CHICAGO, TODAY_CHICAGO
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS

THIS_WEEK = TODAY_CHICAGO - timedelta(days=TODAY_CHICAGO.weekday())
LAST_WEEK = THIS_WEEK - timedelta(days=7)
URL = "/api/v1/reports/weekly"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CHICAGO)


def done(
    session: Session,
    rep_id: int,
    account_id: int,
    day: date,
    channel: str = "visit",
    started: datetime | None = None,
    ended: datetime | None = None,
    status: str = "done",
) -> None:
    session.add(
        Visit(
            rep_id=rep_id,
            account_id=account_id,
            visit_date=day,
            status=status,
            channel=channel,
            started_at=started,
            ended_at=ended,
        )
    )
    session.flush()


def drive(settings: Settings, *points: Point) -> tuple[float, float]:
    """Metres and seconds along `points` on the test app's travel model."""
    matrix = travel(settings).matrix(list(points))
    legs = range(len(points) - 1)
    metres = sum(float(matrix.distances_m[i][i + 1]) for i in legs)
    seconds = sum(float(matrix.durations_s[i][i + 1]) for i in legs)
    return metres, seconds


def place(session: Session, world: World, key: str) -> Point:
    account = session.get_one(Account, world.account_ids[key])
    assert account.latitude is not None
    assert account.longitude is not None
    return Point(account.latitude, account.longitude)


def home(session: Session, world: World, key: str) -> Point:
    rep = session.get_one(Rep, world.rep_ids[key])
    assert rep.home_latitude is not None
    assert rep.home_longitude is not None
    return Point(rep.home_latitude, rep.home_longitude)


@pytest.fixture
def fortnight(session: Session, world: World) -> dict[str, Any]:
    """The seeded fortnight; returns the accounts' and reps' ids by short name."""
    ids = world.account_ids
    r1, r2, inside = (world.rep_ids[k] for k in ("rep_north_1", "rep_north_2", "inside_north"))
    a1, a2, a3 = (ids[f"rep_north_1-acc-{n}"] for n in (1, 2, 3))
    b1, b2 = ids["rep_north_2-acc-1"], ids["rep_north_2-acc-2"]
    session.get_one(Account, a2).coverage = "hybrid"
    session.get_one(Account, a3).coverage = "remote"
    # Rep 2 prices the working day on its own, and driving on top.
    rep2 = session.get_one(Rep, r2)
    rep2.cost_per_working_hour = 30.0
    rep2.cost_per_hour = 10.0
    rep2.cost_per_km = 0.4

    tuesday = LAST_WEEK + timedelta(days=1)
    thursday = LAST_WEEK + timedelta(days=3)
    # Last week, Rep 1 on Tuesday: a1 for 45 min (recorded twice: one visit), then a2 with only
    # its end recorded (its 30 service minutes count); a3 skipped (not a visit).
    done(session, r1, a1, tuesday, started=at(tuesday, 9), ended=at(tuesday, 9, 45))
    done(session, r1, a1, tuesday, started=at(tuesday, 9), ended=at(tuesday, 9, 45))
    done(session, r1, a2, tuesday, ended=at(tuesday, 11))
    done(session, r1, a3, tuesday, status="skipped")
    # Thursday: Rep 1 calls a1; the inside rep calls and e-mails a3 (remote).
    done(session, r1, a1, thursday, channel="call")
    done(session, inside, a3, thursday, channel="call")
    done(session, inside, a3, thursday, channel="email")
    # This week: Rep 1 meets a2 by video on Monday; Rep 2 visits b1 on Monday (20 min) and b2
    # today (Wednesday, not over: no drive home yet).
    done(session, r1, a2, THIS_WEEK, channel="video")
    done(session, r2, b1, THIS_WEEK, started=at(THIS_WEEK, 10), ended=at(THIS_WEEK, 10, 20))
    done(session, r2, b2, TODAY_CHICAGO, started=at(TODAY_CHICAGO, 8), ended=at(TODAY_CHICAGO, 9))
    # Outside the weeks asked for, and South: never counted.
    done(session, r1, a1, LAST_WEEK - timedelta(days=1))
    done(session, world.rep_ids["rep_south_1"], ids["rep_south_1-acc-1"], tuesday)
    session.commit()
    return {"a1": a1, "a2": a2, "a3": a3, "b1": b1, "b2": b2, "r1": r1, "r2": r2, "in": inside}


def _params(world: World, start: date = LAST_WEEK, end: date = THIS_WEEK) -> str:
    return f"?team_id={world.team_ids['North']}&from={start}&to={end}"


def _row(report: dict[str, Any], rep_id: int, week: date) -> dict[str, Any]:
    (row,) = [r for r in report["reps"] if r["rep_id"] == rep_id and r["week"] == str(week)]
    return row


def test_numbers_per_rep_and_week_match_the_sums(
    client: TestClient,
    world: World,
    session: Session,
    settings: Settings,
    fortnight: dict[str, Any],
) -> None:
    response = client.get(URL + _params(world), headers=world.headers("manager_north"))
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["weeks"] == [str(LAST_WEEK), str(THIS_WEEK)]
    assert [r["rep_name"] for r in report["reps"]] == [
        "North Inside", "North Inside", "North Rep 1", "North Rep 1", "North Rep 2", "North Rep 2"
    ]  # fmt: skip
    assert report["travel_model"] == "estimate"

    # Rep 1, last week: 2 visits (a1 counted once); 1 call; value of a1 + a2.
    metres, seconds = drive(
        settings,
        home(session, world, "rep_north_1"),
        place(session, world, "rep_north_1-acc-1"),
        place(session, world, "rep_north_1-acc-2"),
        home(session, world, "rep_north_1"),
    )
    # No working-hour rate of its own: cost_per_hour (40) prices every working hour, km 0.5.
    cost = metres / 1000 * 0.5 + (seconds / 3600 + 0.75 + 0.5) * 40.0
    r1 = _row(report, fortnight["r1"], LAST_WEEK)
    assert r1["kind"] == "field"
    assert r1["visits"] == 2
    assert r1["touches"] == {"call": 1, "email": 0, "video": 0}
    assert r1["touches_total"] == 1
    assert r1["value_covered"] == 3000.0
    assert r1["km_driven"] == round(metres / 1000, 1)
    assert r1["drive_hours"] == round(seconds / 3600, 2)
    assert r1["visit_hours"] == 1.25
    assert r1["cost"] == round(cost, 2)
    assert r1["cost_per_visit"] == round(cost / 2, 2)
    assert r1["coverage"] == {
        "field": {"accounts": 1, "touched": 1},
        "hybrid": {"accounts": 1, "touched": 1},
        "remote": {"accounts": 1, "touched": 1},  # the inside rep's call
    }
    # The inside rep: touches only, no territory of its own.
    inside = _row(report, fortnight["in"], LAST_WEEK)
    assert inside["kind"] == "inside"
    assert (inside["visits"], inside["touches_total"]) == (0, 2)
    assert inside["touches"] == {"call": 1, "email": 1, "video": 0}
    assert inside["value_covered"] == 3000.0
    assert (inside["km_driven"], inside["cost"], inside["cost_per_visit"]) == (0.0, 0.0, None)
    assert all(c["accounts"] == 0 for c in inside["coverage"].values())
    # Rep 2 did nothing last week.
    idle = _row(report, fortnight["r2"], LAST_WEEK)
    assert (idle["visits"], idle["value_covered"], idle["km_driven"]) == (0, 0.0, 0.0)
    assert idle["coverage"]["field"] == {"accounts": 3, "touched": 0}

    # This week. Rep 1: a video call to a2, nothing driven.
    r1_now = _row(report, fortnight["r1"], THIS_WEEK)
    assert (r1_now["visits"], r1_now["touches"]["video"], r1_now["value_covered"]) == (0, 1, 2000)
    assert (r1_now["cost"], r1_now["cost_per_visit"]) == (0.0, None)
    assert r1_now["coverage"]["hybrid"] == {"accounts": 1, "touched": 1}
    assert r1_now["coverage"]["field"] == {"accounts": 1, "touched": 0}
    # Rep 2: Monday there and back; today (not over) out to b2 only.
    b_home = home(session, world, "rep_north_2")
    monday = drive(settings, b_home, place(session, world, "rep_north_2-acc-1"), b_home)
    today = drive(settings, b_home, place(session, world, "rep_north_2-acc-2"))
    metres2 = monday[0] + today[0]
    drive_h2 = (monday[1] + today[1]) / 3600
    cost2 = metres2 / 1000 * 0.4 + drive_h2 * 10.0 + (drive_h2 + 20 / 60 + 1) * 30.0
    r2 = _row(report, fortnight["r2"], THIS_WEEK)
    assert (r2["visits"], r2["value_covered"]) == (2, 3000.0)
    assert r2["km_driven"] == round(metres2 / 1000, 1)
    assert r2["visit_hours"] == round(80 / 60, 2)
    assert r2["cost"] == round(cost2, 2)
    assert r2["cost_per_visit"] == round(cost2 / 2, 2)
    assert r2["coverage"]["field"] == {"accounts": 3, "touched": 2}

    # Team totals: sums, but an account met by two reps counts once in the value.
    last, now = report["totals"]
    assert last["week"] == str(LAST_WEEK)
    assert (last["visits"], last["touches"]) == (2, {"call": 2, "email": 1, "video": 0})
    assert last["value_covered"] == 6000.0  # a1 + a2 (Rep 1) + a3 (inside)
    assert last["cost"] == round(cost, 2)
    assert last["cost_per_visit"] == round(cost / 2, 2)
    assert last["coverage"] == {
        "field": {"accounts": 4, "touched": 1},
        "hybrid": {"accounts": 1, "touched": 1},
        "remote": {"accounts": 1, "touched": 1},
    }
    assert (now["visits"], now["touches_total"], now["value_covered"]) == (2, 1, 5000.0)
    assert now["km_driven"] == round(metres2 / 1000, 1)
    assert now["cost"] == round(cost2, 2)


def test_csv_has_a_row_per_rep_and_week_with_the_same_numbers(
    client: TestClient, world: World, session: Session, fortnight: dict[str, Any]
) -> None:
    rep = session.get_one(Rep, fortnight["r1"])
    rep.name = '=HYPERLINK("http://x")'
    session.commit()
    headers = world.headers("manager_north")
    report = client.get(URL + _params(world), headers=headers).json()
    response = client.get(URL + ".csv" + _params(world), headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="fieldroute-weekly-team{world.team_ids["North"]}'
        f'-{LAST_WEEK}-{THIS_WEEK}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(report["reps"]) == 6
    for row, figures in zip(rows, report["reps"], strict=True):
        assert row["week"] == figures["week"]
        assert int(row["rep_id"]) == figures["rep_id"]
        assert int(row["visits"]) == figures["visits"]
        assert int(row["calls"]) == figures["touches"]["call"]
        assert int(row["touches"]) == figures["touches_total"]
        assert float(row["value_covered"]) == figures["value_covered"]
        assert float(row["km_driven"]) == figures["km_driven"]
        assert row["cost_per_visit"] == (
            "" if figures["cost_per_visit"] is None else str(figures["cost_per_visit"])
        )
        assert int(row["field_touched"]) == figures["coverage"]["field"]["touched"]
    named = [row["rep_name"] for row in rows if int(row["rep_id"]) == fortnight["r1"]]
    assert named == ['\'=HYPERLINK("http://x")'] * 2, "a formula is defused"


def test_a_field_rep_sees_their_own_rows_and_an_inside_rep_those_they_support(
    client: TestClient, world: World, fortnight: dict[str, Any]
) -> None:
    mine = client.get(URL + _params(world), headers=world.headers("rep_north_1")).json()
    assert {r["rep_id"] for r in mine["reps"]} == {fortnight["r1"]}
    # The totals are those of the rows shown: Rep 1's own.
    assert mine["totals"][0]["value_covered"] == 3000.0
    assert mine["totals"][0]["touches_total"] == 1
    theirs = client.get(URL + _params(world), headers=world.headers("inside_north")).json()
    assert {r["rep_id"] for r in theirs["reps"]} == {fortnight["r1"], fortnight["in"]}
    assert theirs["totals"][0]["value_covered"] == 6000.0
    south = client.get(
        f"{URL}?team_id={world.team_ids['South']}&from={LAST_WEEK}&to={THIS_WEEK}",
        headers=world.headers("rep_north_1"),
    )
    assert south.status_code == 404
    other = client.get(
        f"{URL}?team_id={world.team_ids['South']}&from={LAST_WEEK}&to={THIS_WEEK}",
        headers=world.headers("manager_north"),
    )
    assert other.status_code == 404


def test_an_inactive_rep_stays_in_the_weeks_they_worked(
    client: TestClient, world: World, session: Session, fortnight: dict[str, Any]
) -> None:
    session.get_one(Rep, fortnight["r2"]).active = False
    session.get_one(Rep, world.rep_ids["rep_north_1"]).active = False
    session.commit()
    earlier = LAST_WEEK - timedelta(days=14)
    gone = client.get(URL + _params(world, earlier, earlier), headers=world.headers("admin"))
    assert {r["rep_id"] for r in gone.json()["reps"]} == {fortnight["in"]}
    kept = client.get(URL + _params(world), headers=world.headers("admin")).json()
    assert {r["rep_id"] for r in kept["reps"]} == {
        fortnight["r1"],
        fortnight["r2"],
        fortnight["in"],
    }


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        (f"from={LAST_WEEK + timedelta(days=1)}&to={THIS_WEEK}", "from", "must be a Monday"),
        (f"from={LAST_WEEK}&to={THIS_WEEK + timedelta(days=2)}", "to", "must be a Monday"),
        (f"from={THIS_WEEK}&to={LAST_WEEK}", "to", "before from"),
        (f"from={THIS_WEEK - timedelta(weeks=26)}&to={THIS_WEEK}", "to", "at most 26"),
        (f"from=20260302&to={THIS_WEEK}", "from", "ISO 8601"),
        (f"to={THIS_WEEK}", "from", ""),
    ],
)
def test_bad_weeks_are_a_422_naming_the_field(
    client: TestClient, world: World, query: str, field: str, words: str
) -> None:
    for path in (URL, URL + ".csv"):
        response = client.get(
            f"{path}?team_id={world.team_ids['North']}&{query}", headers=world.headers("admin")
        )
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["field"] == f"query.{field}"
        assert words in body["detail"]


def test_twenty_six_weeks_are_allowed(client: TestClient, world: World) -> None:
    start = THIS_WEEK - timedelta(weeks=25)
    response = client.get(URL + _params(world, start), headers=world.headers("manager_north"))
    assert response.status_code == 200, response.text
    report = response.json()
    assert len(report["weeks"]) == 26
    assert len(report["totals"]) == 26
    assert len(report["reps"]) == 26 * 3
