"""The phone page on the road: navigation by address when the point is only a postcode's,
US addresses as the post writes them, no visit buttons on days ahead, the recorded times of
visits, and no planning of a day whose shift is over."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from app.auth.principal import Principal
from app.core.config import Role
from app.web.maps import route_map, same_point_groups
from app.web.rep import Notice, day_page
from app.web.rep_view import StopCard, address_text, plan_view, route_parts
from tests.web.test_rep_html import DAY, _plan, _route_data, _stop, plan_content


def test_us_addresses_put_the_city_first_and_show_the_state() -> None:
    assert address_text("1 Main St", "Baltimore", "21224", "MD", "US") == (
        "1 Main St, Baltimore, MD 21224"
    )
    assert address_text("1 Main St", "Baltimore", "21224", "MD") == "1 Main St, Baltimore, MD 21224"
    assert address_text("Städtle 1", "Vaduz", "9490", None, "LI") == "Städtle 1, 9490 Vaduz"
    html = plan_content(_plan([_stop(1, 11, 9, region="IL", country="US")]), today=DAY)
    assert '<p class="addr">1 Main St, Chicago, IL 60601</p>' in html


def test_a_postcode_point_navigates_by_address_a_street_point_by_coordinates() -> None:
    rough = _stop(1, 11, 9, region="IL", country="US", precision="postcode")
    exact = _stop(2, 12, 10, region="IL", country="US", precision="address")
    items = plan_view(_plan([rough, exact]), today=DAY).items
    cards = [item for item in items if isinstance(item, StopCard)]
    google = [parse_qs(urlsplit(card.google).query)["destination"] for card in cards]
    apple = [parse_qs(urlsplit(card.apple).query)["daddr"] for card in cards]
    assert google[0] == apple[0] == ["1 Main St, Chicago, IL 60601"]
    assert google[1] == apple[1] == ["41.52000,-87.72000"]
    # The whole-route links go to the same places.
    (part,) = route_parts(_plan([rough, exact]))
    query = parse_qs(urlsplit(part.url).query)
    assert query["waypoints"] == ["1 Main St, Chicago, IL 60601|41.52000,-87.72000"]


def test_no_visit_buttons_on_a_day_ahead() -> None:
    ahead = plan_content(_plan(), today=date(2030, 6, 3))
    assert 'data-action="arrived"' not in ahead
    assert "Visits are recorded on the day" in ahead
    today = plan_content(_plan(), today=DAY)
    assert today.count('data-action="arrived"') == 4


def test_a_done_stop_shows_when_it_was_done() -> None:
    done = _stop(
        1,
        11,
        9,
        state="done",
        started_at=f"{DAY}T15:05:00Z",
        ended_at=f"{DAY}T15:40:00Z",
    )
    html = plan_content(_plan([done, _stop(2, 12, 11)]), today=DAY)
    # 15:05 UTC is 10:05 in Chicago (CDT); the plan had 09:00.
    assert "Done <time>10:05\u201310:40</time> · planned 09:00" in html
    assert "<time>11:00</time> arrive" in html


def test_after_the_shift_the_page_offers_tomorrow_not_a_plan() -> None:
    rep = Principal(user_id=1, name="A", role=Role.REP, rep_id=3)
    over = plan_view(_plan(), today=DAY, shift_over=True)
    assert over.action is None
    html = day_page(rep, 3, "A", DAY, DAY, over).body.decode()
    assert "Today's shift is over." in html
    assert 'href="/rep?date=2030-06-05"' in html
    assert 'id="replan"' not in html
    nothing = day_page(
        rep, 3, "A", DAY, DAY, Notice("No route was planned for today.", day_over=True)
    ).body.decode()
    assert 'id="plan-day"' not in nothing
    assert "Today's shift is over." in nothing
    assert plan_view(_plan(), today=DAY).action == "replan"


def test_stops_at_one_point_share_one_marker_that_lists_them() -> None:
    stops = [
        _stop(1, 11, 9, latitude=41.6, longitude=-87.6),
        _stop(2, 12, 10),
        _stop(3, 13, 11, latitude=41.6, longitude=-87.6),
        _stop(4, 14, 12, latitude=41.6, longitude=-87.6),
    ]
    html = route_map(_plan(stops), (42.0, -87.8)).get_root().render()
    data = _route_data(html)
    assert data["groups"] == [[0, 2, 3], [1]]
    assert " stops here" in html
    assert "bindPopup" in html
    # Names still reach the page only as data (text nodes), never as markup.
    assert same_point_groups([]) == []


def test_the_call_instead_count_never_wraps() -> None:
    css = (Path(__file__).resolve().parents[2] / "app/web/static/css/rep.css").read_text()
    rule = css[css.index(".tabs .count {") :]
    assert "white-space: nowrap" in rule[: rule.index("}")]
