"""The CP-SAT model of territory design: the one module of the territory code that talks to
OR-Tools (its Python API moves between releases; one file is one place to fix).

Only "free" accounts are variables (one boolean per candidate rep, exactly one true); the others
stay where the warm start put them and enter the balance constraints as constants. The integers
come from `Instance.scaled` (see `Scaled`: sound rounding, so the model never accepts an
assignment that breaks the real bounds).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from routing.territories.instance import BoolArray, Instance, IntArray


@dataclass(frozen=True, slots=True)
class Outcome:
    rep_of: IntArray
    relax: int
    optimal: bool


class _StopWhenBelow(cp_model.CpSolverSolutionCallback):
    """Ends the search at the first solution whose objective is <= `threshold`."""

    def __init__(self, threshold: float) -> None:
        super().__init__()
        self.threshold = threshold

    def on_solution_callback(self) -> None:
        if self.objective_value <= self.threshold:
            self.stop_search()


def solve_core(
    inst: Instance,
    free: BoolArray,
    hint: IntArray,
    *,
    relax: int | None,
    deadline: float,
    seed: int,
    workers: int,
    good_enough: float | None = None,
) -> Outcome | None:
    """Re-decide the `free` accounts starting from `hint` (a rep index per account).

    With `relax` None, find the smallest relax that an assignment allows (ties broken
    arbitrarily); otherwise minimise cost within that relax, stopping early at a solution whose
    total cost (in `Instance.cost` units, fixed accounts included) is <= `good_enough`. None
    when no solution was found by `deadline` (monotonic clock; building the model counts).
    """
    model = cp_model.CpModel()
    scaled = inst.scaled
    n_measures, n_reps = scaled.upper.shape
    limit = inst.needed_relax(hint)
    relax_var = model.new_int_var(0, limit, "relax") if relax is None else None
    fixed = ~free
    terms: list[list[tuple[cp_model.IntVar, int]]] = [[] for _ in range(n_reps)]
    choices: list[tuple[int, list[tuple[cp_model.IntVar, int]]]] = []
    objective: list[tuple[cp_model.IntVar, int]] = []
    for i in np.flatnonzero(free).tolist():
        options = []
        for k in np.flatnonzero(inst.valid[i]).tolist():
            rep = int(inst.cand[i, k])
            var = model.new_bool_var("")
            model.add_hint(var, rep == hint[i])
            options.append((var, rep))
            terms[rep].append((var, i))
            objective.append((var, int(scaled.cost[i, k])))
        model.add_exactly_one(var for var, _ in options)
        choices.append((i, options))
    for m in range(n_measures):
        fixed_up = np.bincount(hint[fixed], weights=scaled.up[m][fixed], minlength=n_reps)
        fixed_down = np.bincount(hint[fixed], weights=scaled.down[m][fixed], minlength=n_reps)
        for r in range(n_reps):
            variables = [var for var, _ in terms[r]]
            step = int(scaled.per_relax[m, r])
            slack = step * relax if relax is not None else 0
            up = cp_model.LinearExpr.weighted_sum(
                variables, [int(scaled.up[m, i]) for _, i in terms[r]]
            )
            down = cp_model.LinearExpr.weighted_sum(
                variables, [int(scaled.down[m, i]) for _, i in terms[r]]
            )
            high = int(scaled.upper[m, r] - fixed_up[r]) + slack
            low = int(scaled.lower[m, r] - fixed_down[r]) - slack
            if relax_var is not None:
                model.add(up - step * relax_var <= high)
                model.add(down + step * relax_var >= low)
            else:
                model.add(up <= high)
                model.add(down >= low)
    if relax_var is not None:
        model.add_hint(relax_var, limit)
        model.minimize(relax_var)
    else:
        model.minimize(
            cp_model.LinearExpr.weighted_sum([v for v, _ in objective], [c for _, c in objective])
        )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, deadline - time.monotonic())
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    callback = None
    if good_enough is not None and relax_var is None:
        at_hint = (inst.cand[fixed] == hint[fixed][:, None]) & inst.valid[fixed]
        fixed_cost = int(scaled.cost[fixed][at_hint].sum())
        callback = _StopWhenBelow(good_enough * scaled.cost_factor - fixed_cost)
    status = solver.solve(model, callback)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    rep_of = hint.copy()
    for i, options in choices:
        rep_of[i] = next(rep for var, rep in options if solver.boolean_value(var))
    found_relax = int(solver.value(relax_var)) if relax_var is not None else int(relax or 0)
    return Outcome(rep_of=rep_of, relax=found_relax, optimal=status == cp_model.OPTIMAL)
