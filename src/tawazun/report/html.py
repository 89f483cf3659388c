"""The report as one self-contained HTML page, in English or Arabic.

:func:`render` lays :class:`~tawazun.report.analyse.Findings` out with the template
``templates/report.html``: plotly.js and the fonts are inlined, so the page opens and prints
without a network. Every sentence comes from the message catalog; names and labels from the
scenario in the page's language; numbers and Latin names inside Arabic sentences are bidi
isolates (:func:`tawazun.i18n.isolate`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from tawazun import __version__, charts
from tawazun.i18n import _, direction, isolate, language, localized, ngettext, using
from tawazun.report.analyse import Findings
from tawazun.report.fonts import font_css
from tawazun.report.methods import METHODS
from tawazun.scenario import Evidence, Issue, Scenario

TEMPLATES = Path(__file__).parent / "templates"
#: Width of a figure on the page, in CSS pixels (an A4 page's text is about 700).
PRINT_WIDTH = 700


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # the catalog's functions read the language in force, set by render()
    env.install_gettext_callables(gettext=_, ngettext=ngettext, newstyle=False)
    return env


# -- numbers and notes -----------------------------------------------------------------------


def number(value: float, digits: int = 1) -> str:
    return "–" if value is None or value != value else f"{value:.{digits}f}"


def percent(share: float) -> str:
    if share != share:
        return "–"
    if 0 < share < 0.005:
        return "<1%"
    if 0.995 < share < 1:
        return ">99%"
    return f"{share:.0%}"


@dataclass
class Notes:
    """Sources numbered in the order the report first cites them."""

    sources: list[str] = field(default_factory=list)

    def cite(self, evidence: Evidence | None) -> list[int]:
        if evidence is None:
            return []
        numbers = []
        for source in evidence.sources:
            if source not in self.sources:
                self.sources.append(source)
            numbers.append(self.sources.index(source) + 1)
        return numbers


# -- sections --------------------------------------------------------------------------------


def _band_of(issue: Issue, value: float) -> str:
    band = issue.band_of(value)
    return localized(band.label) if band else _("outside every band")


def question_section(scenario: Scenario) -> list[dict[str, Any]]:
    issues = []
    for issue in scenario.issues:
        issues.append(
            {
                "id": issue.id,
                "name": localized(issue.name),
                "scale": _("Scale from {low} to {high}.").format(
                    low=isolate(f"{issue.scale.min:g}"), high=isolate(f"{issue.scale.max:g}")
                ),
                "status_quo": (
                    _("The status quo stands at {value}.").format(
                        value=isolate(f"{issue.status_quo:g}")
                    )
                    if issue.status_quo is not None
                    else ""
                ),
                "points": [(f"{point.value:g}", localized(point.label)) for point in issue.points],
                "bands": [
                    (f"{band.lower:g}–{band.upper:g}", localized(band.label))
                    for band in issue.bands
                ],
            }
        )
    return issues


def actors_section(scenario: Scenario, notes: Notes) -> list[dict[str, Any]]:
    """Per issue, a row per actor at its table: numbers with notes, and the reasons."""
    tables = []
    for issue in scenario.issues:
        rows = []
        for actor in scenario.actors:
            stance = actor.stances.get(issue.id)
            if stance is None:
                continue
            cells = []
            for name, value, evidence in (
                ("position", stance.position, stance.evidence.get("position")),
                ("salience", stance.salience, stance.evidence.get("salience")),
                ("capability", actor.capability, actor.evidence.get("capability")),
            ):
                cells.append(
                    {
                        "field": name,
                        "value": f"{value:g}",
                        "notes": notes.cite(evidence),
                        "rationale": evidence.rationale if evidence else "",
                    }
                )
            # a capability is the actor's, not the issue's: its reasons are given once
            reasons = [
                cell
                for cell in cells
                if cell["rationale"] and (cell["field"] != "capability" or not tables)
            ]
            rows.append({"actor": localized(actor.name), "cells": cells, "reasons": reasons})
        tables.append({"issue": localized(issue.name), "rows": rows})
    return tables


def _field(name: str) -> str:
    return {"position": _("position"), "salience": _("salience"), "capability": _("capability")}[
        name
    ]


def _names(scenario: Scenario) -> dict[str, str]:
    return {actor.id: localized(actor.name) for actor in scenario.actors}


def forecast_section(findings: Findings, static: bool) -> list[dict[str, Any]]:
    scenario = findings.scenario
    rows = []
    for issue in scenario.issues:
        forecasts = {m.model: m.result[issue.id].forecast for m in findings.ran()}
        rows.append(
            {
                "issue": localized(issue.name),
                "rows": [
                    (model, number(value), _band_of(issue, value))
                    for model, value in forecasts.items()
                ],
                "chart": _chart(charts.scale_chart(scenario, issue.id, forecasts), static),
            }
        )
    return rows


def _chart(figure: Any, static: bool) -> Markup:
    if static:
        figure.update_layout(width=PRINT_WIDTH)
    return Markup(charts.figure_html(figure, static=static))


def trajectory_section(findings: Findings, static: bool) -> list[dict[str, Any]]:
    scenario = findings.scenario
    names = _names(scenario)
    out = []
    for found in findings.ran():
        if not found.spec.iterative:
            continue
        issues = []
        for issue in scenario.issues:
            forecast = found.result[issue.id]
            if not forecast.trajectory:
                continue
            explain = found.spec.explain
            issues.append(
                {
                    "issue": localized(issue.name),
                    "chart": _chart(
                        charts.trajectory_chart(scenario, found.result, issue.id), static
                    ),
                    "sentences": explain(forecast, names) if explain else [],
                }
            )
        out.append({"model": found.model, "issues": issues})
    return out


def _share_cell(shares: dict[str, float], fitted: dict[str, float] | None, band_id: str) -> str:
    """``calibrated · robustness`` (the robustness share alone without a calibration)."""
    share = percent(shares.get(band_id, 0.0))
    return share if fitted is None else f"{percent(fitted.get(band_id, 0.0))} · {share}"


def probability_section(findings: Findings, static: bool) -> list[dict[str, Any]]:
    scenario = findings.scenario
    out = []
    for j, issue in enumerate(scenario.issues):
        if not issue.bands:
            continue
        by_model = {m.model: m.bands(issue.id) for m in findings.ran()}
        calibrated = {m.model: m.calibrated_bands(issue.id) for m in findings.ran()}
        failed = {m.model: m.simulation.issues()[j]["failed"] for m in findings.ran()}

        out.append(
            {
                "issue": localized(issue.name),
                "models": list(by_model),
                "calibrated": any(c is not None for c in calibrated.values()),
                "rows": [
                    (
                        localized(band.label),
                        [
                            _share_cell(by_model[model], calibrated[model], band.id)
                            for model in by_model
                        ],
                    )
                    for band in issue.bands
                ],
                "failed": [
                    ngettext(
                        "{model}: {count} run could not be forecast.",
                        "{model}: {count} runs could not be forecast.",
                        count,
                    ).format(model=isolate(model), count=isolate(count))
                    for model, count in failed.items()
                    if count
                ],
                "chart": _chart(
                    charts.band_probability_chart(scenario, issue.id, by_model, findings.runs),
                    static,
                ),
                "calibrated_chart": (
                    _chart(
                        charts.band_probability_chart(
                            scenario,
                            issue.id,
                            {m: c for m, c in calibrated.items() if c is not None},
                            title=_("{issue}: calibrated probability of each outcome band"),
                        ),
                        static,
                    )
                    if any(c is not None for c in calibrated.values())
                    else ""
                ),
            }
        )
    return out


def pivotal_section(findings: Findings, static: bool, top: int) -> list[dict[str, Any]]:
    scenario = findings.scenario
    out = []
    for found in findings.ran():
        out.append(
            {
                "model": found.model,
                "charts": [
                    _chart(charts.tornado_chart(scenario, found.pivotal, issue.id, top), static)
                    for issue in scenario.issues
                ],
            }
        )
    return out


def shocks_section(findings: Findings, static: bool) -> list[dict[str, Any]]:
    scenario = findings.scenario
    if not scenario.events:
        return []
    events = {event.id: event for event in scenario.events}
    out = []
    for found in findings.ran():
        timeline = found.shocks
        issues = []
        for j, issue in enumerate(scenario.issues):
            rows = [
                (
                    localized(events[event_id].name),
                    number(float(alone[j])),
                    number(float(timeline.cumulative[event_id][j])),
                    _band_of(issue, float(timeline.cumulative[event_id][j])),
                )
                for event_id, alone in timeline.alone.items()
            ]
            issues.append(
                {
                    "issue": localized(issue.name),
                    "baseline": _("Without events the forecast is {value} ({band}).").format(
                        value=isolate(number(float(timeline.baseline[j]))),
                        band=_band_of(issue, float(timeline.baseline[j])),
                    ),
                    "rows": rows,
                    "chart": _chart(charts.shocks_chart(scenario, timeline, issue.id), static),
                }
            )
        out.append({"model": found.model, "issues": issues, "notes": timeline.notes})
    return out


def without_section(findings: Findings) -> list[dict[str, Any]]:
    """For each actor the report was asked to take away: every model's forecast without it."""
    scenario = findings.scenario
    out = []
    for actor_id in findings.without:
        name = localized(scenario.actor(actor_id).name)
        issues = []
        for j, issue in enumerate(scenario.issues):
            rows = []
            for found in findings.ran():
                away = found.without[actor_id]
                stated = found.result[issue.id].forecast
                alone = away.baseline.forecasts[issue.id]
                shares = away.issues()[j]["bands"]
                likely = max(issue.bands, key=lambda b: shares.get(b.id, 0.0), default=None)
                rows.append(
                    (
                        found.model,
                        f"{number(stated)} · {_band_of(issue, stated)}",
                        f"{number(alone)} · {_band_of(issue, alone)}",
                        (
                            f"{localized(likely.label)} ({percent(shares.get(likely.id, 0.0))})"
                            if likely
                            else "–"
                        ),
                    )
                )
            issues.append({"issue": localized(issue.name), "rows": rows})
        out.append(
            {
                "heading": _("Without {actor}").format(actor=isolate(name)),
                "intro": _(
                    "Every model's forecast with {actor} at the table and without it (gone "
                    "from every issue), and the most likely band without it over the runs."
                ).format(actor=isolate(name)),
                "with": _("With {actor}").format(actor=isolate(name)),
                "without": _("Without {actor}").format(actor=isolate(name)),
                "issues": issues,
            }
        )
    return out


def _change(scenario: Scenario, change: dict[str, Any]) -> str:
    return _("{actor}'s {field} from {old} to {new}").format(
        actor=isolate(localized(scenario.actor(change["actor"]).name)),
        field=_field(change["field"]),
        old=isolate(f"{change['from']:.3g}"),
        new=isolate(f"{change['to']:.3g}"),
    )


def whatif_section(findings: Findings, shown: int = 3) -> list[dict[str, Any]]:
    scenario = findings.scenario
    out = []
    for found in findings.ran():
        issues = []
        for issue in scenario.issues:
            entries = []
            for search in found.whatif.get(issue.id, []):
                band = localized(issue.band(search.band).label)
                moves = search.singles or search.pairs
                if search.singles:
                    verdict = _("A change of one actor suffices. The smallest changes:")
                elif search.pairs:
                    verdict = _(
                        "No change of one actor suffices; a change of two actors at once does. "
                        "The smallest:"
                    )
                else:
                    verdict = _(
                        "No change of one actor within its whole range suffices, nor of two "
                        "actors among those searched."
                    )
                changes = [
                    _("{changes} ({share} of the range; forecast {value})").format(
                        changes=_("; ").join(_change(scenario, c) for c in move["changes"]),
                        share=isolate(percent(move["share"])),
                        value=isolate(number(move["forecast"])),
                    )
                    for move in moves[:shown]
                ]
                if not moves and search.closest:
                    closest = search.closest
                    changes.append(
                        _(
                            "The closest approach: moving {changes} leaves the forecast "
                            "{distance} points from the band."
                        ).format(
                            changes=_("; ").join(_change(scenario, c) for c in closest["changes"]),
                            distance=isolate(number(closest["distance"])),
                        )
                    )
                entries.append({"band": band, "verdict": verdict, "changes": changes})
            issues.append({"issue": localized(issue.name), "entries": entries})
        out.append({"model": found.model, "issues": issues})
    return out


def method_section(findings: Findings) -> list[dict[str, str]]:
    out = []
    for found in findings.models:
        how, limits = METHODS.get(found.model, (found.spec.summary, ""))
        out.append(
            {
                "model": found.model,
                "how": _(how),
                "limits": _(limits) if limits else "",
                "reference": found.spec.reference,
                "refused": (
                    _("This model could not forecast the scenario: {reason}").format(
                        reason=found.refused
                    )
                    if found.refused
                    else ""
                ),
            }
        )
    return out


# -- the page --------------------------------------------------------------------------------


def render(findings: Findings, lang: str | None = None, *, static: bool = False, top: int = 8):
    """The report as one HTML page in ``lang`` (default: the current language).

    ``static`` makes the figures fixed images sized for print (the PDF's form).
    """
    lang = lang or language()
    with using(lang):
        scenario = findings.scenario
        notes = Notes()
        notes.cite(Evidence(sources=scenario.metadata.sources))
        meta = scenario.metadata
        context = {
            "lang": lang,
            "dir": direction(lang),
            "title": localized(meta.title),
            "as_of": (
                _("Data as of {date}.").format(date=isolate(meta.as_of.isoformat()))
                if meta.as_of
                else _("The scenario states no date for its data.")
            ),
            "made": _(
                "Scenario {id}; made by tawazun {version} on {date}; models: {models}; "
                "{runs} runs per model, seed {seed}."
            ).format(
                id=isolate(scenario.id),
                version=isolate(__version__),
                date=isolate(dt.date.today().isoformat()),
                models=isolate(", ".join(m.model for m in findings.models)),
                runs=isolate(findings.runs),
                seed=isolate(findings.seed),
            ),
            "questions": question_section(scenario),
            "actors": actors_section(scenario, notes),
            "forecasts": forecast_section(findings, static),
            "trajectories": trajectory_section(findings, static),
            "probabilities": probability_section(findings, static),
            "pivotal": pivotal_section(findings, static, top),
            "shocks": shocks_section(findings, static),
            "whatif": whatif_section(findings),
            "absent": without_section(findings),
            "methods": method_section(findings),
            "fonts": Markup(font_css()),
            "chart_css": Markup(charts.CHART_CSS),
            "plotly_js": Markup(charts.plotly_js()),
            "field": _field,
        }
        context["sources"] = list(notes.sources)
        return environment().get_template("report.html").render(**context)
