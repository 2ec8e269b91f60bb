"""What the road benchmarks share: building and opening the OSRM data, places near roads, the
day's accounts, and re-timing a planned route on road times."""

from __future__ import annotations

import math
import random
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from app.roads.build import build_roads, current_manifest
from app.roads.embedded import EmbeddedOsrm, _engine
from app.roads.service import EmbeddedRoads
from app.roads.travel import RoadTravel
from routing import Break, Candidate, Costs, Estimate, Point, Route, TimeWindow, TravelMatrix

EXTRACTS = Path(__file__).resolve().parents[1] / "data" / "roads"
REGIONS = ("baltimore", "liechtenstein")
SNAP_M = 300.0
DAY = date(2026, 12, 7)  # a Monday
H = 3600.0
SHIFT = TimeWindow(8 * H, 18 * H)
LUNCH = Break(TimeWindow(12 * H, 14 * H), 45 * 60.0)
COSTS = Costs(per_hour=40.0, per_km=0.5)
OPENING_HOURS: dict[str, tuple[tuple[TimeWindow, ...], float]] = {  # windows, share
    "all day 08-18": ((TimeWindow(8 * H, 18 * H),), 0.40),
    "mornings 08-12": ((TimeWindow(8 * H, 12 * H),), 0.20),
    "afternoons 13-18": ((TimeWindow(13 * H, 18 * H),), 0.15),
    "closed for lunch 08-12, 13:30-18": (
        (TimeWindow(8 * H, 12 * H), TimeWindow(13.5 * H, 18 * H)),
        0.25,
    ),
}
CADENCE_DAYS = (7, 14, 28, 56, 91)


def road_data(data_dir: Path | None) -> tuple[Path, tempfile.TemporaryDirectory[str] | None]:
    """A data dir holding both regions' OSRM data: `data_dir` if given (built there if
    missing), else a temporary one built now."""
    keep: tempfile.TemporaryDirectory[str] | None = None
    if data_dir is None:
        keep = tempfile.TemporaryDirectory(prefix="fieldroute-roads-")
        data_dir = Path(keep.name)
    for region in REGIONS:
        if current_manifest(data_dir, region) is None:
            manifest = build_roads(EXTRACTS / f"{region}.osm.pbf", data_dir)
            print(
                f"built {region}: {manifest.nodes:,} nodes, {manifest.edges:,} edges, "
                f"{manifest.size_bytes / 1e6:.1f} MB in {manifest.build_s:.2f} s"
            )
    return data_dir, keep


def rss_mb() -> float:
    """This process's resident memory (VmRSS), MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return math.nan


def open_roads(data_dir: Path, region: str) -> RoadTravel:
    """The app's embedded road travel on `region` (its `outside` is the fitted estimate)."""
    roads = EmbeddedRoads(data_dir, region, SNAP_M, Estimate()).current()
    assert roads is not None, f"no road data for {region} under {data_dir}"
    return roads


def engine_of(roads: RoadTravel) -> EmbeddedOsrm:
    assert isinstance(roads.engine, EmbeddedOsrm)
    return roads.engine


def osrm_engine(roads: RoadTravel) -> Any:
    """The opened `osrm.OSRM` object itself (for the bindings-only timing and `Nearest`)."""
    return _engine(engine_of(roads).base)


def near_roads(roads: RoadTravel, rng: random.Random, n: int) -> list[Point]:
    """`n` places drawn uniformly in the road data's box, kept where the engine snaps them
    within `SNAP_M` of a road (Liechtenstein's box is mostly mountains: ~1 in 4 is kept)."""
    assert roads.area is not None
    south, west, north, east = roads.area
    kept: list[Point] = []
    while len(kept) < n:
        batch = [Point(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(250)]
        snapped = roads.engine.table(batch).snapped_m
        kept += [p for p, s in zip(batch, snapped, strict=True) if s is not None and s <= SNAP_M]
    return kept[:n]


def onto_roads(roads: RoadTravel, points: Sequence[Point]) -> list[Point]:
    """Each point moved to where a table snaps it: OSRM's `nearest` may pick a tiny road
    island that tables avoid (in Liechtenstein 1 place in 15 then lay 500 m from the road the
    table used)."""
    import osrm

    engine = osrm_engine(roads)
    moved: list[Point] = []
    for start in range(0, len(points), 250):
        batch = points[start : start + 250]
        answer = engine.Table(
            osrm.TableParameters(
                coordinates=[(p.lon, p.lat) for p in batch],
                sources=list(range(len(batch))),
                destinations=[0],
                generate_hints=False,
            )
        )
        for source in answer["sources"]:
            lon, lat = source["location"]
            moved.append(Point(float(lat), float(lon)))
    return moved


def day_accounts(rng: random.Random, points: Sequence[Point]) -> list[Candidate]:
    """Accounts like `bench.realistic_day`'s: 20-60 min visits, lognormal values (median
    ~15,000 a year), cadences from weekly to quarterly, last visits 1-120 days ago, and a mix
    of opening hours on `DAY`."""
    names = list(OPENING_HOURS)
    shares = [OPENING_HOURS[name][1] for name in names]
    accounts = []
    for k, point in enumerate(points):
        hours = OPENING_HOURS[rng.choices(names, shares)[0]][0]
        accounts.append(
            Candidate(
                id=f"acc-{k:04d}",
                point=point,
                service_s=rng.randrange(4, 13) * 5 * 60.0,
                annual_value=round(rng.lognormvariate(math.log(15_000), 0.9)),
                cadence_days=rng.choice(CADENCE_DAYS),
                last_visit=DAY - timedelta(days=rng.randint(1, 120)),
                hours={DAY: hours},
            )
        )
    return accounts


@dataclass(frozen=True)
class Driven:
    """A planned route driven on road times: visits made in their window, visits missed, the
    prize earned, road seconds and metres driven, when the day ends, lunch taken late."""

    on_time: int
    late: int
    prize: float
    road_s: float
    road_m: float
    end_s: float
    lunch_late: int

    @property
    def cost(self) -> float:
        return COSTS.per_hour * self.road_s / H + COSTS.per_km * self.road_m / 1000.0

    @property
    def net(self) -> float:
        return self.prize - self.cost

    @property
    def overtime_min(self) -> float:
        return max(0.0, self.end_s - SHIFT.end_s) / 60.0


def _opens(windows: Sequence[TimeWindow], arrival: float) -> float | None:
    """When service can start for a rep arriving at `arrival` (waiting for a window); None
    when every window has closed."""
    for window in sorted(windows, key=lambda w: w.start_s):
        if arrival <= window.end_s:
            return max(arrival, window.start_s)
    return None


def drive(
    route: Route,
    accounts: Mapping[str, Candidate],
    prizes: Mapping[str, float],
    index: Mapping[str, int],
    matrix: TravelMatrix,
    *,
    skip_late: bool,
) -> Driven:
    """Drive `route` (home = matrix index 0) in its order on `matrix`'s times, leaving home
    when the plan does, waiting for opening hours, serving for the planned time and taking the
    planned lunch at the same place in the order (before the drive, or on arriving when the
    plan takes it there, as soon as its window opens). A visit reached
    after its account's last window closes is missed: with `skip_late` the rep knows and drives
    past it; without, the rep drives there, finds it closed and leaves. Missed visits earn
    nothing; the day may run past the shift end (counted, never cut)."""
    durations, distances = matrix.durations_s, matrix.distances_m
    lunch_after = None
    on_arrival = False  # the plan takes lunch at the next place, waiting for it to open
    if route.breaks:
        lunch_start = route.breaks[0].start_s
        lunch_after = sum(s.departure_s <= lunch_start + 1e-6 for s in route.stops)
        if lunch_after < len(route.stops):
            on_arrival = lunch_start >= route.stops[lunch_after].arrival_s - 1e-6
    t = float(route.start_s)
    here = 0
    on_time = late = lunch_late = 0
    prize = road_s = road_m = 0.0

    def lunch(now: float) -> float:
        nonlocal lunch_late
        begins = max(now, LUNCH.window.start_s)
        if begins + LUNCH.duration_s > LUNCH.window.end_s:
            lunch_late += 1
        return begins + LUNCH.duration_s

    for k, stop in enumerate(route.stops):
        if k == lunch_after and not on_arrival:
            t = lunch(t)
        account = accounts[stop.id]
        there = index[stop.id]
        arrival = t + float(durations[here, there])
        if k == lunch_after and on_arrival:
            arrival = lunch(arrival)
        start = _opens((account.hours or {}).get(DAY, (SHIFT,)), arrival)
        if start is None:
            late += 1
            if skip_late:
                continue
            leaves = arrival  # finds it closed
        else:
            on_time += 1
            prize += prizes[stop.id]
            leaves = start + account.service_s
        road_s += float(durations[here, there])
        road_m += float(distances[here, there])
        t = leaves
        here = there
    if lunch_after is not None and lunch_after == len(route.stops):
        t = lunch(t)
    road_s += float(durations[here, 0])
    road_m += float(distances[here, 0])
    return Driven(on_time, late, prize, road_s, road_m, t + float(durations[here, 0]), lunch_late)
