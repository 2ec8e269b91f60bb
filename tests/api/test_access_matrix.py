"""Who may do what: every route under /api/v1, called by every role against North's and South's
objects, answers exactly the status in the table below.

A route the app has and the table lacks fails the test, so a new route cannot ship without
deciding who may call it. Out of scope is 404 (ids do not leak); what a role may never do is 403.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.tokens import hash_token, issue_token
from app.core.clock import FixedClock, using
from app.core.config import Role
from app.core.db import make_session_factory
from app.main import create_app
from app.models import (
    Account,
    ApiToken,
    ImportJob,
    Job,
    Rep,
    RoutePlan,
    StopPin,
    TerritoryProposal,
    User,
    Visit,
)
from tests.apps import app_settings, empty_database
from tests.backends import BACKENDS
from tests.moments import NOW, TODAY_UTC
from tests.seed import World, seed_world

ROLES = ("admin", "manager_north", "manager_south", "rep_north_1", "inside_north", "none")
TARGETS = ("north", "south")
PREFIX = "/api/v1"


@dataclass
class Context:
    world: World
    session: Session
    serial: Iterator[int] = field(default_factory=itertools.count)

    def team(self, target: str) -> int:
        return self.world.team_ids[target.title()]

    def unique(self) -> int:
        return next(self.serial)

    def add(self, row: Any) -> int:
        self.session.add(row)
        self.session.commit()
        row_id: int = row.id
        return row_id


@dataclass(frozen=True)
class Probe:
    path: str
    body: Any = None
    files: dict[str, tuple[str, bytes, str]] | None = None
    form: dict[str, str] | None = None


# Each maker builds the request for one target; objects a request destroys are made fresh.
Maker = Callable[[Context, str], Probe]


def account(ctx: Context, target: str) -> str:
    return f"/accounts/{ctx.world.account_ids[f'rep_{target}_1-acc-1']}"


def rep(ctx: Context, target: str) -> str:
    return f"/reps/{ctx.world.rep_ids[f'rep_{target}_1']}"


def user(ctx: Context, target: str) -> str:
    return f"/users/{ctx.world.user_ids[f'rep_{target}_1']}"


def fresh_account(ctx: Context, target: str) -> str:
    territory = ctx.world.territory_ids[f"rep_{target}_1"]
    made = Account(name=f"Fresh {ctx.unique()}", team_id=ctx.team(target), territory_id=territory)
    return f"/accounts/{ctx.add(made)}"


def fresh_rep(ctx: Context, target: str) -> Rep:
    n = ctx.unique()
    return Rep(
        name=f"Fresh {n}",
        email=f"fresh{n}@example.com",
        team_id=ctx.team(target),
        home_latitude=41.9,
        home_longitude=-87.7,
    )


def fresh_rep_user(ctx: Context, target: str) -> str:
    made = User(
        email=f"fresh{ctx.unique()}@example.com",
        name="Fresh",
        role=Role.REP,
        rep=fresh_rep(ctx, target),
    )
    return f"/users/{ctx.add(made)}"


def fresh_token(ctx: Context, target: str) -> str:
    owner = ctx.session.get(User, ctx.world.user_ids[f"rep_{target}_1"])
    assert owner is not None
    value = issue_token(ctx.session, owner, name="fresh")
    token_id = ctx.session.scalar(
        select(ApiToken.id).where(ApiToken.token_hash == hash_token(value))
    )
    ctx.session.commit()
    return f"{user(ctx, target)}/tokens/{token_id}"


def new_import(ctx: Context, target: str) -> Probe:
    csv = b"external_id,name,city\nimp-1,Imported,Chicago\n"
    return Probe(
        "/imports/accounts",
        files={"file": ("accounts.csv", csv, "text/csv")},
        form={"dry_run": "true", "team_id": str(ctx.team(target))},
    )


def import_job(ctx: Context, target: str) -> str:
    creator = ctx.world.user_ids[f"manager_{target}"]
    return f"/imports/{ctx.add(ImportJob(created_by_id=creator, team_id=ctx.team(target)))}"


def job(ctx: Context, target: str) -> str:
    """A queued job of the team, made by the admin: managers see it through their team."""
    made = Job(kind="import_accounts", created_by_id=ctx.world.user_ids["admin"],
               team_id=ctx.team(target))  # fmt: skip
    return f"/jobs/{ctx.add(made)}"


def batch_job(ctx: Context, target: str) -> int:
    """A batch of the team with no reps left to plan, made by the admin."""
    made = Job(kind="plan_batch", state="succeeded", created_by_id=ctx.world.user_ids["admin"],
               team_id=ctx.team(target))  # fmt: skip
    return ctx.add(made)


def new_account(ctx: Context, target: str) -> Probe:
    body = {
        "name": f"New {ctx.unique()}",
        "team_id": ctx.team(target),
        "latitude": 1,
        "longitude": 1,
    }
    return Probe("/accounts", body)


def new_rep(ctx: Context, target: str) -> Probe:
    n = ctx.unique()
    body = {"name": "New", "email": f"new{n}@example.com", "team_id": ctx.team(target)}
    return Probe("/reps", {**body, "home_latitude": 1, "home_longitude": 1})


def new_user(ctx: Context, target: str) -> Probe:
    body = {"name": "New", "email": f"new{ctx.unique()}@example.com", "role": "manager"}
    return Probe("/users", {**body, "team_ids": [ctx.team(target)]})


def proposal(ctx: Context, target: str) -> str:
    made = TerritoryProposal(
        team_id=ctx.team(target),
        base_fingerprint="-",
        params={"team_id": ctx.team(target)},
        result={
            "balance": {"requested_tolerance": 0.05, "achieved_tolerance": 0.0, "met": True,
                        "max_deviation_before": 0.0},
            "reps": [], "moves": [], "total_accounts": 0,
            "solver": {"status": "OPTIMAL", "seconds": 0.0},
        },
    )  # fmt: skip
    return f"/territories/proposals/{ctx.add(made)}"


def new_proposal(ctx: Context, target: str) -> Probe:
    return Probe("/territories/proposals", {"team_id": ctx.team(target), "time_limit_s": 1})


def visit_for(ctx: Context, target: str) -> dict[str, int]:
    """The rep of `target` and an account of their territory, as a request body's ids."""
    return {
        "rep_id": ctx.world.rep_ids[f"rep_{target}_1"],
        "account_id": ctx.world.account_ids[f"rep_{target}_1-acc-1"],
    }


def visit(ctx: Context, target: str) -> str:
    made = Visit(**visit_for(ctx, target), visit_date=TODAY_UTC, status="done")
    return f"/visits/{ctx.add(made)}"


def appointment(ctx: Context, target: str) -> str:
    starts_at = datetime(2100, 1, 1, tzinfo=UTC) + timedelta(hours=ctx.unique())
    made = Visit(
        **visit_for(ctx, target),
        visit_date=starts_at.date(),
        status="booked",
        planned_start_at=starts_at,
        duration_minutes=30,
    )
    return f"/appointments/{ctx.add(made)}"


def new_appointment(ctx: Context, target: str) -> Probe:
    # A later hour each time: the same hour twice would be a 409 for the overlap.
    starts_at = datetime(2100, 1, 1, tzinfo=UTC) + timedelta(hours=ctx.unique())
    return Probe("/appointments", {**visit_for(ctx, target), "starts_at": starts_at.isoformat()})


def new_slot_booking(ctx: Context, target: str) -> Probe:
    """A slot to book on a weekday of its own from 2030-01-14 (each booking plans its day)."""
    n = ctx.unique()
    day = date(2030, 1, 14) + timedelta(days=n // 5 * 7 + n % 5)
    body = {**visit_for(ctx, target), "starts_at": f"{day}T10:00:00", "duration_minutes": 30}
    return Probe("/appointments/slots/book", body)


PLAN_DAY = date(2030, 1, 7)
"""A Monday far ahead: plannable whenever the tests run."""
STORED_DAY = date(2030, 1, 8)
"""The day of the plans written directly (no probe plans it, so versions cannot collide)."""


def stored_plan(ctx: Context, target: str) -> str:
    """A plan of rep_{target}_1 for PLAN_DAY, written directly: reads need no solve."""
    rep_id = ctx.world.rep_ids[f"rep_{target}_1"]
    version = ctx.unique() + 1
    at = {"latitude": 42.0, "longitude": -87.8, "at": "2030-01-08T08:00:00+00:00"}
    totals = {"stops": 0, "distance_km": 0, "travel_minutes": 0, "prize": 0, "cost": 0,
              "net": 0, "solve_time_s": 0, "start": at, "end": None, "breaks": []}  # fmt: skip
    ctx.add(
        RoutePlan(rep_id=rep_id, plan_date=STORED_DAY, version=version, stops=[], left_out=[],
                  totals=totals)
    )  # fmt: skip
    return f"/reps/{rep_id}/plans/{STORED_DAY}?version={version}"


def plan_export(name: str) -> Maker:
    def make(ctx: Context, target: str) -> Probe:
        path, query = stored_plan(ctx, target).split("?")
        return Probe(f"{path}/{name}?{query}")

    return make


def new_plan(ctx: Context, target: str) -> Probe:
    return Probe(f"{rep(ctx, target)}/plans", {"date": str(PLAN_DAY), "time_limit": 0.2})


def stop_path(ctx: Context, target: str) -> str:
    account_id = ctx.world.account_ids[f"rep_{target}_1-acc-1"]
    return f"{rep(ctx, target)}/plans/{PLAN_DAY}/stops/{account_id}"


def pinned_stop(ctx: Context, target: str) -> Probe:
    """A pin to delete (made again for each caller: one that was refused leaves it)."""
    rep_id = ctx.world.rep_ids[f"rep_{target}_1"]
    account_id = ctx.world.account_ids[f"rep_{target}_1-acc-1"]
    held = ctx.session.scalars(
        select(StopPin).where(StopPin.rep_id == rep_id, StopPin.account_id == account_id)
    ).first()
    if held is None:
        pin = StopPin(
            rep_id=rep_id, account_id=account_id, plan_date=PLAN_DAY, rule="required", source="pin"
        )
        ctx.add(pin)
    return Probe(f"{stop_path(ctx, target)}/pin")


OPTIMIZE = {
    "vehicles": [{"id": "v", "start": {"lat": 0.1, "lon": 0.1}, "shift": [0, 3600]}],
    "stops": [],
}


def codes(
    admin: str, north: str, south: str, rep_north_1: str, inside_north: str
) -> dict[str, tuple[int, int]]:
    """Statuses for (North's object, South's object) per role; "200/404" reads North, South.
    `inside_north` supports rep_north_1: it reads what North's objects are theirs (rep_north_1's),
    logs its own touches, and plans, visits or books nothing (403)."""
    rows = {"admin": admin, "manager_north": north, "manager_south": south}
    rows |= {"rep_north_1": rep_north_1, "inside_north": inside_north, "none": "401/401"}
    return {role: (int(text[:3]), int(text[4:])) for role, text in rows.items()}


ANYONE = codes("200/200", "200/200", "200/200", "200/200", "200/200")
# Routes in a field rep's work (plans, stops, visits, appointments): inside reps never (403).
FIELD_WORK = codes("201/201", "201/404", "404/201", "201/404", "403/403")
SCOPED = codes("200/200", "200/404", "404/200", "200/404", "200/404")
OWN_OR_ADMIN = codes("200/200", "403/404", "404/403", "200/404", "404/404")
CREATE_IN_TEAM = codes("201/201", "201/403", "403/201", "403/403", "403/403")
DELETE_IN_TEAM = codes("204/204", "204/404", "404/204", "403/403", "403/403")

EXPECTED: dict[tuple[str, str], tuple[Maker, dict[str, tuple[int, int]]]] = {
    ("POST", "/reps/{rep_id}/plans"): (new_plan, FIELD_WORK),
    ("GET", "/reps/{rep_id}/plans/{day}"): (lambda ctx, t: Probe(stored_plan(ctx, t)), SCOPED),
    # Only today can be re-planned: for a day ahead, whoever may see the rep gets a 422.
    ("POST", "/reps/{rep_id}/plans/{day}/replan"): (
        lambda ctx, t: Probe(f"{rep(ctx, t)}/plans/{PLAN_DAY}/replan", {}),
        codes("422/422", "422/404", "404/422", "422/404", "403/403"),
    ),
    # The rep's own changes to a day: only days within the look-ahead, so 422 for 2030.
    ("POST", "/reps/{rep_id}/plans/{day}/stops"): (
        lambda ctx, t: Probe(
            f"{rep(ctx, t)}/plans/{PLAN_DAY}/stops",
            {"account_id": ctx.world.account_ids[f"rep_{t}_1-acc-1"]},
        ),
        codes("422/422", "422/404", "404/422", "422/404", "403/403"),
    ),
    ("PUT", "/reps/{rep_id}/plans/{day}/stops/{account_id}/pin"): (
        lambda ctx, t: Probe(f"{stop_path(ctx, t)}/pin"),
        codes("422/422", "422/404", "404/422", "422/404", "403/403"),
    ),
    ("DELETE", "/reps/{rep_id}/plans/{day}/stops/{account_id}/pin"): (
        pinned_stop,
        codes("204/204", "204/404", "404/204", "204/404", "403/403"),
    ),
    ("POST", "/reps/{rep_id}/plans/{day}/stops/{account_id}/move"): (
        lambda ctx, t: Probe(f"{stop_path(ctx, t)}/move", {"to_date": str(PLAN_DAY)}),
        codes("422/422", "422/404", "404/422", "422/404", "403/403"),
    ),
    ("GET", "/reps/{rep_id}/accounts/near"): (
        lambda ctx, t: Probe(f"{rep(ctx, t)}/accounts/near?latitude=42&longitude=-87.8"),
        SCOPED,
    ),
    # The look-ahead of a rep in scope: a week re-planned together (two weeks after PLAN_DAY:
    # STORED_DAY's week takes plans written directly).
    ("POST", "/reps/{rep_id}/plans/refresh"): (
        lambda ctx, t: Probe(
            f"{rep(ctx, t)}/plans/refresh",
            {"from_date": str(PLAN_DAY + timedelta(days=14)), "time_limit": 0.2},
        ),
        codes("200/200", "200/404", "404/200", "200/404", "403/403"),
    ),
    ("GET", "/plans"): (
        lambda ctx, t: Probe(f"/plans?start={PLAN_DAY}&team_id={ctx.team(t)}"),
        ANYONE,
    ),
    # The manager's view of a team: reps read their own day on the phone page instead.
    ("GET", "/plans/actual"): (
        lambda ctx, t: Probe(f"/plans/actual?start={PLAN_DAY}&days=1&team_id={ctx.team(t)}"),
        codes("200/200", "200/404", "404/200", "403/403", "403/403"),
    ),
    ("POST", "/plans/batch"): (
        lambda ctx, t: Probe(
            "/plans/batch", {"date": str(PLAN_DAY), "team_id": ctx.team(t), "time_limit": 0.2}
        ),
        codes("202/202", "202/404", "404/202", "403/403", "403/403"),
    ),
    # A batch of the team (its job made by the admin): managers see it through their team.
    ("GET", "/plans/batch/{job_id}"): (
        lambda ctx, t: Probe(f"/plans/batch/{batch_job(ctx, t)}"),
        codes("200/200", "200/404", "404/200", "403/403", "403/403"),
    ),
    **{
        ("GET", f"/reps/{{rep_id}}/plans/{{day}}/{name}"): (plan_export(name), SCOPED)
        for name in ("export.ics", "export.gpx", "export.csv", "export.geojson", "call-instead.csv")
    },
    ("POST", "/optimize"): (lambda ctx, t: Probe("/optimize", OPTIMIZE), ANYONE),
    ("GET", "/roads"): (lambda ctx, t: Probe("/roads"), ANYONE),
    # Admins only; the probe names no extract in the data directory (422 once admitted).
    ("POST", "/roads/builds"): (
        lambda ctx, t: Probe("/roads/builds", {"extract": "absent.osm.pbf"}),
        codes("422/422", "403/403", "403/403", "403/403", "403/403"),
    ),
    ("GET", "/accounts"): (lambda ctx, t: Probe(f"/accounts?team_id={ctx.team(t)}"), ANYONE),
    ("POST", "/accounts"): (new_account, CREATE_IN_TEAM),
    ("GET", "/accounts/{account_id}"): (lambda ctx, t: Probe(account(ctx, t)), SCOPED),
    ("PATCH", "/accounts/{account_id}"): (
        lambda ctx, t: Probe(account(ctx, t), {"notes": "seen"}),
        SCOPED,
    ),
    ("DELETE", "/accounts/{account_id}"): (
        lambda ctx, t: Probe(fresh_account(ctx, t)),
        DELETE_IN_TEAM,
    ),
    ("POST", "/accounts/{account_id}/geocode"): (
        lambda ctx, t: Probe(f"{account(ctx, t)}/geocode"),
        SCOPED,
    ),
    ("GET", "/reps"): (lambda ctx, t: Probe(f"/reps?team_id={ctx.team(t)}"), ANYONE),
    ("POST", "/reps"): (new_rep, CREATE_IN_TEAM),
    ("GET", "/reps/{rep_id}"): (lambda ctx, t: Probe(rep(ctx, t)), SCOPED),
    ("PATCH", "/reps/{rep_id}"): (
        lambda ctx, t: Probe(rep(ctx, t), {"cost_per_km": 0.6}),
        codes("200/200", "200/404", "404/200", "403/403", "403/403"),
    ),
    ("DELETE", "/reps/{rep_id}"): (
        lambda ctx, t: Probe(f"/reps/{ctx.add(fresh_rep(ctx, t))}"),
        DELETE_IN_TEAM,
    ),
    ("GET", "/teams"): (lambda ctx, t: Probe("/teams"), ANYONE),
    ("GET", "/users"): (lambda ctx, t: Probe("/users"), ANYONE),
    ("GET", "/users/me"): (lambda ctx, t: Probe("/users/me"), ANYONE),
    ("POST", "/users"): (new_user, codes("201/201", "403/403", "403/403", "403/403", "403/403")),
    ("GET", "/users/{user_id}"): (
        lambda ctx, t: Probe(user(ctx, t)),
        codes("200/200", "200/404", "404/200", "200/404", "404/404"),
    ),
    ("PATCH", "/users/{user_id}"): (
        lambda ctx, t: Probe(user(ctx, t), {"name": "Renamed"}),
        OWN_OR_ADMIN,
    ),
    ("DELETE", "/users/{user_id}"): (
        lambda ctx, t: Probe(fresh_rep_user(ctx, t)),
        codes("204/204", "403/403", "403/403", "403/403", "403/403"),
    ),
    ("POST", "/users/{user_id}/tokens"): (
        lambda ctx, t: Probe(f"{user(ctx, t)}/tokens", {"name": "probe"}),
        codes("201/201", "403/404", "404/403", "201/404", "404/404"),
    ),
    ("GET", "/users/{user_id}/tokens"): (
        lambda ctx, t: Probe(f"{user(ctx, t)}/tokens"),
        OWN_OR_ADMIN,
    ),
    ("DELETE", "/users/{user_id}/tokens/{token_id}"): (
        lambda ctx, t: Probe(fresh_token(ctx, t)),
        codes("204/204", "403/404", "404/403", "204/404", "404/404"),
    ),
    # Only your own password is set here; an admin resets (clears) others'.
    ("PUT", "/users/{user_id}/password"): (
        lambda ctx, t: Probe(f"{user(ctx, t)}/password", {"new_password": "a long walk home"}),
        codes("403/403", "403/404", "404/403", "204/404", "404/404"),
    ),
    ("DELETE", "/users/{user_id}/password"): (
        lambda ctx, t: Probe(f"{user(ctx, t)}/password"),
        codes("204/204", "403/403", "403/403", "403/403", "403/403"),
    ),
    # Admins for anyone, managers for their teams' reps, reps for themselves.
    ("POST", "/users/{user_id}/sign-in-links"): (
        lambda ctx, t: Probe(f"{user(ctx, t)}/sign-in-links"),
        codes("201/201", "201/404", "404/201", "201/404", "404/404"),
    ),
    ("POST", "/imports/accounts"): (
        new_import,
        codes("202/202", "202/403", "403/202", "403/403", "403/403"),
    ),
    ("GET", "/imports"): (
        lambda ctx, t: Probe("/imports"),
        codes("200/200", "200/200", "200/200", "403/403", "403/403"),
    ),
    ("GET", "/jobs"): (
        lambda ctx, t: Probe("/jobs?state=queued&kind=import_accounts"),
        codes("200/200", "200/200", "200/200", "403/403", "403/403"),
    ),
    ("GET", "/jobs/{job_id}"): (
        lambda ctx, t: Probe(job(ctx, t)),
        codes("200/200", "200/404", "404/200", "403/403", "403/403"),
    ),
    ("POST", "/jobs/{job_id}/cancel"): (
        lambda ctx, t: Probe(f"{job(ctx, t)}/cancel"),
        codes("200/200", "200/404", "404/200", "403/403", "403/403"),
    ),
    ("GET", "/territories"): (
        lambda ctx, t: Probe(f"/territories?team_id={ctx.team(t)}"),
        codes("200/200", "200/404", "404/200", "403/403", "403/403"),
    ),
    ("POST", "/territories/proposals"): (
        new_proposal,
        codes("202/202", "202/404", "404/202", "403/403", "403/403"),
    ),
    ("GET", "/territories/proposals"): (
        lambda ctx, t: Probe(f"/territories/proposals?team_id={ctx.team(t)}"),
        codes("200/200", "200/404", "404/200", "403/403", "403/403"),
    ),
    ("GET", "/territories/proposals/{proposal_id}"): (
        lambda ctx, t: Probe(proposal(ctx, t)),
        codes("200/200", "200/404", "404/200", "403/403", "403/403"),
    ),
    # A fresh proposal's fingerprint is not the team's: applying it is a 409 for whoever may.
    ("POST", "/territories/proposals/{proposal_id}/apply"): (
        lambda ctx, t: Probe(f"{proposal(ctx, t)}/apply"),
        codes("409/409", "409/404", "404/409", "403/403", "403/403"),
    ),
    ("POST", "/territories/proposals/{proposal_id}/discard"): (
        lambda ctx, t: Probe(f"{proposal(ctx, t)}/discard"),
        codes("200/200", "200/404", "404/200", "403/403", "403/403"),
    ),
    ("GET", "/territories/changes"): (
        lambda ctx, t: Probe(f"/territories/changes?team_id={ctx.team(t)}"),
        codes("200/200", "200/404", "404/200", "403/403", "403/403"),
    ),
    # The coverage model of the target's team: managers and admins of that team only.
    ("GET", "/coverage"): (
        lambda ctx, t: Probe(f"/coverage?team_id={ctx.team(t)}"),
        codes("200/200", "200/404", "404/200", "403/403", "403/403"),
    ),
    # Thresholds no account reaches: the apply changes nothing, and is recorded.
    ("POST", "/coverage/apply"): (
        lambda ctx, t: Probe(
            "/coverage/apply", {"team_id": ctx.team(t), "hybrid": 1000, "remote": 1000}
        ),
        codes("201/201", "201/404", "404/201", "403/403", "403/403"),
    ),
    ("GET", "/coverage/changes"): (
        lambda ctx, t: Probe(f"/coverage/changes?team_id={ctx.team(t)}"),
        codes("200/200", "200/404", "404/200", "403/403", "403/403"),
    ),
    ("GET", "/imports/{job_id}"): (
        lambda ctx, t: Probe(import_job(ctx, t)),
        codes("200/200", "200/404", "404/200", "403/403", "403/403"),
    ),
    ("GET", "/visits"): (
        lambda ctx, t: Probe(f"/visits?rep_id={ctx.world.rep_ids[f'rep_{t}_1']}"),
        ANYONE,
    ),
    ("POST", "/visits"): (
        lambda ctx, t: Probe("/visits", {**visit_for(ctx, t), "status": "arrived"}),
        FIELD_WORK,
    ),
    # An inside rep reads the visits of the rep they support, and corrects only their own.
    ("PATCH", "/visits/{visit_id}"): (
        lambda ctx, t: Probe(visit(ctx, t), {"notes": "seen"}),
        codes("200/200", "200/404", "404/200", "200/404", "403/404"),
    ),
    # Inside reps book for the reps they support (the hand-off).
    ("POST", "/appointments"): (
        new_appointment,
        codes("201/201", "201/404", "404/201", "201/404", "201/404"),
    ),
    ("POST", "/appointments/slots"): (
        lambda ctx, t: Probe(
            "/appointments/slots",
            {
                "account_id": ctx.world.account_ids[f"rep_{t}_1-acc-1"],
                "date_from": str(PLAN_DAY),
                "date_to": str(PLAN_DAY),
            },
        ),
        SCOPED,
    ),
    ("POST", "/appointments/slots/book"): (
        new_slot_booking,
        codes("201/201", "201/404", "404/201", "201/404", "201/404"),
    ),
    ("POST", "/appointments/{visit_id}/cancel"): (
        lambda ctx, t: Probe(f"{appointment(ctx, t)}/cancel", {"reason": "called off"}),
        codes("200/200", "200/404", "404/200", "200/404", "403/403"),
    ),
    # A touch as the target's field rep: an inside rep logs touches only as themselves.
    ("POST", "/touches"): (
        lambda ctx, t: Probe("/touches", {**visit_for(ctx, t), "channel": "call"}),
        FIELD_WORK,
    ),
    # The target's field rep's queue: the inside rep supports North's.
    ("GET", "/queue"): (
        lambda ctx, t: Probe(f"/queue?rep_id={ctx.world.rep_ids[f'rep_{t}_1']}"),
        codes("200/200", "200/404", "404/200", "200/404", "200/404"),
    ),
    # A team's weekly report: managers their teams; a field rep their own row of their team,
    # an inside rep theirs and the reps they support (another team: 404).
    ("GET", "/reports/weekly"): (
        lambda ctx, t: Probe(
            f"/reports/weekly?team_id={ctx.team(t)}&from={PLAN_DAY}&to={PLAN_DAY}"
        ),
        SCOPED,
    ),
    ("GET", "/reports/weekly.csv"): (
        lambda ctx, t: Probe(
            f"/reports/weekly.csv?team_id={ctx.team(t)}&from={PLAN_DAY}&to={PLAN_DAY}"
        ),
        SCOPED,
    ),
    ("PUT", "/reps/{rep_id}/supports"): (
        lambda ctx, t: Probe(
            f"/reps/{ctx.world.rep_ids[f'inside_{t}']}/supports",
            {"field_rep_ids": [ctx.world.rep_ids[f"rep_{t}_1"]]},
        ),
        codes("200/200", "200/404", "404/200", "403/403", "403/403"),
    ),
}


def api_routes(app: FastAPI) -> dict[tuple[str, str], APIRoute]:
    found: dict[tuple[str, str], APIRoute] = {}
    for context in iter_route_contexts(app.routes):
        path = context.path
        if not path or not path.startswith(PREFIX + "/"):
            continue
        route = context.original_route
        assert isinstance(route, APIRoute), path
        for method in sorted(context.methods or ()):
            found[(method, path.removeprefix(PREFIX))] = route
    return found


def test_every_route_is_in_the_table(app: FastAPI) -> None:
    routes = set(api_routes(app))
    assert not routes - set(EXPECTED), "add these routes to EXPECTED"
    assert not set(EXPECTED) - routes, "these routes in EXPECTED no longer exist"


def test_every_route_documents_itself_and_its_errors(app: FastAPI) -> None:
    for key, route in api_routes(app).items():
        lines = route.description.strip().splitlines() or [""]
        assert lines[0].strip(), f"{key}: a docstring, summed up in its first line"
        assert len(lines) == 1 or not lines[1].strip(), f"{key}: a one-line summary first"
        assert 401 in route.responses, f"{key}: responses=error_responses(401, ...)"


@pytest.fixture(scope="module", params=BACKENDS)
def probed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, Context]]:
    """One app per backend for every route's test, as a server would serve them one after
    another (an app per route would start 80 apps per backend)."""
    folder = tmp_path_factory.mktemp("matrix")
    clock = FixedClock(NOW)
    app = create_app(app_settings(empty_database(request, request.param, folder), folder), clock)
    # The engine is the app's once its lifespan has started: the items enter left to right.
    with (
        using(clock),
        TestClient(app) as client,
        make_session_factory(app.state.engine)() as session,
    ):
        world = seed_world(session)
        session.commit()
        yield client, Context(world, session)


@pytest.mark.parametrize("route", list(EXPECTED), ids=lambda route: " ".join(route))
def test_every_role_gets_exactly_the_expected_status(
    probed: tuple[TestClient, Context], route: tuple[str, str]
) -> None:
    client, ctx = probed
    method, path = route
    make, expected = EXPECTED[route]
    wrong: list[str] = []
    for role, (i, target) in itertools.product(ROLES, enumerate(TARGETS)):
        probe = make(ctx, target)
        headers = ctx.world.headers(role) if role != "none" else {}
        content: dict[str, Any] = (
            {"files": probe.files, "data": probe.form} if probe.files else {"json": probe.body}
        )
        response = client.request(method, PREFIX + probe.path, headers=headers, **content)
        if response.status_code != expected[role][i]:
            wrong.append(
                f"{method} {path} as {role} on {target}: {response.status_code} "
                f"(expected {expected[role][i]}) {response.text[:120]}"
            )
    assert not wrong, "\n".join(wrong)
