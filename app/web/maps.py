"""Folium maps that work offline: Leaflet from the app's own `/static/leaflet`, no CDN assets.

Each map sets `default_js` / `default_css` on its own instance (folium's `add_js_link` would
change the class, and so every later map). Markers are plain Leaflet vectors and `DivIcon`s, so
neither Bootstrap nor Font Awesome is needed; without popups jQuery is not needed either. Tiles
come from a configurable URL; with no network (or an empty URL) the map still shows the
accounts, homes, moves and territories, which are all drawn by the page itself.

Thousands of accounts are drawn by one cached script (`static/js/territory-map.js`) from one
compact JSON array, instead of a folium element (~500 bytes of script) per account: a
2,000-account map is about 120 kB of HTML. A rep's day (`route_map`) has a dozen stops, so its
few lines of script ride along in the page.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import folium
from branca.element import MacroElement
from jinja2 import Template

from app.core.config import OSM_ATTRIBUTION, OSM_TILES_URL
from app.core.security_headers import allow_framing_by_this_site, csp_nonce
from app.core.time_text import wall_time

LEAFLET_URL = "/static/leaflet"
JQUERY_URL = "/static/jquery"
LEAFLET_JS = (("leaflet", f"{LEAFLET_URL}/leaflet.js"),)
JQUERY_JS = (("jquery", f"{JQUERY_URL}/jquery.min.js"),)
LEAFLET_CSS = (("leaflet_css", f"{LEAFLET_URL}/leaflet.css"),)
TERRITORY_JS = (("fieldroute_territories", "/static/js/territory-map.js"),)
TERRITORY_CSS = (("fieldroute_territories_css", "/static/css/territory-map.css"),)

UNASSIGNED_COLOR = "#8c8c8c"
MIXED_COLOR = "#57606a"
"""A point whose accounts belong to different reps."""
MIN_RADIUS_PX = 2.5
MAX_RADIUS_PX = 12.0
COORD_DECIMALS = 5
"""About a metre: enough for a map, and it keeps the embedded data short."""


class LatLon(Protocol):
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...


class RepOnMap(Protocol):
    @property
    def rep_id(self) -> int: ...
    @property
    def rep(self) -> str: ...
    @property
    def color(self) -> str: ...
    @property
    def home(self) -> LatLon | None: ...


class AccountOnMap(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...
    @property
    def value(self) -> float: ...
    @property
    def rep_id(self) -> int | None: ...
    @property
    def locked(self) -> bool: ...


class TerritoryOverviewLike(Protocol):
    """What `territory_map` reads of a `TerritoryOverview` (see the territory API contract)."""

    @property
    def reps(self) -> Sequence[RepOnMap]: ...
    @property
    def accounts(self) -> Sequence[AccountOnMap]: ...


class MoveOnMap(Protocol):
    @property
    def account_id(self) -> int: ...
    @property
    def account(self) -> str: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...
    @property
    def value(self) -> float: ...
    @property
    def from_rep_id(self) -> int | None: ...
    @property
    def to_rep_id(self) -> int | None: ...


class ProposalLike(Protocol):
    """What `territory_map` reads of a territory proposal: its moves."""

    @property
    def moves(self) -> Sequence[MoveOnMap]: ...


@dataclass(frozen=True, slots=True)
class _Account:
    lat: float
    lon: float
    value: float
    name: str
    rep_id: int | None
    locked: bool
    moved_from: int | None = None
    moved: bool = False


_INLINE_TAG = re.compile(r"<(script|style)(?=[\s>])")


def map_page(m: folium.Map) -> str:
    """The map as a whole HTML page for this site's iframes: framable by this site only, and
    folium's inline `<script>`/`<style>` blocks stamped with the response's CSP nonce.

    Stamping every tag is safe because every tag is folium's or ours: the data reaches the page
    through `tojson`, which writes `<` as `\\u003c`, so no stored text can open a tag."""
    allow_framing_by_this_site()
    nonce = csp_nonce()
    html = m.get_root().render()
    if not nonce:
        return html
    return _INLINE_TAG.sub(lambda tag: f'<{tag.group(1)} nonce="{nonce}"', html)


def offline_map(
    *,
    tiles_url: str = OSM_TILES_URL,
    tiles_attribution: str = OSM_ATTRIBUTION,
    with_jquery: bool = False,
) -> folium.Map:
    """An empty folium map whose scripts and styles all come from this app.

    `tiles_url` is a Leaflet URL template; empty means no tile layer at all. jQuery is only
    needed by folium's popups, so it is left out unless `with_jquery`.
    """
    # Quarter zoom steps let fitBounds fill the frame instead of jumping a whole level.
    m = folium.Map(
        location=None, tiles=None, control_scale=True, prefer_canvas=False, zoom_snap=0.25
    )
    m.default_js = list(LEAFLET_JS + (JQUERY_JS if with_jquery else ()))
    m.default_css = list(LEAFLET_CSS)
    if tiles_url:
        folium.TileLayer(
            tiles=tiles_url, attr=tiles_attribution, name="tiles", max_zoom=19, control=False
        ).add_to(m)
    return m


def territory_map(
    overview: TerritoryOverviewLike,
    proposal: ProposalLike | None = None,
    *,
    tiles_url: str = OSM_TILES_URL,
    tiles_attribution: str = OSM_ATTRIBUTION,
) -> folium.Map:
    """A team's territories: one colour per rep, each rep's home as a lettered square, each
    placed account as a circle whose area grows with its value (radius ~ sqrt(value), 2.5 to
    12 px), several accounts at one point as one marker that lists them, each territory's
    convex hull, and a legend.

    With a `proposal`, accounts are drawn where the proposal puts them; moved ones get a black
    ring and a dashed line to their new rep's home, and their tooltip names both reps.
    """
    reps = list(overview.reps)
    index_of_rep = {rep.rep_id: i for i, rep in enumerate(reps)}
    accounts = _accounts_after(overview, proposal)
    max_value = max((a.value for a in accounts), default=0.0)

    rows: list[list[Any]] = []
    for a in accounts:
        flags = (1 if a.moved else 0) | (2 if a.locked else 0)
        rows.append(
            [
                round(a.lat, COORD_DECIMALS),
                round(a.lon, COORD_DECIMALS),
                _radius_px(a.value, max_value),
                index_of_rep.get(a.rep_id, -1) if a.rep_id is not None else -1,
                a.name,
                round(a.value),
                flags,
                index_of_rep.get(a.moved_from, -1) if a.moved_from is not None else -1,
            ]
        )
    counts = [0] * len(reps)
    for row in rows:
        if row[3] >= 0:
            counts[row[3]] += 1
    homes = [_point(rep.home) for rep in reps]
    hulls = [(i, convex_hull([(r[0], r[1]) for r in rows if r[3] == i])) for i in range(len(reps))]
    data = {
        "reps": [
            {
                "name": rep.rep,
                "color": rep.color or UNASSIGNED_COLOR,
                "initials": _initials(rep.rep),
                "home": homes[i],
                "accounts": counts[i],
            }
            for i, rep in enumerate(reps)
        ],
        "accounts": rows,
        # Accounts placed only to a postcode's centre share its point: one marker for each
        # such point, "3 accounts here", instead of circles stacked out of sight.
        "groups": [group for group in same_point_groups(rows) if len(group) > 1],
        "hulls": [[i, hull] for i, hull in hulls if len(hull) >= 3],
        "unassigned": sum(1 for row in rows if row[3] < 0),
        "proposal": proposal is not None,
        "unassigned_color": UNASSIGNED_COLOR,
        "mixed_color": MIXED_COLOR,
    }
    m = offline_map(tiles_url=tiles_url, tiles_attribution=tiles_attribution)
    m.default_js = [*m.default_js, *TERRITORY_JS]
    m.default_css = [*m.default_css, *TERRITORY_CSS]
    _TerritoryLayer(data).add_to(m)
    bounds = _bounds([(r[0], r[1]) for r in rows] + [h for h in homes if h is not None])
    if bounds is not None:
        m.fit_bounds(bounds, padding=(20, 20), max_zoom=14)
    return m


def _accounts_after(
    overview: TerritoryOverviewLike, proposal: ProposalLike | None
) -> list[_Account]:
    """The overview's placed accounts, reassigned as the proposal would leave them."""
    moves = {move.account_id: move for move in proposal.moves} if proposal else {}
    accounts: list[_Account] = []
    for a in overview.accounts:
        move = moves.pop(a.id, None)
        if move is None:
            accounts.append(_Account(a.lat, a.lon, a.value, a.name, a.rep_id, a.locked))
        else:
            accounts.append(
                _Account(
                    a.lat, a.lon, a.value, a.name, move.to_rep_id, a.locked, move.from_rep_id, True
                )
            )
    # A moved account the overview no longer lists (it changed since the proposal) is still
    # shown where the proposal says, so the map matches the proposal's move list.
    for move in moves.values():
        accounts.append(
            _Account(
                move.lat,
                move.lon,
                move.value,
                move.account,
                move.to_rep_id,
                False,
                move.from_rep_id,
                True,
            )
        )
    return accounts


def _radius_px(value: float, max_value: float) -> float:
    """Circle radius in pixels: area proportional to value (sqrt scale)."""
    if max_value <= 0 or value <= 0:
        return MIN_RADIUS_PX
    share = math.sqrt(min(value, max_value) / max_value)
    return round(MIN_RADIUS_PX + (MAX_RADIUS_PX - MIN_RADIUS_PX) * share, 1)


def _initials(name: str) -> str:
    """`Ana Ruiz` -> `AR`; `North Rep 1` -> `N1` (first and last word, so reps differ)."""
    parts = name.split()
    if not parts:
        return "?"
    letters = parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")
    return letters.upper()


def _point(home: LatLon | None) -> list[float] | None:
    if home is None:
        return None
    return [round(home.lat, COORD_DECIMALS), round(home.lon, COORD_DECIMALS)]


def _bounds(points: Sequence[Sequence[float]]) -> list[list[float]] | None:
    if not points:
        return None
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def convex_hull(points: Sequence[tuple[float, float]]) -> list[list[float]]:
    """The convex hull of (lat, lon) points, counter-clockwise in (lon, lat), without
    repeating the first point (Andrew's monotone chain); fewer than 3 points come back as is."""
    unique = sorted({(lon, lat) for lat, lon in points})
    if len(unique) < 3:
        return [[lat, lon] for lon, lat in unique]

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for p in unique:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(unique):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return [[lat, lon] for lon, lat in lower[:-1] + upper[:-1]]


class _TerritoryLayer(MacroElement):
    """Hands a territory map's data (see `territory_map`) to `static/js/territory-map.js`."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
fieldrouteTerritories({{ this._parent.get_name() }}, {{ this.data|tojson }});
{% endmacro %}
"""
    )

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "TerritoryLayer"
        self.data = data


class PlaceOnMap(Protocol):
    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...


class StopOnMap(PlaceOnMap, Protocol):
    """One stop of a route, as `route_map` reads it (a `PlanStop` is one)."""

    @property
    def name(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def arrival(self) -> datetime: ...


class RouteLike(Protocol):
    """What `route_map` reads of a rep's day plan (a `PlanRead` is one)."""

    @property
    def time_zone(self) -> str: ...
    @property
    def start(self) -> PlaceOnMap: ...
    @property
    def end(self) -> PlaceOnMap | None: ...
    @property
    def stops(self) -> Sequence[StopOnMap]: ...
    @property
    def geometry(self) -> Sequence[Sequence[float]] | None: ...


ROUTE_STATES = frozenset({"planned", "booked", "arrived", "done", "skipped", "cancelled"})
SAME_PLACE_DEGREES = 1e-4
"""About 10 m: a route that starts this close to home starts at home (no separate marker)."""


def route_map(
    route: RouteLike,
    home: tuple[float, float] | None = None,
    *,
    tiles_url: str = OSM_TILES_URL,
    tiles_attribution: str = OSM_ATTRIBUTION,
) -> folium.Map:
    """A rep's day: the stops as numbered markers (1..n in route order; done, skipped and
    cancelled ones greyed), the route line start -> stops -> end, the rep's `home` (lat, lon)
    as a house marker, a start marker when the route starts elsewhere (a re-plan from the
    road), all fitted in view.

    The line follows the roads when the plan kept the engine's geometry; otherwise it is
    straight legs between the stops, and a note on the map says so.
    """
    clock = ZoneInfo(route.time_zone)
    stops: list[list[Any]] = [
        [
            round(stop.latitude, COORD_DECIMALS),
            round(stop.longitude, COORD_DECIMALS),
            number,
            stop.state if stop.state in ROUTE_STATES else "planned",
            stop.name,
            wall_time(stop.arrival, clock),
        ]
        for number, stop in enumerate(route.stops, start=1)
    ]
    start = _place(route.start)
    end = _place(route.end) if route.end is not None else None
    legs: list[list[float]] = [start, *([s[0], s[1]] for s in stops)]
    if end is not None:
        legs.append(end)
    roads = [
        [round(lat, COORD_DECIMALS), round(lon, COORD_DECIMALS)]
        for lat, lon in (route.geometry or ())
    ]
    on_roads = len(roads) >= 2 and bool(stops)
    line = roads if on_roads else legs
    home_point = [round(home[0], COORD_DECIMALS), round(home[1], COORD_DECIMALS)] if home else None
    data = {
        "stops": stops,
        "groups": same_point_groups(stops),
        "line": line,
        "roads": on_roads,
        "home": home_point,
        "start": None if _same_place(start, home_point) else start,
    }
    m = offline_map(tiles_url=tiles_url, tiles_attribution=tiles_attribution)
    _RouteLayer(data).add_to(m)
    bounds = _bounds(legs + line + ([home_point] if home_point is not None else []))
    if bounds is not None:
        m.fit_bounds(bounds, padding=(24, 24), max_zoom=15)
    return m


def same_point_groups(stops: Sequence[Sequence[Any]]) -> list[list[int]]:
    """Indices of the rows ([lat, lon, ...]: a route's stops, a map's accounts) that share one
    point, in order, one list per point: several accounts placed at one postcode's centre
    would otherwise stack as markers hiding each other, so each point gets one marker that
    lists them."""
    groups: dict[tuple[float, float], list[int]] = {}
    for index, stop in enumerate(stops):
        groups.setdefault((stop[0], stop[1]), []).append(index)
    return list(groups.values())


def _place(place: PlaceOnMap) -> list[float]:
    return [round(place.latitude, COORD_DECIMALS), round(place.longitude, COORD_DECIMALS)]


def _same_place(a: Sequence[float], b: Sequence[float] | None) -> bool:
    return (
        b is not None
        and abs(a[0] - b[0]) < SAME_PLACE_DEGREES
        and abs(a[1] - b[1]) < SAME_PLACE_DEGREES
    )


class _RouteLayer(MacroElement):
    """Draws a route map's data (see `route_map`): a dozen markers need no cached script, so
    the few lines live here. Names reach the page only as text nodes and `title`s."""

    _template = Template(
        """
{% macro header(this, kwargs) %}
<style>
.fr-stop { border-radius: 50%; background: #1f6feb; color: #fff; border: 2px solid #fff;
  font: 700 13px/24px system-ui, sans-serif; text-align: center; box-shadow: 0 1px 3px #0008; }
.fr-stop.fr-arrived { background: #9a6700; }
.fr-stop.fr-done { background: #1a7f37; }
.fr-stop.fr-group { line-height: 28px; font-size: 12px; }
.fr-group-list { margin: 4px 0 0; padding-left: 1.6em; font: 13px/1.4 system-ui, sans-serif; }
.fr-stop.fr-skipped, .fr-stop.fr-cancelled { background: #8c959f; text-decoration: line-through; }
.fr-home, .fr-start { border-radius: 4px; background: #24292f; color: #fff; border: 2px solid #fff;
  font: 700 12px/22px system-ui, sans-serif; text-align: center; box-shadow: 0 1px 3px #0008; }
.fr-start { border-radius: 50%; background: #cf222e; }
.fr-line-note { background: #fffc; padding: 2px 6px; border-radius: 4px;
  font: 12px/1.4 system-ui, sans-serif; color: #24292f; }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
(function (map, d) {
  L.polyline(d.line, {color: "#1f6feb", weight: 4, opacity: 0.7, interactive: false,
    className: d.roads ? "fr-route fr-roads" : "fr-route fr-straight",
    dashArray: d.roads ? null : "6 6"}).addTo(map);
  if (!d.roads && d.stops.length) {
    var note = L.control({position: "bottomleft"});
    note.onAdd = function () {
      var box = L.DomUtil.create("div", "fr-line-note");
      box.textContent = "Straight lines: no road geometry";
      return box;
    };
    note.addTo(map);
  }
  var pin = function (at, cls, text, title, size, z) {
    var icon = L.divIcon({className: cls, iconSize: [size, size], html: "<span></span>"});
    var marker = L.marker(at, {icon: icon, title: title, zIndexOffset: z}).addTo(map);
    marker.getElement().firstChild.textContent = text;
    return marker;
  };
  if (d.home) { pin(d.home, "fr-home", "H", "Home", 26, 0); }
  if (d.start) { pin(d.start, "fr-start", "S", "Start", 26, 0); }
  var line = function (s) { return s[2] + ". " + s[4] + " \u00b7 " + s[5]; };
  d.groups.forEach(function (group) {
    var s = d.stops[group[0]];
    if (group.length === 1) {
      var marker = pin([s[0], s[1]], "fr-stop fr-" + s[3], String(s[2]), line(s), 28,
        1000 - s[2]);
      marker.on("click", function () {
        if (window.parent !== window) {
          window.parent.postMessage({fieldrouteStop: s[2]}, window.location.origin);
        }
      });
      return;
    }
    // Several stops at one point: one marker, "3 stops here", each listed in its popup.
    var all = group.map(function (i) { return d.stops[i]; });
    var open = all.filter(function (t) { return t[3] !== "done" && t[3] !== "skipped"
      && t[3] !== "cancelled"; });
    var heading = group.length + " stops here";
    var many = pin([s[0], s[1]], "fr-stop fr-group fr-" + (open.length ? open[0][3] : s[3]),
      String(group.length) + "\u00d7", heading + ": " + all.map(line).join("; "), 32,
      1000 - s[2]);
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = heading;
    box.appendChild(title);
    var list = document.createElement("ol");
    list.className = "fr-group-list";
    all.forEach(function (t) {
      var item = document.createElement("li");
      item.value = t[2];
      item.textContent = t[4] + " \u00b7 " + t[5];
      list.appendChild(item);
    });
    box.appendChild(list);
    many.bindPopup(box);
  });
})({{ this._parent.get_name() }}, {{ this.data|tojson }});
{% endmacro %}
"""
    )

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "RouteLayer"
        self.data = data
