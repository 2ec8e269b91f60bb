"""Tables larger than an engine takes in one request, asked in blocks and put back together.

Servers cap the places per table request (OSRM's `--max-table-size`, Valhalla's and
GraphHopper's location limits). Above `size` places the places are cut into groups of
`size // 2`, and every (from group, to group) pair is one request: a request then names at most
`size` places, its sources and its destinations together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.roads.engine import EngineRefused, Table
from routing import Point


@dataclass(frozen=True, slots=True)
class Block:
    """One request: from `sources` to `targets` (indices into the places asked)."""

    sources: list[int]
    targets: list[int]

    @property
    def square(self) -> bool:
        """From a group to itself: the request names each place once."""
        return self.sources == self.targets


@dataclass(frozen=True, slots=True)
class BlockAnswer:
    """A block's durations (s) and distances (m), row = source, and what the engine said of
    snapping: per source / per target the distance to the road (None: no road found), or
    None for the whole side when this answer says nothing about it."""

    durations_s: list[list[float | None]]
    distances_m: list[list[float | None]]
    source_snaps: list[float | None] | None = None
    target_snaps: list[float | None] | None = None


def blocks(count: int, size: int) -> list[Block]:
    if count <= size:
        every = list(range(count))
        return [Block(every, every)] if count else []
    step = max(1, size // 2)
    groups = [list(range(start, min(start + step, count))) for start in range(0, count, step)]
    return [Block(sources, targets) for sources in groups for targets in groups]


def table_in_blocks(
    points: Sequence[Point],
    size: int,
    ask: Callable[[Block], BlockAnswer],
    engine: str,
    unsnapped: float | None = None,
) -> Table:
    """The whole table, one `ask` per block. A place no answer spoke of gets `unsnapped`."""
    count = len(points)
    durations: list[list[float | None]] = [[None] * count for _ in range(count)]
    distances: list[list[float | None]] = [[None] * count for _ in range(count)]
    snapped: list[float | None] = [None] * count
    told = [False] * count
    no_road = [False] * count

    def note(indices: list[int], snaps: list[float | None] | None) -> None:
        if snaps is None:
            return
        for k, snap in zip(indices, snaps, strict=True):
            if snap is None:
                no_road[k] = True
            elif not told[k]:
                snapped[k] = snap
            told[k] = True

    for block in blocks(count, size):
        answer = ask(block)
        rows, cols = len(block.sources), len(block.targets)
        if (
            len(answer.durations_s) != rows
            or len(answer.distances_m) != rows
            or any(len(row) != cols for row in (*answer.durations_s, *answer.distances_m))
            or (answer.source_snaps is not None and len(answer.source_snaps) != rows)
            or (answer.target_snaps is not None and len(answer.target_snaps) != cols)
        ):
            raise EngineRefused(f"{engine} answered a table block of the wrong size")
        for i, source in enumerate(block.sources):
            for j, target in enumerate(block.targets):
                durations[source][target] = answer.durations_s[i][j]
                distances[source][target] = answer.distances_m[i][j]
        note(block.sources, answer.source_snaps)
        note(block.targets, answer.target_snaps)
    return Table(
        durations_s=durations,
        distances_m=distances,
        snapped_m=[
            None if no_road[k] else (snapped[k] if told[k] else unsnapped) for k in range(count)
        ],
    )
