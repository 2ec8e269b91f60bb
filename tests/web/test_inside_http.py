"""`/inside` over HTTP (no browser): an inside rep lands there (`/`, sign-in by password and by
link), sees the queue of the reps they support ranked, each card with its reason and the form
to log a touch; the phone page's call-instead list takes touches on today's plan; who may open
whose page."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.passwords import set_password
from app.models import Account, User
from tests.queue.north_day import TODAY, acc, left, north_day, store_plan
from tests.seed import World

PASSWORD = "a long walk home"


def test_an_inside_rep_starts_on_the_queue(
    client: TestClient, world: World, session: Session
) -> None:
    ids = north_day(session, world)
    home = client.get("/", headers=world.headers("inside_north"), follow_redirects=False)
    assert (home.status_code, home.headers["location"]) == (303, "/inside")
    page = client.get("/inside", headers=world.headers("inside_north"))
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    assert "North Inside" in html
    assert "For North Rep 1." in html
    assert 'data-touch-list data-rep-id="{}"'.format(world.rep_ids["inside_north"]) in html
    order = [int(a) for a in re.findall(r'<li class="call" data-account-id="(\d+)"', html)]
    api = client.get("/api/v1/queue", headers=world.headers("inside_north")).json()
    assert order == [item["account_id"] for item in api["items"]], "the page keeps the ranking"
    assert ids["remote_due"] in order
    assert "No time left in the day (no time left after 16:40)" in html
    assert "Covered remotely (a touch every 14 days, last contact 20 days ago)" in html
    assert html.count('data-touch="open"') == len(order)
    assert '<template id="touch-form">' in html
    assert '<option value="email">E-mail</option>' in html
    assert '<script src="/static/js/touches.js" defer></script>' in html
    assert "<script>" not in html, "no inline script (CSP)"
    # Another day: read only, and its own plan (none).
    tomorrow = client.get(f"/inside?date={TODAY + timedelta(days=1)}",
                          headers=world.headers("inside_north"))  # fmt: skip
    assert 'data-touch="open"' not in tomorrow.text
    assert "Back to today" in tomorrow.text


def test_names_are_escaped_and_the_queue_is_paged(
    client: TestClient, world: World, session: Session
) -> None:
    north_day(session, world)
    account = session.get(Account, acc(world, "rep_north_1-acc-2"))
    assert account is not None
    account.name = '<img src=x onerror="alert(1)">'
    session.commit()
    html = client.get("/inside", headers=world.headers("inside_north")).text
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    bad = client.get("/inside?offset=-1", headers=world.headers("inside_north"))
    assert bad.status_code == 422
    assert "offset" in bad.text


def test_sign_in_by_password_and_by_link_lands_on_the_queue(
    client: TestClient, world: World, session: Session
) -> None:
    user = session.get(User, world.user_ids["inside_north"])
    assert user is not None
    set_password(user, PASSWORD)
    session.commit()
    signed = client.post("/login", data={"email": user.email, "password": PASSWORD},
                         follow_redirects=True)  # fmt: skip
    assert signed.status_code == 200
    assert str(signed.url).endswith("/inside")
    client.cookies.clear()
    link = client.post(f"/api/v1/users/{user.id}/sign-in-links",
                       headers=world.headers("manager_north"))  # fmt: skip
    assert link.status_code == 201, link.text
    path = link.json()["url"].removeprefix("http://testserver")
    used = client.post(path, follow_redirects=False)
    assert (used.status_code, used.headers["location"]) == (303, "/inside")


def test_who_may_open_whose_page(client: TestClient, world: World, session: Session) -> None:
    north_day(session, world)
    inside_id = world.rep_ids["inside_north"]
    # The phone page is for the road: an inside rep is sent to their queue, in words.
    on_rep = client.get("/rep", headers=world.headers("inside_north"))
    assert on_rep.status_code == 403
    assert "/inside" in on_rep.text
    assert client.get("/rep/near", headers=world.headers("inside_north")).status_code == 403
    managed = client.get(f"/rep?rep_id={inside_id}", headers=world.headers("manager_north"))
    assert managed.status_code == 404
    assert f"/inside?rep_id={inside_id}" in managed.text
    # A manager picks whose queue (the inside reps of their teams), or names one.
    pick = client.get("/inside", headers=world.headers("manager_north"))
    assert pick.status_code == 200
    assert f'href="/inside?rep_id={inside_id}"' in pick.text
    assert "South Inside" not in pick.text
    named = client.get(f"/inside?rep_id={inside_id}", headers=world.headers("manager_north"))
    assert named.status_code == 200
    assert "For North Rep 1." in named.text
    assert client.get(f"/inside?rep_id={inside_id}",
                      headers=world.headers("manager_south")).status_code == 404  # fmt: skip
    # Not a supported rep, another inside rep: not found. A field rep sees their own queue.
    for other in ("rep_north_2", "inside_south"):
        response = client.get(f"/inside?rep_id={world.rep_ids[other]}",
                              headers=world.headers("inside_north"))  # fmt: skip
        assert response.status_code == 404, other
    own = client.get("/inside", headers=world.headers("rep_north_1"))
    assert own.status_code == 200
    assert "For North Rep 1." in own.text


def test_the_phone_pages_call_instead_list_takes_touches_today(
    client: TestClient, world: World, session: Session
) -> None:
    north_day(session, world)
    html = client.get("/rep", headers=world.headers("rep_north_1")).text
    rep_id = world.rep_ids["rep_north_1"]
    assert f'<ol id="calls" class="calls" data-touch-list data-rep-id="{rep_id}">' in html
    assert html.count('data-touch="open"') == 2
    assert '<template id="touch-form">' in html
    assert '<script src="/static/js/touches.js" defer></script>' in html
    # A touch logged today shows on its card after a reload, in words.
    second = acc(world, "rep_north_1-acc-2")
    body = {"account_id": second, "channel": "video", "outcome": "Order & more",
            "next_step": "Send <b>samples</b>"}  # fmt: skip
    assert client.post("/api/v1/touches", json=body,
                       headers=world.headers("inside_north")).status_code == 201  # fmt: skip
    again = client.get("/rep", headers=world.headers("rep_north_1")).text
    card = again[again.index(f'data-account-id="{second}"') :]
    card = card[: card.index("</li>")]
    assert card.startswith(f'data-account-id="{second}" data-state="touched"')
    assert (
        "Video meeting logged \u00b7 Order &amp; more \u00b7 next: Send &lt;b&gt;samples&lt;/b&gt;"
        in card
    )
    assert 'data-touch="undo"' not in card, "the API lets a rep undo only their own touches"
    # One of their own: Undo after a reload too, as right after logging it.
    calls = again[again.index('<ol id="calls"') :]
    first = next(int(a) for a in re.findall(r'data-account-id="(\d+)"', calls) if int(a) != second)
    own = client.post("/api/v1/touches", json={"account_id": first, "channel": "call"},
                      headers=world.headers("rep_north_1"))  # fmt: skip
    assert own.status_code == 201
    html = client.get("/rep", headers=world.headers("rep_north_1")).text
    card = html[html.index(f'data-account-id="{first}"') :]
    card = card[: card.index("</li>")]
    name = re.findall(r"<h3><a [^>]*>([^<]*)</a></h3>", card)[0]
    assert (
        f'<button type="button" class="secondary" data-touch="undo" '
        f'data-visit-id="{own.json()["id"]}" data-channel="call" '
        f'aria-label="Undo the Call logged with {name}">Undo</button>'
    ) in card
    # Yesterday's list is history: touches are logged now, on today's.
    yesterday = TODAY - timedelta(days=1)
    store_plan(
        session, world, yesterday, [], [left(acc(world, "rep_north_1-acc-2"), "no_time", "late")]
    )
    before = client.get(f"/rep?date={yesterday}", headers=world.headers("rep_north_1")).text
    assert 'id="calls" class="calls">' in before
    assert 'data-touch="open"' not in before


def test_the_account_page_shows_touches_and_the_remote_cadence(
    client: TestClient, world: World, session: Session
) -> None:
    account_id = acc(world, "rep_north_1-acc-2")
    account = session.get(Account, account_id)
    assert account is not None
    account.touch_cadence_days = 14
    session.commit()
    body = {"account_id": account_id, "channel": "call", "outcome": "Order taken",
            "next_step": "Send the price list"}  # fmt: skip
    assert client.post("/api/v1/touches", json=body,
                       headers=world.headers("rep_north_1")).status_code == 201  # fmt: skip
    html = client.get(f"/rep/accounts/{account_id}", headers=world.headers("rep_north_1")).text
    assert "a call, e-mail or video every 14 days" in html
    assert "last touched Wed 4 Mar (today)" in html
    assert "Call logged · Order taken · next: Send the price list" in html


def test_touches_logged_today_are_listed_and_undone_after_a_reload(
    client: TestClient, world: World, session: Session
) -> None:
    """A touched account leaves the queue: "Logged today" still has it, with Undo for the rep
    who logged it (a manager looking on sees it without), until it is undone."""
    ids = north_day(session, world)
    account = ids["remote_due"]
    name = session.get(Account, account).name  # type: ignore[union-attr]
    before = client.get("/inside", headers=world.headers("inside_north")).text
    assert 'id="logged"' not in before
    body = {"account_id": account, "channel": "email", "outcome": "Order taken"}
    touch = client.post("/api/v1/touches", json=body, headers=world.headers("inside_north"))
    assert touch.status_code == 201
    html = client.get("/inside", headers=world.headers("inside_north")).text
    queue = html[html.index('<ol id="queue"') :]
    queue = queue[: queue.index("</ol>")]
    assert f'data-account-id="{account}"' not in queue
    logged = html[html.index('<ol id="logged"') :]
    logged = logged[: logged.index("</ol>")]
    assert f'data-rep-id="{world.rep_ids["inside_north"]}"' in logged
    assert re.findall(r'data-account-id="(\d+)"', logged) == [str(account)]
    assert "E-mail logged \u00b7 Order taken" in logged
    assert (
        f'data-touch="undo" data-visit-id="{touch.json()["id"]}" data-channel="email" '
        f'aria-label="Undo the E-mail logged with {name}">Undo</button>'
    ) in logged
    looking_on = client.get(f"/inside?rep_id={world.rep_ids['inside_north']}",
                            headers=world.headers("manager_north")).text  # fmt: skip
    assert "E-mail logged \u00b7 Order taken" in looking_on
    assert 'data-touch="undo"' not in looking_on
    undone = client.patch(f"/api/v1/visits/{touch.json()['id']}", json={"status": "cancelled"},
                          headers=world.headers("inside_north"))  # fmt: skip
    assert undone.status_code == 200
    after = client.get("/inside", headers=world.headers("inside_north")).text
    assert 'id="logged"' not in after
    queue = after[after.index('<ol id="queue"') :]
    queue = queue[: queue.index("</ol>")]
    assert f'data-account-id="{account}"' in queue
