"""Calibrated intervals and band probabilities beside the robustness shares, for the CLI.

``forecast`` and ``simulate`` show two different things about the bands and must say which
is which: the *calibrated probability* (the model's forecast, or simulate's draws, combined
with how far that model's forecasts fell from real outcomes on DEU III; see
:mod:`tawazun.validation.calibration`) and the *robustness share* (the share of simulate's
random codings of the inputs whose forecast lands in the band). The headline is the
calibrated one unless the command (``--headline``) or the scenario (``metadata.headline``)
says otherwise.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from tawazun.i18n import _
from tawazun.scenario import Scenario


class Headline(StrEnum):
    calibrated = "calibrated"
    robustness = "robustness"


HeadlineOpt = Annotated[
    Headline | None,
    typer.Option(
        "--headline",
        help="Which band probabilities lead: 'calibrated' (default; the model's error on real "
        "outcomes included) or 'robustness' (share of random codings of the inputs); "
        "default: the scenario's metadata.headline.",
    ),
]


def headline_of(scenario: Scenario, chosen: Headline | None) -> str:
    """The command's choice, else the scenario's, else calibrated."""
    if chosen is not None:
        return chosen.value
    return getattr(scenario.metadata, "headline", None) or Headline.calibrated.value


def interval_line(calibrated: dict[str, Any] | None) -> str:
    """``calibrated 50% [a, b] · 80% [..] · 90% [..]``, or why there is none."""
    if calibrated is None or not calibrated["intervals"]:
        return _("no calibrated interval: this model has no calibration on DEU III")
    parts = [
        f"{float(level):.0%} [{low:.1f}, {high:.1f}]"
        for level, (low, high) in calibrated["intervals"].items()
    ]
    return _("calibrated intervals: {intervals}").format(intervals=" · ".join(parts))


def assumption_note() -> str:
    """What the calibration assumes, in one sentence (docs/validation.md says more)."""
    return _(
        "Calibrated = the model's out-of-sample errors on EU legislation (DEU III) applied "
        "to this case: an assumption outside the EU. Robustness share = share of random "
        "codings of the inputs whose forecast lands in the band; not a probability."
    )


def with_calibration(
    issues: list[dict[str, Any]], calibrated: dict[str, dict[str, Any] | None], headline: str
) -> list[dict[str, Any]]:
    """JSON issue entries with ``calibrated`` and ``headline`` added (and, for simulate,
    ``robustness_shares``: the ``bands`` entry under a name that says what it is)."""
    found = []
    for entry in issues:
        extra: dict[str, Any] = {"calibrated": calibrated.get(entry["issue"]), "headline": headline}
        if "bands" in entry:
            extra["robustness_shares"] = entry["bands"]
        found.append({**entry, **extra})
    return found


def calibrated_tables(
    scenario: Scenario, calibrated: dict[str, dict[str, Any] | None], lang: str
) -> None:
    """``forecast``'s calibrated intervals and band probabilities, issue by issue."""
    from rich.table import Table

    from tawazun.cli._common import band_label, console, text_in

    for issue in scenario.issues:
        found = calibrated.get(issue.id)
        console.print()
        console.print(
            f"[bold]{text_in(issue.name, lang)}[/bold]: {interval_line(found)}", highlight=False
        )
        if found is None or not found["bands"]:
            continue
        table = Table(_("band"), _("range"), _("calibrated probability"), "", header_style="bold")
        for band in issue.bands:
            probability = found["bands"].get(band.id, 0.0)
            table.add_row(
                band_label(scenario, issue.id, band.id, lang),
                f"{band.lower:g}-{band.upper:g}",
                f"{probability:.1%}",
                "█" * round(probability * 30),
            )
        console.print(table)
    console.print()
    console.print(
        assumption_note() + " " + _("Robustness shares: tawazun simulate."), highlight=False
    )


def show_calibrated(scenario: Scenario, document: dict[str, Any], lang: str) -> None:
    """:func:`calibrated_tables` from a forecast's JSON document (nothing for documents
    written before calibration existed)."""
    if not any("calibrated" in entry for entry in document["issues"]):
        return
    calibrated = {entry["issue"]: entry.get("calibrated") for entry in document["issues"]}
    calibrated_tables(scenario, calibrated, lang)
