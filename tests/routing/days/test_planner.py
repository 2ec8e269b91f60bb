"""A rep's day and week (`routing.days.planner`): hand-made days, a week that spreads its visits,
input errors, and a property test whose plans the independent checker judges day by day.

The checker sees each day alone, on its own clock, with the accounts' raw opening hours: a
plan that leaks a week-clock offset, a closed day or a clipped window shows up there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from routing import (
    Appointment,
    Break,
    Candidate,
    Costs,
    DaysPlan,
    Point,
    Problem,
    ProblemError,
    RequiredStopError,
    SolveOptions,
    Stop,
    TimeWindow,
    ValueWeights,
    Vehicle,
    Workday,
    haversine_matrix,
    plan_rep_days,
    visit_prize,
)
from tests.routing.checker import check_route

MON = date(2026, 11, 30)
TUE, WED, THU, FRI = (MON + timedelta(days=k) for k in range(1, 5))
HOME = Point(52.52, 13.405)
H = 3600.0
SHIFT = TimeWindow(8 * H, 17 * H)
LUNCH = Break(TimeWindow(12 * H, 14 * H), 1800)
COSTS = Costs(per_hour=30.0, per_km=0.4)
FAST = SolveOptions(time_limit_s=0.5)


def near(east_km: float, north_km: float) -> Point:
    """A point this many km east and north of HOME (1 km is ~0.009 deg lat, ~0.0148 deg lon)."""
    return Point(HOME.lat + north_km / 111.2, HOME.lon + east_km / 67.7)


def workday(day: date, **kwargs: object) -> Workday:
    fields: dict[str, object] = {"start": HOME, "end": HOME, "shift": SHIFT, "lunch": LUNCH}
    fields.update(kwargs)
    return Workday(day=day, **fields)  # type: ignore[arg-type]


def account(
    cid: str,
    point: Point,
    *,
    service_s: float = 1800,
    annual_value: float = 60_000,
    cadence_days: int | None = 28,
    last_visit: date | None = None,
    hours: Mapping[date, tuple[TimeWindow, ...]] | None = None,
) -> Candidate:
    return Candidate(cid, point, service_s, annual_value, cadence_days, last_visit, hours)


def day_problem(
    day: Workday,
    candidates: Sequence[Candidate],
    appointments: Sequence[Appointment],
    plan: DaysPlan,
    served: Sequence[str],
) -> Problem:
    """The day alone on its own clock, built by hand from the inputs: raw hours as windows,
    each stop earning what the plan says it earns that day."""
    earns = next(d.prizes for d in plan.days if d.day == day.day)
    by_id = {c.id: c for c in candidates}
    booked = {a.id: a for a in appointments}
    places = [day.start] + ([day.end] if day.end is not None else [])
    stops: list[Stop] = []
    points: list[Point] = []
    for sid in served:
        index = len(places) + len(points)
        if sid in booked:
            a = booked[sid]
            window = TimeWindow(a.start_s, a.start_s)
            stops.append(Stop(sid, index, a.duration_s, (window,), earns[sid], required=True))
            points.append(a.point)
            continue
        c = by_id[sid]
        windows = () if c.hours is None else c.hours.get(day.day, ())
        assert c.hours is None or windows, f"{sid} visited on {day.day}, a closed day"
        stops.append(Stop(sid, index, c.service_s, windows, earns[sid]))
        points.append(c.point)
    vehicle = plan_vehicle(day, plan)
    return Problem((vehicle,), tuple(stops), haversine_matrix(places + points), COSTS)


def plan_vehicle(day: Workday, plan: DaysPlan) -> Vehicle:
    route = next(d.route for d in plan.days if d.day == day.day)
    return Vehicle(
        id=route.vehicle_id,
        start_index=0,
        end_index=None if day.end is None else 1,
        shift=day.shift,
        breaks=() if day.lunch is None else (day.lunch,),
        max_stops=day.max_stops,
    )


def check_days(
    days: Sequence[Workday],
    candidates: Sequence[Candidate],
    appointments: Sequence[Appointment],
    plan: DaysPlan,
) -> list[str]:
    """Every violation in every day's route, judged by the independent checker."""
    assert [d.day for d in plan.days] == [w.day for w in days]
    errors = []
    for workday_, day_route in zip(days, plan.days, strict=True):
        served = [s.id for s in day_route.route.stops]
        problem = day_problem(workday_, candidates, appointments, plan, served)
        errors += [f"{workday_.day}: {e}" for e in check_route(problem, day_route.route)]
    return errors


def visits(plan: DaysPlan) -> dict[str, list[date]]:
    seen: dict[str, list[date]] = {}
    for day in plan.days:
        for stop in day.route.stops:
            seen.setdefault(stop.id, []).append(day.day)
    return seen


# A day -------------------------------------------------------------------------------------


def test_a_day_keeps_shift_lunch_windows_and_the_appointment() -> None:
    candidates = [
        account("a", near(3, 0)),
        account("b", near(0, 4)),
        account("c", near(-3, 2)),
        account("afternoon", near(2, -3), hours={MON: (TimeWindow(14 * H, 15 * H),)}),
        account("recent", near(1, 1), last_visit=MON - timedelta(days=5)),
        account("closed", near(-1, -1), hours={TUE: (TimeWindow(9 * H, 17 * H),)}),
        account("booked", near(4, 4)),
        account("far_and_small", near(40, 0), annual_value=1000),
    ]
    meeting = Appointment("meet-1", "booked", near(4, 4), MON, 10 * H, 2700)
    days = [workday(MON)]
    plan = plan_rep_days(days, candidates, [meeting], costs=COSTS, options=FAST)

    assert check_days(days, candidates, [meeting], plan) == []
    route = plan.days[0].route
    starts = {s.id: s.start_s for s in route.stops}
    assert starts["meet-1"] == 10 * H
    assert "booked" not in starts
    assert {"a", "b", "c", "afternoon"} <= set(starts)
    assert 14 * H <= starts["afternoon"] <= 15 * H
    assert route.start_s >= SHIFT.start_s
    assert route.end_s <= SHIFT.end_s
    # Visits before noon and after two: the lunch break must be taken, in its window.
    [lunch] = route.breaks
    assert lunch.start_s >= 12 * H
    assert lunch.end_s <= 14 * H
    assert lunch.end_s - lunch.start_s == 1800

    left = {item.id: item for item in plan.left_out}
    assert plan.prizes["recent"] == 0
    assert "recent" not in left
    assert "recent" not in starts
    assert left["closed"].reason == "closed"
    assert left["closed"].detail == "closed on Mon 30 Nov during the shift 08:00-17:00"
    assert left["closed"].prize == pytest.approx(visit_prize(60_000, 28, None))
    assert left["far_and_small"].reason == "not_worth_it"
    assert left["far_and_small"].prize == plan.prizes["far_and_small"] > 0
    assert [item.prize for item in plan.left_out] == sorted(
        (item.prize for item in plan.left_out), reverse=True
    )
    # The booked account's prize is what the appointment earns; every candidate has a prize.
    assert plan.prizes["booked"] == pytest.approx(visit_prize(60_000, 28, None))
    assert set(plan.prizes) == {c.id for c in candidates}


def test_an_appointment_outside_the_shift_cannot_be_kept() -> None:
    late = Appointment("meet-late", "a", near(1, 0), MON, 20 * H, 1800)
    with pytest.raises(RequiredStopError):
        plan_rep_days([workday(MON)], [account("a", near(1, 0))], [late], costs=COSTS, options=FAST)


def test_a_visit_earns_its_prize_on_the_day_it_is_made() -> None:
    # Too recent on Monday; open only Wednesday and Thursday: urgency grows by the day, so the
    # visit waits for Thursday (the week has room) and earns Thursday's prize there.
    weights = ValueWeights()
    last = MON - timedelta(days=12)
    candidates = [
        account(
            "later",
            near(2, 0),
            last_visit=last,
            hours={d: (TimeWindow(9 * H, 16 * H),) for d in (WED, THU)},
        )
    ]
    days = [workday(d) for d in (MON, TUE, WED, THU)]
    plan = plan_rep_days(days, candidates, costs=COSTS, weights=weights, options=FAST)
    wednesday = visit_prize(60_000, 28, 14, weights)
    thursday = visit_prize(60_000, 28, 15, weights)
    assert wednesday < thursday
    assert visits(plan) == {"later": [THU]}
    assert plan.prizes["later"] == pytest.approx(thursday)
    by_day = {d.day: d for d in plan.days}
    assert by_day[THU].prizes == {"later": pytest.approx(thursday)}
    assert by_day[THU].route.prize == pytest.approx(thursday)
    assert check_days(days, candidates, (), plan) == []


def test_a_week_where_urgency_grows_gives_the_later_day_to_the_account_that_gains_most() -> None:
    # One visit a day on Monday and Thursday. Urgency grows with the days since the last visit,
    # so both accounts are worth more on Thursday, but "big" (value 240,000) gains four times
    # what "small" (60,000) gains by waiting: big on Thursday, small on Monday.
    weights = ValueWeights()
    last = MON - timedelta(days=20)
    candidates = [
        account("big", near(2, 0), annual_value=240_000, last_visit=last),
        account("small", near(-2, 0), annual_value=60_000, last_visit=last),
    ]
    days = [workday(d, max_stops=1) for d in (MON, THU)]
    plan = plan_rep_days(days, candidates, costs=COSTS, weights=weights, options=FAST)
    assert visits(plan) == {"small": [MON], "big": [THU]}
    assert check_days(days, candidates, (), plan) == []
    earned = {sid: p for d in plan.days for sid, p in d.prizes.items()}
    assert earned == {
        "small": pytest.approx(visit_prize(60_000, 28, 20, weights)),
        "big": pytest.approx(visit_prize(240_000, 28, 23, weights)),
    }
    # The best day of each, the prize a visit could earn at most.
    assert plan.prizes["small"] == pytest.approx(visit_prize(60_000, 28, 23, weights))


def test_an_account_whose_urgency_is_capped_gains_nothing_by_waiting() -> None:
    # Never visited: worth the cap every day. With one visit a day, the account that still
    # gains by waiting ("due") takes Thursday; "never" goes Monday at no loss.
    weights = ValueWeights()
    candidates = [
        account("never", near(2, 0), annual_value=60_000, last_visit=None),
        account("due", near(-2, 0), annual_value=60_000, last_visit=MON - timedelta(days=20)),
    ]
    days = [workday(d, max_stops=1) for d in (MON, THU)]
    plan = plan_rep_days(days, candidates, costs=COSTS, weights=weights, options=FAST)
    assert visits(plan) == {"never": [MON], "due": [THU]}


# A week ------------------------------------------------------------------------------------


def test_a_week_of_overdue_accounts_is_spread_over_the_days_each_on_an_open_day() -> None:
    weekdays = (MON, TUE, WED, THU, FRI)
    shift = TimeWindow(8 * H, 16 * H)
    open_days = {0: (MON, TUE), 1: (THU, FRI)}
    candidates = []
    for i in range(40):
        # A 6 x 6 km square around home, scattered by two coprime strides.
        point = near(6 * ((i * 7) % 40 / 40 - 0.5), 6 * ((i * 13) % 40 / 40 - 0.5))
        hours: dict[date, tuple[TimeWindow, ...]] | None = None
        if i % 4 in open_days:
            hours = {d: (TimeWindow(8 * H, 16 * H),) for d in open_days[i % 4]}
        candidates.append(
            account(f"acct{i:02d}", point, service_s=3000, annual_value=50_000, hours=hours)
        )
    wednesday_only = account(
        "wed_only",
        near(2, 2),
        service_s=2700,
        annual_value=200_000,
        hours={WED: (TimeWindow(10 * H, 12 * H),)},
    )
    candidates.append(wednesday_only)
    # 50 min on site plus a few minutes' drive: about an hour per account, 8 per 8 h day.
    days = [workday(d, shift=shift, lunch=None) for d in weekdays]
    plan = plan_rep_days(days, candidates, costs=COSTS, options=SolveOptions(time_limit_s=1.0))

    assert check_days(days, candidates, (), plan) == []
    seen = visits(plan)
    assert all(len(on) == 1 for on in seen.values()), "an account is visited twice"
    per_day = [len(d.route.stops) for d in plan.days]
    # About 8 visits fill a day: 40 accounts need every day of the week.
    assert sum(per_day) >= 35, per_day
    assert min(per_day) >= 5, per_day
    assert seen["wed_only"] == [WED]
    for i in range(40):
        cid = f"acct{i:02d}"
        if cid in seen and i % 4 in open_days:
            assert seen[cid][0] in open_days[i % 4]
    assert {item.id for item in plan.left_out} == {c.id for c in candidates} - set(seen)


def test_a_tuesday_window_lands_in_the_tuesday_route_on_tuesdays_clock() -> None:
    tuesday = {TUE: (TimeWindow(10 * H, 11 * H),)}
    too_early = {TUE: (TimeWindow(8 * H, 8 * H + 300),)}
    candidates = [
        account("tue", near(3, 1), hours=tuesday),
        account("any", near(-2, 1)),
        account("early", near(30, 0), hours=too_early),
    ]
    days = [workday(d, lunch=None) for d in (MON, TUE, WED)]
    plan = plan_rep_days(days, candidates, costs=COSTS, options=FAST)

    assert check_days(days, candidates, (), plan) == []
    tue_route = plan.days[1].route
    assert plan.days[1].day == TUE
    [stop] = [s for s in tue_route.stops if s.id == "tue"]
    assert 10 * H <= stop.start_s <= 11 * H
    assert SHIFT.start_s <= tue_route.start_s <= stop.arrival_s
    assert stop.departure_s <= tue_route.end_s <= SHIFT.end_s
    assert len(visits(plan)["any"]) == 1
    # The solver's week-clock seconds come back as that day's clock time.
    [early] = plan.left_out
    assert early.reason == "outside_windows"
    assert "closes at Tue 1 Dec 08:05" in early.detail


# Input errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "appointments", "message"),
    [
        ([MON, MON], [], "2026-11-30 is listed twice"),
        ([TUE, MON], [], "2026-11-30 comes after 2026-12-01"),
        ([MON, TUE], [Appointment("m", "a", HOME, WED, 9 * H, 600)], "appointment 'm'.*2026-12-02"),
        ([], [], "at least one workday"),
    ],
)
def test_malformed_days_and_appointments_are_refused_by_name(
    days: list[date], appointments: list[Appointment], message: str
) -> None:
    with pytest.raises(ProblemError, match=message):
        plan_rep_days(
            [workday(d) for d in days],
            [account("a", near(1, 1))],
            appointments,
            costs=COSTS,
            options=FAST,
        )


def test_malformed_candidates_are_refused_by_name() -> None:
    with pytest.raises(ProblemError, match="candidates: id 'a' is used twice"):
        plan_rep_days(
            [workday(MON)], [account("a", HOME), account("a", HOME)], costs=COSTS, options=FAST
        )
    with pytest.raises(ProblemError, match="id 'a' is used twice among appointments"):
        plan_rep_days(
            [workday(MON)],
            [account("a", HOME)],
            [Appointment("a", "a", HOME, MON, 9 * H, 600)],
            costs=COSTS,
            options=FAST,
        )
    with pytest.raises(ProblemError, match="candidate 'x': service_s"):
        account("x", HOME, service_s=-1)
    with pytest.raises(ProblemError, match="runs into the shift of 2026-12-01"):
        plan_rep_days(
            [workday(MON, shift=TimeWindow(8 * H, 33 * H), lunch=None), workday(TUE)],
            [],
            costs=COSTS,
            options=FAST,
        )


# Properties --------------------------------------------------------------------------------


@st.composite
def instances(
    draw: st.DrawFn,
) -> tuple[list[Workday], list[Candidate], list[Appointment]]:
    offsets = sorted(draw(st.sets(st.integers(0, 6), min_size=1, max_size=3)))
    days = []
    for offset in offsets:
        start = draw(st.integers(6, 10)) * H
        end = start + draw(st.integers(3, 10)) * H
        lunch = None
        if draw(st.booleans()) and end - start >= 5 * H:
            lunch = Break(
                TimeWindow(start + 3 * H, start + 5 * H), draw(st.sampled_from([0, 1800]))
            )
        days.append(
            Workday(
                day=MON + timedelta(days=offset),
                start=HOME,
                end=draw(st.sampled_from([HOME, None, near(5, 5)])),
                shift=TimeWindow(start, end),
                lunch=lunch,
                max_stops=draw(st.sampled_from([None, None, 1, 3])),
            )
        )
    candidates = []
    for i in range(draw(st.integers(0, 8))):
        hours = None
        if draw(st.integers(0, 2)) == 0:
            hours = {}
            for offset in draw(st.sets(st.integers(0, 6), max_size=4)):
                a = draw(st.integers(0, 20)) * H
                hours[MON + timedelta(days=offset)] = (
                    TimeWindow(a, a + draw(st.integers(0, 4)) * H),
                    TimeWindow(a + 5 * H, a + 6 * H),
                )[: draw(st.integers(0, 2))]
        last = draw(st.one_of(st.none(), st.integers(-3, 60)))
        candidates.append(
            Candidate(
                id=f"c{i}",
                point=near(draw(st.floats(-12, 12)), draw(st.floats(-12, 12))),
                service_s=draw(st.sampled_from([0.0, 600.0, 1800.0, 1800.0, 5400.0])),
                annual_value=draw(st.sampled_from([0.0, 2_000.0, 30_000.0, 200_000.0, 200_000.0])),
                cadence_days=draw(st.sampled_from([None, 7, 28])),
                last_visit=None if last is None else MON - timedelta(days=last),
                hours=hours,
            )
        )
    appointments = []
    book = draw(st.booleans())
    if candidates and book:
        day = draw(st.sampled_from(days))
        appointments.append(
            Appointment(
                "meeting",
                candidates[0].id,
                candidates[0].point,
                day.day,
                day.shift.start_s + H,
                1200,
            )
        )
    return days, candidates, appointments


@settings(max_examples=25, deadline=None)
@given(instances())
def test_every_plan_is_feasible_and_partitions_the_candidates(
    instance: tuple[list[Workday], list[Candidate], list[Appointment]],
) -> None:
    days, candidates, appointments = instance
    try:
        plan = plan_rep_days(
            days, candidates, appointments, costs=COSTS, options=SolveOptions(time_limit_s=0.2)
        )
    except RequiredStopError:
        event("an appointment cannot be kept")
        return  # e.g. on a day limited to one stop, or with an open end far from home
    assert check_days(days, candidates, appointments, plan) == []

    seen = visits(plan)
    event(f"visits planned: {min(len(seen), 3)}{'+' if len(seen) >= 3 else ''}")
    event(f"left out: {'some' if plan.left_out else 'none'}")
    assert all(len(on) == 1 for on in seen.values()), "a stop is visited twice"
    assert {a.id for a in appointments} <= set(seen)
    booked = {a.account for a in appointments}
    planned = set(seen) - {a.id for a in appointments}
    left = [item.id for item in plan.left_out]
    zero = {cid for cid, prize in plan.prizes.items() if prize == 0 and cid not in booked}
    assert len(left) == len(set(left))
    assert not planned & set(left)
    assert not planned & zero
    assert not set(left) & zero
    assert planned | set(left) | zero == {c.id for c in candidates} - booked
    assert not planned & booked
    by_id = {c.id: c for c in candidates}
    earned = {d.day: d.prizes for d in plan.days}
    for cid in planned:
        # Never on a day it is too recent for, even though its window may span that day; and
        # it earns that day's prize, no more than its best day's.
        c, [day] = by_id[cid], seen[cid]
        since = None if c.last_visit is None else max(0, (day - c.last_visit).days)
        assert visit_prize(c.annual_value, c.cadence_days, since) > 0
        assert earned[day][cid] == pytest.approx(visit_prize(c.annual_value, c.cadence_days, since))
        assert earned[day][cid] <= plan.prizes[cid] + 1e-9
    for item in plan.left_out:
        assert item.prize == plan.prizes[item.id] > 0
        assert item.detail
