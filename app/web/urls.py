"""The pages' own URLs, built in one place (the templates call these)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode


def rep_url(rep_id: int | None, day: date | None) -> str:
    """`/rep` for a day (None: the rep's today); with `rep_id` for a manager's view (a rep's
    own page needs none)."""
    query: dict[str, str | int] = {}
    if day is not None:
        query["date"] = day.isoformat()
    if rep_id is not None:
        query["rep_id"] = rep_id
    return "/rep?" + urlencode(query) if query else "/rep"


def rep_map_url(rep_id: int, day: date, version: int) -> str:
    return "/rep/map?" + urlencode({"rep_id": rep_id, "date": day.isoformat(), "version": version})


def plan_cell_url(rep_id: int, day: date) -> str:
    """A rep's day from the manager's week grid."""
    return "/rep?" + urlencode({"rep_id": rep_id, "date": day.isoformat()})


def manager_map_url(team_id: int, proposal_id: int | None = None) -> str:
    query: dict[str, int] = {"team_id": team_id}
    if proposal_id is not None:
        query["proposal_id"] = proposal_id
    return "/manager/map?" + urlencode(query)


def week_url(team_id: int, start: date) -> str:
    return manager_url("/manager/plans", team_id, start)


def manager_url(path: str, team_id: int, start: date | None = None) -> str:
    """One of the manager's pages (`path`) for a team, and a week when `start` is given."""
    query: dict[str, str | int] = {"team_id": team_id}
    if start is not None:
        query["start"] = start.isoformat()
    return path + "?" + urlencode(query)


def report_url(team_id: int, first: date, last: date, *, csv: bool = False) -> str:
    """The weekly report of a team from the week of `first` to that of `last`: the page, or
    the API's CSV (`csv`)."""
    path = "/api/v1/reports/weekly.csv" if csv else "/manager/reports"
    query = {"team_id": team_id, "from": first.isoformat(), "to": last.isoformat()}
    return path + "?" + urlencode(query)


def plans_api_url(rep_id: int) -> str:
    """Where the page's script posts to plan a rep's day."""
    return f"/api/v1/reps/{rep_id}/plans"


def refresh_api_url(rep_id: int) -> str:
    """Where the page's script posts to plan the rest of a rep's week together."""
    return f"/api/v1/reps/{rep_id}/plans/refresh"


def replan_api_url(rep_id: int, day: date) -> str:
    return f"/api/v1/reps/{rep_id}/plans/{day.isoformat()}/replan"


def export_url(rep_id: int, day: date, name: str) -> str:
    return f"/api/v1/reps/{rep_id}/plans/{day.isoformat()}/{name}"


def account_url(account_id: int, rep_id: int | None = None) -> str:
    """An account on the phone; with `rep_id` for a manager's view (a rep's own needs none)."""
    path = f"/rep/accounts/{account_id}"
    return path + "?" + urlencode({"rep_id": rep_id}) if rep_id is not None else path


def near_url(rep_id: int | None = None) -> str:
    return "/rep/near?" + urlencode({"rep_id": rep_id}) if rep_id is not None else "/rep/near"


def inside_url(rep_id: int | None, day: date | None = None, offset: int = 0) -> str:
    """`/inside` for a day (None: today) and a page of the queue; with `rep_id` for a manager's
    view (an inside rep's own page needs none)."""
    query: dict[str, str | int] = {}
    if day is not None:
        query["date"] = day.isoformat()
    if rep_id is not None:
        query["rep_id"] = rep_id
    if offset:
        query["offset"] = offset
    return "/inside?" + urlencode(query) if query else "/inside"
