"""TOPTW benchmark: Fieldroute against PyVRP and VROOM on the same instances and wall clock.

Run from the repository root:

    python -m bench.run_toptw --instances c101-c103 --m 1,2 --time-limit 1

Solvers run one after the other, never concurrently, so each has the whole machine. Every
answer is judged by `bench.evaluate` (times recomputed from the instance), never by what a
solver says about itself. An infeasible answer or a crash scores 0 in the summary and is
counted; the table shows the raw score with a flag. Results are measurements, not asserts.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # `python bench/run_toptw.py`: make `bench` and `routing` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.evaluate import evaluate
from bench.toptw import Bks, Instance, instance_paths, load_bks, load_instance

Routes = list[list[int]]
SolverFn = Callable[[Instance, int, float], Routes]
ALL_SOLVERS = ("fieldroute", "pyvrp", "vroom")
"""The default run; `fieldroute-search-only` (Fieldroute without VROOM's start on instances of
200 customers or more, `SolveOptions.vroom_start`) can be asked for too."""
WARM_UP_S = 1.0
# Packages imported before any timing, so no solver pays for an import inside its budget.
_MODULES = {
    "fieldroute": ("routing",),
    "fieldroute-search-only": ("routing",),
    "pyvrp": ("pyvrp",),
    "vroom": ("vroom",),
}


@dataclass(frozen=True)
class Run:
    instance: str
    m: int
    bks: int | None
    solver: str
    score: int  # evaluator's score of the answer as given (also when infeasible)
    feasible: bool
    wall_s: float
    routes: Routes
    violations: tuple[str, ...]
    error: str = ""

    @property
    def counted(self) -> int:
        """Score used in the summary: an infeasible answer or a crash counts as 0."""
        return self.score if self.feasible and not self.error else 0

    @property
    def gap_pct(self) -> float | None:
        if not self.bks:
            return None
        return 100.0 * (self.bks - self.counted) / self.bks


def make_solvers(
    names: list[str], seed: int, workers: int, vroom_threads: int
) -> dict[str, SolverFn]:
    from bench.fieldroute import solve_fieldroute
    from bench.peers import solve_pyvrp, solve_vroom

    table: dict[str, SolverFn] = {
        "fieldroute": lambda i, m, t: solve_fieldroute(i, m, t, seed=seed, workers=workers),
        "fieldroute-search-only": lambda i, m, t: solve_fieldroute(
            i, m, t, seed=seed, workers=workers, vroom_start=False
        ),
        "pyvrp": lambda i, m, t: solve_pyvrp(i, m, t, seed=seed),
        "vroom": lambda i, m, t: solve_vroom(i, m, t, threads=vroom_threads),
    }
    unknown = [n for n in names if n not in table]
    if unknown:
        raise SystemExit(f"unknown solver(s) {unknown}; choose from {list(table)}")
    for name in names:
        for module in _MODULES[name]:
            importlib.import_module(module)
    return {n: table[n] for n in names}


def run_one(
    solver: str, fn: SolverFn, instance: Instance, m: int, limit: float, bks: Bks | None
) -> Run:
    started = time.perf_counter()
    try:
        routes, error = fn(instance, m, limit), ""
    except Exception as exc:  # a crash is a result too; keep going with the other runs
        routes, error = [], f"{type(exc).__name__}: {exc}"
        traceback.print_exc(file=sys.stderr)
    wall = time.perf_counter() - started
    feasible, score, violations = evaluate(instance, m, routes)
    return Run(
        instance=instance.name,
        m=m,
        bks=bks.value if bks else None,
        solver=solver,
        score=score,
        feasible=feasible and not error,
        wall_s=wall,
        routes=routes,
        violations=tuple(violations),
        error=error,
    )


def _cell(run: Run) -> str:
    flag = "ERR" if run.error else ("ok" if run.feasible else "INF")
    return f"{run.score:6d} {run.wall_s:6.2f}s {flag:3s}"


def _header(solvers: list[str]) -> str:
    head = f"{'instance':9s} {'m':>1s} {'bks':>5s} {'kind':11s}"
    return head + "".join(f" | {name:>19s}" for name in solvers)


def _row(runs: list[Run], bks: Bks | None) -> str:
    first = runs[0]
    kind = bks.kind if bks else "-"
    head = f"{first.instance:9s} {first.m:1d} {first.bks if first.bks else '-':>5} {kind:11s}"
    return head + "".join(f" | {_cell(r)}" for r in runs)


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.4f}" if b else "n/a"


def summarise(runs: list[Run], solvers: list[str], limit: float) -> list[str]:
    lines = [
        "",
        f"summary over {len(runs) // max(1, len(solvers))} (instance, m) pairs, "
        f"time limit {limit:g} s; infeasible or failed answers count as score 0",
    ]
    lines.append(
        f"{'solver':11s} {'mean score':>10s} {'mean gap %':>10s} {'infeasible':>10s} "
        f"{'errors':>6s} {'max wall s':>10s} {'over limit+0.5s':>15s}"
    )
    means: dict[str, float] = {}
    for name in solvers:
        mine = [r for r in runs if r.solver == name]
        if not mine:
            continue
        means[name] = statistics.fmean(r.counted for r in mine)
        gaps = [g for r in mine if (g := r.gap_pct) is not None]
        lines.append(
            f"{name:11s} {means[name]:10.2f} {statistics.fmean(gaps) if gaps else float('nan'):10.2f} "
            f"{sum(not r.feasible and not r.error for r in mine):10d} {sum(bool(r.error) for r in mine):6d} "
            f"{max(r.wall_s for r in mine):10.2f} {sum(r.wall_s > limit + 0.5 for r in mine):15d}"
        )
    if "fieldroute" in means:
        by_key = {(r.instance, r.m, r.solver): r for r in runs}
        for peer in ("pyvrp", "vroom"):
            if peer not in means:
                continue
            lines.append(
                f"ratio of mean scores fieldroute/{peer}: {_ratio(means['fieldroute'], means[peer])}"
            )
            worse = [
                f"{r.instance}/m{r.m} ({r.counted} < {by_key[(r.instance, r.m, peer)].counted})"
                for r in runs
                if r.solver == "fieldroute" and r.counted < by_key[(r.instance, r.m, peer)].counted
            ]
            better = sum(
                r.counted > by_key[(r.instance, r.m, peer)].counted
                for r in runs
                if r.solver == "fieldroute"
            )
            lines.append(
                f"fieldroute < {peer}: {len(worse)} ({', '.join(worse) or 'none'}); "
                f"fieldroute > {peer}: {better}"
            )
    return lines


def _csv_row(run: Run, bks: Bks | None, limit: float) -> list[object]:
    return [
        run.instance,
        run.m,
        run.bks if run.bks is not None else "",
        bks.kind if bks else "",
        run.solver,
        run.score,
        int(run.feasible),
        f"{run.wall_s:.3f}",
        limit,
        sum(1 for r in run.routes if r),
        # Routes are kept so that any result can be re-checked later with bench.evaluate.
        "|".join(" ".join(str(v) for v in r) for r in run.routes if r),
        "; ".join(run.violations[:5]),
        run.error,
    ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--instances",
        default="c101-c109,r101-r112,pr01-pr10",
        help="names, ranges (c101-c109) or .txt paths, comma separated",
    )
    parser.add_argument("--m", default="1,2", help="numbers of vehicles, comma separated")
    parser.add_argument(
        "--time-limit", type=float, default=10.0, help="wall-clock seconds per solve"
    )
    parser.add_argument("--solvers", default=",".join(ALL_SOLVERS))
    parser.add_argument("--workers", type=int, default=2, help="Fieldroute SolveOptions.workers")
    parser.add_argument("--vroom-threads", type=int, default=2, help="VROOM nb_threads")
    parser.add_argument("--seed", type=int, default=0, help="seed for Fieldroute and PyVRP")
    parser.add_argument(
        "--csv",
        type=Path,
        default=None,
        help="output CSV (default bench/results/toptw-<timestamp>.csv)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    solvers = [s.strip() for s in args.solvers.split(",") if s.strip()]
    ms = [int(v) for v in args.m.split(",") if v.strip()]
    paths = instance_paths(args.instances)
    bks_table = load_bks()
    fns = make_solvers(solvers, args.seed, args.workers, args.vroom_threads)
    csv_path = args.csv or Path(__file__).resolve().parent / "results" / (
        f"toptw-{datetime.now(UTC):%Y%m%d-%H%M%S}.csv"
    )
    csv_path.parent.mkdir(parents=True, exist_ok=True)

    print(
        f"TOPTW benchmark: {len(paths)} instances x m={ms} x {solvers}, "
        f"{args.time_limit:g} s each, seed {args.seed}, fieldroute workers {args.workers}, "
        f"vroom threads {args.vroom_threads}; csv {csv_path}",
        flush=True,
    )
    # First calls pay for imports, one-off setup and (Fieldroute) starting its worker pool;
    # one untimed solve each keeps that out of the first instance's budget.
    warm = load_instance(paths[0])
    for name in solvers:
        try:
            fns[name](warm, 1, WARM_UP_S)
        except Exception as exc:  # only a warm-up: report it, the timed runs will show it too
            print(f"warm-up: {name} raised {type(exc).__name__}: {exc}", flush=True)
    print(f"warm-up done (one untimed {WARM_UP_S:g} s solve per solver on {warm.name})", flush=True)
    print(_header(solvers), flush=True)
    runs: list[Run] = []
    with open(csv_path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "instance",
                "m",
                "bks",
                "bks_kind",
                "solver",
                "score",
                "feasible",
                "wall_s",
                "time_limit_s",
                "n_routes",
                "routes",
                "violations",
                "error",
            ]
        )
        for path in paths:
            instance = load_instance(path)
            for m in ms:
                bks = bks_table.get((instance.name, m))
                row = [run_one(s, fns[s], instance, m, args.time_limit, bks) for s in solvers]
                for run in row:
                    writer.writerow(_csv_row(run, bks, args.time_limit))
                handle.flush()
                runs.extend(row)
                print(_row(row, bks), flush=True)
                for run in row:
                    if run.violations or run.error:
                        detail = run.error or "; ".join(run.violations[:3])
                        print(f"    {run.solver} {run.instance}/m{m}: {detail}", flush=True)
    for line in summarise(runs, solvers, args.time_limit):
        print(line)
    print(f"csv: {csv_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
