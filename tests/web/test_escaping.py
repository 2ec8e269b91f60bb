"""Names are text, never markup: hostile account, rep, team and user names, rendered through the
templates on every page that shows names (the rep's stops and call-instead list, the manager's
territory page and week grid, the rep picker, the user line), come out escaped."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models import Account, Rep, Team, User
from tests.moments import TODAY_UTC
from tests.seed import World

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
TOMORROW = TODAY_UTC + timedelta(days=1)
OPEN_DAILY = {day: ["07:00-19:00"] for day in ("mo", "tu", "we", "th", "fr", "sa", "su")}


class Parsed(HTMLParser):
    """The elements, attributes and text of a page, as a browser would see them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_names_are_text(html: str, *names: str) -> None:
    """No element or handler came from a name, and each name shows as typed."""
    page = Parsed(html)
    assert "img" not in {tag for tag, _ in page.tags}
    handlers = [(tag, name) for tag, attrs in page.tags for name in attrs if name.startswith("on")]
    assert handlers == []
    scripts = [attrs for tag, attrs in page.tags if tag == "script"]
    assert all((attrs.get("src") or "").startswith("/static/js/") for attrs in scripts), scripts
    text = "".join(page.text)
    for name in names:
        assert name in text, f"{name!r} is not shown"


@pytest.fixture
def hostile(client: TestClient, world: World, session: Session) -> World:
    """North Rep 1 is named SCRIPT and plans tomorrow with an account named SCRIPT on the route
    and one named IMG closed that day (so on the call-instead list); North Rep 2, the North
    team's name and the North manager's name carry IMG and SCRIPT too."""
    rep_1 = session.get_one(Rep, world.rep_ids["rep_north_1"])
    rep_2 = session.get_one(Rep, world.rep_ids["rep_north_2"])
    team = session.get_one(Team, world.team_ids["North"])
    manager = session.get_one(User, world.user_ids["manager_north"])
    on_route = session.get_one(Account, world.account_ids["rep_north_1-acc-1"])
    closed = session.get_one(Account, world.account_ids["rep_north_1-acc-2"])
    rep_1.name, rep_2.name, team.name = SCRIPT, IMG, f"North {IMG}"
    manager.name = f"{SCRIPT} {IMG}"
    on_route.name, on_route.opening_hours = SCRIPT, OPEN_DAILY
    closed.name, closed.phone = IMG, "+1 312 555 0100"
    weekday = ("mo", "tu", "we", "th", "fr", "sa", "su")[TOMORROW.weekday()]
    closed.opening_hours = {day: hours for day, hours in OPEN_DAILY.items() if day != weekday}
    session.commit()
    planned = client.post(
        f"/api/v1/reps/{rep_1.id}/plans",
        json={"date": TOMORROW.isoformat()},
        headers=world.headers("admin"),
    )
    assert planned.status_code == 201, planned.text
    plan = planned.json()["plans"][0]
    assert SCRIPT in [stop["name"] for stop in plan["stops"]]
    assert IMG in [item["name"] for item in plan["call_instead"]]
    return world


def test_the_reps_day_escapes_stop_and_call_instead_names(
    client: TestClient, hostile: World
) -> None:
    page = client.get(f"/rep?date={TOMORROW}", headers=hostile.headers("rep_north_1"))
    assert page.status_code == 200
    assert_names_are_text(page.text, SCRIPT, IMG)
    stops = page.text[page.text.index('id="stops"') : page.text.index('id="panel-call"')]
    calls = page.text[page.text.index('id="panel-call"') : page.text.index('id="panel-exports"')]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</a></h3>" in stops
    assert 'aria-label="Navigate to &lt;script&gt;alert(1)&lt;/script&gt; with' in stops
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;</a></h3>" in calls
    assert 'aria-label="Call &#34;&gt;&lt;img src=x onerror=alert(1)&gt;, +1 312' in calls


def test_the_managers_pages_escape_rep_team_and_user_names(
    client: TestClient, hostile: World
) -> None:
    manager = hostile.headers("manager_north")
    north = hostile.team_ids["North"]
    for path in (
        "/manager",
        f"/manager/plans?start={TOMORROW - timedelta(days=TOMORROW.weekday())}",
        "/rep",
        f"/rep?date={TOMORROW}&rep_id={hostile.rep_ids['rep_north_1']}",
    ):
        page = client.get(path, headers=manager)
        assert page.status_code == 200, path
        assert_names_are_text(page.text, SCRIPT, IMG)
    # Admins see the team picker, with the team's name in an option.
    admin = client.get(f"/manager?team_id={north}", headers=hostile.headers("admin"))
    assert_names_are_text(admin.text, f"North {IMG}", SCRIPT, IMG)
    assert f'<option value="{north}" selected>North &#34;&gt;&lt;img src=x' in admin.text


def test_error_pages_and_the_sign_in_page_escape_the_users_name(
    client: TestClient, hostile: World
) -> None:
    manager = hostile.headers("manager_north")
    error = client.get("/rep?date=not-a-day", headers=manager)
    assert error.status_code == 400
    assert_names_are_text(error.text, f"{SCRIPT} {IMG} (manager)", "'not-a-day' is not a date")
    signed_in = client.get("/login", headers=manager)
    assert_names_are_text(signed_in.text, f"{SCRIPT} {IMG}")
