"""The coverage model: what it costs a year to serve each account in the field, against what
it is worth, and whether to visit it (`field`), alternate visits with remote touches (`hybrid`)
or look after it remotely only (`remote`).

Per account, all of it vectorised (numpy) so a team of 10,000 accounts takes well under a
second:

- **visits a year** `365 / cadence_days` in the field; half of them `hybrid` (every other
  contact is a touch); none `remote`;
- **marginal cost of a visit** = its detour (what adding the account to its rep's day adds in
  driving: `detour_s`, `detour_m`) priced at the rep's rates, plus its service time priced at
  the rep's working-hour rate:

      cost = detour_h x (per_hour + per_working_hour) + detour_km x per_km
             + service_h x per_working_hour

  The detour is the account's insertion cost in its rep's stored plans when it was planned
  (`route_insertions`, source `plan`), else an estimate (`neighbour_detours`, source
  `neighbours`): its share of a route through its neighbourhood, half the way in from its
  nearest place of the same rep (the other accounts and the rep's home) and out to the next,
  on the straight-line estimate, stretched because a day's route holds only the accounts due
  that day (`neighbour_detours`);
- **ratio** = the field cost of a year of visits / the account's value a year (an account worth
  nothing has an infinite ratio);
- **recommendation**: ratio above `thresholds.remote` -> remote, above `thresholds.hybrid` ->
  hybrid, else field;
- **value at risk a year**: a visit replaced by a touch keeps only `touch_share` of what the
  visit protects (`routing.days.value`), and a year of visits protects `value_share` of the
  value, so `value x value_share x (1 - touch_share) x` the share of the visits replaced
  (0 field, 1/2 hybrid, 1 remote).

The default thresholds come from the same weights (README, "Coverage: field, hybrid or
remote"): `hybrid = (1 - touch_share) x value_share` (above it, the visits a touch replaces
cost more than the protection they add over a touch) and `remote = value_share` (above it, a
year of visits costs more than all the value visits protect).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from routing.days.value import DAYS_PER_YEAR, ValueWeights
from routing.route.matrix import DEFAULT_CIRCUITY, DEFAULT_SPEED_KMH, EARTH_RADIUS_M
from routing.route.model import ProblemError, TravelMatrix

FIELD, HYBRID, REMOTE = 0, 1, 2
COVERAGES = ("field", "hybrid", "remote")
"""Coverage codes (the index) and their names, as `app.models.accounts.COVERAGES`."""
VISIT_SHARE = np.array([1.0, 0.5, 0.0])
"""The share of an account's cadence visits made in person, per coverage code."""
PLAN, NEIGHBOURS = 0, 1
SOURCES = ("plan", "neighbours")
"""Where a detour comes from: the rep's stored plans, or the nearest-places estimate."""
WEEKS_PER_YEAR = DAYS_PER_YEAR / 7
MAX_RATIO = 1000.0
"""The largest threshold that means anything: a year of visits costing 1,000 times the value."""

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Cost a year / value a year above which an account goes hybrid, and remote."""

    hybrid: float
    remote: float

    def __post_init__(self) -> None:
        for name in ("hybrid", "remote"):
            ratio = getattr(self, name)
            if not math.isfinite(ratio) or ratio <= 0:
                raise ProblemError(
                    f"{name} must be a ratio > 0 (at 0 the cost is above every value and "
                    f"every account leaves the field), got {ratio!r}"
                )
            if ratio > MAX_RATIO:
                raise ProblemError(f"{name} must be at most {MAX_RATIO:g}, got {ratio!r}")
        if self.hybrid > self.remote:
            raise ProblemError(
                f"hybrid ({self.hybrid:g}) must not be above remote ({self.remote:g}): an "
                "account goes hybrid before it goes remote"
            )

    @classmethod
    def default(cls, weights: ValueWeights) -> Thresholds:
        """The thresholds the value weights argue for (module docstring); a touch worth a whole
        visit (`touch_share` 1) makes no account hybrid before remote, so hybrid = remote."""
        remote = weights.value_share if weights.value_share > 0 else 0.1
        hybrid = max((1 - weights.touch_share) * remote, 1e-6)
        return cls(hybrid=hybrid, remote=remote)


@dataclass(frozen=True, slots=True)
class CoverageAccounts:
    """The accounts, one entry per account in every array; `rep` indexes `CoverageReps`."""

    value: Floats
    cadence_days: Floats
    service_s: Floats
    detour_s: Floats
    detour_m: Floats
    rep: Ints
    coverage: Ints
    """The current coverage code (`COVERAGES`)."""

    def __post_init__(self) -> None:
        n = self.value.shape[0]
        for name in ("cadence_days", "service_s", "detour_s", "detour_m", "rep", "coverage"):
            if getattr(self, name).shape != (n,):
                raise ProblemError(f"{name} must have one entry per account ({n})")
        if n and not (np.all(np.isfinite(self.value)) and np.all(self.value >= 0)):
            raise ProblemError("value must be finite and >= 0 for every account")
        if n and not np.all(self.cadence_days >= 1):
            raise ProblemError("cadence_days must be >= 1 for every account")
        for name in ("service_s", "detour_s", "detour_m"):
            amounts = getattr(self, name)
            if n and not (np.all(np.isfinite(amounts)) and np.all(amounts >= 0)):
                raise ProblemError(f"{name} must be finite and >= 0 for every account")
        if n and not np.all((self.coverage >= FIELD) & (self.coverage <= REMOTE)):
            raise ProblemError("coverage must be a code of COVERAGES")


@dataclass(frozen=True, slots=True)
class CoverageReps:
    """The reps' cost rates (`routing.Costs`' meaning), one entry per rep."""

    per_hour: Floats
    per_km: Floats
    per_working_hour: Floats


@dataclass(frozen=True, slots=True)
class Coverage:
    """The model's answer, per account (arrays in the order of the input) and summed up."""

    visits_a_year: Floats
    """Visits a year in the field, were the account visited at its cadence."""
    cost_per_visit: Floats
    hours_per_visit: Floats
    ratio: Floats
    """Field cost a year (all visits) / value a year; inf for an account worth nothing."""
    recommended: Ints
    before: Totals
    after: Totals


@dataclass(frozen=True, slots=True)
class Totals:
    """A team's field work and risk under one coverage of its accounts."""

    accounts: tuple[int, int, int]
    """Accounts per coverage code."""
    visits_a_year: float
    field_hours_a_week: float
    field_cost_a_year: float
    value_at_risk_a_year: float

    @property
    def cost_per_visit(self) -> float | None:
        return self.field_cost_a_year / self.visits_a_year if self.visits_a_year else None


def coverage_model(
    accounts: CoverageAccounts,
    reps: CoverageReps,
    thresholds: Thresholds,
    weights: ValueWeights,
) -> Coverage:
    """Each account's cost to serve against its value, its recommendation, and the totals with
    the current coverage (`before`) and the recommended one (`after`)."""
    rep = accounts.rep
    visits = DAYS_PER_YEAR / accounts.cadence_days
    detour_h = accounts.detour_s / 3600.0
    service_h = accounts.service_s / 3600.0
    cost = (
        detour_h * (reps.per_hour[rep] + reps.per_working_hour[rep])
        + accounts.detour_m / 1000.0 * reps.per_km[rep]
        + service_h * reps.per_working_hour[rep]
    )
    hours = detour_h + service_h
    field_cost = visits * cost
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(accounts.value > 0, field_cost / accounts.value, np.inf)
    recommended = np.where(
        ratio > thresholds.remote, REMOTE, np.where(ratio > thresholds.hybrid, HYBRID, FIELD)
    ).astype(np.int64)
    risk_per_replaced = accounts.value * weights.value_share * (1.0 - weights.touch_share)

    def totals(codes: Ints) -> Totals:
        share = VISIT_SHARE[codes]
        made = visits * share
        counts = np.bincount(codes, minlength=3)
        return Totals(
            accounts=(int(counts[0]), int(counts[1]), int(counts[2])),
            visits_a_year=float(made.sum()),
            field_hours_a_week=float((made * hours).sum() / WEEKS_PER_YEAR),
            field_cost_a_year=float((made * cost).sum()),
            value_at_risk_a_year=float((risk_per_replaced * (1.0 - share)).sum()),
        )

    return Coverage(
        visits_a_year=visits,
        cost_per_visit=cost,
        hours_per_visit=hours,
        ratio=ratio,
        recommended=recommended,
        before=totals(accounts.coverage),
        after=totals(recommended),
    )


def route_insertions(matrix: TravelMatrix) -> tuple[Floats, Floats]:
    """What each stop of a route adds to it: for a route over the matrix's indices in order
    (start, stops..., end), stop i's `d(i-1, i) + d(i, i+1) - d(i-1, i+1)`, in seconds and
    metres (never below 0); one entry per stop (the matrix size less 2)."""
    if matrix.size < 3:
        empty = np.zeros(0, dtype=np.float64)
        return empty, empty.copy()
    i = np.arange(1, matrix.size - 1)

    def added(m: Floats) -> Floats:
        detour = m[i - 1, i] + m[i, i + 1] - m[i - 1, i + 1]
        return np.maximum(np.where(np.isfinite(detour), detour, 0.0), 0.0)

    return added(matrix.durations_s), added(matrix.distances_m)


def neighbour_detours(
    lat: Floats,
    lon: Floats,
    rep: Ints,
    home_lat: Floats,
    home_lon: Floats,
    *,
    circuity: float = DEFAULT_CIRCUITY,
    speed_kmh: float = DEFAULT_SPEED_KMH,
    stops_a_day: Floats | None = None,
    chunk: int = 512,
) -> tuple[Floats, Floats]:
    """An account's drive per visit when it is in no plan: its share of a route through its
    neighbourhood, `(d(a, n1) + d(a, n2)) / 2` for its two nearest places of the same rep (the
    rep's other accounts and home); alone with the home, the round trip. Seconds and metres on
    the straight-line estimate.

    A day's route visits only `stops_a_day` (per rep) of the rep's `n` accounts, and in a
    scatter the distance to the nearest of them grows as one over the square root of their
    density: the way is stretched by `sqrt(n / stops_a_day)` (never shrunk). On the Baltimore
    demo's plans this brings the estimate from a third of the plans' insertion cost to about
    it (README, "Coverage").

    Why not the insertion between the two nearest (`d(a, n1) + d(a, n2) - d(n1, n2)`): for
    accounts in a row it is 0, as if a street of customers cost nothing to serve; the stored
    plans' insertion (`route_insertions`) is the marginal cost where there is one. Nearest by
    an equirectangular projection (exact enough to rank neighbours within a territory);
    distances by the haversine. Memory per rep stays at `chunk` x its places.
    """
    if circuity < 1 or speed_kmh <= 0:
        raise ProblemError("circuity must be >= 1 and speed > 0")
    n = lat.shape[0]
    detour_m = np.zeros(n, dtype=np.float64)
    for r in np.unique(rep):
        members = np.flatnonzero(rep == r)
        places_lat = np.concatenate([lat[members], home_lat[r : r + 1]])
        places_lon = np.concatenate([lon[members], home_lon[r : r + 1]])
        found = _neighbourhood(places_lat, places_lon, len(members), chunk)
        if stops_a_day is not None and stops_a_day[r] > 0:
            found *= math.sqrt(max(1.0, len(members) / float(stops_a_day[r])))
        detour_m[members] = found
    detour_m *= circuity
    return detour_m / (speed_kmh / 3.6), detour_m


def _neighbourhood(lat: Floats, lon: Floats, count: int, chunk: int) -> Floats:
    """For the first `count` places (the last one is the home), half the straight-line way
    from their nearest other place and on to the next nearest; the round trip to the home for
    a lone account."""
    mean_lat = math.radians(float(np.mean(lat)))
    x = np.radians(lon) * math.cos(mean_lat)
    y = np.radians(lat)
    out = np.zeros(count, dtype=np.float64)
    if lat.shape[0] == 2:
        out[:] = 2 * _haversine(lat[:1], lon[:1], lat[1:], lon[1:])
        return out
    for start in range(0, count, chunk):
        rows = np.arange(start, min(count, start + chunk))
        squared = (x[rows, None] - x[None, :]) ** 2 + (y[rows, None] - y[None, :]) ** 2
        squared[np.arange(rows.shape[0]), rows] = np.inf
        nearest = np.argpartition(squared, 1, axis=1)[:, :2]
        a, b = nearest[:, 0], nearest[:, 1]
        here = (lat[rows], lon[rows])
        out[rows] = (_haversine(*here, lat[a], lon[a]) + _haversine(*here, lat[b], lon[b])) / 2
    return out


def _haversine(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats) -> Floats:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    )
    distance: Floats = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return distance


def codes(names: Sequence[str]) -> Ints:
    """Coverage names as the model's codes."""
    return np.array([COVERAGES.index(name) for name in names], dtype=np.int64)
