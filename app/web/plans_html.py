"""The HTML of the manager's week of plans (`/manager/plans`): a rep x day grid."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from html import escape
from urllib.parse import urlencode

from app.schemas.plans import PlanSummary

WEEK_BODY = """<main class="plans">
<nav class="week-nav" aria-label="Weeks">
<a href="{previous}">&larr; Previous week</a>
<strong>Week of {start:%a %d %b %Y}</strong>
<a href="{following}">Next week &rarr;</a>
<a href="/manager?team_id={team_id}">Territories</a>
</nav>
<form id="plan-week" data-team-id="{team_id}" data-start="{start:%Y-%m-%d}">
<button type="submit">Plan this week for every rep of {team}</button>
<p id="plan-week-status" class="status" role="status"></p>
</form>
<div class="grid-scroll">
<table class="week">
<thead><tr><th scope="col">Rep</th>{day_heads}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
</div>
<p class="note">Each cell is the rep's latest plan for the day: stops (done / skipped),
distance, value net of driving cost, accounts to call instead. Open one to see the route.</p>
</main>
<script src="/static/js/manager-plans.js" defer></script>"""


def week_url(team_id: int, start: date) -> str:
    return "/manager/plans?" + urlencode({"team_id": team_id, "start": start.isoformat()})


def week_body(
    *,
    team_id: int,
    team: str,
    start: date,
    days: int,
    reps: Sequence[tuple[int, str]],
    plans: Sequence[PlanSummary],
) -> str:
    """The grid: one row per rep (`(id, name)`), one column per day from `start`."""
    dates = [start + timedelta(days=i) for i in range(days)]
    by_cell = {(p.rep_id, p.date): p for p in plans}
    day_heads = "".join(f'<th scope="col">{d:%a %d %b}</th>' for d in dates)
    rows = []
    for rep_id, name in reps:
        cells = "".join(_cell(rep_id, day, by_cell.get((rep_id, day))) for day in dates)
        rows.append(f'<tr><th scope="row">{escape(name)}</th>{cells}</tr>')
    return WEEK_BODY.format(
        previous=escape(week_url(team_id, start - timedelta(days=7))),
        following=escape(week_url(team_id, start + timedelta(days=7))),
        start=start,
        team_id=team_id,
        team=escape(team),
        day_heads=day_heads,
        rows="\n".join(rows),
    )


def _cell(rep_id: int, day: date, plan: PlanSummary | None) -> str:
    if plan is None:
        return '<td class="empty">-</td>'
    link = "/rep?" + urlencode({"rep_id": rep_id, "date": day.isoformat()})
    totals = plan.totals
    progress = f" ({plan.done} done" + (f", {plan.skipped} skipped)" if plan.skipped else ")")
    return (
        f'<td><a href="{escape(link)}">{totals.stops} stops'
        f"{progress if plan.done or plan.skipped else ''}</a>"
        f"<br>{totals.distance_km:,.0f} km · net {totals.net:,.0f}"
        f"<br>{plan.call_instead} to call · v{plan.version}</td>"
    )
