"""The queue's ranking as a property (issue 16), over random accounts, plans and coverage: it is
ranked by touch value, priced by the value model, holds exactly the left-out accounts and the
remote ones due, and a touch takes its account off the day's queue and lowers what a touch
there is worth afterwards."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from app.auth.principal import principal_for
from app.models import Account, Rep, RoutePlan, User
from app.queue.service import ranked
from app.visits.schemas import TouchCreate
from app.visits.service import record_touch
from routing import ValueWeights, days_since, touch_prize, urgency
from tests.moments import TODAY_UTC
from tests.seed import World

TODAY = TODAY_UTC
TOMORROW = TODAY + timedelta(days=1)
TOTALS = {"stops": 0, "distance_km": 0, "travel_minutes": 0, "prize": 0, "cost": 0, "net": 0,
          "solve_time_s": 0, "start": {"latitude": 42.0, "longitude": -87.8,
          "at": f"{TODAY}T08:00:00+00:00"}, "end": None, "breaks": []}  # fmt: skip

ago = st.one_of(st.none(), st.integers(0, 200).map(lambda d: TODAY - timedelta(days=d)))
accounts = st.fixed_dictionaries(
    {
        "value": st.floats(0, 500_000).map(lambda v: round(v, 2)),
        "cadence_days": st.one_of(st.none(), st.integers(1, 120)),
        "touch_cadence_days": st.one_of(st.none(), st.integers(1, 60)),
        "coverage": st.sampled_from(["field", "hybrid", "remote"]),
        "last_visit_date": ago,
        "last_touch_date": ago,
        "left_out": st.booleans(),
    }
)


def due_remotely(account: Account, weights: ValueWeights) -> bool:
    """The rule in words: remote, or hybrid with a remote cadence, and a cadence since contact."""
    if account.coverage == "field" or (
        account.coverage == "hybrid" and not account.touch_cadence_days
    ):
        return False
    cadence = account.touch_cadence_days or account.cadence_days or weights.default_cadence_days
    contacts = [d for d in (account.last_visit_date, account.last_touch_date) if d is not None]
    since = days_since(max(contacts), TODAY) if contacts else None
    return urgency(since, cadence, weights) >= 1


def worth(account: Account, day: date, weights: ValueWeights) -> float:
    return touch_prize(account.value, account.cadence_days, account.touch_cadence_days,
                       account.last_visit_date, account.last_touch_date, day, weights)  # fmt: skip


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(drawn=st.lists(accounts, min_size=1, max_size=8), pick=st.integers(0, 100))
def test_the_queue_is_ranked_by_touch_value_and_a_touch_takes_its_account_off(
    client: TestClient, world: World, session: Session, drawn: list[dict[str, Any]], pick: int
) -> None:
    app_settings = client.app.state.settings  # type: ignore[attr-defined]
    weights: ValueWeights = app_settings.value_weights
    rep = session.get(Rep, world.rep_ids["rep_north_1"])
    inside = session.get(User, world.user_ids["inside_north"])
    assert rep is not None
    assert inside is not None
    try:
        made: dict[int, Account] = {}
        left_out = []
        for n, fields in enumerate(drawn):
            wanted = dict(fields)
            is_left = wanted.pop("left_out")
            account = Account(name=f"Drawn {n}", team_id=rep.team_id,
                              territory_id=world.territory_ids["rep_north_1"], **wanted)  # fmt: skip
            session.add(account)
            session.flush()
            made[account.id] = account
            if is_left:
                left_out.append({"account_id": account.id, "reason": "no_time", "detail": "late"})
        session.add(RoutePlan(rep_id=rep.id, plan_date=TODAY, version=1, stops=[],
                              left_out=left_out, totals=TOTALS))  # fmt: skip
        session.flush()

        queue = ranked(session, weights, [rep], TODAY)
        values = [item.touch_value for item in queue]
        assert values == sorted(values, reverse=True)
        expected = {a.id for a in made.values() if due_remotely(a, weights)}
        expected |= {item["account_id"] for item in left_out}
        # The seeded accounts of the territory are field accounts, never left out here.
        assert {item.account_id for item in queue} == expected
        for item in queue:
            assert item.touch_value == round(worth(made[item.account_id], TODAY, weights), 2)
        if not queue:
            return

        chosen = made[queue[pick % len(queue)].account_id]
        before = worth(chosen, TOMORROW, weights)
        body = TouchCreate(account_id=chosen.id, channel="call", outcome="Spoke to the buyer")
        record_touch(session, app_settings, principal_for(inside), body)
        assert chosen.last_touch_date == TODAY
        assert chosen.id not in {item.account_id for item in ranked(session, weights, [rep], TODAY)}
        assert worth(chosen, TOMORROW, weights) <= before + 1e-9
    finally:
        session.rollback()
