"""`/manager/reports` over HTTP (tests live on Wednesday 2026-03-04): the charts are inline SVG
drawn on the server, each named for assistive technology, rep names escaped, the figures as
tables, the CSV link, and who may open the page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models import Rep, Visit
from tests.moments import TODAY_CHICAGO
from tests.seed import World

THIS_WEEK = TODAY_CHICAGO - timedelta(days=TODAY_CHICAGO.weekday())
HOSTILE = '<img src=x onerror="alert(1)"> & Co'


def test_the_page_draws_eight_weeks_to_this_one_as_svg(
    client: TestClient, world: World, session: Session
) -> None:
    rep = session.get_one(Rep, world.rep_ids["rep_north_2"])
    rep.name = HOSTILE
    session.add(
        Visit(rep_id=rep.id, account_id=world.account_ids["rep_north_2-acc-1"],
              visit_date=THIS_WEEK, status="done")
    )  # fmt: skip
    session.commit()
    page = client.get("/manager/reports", headers=world.headers("manager_north"))
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "no-store"
    first = THIS_WEEK - timedelta(weeks=7)
    assert f"8 weeks, {first:%d %b %Y} to the week of {THIS_WEEK:%d %b %Y}" in page.text
    team = world.team_ids["North"]
    assert (
        f'href="/api/v1/reports/weekly.csv?team_id={team}&amp;from={first}&amp;to={THIS_WEEK}"'
        in page.text
    )
    # Nothing of the name is markup: not in the charts, not in the tables.
    assert "<img" not in page.text
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; Co" in page.text
    # No script of its own (the charts are SVG from the server); any script is a file of ours.
    assert all(
        tag.startswith('<script src="/static/js/')
        for tag in re.findall(r"<script[^>]*>", page.text)
    )
    assert "<script>" not in page.text
    charts = _svgs(page.text)
    # A chart per rep (North Inside, North Rep 1, the renamed Rep 2), then value, cost, coverage.
    assert len(charts) == 6
    for chart in charts:
        assert chart.get("role") == "img"
        title_id, desc_id = chart.get("aria-labelledby", "").split()
        ids = {element.get("id") for element in chart.iter()}
        assert {title_id, desc_id} <= ids
    titles = [t.text or "" for c in charts for t in c.iter("{http://www.w3.org/2000/svg}title")]
    assert f"Visits in person, {THIS_WEEK.day} Mar: 1" in titles
    assert f"Visits and touches per week: {HOSTILE}" in titles
    assert 'id="totals"' in page.text
    assert 'id="per-rep"' in page.text
    assert '<a href="/manager/actual?team_id=' in page.text, "the manager nav links onwards"


def test_weeks_from_the_form_and_the_other_pages(client: TestClient, world: World) -> None:
    headers = world.headers("admin")
    # Any day stands for its week; `start` (from the other pages) is the last week shown.
    page = client.get(
        f"/manager/reports?from={THIS_WEEK + timedelta(days=2)}&to={THIS_WEEK + timedelta(days=6)}",
        headers=headers,
    )
    assert f"1 week, {THIS_WEEK:%d %b %Y} to the week of {THIS_WEEK:%d %b %Y}" in page.text
    nav = client.get(f"/manager/reports?start={THIS_WEEK - timedelta(weeks=1)}", headers=headers)
    assert f"to the week of {THIS_WEEK - timedelta(weeks=1):%d %b %Y}" in nav.text
    too_many = client.get(
        f"/manager/reports?from={THIS_WEEK - timedelta(weeks=30)}&to={THIS_WEEK}", headers=headers
    )
    assert too_many.status_code == 422
    assert "at most 26" in too_many.text
    assert "<svg" not in too_many.text


def test_managers_only(client: TestClient, world: World) -> None:
    for who in ("rep_north_1", "inside_north"):
        page = client.get("/manager/reports", headers=world.headers(who))
        assert page.status_code == 403
        assert "Managers only" in page.text
    south = client.get(
        f"/manager/reports?team_id={world.team_ids['South']}",
        headers=world.headers("manager_north"),
    )
    assert south.status_code == 404
    stranger = client.get("/manager/reports", follow_redirects=False)
    assert stranger.status_code == 303
    assert stranger.headers["location"].startswith("/login?next=/manager/reports")


def _svgs(html: str) -> list[ET.Element]:
    found = []
    rest = html
    while "<svg" in rest:
        start = rest.index("<svg")
        end = rest.index("</svg>", start) + len("</svg>")
        found.append(ET.fromstring(rest[start:end]))
        rest = rest[end:]
    return found
