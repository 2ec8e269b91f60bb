"""Territory design for a team: today's figures for the manager, and the team as it stands
(`territories.state`) turned into the designer's inputs (`routing.territories`), shared with the
proposals."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from app.auth.access import require_role, sees_team
from app.auth.principal import Principal
from app.core.config import Role, Settings
from app.core.errors import InvalidRequest, NotFound
from app.models import Account, Rep, Team
from app.reps.home import home_point
from app.roads.service import drive_factors
from app.teams import service as teams
from app.territories.schemas import (
    Figures,
    LatLon,
    MapAccount,
    ProposalCreate,
    RepTerritory,
    TerritoryOverview,
)
from app.territories.state import (
    TRAVEL_MINUTES_PER_VISIT,
    TeamState,
    capacity_hours,
    drive_minutes_per_visit,
    load,
    visits_per_week,
    workload_hours,
)
from routing import Point
from routing.territories.figures import territory_figures
from routing.territories.model import RepFigures, TerritoryAccount, TerritoryOptions, TerritoryRep

PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
)  # fmt: skip
KM_PER_MOVE_WEIGHT = 10.0
"""`move_weight` 1 = an account changes rep only when that brings it 10 km closer."""


def color_of(rep_id: int) -> str:
    return PALETTE[rep_id % len(PALETTE)]


def team_for(session: Session, principal: Principal, team_id: int | None) -> Team:
    """The team a manager or admin works on (404 outside their scope)."""
    require_role(principal, Role.ADMIN, Role.MANAGER)
    chosen = team_id if team_id is not None else teams.default_team(principal)
    if chosen is None:
        raise InvalidRequest("team_id: name the team", field="team_id")
    team = session.get(Team, chosen)
    if team is None or not sees_team(principal, chosen):
        raise NotFound(f"team_id: no team {chosen}", field="team_id")
    return team


def overview(
    session: Session, settings: Settings, principal: Principal, team_id: int | None
) -> TerritoryOverview:
    """Each rep's territory in figures, and the accounts for the map."""
    team = team_for(session, principal, team_id)
    state = load(session, team.id)
    reps, accounts = designer_inputs(
        state, settings.value_default_cadence_days, drive_minutes_for(settings)
    )
    current = current_assignment(state)
    rep_figures = territory_figures(reps, accounts, current, options_for(settings)) if reps else ()
    return TerritoryOverview(
        team_id=team.id,
        team=team.name,
        reps=[
            _rep_territory(state, rep, f) for rep, f in zip(state.reps, rep_figures, strict=True)
        ],
        unassigned_accounts=sum(1 for a in state.accounts if a.id not in _ids(current)),
        accounts=[_map_account(state, a) for a in state.accounts],
    )


def drive_minutes_for(settings: Settings) -> float:
    """The driving per visit in workloads, timed like the drive estimate (`drive_factors`:
    fitted to the road data when there is some)."""
    circuity, speed_kmh, _ = drive_factors(settings)
    return drive_minutes_per_visit(circuity, speed_kmh)


def designer_inputs(
    state: TeamState,
    default_cadence_days: int,
    drive_minutes: float = TRAVEL_MINUTES_PER_VISIT,
) -> tuple[list[TerritoryRep], list[TerritoryAccount]]:
    """The team as `routing.territories.design` data. A rep without a home point is measured from the
    middle of their accounts (of the team's, if they have none): the overview shows figures for
    them; proposals refuse such reps (`check_ready`). Capacity is at least an hour, so a rep with
    no working hours still has a (tiny) target; proposals refuse those reps too. Workloads count
    `drive_minutes` of driving per visit (`drive_minutes_for(settings)`)."""
    reps = [
        TerritoryRep(
            id=str(rep.id),
            home=_measured_from(state, rep),
            capacity_h=max(capacity_hours(rep), 1.0),
        )
        for rep in state.reps
    ]
    accounts = [
        TerritoryAccount(
            id=str(a.id),
            point=Point(a.latitude or 0.0, a.longitude or 0.0),
            workload_h=workload_hours(a, default_cadence_days, drive_minutes),
            value=a.value,
            current_rep=str(state.rep_of_account[a.id]) if state.rep_of_account[a.id] else None,
            locked=a.locked and state.rep_of_account[a.id] is not None,
            visits_per_week=visits_per_week(a, default_cadence_days),
        )
        for a in state.accounts
    ]
    return reps, accounts


def _measured_from(state: TeamState, rep: Rep) -> Point:
    home = home_point(rep)
    if home is not None:
        return home
    mine = [a for a in state.accounts if state.rep_of_account[a.id] == rep.id] or state.accounts
    if not mine:
        return Point(0.0, 0.0)
    return Point(
        sum(a.latitude or 0.0 for a in mine) / len(mine),
        sum(a.longitude or 0.0 for a in mine) / len(mine),
    )


def check_ready(state: TeamState) -> None:
    """422 naming what keeps a proposal from being honest: reps without a home or hours."""
    homeless = [r.name for r in state.reps if r.home_latitude is None or r.home_longitude is None]
    if homeless:
        raise InvalidRequest(
            f"reps without a home point: {', '.join(homeless)}; set their home address or pin "
            "first (territories are measured from home)"
        )
    stuck = [a.name for a in state.accounts if a.id in state.orphaned and a.locked]
    if stuck:
        raise InvalidRequest(
            f"{len(stuck)} locked accounts belong to inactive reps ({', '.join(stuck[:5])}); "
            "unlock them or reactivate their rep"
        )
    idle = [r.name for r in state.reps if capacity_hours(r) <= 0]
    if idle:
        raise InvalidRequest(
            f"reps with no working hours: {', '.join(idle)}; give them working days and a "
            "shift, or take them out with remove_rep_ids"
        )


def current_assignment(state: TeamState) -> dict[str, str]:
    active = {rep.id for rep in state.reps}
    return {
        str(account_id): str(rep_id)
        for account_id, rep_id in state.rep_of_account.items()
        if rep_id is not None and rep_id in active
    }


def _ids(assignment: Mapping[str, str]) -> set[int]:
    return {int(account_id) for account_id in assignment}


def options_for(settings: Settings, body: ProposalCreate | None = None) -> TerritoryOptions:
    """The designer's options; the drive estimate uses the road-fitted factors when road data
    exists (`drive_factors`)."""
    circuity, speed_kmh, _ = drive_factors(settings)
    common = {
        "speed_kmh": speed_kmh,
        "circuity": circuity,
        "workers": settings.solver_workers,
    }
    if body is None:
        return TerritoryOptions(**common)  # type: ignore[arg-type]
    return TerritoryOptions(
        workload_tolerance=body.workload_tolerance,
        value_tolerance=body.value_tolerance,
        move_km=body.move_weight * KM_PER_MOVE_WEIGHT,
        time_limit_s=body.time_limit_s,
        **common,  # type: ignore[arg-type]
    )


def _map_account(state: TeamState, account: Account) -> MapAccount:
    return MapAccount(
        id=account.id,
        name=account.name,
        lat=account.latitude or 0.0,
        lon=account.longitude or 0.0,
        value=account.value,
        territory_id=account.territory_id,
        rep_id=state.rep_of_account[account.id],
        locked=account.locked,
    )


def rounded_figures(f: RepFigures) -> Figures:
    """A rep's figures as the API shows them, rounded to what is worth reading."""
    return Figures(
        accounts=f.accounts,
        value=round(f.value, 2),
        workload_hours=round(f.workload_h, 2),
        target_hours=round(f.target_h, 2),
        deviation=round(f.deviation, 4),
        drive_km_week=round(f.drive_km, 1),
        drive_hours_week=round(f.drive_h, 2),
        mean_km_from_home=round(f.mean_km_from_home, 1),
    )


def _rep_territory(state: TeamState, rep: Rep, f: RepFigures) -> RepTerritory:
    territory = state.territory_of_rep.get(rep.id)
    point = home_point(rep)
    home = LatLon(lat=point.lat, lon=point.lon) if point is not None else None
    return RepTerritory(
        **rounded_figures(f).model_dump(),
        rep_id=rep.id,
        rep=rep.name,
        territory_id=territory.id if territory else None,
        territory=territory.name if territory else None,
        home=home,
        color=color_of(rep.id),
    )
