"""A compiled ruin-and-recreate search: slack induction by string removals (SISR).

OR-Tools' descents cost about 0.1 s a step on a 300-stop, 4-vehicle day, so a 2-10 s search
takes a few dozen steps there. SISR (Christiaens and Vanden Berghe, "Slack induction by string
removals for vehicle routing problems", Transportation Science 2020) takes tens of thousands:
each step removes a few strings of consecutive visits from routes near a random stop, puts the
removed stops and the left-out stops near it back by cheapest insertion in a random order (with
"blinks": a position is skipped now and then), and keeps the result by simulated annealing.
Compiled with numba, a step takes 30-150 microseconds on 100-300 stops. The last hundredth of
the time betters the best plan found by exchanges (`_exchanges`): one visit out, the one or two
left-out stops that pay best in the time it frees in, which a greedy recreate misses.

One annealing ends in one basin, and on some days every seed finds the same one. Up to
`POPULATION_MAX_STOPS` stops, four annealings share the first part of the time, and their plans
then breed (`_evolved`, a small population as in Vidal's hybrid genetic search): a child takes,
per vehicle, one parent's visits up to a time and the other's from then on, is mended, and
anneals briefly from a lower heat; a better child replaces the worst plan.

It covers problems whose vehicles take at most one break a day (the TOPTW, field days, a rep's
day with lunch and accounts closed over theirs): there a route's earliest and latest start at
each visit, before and after the break, decide whether a stop fits between two visits (in O(1)
per window of the stop), with the break in any gap (`_retime`), exactly as `schedule` times the
route. Waiting is
not priced here (a vehicle's `idle_cost`); the plan is valued afterwards by the search's full
objective like any other.
A search that keeps every plan on time cannot cross from one basin to a better one whose
changes pay only together, each alone breaking a window. Where no vehicle takes a break and no
stop has more than one window, the annealings may keep late routes at a price per second late
(Vidal's time warp: a visit past its window's close starts as it closes, the difference
priced; `_retime_late`), which follows how often the steps keep a plan on time (`ON_TIME`);
only a plan on time can be the best (see `LATENESS_PRICE`).
It puts back only stops that pay, so where a way is missing (one-way, an island) it cannot find
a valuable stop reachable only through one worth nothing; OR-Tools' worker in the same solve can.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit
from numpy.typing import NDArray

from routing.route.integer_problem import UNREACHABLE, BreakSpec, IntegerProblem, VehicleSpec
from routing.route.parallel import Routes

_Plan = tuple[NDArray[np.int64], ...]
"""A plan being searched: route (stop nodes per vehicle), length, early and late (per vehicle,
state, visit), cost, driving, lateness (0 unless late routes are priced: `_retime_late`), and
each stop's vehicle (-1: left out)."""
_Fixed = tuple[NDArray[np.int64], ...]
"""What does not change in a search (`_Static.fixed`), in the order of the compiled functions'
parameters. The functions called for every insertion take them one by one, and are inlined:
given as tuples, `_fill` over a 300x4 day took 1.69 ms, one by one 0.77 ms, inlined 0.54 ms
(steps in 2 s on 300x1 / 300x4 / 500x2 days: 43k / 9.5k / 20k, 73k / 19k / 37k, 117k / 29k /
61k; a day without a break then skipped the second state: 126k / 32k / 68k; `_best_insertion`
then checked a plain stop's fit itself: 238k / 84k / 154k, as before breaks and windows were
covered, 232k / 83k / 160k. With lunch: 135k / 33k / 66k; with `_fits_between` not inlined
68k / 13k / 30k)."""

MEAN_REMOVED = 10.0
"""SISR's c-bar: the mean number of stops a ruin removes."""
MOST_STRING = 10
"""SISR's L-max: the longest string removed from one route."""
SPLIT = 0.5
"""Chance that a route's ruin is a split string (SISR's alpha): it spans more visits around the
seed's and keeps a run of them. SISR alone (one process, from nothing), on the TOPTW's r112 and
pr05-pr10 (m = 2, 5 s, two seeds), total score: plain strings only 6050, split half the time
6095.5 (6053 with a depth of 0.2); on the 16 days of `bench.field_day_peers` at 2 s, of the
better peer, seeds 0-1 and 2-3: 1.0009 and 1.0016 plain, 1.0046 and 1.0055 split."""
SPLIT_DEPTH = 0.01
"""SISR's beta: a split string keeps one more visit in a row while a draw exceeds it, up to all
but the removed. So it mostly spans the whole route (a 10-visit route nine times in ten, a
40-visit one two in three), and the visits it removes are then the route's first and last few,
wherever the seed is. The measured gain likely comes from that rather than from a stretch near
the seed: a depth of 0.2, which keeps the stretch near it, gained nothing."""
BLINK = 0.01
"""Chance that cheapest insertion skips a position."""
BY_VALUE_PER_MINUTE = 2.0
"""Weight of the recreate's order by value per minute (a stop's best gain over its visit plus
half its round trip from the ruin's seed, plus a minute), beside SISR's four orders: random 4,
by gain 4, far from the seed first 2, near first 1. A day is bound by its hours more than by
distance, and by gain alone a long visit goes in before two short ones worth more together.
Whole solver, 2 s, the 16 days of `bench.field_day_peers`, total net, two runs each in the same
hour: without 133,165 and 133,005 (of the better peer 1.0085 and 1.0079), with weight 2
133,882 and 133,839 (1.0121 and 1.0127), weight 4 133,742 (1.0116). TOPTW pr05-pr10, m = 1
and 2, 10 s: mean score 714.67 without, 717.00 with 2."""
CREDIT = 0.1
"""Chance that a step's recreate inserts on credit: every stop where it fits cheapest, paying
or not, after which those that still do not pay with the others in go out again, last in
first out. Without it, two accounts in a far town that pay for the drive only together are
never both visited (Hypothesis found such a day). Whole solver, 2 s, the 16 days of
`bench.field_day_peers`, total net (two runs each, same hour): 133,882 and 133,839 without,
133,583 and 133,708 with (of the better peer 1.0121 / 1.0127 against 1.0109 / 1.0115, below on
2 / 2 against 1 / 1). TOPTW pr05-pr10, m = 1 and 2, 10 s: mean score 717.00 without, 719.58
with. One run each at other chances: 0.03 133,384 (1.0098, below on 2), TOPTW 716.42; 0.25
134,035 (1.0131, below on 3), TOPTW 717.17: within the runs' spread. Kept at 0.1 for the days
it finds."""
NEAR_LEFT_OUT = 20
"""Left-out stops among a ruin's seed's nearest offered to the recreate, besides the removed."""
SERVED_SEED = 0.5
"""Chance that a ruin's seed is a served stop rather than any offered one. A day's rep visits a
few of hundreds of accounts: a seed drawn from all of them is mostly far from every route, and
its step ruins nothing near it. SISR alone (one process, 2 s, from nothing), on the 16 days of
`bench.field_day_peers`, of the better peer, seeds 0-1 and 2-3: never 1.0004 and 0.9992; half
1.0040 and 1.0020; three quarters 1.0017 and 0.9995. On the TOPTW's r112 and pr05-pr10 (m = 2,
5 s, two seeds) the total score: 6045.5 never, 6060.0 half."""
NEIGHBOURS = 80
"""Stops kept in each stop's list of nearest."""
START_HEAT = 1.0
END_HEAT = 0.01
"""Temperature at the start and at the end of the search, times the median prize of a stop: a
worse plan is kept with chance exp(-loss / temperature). On the TOPTW's pr05-pr10 (m = 2, 10 s,
one process, one seed), mean gap to the best known: start 0.1: 3.0%, 0.3: 1.8-1.9%, 0.6:
1.7%, 1.0: 1.1%, 2.0: 1.5%, 3.0: 1.8% (the end always a hundredth of the start); at 5 s, two
seeds, total score: 1.0: 11,038, 3.0: 11,085. Alone and from nothing, on the 16 days of
`bench.field_day_peers` at 2 s, seeds 0-1, without and with a 45 min lunch, a hotter search
does better (total net against 1.0: start 2.0 1.0085 and 1.0031, 3.0 1.0067 and 1.0035, 5.0
1.0072 and 1.0026; with 1.0 a one-rep day kept 7 visits where 3.0 found 10); but in the solve,
which starts it from VROOM's plan on these days, 2.0 lost: of the better peer 1.0053 (below on
6) against 1.0072 (below on 5), total net 132,582 against 132,974, same hour."""
EXCHANGE_SHARE = 0.01
"""Of the search's time, the last part given to exchanges on the best plan found (`_exchanges`):
each served stop out in turn, and the one or two left-out stops that pay best in its place. A
step's greedy recreate misses that: on a one-rep day of `bench.field_day_peers` (300x1 s2) SISR
ended at 3,407.9 in 8 of 10 runs, and PyVRP's 3,424.0 is that plan with its most valuable visit
out and two others in, which only fit together in the time it frees. A pass takes 2-22 ms on
the 16 days of `bench.field_day_peers` (0.5 ms per served stop), so a hundredth of a 2 s search
mostly suffices; 0 turns them off."""
EXCHANGE_PAIRS_FROM = 40
"""The pairs an exchange tries are drawn from at most this many of the left-out stops that fit,
those that pay best alone first."""
EXCHANGE_CHECKS = 100_000
"""About the most places (a left-out stop between two visits) one exchange checks: on a large
day it tries fewer pairs, and only the left-out stops near the one it takes out, so that a call
takes at most a few tens of milliseconds and the search's deadline holds. Without it, on the
largest day the API accepts (1,000 accounts, 100 reps with lunch and split hours: a place
costs about 0.1 microsecond), a call took up to 0.3 s and a 1 s search answered 0.28 s late.
The 16 days of `bench.field_day_peers` and the TOPTW's largest stay under it (at most 15,000)."""
POPULATION = 4
"""Plans a search keeps (`_evolved`), each from an annealing of its own at first."""
FIRST_SHARE = 0.4
"""Of the search's time, the part its first `POPULATION` annealings share equally."""
CHILD_SHARE = 0.04
"""Of the search's time, what each child's annealing takes."""
CHILD_HEAT = 0.3
"""A child's annealing starts this hot (times the median prize; see START_HEAT): from a plan
made of two good ones, it mends and betters rather than wanders off."""
POPULATION_MAX_STOPS = 500
"""Above this many stops one annealing takes the whole time: on the largest days a step is
slow, and short annealings end far from where a long one does."""
CHUNK_S = 0.02
"""Wall clock between looks at the clock (the compiled steps cannot read it)."""

LATENESS_PRICE = 0.002
"""Where routes may run late at a price (`_Static.warps`), a second late is first priced at
this share of the median visit's prize (a minute late: 0.12 of a visit). On 300x1 s1 of
`bench.field_day_peers`, whose best plan differs from the one every search without a price
ends in by four visits that pay only together (bench/README), one annealing of 2 s from
nothing ended there in 8 of 12 seeds at a fixed 0.002, 1 of 12 at 0.01, never at 0.0005 (never
on time), 1 of 12 without a price."""
ON_TIME = 0.25
"""With a price on lateness, the share of steps that should end with the kept plan on time
(only such a plan can be the best): after a chunk of steps below it the price rises by
`PRICE_STEP`, after one above it falls. The whole solver at 5 s on 300x1 s1, plans at the best
of 12 solves: 9 (0.25), 10 (0.1), 11 (0.4); a fixed price, 7; 2 without a price."""
PRICE_STEP = 1.2
PRICE_RANGE = 100.0
"""The price stays within this factor of where it started, either way."""
_NO_LIMIT = 1 << 60
_ANY_PLACE = 1 << 62
"""A bound on `_best_insertion` that every place meets."""
_LATE = 1 << 60
"""A time no route reaches: the state it stands for cannot be."""
_EARLY = -(1 << 60)
"""A latest time no route keeps to: the state it stands for cannot be."""


def fits(problem: IntegerProblem) -> bool:
    """Whether this search covers `problem`: at most one break a day."""
    return all(len(_day_breaks(v)) <= 1 for v in problem.vehicles)


def _day_breaks(vehicle: VehicleSpec) -> list[BreakSpec]:
    """The breaks of `vehicle`'s day: one that can be over before the shift starts is not (as in
    `schedule` and OR-Tools' model)."""
    return [b for b in vehicle.breaks if b.start_min + b.duration > vehicle.shift_start]


@dataclass(slots=True)
class _Static:
    travel: NDArray[np.int64]
    cost: NDArray[np.int64]
    """Per vehicle's cost class, node by node."""
    cls: NDArray[np.int64]
    service: NDArray[np.int64]
    opens: NDArray[np.int64]
    closes: NDArray[np.int64]
    """Every stop's windows, one after another, in order: the earliest and latest start."""
    gain: NDArray[np.int64]
    """Per stop and vehicle, what the visit earns; -1 where the vehicle may not serve it."""
    start: NDArray[np.int64]
    end: NDArray[np.int64]
    shift_start: NDArray[np.int64]
    shift_end: NDArray[np.int64]
    max_stops: NDArray[np.int64]
    max_travel: NDArray[np.int64]
    break_min: NDArray[np.int64]
    break_max: NDArray[np.int64]
    break_length: NDArray[np.int64]
    """Each vehicle's break: earliest and latest start, length; a day without one has length -1
    (and the shift for its window), and its routes keep only the first state."""
    windows_from: NDArray[np.int64]
    """Stop `s`'s windows are `opens` and `closes` from `windows_from[s]` to `windows_from[s + 1]`."""
    near: NDArray[np.int64]
    offered: NDArray[np.bool_]

    def fixed(self, penalty: int = 0) -> _Fixed:
        """What the compiled steps read, in the order of their parameters; `penalty`: the price
        of a second of lateness (see `_Static.warps`), 0 where the steps keep every route on time."""
        return (
            self.travel, self.cost, self.cls, self.service, self.opens, self.closes,
            self.windows_from, self.gain, self.start, self.end, self.shift_start, self.shift_end,
            self.max_stops, self.max_travel, self.break_min, self.break_max, self.break_length,
            np.array([penalty], dtype=np.int64),
        )  # fmt: skip

    def warps(self) -> bool:
        """Whether the steps may let routes run late at a price: no breaks, and at most one
        window per offered stop."""
        per_stop = np.diff(self.windows_from)
        return bool((self.break_length < 0).all() and (per_stop[self.offered] <= 1).all())


def _static(problem: IntegerProblem, inactive: frozenset[int]) -> _Static:
    n_stops, vehicles = problem.n_stops, problem.vehicles
    offered = np.ones(n_stops, dtype=np.bool_)
    offered[list(inactive)] = False
    # A stop whose windows did not survive rounding has none: it cannot be served.
    offered &= np.array([len(w) > 0 for w in problem.windows], dtype=np.bool_)
    gain = np.full((n_stops, len(vehicles)), -1, dtype=np.int64)
    for stop in range(n_stops):
        if not offered[stop]:
            continue
        earns = problem.earnings(stop)
        for v in range(len(vehicles)):
            if problem.may_serve(v, stop):
                gain[stop, v] = max(0, int(earns[v]))
    stops = problem.travel[:n_stops, :n_stops]
    both = np.minimum(stops + stops.T, 1 << 41).astype(np.float64)
    np.fill_diagonal(both, -1.0)  # a stop is its own nearest: the seed's string comes first
    k = min(NEIGHBOURS, n_stops)
    near = np.argsort(both, axis=1, kind="stable")[:, :k].astype(np.int64)
    breaks = [
        found[0] if (found := _day_breaks(v)) else BreakSpec(v.shift_start, v.shift_end, -1)
        for v in vehicles
    ]
    return _Static(
        travel=np.ascontiguousarray(problem.travel, dtype=np.int64),
        cost=np.ascontiguousarray(np.stack(problem.arc_cost), dtype=np.int64),
        cls=np.array([v.cost_class for v in vehicles], dtype=np.int64),
        service=np.ascontiguousarray(problem.service, dtype=np.int64),
        opens=np.array([lo for w in problem.windows for lo, _ in w], dtype=np.int64),
        closes=np.array([hi for w in problem.windows for _, hi in w], dtype=np.int64),
        gain=gain,
        start=np.array([v.start_node for v in vehicles], dtype=np.int64),
        end=np.array([v.end_node for v in vehicles], dtype=np.int64),
        shift_start=np.array([v.shift_start for v in vehicles], dtype=np.int64),
        shift_end=np.array([v.shift_end for v in vehicles], dtype=np.int64),
        max_stops=np.array(
            [n_stops if v.max_stops is None else v.max_stops for v in vehicles], dtype=np.int64
        ),
        max_travel=np.array(
            [_NO_LIMIT if v.max_travel is None else v.max_travel for v in vehicles],
            dtype=np.int64,
        ),
        break_min=np.array([b.start_min for b in breaks], dtype=np.int64),
        break_max=np.array([b.start_max for b in breaks], dtype=np.int64),
        break_length=np.array([b.duration for b in breaks], dtype=np.int64),
        windows_from=np.cumsum([0, *(len(w) for w in problem.windows)], dtype=np.int64),
        near=near,
        offered=offered,
    )


@njit(cache=True, inline="always")
def _earliest(
    stop: int,
    t: int,
    opens: NDArray[np.int64],
    closes: NDArray[np.int64],
    windows_from: NDArray[np.int64],
) -> int:
    """The earliest start of `stop` at `t` or later, in one of its windows; _LATE if none."""
    for k in range(windows_from[stop], windows_from[stop + 1]):
        if t <= closes[k]:
            return int(max(opens[k], t))
    return _LATE


@njit(cache=True, inline="always")
def _latest(
    stop: int,
    t: int,
    opens: NDArray[np.int64],
    closes: NDArray[np.int64],
    windows_from: NDArray[np.int64],
) -> int:
    """The latest start of `stop` at `t` or earlier, in one of its windows; _EARLY if none.
    Starting earlier never breaks what follows (a visit may wait), so the latest start that
    keeps the rest of the day is one number however many windows a stop has."""
    for k in range(windows_from[stop + 1] - 1, windows_from[stop] - 1, -1):
        if t >= opens[k]:
            return int(min(closes[k], t))
    return _EARLY


@njit(cache=True, inline="always")
def _retime_late(
    v: int,
    route: NDArray[np.int64],
    length: NDArray[np.int64],
    early: NDArray[np.int64],
    late: NDArray[np.int64],
    rcost: NDArray[np.int64],
    rtravel: NDArray[np.int64],
    rwarp: NDArray[np.int64],
    travel: NDArray[np.int64],
    cost: NDArray[np.int64],
    cls: NDArray[np.int64],
    service: NDArray[np.int64],
    opens: NDArray[np.int64],
    closes: NDArray[np.int64],
    windows_from: NDArray[np.int64],
    start: NDArray[np.int64],
    end: NDArray[np.int64],
    shift_start: NDArray[np.int64],
    shift_end: NDArray[np.int64],
    max_travel: NDArray[np.int64],
) -> bool:
    """`_retime` where a route may run late (see `_Static.warps`): a visit that would start after its
    window closes starts as it closes, and the difference is lateness (Vidal's time warp).
    Forward, per visit: its start (`early[v, 0]`) and the lateness up to it (`early[v, 1]`);
    backward, from each visit to the end of the day: the lateness if it starts by
    `late[v, 0]` (`late[v, 1]`), one more second per second later. The route's lateness goes
    to `rwarp`; whether the route holds its driving limit."""
    n = length[v]
    c = cls[v]
    here = start[v]
    total_cost = 0
    total_travel = 0
    t = shift_start[v]
    warp = 0
    for i in range(n + 1):
        node = route[v, i] if i < n else end[v]
        total_travel += travel[here, node]
        total_cost += cost[c, here, node]
        t += travel[here, node]
        if i == n:
            warp += max(0, t - shift_end[v])
            break
        w = windows_from[node]
        t = max(t, opens[w])
        if t > closes[w]:
            warp += t - closes[w]
            t = closes[w]
        early[v, 0, i] = t
        early[v, 1, i] = warp
        t += service[node]
        here = node
    rcost[v] = total_cost if n else 0
    rtravel[v] = total_travel if n else 0
    rwarp[v] = warp if n else 0
    by = shift_end[v]
    after = 0
    nxt = end[v]
    for i in range(n - 1, -1, -1):
        node = route[v, i]
        w = windows_from[node]
        go = by - service[node] - travel[node, nxt]
        if go < opens[w]:
            after += opens[w] - go
            by = opens[w]
        else:
            by = min(closes[w], go)
        late[v, 0, i] = by
        late[v, 1, i] = after
        nxt = node
    # A missing way (A-B-C without A-C) breaks the route, as on time (see `_steps`).
    return bool(rtravel[v] <= max_travel[v] and rtravel[v] < UNREACHABLE)


@njit(cache=True, inline="always")
def _retime(
    v: int,
    route: NDArray[np.int64],
    length: NDArray[np.int64],
    early: NDArray[np.int64],
    late: NDArray[np.int64],
    rcost: NDArray[np.int64],
    rtravel: NDArray[np.int64],
    rwarp: NDArray[np.int64],
    travel: NDArray[np.int64],
    cost: NDArray[np.int64],
    cls: NDArray[np.int64],
    service: NDArray[np.int64],
    opens: NDArray[np.int64],
    closes: NDArray[np.int64],
    windows_from: NDArray[np.int64],
    gain: NDArray[np.int64],
    start: NDArray[np.int64],
    end: NDArray[np.int64],
    shift_start: NDArray[np.int64],
    shift_end: NDArray[np.int64],
    max_stops: NDArray[np.int64],
    max_travel: NDArray[np.int64],
    break_min: NDArray[np.int64],
    break_max: NDArray[np.int64],
    break_length: NDArray[np.int64],
    penalty: NDArray[np.int64],
) -> bool:
    """Earliest and latest start at each visit of route `v` in both of its states (0: the break
    still to come, 1: taken), its cost and driving; whether it is feasible (its length within
    the vehicle's most stops is the caller's to keep).

    Where the break goes is not kept: each check looks for a gap that holds it. Taken in the gap
    after leaving at `t`, it starts at max(t, its earliest start), no later than its latest, and
    the next place is ready at max(t + the drive, its earliest start) + its length: it is taken
    while driving or waiting, never during a visit (as `schedule` times it). A day that ends
    before the break's latest start needs none; one that starts once the break could be over
    has had it."""
    if penalty[0] > 0:
        return _retime_late(
            v, route, length, early, late, rcost, rtravel, rwarp, travel, cost, cls, service,
            opens, closes, windows_from, start, end, shift_start, shift_end, max_travel,
        )  # fmt: skip
    b_min, b_max, b_len = break_min[v], break_max[v], break_length[v]
    n = length[v]
    c = cls[v]
    rwarp[v] = 0
    if n == 0:
        rcost[v] = 0
        rtravel[v] = 0
        return True
    here = start[v]
    total_cost = 0
    total_travel = 0
    for i in range(n + 1):
        node = route[v, i] if i < n else end[v]
        total_travel += travel[here, node]
        total_cost += cost[c, here, node]
        here = node
    rcost[v] = total_cost
    rtravel[v] = total_travel
    if total_travel > max_travel[v]:
        return False
    here = start[v]
    leave0 = shift_start[v]
    leave1 = max(shift_start[v], b_min + b_len)
    for i in range(n + 1):
        node = route[v, i] if i < n else end[v]
        leg = travel[here, node]
        ready0 = leave0 + leg if leave0 < _LATE else _LATE
        ready1 = _LATE
        if b_len >= 0:
            ready1 = leave1 + leg if leave1 < _LATE else _LATE
            if leave0 < _LATE and max(leave0, b_min) <= b_max:
                ready1 = min(ready1, max(leave0 + leg, b_min) + b_len)
        if i == n:
            if not (ready0 <= min(b_max, shift_end[v]) or ready1 <= shift_end[v]):
                return False
            break
        early[v, 0, i] = _earliest(node, ready0, opens, closes, windows_from)
        leave0 = early[v, 0, i] + service[node] if early[v, 0, i] < _LATE else _LATE
        if b_len < 0:
            if leave0 >= _LATE:
                return False
            here = node
            continue
        early[v, 1, i] = _earliest(node, ready1, opens, closes, windows_from)
        leave1 = early[v, 1, i] + service[node] if early[v, 1, i] < _LATE else _LATE
        if leave0 >= _LATE and leave1 >= _LATE:
            return False
        here = node
    nxt = end[v]
    by0 = min(b_max, shift_end[v])
    by1 = shift_end[v]
    for i in range(n - 1, -1, -1):
        node = route[v, i]
        leg = travel[node, nxt]
        if b_len < 0:
            late[v, 0, i] = (
                _latest(node, by0 - leg - service[node], opens, closes, windows_from)
                if by0 > _EARLY
                else _EARLY
            )
            by0 = late[v, 0, i]
            nxt = node
            continue
        go1 = by1 - leg if by1 > _EARLY else _EARLY
        go0 = by0 - leg if by0 > _EARLY else _EARLY
        if by1 > _EARLY and b_min <= b_max and b_min + b_len <= by1:
            go0 = max(go0, min(by1 - b_len - leg, b_max))
        late[v, 0, i] = (
            _latest(node, go0 - service[node], opens, closes, windows_from)
            if go0 > _EARLY
            else _EARLY
        )
        late[v, 1, i] = (
            _latest(node, go1 - service[node], opens, closes, windows_from)
            if go1 > _EARLY
            else _EARLY
        )
        by0, by1 = late[v, 0, i], late[v, 1, i]
        nxt = node
    return True


@njit(cache=True, inline="always")
def _fits_between(
    u: int,
    v: int,
    i: int,
    n: int,
    prev: int,
    nxt: int,
    early: NDArray[np.int64],
    late: NDArray[np.int64],
    travel: NDArray[np.int64],
    cost: NDArray[np.int64],
    cls: NDArray[np.int64],
    service: NDArray[np.int64],
    opens: NDArray[np.int64],
    closes: NDArray[np.int64],
    windows_from: NDArray[np.int64],
    gain: NDArray[np.int64],
    start: NDArray[np.int64],
    end: NDArray[np.int64],
    shift_start: NDArray[np.int64],
    shift_end: NDArray[np.int64],
    max_stops: NDArray[np.int64],
    max_travel: NDArray[np.int64],
    break_min: NDArray[np.int64],
    break_max: NDArray[np.int64],
    break_length: NDArray[np.int64],
    penalty: NDArray[np.int64],
) -> bool:
    """Whether stop `u` fits into route `v` (of `n` visits) at position `i`, between `prev` and
    `nxt`, with the break before `prev`, between `prev` and `u`, between `u` and `nxt`, or
    after `nxt`."""
    b_min, b_max, b_len = break_min[v], break_max[v], break_length[v]
    if b_len < 0:
        # No break: the first state is the only one (`_retime` keeps no other).
        leave = shift_start[v] if i == 0 else early[v, 0, i - 1] + service[prev]
        at = _earliest(u, leave + travel[prev, u], opens, closes, windows_from)
        by = shift_end[v] if i == n else late[v, 0, i]
        return at < _LATE and at + service[u] + travel[u, nxt] <= by
    if i == 0:
        leave0 = shift_start[v]
        leave1 = max(shift_start[v], b_min + b_len)
    else:
        leave0 = early[v, 0, i - 1] + service[prev] if early[v, 0, i - 1] < _LATE else _LATE
        leave1 = early[v, 1, i - 1] + service[prev] if early[v, 1, i - 1] < _LATE else _LATE
    if i == n:
        by0 = min(b_max, shift_end[v])
        by1 = shift_end[v]
    else:
        by0 = late[v, 0, i]
        by1 = late[v, 1, i]
    to_u = travel[prev, u]
    on = travel[u, nxt]
    if leave1 < _LATE:
        at = _earliest(u, leave1 + to_u, opens, closes, windows_from)
        if at < _LATE and at + service[u] + on <= by1:
            return True
    if leave0 >= _LATE:
        return False
    at = _earliest(u, leave0 + to_u, opens, closes, windows_from)
    if at < _LATE:
        gone = at + service[u]
        if gone + on <= by0:
            return True
        if max(gone, b_min) <= b_max and max(gone + on, b_min) + b_len <= by1:
            return True
    if max(leave0, b_min) <= b_max:
        at = _earliest(u, max(leave0 + to_u, b_min) + b_len, opens, closes, windows_from)
        if at < _LATE and at + service[u] + on <= by1:
            return True
    return False


@njit(cache=True, inline="always")
def _until_blink(blink: float) -> int:
    """Positions checked before the next one skipped, each skipped with chance `blink`."""
    if blink <= 0.0:
        return _NO_LIMIT
    return int(math.log(1.0 - np.random.random()) / math.log1p(-blink))


@njit(cache=True, inline="always")
def _best_insertion(
    u: int,
    blink: float,
    bound: int,
    route: NDArray[np.int64],
    length: NDArray[np.int64],
    early: NDArray[np.int64],
    late: NDArray[np.int64],
    rtravel: NDArray[np.int64],
    rwarp: NDArray[np.int64],
    travel: NDArray[np.int64],
    cost: NDArray[np.int64],
    cls: NDArray[np.int64],
    service: NDArray[np.int64],
    opens: NDArray[np.int64],
    closes: NDArray[np.int64],
    windows_from: NDArray[np.int64],
    gain: NDArray[np.int64],
    start: NDArray[np.int64],
    end: NDArray[np.int64],
    shift_start: NDArray[np.int64],
    shift_end: NDArray[np.int64],
    max_stops: NDArray[np.int64],
    max_travel: NDArray[np.int64],
    break_min: NDArray[np.int64],
    break_max: NDArray[np.int64],
    break_length: NDArray[np.int64],
    penalty: NDArray[np.int64],
) -> tuple[int, int, int]:
    """Cheapest feasible insertion of `u` that changes the objective by less than `bound`
    (what the caller would take): (that change, vehicle, position), with vehicle -1 where no
    place does. A tight bound lets most places lose on their detour alone."""
    best = bound
    best_v = -1
    best_i = -1
    # Lateness is priced only on days where `_Static.warps`: no breaks, one window per stop.
    price = penalty[0]
    # Positions until the next blink, drawn once per blink (geometric) rather than a draw per
    # position: the same chance per position, at a hundredth of the draws.
    to_blink = _until_blink(blink)
    for v in range(length.shape[0]):
        g = gain[u, v]
        if g < 0:
            continue
        n = length[v]
        if n >= max_stops[v]:
            continue
        c = cls[v]
        # A day without a break and a stop with one window: the check written out here, as
        # `_fits_between` makes it, costs a tenth (filling a 300x4 day: 0.05 ms, 0.94 ms).
        plain = break_length[v] < 0 and windows_from[u + 1] - windows_from[u] == 1
        w = windows_from[u]
        for i in range(n + 1):
            if to_blink == 0:
                to_blink = _until_blink(blink)
                continue
            to_blink -= 1
            prev = start[v] if i == 0 else route[v, i - 1]
            nxt = end[v] if i == n else route[v, i]
            detour = cost[c, prev, u] + cost[c, u, nxt] - (cost[c, prev, nxt] if n else 0) - g
            # The detour first: most places lose on it alone, and the check of the times is
            # dearer. Lateness only adds to it on a route that is on time (one that runs late,
            # or misses a way, may get back time through `u`).
            if detour >= best and (price == 0 or rwarp[v] == 0):
                continue
            lateness = 0
            if price > 0:
                # The lateness the visit adds (as `_retime_late` times it): the route's up to
                # `prev` and from `nxt` on, u's own, less the route's (less where u mends a
                # missing way: A-B without a way, A-u-B with one).
                leave = shift_start[v] if i == 0 else early[v, 0, i - 1] + service[prev]
                at = max(opens[w], leave + travel[prev, u])
                later = (0 if i == 0 else early[v, 1, i - 1]) - rwarp[v]
                if at > closes[w]:
                    later += at - closes[w]
                    at = closes[w]
                ready = at + service[u] + travel[u, nxt]
                if i == n:
                    later += max(0, ready - shift_end[v])
                else:
                    later += late[v, 1, i] + max(0, ready - late[v, 0, i])
                lateness = price * later
            elif plain:
                leave = shift_start[v] if i == 0 else early[v, 0, i - 1] + service[prev]
                latest = shift_end[v] if i == n else late[v, 0, i]
                arrive = max(opens[w], leave + travel[prev, u])
                if arrive > closes[w] or arrive + service[u] + travel[u, nxt] > latest:
                    continue
            elif not _fits_between(
                u,
                v,
                i,
                n,
                prev,
                nxt,
                early,
                late,
                travel,
                cost,
                cls,
                service,
                opens,
                closes,
                windows_from,
                gain,
                start,
                end,
                shift_start,
                shift_end,
                max_stops,
                max_travel,
                break_min,
                break_max,
                break_length,
                penalty,
            ):
                continue
            delta = detour + lateness
            if delta >= best:
                continue
            extra = travel[prev, u] + travel[u, nxt] - (travel[prev, nxt] if n else 0)
            if rtravel[v] + extra <= max_travel[v]:
                best, best_v, best_i = delta, v, i
    return best, best_v, best_i


@njit(cache=True, inline="always")
def _insert(
    u: int,
    v: int,
    i: int,
    route: NDArray[np.int64],
    length: NDArray[np.int64],
    early: NDArray[np.int64],
    late: NDArray[np.int64],
    rcost: NDArray[np.int64],
    rtravel: NDArray[np.int64],
    rwarp: NDArray[np.int64],
    where: NDArray[np.int64],
    travel: NDArray[np.int64],
    cost: NDArray[np.int64],
    cls: NDArray[np.int64],
    service: NDArray[np.int64],
    opens: NDArray[np.int64],
    closes: NDArray[np.int64],
    windows_from: NDArray[np.int64],
    gain: NDArray[np.int64],
    start: NDArray[np.int64],
    end: NDArray[np.int64],
    shift_start: NDArray[np.int64],
    shift_end: NDArray[np.int64],
    max_stops: NDArray[np.int64],
    max_travel: NDArray[np.int64],
    break_min: NDArray[np.int64],
    break_max: NDArray[np.int64],
    break_length: NDArray[np.int64],
    penalty: NDArray[np.int64],
) -> bool:
    """Stop `u` into route `v` at position `i`, the route retimed; whether it holds."""
    n = length[v]
    for q in range(n, i, -1):
        route[v, q] = route[v, q - 1]
    route[v, i] = u
    length[v] = n + 1
    where[u] = v
    return _retime(
        v, route, length, early, late, rcost, rtravel, rwarp, travel, cost, cls, service, opens,
        closes, windows_from, gain, start, end, shift_start, shift_end, max_stops, max_travel,
        break_min, break_max, break_length, penalty,
    )  # fmt: skip


@njit(cache=True)
def _fill(order: NDArray[np.int64], plan: _Plan, fixed: _Fixed) -> None:
    """Every left-out stop of `order`, in that order, where it fits cheapest and pays."""
    route, length, early, late, rcost, rtravel, rwarp, where = plan
    (
        travel,
        cost,
        cls,
        service,
        opens,
        closes,
        windows_from,
        gain,
        start,
        end,
        shift_start,
        shift_end,
        max_stops,
        max_travel,
        break_min,
        break_max,
        break_length,
        penalty,
    ) = fixed
    for u in order:
        if where[u] >= 0:
            continue
        _, v, i = _best_insertion(
            u, 0.0, 0, route, length, early, late, rtravel, rwarp, travel, cost, cls, service,
            opens, closes, windows_from, gain, start, end, shift_start, shift_end, max_stops,
            max_travel, break_min, break_max, break_length, penalty,
        )  # fmt: skip
        if v >= 0:
            _insert(
                u, v, i, route, length, early, late, rcost, rtravel, rwarp, where, travel, cost,
                cls, service, opens, closes, windows_from, gain, start, end, shift_start, shift_end,
                max_stops, max_travel, break_min, break_max, break_length, penalty,
            )  # fmt: skip


@njit(cache=True)
def _steps(
    n_steps: int,
    heat: float,
    plan: _Plan,
    kept: _Plan,
    best_route: NDArray[np.int64],
    best_length: NDArray[np.int64],
    state: NDArray[np.int64],
    fixed: _Fixed,
    near: NDArray[np.int64],
    offered: NDArray[np.bool_],
) -> None:
    """`n_steps` ruin-and-recreate steps from the kept plan (`kept`, which `plan` equals on
    entry). `state` holds [kept objective, best objective, steps, accepted, improved, steps
    that kept a plan on time, the kept plan's lateness]; with a price on lateness (`penalty`),
    the kept objective includes it, and only a plan on time can be the best."""
    route, length, early, late, rcost, rtravel, rwarp, where = plan
    (
        keep_route,
        keep_length,
        keep_early,
        keep_late,
        keep_rcost,
        keep_rtravel,
        keep_rwarp,
        keep_where,
    ) = kept
    (
        travel,
        cost,
        cls,
        service,
        opens,
        closes,
        windows_from,
        gain,
        start,
        end,
        shift_start,
        shift_end,
        max_stops,
        max_travel,
        break_min,
        break_max,
        break_length,
        penalty,
    ) = fixed
    n_vehicles = length.shape[0]
    n_stops = where.shape[0]
    k_near = near.shape[1]
    ruined = np.zeros(n_vehicles, dtype=np.bool_)
    broken = np.zeros(n_vehicles, dtype=np.bool_)
    removed = np.empty(n_stops, dtype=np.int64)
    candidates = np.empty(n_stops, dtype=np.int64)
    seen = np.zeros(n_stops, dtype=np.bool_)
    keys = np.empty(n_stops, dtype=np.float64)
    credited = np.empty(n_stops, dtype=np.int64)
    for _ in range(n_steps):
        # Ruin: strings from the routes of the seed's nearest served stops.
        served = 0
        used = 0
        for v in range(n_vehicles):
            served += length[v]
            if length[v] > 0:
                used += 1
            ruined[v] = False
        mean_card = served / used if used > 0 else 1.0
        ls_max = min(float(MOST_STRING), mean_card)
        ks_max = 4.0 * MEAN_REMOVED / (1.0 + ls_max) - 1.0
        ks = int(np.random.random() * ks_max) + 1
        if served > 0 and np.random.random() < SERVED_SEED:
            r = np.random.randint(served)
            v = 0
            while r >= length[v]:
                r -= length[v]
                v += 1
            seed = route[v, r]
        else:
            seed = np.random.randint(n_stops)
            while not offered[seed]:
                seed = np.random.randint(n_stops)
        n_removed = 0
        n_ruined = 0
        for j in range(k_near):
            if n_ruined >= ks:
                break
            c = near[seed, j]
            v = where[c]
            if v < 0 or ruined[v]:
                continue
            n = length[v]
            lt_max = min(float(n), ls_max)
            lt = int(np.random.random() * lt_max) + 1
            p = 0
            while route[v, p] != c:
                p += 1
            # A split string spans lt + kept visits around the stop and keeps `kept` of them
            # in a row (see SPLIT_DEPTH: in practice the route's ends go).
            kept_run = 0
            if lt < n and np.random.random() < SPLIT:
                kept_run = 1
                while kept_run < n - lt and np.random.random() > SPLIT_DEPTH:
                    kept_run += 1
            span = lt + kept_run
            lo = max(0, p - span + 1)
            hi = min(p, n - span)
            first = lo + np.random.randint(hi - lo + 1)
            keep_from = first + np.random.randint(lt + 1)
            w = first
            for q in range(first, n):
                if q < first + span and not (keep_from <= q < keep_from + kept_run):
                    node = route[v, q]
                    removed[n_removed] = node
                    n_removed += 1
                    where[node] = -1
                else:
                    route[v, w] = route[v, q]
                    w += 1
            length[v] = n - lt
            # Fewer visits break a day only where a way is missing (A-B-C without A-C): such a
            # step is not kept, unless a stop put back mends it.
            broken[v] = not _retime(
                v, route, length, early, late, rcost, rtravel, rwarp, travel, cost, cls, service,
                opens, closes, windows_from, gain, start, end, shift_start, shift_end, max_stops,
                max_travel, break_min, break_max, break_length, penalty,
            )  # fmt: skip
            ruined[v] = True
            n_ruined += 1
        # Recreate: the removed and the left-out stops near the seed, in one of SISR's orders.
        n_cand = 0
        for j in range(n_removed):
            candidates[n_cand] = removed[j]
            seen[removed[j]] = True
            n_cand += 1
        extra = 0
        for j in range(k_near):
            if extra >= NEAR_LEFT_OUT:
                break
            c = near[seed, j]
            if where[c] < 0 and offered[c] and not seen[c]:
                candidates[n_cand] = c
                seen[c] = True
                n_cand += 1
                extra += 1
        for j in range(n_cand):
            seen[candidates[j]] = False
        draw = np.random.random() * (11.0 + BY_VALUE_PER_MINUTE)
        for j in range(n_cand):
            u = candidates[j]
            if draw < 4.0:
                keys[j] = np.random.random()
            elif draw < 8.0:
                keys[j] = -float(gain[u].max())
            elif draw < 10.0:
                keys[j] = -float(travel[seed, u] + travel[u, seed])
            elif draw < 11.0:
                keys[j] = float(travel[seed, u] + travel[u, seed])
            else:
                keys[j] = -float(gain[u].max()) / (
                    float(service[u] + (travel[seed, u] + travel[u, seed]) // 2) + 60.0
                )
        order = np.argsort(keys[:n_cand])
        # On credit, a stop goes in where it fits cheapest even if it does not pay alone; those
        # that still do not pay once the others are in go out again (see CREDIT). Where routes
        # may run late every stop fits somewhere: only where it costs less than twice its prize.
        on_credit = np.random.random() < CREDIT
        n_credited = 0
        for j in range(n_cand):
            u = candidates[order[j]]
            # What the step takes: a place that pays, or on credit (see above) any place, or
            # where routes may run late one that costs less than twice its prize.
            bound = 0
            if on_credit:
                bound = _ANY_PLACE if penalty[0] == 0 else gain[u].max()
            delta, v, i = _best_insertion(
                u, BLINK, bound, route, length, early, late, rtravel, rwarp, travel, cost, cls,
                service, opens, closes, windows_from, gain, start, end, shift_start, shift_end,
                max_stops, max_travel, break_min, break_max, break_length, penalty,
            )  # fmt: skip
            # The bound leaves one more check: below this vehicle's prize, not only the best.
            if v < 0 or (delta >= 0 and penalty[0] > 0 and delta >= gain[u, v]):
                continue
            if delta >= 0:
                credited[n_credited] = u
                n_credited += 1
            broken[v] = not _insert(
                u, v, i, route, length, early, late, rcost, rtravel, rwarp, where, travel, cost,
                cls, service, opens, closes, windows_from, gain, start, end, shift_start, shift_end,
                max_stops, max_travel, break_min, break_max, break_length, penalty,
            )  # fmt: skip
            ruined[v] = True
        for j in range(n_credited - 1, -1, -1):
            u = credited[j]
            v = where[u]
            n = length[v]
            p = 0
            while route[v, p] != u:
                p += 1
            prev = route[v, p - 1] if p > 0 else start[v]
            nxt = route[v, p + 1] if p + 1 < n else end[v]
            c = cls[v]
            # As in `_best_insertion`: a route of one visit costs nothing once it is gone.
            saved = cost[c, prev, u] + cost[c, u, nxt] - (cost[c, prev, nxt] if n > 1 else 0)
            if saved < gain[u, v]:
                continue
            for q in range(p, n - 1):
                route[v, q] = route[v, q + 1]
            length[v] = n - 1
            where[u] = -1
            broken[v] = not _retime(
                v, route, length, early, late, rcost, rtravel, rwarp, travel, cost, cls, service,
                opens, closes, windows_from, gain, start, end, shift_start, shift_end, max_stops,
                max_travel, break_min, break_max, break_length, penalty,
            )  # fmt: skip
        # Accept by simulated annealing.
        value = 0
        lateness = 0
        holds = True
        for v in range(n_vehicles):
            if ruined[v] and broken[v]:
                holds = False
                broken[v] = False
            value += rcost[v]
            lateness += rwarp[v]
            for q in range(length[v]):
                value -= gain[route[v, q], v]
        priced = value + penalty[0] * lateness
        state[2] += 1
        threshold = state[0] - heat * math.log(np.random.random() + 1e-300)
        if holds and priced < threshold:
            state[0] = priced
            state[3] += 1
            state[6] = lateness
            for v in range(n_vehicles):
                if ruined[v]:
                    n = length[v]
                    keep_length[v] = n
                    keep_rcost[v] = rcost[v]
                    keep_rtravel[v] = rtravel[v]
                    keep_rwarp[v] = rwarp[v]
                    keep_route[v, :n] = route[v, :n]
                    keep_early[v, :, :n] = early[v, :, :n]
                    keep_late[v, :, :n] = late[v, :, :n]
            keep_where[:] = where
            if lateness == 0 and value < state[1]:
                state[1] = value
                state[4] += 1
                for v in range(n_vehicles):
                    best_length[v] = length[v]
                    best_route[v, : length[v]] = route[v, : length[v]]
        else:
            for v in range(n_vehicles):
                if ruined[v]:
                    n = keep_length[v]
                    length[v] = n
                    rcost[v] = keep_rcost[v]
                    rtravel[v] = keep_rtravel[v]
                    rwarp[v] = keep_rwarp[v]
                    route[v, :n] = keep_route[v, :n]
                    early[v, :, :n] = keep_early[v, :, :n]
                    late[v, :, :n] = keep_late[v, :, :n]
            where[:] = keep_where
        if state[6] == 0:
            state[5] += 1


@njit(cache=True)
def _exchange(
    a: int,
    plan: _Plan,
    fixed: _Fixed,
    offered: NDArray[np.bool_],
    near: NDArray[np.int64],
    pairs_from: int,
    only_near: bool,
) -> int:
    """The best move that takes served stop `a` out and puts one or two left-out stops in, each
    where it then fits cheapest, made if it pays: by how much it lowered the objective (0: none
    did, and the plan is as it was). The pairs come from the `pairs_from` stops that pay best
    alone; `only_near`: only the left-out stops among `a`'s nearest are tried."""
    route, length, early, late, rcost, rtravel, rwarp, where = plan
    (
        travel,
        cost,
        cls,
        service,
        opens,
        closes,
        windows_from,
        gain,
        start,
        end,
        shift_start,
        shift_end,
        max_stops,
        max_travel,
        break_min,
        break_max,
        break_length,
        penalty,
    ) = fixed
    n_stops = where.shape[0]
    va = where[a]
    n = length[va]
    p = 0
    while route[va, p] != a:
        p += 1
    prev = route[va, p - 1] if p > 0 else start[va]
    nxt = route[va, p + 1] if p + 1 < n else end[va]
    c = cls[va]
    saved = cost[c, prev, a] + cost[c, a, nxt] - (cost[c, prev, nxt] if n > 1 else 0)
    out_delta = gain[a, va] - saved
    holds = _take_out(a, plan, fixed)
    best = 0
    best_b = -1
    best_c = -1
    fit = np.empty(n_stops, dtype=np.int64)
    fit_delta = np.empty(n_stops, dtype=np.int64)
    n_fit = 0
    if holds:
        n_tried = near.shape[1] if only_near else n_stops
        for t in range(n_tried):
            u = near[a, t] if only_near else t
            if where[u] >= 0 or u == a or not offered[u]:
                continue
            delta, v, _ = _best_insertion(
                u, 0.0, _ANY_PLACE, route, length, early, late, rtravel, rwarp, travel, cost, cls,
                service, opens, closes, windows_from, gain, start, end, shift_start, shift_end,
                max_stops, max_travel, break_min, break_max, break_length, penalty,
            )  # fmt: skip
            if v < 0:
                continue
            fit[n_fit] = u
            fit_delta[n_fit] = delta
            n_fit += 1
            if out_delta + delta < best:
                best, best_b, best_c = out_delta + delta, u, -1
        order = np.argsort(fit_delta[:n_fit], kind="mergesort")
        n_fit = min(n_fit, pairs_from)
        fit = fit[order[:n_fit]]
        for j in range(n_fit):
            b = fit[j]
            delta = _insert_best(b, plan, fixed)
            for k in range(n_fit):
                u = fit[k]
                if u == b:
                    continue
                # Only a place that makes the pair better than the best exchange yet.
                delta_u, vu, _ = _best_insertion(
                    u, 0.0, best - out_delta - delta, route, length, early, late, rtravel, rwarp,
                    travel, cost, cls, service, opens, closes, windows_from, gain, start, end,
                    shift_start, shift_end, max_stops, max_travel, break_min, break_max,
                    break_length, penalty,
                )  # fmt: skip
                if vu >= 0 and out_delta + delta + delta_u < best:
                    best, best_b, best_c = out_delta + delta + delta_u, b, u
            _take_out(b, plan, fixed)
    if best_b < 0:
        # Back where it was.
        _insert(
            a, va, p, route, length, early, late, rcost, rtravel, rwarp, where, travel, cost, cls,
            service, opens, closes, windows_from, gain, start, end, shift_start, shift_end,
            max_stops, max_travel, break_min, break_max, break_length, penalty,
        )  # fmt: skip
        return 0
    for u in (best_b, best_c):
        if u >= 0:
            _insert_best(u, plan, fixed)
    return -best


@njit(cache=True)
def _insert_best(u: int, plan: _Plan, fixed: _Fixed) -> int:
    """Left-out stop `u` where it fits cheapest (the caller knows it fits somewhere), the route
    retimed: the change of the objective."""
    route, length, early, late, rcost, rtravel, rwarp, where = plan
    (
        travel,
        cost,
        cls,
        service,
        opens,
        closes,
        windows_from,
        gain,
        start,
        end,
        shift_start,
        shift_end,
        max_stops,
        max_travel,
        break_min,
        break_max,
        break_length,
        penalty,
    ) = fixed
    delta, v, i = _best_insertion(
        u, 0.0, _ANY_PLACE, route, length, early, late, rtravel, rwarp, travel, cost, cls,
        service, opens, closes, windows_from, gain, start, end, shift_start, shift_end, max_stops,
        max_travel, break_min, break_max, break_length, penalty,
    )  # fmt: skip
    _insert(
        u, v, i, route, length, early, late, rcost, rtravel, rwarp, where, travel, cost, cls,
        service, opens, closes, windows_from, gain, start, end, shift_start, shift_end, max_stops,
        max_travel, break_min, break_max, break_length, penalty,
    )  # fmt: skip
    return int(delta)


@njit(cache=True)
def _take_out(u: int, plan: _Plan, fixed: _Fixed) -> bool:
    """Served stop `u` out of its route, the route retimed; whether it holds (see `_steps`)."""
    route, length, early, late, rcost, rtravel, rwarp, where = plan
    (
        travel,
        cost,
        cls,
        service,
        opens,
        closes,
        windows_from,
        gain,
        start,
        end,
        shift_start,
        shift_end,
        max_stops,
        max_travel,
        break_min,
        break_max,
        break_length,
        penalty,
    ) = fixed
    v = where[u]
    n = length[v]
    p = 0
    while route[v, p] != u:
        p += 1
    for q in range(p, n - 1):
        route[v, q] = route[v, q + 1]
    length[v] = n - 1
    where[u] = -1
    return _retime(
        v, route, length, early, late, rcost, rtravel, rwarp, travel, cost, cls, service, opens,
        closes, windows_from, gain, start, end, shift_start, shift_end, max_stops, max_travel,
        break_min, break_max, break_length, penalty,
    )  # fmt: skip


@njit(cache=True)
def _seed_rng(seed: int) -> None:
    np.random.seed(seed)


def _empty_plan(n_vehicles: int, n_stops: int, width: int) -> _Plan:
    route = np.zeros((n_vehicles, width), dtype=np.int64)
    times = np.zeros((n_vehicles, 2, width), dtype=np.int64)
    return (
        route,
        np.zeros(n_vehicles, dtype=np.int64),
        times,
        times.copy(),
        np.zeros(n_vehicles, dtype=np.int64),
        np.zeros(n_vehicles, dtype=np.int64),
        np.zeros(n_vehicles, dtype=np.int64),
        np.full(n_stops, -1, dtype=np.int64),
    )


def search(
    problem: IntegerProblem,
    *,
    deadline: float,
    inactive: frozenset[int] = frozenset(),
    seed: int = 0,
    start: Sequence[Sequence[int]] | None = None,
) -> Routes | None:
    """Stop nodes per vehicle of the best plan found by `deadline` (`time.monotonic()`), from
    `start` (feasible routes) or from nothing; None where no stop could be served. Up to
    `POPULATION_MAX_STOPS` stops a population evolves (`_evolved`), above one annealing."""
    s = _static(problem, inactive)
    if not s.offered.any():
        return None
    fixed = s.fixed()
    _seed_rng(seed)
    rng = np.random.default_rng(seed)
    scale = _heat_scale(s, problem.required)
    began = time.monotonic()
    exchanges_from = deadline - EXCHANGE_SHARE * max(1e-3, deadline - began)
    if problem.n_stops > POPULATION_MAX_STOPS:
        plan = _loaded(start or (), s, fixed, rng)
        found = _annealed(
            plan,
            s,
            fixed,
            scale * START_HEAT,
            scale * END_HEAT,
            exchanges_from,
            _lateness_price(s, scale),
        )[1]
    else:
        found = _evolved(start or (), s, fixed, rng, scale, exchanges_from)
    if not any(found):
        return None
    return _exchanges(found, s, deadline)


def _evolved(
    start: Sequence[Sequence[int]],
    s: _Static,
    fixed: _Fixed,
    rng: np.random.Generator,
    scale: float,
    until: float,
) -> Routes:
    """The best plan of a population evolved until `until`: first `POPULATION` annealings from
    nothing (the first from `start`), then children of two of them (`_spliced`), each annealed
    a little from a lower heat and kept in place of the worst where it is better and new."""
    began = time.monotonic()
    span = max(0.0, until - began)
    population: list[tuple[int, Routes]] = []
    price = _lateness_price(s, scale)
    for k in range(POPULATION):
        plan = _loaded(start if k == 0 else (), s, fixed, rng)
        ends = began + (k + 1) * FIRST_SHARE * span / POPULATION
        population.append(
            _annealed(plan, s, fixed, scale * START_HEAT, scale * END_HEAT, ends, price)
        )
    population.sort(key=lambda member: member[0])
    while (now := time.monotonic()) < until:
        a, b = _parent(population, rng), _parent(population, rng)
        if a == b:
            continue
        child = _spliced(population[a][1], population[b][1], s, fixed, rng)
        ends = min(until, now + CHILD_SHARE * span)
        plan = _loaded(child, s, fixed, rng)
        value, routes = _annealed(plan, s, fixed, scale * CHILD_HEAT, scale * END_HEAT, ends, price)
        if value < population[-1][0] and all(routes != kept for _, kept in population):
            population[-1] = (value, routes)
            population.sort(key=lambda member: member[0])
    return population[0][1]


def _parent(population: list[tuple[int, Routes]], rng: np.random.Generator) -> int:
    """The better of two members drawn at random (a binary tournament)."""
    one, other = rng.choice(len(population), size=2, replace=False)
    return int(one) if population[one][0] <= population[other][0] else int(other)


def _spliced(
    a: Routes, b: Routes, s: _Static, fixed: _Fixed, rng: np.random.Generator
) -> list[list[int]]:
    """Each vehicle's visits of `a` that start before a time drawn between its first and last
    visit in either, then its visits of `b` that start from then on; a stop both keep stays
    where it comes first. The two halves need not fit together (`_loaded` mends the routes)."""
    times_a, times_b = _starts(a, s, fixed), _starts(b, s, fixed)
    child: list[list[int]] = []
    taken: set[int] = set()
    for v in range(len(a)):
        times = times_a[v] + times_b[v]
        # Not anywhere in the shift: a day's visits may take only part of it.
        cut = int(rng.integers(min(times), max(times) + 1)) if times else 0
        nodes = [n for n, t in zip(a[v], times_a[v], strict=True) if t < cut]
        nodes += [n for n, t in zip(b[v], times_b[v], strict=True) if t >= cut]
        child.append([n for n in nodes if n not in taken])
        taken.update(nodes)
    return child


def _starts(routes: Routes, s: _Static, fixed: _Fixed) -> list[list[int]]:
    """Each visit's earliest start, before the break or after it (feasible routes)."""
    plan = _placed(routes, s, fixed)
    starts = []
    for v, nodes in enumerate(routes):
        # A day without a break keeps only the first state (see `_retime`).
        states = 1 if s.break_length[v] < 0 else 2
        starts.append([int(t) for t in plan[2][v, :states, : len(nodes)].min(axis=0)])
    return starts


def _loaded(
    routes: Sequence[Sequence[int]], s: _Static, fixed: _Fixed, rng: np.random.Generator
) -> _Plan:
    """A plan of `routes`, every stop once and on a vehicle that may serve it; a route that
    does not hold loses visits drawn at random until it does. Then every left-out stop where
    it fits cheapest and pays, the most valuable (required) first: a search cut short still
    answers with a full plan, and the steps, which offer only the stops near each ruin, need
    not come across every required stop by chance."""
    plan = _blank(s)
    route, length, where = plan[0], plan[1], plan[7]
    for v, given in enumerate(routes):
        nodes = []
        for n in given:
            if s.offered[n] and s.gain[n, v] >= 0 and where[n] < 0:
                where[n] = v
                nodes.append(n)
        while True:
            route[v, : len(nodes)] = nodes
            length[v] = len(nodes)
            if len(nodes) <= s.max_stops[v] and _retime(v, *plan[:7], *fixed):
                break
            where[nodes.pop(int(rng.integers(len(nodes))))] = -1
    order = np.argsort(-s.gain.max(axis=1), kind="stable").astype(np.int64)
    _fill(order[s.offered[order]], plan, fixed)
    return plan


def _blank(s: _Static) -> _Plan:
    n_stops = s.offered.shape[0]
    return _empty_plan(len(s.start), n_stops, max(1, min(n_stops, int(s.max_stops.max())) + 1))


def _placed(routes: Sequence[Sequence[int]], s: _Static, fixed: _Fixed) -> _Plan:
    """A plan of `routes` as they are (feasible routes), timed."""
    plan = _blank(s)
    for v, nodes in enumerate(routes):
        plan[0][v, : len(nodes)] = nodes
        plan[1][v] = len(nodes)
        plan[7][list(nodes)] = v
        _retime(v, *plan[:7], *fixed)
    return plan


def _annealed(
    plan: _Plan,
    s: _Static,
    fixed: _Fixed,
    hot: float,
    cold: float,
    until: float,
    penalty: float = 0.0,
) -> tuple[int, Routes]:
    """The best plan (its objective and routes) that ruin-and-recreate steps from `plan` find
    by `until`, kept by simulated annealing at a temperature falling from `hot` to `cold`.
    With a `penalty` (a price per second late, where `s.warps()`), the steps may keep late
    routes at that price, which follows how often they keep a plan on time (`ON_TIME`)."""
    route, length = plan[0], plan[1]
    value = int(plan[4].sum()) - sum(
        int(s.gain[route[v, q], v]) for v in range(len(length)) for q in range(length[v])
    )
    state = np.array([value, value, 0, 0, 0, 0, 0], dtype=np.int64)
    first = penalty
    if penalty > 0.0:
        fixed = s.fixed(max(1, round(penalty)))
        for v in range(len(length)):
            _retime(v, *plan[:7], *fixed)
    kept = tuple(a.copy() for a in plan)
    best_route, best_length = route.copy(), length.copy()
    began = time.monotonic()
    span = max(1e-3, until - began)
    n_steps = 10
    while (now := time.monotonic()) < until:
        heat = hot * (cold / hot) ** ((now - began) / span)
        steps, on_time = state[2], state[5]
        _steps(n_steps, heat, plan, kept, best_route, best_length, state, fixed, s.near, s.offered)
        done = time.monotonic()
        if penalty > 0.0:
            share = (state[5] - on_time) / max(1, state[2] - steps)
            penalty *= PRICE_STEP if share < ON_TIME else 1.0 / PRICE_STEP
            penalty = min(max(penalty, first / PRICE_RANGE), first * PRICE_RANGE)
            price = fixed[-1]
            state[0] -= price[0] * state[6]
            price[0] = max(1, round(penalty))
            state[0] += price[0] * state[6]
        per_step = max(done - now, 1e-6) / n_steps
        # The last chunk ends at `until`, not up to a chunk later.
        n_steps = max(1, min(n_steps * 4, int(CHUNK_S / per_step), int((until - done) / per_step)))
    found = tuple(
        tuple(int(n) for n in best_route[v, : best_length[v]]) for v in range(len(length))
    )
    return int(state[1]), found


def _exchanges(routes: Routes, s: _Static, deadline: float) -> Routes:
    """`routes` (feasible) bettered by `_exchange` on each served stop in turn, pass after pass
    while one pays, until `deadline` (`time.monotonic()`)."""
    fixed = s.fixed()
    n_vehicles = len(routes)
    plan = _placed(routes, s, fixed)
    route, length, where = plan[0], plan[1], plan[7]
    rng = np.random.default_rng(0)
    bettered = True
    while bettered and time.monotonic() < deadline:
        bettered = False
        served = np.flatnonzero(where >= 0)
        rng.shuffle(served)
        # Places to check one stop's insertion: between the visits, and on an empty route.
        places = len(served) + n_vehicles
        n_left = int((s.offered & (where < 0)).sum())
        pairs_from = max(2, min(EXCHANGE_PAIRS_FROM, math.isqrt(EXCHANGE_CHECKS // places)))
        only_near = n_left * places > EXCHANGE_CHECKS
        for a in served:
            if time.monotonic() >= deadline:
                break
            if where[a] < 0:
                continue
            if _exchange(int(a), plan, fixed, s.offered, s.near, pairs_from, only_near) > 0:
                bettered = True
    return tuple(tuple(int(n) for n in route[v, : length[v]]) for v in range(n_vehicles))


def _lateness_price(s: _Static, scale: float) -> float:
    """What a second late first costs in the annealings (see `LATENESS_PRICE`); 0 where the
    steps keep every route on time (a day with breaks, a stop with several windows)."""
    return scale * LATENESS_PRICE if s.warps() else 0.0


def _heat_scale(s: _Static, required: NDArray[np.bool_]) -> float:
    """The median of the offered optional stops' best prizes, at least 1: what a visit is worth
    (a required stop's prize is the penalty for leaving it out, far above any plan's worth)."""
    offered = np.flatnonzero(s.offered & ~required)
    if not len(offered):
        return 1.0
    gains = s.gain[offered].max(axis=1).astype(np.float64)
    return max(1.0, float(np.median(gains)))


def _compile() -> None:
    """Compile the steps now (or load them from numba's cache beside this file: 0.3 s; 10 s to
    compile), at import, so that no search's clock runs while it happens."""
    one = np.zeros(1, dtype=np.int64)
    square = np.zeros((1, 1), dtype=np.int64)
    cube = np.zeros((1, 1, 1), dtype=np.int64)
    plan = _empty_plan(1, 1, 1)
    fixed: _Fixed = (
        square, cube, one, one, one, one, np.zeros(2, dtype=np.int64), square, one, one, one,
        one, one, one, one, one, one, one,
    )  # fmt: skip
    _seed_rng(0)
    _fill(one[:0], plan, fixed)
    _steps(0, 1.0, plan, plan, square, one, one, fixed, square, np.ones(1, dtype=np.bool_))
    # One served stop with no window: the exchange finds nothing, but is compiled.
    plan[1][0] = 1
    plan[7][0] = 0
    _exchange(0, plan, fixed, np.ones(1, dtype=np.bool_), square, 2, False)
    _retime(0, *plan[:7], *fixed)


_compile()
