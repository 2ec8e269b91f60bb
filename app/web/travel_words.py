"""Which travel model made a plan, in a few words for the pages (the plan's `travel_model` and
`travel_detail`; the detail itself goes in a tooltip).

"Road times: OSRM on OpenStreetMap data of baltimore (v1)", or "Estimated travel (straight
lines x 1.3 at 50 km/h): no road data is set up".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ENGINE_NAMES = {
    "osrm": "OSRM",
    "osrm-server": "OSRM (server)",
    "valhalla": "Valhalla",
    "graphhopper": "GraphHopper",
}
_ESTIMATE = re.compile(r"x ([\d.]+) at ([\d.]+) km/h")
_FITTED = re.compile(r"fitted to the roads of ([^)]+)")
_REGION = re.compile(r"data of ([\w.-]+)")
_VERSION = re.compile(r"data version (\d+)")


@dataclass(frozen=True, slots=True)
class TravelLabel:
    text: str
    detail: str
    roads: bool


def travel_label(model: str, detail: str) -> TravelLabel:
    """The label of a plan made with `model` (`detail`: the model in words)."""
    if model == "estimate":
        return TravelLabel(_estimate_words(detail), detail, roads=False)
    if model == "matrix":
        return TravelLabel("Travel times given by the caller", detail, roads=False)
    words = f"Road times: {ENGINE_NAMES.get(model, model)}"
    region = _REGION.search(detail)
    if region:
        words += f" on OpenStreetMap data of {region.group(1)}"
        version = _VERSION.search(detail)
        if version:
            words += f" (v{version.group(1)})"
    return TravelLabel(words, detail, roads=True)


def travel_short(model: str) -> str:
    """For a table cell: "road times (OSRM)" or "estimated travel"."""
    if model == "estimate":
        return "estimated travel"
    if model == "matrix":
        return "given times"
    return f"road times ({ENGINE_NAMES.get(model, model)})"


def _estimate_words(detail: str) -> str:
    factors = _ESTIMATE.search(detail)
    how = "straight lines"
    if factors:
        circuity = float(factors.group(1))
        how += f" x {circuity:g} at {float(factors.group(2)):g} km/h"
    fitted = _FITTED.search(detail)
    why = (
        f"outside the road data (factors fitted to {fitted.group(1)})"
        if fitted
        else "no road data is set up"
    )
    return f"Estimated travel ({how}): {why}"
