"""Reading an engine's JSON answer: every field checked, anything else is `EngineRefused`.

An engine that answers 200 with a table of the wrong size, a string where a number belongs or
no table at all is as broken as one that answers 500: we say what was wrong and where.
"""

from __future__ import annotations

import math
from typing import Any

from app.roads.engine import EngineRefused


class Answer:
    """One answer of one engine, for error messages that name it: "OSRM at <url> (table)"."""

    def __init__(self, body: Any, where: str) -> None:
        self.body = body
        self.where = where

    def refuse(self, problem: str) -> EngineRefused:
        return EngineRefused(f"{self.where} answered {problem}")

    def field(self, value: Any, *path: str | int) -> Any:
        """`value[path[0]][path[1]]...`, or a refusal naming the path that is missing."""
        for step in path:
            if isinstance(step, int):
                if not isinstance(value, list) or not -len(value) <= step < len(value):
                    raise self.refuse(f"without item {step} in {_name(path)}")
            elif not isinstance(value, dict) or step not in value:
                raise self.refuse(f"without {_name(path)}")
            value = value[step]
        return value

    def listed(self, value: Any, what: str, size: int | None = None) -> list[Any]:
        if not isinstance(value, list):
            raise self.refuse(f"{what} that is not a list")
        if size is not None and len(value) != size:
            raise self.refuse(f"{len(value)} {what} where {size} were asked")
        return value

    def number(self, value: Any, what: str, scale: float = 1.0) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.refuse(f"{_quoted(value)} as {what}, not a number")
        if not math.isfinite(value) or value < 0:
            raise self.refuse(f"{value} as {what}")
        return float(value) * scale

    def maybe_number(self, value: Any, what: str, scale: float = 1.0) -> float | None:
        """A number, or None where the engine says there is none (JSON null)."""
        return None if value is None else self.number(value, what, scale)

    def position(self, value: Any, what: str) -> tuple[float, float]:
        """A [lon, lat] pair (GeoJSON order; a third number, the elevation, is ignored) as
        (lat, lon)."""
        pair = self.listed(value, what)
        if len(pair) < 2 or any(
            isinstance(v, bool) or not isinstance(v, int | float) for v in pair
        ):
            raise self.refuse(f"{_quoted(value)} as {what}, not [longitude, latitude]")
        lon, lat = float(pair[0]), float(pair[1])
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise self.refuse(f"{_quoted(value)} as {what}, outside the earth's coordinates")
        return lat, lon

    def matrix(
        self, value: Any, what: str, rows: int, cols: int, scale: float = 1.0
    ) -> list[list[float | None]]:
        """A rows x cols table of numbers or nulls."""
        table = self.listed(value, f"rows of {what}", rows)
        return [
            [
                self.maybe_number(cell, what, scale)
                for cell in self.listed(row, f"columns in row {i} of {what}", cols)
            ]
            for i, row in enumerate(table)
        ]


def _name(path: tuple[str | int, ...]) -> str:
    text = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path)
    return text.lstrip(".") or "the answer"


def _quoted(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "..."
