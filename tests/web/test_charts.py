"""The SVG charts (`app.web.charts`): well-formed, named for assistive technology, names
escaped, bars and lines where the numbers put them."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from app.web.charts import LEFT, PLOT_HEIGHT, TOP, WIDTH, Series, bar_chart, line_chart, plain

NS = {"svg": "http://www.w3.org/2000/svg"}
HOSTILE = '<script>alert(1)</script> & "Quote" \'s'


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_names_are_text_never_markup() -> None:
    svg = bar_chart(
        chart_id="c",
        title=f"Visits of {HOSTILE}",
        description=HOSTILE,
        labels=["2 Mar", "<b>9 Mar</b>"],
        series=[Series(HOSTILE, [1, 2])],
    )
    assert "<script" not in svg
    assert "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in svg
    root = parse(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert HOSTILE in texts, "the legend reads the name as it is"
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert f"Visits of {HOSTILE}" in titles
    assert f"{HOSTILE}, <b>9 Mar</b>: 2" in titles
    assert root.find("svg:desc", NS) is not None
    assert root.find("svg:desc", NS).text == HOSTILE  # type: ignore[union-attr]


def test_a_chart_is_an_image_named_by_its_title_and_description() -> None:
    root = parse(
        line_chart(
            chart_id="value",
            title="Value",
            description="Per week",
            labels=["a"],
            series=[Series("Rep", [3.0])],
        )
    )
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "value-title value-desc"
    assert root.find("svg:title", NS).get("id") == "value-title"  # type: ignore[union-attr]
    assert root.find("svg:desc", NS).get("id") == "value-desc"  # type: ignore[union-attr]
    assert root.get("viewBox", "").startswith(f"0 0 {WIDTH} ")


def _rects(svg: str) -> list[ET.Element]:
    plot = parse(svg).find("svg:g[@class='plot']", NS)
    assert plot is not None
    return plot.findall("svg:rect", NS)


def test_grouped_bars_stand_in_proportion_on_a_round_scale() -> None:
    svg = bar_chart(
        chart_id="b", title="t", description="d", labels=["w1", "w2"],
        series=[Series("Visits", [2, 7]), Series("Touches", [0, None])],
    )  # fmt: skip
    rects = _rects(svg)
    # Touches: 0 is a bar of no height, None no bar at all.
    assert len(rects) == 3
    heights = [float(r.get("height", "nan")) for r in rects]
    # 7 on a scale of 0, 2, 4, 6, 8.
    assert heights[0] == pytest.approx(PLOT_HEIGHT * 2 / 8, abs=0.1)
    assert heights[2] == pytest.approx(PLOT_HEIGHT * 7 / 8, abs=0.1)
    ticks = [t.text for t in parse(svg).iter("{http://www.w3.org/2000/svg}text")][:5]
    assert ticks == ["0", "2", "4", "6", "8"]
    # The second week's bars sit right of the first's, inside the plot.
    xs = [float(r.get("x", "nan")) for r in rects]
    assert LEFT <= xs[0] < xs[1] < xs[2] <= WIDTH


def test_stacked_bars_sit_on_each_other_under_the_given_top() -> None:
    svg = bar_chart(
        chart_id="s", title="t", description="d", labels=["w1"],
        series=[Series("Field", [3]), Series("Hybrid", [1]), Series("Remote", [0])],
        stacked=True, top=10,
    )  # fmt: skip
    field, hybrid = _rects(svg)  # no segment for 0
    assert float(field.get("height", "nan")) == pytest.approx(PLOT_HEIGHT * 3 / 10, abs=0.1)
    field_top = float(field.get("y", "nan"))
    hybrid_bottom = float(hybrid.get("y", "nan")) + float(hybrid.get("height", "nan"))
    assert hybrid_bottom == pytest.approx(field_top, abs=0.15)
    assert float(field.get("y", "nan")) + float(field.get("height", "nan")) == pytest.approx(
        TOP + PLOT_HEIGHT, abs=0.15
    )


def test_a_line_breaks_where_a_value_is_missing() -> None:
    svg = line_chart(
        chart_id="l", title="t", description="d", labels=list("abcde"),
        series=[Series("Cost", [1, 2, None, 3, 4]), Series("Alone", [None, 5, None, None, None])],
    )  # fmt: skip
    plot = parse(svg).find("svg:g[@class='plot']", NS)
    assert plot is not None
    assert len(plot.findall("svg:polyline", NS)) == 2, "two runs of Cost; a lone dot has none"
    dots = plot.findall("svg:circle", NS)
    assert len(dots) == 5
    assert [d.find("svg:title", NS).text for d in dots][-1] == "Alone, b: 5"  # type: ignore[union-attr]


def test_many_labels_are_thinned_so_they_do_not_overlap() -> None:
    labels = [f"w{i}" for i in range(26)]
    svg = bar_chart(chart_id="m", title="t", description="d", labels=labels,
                    series=[Series("Visits", [1.0] * 26)])  # fmt: skip
    axis = parse(svg).find("svg:g[@class='axes']", NS)
    assert axis is not None
    shown = [t.text for t in axis.findall("svg:text", NS) if t.get("text-anchor") == "middle"]
    assert 1 < len(shown) <= 6
    assert shown[0] == "w0"
    assert len(_rects(svg)) == 26


def test_nothing_to_show_is_said() -> None:
    svg = bar_chart(chart_id="e", title="t", description="d", labels=[], series=[])
    assert "Nothing to show" in svg
    parse(svg)


@pytest.mark.parametrize("bad", [[1.0], [-1.0, 2.0], [math.nan, 1.0], [math.inf, 1.0]])
def test_values_that_cannot_be_drawn_are_refused(bad: list[float]) -> None:
    with pytest.raises(ValueError, match="Rep"):
        line_chart(chart_id="x", title="t", description="d", labels=["a", "b"],
                   series=[Series("Rep", bad)])  # fmt: skip


def test_plain_numbers() -> None:
    assert plain(1234.0) == "1,234"
    assert plain(12.5) == "12.5"
    assert plain(12.001) == "12"
    assert plain(0.25) == "0.25"


def _ticks(svg: str) -> list[str]:
    axis = parse(svg).find("svg:g[@class='axes']", NS)
    assert axis is not None
    return [t.text or "" for t in axis.findall("svg:text", NS) if t.get("text-anchor") == "end"]


def test_counts_step_by_whole_numbers_and_money_ticks_stay_plain() -> None:
    one = [Series("Visits", [1.0, 0.0])]
    assert _ticks(bar_chart(chart_id="w", title="t", description="d", labels=["a", "b"],
                            series=one, whole=True)) == ["0", "1"]  # fmt: skip
    assert _ticks(bar_chart(chart_id="f", title="t", description="d", labels=["a", "b"],
                            series=one)) == ["0", "0.25", "0.5", "0.75", "1"]  # fmt: skip
    money = line_chart(chart_id="m", title="t", description="d", labels=["a"],
                       series=[Series("Cost", [45.5])], number=lambda v: f"${v:.2f}")  # fmt: skip
    assert _ticks(money) == ["0", "20", "40", "60"]
    assert "Cost, a: $45.50" in money
    assert _ticks(line_chart(chart_id="k", title="t", description="d", labels=["a"],
                             series=[Series("Value", [12_200.0])])) == ["0", "5k", "10k", "15k"]  # fmt: skip
