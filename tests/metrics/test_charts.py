"""The inline SVG charts: well-formed, accessible, escaped, deterministic, to scale."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.metrics.charts import _ticks, bar_chart, histogram, line_chart, pareto_chart

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "quotes"'


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars_of(root: ET.Element) -> list[ET.Element]:
    """The data bars: every rect but the white background."""
    return [r for r in root.iter(f"{SVG}rect") if r.get("fill") != "#ffffff"]


def small_bar_chart(**overrides: object) -> str:
    arguments: dict[str, object] = {
        "title": "Backlog ageing",
        "description": "Open complaints by age at the end of the period.",
        "x_label": "Age",
        "y_label": "Open complaints",
        "chart_id": "backlog",
    }
    arguments.update(overrides)
    return bar_chart([("0-7 days", 8), ("8-28 days", 4)], **arguments)  # type: ignore[arg-type]


def test_a_chart_is_an_svg_image_labelled_by_its_title_and_description() -> None:
    root = parse(small_bar_chart())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "backlog-title backlog-desc"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None
    assert title.get("id") == "backlog-title"
    assert title.text == "Backlog ageing"
    assert desc is not None
    assert desc.get("id") == "backlog-desc"
    assert desc.text == "Open complaints by age at the end of the period."


def test_axes_carry_their_labels() -> None:
    texts = [t.text for t in parse(small_bar_chart()).iter(f"{SVG}text")]
    assert "Age" in texts
    assert "Open complaints" in texts
    assert "0-7 days" in texts


def test_text_from_records_is_escaped_everywhere() -> None:
    charts = [
        bar_chart([(HOSTILE, 3)], title=HOSTILE, description=HOSTILE, x_label=HOSTILE,
                  y_label=HOSTILE, chart_id='x"><script>'),
        histogram([(HOSTILE, 3)], title=HOSTILE, description=HOSTILE, x_label=HOSTILE),
        line_chart([HOSTILE], [(HOSTILE, [2])], title=HOSTILE, description=HOSTILE,
                   x_label=HOSTILE, y_label=HOSTILE),
        pareto_chart([(HOSTILE, 2)], title=HOSTILE, description=HOSTILE),
    ]  # fmt: skip
    for svg in charts:
        assert "<script" not in svg
        root = parse(svg)  # still well-formed XML
        assert root.find(f"{SVG}title") is not None
        assert any(HOSTILE in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_the_same_data_gives_the_same_bytes() -> None:
    assert small_bar_chart() == small_bar_chart()
    series = [("received", [3.0, 5.0]), ("closed", [1.0, 4.0])]
    first = line_chart(["a", "b"], series, title="t", description="d", x_label="x", y_label="y")
    again = line_chart(["a", "b"], series, title="t", description="d", x_label="x", y_label="y")
    assert first == again


SNAPSHOT = """\
<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" \
aria-labelledby="one-title one-desc" width="200" height="160" viewBox="0 0 200 160" \
font-family="system-ui, -apple-system, &#x27;Segoe UI&#x27;, Roboto, sans-serif" \
font-size="11" fill="#222222">
<title id="one-title">T</title>
<desc id="one-desc">D</desc>
<rect width="200" height="160" fill="#ffffff"/>
<text x="64" y="20" font-size="14" font-weight="bold">T</text>
<line x1="64" y1="112" x2="184" y2="112" stroke="#dddddd" stroke-width="1"/>
<text x="58" y="116" text-anchor="end">0</text>
<line x1="64" y1="76" x2="184" y2="76" stroke="#dddddd" stroke-width="1"/>
<text x="58" y="80" text-anchor="end">1</text>
<line x1="64" y1="40" x2="184" y2="40" stroke="#dddddd" stroke-width="1"/>
<text x="58" y="44" text-anchor="end">2</text>
<text x="14" y="76" text-anchor="middle" transform="rotate(-90 14 76)" fill="#555555">Y</text>
<rect x="82" y="40" width="84" height="72" fill="#0072B2"><title>a: 2</title></rect>
<text x="124" y="36" text-anchor="middle" paint-order="stroke" stroke="#ffffff" \
stroke-width="3">2</text>
<text x="124" y="128" text-anchor="middle">a</text>
<line x1="64" y1="112" x2="184" y2="112" stroke="#222222" stroke-width="1"/>
<text x="124" y="152" text-anchor="middle" fill="#555555">X</text>
</svg>"""


def test_a_one_bar_chart_matches_its_snapshot() -> None:
    svg = bar_chart(
        [("a", 2)],
        title="T",
        description="D",
        x_label="X",
        y_label="Y",
        chart_id="one",
        width=200,
        height=160,
    )
    assert svg == SNAPSHOT


def test_bar_heights_are_proportional_to_the_values() -> None:
    heights = [float(r.get("height", "0")) for r in bars_of(parse(small_bar_chart()))]
    assert heights[0] == pytest.approx(2 * heights[1], abs=0.2)


def test_a_rate_with_nothing_to_divide_by_is_shown_as_not_applicable_without_a_bar() -> None:
    svg = bar_chart(
        [("acknowledge", 99.0), ("final response", None)],
        title="SLA",
        description="d",
        x_label="Target",
        y_label="Met (%)",
        suffix="%",
        max_value=100,
    )
    root = parse(svg)
    assert len(bars_of(root)) == 1
    assert "n/a" in [t.text for t in root.iter(f"{SVG}text")]
    assert "100%" in [t.text for t in root.iter(f"{SVG}text")]  # the axis reaches max_value


def test_a_chart_without_data_says_so() -> None:
    for svg in (
        bar_chart([], title="t", description="d", x_label="x", y_label="y"),
        histogram([("0-3 days", 0)], title="t", description="d", x_label="x"),
        line_chart([], [], title="t", description="d", x_label="x", y_label="y"),
        pareto_chart([], title="t", description="d"),
    ):
        assert "No data for this period" in svg
        parse(svg)


def test_long_labels_are_slanted_and_cut_with_the_whole_label_in_a_tooltip() -> None:
    label = "wrong information given at the branch counter"
    svg = bar_chart([(label, 1), ("other", 2)], title="t", description="d", x_label="x",
                    y_label="y", width=300)  # fmt: skip
    slanted = [t for t in parse(svg).iter(f"{SVG}text") if "rotate(-35" in t.get("transform", "")]
    assert len(slanted) == 2
    tip = slanted[0].find(f"{SVG}title")
    assert tip is not None
    assert tip.text == label
    assert slanted[0].text is None  # the tooltip comes first; the shown text is its tail
    assert tip.tail is not None
    assert tip.tail.endswith("…")
    assert len(tip.tail) == 22


def test_histogram_bars_touch() -> None:
    bars = bars_of(parse(histogram([("a", 1), ("b", 2)], title="t", description="d", x_label="x")))
    first_end = float(bars[0].get("x", "0")) + float(bars[0].get("width", "0"))
    assert float(bars[1].get("x", "0")) - first_end < 2


def test_a_line_chart_draws_a_line_and_a_legend_entry_per_series() -> None:
    svg = line_chart(
        ["Jul", "Aug"],
        [("received", [4, 6]), ("closed", [2, 5])],
        title="Volume",
        description="d",
        x_label="Month",
        y_label="Complaints",
    )
    root = parse(svg)
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 2
    assert lines[0].get("stroke") != lines[1].get("stroke")
    assert lines[0].get("stroke-dasharray") != lines[1].get("stroke-dasharray")
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "received" in texts
    assert "closed" in texts
    assert "Aug, closed: 5" in svg


def test_a_series_must_have_a_value_per_label() -> None:
    with pytest.raises(ValueError, match="'closed' has 1 values for 2 labels"):
        line_chart(["a", "b"], [("closed", [1])], title="t", description="d", x_label="x",
                   y_label="y")  # fmt: skip


def test_a_pareto_chart_sorts_causes_and_accumulates_to_one_hundred_percent() -> None:
    svg = pareto_chart([("people", 1), ("system", 3), ("process", 6)], title="t",
                       description="d")  # fmt: skip
    root = parse(svg)
    tips = [r.find(f"{SVG}title") for r in bars_of(root)]
    assert [t.text for t in tips if t is not None] == [
        "process: 6 (60% cumulative)",
        "system: 3 (90% cumulative)",
        "people: 1 (100% cumulative)",
    ]
    assert any(p.get("stroke-dasharray") for p in root.iter(f"{SVG}line"))  # the 80% line


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False), st.booleans())
def test_ticks_start_at_zero_rise_evenly_and_cover_the_top(top: float, integer: bool) -> None:
    ticks = _ticks(top, integer=integer)
    assert ticks[0] == 0
    assert ticks[-1] >= top
    steps = {round(b - a, 6) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    assert 2 <= len(ticks) <= 12
    if integer:
        assert all(t == int(t) for t in ticks)
