"""Rebalance proposals for a team: computed by `routing.territories.design`, stored with the fingerprint
of the territories they were computed from, applied only while that still holds (409
otherwise), every move recorded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth.access import require_role, sees_team
from app.auth.principal import Principal
from app.core import clock
from app.core.concurrency import Runner, run_here
from app.core.config import Role, Settings
from app.core.errors import Conflict, InvalidRequest, NotFound
from app.models import Account, Rep, Team, Territory, TerritoryProposal, User
from app.teams.service import hold_team
from app.territories.changes import record_move
from app.territories.schemas import (
    Balance,
    Move,
    Overload,
    ProposalCreate,
    ProposalRead,
    ProposalSummary,
    RepChange,
    SolverInfo,
)
from app.territories.service import (
    check_ready,
    color_of,
    current_assignment,
    designer_inputs,
    drive_minutes_for,
    options_for,
    rounded_figures,
    team_for,
)
from app.territories.state import TeamState, load, workload_hours
from routing.territories.design import design_territories
from routing.territories.figures import territory_figures
from routing.territories.model import Balance as DesignBalance
from routing.territories.model import (
    LockedAccountError,
    RepFigures,
    TerritoryError,
    TerritoryRep,
)


def create_proposal(
    session: Session,
    settings: Settings,
    principal: Principal,
    body: ProposalCreate,
    run: Runner = run_here,
) -> ProposalRead:
    """Compute a rebalance and store it as a proposal (nothing moves until it is applied).

    `run` runs the design (CP-SAT): in a thread that reports progress for a job
    (`app.territories.task`), here for the command line.
    """
    team, state = checked_request(session, principal, body)
    removed = set(body.remove_rep_ids)
    minutes = drive_minutes_for(settings)
    reps, accounts = designer_inputs(state, settings.value_default_cadence_days, minutes)
    kept_reps = [r for r in reps if int(r.id) not in removed]
    options = options_for(settings, body)
    try:
        result = run(design_territories, kept_reps, accounts, options)
    except LockedAccountError as exc:
        raise _locked_by_removed(exc.account_ids) from exc
    except TerritoryError as exc:
        raise InvalidRequest(str(exc)) from exc
    before = territory_figures(reps, accounts, current_assignment(state), options)
    after = {f.rep_id: f for f in result.reps}
    by_id = {a.id: a for a in state.accounts}
    cadence = settings.value_default_cadence_days
    moves = [
        _move(by_id[int(m.account_id)], m.from_rep, m.to_rep, cadence, minutes)
        for m in result.moves
    ]
    proposal = TerritoryProposal(
        team_id=team.id,
        created_by_id=principal.user_id or None,
        base_fingerprint=state.fingerprint,
        params=body.model_dump(mode="json") | {"team_id": team.id},
        assignment=dict(result.assignment),
        result={
            "balance": _balance(
                body.workload_tolerance, result.balance, before, kept_reps, after, state.reps
            ).model_dump(),
            "reps": [
                _rep_change(rep, b, after.get(b.rep_id)).model_dump()
                for rep, b in zip(state.reps, before, strict=True)
            ],
            "moves": [m.model_dump() for m in moves],
            "total_accounts": len(state.accounts),
            "solver": SolverInfo(
                status=result.status.value.upper(), seconds=round(result.solve_time_s, 2)
            ).model_dump(),
        },
    )
    session.add(proposal)
    session.flush()
    return _read(session, proposal)


def checked_request(
    session: Session, principal: Principal, body: ProposalCreate
) -> tuple[Team, TeamState]:
    """The team a proposal is asked for and its state, if a design can start from it (404 out
    of scope, 422 naming the field otherwise): checked before a proposal job is queued, and
    again when it runs."""
    team = team_for(session, principal, body.team_id)
    state = load(session, team.id)
    check_ready(state)
    removed = set(body.remove_rep_ids)
    unknown = removed - {rep.id for rep in state.reps}
    if unknown:
        raise InvalidRequest(
            f"remove_rep_ids: {sorted(unknown)} are not active reps of team {team.name}",
            field="remove_rep_ids",
        )
    if all(rep.id in removed for rep in state.reps):
        raise InvalidRequest("remove_rep_ids: at least one rep must remain", field="remove_rep_ids")
    locked = [a.id for a in state.accounts if a.locked and state.rep_of_account[a.id] in removed]
    if locked:
        raise _locked_by_removed([str(account_id) for account_id in locked])
    return team, state


def _locked_by_removed(account_ids: Sequence[str]) -> InvalidRequest:
    return InvalidRequest(
        f"remove_rep_ids: {len(account_ids)} locked accounts belong to a removed rep; "
        f"unlock them first (accounts {', '.join(account_ids[:10])})",
        field="remove_rep_ids",
    )


def _balance(
    tolerance: float,
    balance: DesignBalance,
    before: Sequence[RepFigures],
    kept: Sequence[TerritoryRep],
    after: Mapping[str, RepFigures],
    reps: Sequence[Rep],
) -> Balance:
    """The proposal's balance. The designer balances shares of the team's workload, and shares
    stay even when every rep is overworked (remove one of four reps near their hours and the
    others go from 35 h a week to 44 h, all "on target"); so the balance is met only if no
    rep is also further than the tolerance over the hours they work."""
    names = {str(rep.id): rep.name for rep in reps}
    worst: Overload | None = None
    for rep in kept:
        hours = after[rep.id].workload_h
        over = (hours - rep.capacity_h) / rep.capacity_h
        if over > tolerance + 1e-9 and (worst is None or over > worst.over):
            worst = Overload(
                rep_id=int(rep.id),
                rep=names[rep.id],
                workload_hours=round(hours, 2),
                capacity_hours=round(rep.capacity_h, 2),
                over=round(over, 4),
            )
    return Balance(
        requested_tolerance=tolerance,
        achieved_tolerance=balance.max_workload_deviation,
        met=balance.met and worst is None,
        max_deviation_before=max((abs(f.deviation) for f in before), default=0.0),
        overload=worst,
    )


def list_proposals(
    session: Session, principal: Principal, team_id: int | None
) -> list[ProposalSummary]:
    team = team_for(session, principal, team_id)
    rows = session.scalars(
        select(TerritoryProposal)
        .where(TerritoryProposal.team_id == team.id)
        .order_by(TerritoryProposal.id.desc())
        .limit(50)
    )
    return [ProposalSummary(**_read(session, p).model_dump()) for p in rows]


def get_proposal(session: Session, principal: Principal, proposal_id: int) -> ProposalRead:
    return _read(session, _proposal(session, principal, proposal_id))


def apply_proposal(session: Session, principal: Principal, proposal_id: int) -> ProposalRead:
    """Move the accounts as proposed, if the territories are as they were when it was made."""
    proposal = _proposal(session, principal, proposal_id)
    _decide(session, principal, proposal, "applied")
    # One apply per team at a time (a coverage apply too): the second waits here, then sees
    # the first one's moves (and a changed fingerprint).
    hold_team(session, proposal.team_id)
    state = load(session, proposal.team_id)
    if state.fingerprint != proposal.base_fingerprint:
        raise Conflict(
            "the team's territories changed since this proposal was made (accounts moved, "
            "locked or added, or reps changed); ask for a new proposal"
        )
    territory_of_rep = dict(state.territory_of_rep)
    by_id = {a.id: a for a in state.accounts}
    for account_id, rep_id in proposal.assignment.items():
        account = by_id[int(account_id)]
        rep = int(rep_id)
        if state.rep_of_account[account.id] == rep:
            continue
        territory = territory_of_rep.get(rep) or _new_territory(session, state, rep)
        territory_of_rep[rep] = territory
        before = account.territory_id
        account.territory_id = territory.id
        record_move(session, principal, account, before, source="proposal", proposal_id=proposal.id)
    session.flush()
    return _read(session, proposal)


def discard_proposal(session: Session, principal: Principal, proposal_id: int) -> ProposalRead:
    proposal = _proposal(session, principal, proposal_id)
    _decide(session, principal, proposal, "discarded")
    return _read(session, proposal)


def _new_territory(session: Session, state: TeamState, rep_id: int) -> Territory:
    rep = next(r for r in state.reps if r.id == rep_id)
    territory = Territory(name=_free_name(session, rep.name), team_id=state.team_id, rep_id=rep.id)
    session.add(territory)
    session.flush()
    return territory


TERRITORY_NAME_MAX = 100  # the column's length


def _free_name(session: Session, name: str) -> str:
    # Room for a " (99)" suffix within the column.
    name = name[: TERRITORY_NAME_MAX - 5]
    taken = set(session.scalars(select(Territory.name).where(Territory.name.like(f"{name}%"))))
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


def _proposal(session: Session, principal: Principal, proposal_id: int) -> TerritoryProposal:
    require_role(principal, Role.ADMIN, Role.MANAGER)
    proposal = session.get(TerritoryProposal, proposal_id)
    if proposal is None or not sees_team(principal, proposal.team_id):
        raise NotFound(f"no proposal {proposal_id}")
    return proposal


def _decide(
    session: Session, principal: Principal, proposal: TerritoryProposal, status: str
) -> None:
    """Mark an open proposal decided; 409 if it is not open (any more). A conditional update,
    so of two requests deciding the same proposal at once only one gets through."""
    decided = session.execute(
        update(TerritoryProposal)
        .where(TerritoryProposal.id == proposal.id, TerritoryProposal.status == "proposed")
        .values(status=status, decided_at=clock.now(), decided_by_id=principal.user_id or None)
        .execution_options(synchronize_session=False)
    )
    if decided.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(proposal)
        raise Conflict(f"proposal {proposal.id} is already {proposal.status}")
    session.refresh(proposal)


def _read(session: Session, proposal: TerritoryProposal) -> ProposalRead:
    creator = session.get(User, proposal.created_by_id) if proposal.created_by_id else None
    result = proposal.result
    return ProposalRead(
        id=proposal.id,
        team_id=proposal.team_id,
        status=proposal.status,  # type: ignore[arg-type]
        created_at=proposal.created_at,
        created_by=creator.name if creator else None,
        moved_accounts=len(result["moves"]),
        total_accounts=result["total_accounts"],
        balance=Balance(**result["balance"]),
        params=ProposalCreate(**proposal.params),
        reps=[RepChange(**r) for r in result["reps"]],
        moves=[Move(**m) for m in result["moves"]],
        solver=SolverInfo(**result["solver"]),
    )


def _move(
    account: Account,
    from_rep: str | None,
    to_rep: str,
    default_cadence_days: int,
    drive_minutes: float,
) -> Move:
    return Move(
        account_id=account.id,
        account=account.name,
        lat=account.latitude or 0.0,
        lon=account.longitude or 0.0,
        from_rep_id=int(from_rep) if from_rep else None,
        to_rep_id=int(to_rep),
        value=account.value,
        workload_hours=workload_hours(account, default_cadence_days, drive_minutes),
    )


def _rep_change(rep: Rep, before: RepFigures, after: RepFigures | None) -> RepChange:
    return RepChange(
        rep_id=rep.id,
        rep=rep.name,
        color=color_of(rep.id),
        before=rounded_figures(before),
        after=rounded_figures(after) if after is not None else None,
    )
