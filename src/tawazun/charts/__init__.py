"""Results as Plotly figures, in the current language: the one module every output draws with.

The report, the web app and notebooks draw the same figures::

    from tawazun import charts
    from tawazun.i18n import using

    with using("ar"):
        figure = charts.scale_chart(scenario, "us-presence", {"eum": 38.8, "median": 45.0})

Every function takes a scenario (for names, labels, scales and bands) and the output of an
analysis, and returns a :class:`plotly.graph_objects.Figure`. Titles, axis titles, legends
and hover texts come from the message catalog (:mod:`tawazun.i18n`) and the scenario's own
names in the language in force when the function is called. In a right-to-left language a
figure is mirrored (x axes run right to left, the y axis and the legend sit on the right,
titles align right) and every text is a right-to-left isolate, so that an Arabic title
with a Latin name in it reads in order.

* :func:`scale_chart`: an issue's scale with its bands drawn and each model's forecast
  marked;
* :func:`trajectory_chart`: an iterative model's positions round by round, bands shaded;
* :func:`band_probability_chart`: the probability of each band, by model;
* :func:`tornado_chart`: the pivotal actors of an issue;
* :func:`shocks_chart`: the forecast without events, with each event alone, and along
  the timeline;
* :func:`figure_html` and :func:`plotly_js`: a figure as an HTML fragment, and the
  plotly.js library to inline beside it (no network needed to show either).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from typing import TYPE_CHECKING

import plotly.graph_objects as go
from plotly.colors import qualitative, sample_colorscale

from tawazun.i18n import _, is_rtl, isolate, localized, ngettext
from tawazun.models import available

if TYPE_CHECKING:
    from tawazun.analysis.pivotal import Pivotal
    from tawazun.analysis.shocks import Shocks
    from tawazun.result import Result
    from tawazun.scenario import Band, Issue, Scenario

#: The fonts figures ask for; the report embeds them, so Arabic and Latin both have glyphs.
FONT_FAMILY = "'Noto Naskh Arabic', 'Noto Sans', 'DejaVu Sans', sans-serif"
#: Colours of the models, in the registry's order, the same in every figure.
MODEL_COLOURS = qualitative.D3
ACTOR_COLOURS = qualitative.Dark24
BAND_OPACITY = 0.28
WIDTH, HEIGHT = 900, 460
#: characters of a title line that fit in :data:`WIDTH`
TITLE_WIDTH = 90
#: the share of the axis a band must show to carry its label above the plot
NARROWEST_LABELLED = 0.08
_RLI, _PDI = "\u2067", "\u2069"
_NO_ISOLATES = {0x2068: None, 0x2069: None}
#: CSS a page showing figures needs (it is in :func:`figure_html`'s output).
CHART_CSS = "#js-plotly-tester{direction:ltr}"


# -- shared dressing -------------------------------------------------------------------------


def _t(text: str) -> str:
    """A text of the figure: a right-to-left isolate in a right-to-left language.

    SVG text is laid out left to right unless told otherwise; isolating the whole text as
    right to left makes an Arabic sentence with Latin names in it read in order.
    """
    if not (is_rtl() and text):
        return text
    # inside SVG text, nested first-strong isolates (the catalog's) move neutral marks
    # such as a colon to the line's end in Chromium: the one right-to-left isolate suffices
    return f"{_RLI}{text.translate(_NO_ISOLATES)}{_PDI}"


def model_colour(model: str) -> str:
    """The colour of ``model``: its place in the registry, so the same in every figure."""
    names = list(available())
    k = names.index(model) if model in names else len(names) + sum(map(ord, model))
    return MODEL_COLOURS[k % len(MODEL_COLOURS)]


def band_colours(issue: Issue) -> dict[str, str]:
    """A colour per band, running along the scale from one end to the other."""
    n = len(issue.bands)
    points = [0.5] if n == 1 else [k / (n - 1) for k in range(n)]
    colours = sample_colorscale("Spectral", [0.1 + 0.8 * p for p in points])
    return {band.id: colour for band, colour in zip(issue.bands, colours, strict=True)}


def short_label(text: str, width: int, lines: int = 2) -> str:
    """``text`` wrapped to ``lines`` lines of about ``width`` characters (ellipsis if cut)."""
    wrapped = textwrap.wrap(text, max(width, 6))
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1].rstrip(" ,;:.") + "…"
    return "<br>".join(_t(line) for line in wrapped)


def _number(value: float, digits: int = 1) -> str:
    return "–" if value != value else f"{value:.{digits}f}"


def _dress(
    figure: go.Figure,
    title: str,
    x_title: str,
    y_title: str,
    *,
    mirror_x: bool = True,
    y_labels: list[str] | None = None,
):
    """Titles, fonts, the legend and, in a right-to-left language, the mirrored layout.

    The y axis' title is written level above the axis, as newspapers do: a rotated title
    beside a right-hand axis is placed by plotly.js from measurements that a printed page
    may take before its fonts settle, and lands on the tick labels. The margin on the
    axis' side is sized for its tick labels (``y_labels``, or numbers) for the same reason.
    """
    rtl = is_rtl()
    longest = max(len(line) for label in y_labels or ["100%"] for line in label.split("<br>"))
    axis_side = min(300, 30 + int(7 * longest))
    side = {"l": axis_side, "r": 40} if not rtl else {"l": 40, "r": axis_side}
    figure.update_layout(
        template="plotly_white",
        width=WIDTH,
        height=HEIGHT,
        font={"family": FONT_FAMILY, "size": 13},
        title={
            # two lines at most: plotly.js does not wrap, and a long title runs off the page
            "text": short_label(title, TITLE_WIDTH),
            "x": 0.99 if rtl else 0.01,
            "xanchor": "right" if rtl else "left",
        },
        margin={**side, "t": 120, "b": 60},
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.09,
            "x": 1 if rtl else 0,
            "xanchor": "right" if rtl else "left",
        },
        hoverlabel={"align": "right" if rtl else "left"},
    )
    figure.update_xaxes(title_text=_t(x_title), automargin=True)
    figure.update_yaxes(side="right" if rtl else "left", automargin=True)
    if y_title:
        figure.add_annotation(
            text=_t(y_title),
            xref="paper",
            yref="paper",
            x=1 if rtl else 0,
            xanchor="right" if rtl else "left",
            y=1.01,
            yanchor="bottom",
            showarrow=False,
            font={"size": 12, "color": "#444"},
        )
    if rtl and mirror_x:
        figure.update_xaxes(autorange="reversed")
    return figure


def _shade_bands(
    figure: go.Figure,
    issue: Issue,
    *,
    vertical: bool,
    label_width: int = 22,
    window: tuple[float, float] | None = None,
):
    """Each band of ``issue`` as a shaded stripe, its label written at one end.

    With ``window`` (the part of the scale the axis shows), bands outside it are left out
    and a vertical band's label is centred on its visible part.
    """
    colours = band_colours(issue)
    rtl = is_rtl()
    low, high = window or (issue.scale.min, issue.scale.max)
    for band in issue.bands:
        lower, upper = max(band.lower, low), min(band.upper, high)
        if lower >= upper:
            continue
        label = short_label(localized(band.label), label_width, lines=1)
        common = {"fillcolor": colours[band.id], "opacity": BAND_OPACITY, "line_width": 0}
        if vertical:
            figure.add_vrect(x0=lower, x1=upper, layer="below", **common)
            width = upper - lower
            if width < NARROWEST_LABELLED * (high - low):
                continue  # too narrow to name without cutting words: shaded only
            figure.add_annotation(
                x=(lower + upper) / 2,
                y=1.0,
                yref="paper",
                yanchor="bottom",
                text=short_label(
                    localized(band.label),
                    min(2 * label_width, max(6, int(width / (high - low) * 90))),
                ),
                showarrow=False,
                font={"size": 10},
            )
        else:
            figure.add_hrect(y0=band.lower, y1=band.upper, layer="below", **common)
            figure.add_annotation(
                x=0.0 if rtl else 1.0,
                xref="paper",
                xanchor="left" if rtl else "right",
                y=(band.lower + band.upper) / 2,
                text=label,
                showarrow=False,
                font={"size": 10, "color": "#444"},
            )


def _finite_or_zero(value: float) -> float:
    return value if math.isfinite(value) else 0.0


def _band_hover(band: Band) -> str:
    return f"{_t(localized(band.label))}<br>{band.lower:g}–{band.upper:g}"


# -- the figures -----------------------------------------------------------------------------


def _inward(issue: Issue, value: float) -> str:
    """Where a marker's value label goes: on the side facing the middle of the scale, so that
    a value at either end is not written past the edge of the plot (the axis runs right to
    left in Arabic)."""
    upper_half = value > (issue.scale.min + issue.scale.max) / 2
    return "middle left" if upper_half != is_rtl() else "middle right"


def scale_chart(scenario: Scenario, issue_id: str, forecasts: Mapping[str, float]) -> go.Figure:
    """An issue's scale with its bands drawn and each model's forecast marked.

    Parameters
    ----------
    scenario : Scenario
    issue_id : str
    forecasts : mapping of str to float
        Model name to its forecast of the issue.
    """
    issue = scenario.issue(issue_id)
    figure = go.Figure()
    _shade_bands(figure, issue, vertical=True)
    for band in issue.bands:  # invisible points carry each band's full label on hover
        figure.add_trace(
            go.Scatter(
                x=[(band.lower + band.upper) / 2],
                y=[list(forecasts)[0] if forecasts else ""],
                mode="markers",
                marker={"opacity": 0},
                hovertext=[_band_hover(band)],
                hoverinfo="text",
                showlegend=False,
            )
        )
    for model, value in forecasts.items():
        band = issue.band_of(value)
        figure.add_trace(
            go.Scatter(
                x=[value],
                y=[model],
                mode="markers+text",
                marker={"size": 14, "color": model_colour(model), "symbol": "diamond"},
                text=[_number(value)],
                textposition=_inward(issue, value),
                name=model,
                hovertext=[
                    _t(_("{model}: {value}").format(model=isolate(model), value=_number(value)))
                    + (f"<br>{_t(localized(band.label))}" if band else "")
                ],
                hoverinfo="text",
                showlegend=False,
            )
        )
    rows = list(forecasts)
    if issue.status_quo is not None:
        quo = _t(_("status quo"))
        rows.append(quo)
        figure.add_vline(x=issue.status_quo, line={"dash": "dot", "color": "#555", "width": 1.5})
        figure.add_trace(
            go.Scatter(
                x=[issue.status_quo],
                y=[quo],
                mode="markers+text",
                marker={"size": 12, "color": "#555", "symbol": "x"},
                text=[f"{issue.status_quo:g}"],
                textposition=_inward(issue, issue.status_quo),
                hoverinfo="skip",
                showlegend=False,
            )
        )
    _dress(
        figure,
        _("{issue}: the forecast of each model").format(issue=isolate(localized(issue.name))),
        _("position on the scale ({low:g} to {high:g})").format(
            low=issue.scale.min, high=issue.scale.max
        ),
        "",
        y_labels=rows,
    )
    figure.update_xaxes(range=_x_range(issue), autorange=False)
    figure.update_yaxes(type="category", categoryorder="array", categoryarray=rows)
    figure.update_layout(height=max(280, 170 + 42 * len(rows)), margin_t=120)
    return figure


def _x_range(issue: Issue, window: tuple[float, float] | None = None) -> list[float]:
    """The issue's scale (or ``window`` of it), reversed in a right-to-left language."""
    low, high = window or (issue.scale.min, issue.scale.max)
    pad = issue.scale.width * 0.02
    return [high + pad, low - pad] if is_rtl() else [low - pad, high + pad]


def _window(issue: Issue, values: list[float], least: float = 0.2) -> tuple[float, float]:
    """The part of the scale that shows ``values`` with room around them.

    At least ``least`` of the scale's width, so that small effects look small next to the
    scale, and never beyond the scale.
    """
    finite = [v for v in values if math.isfinite(v)]
    if not finite:  # nothing to show: the whole scale
        return issue.scale.min, issue.scale.max
    low, high = min(finite), max(finite)
    width = max(high - low, issue.scale.width * least)
    centre = (low + high) / 2
    low, high = centre - 0.6 * width, centre + 0.6 * width
    if low < issue.scale.min:
        low, high = issue.scale.min, min(issue.scale.max, high + issue.scale.min - low)
    if high > issue.scale.max:
        low, high = max(issue.scale.min, low - (high - issue.scale.max)), issue.scale.max
    return low, high


def trajectory_chart(scenario: Scenario, result: Result, issue_id: str) -> go.Figure:
    """Each actor's position round by round (an iterative model's ``trajectory``), bands shaded.

    The forecast of each round (``forecast`` of the round, when the model records one) is
    the thick line.
    """
    issue = scenario.issue(issue_id)
    rounds = result[issue_id].trajectory
    figure = go.Figure()
    _shade_bands(figure, issue, vertical=False)
    steps = [r["round"] for r in rounds]
    for k, actor in enumerate(scenario.actors):
        path = [r.get("positions", {}).get(actor.id) for r in rounds]
        if all(p is None for p in path):
            continue
        name = localized(actor.name)
        figure.add_trace(
            go.Scatter(
                x=steps,
                y=path,
                mode="lines",
                name=short_label(name, 40, lines=1),
                line={"width": 1.4, "color": ACTOR_COLOURS[k % len(ACTOR_COLOURS)]},
                hovertemplate=_t(name) + "<br>%{y:.1f}<extra></extra>",
            )
        )
    if any("forecast" in r for r in rounds):
        figure.add_trace(
            go.Scatter(
                x=steps,
                y=[r.get("forecast") for r in rounds],
                mode="lines+markers",
                name=_t(_("forecast")),
                line={"width": 4, "color": "black"},
                hovertemplate=_t(_("forecast")) + "<br>%{y:.1f}<extra></extra>",
            )
        )
    _dress(
        figure,
        _("{issue}: positions round by round ({model})").format(
            issue=isolate(localized(issue.name)), model=isolate(result.model)
        ),
        _("round"),
        _("position"),
    )
    figure.update_yaxes(range=[issue.scale.min, issue.scale.max])
    figure.update_layout(
        height=560,
        legend={
            "orientation": "v",
            "font": {"size": 11},
            "y": 1,
            "yanchor": "top",
            "x": -0.06 if is_rtl() else 1.06,
            "xanchor": "right" if is_rtl() else "left",
        },
    )
    return figure


def band_probability_chart(
    scenario: Scenario,
    issue_id: str,
    probabilities: Mapping[str, Mapping[str, float]],
    runs: int | None = None,
    title: str | None = None,
) -> go.Figure:
    """The probability of each band of an issue, a group of bars per band, a bar per model.

    Parameters
    ----------
    probabilities : mapping of str to mapping of str to float
        Model name to ``{band id: probability}`` (``simulate``'s ``bands``); the key ``""``
        (outside every band) is shown when present.
    runs : int, optional
        The number of runs behind the probabilities, for the axis title.
    title : str, optional
        A title in the current language with an ``{issue}`` placeholder (default: the
        probability of each outcome band).
    """
    issue = scenario.issue(issue_id)
    bands: list[tuple[str, str]] = [(b.id, localized(b.label)) for b in issue.bands]
    if any(p.get("", 0) for p in probabilities.values()):
        bands.append(("", _("outside every band")))
    width = max(10, int(80 / max(len(bands), 1)))
    labels = [short_label(label, width, lines=3) for _band, label in bands]
    figure = go.Figure()
    for model, shares in probabilities.items():
        values = [shares.get(band_id, 0.0) for band_id, _label in bands]
        figure.add_trace(
            go.Bar(
                x=labels,
                y=values,
                name=model,
                marker_color=model_colour(model),
                text=[f"{v:.0%}" for v in values],
                textposition="outside",
                hovertext=[_t(label) for _band, label in bands],
                hovertemplate="%{hovertext}<br>%{y:.1%}<extra>" + model + "</extra>",
            )
        )
    _dress(
        figure,
        (title or _("{issue}: probability of each outcome band")).format(
            issue=isolate(localized(issue.name))
        ),
        _("outcome band"),
        ngettext("share of the {count} run", "share of the {count} runs", runs).format(count=runs)
        if runs
        else _("probability"),
    )
    figure.update_yaxes(tickformat=".0%", range=[0, 1.12])
    figure.update_layout(barmode="group")
    return figure


def tornado_chart(scenario: Scenario, pivotal: Pivotal, issue_id: str, top: int = 10) -> go.Figure:
    """The ``top`` pivotal actors of an issue as a tornado around the forecast.

    For each actor (the most pivotal on top) a bar per attribute spans the forecast when the
    attribute moves by 10% of its range either way (``pivotal``'s ``*_10pct``), and a
    diamond marks the forecast without the actor.
    """
    issue = scenario.issue(issue_id)
    effects = pivotal.effects[issue_id][:top]
    baseline = pivotal.baseline[issue_id]
    names = [short_label(localized(scenario.actor(e.actor).name), 34) for e in effects]
    figure = go.Figure()
    swing_of = {
        field: [_finite_or_zero(abs(getattr(e, f"{field}_10pct"))) for e in effects]
        for field in ("position", "salience", "capability")
    }
    reached = [baseline + e.leave for e in effects] + [
        baseline + sign * s for swings in swing_of.values() for s in swings for sign in (-1, 1)
    ]
    # the axis shows what moves, not the whole scale: effects of a few points stay readable
    window = _window(issue, [baseline, *reached])
    _shade_bands(figure, issue, vertical=True, window=window)
    labels = {
        "position": _("position ±10% of its range"),
        "salience": _("salience ±10% of its range"),
        "capability": _("capability ±10% of its range"),
    }
    for k, (field, label) in enumerate(labels.items()):
        swings = swing_of[field]
        figure.add_trace(
            go.Bar(
                y=names,
                x=[2 * s for s in swings],
                base=[baseline - s for s in swings],
                orientation="h",
                name=_t(label),
                marker_color=qualitative.Set2[k],
                hovertemplate="%{y}<br>" + _t(label) + ": ±%{customdata:.2f}<extra></extra>",
                customdata=swings,
            )
        )
    figure.add_trace(
        go.Scatter(
            y=names,
            x=[baseline + e.leave for e in effects],
            mode="markers",
            name=_t(_("without the actor")),
            marker={"symbol": "diamond", "size": 11, "color": "black"},
            hovertemplate="%{y}<br>" + _t(_("without the actor")) + ": %{x:.1f}<extra></extra>",
        )
    )
    figure.add_vline(x=baseline, line={"color": "#333", "width": 1.5})
    _dress(
        figure,
        _("{issue}: the pivotal actors ({model}; forecast {value})").format(
            issue=isolate(localized(issue.name)),
            model=isolate(pivotal.model),
            value=isolate(_number(baseline)),
        ),
        _("forecast"),
        "",
        y_labels=names,
    )
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(range=_x_range(issue, window), autorange=False)
    figure.update_layout(
        barmode="group",
        height=max(380, 190 + 48 * len(effects)),
        bargap=0.25,
        margin_t=100,
        margin_b=130,
        legend={"yref": "container", "y": 0.01, "yanchor": "bottom"},
    )
    return figure


def shocks_chart(scenario: Scenario, shocks: Shocks, issue_id: str) -> go.Figure:
    """The forecast without events, with each event alone, and with the events so far.

    Events are in the order they happen (:func:`tawazun.analysis.shocks.timeline`), as
    ``shocks`` lists them.
    """
    issue = scenario.issue(issue_id)
    j = shocks.issues.index(issue_id)
    events = {event.id: event for event in scenario.events}
    steps = [short_label(localized(events[e].name), 22, lines=3) for e in shocks.alone]
    figure = go.Figure()
    _shade_bands(figure, issue, vertical=False)
    baseline = float(shocks.baseline[j])
    figure.add_hline(
        y=baseline,
        line={"dash": "dash", "color": "#333"},
        annotation_text=_t(_("without events: {value}").format(value=_number(baseline))),
        annotation_position="top left" if is_rtl() else "top right",
    )
    figure.add_trace(
        go.Scatter(
            x=steps,
            y=[float(v[j]) for v in shocks.alone.values()],
            mode="markers",
            name=_t(_("with this event alone")),
            marker={"size": 13, "symbol": "circle"},
            hovertemplate="%{y:.1f}<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=steps,
            y=[float(v[j]) for v in shocks.cumulative.values()],
            mode="lines+markers",
            name=_t(_("with every event so far")),
            marker={"size": 9, "symbol": "square"},
            line={"width": 2.5},
            hovertemplate="%{y:.1f}<extra></extra>",
        )
    )
    _dress(
        figure,
        _("{issue}: the forecast with and without the events ({model})").format(
            issue=isolate(localized(issue.name)), model=isolate(shocks.model)
        ),
        _("event, in the order they happen"),
        _("forecast"),
    )
    figure.update_yaxes(range=[issue.scale.min, issue.scale.max])

    return figure


# -- embedding -------------------------------------------------------------------------------


def figure_html(figure: go.Figure, div_id: str | None = None, static: bool = False) -> str:
    """The figure as an HTML ``<div>`` and its script; plotly.js must be on the page.

    ``static`` turns off hovering and the mode bar (for print). The figure sits in a
    left-to-right block even on a right-to-left page, with :data:`CHART_CSS`: plotly.js
    measures and places its texts for that direction (on a page whose ``dir`` is ``rtl``
    its hidden measuring element would otherwise inherit it, and margins come out wrong),
    and the figure mirrors itself (see the module docstring).
    """
    # a printed page must not be re-laid out by plotly.js when printing resizes the window
    config = {"displaylogo": False, "responsive": not static, "staticPlot": static}
    html = figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=config)
    return f'<style>{CHART_CSS}</style><div class="chart" dir="ltr">{html}</div>'


def plotly_js() -> str:
    """The plotly.js library shipped in the plotly package, to inline in a ``<script>``."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


__all__ = [
    "CHART_CSS",
    "FONT_FAMILY",
    "band_colours",
    "band_probability_chart",
    "figure_html",
    "model_colour",
    "plotly_js",
    "scale_chart",
    "shocks_chart",
    "tornado_chart",
    "trajectory_chart",
]
