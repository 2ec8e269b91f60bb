"""Which parallel worker runs which search (`parallel._compiled`): the compiled search on the
second worker, and on the first in the pool, but for the days that rely on OR-Tools' recipe
there (required stops, the largest days) and a search in the solving process's own thread
(which must not import numba)."""

from __future__ import annotations

from routing.route.integer_problem import IntegerProblem, to_integer_problem
from routing.route.parallel import FIRST_COMPILED_MAX_STOPS, _compiled
from tests.routing.route.builders import problem, stop, vehicle


def day(n_stops: int, *, required: bool = False) -> IntegerProblem:
    stops = [stop(f"s{k}", 1 + k % 3, required=required and k == 0) for k in range(n_stops)]
    return to_integer_problem(problem([0, 10, 20, 30], [vehicle()], stops))


def test_the_first_worker_is_compiled_in_the_pool_on_a_day_without_required_stops() -> None:
    plain = day(5)
    assert _compiled(plain, 0, pooled=True)
    assert _compiled(plain, 1, pooled=True)
    assert _compiled(plain, 1, pooled=False)
    # In the solving process's thread (one worker, or the pool still starting): OR-Tools.
    assert not _compiled(plain, 0, pooled=False)
    assert not _compiled(plain, 2, pooled=True)


def test_the_first_worker_keeps_or_tools_for_required_stops_and_the_largest_days() -> None:
    assert not _compiled(day(5, required=True), 0, pooled=True)
    assert _compiled(day(5, required=True), 1, pooled=True)
    largest = day(FIRST_COMPILED_MAX_STOPS + 1)
    assert not _compiled(largest, 0, pooled=True)
    assert _compiled(day(FIRST_COMPILED_MAX_STOPS), 0, pooled=True)
