"""The weekly report (`app.reports.schemas.WeeklyReport`) as the report page shows it: its
charts (`app.web.charts`) and the rows of its tables. Pure: a report in, SVG and rows out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from app.reports.schemas import RepWeek, WeekFigures, WeeklyReport
from app.web.charts import PALETTE, Series, bar_chart, line_chart, plain

VISITS_COLOUR = "#0072b2"
TOUCHES_COLOUR = "#e69f00"
COVERAGE_COLOURS = {"field": "#0072b2", "hybrid": "#009e73", "remote": "#cc79a7"}


@dataclass(frozen=True, slots=True)
class Chart:
    heading: str
    svg: Markup
    """Built by `app.web.charts`, which escapes every text it is given."""


@dataclass(frozen=True, slots=True)
class RepCharts:
    rep_id: int
    rep_name: str
    chart: Chart


@dataclass(frozen=True, slots=True)
class ReportView:
    activity: list[RepCharts]
    """Per rep: visits in person and remote touches per week."""
    value: Chart
    cost: Chart
    coverage: Chart


def week_label(day: date) -> str:
    """A week by its Monday, short: "2 Mar"."""
    return f"{day.day} {day:%b}"


def money(value: float) -> str:
    return f"{value:,.2f}"


def report_view(report: WeeklyReport) -> ReportView:
    labels = [week_label(week) for week in report.weeks]
    reps = _by_rep(report)
    activity = [
        RepCharts(
            rep_id=rows[0].rep_id,
            rep_name=rows[0].rep_name,
            chart=_chart(
                f"Visits and touches: {rows[0].rep_name}",
                bar_chart(
                    chart_id=f"activity-{rows[0].rep_id}",
                    title=f"Visits and touches per week: {rows[0].rep_name}",
                    description=_describe(
                        labels,
                        rows,
                        lambda r: f"{r.visits} visits, {r.touches_total} touches",
                    ),
                    labels=labels,
                    series=[
                        Series("Visits in person", [r.visits for r in rows], VISITS_COLOUR),
                        Series(
                            "Touches (call, e-mail, video)",
                            [r.touches_total for r in rows],
                            TOUCHES_COLOUR,
                        ),
                    ],
                    whole=True,
                ),
            ),
        )
        for rows in reps
    ]
    # A rep keeps their colour from chart to chart.
    colours = {rows[0].rep_id: PALETTE[n % len(PALETTE)] for n, rows in enumerate(reps)}
    value = _chart(
        "Value covered",
        line_chart(
            chart_id="value-covered",
            title="Value covered per week, per rep",
            description="The annual value of the accounts each rep met (visited or touched) "
            "in the week. "
            + _describe_totals(labels, report.totals, lambda t: plain(t.value_covered)),
            labels=labels,
            series=[_line(rows, [r.value_covered for r in rows], colours) for rows in reps],
            number=plain,
        ),
    )
    field_reps = [rows for rows in reps if rows[0].kind == "field"]
    cost = _chart(
        "Cost per visit",
        line_chart(
            chart_id="cost-per-visit",
            title="Cost per visit per week, per field rep",
            description="Driving and working time over visits in person; no dot: no visit "
            "that week. "
            + _describe_totals(
                labels,
                report.totals,
                lambda t: "-" if t.cost_per_visit is None else money(t.cost_per_visit),
            ),
            labels=labels,
            series=[_line(rows, [r.cost_per_visit for r in rows], colours) for rows in field_reps],
            number=money,
        ),
    )
    top = max((_accounts(t) for t in report.totals), default=0)
    coverage = _chart(
        "Coverage by channel",
        bar_chart(
            chart_id="coverage",
            title="Accounts met per week, by coverage",
            description=f"Of the {top} accounts of the reps shown, those met in the week, "
            "stacked by coverage (field, hybrid, remote); the top of the chart is all of "
            "them. "
            + _describe_totals(
                labels,
                report.totals,
                lambda t: ", ".join(
                    f"{name} {getattr(t.coverage, name).touched} of "
                    f"{getattr(t.coverage, name).accounts}"
                    for name in COVERAGE_COLOURS
                ),
            ),
            labels=labels,
            series=[
                Series(
                    f"{name.title()} accounts met",
                    [getattr(t.coverage, name).touched for t in report.totals],
                    colour,
                )
                for name, colour in COVERAGE_COLOURS.items()
            ],
            stacked=True,
            top=top,
            whole=True,
        ),
    )
    return ReportView(activity=activity, value=value, cost=cost, coverage=coverage)


def _line(rows: list[RepWeek], values: list[float | None], colours: dict[int, str]) -> Series:
    return Series(rows[0].rep_name, values, colours[rows[0].rep_id])


def _chart(heading: str, svg: str) -> Chart:
    return Chart(heading, Markup(svg))  # noqa: S704 (ElementTree's SVG: every text escaped)


def _by_rep(report: WeeklyReport) -> list[list[RepWeek]]:
    """The rows grouped per rep (the report lists each rep's weeks together, in order)."""
    groups: dict[int, list[RepWeek]] = {}
    for row in report.reps:
        groups.setdefault(row.rep_id, []).append(row)
    return list(groups.values())


def _accounts(totals: WeekFigures) -> int:
    return sum(getattr(totals.coverage, name).accounts for name in COVERAGE_COLOURS)


def _describe(labels: list[str], rows: list[RepWeek], say: Callable[[RepWeek], str]) -> str:
    return "; ".join(f"{label}: {say(row)}" for label, row in zip(labels, rows, strict=True))


def _describe_totals(
    labels: list[str], totals: list[WeekFigures], say: Callable[[WeekFigures], str]
) -> str:
    return "All reps shown: " + "; ".join(
        f"{label}: {say(t)}" for label, t in zip(labels, totals, strict=True)
    )
