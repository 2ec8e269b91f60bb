"""`app.web.maps`: offline assets, what a territory map draws, and how heavy it is (no browser)."""

from __future__ import annotations

import json
import math
import random
import re
from dataclasses import dataclass, field

import folium
import pytest

from app.web.maps import (
    LEAFLET_URL,
    MAX_RADIUS_PX,
    MIN_RADIUS_PX,
    convex_hull,
    offline_map,
    territory_map,
)


@dataclass
class Home:
    lat: float
    lon: float


@dataclass
class Rep:
    rep_id: int
    rep: str
    color: str
    home: Home | None


@dataclass
class Acc:
    id: int
    name: str
    lat: float
    lon: float
    value: float
    rep_id: int | None
    locked: bool = False


@dataclass
class Overview:
    reps: list[Rep]
    accounts: list[Acc]


@dataclass
class Move:
    account_id: int
    account: str
    lat: float
    lon: float
    value: float
    from_rep_id: int | None
    to_rep_id: int | None


@dataclass
class Proposal:
    moves: list[Move] = field(default_factory=list)


def _overview(accounts: int = 6, seed: int = 0) -> Overview:
    rng = random.Random(seed)
    reps = [
        Rep(1, "Ana Ruiz", "#1f77b4", Home(42.0, -87.8)),
        Rep(2, "Brian Kowalczyk", "#ff7f0e", Home(42.2, -88.0)),
        Rep(3, "No Home", "#2ca02c", None),
    ]
    accs = [
        Acc(
            i + 1,
            f"Account {i}",
            41.8 + rng.random() * 0.5,
            -88.2 + rng.random() * 0.5,
            rng.lognormvariate(9, 1.2),
            (1, 2, 3, None)[i % 4],
        )
        for i in range(accounts)
    ]
    return Overview(reps, accs)


def _data(m: folium.Map) -> dict[str, object]:
    """The JSON the territory layer hands to its script."""
    match = re.search(r"fieldrouteTerritories\([^,]+, (\{.*\})\);", m.get_root().render())
    assert match is not None
    data: dict[str, object] = json.loads(match.group(1))
    return data


def test_everything_loads_from_this_app_except_tiles() -> None:
    html = territory_map(_overview()).get_root().render()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources == [
        f"{LEAFLET_URL}/leaflet.js",
        "/static/js/territory-map.js",
        f"{LEAFLET_URL}/leaflet.css",
        "/static/css/territory-map.css",
    ]
    hosts = set(re.findall(r"https?://([^/\"'\\]+)", html))
    # The tile template and the attribution's link; no CDN, no Bootstrap, no Font Awesome.
    assert hosts == {"tile.openstreetmap.org", "www.openstreetmap.org"}
    assert "OpenStreetMap" in html


def test_local_assets_are_set_per_map_not_on_the_class() -> None:
    class_js = list(folium.Map.default_js)
    m = offline_map(with_jquery=True)
    assert [name for name, _ in m.default_js] == ["leaflet", "jquery"]
    assert folium.Map.default_js == class_js
    assert any("cdn" in url for _, url in folium.Map().default_js)


def test_no_tile_layer_without_a_tile_url() -> None:
    html = territory_map(_overview(), tiles_url="").get_root().render()
    assert "L.tileLayer" not in html
    assert "fieldrouteTerritories(" in html


def test_one_circle_per_account_one_home_per_rep_with_a_home() -> None:
    overview = _overview(accounts=8)
    data = _data(territory_map(overview))
    accounts = data["accounts"]
    assert isinstance(accounts, list)
    assert len(accounts) == 8
    reps = data["reps"]
    assert isinstance(reps, list)
    assert [r["home"] for r in reps] == [[42.0, -87.8], [42.2, -88.0], None]
    assert [r["initials"] for r in reps] == ["AR", "BK", "NH"]
    # Accounts 4 and 8 have no rep: drawn in the unassigned grey, counted apart.
    assert [row[3] for row in accounts] == [0, 1, 2, -1, 0, 1, 2, -1]
    assert data["unassigned"] == 2
    assert [r["accounts"] for r in reps] == [2, 2, 2]


def test_circle_area_grows_with_value() -> None:
    overview = _overview(accounts=0)
    values = [0.0, 100.0, 400.0, 10_000.0]
    overview.accounts = [Acc(i, f"a{i}", 42, -88, v, 1) for i, v in enumerate(values)]
    radii = [row[2] for row in _data(territory_map(overview))["accounts"]]  # type: ignore[union-attr]
    assert radii[0] == MIN_RADIUS_PX
    assert radii[-1] == MAX_RADIUS_PX
    # sqrt scale: a quarter of the value, half the extra radius.
    extra = [r - MIN_RADIUS_PX for r in radii]
    assert extra[1] * 2 == pytest.approx(extra[2], abs=0.1)
    assert extra[2] / extra[3] == pytest.approx(math.sqrt(400 / 10_000), abs=0.01)


def test_a_proposal_reassigns_and_marks_the_moved_accounts() -> None:
    overview = _overview(accounts=4)
    first = overview.accounts[0]
    proposal = Proposal(
        [
            Move(first.id, first.name, first.lat, first.lon, first.value, 1, 2),
            # Gone from the overview since: still drawn where the proposal puts it.
            Move(999, "Gone Co", 42.1, -87.9, 5.0, 2, 1),
        ]
    )
    data = _data(territory_map(overview, proposal))
    rows = data["accounts"]
    assert isinstance(rows, list)
    assert data["proposal"] is True
    moved = {row[4]: row for row in rows if row[6] & 1}
    assert set(moved) == {first.name, "Gone Co"}
    assert moved[first.name][3] == 1  # now Brian's (index 1) ...
    assert moved[first.name][7] == 0  # ... from Ana's (index 0)
    assert moved["Gone Co"][3] == 0
    assert sum(1 for row in rows if not row[6] & 1) == 3


def test_names_cannot_break_out_of_the_script() -> None:
    overview = _overview(accounts=1)
    overview.accounts[0].name = "</script><script>alert(1)</script>"
    overview.reps[0].rep = "<img src=x onerror=alert(1)>"
    html = territory_map(overview).get_root().render()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html


def test_convex_hull() -> None:
    square = [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0), (0.5, 0.5), (0.2, 0.8)]
    hull = convex_hull(square)
    assert sorted(map(tuple, hull)) == [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
    assert convex_hull([(1.0, 1.0), (1.0, 1.0), (2.0, 2.0)]) == [[1.0, 1.0], [2.0, 2.0]]


def test_two_thousand_accounts_stay_light() -> None:
    overview = _overview(accounts=2000, seed=7)
    html = territory_map(overview).get_root().render()
    assert len(html.encode()) < 250_000, f"{len(html.encode()):,} bytes"


def test_accounts_at_one_point_are_grouped() -> None:
    """Issue 13: accounts placed to one postcode's centre get one marker that lists them."""
    overview = _overview(accounts=0)
    overview.accounts = [
        Acc(1, "Alone", 42.0, -88.0, 10, 1),
        Acc(2, "Zip A", 42.1, -87.9, 10, 1),
        Acc(3, "Zip B", 42.1, -87.9, 20, 2),
        Acc(4, "Elsewhere", 42.3, -87.7, 10, 2),
        Acc(5, "Zip C", 42.1, -87.9, 30, 1),
        Acc(6, "Other zip", 42.2, -88.1, 10, 2),
        Acc(7, "Other zip 2", 42.2, -88.1, 10, 2),
    ]
    data = _data(territory_map(overview))
    assert data["groups"] == [[1, 2, 4], [5, 6]]
    assert len(data["accounts"]) == 7  # type: ignore[arg-type]
    # Every account still counts for its rep.
    assert [r["accounts"] for r in data["reps"]] == [3, 4, 0]  # type: ignore[union-attr]
