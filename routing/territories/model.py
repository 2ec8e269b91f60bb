"""Plain data for territory design: reps and accounts in, a `TerritoryResult` out.

Hours are hours per week, distances kilometres, values in the caller's currency. A rep's
*target* is the total workload of all accounts times the rep's share of the total capacity;
deviations are relative to it ((workload - target) / target, signed).

Each class validates itself on construction and raises `TerritoryError` (a `ValueError`) with
a message that names the field and the rep or account, so callers can show it as is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from routing.route.model import Point


class TerritoryError(ValueError):
    """The input is malformed: a field is negative, an id is repeated or unknown."""


class LockedAccountError(TerritoryError):
    """Locked accounts belong to a rep who is not in the reps list (a removed rep).

    The optimiser never breaks a lock, and a locked account cannot stay with a rep who is gone,
    so the caller must unlock these accounts (or keep the rep) first. `account_ids` lists all.
    """

    def __init__(self, account_ids: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.account_ids = account_ids

    def __reduce__(self) -> tuple[type[LockedAccountError], tuple[tuple[str, ...], str]]:
        # The design runs in a worker process: the error must cross back whole.
        return (LockedAccountError, (self.account_ids, str(self)))


def _check(value: float, what: str, *, positive: bool = False) -> None:
    if not math.isfinite(value):
        raise TerritoryError(f"{what} must be a finite number, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise TerritoryError(f"{what} must be {'> 0' if positive else '>= 0'}, got {value}")


@dataclass(frozen=True, slots=True)
class TerritoryRep:
    """A sales rep: where they live (territories are measured from home) and weekly hours."""

    id: str
    home: Point
    capacity_h: float = 40.0

    def __post_init__(self) -> None:
        _check(self.capacity_h, f"rep {self.id!r}: capacity_h", positive=True)


@dataclass(frozen=True, slots=True)
class TerritoryAccount:
    """A customer to be served by one rep.

    `workload_h` is the weekly workload: visits per week x (service time + expected travel per
    visit). `visits_per_week` (0.25 = monthly) feeds the drive-burden estimate. `current_rep`
    None means not yet assigned (a new account). A `locked` account stays with its current rep.
    """

    id: str
    point: Point
    workload_h: float
    value: float = 0.0
    current_rep: str | None = None
    locked: bool = False
    visits_per_week: float = 1.0

    def __post_init__(self) -> None:
        where = f"account {self.id!r}"
        _check(self.workload_h, f"{where}: workload_h")
        _check(self.value, f"{where}: value")
        _check(self.visits_per_week, f"{where}: visits_per_week")
        if self.locked and self.current_rep is None:
            raise TerritoryError(f"{where}: locked, but it has no current rep to stay with")


@dataclass(frozen=True, slots=True)
class TerritoryOptions:
    """What to balance, what a move costs, and the search budget.

    Tolerances are relative (0.05 = each rep within +-5% of their target); None leaves that
    measure unbalanced. Value and account-count targets follow the same capacity shares as
    workload. `move_km` prices one moved account in the objective's unit: an account of mean
    workload moves only if that brings it at least `move_km` km closer to its rep (or balance
    needs it). `centre_share` measures that share of each account's distance to the current
    territory's workload-weighted centre instead of the rep's home (a rep with no current
    accounts: the home). `candidates` caps how many nearest reps each account may go to
    (None: 6, widened to 8 where reps are about equally near; all reps when there are <= 8).
    The search stops early once the objective is provably within `gap` (relative) of the best
    possible; 0 searches until optimal or the time limit.
    `time_limit_s` is a wall-clock budget for the whole solve (s). `days_per_week` and
    `speed_kmh`/`circuity` feed the drive-burden estimate.
    """

    workload_tolerance: float = 0.05
    value_tolerance: float | None = None
    count_tolerance: float | None = None
    move_km: float = 10.0
    centre_share: float = 0.0
    candidates: int | None = None
    gap: float = 0.001
    time_limit_s: float = 10.0
    seed: int = 0
    workers: int = 2
    days_per_week: int = 5
    speed_kmh: float = 50.0
    circuity: float = 1.3

    def __post_init__(self) -> None:
        _check(self.workload_tolerance, "workload_tolerance")
        for name in ("value_tolerance", "count_tolerance"):
            value = getattr(self, name)
            if value is not None:
                _check(value, name)
        _check(self.move_km, "move_km")
        _check(self.centre_share, "centre_share")
        if self.centre_share > 1:
            raise TerritoryError(f"centre_share must be within [0, 1], got {self.centre_share}")
        if self.candidates is not None and self.candidates < 1:
            raise TerritoryError(f"candidates must be >= 1, got {self.candidates}")
        _check(self.gap, "gap")
        _check(self.time_limit_s, "time_limit_s", positive=True)
        if self.workers < 1:
            raise TerritoryError(f"workers must be >= 1, got {self.workers}")
        if self.days_per_week < 1:
            raise TerritoryError(f"days_per_week must be >= 1, got {self.days_per_week}")
        _check(self.speed_kmh, "speed_kmh", positive=True)
        if not math.isfinite(self.circuity) or self.circuity < 1:
            raise TerritoryError(f"circuity must be >= 1, got {self.circuity}")


class MoveKind(StrEnum):
    """Why an account changes hands."""

    REASSIGNED = "reassigned"
    """From a rep who stays to another rep; only these cost `move_km`."""
    ORPHANED = "orphaned"
    """Its current rep is not in the reps list (removed), so it had to move."""
    NEW = "new"
    """It had no current rep."""


@dataclass(frozen=True, slots=True)
class Move:
    account_id: str
    from_rep: str | None
    to_rep: str
    kind: MoveKind


@dataclass(frozen=True, slots=True)
class RepFigures:
    """One rep's territory. Hours and km per week; deviations relative and signed.

    `drive_km` / `drive_h` estimate the weekly driving (see `routing.territories.figures`);
    `mean_km_from_home` is the workload-weighted straight-line distance from home.
    """

    rep_id: str
    accounts: int
    value: float
    workload_h: float
    target_h: float
    deviation: float
    value_deviation: float
    count_deviation: float
    visits_per_week: float
    area_km2: float
    drive_km: float
    drive_h: float
    mean_km_from_home: float


@dataclass(frozen=True, slots=True)
class Balance:
    """Requested tolerances against the largest |deviation| achieved, per measure.

    `met` is True when every requested tolerance holds. When no assignment meets them (locks,
    big accounts), the solver widens every tolerance by the least it can (in steps of 1e-4)
    and answers with that instead: `met` is False and the `max_*` fields say what was reached.
    `tightest_proven` says whether the search proved that nothing tighter exists (among each
    account's candidate reps, to within one step); it is True whenever `met` is.
    """

    workload_tolerance: float
    max_workload_deviation: float
    value_tolerance: float | None
    max_value_deviation: float
    count_tolerance: float | None
    max_count_deviation: float
    met: bool
    tightest_proven: bool


@dataclass(frozen=True, slots=True)
class ObjectiveParts:
    """The objective, minimised: `weighted_km` + `move_cost`.

    `weighted_km` is sum of workload (h/week) x km to the anchor (home, or the home/centre
    blend); `move_cost` is `reassigned` x `move_km` x mean account workload. `lower_bound`
    bounds `total` from below over all assignments that give each account one of its candidate
    reps and meet the requested tolerances (a Lagrangian bound); None when they cannot be met.
    """

    weighted_km: float
    reassigned: int
    move_cost: float
    total: float
    lower_bound: float | None


class TerritoryStatus(StrEnum):
    OPTIMAL = "optimal"
    """Proven best among assignments that give each account one of its candidate reps."""
    FEASIBLE = "feasible"
    """The best assignment found within the time limit."""


@dataclass(frozen=True, slots=True)
class TerritoryResult:
    """Every account's rep, what moved, each rep's figures and how well the balance held."""

    assignment: Mapping[str, str]
    moves: tuple[Move, ...]
    reps: tuple[RepFigures, ...]
    balance: Balance
    objective: ObjectiveParts
    status: TerritoryStatus
    solve_time_s: float
