"""Where travel times come from: the interface the planners ask, and the straight-line estimate.

The core never does I/O. A road engine (embedded OSRM, a remote server) lives in the app and is
handed in as a `Travel`; the planners only ask it for a matrix over their places.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from routing.route.matrix import DEFAULT_CIRCUITY, DEFAULT_SPEED_KMH, haversine_matrix
from routing.route.model import Point, ProblemError, TravelMatrix


class Travel(Protocol):
    """Travel durations (s) and distances (m) between places, row = from.

    A pair with no way between them is infinite; an index listed in the matrix's `unreachable`
    says why no route may use it. May raise `TravelError` when the source cannot answer.
    """

    def matrix(self, points: Sequence[Point]) -> TravelMatrix: ...


class TravelError(Exception):
    """The travel source could not answer: `unavailable` when it did not answer at all (down,
    timed out), otherwise it refused or answered something that is not an answer.

    Never answered with a straight-line guess instead: a plan on the wrong travel model would
    look right and fail on the road.
    """

    unavailable = False


@dataclass(frozen=True, slots=True)
class Estimate:
    """Great-circle distance x `circuity` at `speed_kmh`: the model when there is no road data.

    `fitted_to` names the road data the two factors were fitted to, if any (it goes into the
    label, so a plan says which estimate made it).
    """

    circuity: float = DEFAULT_CIRCUITY
    speed_kmh: float = DEFAULT_SPEED_KMH
    fitted_to: str | None = None

    def __post_init__(self) -> None:
        if not self.circuity >= 1.0:
            raise ProblemError(f"circuity must be >= 1, got {self.circuity}")
        if not self.speed_kmh > 0:
            raise ProblemError(f"speed must be > 0, got {self.speed_kmh}")

    @property
    def detail(self) -> str:
        words = (
            f"straight-line distance x {self.circuity:.2f} at {self.speed_kmh:.0f} km/h"
            " (an estimate: no road data"
        )
        if self.fitted_to:
            return f"{words} here; factors fitted to the roads of {self.fitted_to})"
        return f"{words} is set up)"

    def matrix(self, points: Sequence[Point]) -> TravelMatrix:
        made = haversine_matrix(points, circuity=self.circuity, speed_kmh=self.speed_kmh)
        return replace(made, model="estimate", model_detail=self.detail)


__all__ = ["Estimate", "Travel", "TravelError"]
