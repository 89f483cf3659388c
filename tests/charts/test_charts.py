"""The figures: one per kind of result, in the current language, mirrored right to left."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import pytest

import tawazun
from tawazun import charts
from tawazun.analysis.pivotal import pivotal
from tawazun.analysis.shocks import shocks
from tawazun.i18n import using

ARABIC = re.compile("[\u0600-\u06ff]")
ISSUE = "us-presence"


@pytest.fixture(scope="module")
def scenario():
    return tawazun.load("iraq-2024")


@pytest.fixture(scope="module")
def analyses(scenario):
    return {
        "forecasts": {m: scenario.forecast(m)[ISSUE].forecast for m in ("compromise", "median")},
        "eum": scenario.forecast("eum", rounds=3),
        "pivotal": pivotal(scenario, "median"),
        "shocks": shocks(scenario, "compromise"),
        "bands": {
            "compromise": {"advisers-bilateral": 0.9, "token-presence": 0.1},
            "median": {"advisers-bilateral": 1.0},
        },
    }


def build(kind, scenario, analyses) -> go.Figure:
    if kind == "scale":
        return charts.scale_chart(scenario, ISSUE, analyses["forecasts"])
    if kind == "trajectory":
        return charts.trajectory_chart(scenario, analyses["eum"], ISSUE)
    if kind == "bands":
        return charts.band_probability_chart(scenario, ISSUE, analyses["bands"])
    if kind == "tornado":
        return charts.tornado_chart(scenario, analyses["pivotal"], ISSUE, top=5)
    return charts.shocks_chart(scenario, analyses["shocks"], ISSUE)


KINDS = ["scale", "trajectory", "bands", "tornado", "shocks"]


def texts(figure: go.Figure) -> list[str]:
    """The title and axis titles a reader sees."""
    layout = figure.layout
    return [layout.title.text, layout.xaxis.title.text]


@pytest.mark.parametrize("kind", KINDS)
def test_english_figures_read_left_to_right(kind, scenario, analyses):
    with using("en"):
        figure = build(kind, scenario, analyses)
    assert "US military presence in Iraq" in figure.layout.title.text
    assert not any(ARABIC.search(t or "") for t in texts(figure))
    assert figure.layout.yaxis.side in (None, "left")
    assert figure.layout.title.xanchor == "left"


@pytest.mark.parametrize("kind", KINDS)
def test_arabic_figures_are_arabic_and_mirrored(kind, scenario, analyses):
    with using("ar"):
        figure = build(kind, scenario, analyses)
    for text in texts(figure):
        assert ARABIC.search(text), text
        assert text.startswith("\u2067") and text.endswith("\u2069")  # a right-to-left isolate
    assert "الوجود العسكري الأمريكي في العراق" in figure.layout.title.text
    assert figure.layout.yaxis.side == "right"
    assert figure.layout.title.xanchor == "right"
    x = figure.layout.xaxis
    assert x.autorange == "reversed" or (x.range is not None and x.range[0] > x.range[1])


def test_the_scale_chart_marks_every_forecast_and_draws_every_band(scenario, analyses):
    figure = charts.scale_chart(scenario, ISSUE, analyses["forecasts"])
    marked = {t.name: t.x[0] for t in figure.data if t.name}
    assert marked == pytest.approx(analyses["forecasts"])
    stripes = [s for s in figure.layout.shapes if s.type == "rect"]
    bands = scenario.issue(ISSUE).bands
    assert [(s.x0, s.x1) for s in stripes] == [(b.lower, b.upper) for b in bands]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_value_labels_face_the_middle_of_the_scale(scenario, lang):
    issue = scenario.issue(ISSUE)
    low, high = issue.scale.min, issue.scale.max
    with using(lang):
        figure = charts.scale_chart(scenario, ISSUE, {"at-low": low, "at-high": high})
    side = {t.name: t.textposition for t in figure.data if t.name}
    # the axis runs right to left in Arabic: the low end is on the right there
    toward_middle = {"en": ("middle right", "middle left"), "ar": ("middle left", "middle right")}
    assert (side["at-low"], side["at-high"]) == toward_middle[lang]


def test_the_trajectory_chart_has_a_line_per_actor_and_the_forecast(scenario, analyses):
    figure = charts.trajectory_chart(scenario, analyses["eum"], ISSUE)
    rounds = analyses["eum"][ISSUE].trajectory
    at_table = [a for a in scenario.actors if ISSUE in a.stances]
    assert len(figure.data) == len(at_table) + 1
    assert list(figure.data[-1].y) == pytest.approx([r["forecast"] for r in rounds])


def test_the_band_chart_shows_each_models_probabilities(scenario, analyses):
    figure = charts.band_probability_chart(scenario, ISSUE, analyses["bands"])
    by_model = {t.name: list(t.y) for t in figure.data}
    assert by_model["compromise"] == [0.0, 0.1, 0.9, 0.0, 0.0]
    assert sum(by_model["median"]) == pytest.approx(1.0)


def test_the_tornado_ranks_the_most_pivotal_first(scenario, analyses):
    figure = charts.tornado_chart(scenario, analyses["pivotal"], ISSUE, top=5)
    effects = analyses["pivotal"].effects[ISSUE][:5]
    leave = figure.data[-1]
    base = analyses["pivotal"].baseline[ISSUE]
    assert list(leave.x) == pytest.approx([base + e.leave for e in effects])
    assert figure.layout.yaxis.autorange == "reversed"  # the first actor on top


def test_the_tornado_axis_shows_what_moves_not_the_whole_scale(scenario, analyses):
    """Effects of a few points must be visible: the axis spans them, not all of 0-100."""
    figure = charts.tornado_chart(scenario, analyses["pivotal"], ISSUE, top=5)
    low, high = sorted(figure.layout.xaxis.range)
    bars = [t for t in figure.data if t.type == "bar"]
    ends = [b + w for t in bars for b, w in zip(t.base, t.x, strict=True)]
    drawn = [*ends, *(b for t in bars for b in t.base), *figure.data[-1].x]
    assert low <= min(drawn) and max(drawn) <= high
    issue = scenario.issue(ISSUE)
    assert high - low < issue.scale.width
    widest = max(drawn) - min(drawn)
    assert high - low <= max(1.2 * widest, 0.24 * issue.scale.width) + 0.05 * issue.scale.width


def test_a_band_too_narrow_in_the_tornado_window_is_shaded_but_not_named(scenario):
    # under compromise the cooperation issue's axis ends just inside the top band, whose
    # label was cut mid-word ("Cooper / ation...")
    issue = scenario.issue("security-cooperation")
    figure = charts.tornado_chart(scenario, pivotal(scenario, "compromise"), issue.id)
    pad = 0.02 * issue.scale.width  # the axis' margin beyond the window it shows
    low, high = sorted(figure.layout.xaxis.range)
    low, high = low + pad, high - pad
    shown = [(max(b.lower, low), min(b.upper, high)) for b in issue.bands]
    shown = [(a, b) for a, b in shown if a < b]
    named = [n.x for n in figure.layout.annotations if n.yref == "paper" and n.y == 1.0]
    narrow = [(a, b) for a, b in shown if b - a < charts.NARROWEST_LABELLED * (high - low)]
    assert narrow, "the case this test is about: a band barely inside the window"
    assert len(named) == len(shown) - len(narrow)
    assert not any(a <= x <= b for x in named for a, b in narrow)


def test_the_tornado_of_an_issue_without_finite_effects_shows_the_whole_scale(scenario, analyses):
    import dataclasses

    pivotal = analyses["pivotal"]
    blank = [
        dataclasses.replace(
            e,
            leave=float("nan"),
            position_10pct=float("nan"),
            salience_10pct=float("nan"),
            capability_10pct=float("nan"),
        )  # fmt: skip
        for e in pivotal.effects[ISSUE]
    ]
    nothing = dataclasses.replace(
        pivotal,
        baseline={**pivotal.baseline, ISSUE: float("nan")},
        effects={**pivotal.effects, ISSUE: blank},
    )
    figure = charts.tornado_chart(scenario, nothing, ISSUE, top=5)
    issue = scenario.issue(ISSUE)
    low, high = sorted(figure.layout.xaxis.range)
    assert low < issue.scale.min and high > issue.scale.max


def test_the_shocks_chart_follows_the_timeline(scenario, analyses):
    figure = charts.shocks_chart(scenario, analyses["shocks"], ISSUE)
    alone, along = figure.data
    assert len(alone.x) == len(scenario.events)
    assert list(along.y) == pytest.approx([v[0] for v in analyses["shocks"].cumulative.values()])


def test_models_keep_their_colour_across_figures(scenario, analyses):
    scale = charts.scale_chart(scenario, ISSUE, analyses["forecasts"])
    bars = charts.band_probability_chart(scenario, ISSUE, analyses["bands"])
    colour = {t.name: t.marker.color for t in scale.data if t.name}
    assert all(colour[t.name] == t.marker.color for t in bars.data)


def test_embedded_figures_need_no_network(scenario, analyses):
    html = charts.figure_html(charts.scale_chart(scenario, ISSUE, analyses["forecasts"]))
    assert "<script src" not in html and "https://" not in html.replace("https://plot.ly", "")
    assert 'dir="ltr"' in html
    assert "Plotly.newPlot" in html
