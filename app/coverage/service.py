"""The coverage model of a team (issue 16): the what-if (nothing written), its apply (each
account's coverage set to the recommendation, recorded), and the record of applies.

The model is `routing.days.coverage`; its inputs come from `app.coverage.inputs`. What the
coverage does downstream: the planner leaves accounts covered `remote` to the queue and plans
a `hybrid` account's visits at twice its cadence (`app.plans.inputs`); the queue lists remote
accounts due for a touch, and hybrid ones with a remote cadence between visits (`app.queue`),
so an apply gives a new hybrid account without a remote cadence its visit cadence as one.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.core import clock
from app.core.config import Settings
from app.core.errors import InvalidRequest
from app.core.listing import check_limit
from app.coverage.inputs import TeamCoverage, team_coverage
from app.coverage.schemas import (
    ChartPoint,
    CoverageApply,
    CoverageChangeItem,
    CoverageChangeParams,
    CoverageChangeRead,
    CoverageModel,
    CoverageParams,
    CoverageRow,
    CoverageTotals,
)
from app.coverage.schemas import Thresholds as ThresholdsOut
from app.models import Account, CoverageChange, Team, User
from app.models.accounts import HYBRID
from app.teams.service import hold_team
from app.territories.service import team_for
from routing.days.coverage import COVERAGES, SOURCES, Coverage, Thresholds, Totals, coverage_model

CHART_POINTS = 400
ID_CHUNK = 500


def what_if(
    session: Session, settings: Settings, principal: Principal, params: CoverageParams
) -> CoverageModel:
    """The team's coverage with the thresholds asked, one page of accounts; nothing written."""
    check_limit(params, settings.max_page_size)
    team = team_for(session, principal, params.team_id)
    thresholds = thresholds_for(settings, params.hybrid, params.remote)
    inputs, result = _run(session, settings, team, thresholds)
    order = _order(inputs, result, params.sort)
    if params.changes_only:
        order = [i for i in order if result.recommended[i] != inputs.accounts.coverage[i]]
    window = order[params.offset : params.offset + params.limit]
    before, after = result.before, result.after
    return CoverageModel(
        items=[_row(inputs, result, i) for i in window],
        total=len(order),
        limit=params.limit,
        offset=params.offset,
        team_id=team.id,
        team=team.name,
        thresholds=_thresholds_out(thresholds),
        default_thresholds=_thresholds_out(Thresholds.default(settings.value_weights)),
        before=_totals(before),
        after=_totals(after),
        field_hours_freed_a_week=round(before.field_hours_a_week - after.field_hours_a_week, 2),
        value_at_risk_added_a_year=round(
            after.value_at_risk_a_year - before.value_at_risk_a_year, 2
        ),
        accounts_changing=int(np.count_nonzero(result.recommended != inputs.accounts.coverage)),
        not_modelled=inputs.not_modelled,
        travel=inputs.travel,
        chart=_chart(inputs, result),
    )


def apply(
    session: Session, settings: Settings, principal: Principal, body: CoverageApply
) -> CoverageChangeRead:
    """Set each account of the team to its recommendation with these thresholds, and record
    who did it, when, with which thresholds, and every account's change old -> new."""
    team = team_for(session, principal, body.team_id)
    thresholds = thresholds_for(settings, body.hybrid, body.remote)
    # Two applies at once: the second one's record would say "before" of accounts the first
    # one had already changed. It waits for the first and finds nothing (or less) to change.
    hold_team(session, team.id)
    inputs, result = _run(session, settings, team, thresholds)
    changing = np.flatnonzero(result.recommended != inputs.accounts.coverage).tolist()
    facts = {
        inputs.facts[i].id: (inputs.facts[i], COVERAGES[result.recommended[i]]) for i in changing
    }
    ids = sorted(facts)
    items: list[CoverageChangeItem] = []
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start : start + ID_CHUNK]
        for account in session.scalars(select(Account).where(Account.id.in_(chunk))):
            fact, new = facts[account.id]
            touch_before = account.touch_cadence_days
            if new == HYBRID and touch_before is None:
                account.touch_cadence_days = fact.cadence_days
            items.append(
                CoverageChangeItem(
                    account_id=account.id,
                    name=account.name,
                    before=account.coverage,  # type: ignore[arg-type]
                    after=new,  # type: ignore[arg-type]
                    touch_cadence_before=touch_before,
                    touch_cadence_after=account.touch_cadence_days,
                )
            )
            account.coverage = new
    items.sort(key=lambda item: item.account_id)
    totals = {"before": _totals(result.before), "after": _totals(result.after)}
    record = CoverageChange(
        # Principals made by code (the demo loader, the CLI) have no user row.
        user_id=principal.user_id or None,
        team_id=team.id,
        hybrid_threshold=thresholds.hybrid,
        remote_threshold=thresholds.remote,
        accounts_changed=len(items),
        totals={k: v.model_dump(mode="json") for k, v in totals.items()},
        items=[item.model_dump(mode="json") for item in items],
    )
    session.add(record)
    session.flush()
    return _change_read(record, _user_names(session, [record]))


def list_changes(
    session: Session, settings: Settings, principal: Principal, params: CoverageChangeParams
) -> tuple[list[CoverageChangeRead], int]:
    """The team's applies, newest first, one page."""
    check_limit(params, settings.max_page_size)
    team = team_for(session, principal, params.team_id)
    where = CoverageChange.team_id == team.id
    total = session.scalar(select(func.count(CoverageChange.id)).where(where)) or 0
    rows = list(
        session.scalars(
            select(CoverageChange)
            .where(where)
            .order_by(CoverageChange.at.desc(), CoverageChange.id.desc())
            .offset(params.offset)
            .limit(params.limit)
        )
    )
    names = _user_names(session, rows)
    return [_change_read(row, names) for row in rows], total


def thresholds_for(settings: Settings, hybrid: float | None, remote: float | None) -> Thresholds:
    """The thresholds asked, each defaulting to the value model's (422 naming the field when
    hybrid would be above remote)."""
    default = Thresholds.default(settings.value_weights)
    chosen_hybrid = default.hybrid if hybrid is None else hybrid
    chosen_remote = default.remote if remote is None else remote
    if chosen_hybrid > chosen_remote:
        field = "hybrid" if hybrid is not None else "remote"
        raise InvalidRequest(
            f"{field}: the hybrid threshold ({chosen_hybrid:g}"
            f"{'' if hybrid is not None else ', the default'}) must not be above the remote "
            f"threshold ({chosen_remote:g}{'' if remote is not None else ', the default'}): an "
            "account goes hybrid before it goes remote",
            field=field,
        )
    return Thresholds(hybrid=chosen_hybrid, remote=chosen_remote)


def _run(
    session: Session, settings: Settings, team: Team, thresholds: Thresholds
) -> tuple[TeamCoverage, Coverage]:
    today = clock.today(settings.company_zone)
    inputs = team_coverage(session, settings, team.id, today)
    return inputs, coverage_model(inputs.accounts, inputs.reps, thresholds, settings.value_weights)


def _order(inputs: TeamCoverage, result: Coverage, sort: str) -> list[int]:
    """Row indices in the order asked; ties by account id (the inputs' order)."""
    n = len(inputs.facts)
    if sort == "name":
        return sorted(range(n), key=lambda i: (inputs.facts[i].name.casefold(), i))
    key = {
        "ratio": result.ratio,
        "value": inputs.accounts.value,
        "cost": result.visits_a_year * result.cost_per_visit,
    }[sort.lstrip("-")]
    # A stable sort keeps the id order among ties; descending sorts the negated key.
    keyed = -key if sort.startswith("-") else key
    return [int(i) for i in np.argsort(keyed, kind="stable")]


def _row(inputs: TeamCoverage, result: Coverage, i: int) -> CoverageRow:
    fact = inputs.facts[i]
    ratio = float(result.ratio[i])
    return CoverageRow(
        account_id=fact.id,
        name=fact.name,
        rep_id=fact.rep_id,
        rep_name=inputs.rep_names[fact.rep_id],
        value=fact.value,
        cadence_days=fact.cadence_days,
        visits_a_year=round(float(result.visits_a_year[i]), 2),
        detour_minutes=round(float(inputs.accounts.detour_s[i]) / 60, 1),
        detour_km=round(float(inputs.accounts.detour_m[i]) / 1000, 2),
        detour_source=SOURCES[inputs.source[i]],  # type: ignore[arg-type]
        cost_per_visit=round(float(result.cost_per_visit[i]), 2),
        field_cost_a_year=round(float(result.visits_a_year[i] * result.cost_per_visit[i]), 2),
        ratio=round(ratio, 4) if math.isfinite(ratio) else None,
        coverage=fact.coverage,  # type: ignore[arg-type]
        recommended=COVERAGES[result.recommended[i]],  # type: ignore[arg-type]
    )


def _chart(inputs: TeamCoverage, result: Coverage) -> list[ChartPoint]:
    """Up to `CHART_POINTS` accounts with a value and a cost (a log-log plot has no 0), evenly
    spread over the ratio ranking so the sample keeps the shape of the team."""
    cost = result.visits_a_year * result.cost_per_visit
    plottable = np.flatnonzero((inputs.accounts.value > 0) & (cost > 0))
    ranked = plottable[np.argsort(result.ratio[plottable], kind="stable")]
    if ranked.shape[0] > CHART_POINTS:
        ranked = ranked[np.linspace(0, ranked.shape[0] - 1, CHART_POINTS).round().astype(int)]
    return [
        ChartPoint(
            value=float(inputs.accounts.value[i]),
            cost=round(float(cost[i]), 2),
            recommended=COVERAGES[result.recommended[i]],  # type: ignore[arg-type]
        )
        for i in ranked
    ]


def _totals(totals: Totals) -> CoverageTotals:
    per_visit = totals.cost_per_visit
    return CoverageTotals(
        field=totals.accounts[0],
        hybrid=totals.accounts[1],
        remote=totals.accounts[2],
        visits_a_year=round(totals.visits_a_year, 1),
        field_hours_a_week=round(totals.field_hours_a_week, 2),
        field_cost_a_year=round(totals.field_cost_a_year, 2),
        cost_per_visit=None if per_visit is None else round(per_visit, 2),
        value_at_risk_a_year=round(totals.value_at_risk_a_year, 2),
    )


def _thresholds_out(thresholds: Thresholds) -> ThresholdsOut:
    return ThresholdsOut(hybrid=round(thresholds.hybrid, 6), remote=round(thresholds.remote, 6))


def _user_names(session: Session, rows: list[CoverageChange]) -> dict[int, str]:
    ids = {row.user_id for row in rows if row.user_id is not None}
    if not ids:
        return {}
    query = select(User.id, User.name).where(User.id.in_(ids))
    return {row.id: row.name for row in session.execute(query)}


def _change_read(row: CoverageChange, names: dict[int, str]) -> CoverageChangeRead:
    totals: dict[str, Any] = row.totals
    return CoverageChangeRead(
        id=row.id,
        at=row.at,
        user=names.get(row.user_id) if row.user_id is not None else None,
        team_id=row.team_id,
        thresholds=ThresholdsOut(hybrid=row.hybrid_threshold, remote=row.remote_threshold),
        accounts_changed=row.accounts_changed,
        totals={k: CoverageTotals.model_validate(v) for k, v in totals.items()},
        items=[CoverageChangeItem.model_validate(item) for item in row.items],
    )
