"""Sanity check of the parser and the evaluator against published optimal OPTW paths.

Righini & Salani's DSSR run logs (`toptw/reference/righini_salani_opt/solomon/`) print the
optimal path for m = 1 ("Usr :" node order, "Time :" service starts, "Prize:"). The evaluator
must find each path feasible, score it at the logged prize, and recompute the logged times
(to the 1/10 unit of the Solomon convention). Run: `python -m bench.check_reference`.
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

from bench.evaluate import evaluate, route_times
from bench.toptw import data_dir, instance_paths, load_bks, load_instance

_PATH = re.compile(
    r"Best Feasible Path\s*Prize:\s*(\d+).*?\nUsr\s*:([\d\s]+)\nTime\s*:([\d.\s]+)", re.S
)


def logged_path(log: Path) -> tuple[int, list[int], list[str]] | None:
    """(prize, node order, service start times as text) of the log's last best path, if any."""
    found = _PATH.findall(log.read_text())
    if not found:
        return None
    prize, nodes, times = found[-1]
    return int(prize), [int(v) for v in nodes.split()], times.split()


def main() -> int:
    folder = data_dir() / "toptw" / "reference" / "righini_salani_opt" / "solomon"
    bks = load_bks()
    failures = 0
    for log in sorted(folder.iterdir()):
        parsed = logged_path(log)
        if parsed is None:
            print(f"{log.name:32s} no path in log (skipped)")
            continue
        prize, route, times = parsed
        name = log.name.split("_")[0]
        instance = load_instance(instance_paths(name)[0])
        feasible, score, violations = evaluate(instance, 1, [route])
        starts, back = route_times(instance, route)
        logged = [int(Decimal(t) * instance.scale) for t in times]
        same_times = logged == starts
        best = bks.get((name, 1))
        ok = feasible and score == prize and same_times
        failures += not ok
        print(
            f"{log.name:32s} prize {prize:4d} eval {score:4d} feasible {feasible!s:5s} "
            f"times {'match' if same_times else 'DIFFER'} back {back / instance.scale:7.1f}/"
            f"{instance.tmax / instance.scale:.0f} bks {best.value if best else '-'}"
            + ("" if ok else f"  <-- {violations or (logged, starts)}")
        )
    print("all logged paths check out" if not failures else f"{failures} logged paths FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
