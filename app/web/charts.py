"""Small SVG charts drawn on the server: grouped or stacked bars and lines over a few labels.

Pure functions, numbers in, SVG text out: no database, no web framework, no script. The SVG is
built with `xml.etree.ElementTree`, which escapes every text and attribute, so a rep named
`<script>` is text in a chart, never markup. Each chart is an `img` to assistive technology,
named by its `<title>` and described by its `<desc>`; every bar and point carries a `<title>`
of its own (its series, label and value: a tooltip on hover); the pages put a table of the same
figures beside it.

Sizes are in the viewBox's units; the page scales the SVG to its box (`width: 100%`). The
viewBox is narrow (360 units), so at a phone's 390 px the text is drawn at about its nominal
size, and a desk's wider box only makes it larger.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH = 360
PLOT_HEIGHT = 160
LEFT = 40
RIGHT = 8
TOP = 10
AXIS = 22
"""Room under the plot for the labels."""
LEGEND_LINE = 16
FONT = 11
MAX_LABELS = 6
"""At most this many labels along the bottom, so they never overlap; every bar keeps its own
label in its title."""
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000")
"""Okabe and Ito's colours, told apart with the common colour vision deficiencies."""
DASHES = ("", "6 3", "2 3", "8 3 2 3")
"""Lines beyond the palette's colours differ by their dashes as well."""
AXIS_COLOUR = "#57606a"
GRID_COLOUR = "#d0d7de"


@dataclass(frozen=True, slots=True)
class Series:
    """A named row of values, one per label; None: no value there (a gap, no bar)."""

    name: str
    values: Sequence[float | None]
    colour: str | None = None


Format = Callable[[float], str]


def plain(value: float) -> str:
    """1234.5 -> "1,234.5"; whole numbers without decimals."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    stacked: bool = False,
    top: float | None = None,
    whole: bool = False,
    number: Format = plain,
) -> str:
    """Bars per label: side by side per series, or stacked (`stacked`). `top`: the value the
    plot's top stands for, when it means something (all the accounts); else from the data.
    `whole`: the values are counts, so the axis steps by whole numbers."""
    _check(labels, series)
    highest = max(
        (_stack_height(series, i) if stacked else _tallest(series, i) for i in range(len(labels))),
        default=0.0,
    )
    scale = _Scale(max(highest, top or 0.0), whole=whole)
    svg, plot = _frame(chart_id, title, description, series, labels, scale, number)
    slot = _slot(labels)
    for i, label in enumerate(labels):
        left = LEFT + i * slot
        if stacked:
            width = slot * 0.6
            base = 0.0
            for n, row in enumerate(series):
                value = row.values[i]
                if not value:
                    continue
                _bar(plot, left + (slot - width) / 2, width, base, value, scale, row, n, label,
                     number)  # fmt: skip
                base += value
        else:
            width = slot * 0.8 / max(1, len(series))
            for n, row in enumerate(series):
                value = row.values[i]
                if value is None:
                    continue
                x = left + slot * 0.1 + n * width
                _bar(plot, x, width, 0.0, value, scale, row, n, label, number)
    return _text(svg)


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    whole: bool = False,
    number: Format = plain,
) -> str:
    """A line per series across the labels, broken where a value is None, a dot per value.
    `number` writes a value in its point's title (the axis keeps plain numbers)."""
    _check(labels, series)
    values = [v for row in series for v in row.values if v is not None]
    scale = _Scale(max(values, default=0.0), whole=whole)
    svg, plot = _frame(chart_id, title, description, series, labels, scale, number)
    slot = _slot(labels)
    for n, row in enumerate(series):
        colour = _colour(row, n)
        run: list[tuple[float, float]] = []
        runs = [run]
        for i, value in enumerate(row.values):
            if value is None:
                run = []
                runs.append(run)
                continue
            run.append((LEFT + (i + 0.5) * slot, scale.y(value)))
        for points in runs:
            if len(points) > 1:
                line = ET.SubElement(plot, "polyline", {
                    "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                    "fill": "none", "stroke": colour, "stroke-width": "2",
                })  # fmt: skip
                dash = DASHES[(n // len(PALETTE)) % len(DASHES)]
                if dash:
                    line.set("stroke-dasharray", dash)
        for i, value in enumerate(row.values):
            if value is None:
                continue
            dot = ET.SubElement(plot, "circle", {
                "cx": f"{LEFT + (i + 0.5) * slot:.1f}", "cy": f"{scale.y(value):.1f}",
                "r": "3", "fill": colour,
            })  # fmt: skip
            ET.SubElement(dot, "title").text = f"{row.name}, {labels[i]}: {number(value)}"
    return _text(svg)


# --- the frame: axes, labels, legend -------------------------------------------------------


class _Scale:
    """Values 0 .. a round top onto the plot's height (SVG's y grows downwards)."""

    def __init__(self, highest: float, *, whole: bool) -> None:
        if highest <= 0:
            self.step = 1.0
        elif whole:
            # Counts: a step of 1, 2 or 5 times a power of ten, never a fraction.
            self.step = max(1.0, _nice_step(highest / 4, (1, 2, 5, 10)))
        else:
            self.step = _nice_step(highest / 4, (1, 2, 2.5, 5, 10))
        self.top = self.step * max(1, math.ceil(highest / self.step - 1e-9))

    def y(self, value: float) -> float:
        return TOP + PLOT_HEIGHT * (1 - value / self.top)

    def height(self, value: float) -> float:
        return PLOT_HEIGHT * value / self.top

    def ticks(self) -> list[float]:
        count = round(self.top / self.step)
        return [self.step * k for k in range(count + 1)]


def _nice_step(rough: float, factors: tuple[float, ...]) -> float:
    """The smallest of `factors` times a power of ten that is at least `rough`."""
    power = 10 ** math.floor(math.log10(rough))
    for factor in factors:
        if factor * power >= rough - 1e-12:
            return float(factor * power)
    return float(10 * power)  # pragma: no cover (10 always fits)


def _frame(
    chart_id: str,
    title: str,
    description: str,
    series: Sequence[Series],
    labels: Sequence[str],
    scale: _Scale,
    number: Format,
) -> tuple[ET.Element, ET.Element]:
    legend_top = TOP + PLOT_HEIGHT + AXIS
    height = legend_top + LEGEND_LINE * len(series) + 4
    svg = ET.Element("svg", {
        "xmlns": "http://www.w3.org/2000/svg",
        "viewBox": f"0 0 {WIDTH} {height}",
        "role": "img",
        "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
        "class": "chart",
        "id": chart_id,
        "font-size": str(FONT),
        "font-family": "system-ui, sans-serif",
    })  # fmt: skip
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = description
    axes = ET.SubElement(svg, "g", {"class": "axes", "fill": AXIS_COLOUR})
    for tick in scale.ticks():
        y = f"{scale.y(tick):.1f}"
        ET.SubElement(axes, "line", {
            "x1": str(LEFT), "x2": str(WIDTH - RIGHT), "y1": y, "y2": y,
            "stroke": GRID_COLOUR if tick else AXIS_COLOUR, "stroke-width": "1",
        })  # fmt: skip
        ET.SubElement(axes, "text", {
            "x": str(LEFT - 4), "y": y, "text-anchor": "end", "dominant-baseline": "middle",
        }).text = _short(tick)  # fmt: skip
    slot = _slot(labels)
    every = max(1, math.ceil(len(labels) / MAX_LABELS))
    for i, label in enumerate(labels):
        if i % every:
            continue
        ET.SubElement(axes, "text", {
            "x": f"{LEFT + (i + 0.5) * slot:.1f}", "y": str(TOP + PLOT_HEIGHT + 15),
            "text-anchor": "middle",
        }).text = label  # fmt: skip
    legend = ET.SubElement(svg, "g", {"class": "legend"})
    for n, row in enumerate(series):
        row_top = legend_top + n * LEGEND_LINE
        ET.SubElement(legend, "rect", {
            "x": str(LEFT), "y": str(row_top), "width": "10", "height": "10", "fill": _colour(row, n),
        })  # fmt: skip
        ET.SubElement(legend, "text", {"x": str(LEFT + 16), "y": str(row_top + 9)}).text = row.name
    if not labels or not series:
        ET.SubElement(svg, "text", {
            "x": str(WIDTH / 2), "y": str(TOP + PLOT_HEIGHT / 2), "text-anchor": "middle",
            "fill": AXIS_COLOUR,
        }).text = "Nothing to show"  # fmt: skip
    plot = ET.SubElement(svg, "g", {"class": "plot"})
    return svg, plot


def _bar(
    plot: ET.Element,
    x: float,
    width: float,
    base: float,
    value: float,
    scale: _Scale,
    row: Series,
    n: int,
    label: str,
    number: Format,
) -> None:
    height = scale.height(value)
    rect = ET.SubElement(plot, "rect", {
        "x": f"{x:.1f}", "y": f"{scale.y(base + value):.1f}",
        "width": f"{max(width, 1.0):.1f}", "height": f"{height:.1f}", "fill": _colour(row, n),
    })  # fmt: skip
    ET.SubElement(rect, "title").text = f"{row.name}, {label}: {number(value)}"


def _short(value: float) -> str:
    """An axis tick: 12,000 -> "12k" (the axis has room for a few characters)."""
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if abs(value) >= 1000:
        return f"{value / 1000:g}k"
    return plain(value)


def _colour(row: Series, n: int) -> str:
    return row.colour or PALETTE[n % len(PALETTE)]


def _slot(labels: Sequence[str]) -> float:
    return (WIDTH - LEFT - RIGHT) / max(1, len(labels))


def _tallest(series: Sequence[Series], i: int) -> float:
    return max((row.values[i] or 0.0 for row in series), default=0.0)


def _stack_height(series: Sequence[Series], i: int) -> float:
    return sum(row.values[i] or 0.0 for row in series)


def _check(labels: Sequence[str], series: Sequence[Series]) -> None:
    for row in series:
        if len(row.values) != len(labels):
            raise ValueError(f"{row.name!r}: {len(row.values)} values for {len(labels)} labels")
        for value in row.values:
            if value is not None and (not math.isfinite(value) or value < 0):
                raise ValueError(f"{row.name!r}: values are finite and >= 0, got {value!r}")


def _text(svg: ET.Element) -> str:
    return ET.tostring(svg, encoding="unicode")
