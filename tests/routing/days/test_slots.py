"""The slot search (`routing.days.slots`): hand-made days (an empty day, an appointment to work
around, a day with no room but by displacing a visit, a closed day, a day full of appointments,
a place no road reaches, the account's own planned visit) and a property test: every slot found
in a planned day can be booked, and the planner, re-planning the day with it booked, keeps every
appointment at its time.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from routing import (
    Appointment,
    Break,
    Candidate,
    Costs,
    Point,
    ProblemError,
    SolveOptions,
    TimeWindow,
    TravelMatrix,
    Workday,
    haversine_matrix,
    plan_rep_days,
)
from routing.days.slots import (
    CLOSED,
    NO_ROOM,
    STEP_S,
    TOO_LATE,
    UNREACHABLE_REASON,
    Meeting,
    RouteStop,
    SlotDay,
    find_slots,
)
from routing.route.travel import Estimate

MON = date(2026, 11, 30)
TUE, WED = MON + timedelta(days=1), MON + timedelta(days=2)
HOME = Point(52.52, 13.405)
H = 3600.0
SHIFT = TimeWindow(8 * H, 17 * H)
LUNCH = Break(TimeWindow(12 * H, 14 * H), 1800)
COSTS = Costs(per_hour=30.0, per_km=0.4)


def near(east_km: float, north_km: float) -> Point:
    return Point(HOME.lat + north_km / 111.2, HOME.lon + east_km / 67.7)


def workday(day: date = MON, **kwargs: object) -> Workday:
    fields: dict[str, object] = {"start": HOME, "end": HOME, "shift": SHIFT, "lunch": LUNCH}
    fields.update(kwargs)
    return Workday(day=day, **fields)  # type: ignore[arg-type]


def meeting(point: Point | None = None, minutes: float = 60, **kwargs: object) -> Meeting:
    return Meeting("M", point or near(5, 0), minutes * 60, **kwargs)  # type: ignore[arg-type]


def drive_s(a: Point, b: Point) -> float:
    return float(Estimate().matrix([a, b]).durations_s[0, 1])


def test_an_empty_day_gets_the_first_quarter_hour_after_the_drive() -> None:
    where = near(10, 0)
    found = find_slots([SlotDay(workday())], meeting(where), costs=COSTS)
    assert not found.verdicts
    best = found.slots[0]
    there = drive_s(HOME, where)
    assert best.day == MON
    assert best.start_s % STEP_S == 0
    assert 8 * H + there <= best.start_s < 8 * H + there + STEP_S
    assert best.displaced == ()
    assert best.displaced_value == 0
    assert best.route == ("M",)
    matrix = Estimate().matrix([HOME, where])
    km = (matrix.distances_m[0, 1] + matrix.distances_m[1, 0]) / 1000
    hours = (matrix.durations_s[0, 1] + matrix.durations_s[1, 0]) / 3600
    assert best.added_cost == pytest.approx(30 * hours + 0.4 * km, abs=0.02)
    assert best.added_distance_m == pytest.approx(km * 1000, abs=1)


def test_slots_work_around_an_appointment_and_keep_it() -> None:
    booked = RouteStop("A", near(3, 0), 2 * H, at_s=9 * H)
    day = SlotDay(workday(), (booked,))
    found = find_slots([day], meeting(near(4, 0), minutes=30), costs=COSTS, per_day=3)
    assert len(found.slots) >= 2, "one before the appointment and more after it"
    assert min(s.start_s for s in found.slots) < 9 * H
    for slot in found.slots:
        start, end = slot.start_s, slot.start_s + 1800
        assert end <= 9 * H or start >= 11 * H, f"overlaps the appointment: {slot}"
        assert "A" in slot.route
    # Next to the appointment, before or after it, the meeting adds only the step between.
    assert found.slots[0].added_distance_m < 2 * 1000 * 1.5
    assert found.slots == tuple(sorted(found.slots, key=lambda s: s.score))


def test_an_empty_day_offers_a_morning_and_an_afternoon() -> None:
    found = find_slots([SlotDay(workday())], meeting(), costs=COSTS, per_day=3)
    starts = sorted(slot.start_s for slot in found.slots)
    assert len(starts) == 3
    assert starts[0] < 10 * H
    assert starts[-1] >= 12 * H
    assert all(b - a >= 2 * H for a, b in itertools.pairwise(starts))


def test_a_full_day_displaces_its_least_valuable_visit() -> None:
    visits = tuple(
        RouteStop(f"V{k}", near(1 + k, 0), 1800, prize=prize)
        for k, prize in enumerate((90.0, 10.0, 80.0))
    )
    day = SlotDay(workday(max_stops=3), visits)
    found = find_slots([day], meeting(near(2, 0)), costs=COSTS)
    assert found.slots, found.verdicts
    best = found.slots[0]
    assert best.displaced == ("V1",)
    assert best.displaced_value == 10.0
    assert best.score == pytest.approx(best.added_cost + 10.0)
    assert "V1" not in best.route
    assert "M" in best.route


def test_appointments_and_required_stops_are_never_displaced() -> None:
    stops = (
        RouteStop("A", near(1, 0), 4 * H, at_s=8.5 * H),
        RouteStop("P", near(1, 1), 3.5 * H, required=True, prize=1.0),
    )
    day = SlotDay(workday(lunch=None, shift=TimeWindow(8 * H, 17 * H)), stops)
    found = find_slots([day], meeting(near(2, 0), minutes=90), costs=COSTS)
    assert not found.slots
    (verdict,) = found.verdicts
    assert verdict.reason == NO_ROOM
    assert "1 appointment and 1 stop the rep kept there" in verdict.detail


def test_the_accounts_own_planned_visit_makes_way_for_the_meeting() -> None:
    visits = (
        RouteStop("V0", near(1, 0), 1800, prize=50.0),
        RouteStop("M", near(5, 0), 1800, prize=70.0),
    )
    found = find_slots([SlotDay(workday(max_stops=2), visits)], meeting(near(5, 0)), costs=COSTS)
    best = found.slots[0]
    assert best.replaces
    assert best.displaced == ()
    assert best.route.count("M") == 1
    assert "V0" in best.route


def test_a_day_that_no_longer_times_is_searched_among_its_appointments() -> None:
    """A stored day whose visits no longer fit (three hours of visits at 13:00 in a shift
    ending at 14:00): the slot is fitted among the appointments, and says so."""
    stops = (
        RouteStop("A", near(2, 0), 1800, at_s=9 * H),
        RouteStop("V", near(3, 0), 3 * H, windows=(TimeWindow(13 * H, 13 * H),), prize=5.0),
    )
    day = SlotDay(workday(lunch=None, shift=TimeWindow(8 * H, 14 * H)), stops)
    found = find_slots([day], meeting(near(4, 0)), costs=COSTS)
    assert found.slots
    assert all(s.appointments_only and "V" not in s.route and "A" in s.route for s in found.slots)
    assert all(s.displaced == () for s in found.slots)


def test_a_closed_day_and_a_day_with_no_time_left_say_so() -> None:
    hours = {MON: (), TUE: (TimeWindow(7 * H, 16.5 * H),)}
    days = [SlotDay(workday(MON)), SlotDay(workday(TUE), earliest_s=16 * H)]
    found = find_slots(days, meeting(hours=hours), costs=COSTS)
    assert not found.slots
    reasons = {v.day: v.reason for v in found.verdicts}
    assert reasons == {MON: CLOSED, TUE: TOO_LATE}


class NoWayTo:
    """Straight lines, but nothing reaches `point`."""

    def __init__(self, point: Point) -> None:
        self.point = point

    def matrix(self, points: Sequence[Point]) -> TravelMatrix:
        made = haversine_matrix(list(points))
        durations = made.durations_s.copy()
        for k, p in enumerate(points):
            if p == self.point:
                durations[k, :] = np.inf
                durations[:, k] = np.inf
                durations[k, k] = 0
        return TravelMatrix(durations, made.distances_m, unreachable={})


def test_a_place_no_road_reaches_is_unreachable() -> None:
    far = near(7, 7)
    found = find_slots([SlotDay(workday())], meeting(far), costs=COSTS, travel=NoWayTo(far))
    assert [v.reason for v in found.verdicts] == [UNREACHABLE_REASON]


def test_bad_input_is_a_problem_error() -> None:
    with pytest.raises(ProblemError, match="duration_s"):
        Meeting("M", HOME, 0)
    with pytest.raises(ProblemError, match="step_s"):
        find_slots([SlotDay(workday())], meeting(), costs=COSTS, step_s=0)


# --- the property: a slot found can be booked, and the planner keeps every appointment ------


def planned_day(
    day: Workday,
    candidates: list[Candidate],
    appointments: list[Appointment],
    limit_s: float,
) -> SlotDay:
    """The day as the planner plans it, as the slot search reads a stored plan."""
    plan = plan_rep_days(
        [day], candidates, appointments, costs=COSTS, options=SolveOptions(time_limit_s=limit_s)
    )
    route = plan.days[0]
    by_id = {c.id: c for c in candidates}
    booked = {a.id: a for a in appointments}
    stops = []
    for stop in route.route.stops:
        if stop.id in booked:
            a = booked[stop.id]
            stops.append(RouteStop(a.id, a.point, a.duration_s, at_s=a.start_s))
        else:
            c = by_id[stop.id]
            stops.append(
                RouteStop(c.id, c.point, c.service_s, prize=route.prizes.get(stop.id, 0.0))
            )
    return SlotDay(day, tuple(stops))


@st.composite
def days_with_a_meeting(
    draw: st.DrawFn,
) -> tuple[Workday, list[Candidate], list[Appointment], Meeting]:
    coordinate = st.floats(min_value=-15, max_value=15, allow_nan=False)
    n = draw(st.integers(min_value=0, max_value=14))
    candidates = [
        Candidate(
            f"c{k}",
            near(draw(coordinate), draw(coordinate)),
            draw(st.sampled_from([1200, 1800, 2700, 3600])),
            draw(st.floats(min_value=5_000, max_value=200_000)),
            28,
            MON - timedelta(days=draw(st.integers(min_value=10, max_value=60))),
        )
        for k in range(n)
    ]
    appointments = []
    free_from = 8.5 * H
    for k in range(draw(st.integers(min_value=0, max_value=2))):
        start = free_from + draw(st.integers(min_value=0, max_value=8)) * 1800
        duration = draw(st.sampled_from([1800, 3600]))
        if start + duration > 16 * H:
            break
        appointments.append(
            Appointment(
                f"appointment-{k}", f"a{k}", near(draw(coordinate), 0), MON, start, duration
            )
        )
        # Room between two appointments for the longest drive between their places (30 km, 47
        # min) and lunch: as booked through the slot search, which refuses a clash. With an hour,
        # 11:30-12:30 at 15 km west and 13:30 at 15 km east left no time for lunch, and the day
        # failed before any slot was looked for.
        free_from = start + duration + 5400
    lunch = draw(st.booleans())
    day = workday(MON, lunch=LUNCH if lunch else None, max_stops=draw(st.sampled_from([None, 6])))
    hours = draw(
        st.sampled_from([None, {MON: (TimeWindow(9 * H, 12 * H), TimeWindow(13 * H, 16 * H))}])
    )
    minutes = draw(st.sampled_from([30, 45, 60, 90]))
    where = near(draw(coordinate), draw(coordinate))
    return day, candidates, appointments, Meeting("M", where, minutes * 60, hours)


@settings(max_examples=20, deadline=None)
@given(days_with_a_meeting())
def test_every_slot_can_be_booked_and_replanning_keeps_every_appointment(
    case: tuple[Workday, list[Candidate], list[Appointment], Meeting],
) -> None:
    day, candidates, appointments, wanted = case
    slot_day = planned_day(day, candidates, appointments, 0.3)
    found = find_slots([slot_day], wanted, costs=COSTS, per_day=2)
    event("slots found" if found.slots else "no slot")
    if any(slot.displaced for slot in found.slots):
        event("visits displaced")
    for slot in found.slots:
        assert slot.start_s % STEP_S == 0
        assert day.shift.start_s <= slot.start_s <= day.shift.end_s - wanted.duration_s
        if wanted.hours is not None:
            assert any(w.start_s <= slot.start_s <= w.end_s for w in wanted.hours[MON])
        booked = Appointment("appointment-new", "M", wanted.point, MON, slot.start_s,
                             wanted.duration_s)  # fmt: skip
        # Re-planning the day with the slot booked: every appointment kept at its time (a
        # RequiredStopError here would be a slot that cannot be kept).
        plan = plan_rep_days(
            [day],
            candidates,
            [*appointments, booked],
            costs=COSTS,
            options=SolveOptions(time_limit_s=0.3),
        )
        served = {s.id: s.start_s for s in plan.days[0].route.stops}
        for a in [*appointments, booked]:
            assert served.get(a.id) == pytest.approx(a.start_s), (a, slot)
    if not found.slots:
        assert found.verdicts, "a day without a slot says why"
