"""The HTML of the manager page: plain strings, every user-supplied text escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Protocol
from urllib.parse import urlencode

from app.maps import RepOnMap

SHELL = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Fieldroute</title>
<link rel="stylesheet" href="/static/css/app.css">
</head>
<body>
<header class="bar">
<strong class="brand">Fieldroute</strong> <span class="where">{title}</span>
{nav}
<form class="signout" method="post" action="/logout">
<span>{who}</span> <button type="submit">Sign out</button></form>
</header>
{body}
</body></html>"""

MANAGER_BODY = """<main class="manager">
<section class="map-panel" aria-label="Territory map">
<iframe id="map" title="Territory map of {team}" src="{map_src}" data-base-src="{map_base}">
</iframe>
</section>
<section class="side">
<h2>Reps of {team}</h2>
<p><a href="/manager/plans?team_id={team_id}">This week's plans</a></p>
{rep_table}
<p class="note">{unassigned}</p>
<h2>Rebalance</h2>
<form id="rebalance" data-team-id="{team_id}">
<label>Workload tolerance (%)
<input name="tolerance" type="number" min="1" max="100" step="0.5" value="5" required></label>
<label>Keep accounts where they are (move weight)
<input name="move_weight" type="number" min="0" max="100" step="0.1" value="1" required></label>
<label>Time limit (s)
<input name="time_limit" type="number" min="1" max="{max_time}" step="1" value="{time_limit}"
 required></label>
<fieldset><legend>Reps to remove</legend>{remove_boxes}</fieldset>
<button type="submit">Propose a rebalance</button>
<p id="rebalance-status" class="status" role="status"></p>
</form>
<div id="proposal" hidden></div>
</section>
<footer class="attribution">Place data: ZIP centroids and places from GeoNames (CC BY 4.0)
via the zipcodes package; map tiles as credited on the map.</footer>
</main>
<script src="/static/js/manager.js" defer></script>"""

TEAM_PICKER = """<form class="team-picker" method="get" action="{action}">
<label>Team <select name="team_id">{options}</select></label>
<noscript><button type="submit">Show</button></noscript></form>"""

MESSAGE_BODY = """<main class="message"><h1>{heading}</h1><p>{text}</p></main>"""

WARN_DEVIATION = 0.10
"""Workloads further than this from target are highlighted in the table."""


class RepFigures(RepOnMap, Protocol):
    """One rep's row of a `TerritoryOverview` (see the territory API contract)."""

    @property
    def accounts(self) -> int: ...
    @property
    def value(self) -> float: ...
    @property
    def workload_hours(self) -> float: ...
    @property
    def target_hours(self) -> float: ...
    @property
    def deviation(self) -> float: ...
    @property
    def drive_km_week(self) -> float: ...
    @property
    def drive_hours_week(self) -> float: ...
    @property
    def mean_km_from_home(self) -> float | None: ...


class TeamChoice(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...


def page(title: str, who: str, body: str, nav: str = "") -> str:
    """A whole page: the bar (title, team picker, sign-out) and `body` (already HTML)."""
    return SHELL.format(title=escape(title), who=escape(who), nav=nav, body=body)


def message(heading: str, text: str) -> str:
    return MESSAGE_BODY.format(heading=escape(heading), text=escape(text))


def team_picker(teams: Sequence[TeamChoice], current: int, action: str = "/manager") -> str:
    """A team selector, or nothing when there is only one team to choose."""
    if len(teams) < 2:
        return ""
    options = "".join(
        f'<option value="{t.id}"{" selected" if t.id == current else ""}>{escape(t.name)}</option>'
        for t in teams
    )
    return TEAM_PICKER.format(options=options, action=escape(action))


def map_url(team_id: int, proposal_id: int | None = None) -> str:
    query: dict[str, int] = {"team_id": team_id}
    if proposal_id is not None:
        query["proposal_id"] = proposal_id
    return "/manager/map?" + urlencode(query)


def manager_body(
    *,
    team_id: int,
    team: str,
    reps: Sequence[RepFigures],
    unassigned_accounts: int,
    max_time_limit_s: float,
) -> str:
    """The map, the reps' figures and the rebalance form of one team."""
    max_time = max(1, int(max_time_limit_s))
    unassigned = (
        f"{unassigned_accounts:,} placed accounts are in no rep's territory."
        if unassigned_accounts
        else "Every placed account is in a rep's territory."
    )
    return MANAGER_BODY.format(
        team=escape(team),
        team_id=team_id,
        map_src=escape(map_url(team_id)),
        map_base=escape(map_url(team_id)),
        rep_table=rep_table(reps),
        unassigned=unassigned,
        max_time=max_time,
        time_limit=min(10, max_time),
        remove_boxes="".join(
            f'<label class="check"><input type="checkbox" name="remove_rep_ids" '
            f'value="{rep.rep_id}"> {escape(rep.rep)}</label>'
            for rep in reps
        )
        or "<p>No reps.</p>",
    )


def rep_table(reps: Sequence[RepFigures]) -> str:
    """Per rep: accounts, value, workload vs target (deviation), driving a week, mean distance
    from home."""
    head = (
        "<thead><tr><th>Rep</th><th>Accounts</th><th>Value</th><th>Workload / target (h/wk)</th>"
        "<th>Deviation</th><th>Drive / wk</th><th>Mean km from home</th>"
        "</tr></thead>"
    )
    rows = "".join(_rep_row(rep) for rep in reps)
    return f'<div class="scroll"><table id="reps" class="figures">{head}<tbody>{rows}</tbody></table></div>'


def compact(value: float) -> str:
    """`13_463_200` -> `13.5M`, `850_000` -> `850k`, `999` -> `999`: short enough for a table."""
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            scaled = value / limit
            return f"{scaled:.{0 if abs(scaled) >= 100 else 1}f}{suffix}"
    return f"{value:.0f}"


def _rep_row(rep: RepFigures) -> str:
    warn = ' class="warn"' if abs(rep.deviation) > WARN_DEVIATION else ""
    mean_km = "-" if rep.mean_km_from_home is None else f"{rep.mean_km_from_home:,.1f}"
    return (
        f'<tr data-rep-id="{rep.rep_id}">'
        f'<th scope="row"><i class="swatch" style="background:{escape(rep.color)}"></i>'
        f"{escape(rep.rep)}</th>"
        f'<td>{rep.accounts:,}</td><td title="{rep.value:,.0f}">{compact(rep.value)}</td>'
        f"<td>{rep.workload_hours:,.1f} / {rep.target_hours:,.1f}</td>"
        f"<td{warn}>{rep.deviation:+.1%}</td>"
        f"<td>{rep.drive_km_week:,.0f} km, {rep.drive_hours_week:,.1f} h</td>"
        f"<td>{mean_km}</td></tr>"
    )
