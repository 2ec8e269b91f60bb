"""TOPTW benchmark instances (Righini & Salani / Montemanni & Gambardella sets): parsing and BKS.

The format is described in `<data>/toptw/TOPTW_format.txt`. Distances are Euclidean and
truncated (rounded down) to 1 decimal for the Solomon-based instances and to 2 decimals for
the Cordeau-based ones; travel time equals distance. Every time here is multiplied by `scale`
(10 or 100) so that all solvers work on the same exact integers.
"""

from __future__ import annotations

import csv
import math
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

REPO_ROOT = Path(__file__).resolve().parent.parent
SCALES = {"solomon": 10, "cordeau": 100}

# Folders searched, in order, when an instance is named without a path.
_FOLDERS = ("solomon_100", "cordeau_pr01_10", "cordeau_pr11_20", "solomon_200", "solomon_100_50")


def data_dir() -> Path:
    """Root of the shared benchmark data: `$FIELDROUTE_BENCH_DATA` or `<repo>/../shared/bench-data`."""
    env = os.environ.get("FIELDROUTE_BENCH_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "bench-data"


@dataclass(frozen=True)
class Instance:
    """One TOPTW instance on an integer clock (original time units x `scale`).

    Node 0 is the depot; nodes 1..N are customers. Arrays are indexed by node.
    """

    name: str
    family: str  # "solomon" or "cordeau"
    scale: int
    durations: NDArray[np.int64]  # travel time = distance, scaled, truncated
    service: NDArray[np.int64]
    profit: NDArray[np.int64]  # depot profit is 0
    open: NDArray[np.int64]  # earliest service start
    close: NDArray[np.int64]  # latest service start
    depot_open: int
    tmax: int  # depot closing time: every route is back by then

    @property
    def n_customers(self) -> int:
        return len(self.profit) - 1

    @property
    def total_profit(self) -> int:
        return int(self.profit.sum())


def _family(name: str) -> str:
    return "cordeau" if name.lower().startswith("pr") else "solomon"


def _fixed_point(tokens: list[str]) -> tuple[list[int], int]:
    """Exact integers for decimal tokens, all in the same unit 10**-k (k = most decimals seen)."""
    decimals = max((len(t.split(".")[1]) if "." in t else 0) for t in tokens)
    unit = 10**decimals
    values = []
    for token in tokens:
        value = Decimal(token) * unit
        if value != value.to_integral_value():
            raise ValueError(f"{token!r} does not fit 10**-{decimals}")
        values.append(int(value))
    return values, unit


def _scaled_int(token: str, scale: int, what: str) -> int:
    value = Decimal(token) * scale
    if value != value.to_integral_value():
        raise ValueError(f"{what} {token!r} is not a multiple of 1/{scale}")
    return int(value)


def _split_records(body: list[str], n_nodes: int) -> list[list[str]] | None:
    """Cut the token stream into `n_nodes` node records `i x y d S f a list(a) O C`.

    Returns None unless the records are numbered 0..N in order and use up every token, which
    is how a wrong guess about the header length is detected.
    """
    records, pos = [], 0
    for expected in range(n_nodes):
        if pos + 9 > len(body) or body[pos] != str(expected):
            return None
        try:
            n_list = int(body[pos + 6])
        except ValueError:
            return None
        end = pos + 7 + n_list + 2
        if end > len(body):
            return None
        records.append(body[pos:end])
        pos = end
    return records if pos == len(body) else None


def load_instance(path: str | Path) -> Instance:
    """Parse one TOPTW instance file.

    The header is read as a token stream, not by lines: `c204` has its first line split in two,
    and the second header line `D Q` may lack `D`. After `k v N t` come 0, 1 or 2 header tokens;
    the parser takes the count with which the rest splits exactly into N + 1 numbered records.
    """
    path = Path(path)
    name = path.stem
    tokens = path.read_text().split()
    n_nodes = int(tokens[2]) + 1
    records = None
    for n_extra in (2, 1, 0):
        records = _split_records(tokens[4 + n_extra :], n_nodes)
        if records is not None:
            break
    if records is None:
        raise ValueError(f"{path}: cannot split into {n_nodes} node records")

    family = _family(name)
    scale = SCALES[family]
    xs, unit = _fixed_point([r[1] for r in records] + [r[2] for r in records])
    x = np.array(xs[:n_nodes], dtype=np.int64)
    y = np.array(xs[n_nodes:], dtype=np.int64)
    # floor(scale * sqrt(dx^2 + dy^2) / unit) in exact integer arithmetic: float sqrt can land a
    # hair below an exact decimal and truncate one unit too far.
    sq = (x[:, None] - x[None, :]) ** 2 + (y[:, None] - y[None, :]) ** 2
    durations = np.array(
        [[math.isqrt(int(v) * scale * scale) // unit for v in row] for row in sq], dtype=np.int64
    )
    service = np.array([_scaled_int(r[3], scale, "service") for r in records], dtype=np.int64)
    profit = np.array([_scaled_int(r[4], 1, "profit") for r in records], dtype=np.int64)
    opens = np.array([_scaled_int(r[-2], scale, "open") for r in records], dtype=np.int64)
    closes = np.array([_scaled_int(r[-1], scale, "close") for r in records], dtype=np.int64)
    return Instance(
        name=name,
        family=family,
        scale=scale,
        durations=durations,
        service=service,
        profit=profit,
        open=opens,
        close=closes,
        depot_open=int(opens[0]),
        tmax=int(closes[0]),
    )


@dataclass(frozen=True)
class Bks:
    value: int
    source: str

    @property
    def kind(self) -> str:
        """`optimal`, `bks_table` or `lower_bound` (the text before the colon in bks.csv)."""
        return self.source.split(":", 1)[0].strip()


def load_bks(path: str | Path | None = None) -> dict[tuple[str, int], Bks]:
    """Best-known scores keyed by (instance, m) from `bks.csv` (columns instance,m,bks,source)."""
    path = Path(path) if path else data_dir() / "toptw" / "bks.csv"
    with open(path, newline="") as handle:
        return {
            (row["instance"], int(row["m"])): Bks(int(row["bks"]), row["source"])
            for row in csv.DictReader(handle)
        }


def _expand(item: str) -> list[str]:
    """`c101-c109` -> c101..c109 and `pr01-pr10` -> pr01..pr10 (zero padding kept)."""
    if "-" not in item:
        return [item]
    first, last = item.split("-", 1)
    a, b = re.fullmatch(r"(.*?)(\d+)", first), re.fullmatch(r"(.*?)(\d+)", last)
    if not a or not b or a.group(1) != b.group(1):
        raise ValueError(f"bad range {item!r}: both ends need the same prefix and a number")
    width = len(a.group(2))
    lo, hi = int(a.group(2)), int(b.group(2))
    return [f"{a.group(1)}{i:0{width}d}" for i in range(lo, hi + 1)]


def instance_paths(spec: str, root: Path | None = None) -> list[Path]:
    """Resolve `"c101-c109,r101-r112,pr01-pr10"` (names, ranges or file paths) to files."""
    root = root or data_dir() / "toptw"
    paths = []
    for item in (s.strip() for s in spec.split(",")):
        if not item:
            continue
        if item.endswith(".txt") and Path(item).exists():
            paths.append(Path(item))
            continue
        for name in _expand(item):
            found = [
                root / f / f"{name}.txt" for f in _FOLDERS if (root / f / f"{name}.txt").exists()
            ]
            if not found:
                raise FileNotFoundError(f"instance {name!r} not found under {root}")
            paths.append(found[0])
    return paths
