"""Analysis commands: simulate, pivotal, shocks, whatif (docs/analysis.md)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from tawazun import io, limits
from tawazun.cli._calibration import (
    HeadlineOpt,
    assumption_note,
    headline_of,
    interval_line,
    with_calibration,
)
from tawazun.cli._common import (
    FromOpt,
    JsonOpt,
    Lang,
    LangOpt,
    ModelOpt,
    ParamOpt,
    PathArg,
    UsageProblem,
    app,
    band_id_of,
    band_label,
    check_size,
    clean_errors,
    console,
    fixed,
    follow,
    on_scale,
    parameters_for,
    print_json,
    progress_bar,
    signed,
    spark,
    text_in,
)
from tawazun.cli._saving import keep, saved, shows
from tawazun.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from tawazun.scenario import Scenario


def deliver(
    scenario: Scenario,
    document: dict[str, Any],
    as_json: bool,
    show: Callable[[Scenario, dict[str, Any], str], None],
    lang: str,
) -> None:
    """Keep the run, then print its document: as JSON, or through the command's printer
    (the one ``tawazun runs show`` uses too)."""
    keep(scenario, document)
    if as_json:
        print_json(document)
        return
    show(scenario, document, lang)


@app.command()
@saved("simulate")
def simulate(
    path: PathArg,
    model: ModelOpt = "compromise",
    runs: Annotated[
        int, typer.Option("--runs", "-n", help=N_("Number of random variants."))
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help=N_("Same seed, same numbers."))] = 0,
    workers: Annotated[
        int | None,
        typer.Option("--workers", help=N_("Run on a local Dask cluster of K processes.")),
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help=N_("Run on the Dask cluster at this address."))
    ] = None,
    batch: Annotated[
        int | None, typer.Option("--batch", help=N_("Runs per Dask task (default: automatic)."))
    ] = None,
    as_json: JsonOpt = False,
    param: ParamOpt = None,
    source_format: FromOpt = None,
    lang: LangOpt = Lang.en,
    headline: HeadlineOpt = None,
) -> None:
    """Forecast many random variants of a scenario: probabilities of each outcome band."""
    from tawazun.analysis.simulate import simulate as run_simulation
    from tawazun.validation.calibration import calibrated_issues

    with clean_errors():
        scenario = io.load(path, source_format)
        parameters = parameters_for(model, param or [])
        limits.check("simulate", "--runs", runs, "runs")
        limits.check("simulate", "--workers", 1 if workers is None else workers, "workers")
        limits.check("simulate", "--batch", 1 if batch is None else batch, "runs")
        limits.check("simulate", "--seed", seed, "seed", minimum=0)
        check_size(scenario, model, "simulate")
        if workers is not None and scheduler is not None:
            raise UsageProblem(_("give --workers or --scheduler, not both"))
        with progress_bar(not as_json and sys.stderr.isatty()) as bar:
            task = bar.add_task(
                ngettext("{model}: {count} run", "{model}: {count} runs", runs).format(
                    model=model, count=runs
                ),
                total=runs,
            )
            try:
                result = run_simulation(
                    scenario,
                    model,
                    runs,
                    seed,
                    workers=workers,
                    scheduler=scheduler,
                    batch=batch,
                    progress=lambda done: bar.advance(task, done),
                    parameters=parameters,
                )
            except (OSError, TimeoutError, ValueError) as exc:
                if scheduler is None:
                    raise
                raise UsageProblem(
                    _("cannot reach the Dask scheduler {address}: {reason}").format(
                        address=scheduler, reason=exc
                    )
                ) from None
        calibrated = calibrated_issues(scenario, model, result.forecasts)
        lead = headline_of(scenario, headline)
    document = result.to_dict()
    document["issues"] = with_calibration(document["issues"], calibrated, lead)
    deliver(scenario, document, as_json, show_simulation, lang)


#: The headline names a document may carry (the column of the lead figure), for the catalog.
HEADLINES = (N_("calibrated"), N_("robustness"))


@shows("simulate")
def show_simulation(scenario: Scenario, document: dict[str, Any], lang: str) -> None:
    execution = document["execution"]
    runs, uncertain = document["runs"], document["uncertain_values"]
    console.print(
        f"[bold]{text_in(scenario.metadata.title, lang)}[/bold]  ·  "
        + _("model {model}").format(model=f"[cyan]{document['model']}[/cyan]")
        + "  ·  "
        + _("{runs}, seed {seed}, {values}").format(
            runs=ngettext("{count} run", "{count} runs", runs).format(count=runs),
            seed=document["seed"],
            values=ngettext(
                "{count} uncertain value", "{count} uncertain values", uncertain
            ).format(count=uncertain),
        )
        + "  ·  "
        + _("{where}, {seconds} s").format(
            where=execution["where"], seconds=f"{execution['seconds']:.1f}"
        )
    )
    for summary in document["issues"]:
        issue = scenario.issue(summary["issue"])
        base = summary["baseline"]
        q = summary["quantiles"]
        console.print()
        failed = summary["failed"]
        console.print(
            _(
                "{issue} (scale {low}-{high}): as stated {forecast} ({band}); over the runs "
                "mean {mean}, sd {sd}, 90% between {q05} and {q95}, median {median}"
            ).format(
                issue=f"[bold]{text_in(issue.name, lang)}[/bold]",
                low=f"{issue.scale.min:g}",
                high=f"{issue.scale.max:g}",
                forecast=f"[bold green]{on_scale(base['forecast'], issue)}[/bold green]",
                band=band_label(scenario, issue.id, base["band"], lang),
                mean=fixed(summary["mean"]),
                sd=fixed(summary["sd"]),
                q05=fixed(q["0.05"]),
                q95=fixed(q["0.95"]),
                median=fixed(q["0.5"]),
            )
            + (
                "; [red]"
                + ngettext("{count} run failed", "{count} runs failed", failed).format(count=failed)
                + "[/red]"
                if failed
                else ""
            )
        )
        # Documents stored before calibration existed have neither key: shares lead.
        calibration = summary.get("calibrated")
        lead = summary.get("headline", "robustness")
        console.print(f"  {interval_line(calibration)}", highlight=False)
        table = Table(
            _("band"),
            _("range"),
            _("calibrated probability"),
            _("robustness share"),
            _(lead),
            header_style="bold",
        )
        for band_id, share in summary["bands"].items():
            band = issue.band(band_id) if band_id else None
            probability = calibration["bands"].get(band_id) if calibration else None
            leading = probability if lead == "calibrated" and probability is not None else share
            table.add_row(
                band_label(scenario, issue.id, band_id, lang),
                f"{band.lower:g}-{band.upper:g}" if band else "",
                "-" if probability is None else f"{probability:.1%}",
                "-" if share is None else f"{share:.1%}",
                "█" * round((leading or 0) * 30),
            )
        if issue.bands:
            console.print(table)
        console.print(
            f"  {issue.scale.min:g} {spark(summary['histogram']['counts'])} {issue.scale.max:g}",
            highlight=False,
        )
    console.print()
    console.print(assumption_note(), highlight=False)


@app.command()
@saved("pivotal")
def pivotal(
    path: PathArg,
    model: ModelOpt = "compromise",
    step: Annotated[
        float, typer.Option("--step", help=N_("Finite-difference step, share of each range."))
    ] = 0.05,
    as_json: JsonOpt = False,
    param: ParamOpt = None,
    source_format: FromOpt = None,
    lang: LangOpt = Lang.en,
) -> None:
    """Rank the actors by how far they move each issue's forecast (docs/analysis.md)."""
    from tawazun.analysis.pivotal import pivotal as find_pivotal

    with clean_errors():
        scenario = io.load(path, source_format)
        parameters = parameters_for(model, param or [])
        check_size(scenario, model, "pivotal")
        with progress_bar(not as_json and sys.stderr.isatty()) as bar:
            task = bar.add_task(_("{model}: pivotal actors").format(model=model), total=None)
            result = find_pivotal(scenario, model, step, progress=follow(bar, task), **parameters)
    deliver(scenario, result.to_dict(), as_json, show_pivotal, lang)


@shows("pivotal")
def show_pivotal(scenario: Scenario, document: dict[str, Any], lang: str) -> None:
    console.print(
        f"[bold]{text_in(scenario.metadata.title, lang)}[/bold]  ·  "
        + _("model {model}").format(model=f"[cyan]{document['model']}[/cyan]")
    )
    for entry in document["issues"]:
        issue = scenario.issue(entry["issue"])
        console.print()
        console.print(
            _(
                "{issue}: forecast {forecast}. Change of the forecast if the actor leaves, and "
                "if its position, salience or capability moves by 10% of its range"
            ).format(
                issue=f"[bold]{text_in(issue.name, lang)}[/bold]",
                forecast=on_scale(entry["baseline"], issue),
            )
        )
        table = Table(
            "#",
            _("actor"),
            _("leaves"),
            _("position"),
            _("salience"),
            _("capability"),
            header_style="bold",
        )
        for rank, effect in enumerate(entry["actors"], 1):
            table.add_row(
                str(rank),
                text_in(scenario.actor(effect["actor"]).name, lang),
                signed(effect["leave"], 1),
                signed(effect["position_10pct"]),
                signed(effect["salience_10pct"]),
                signed(effect["capability_10pct"]),
            )
        console.print(table)


@app.command()
@saved("shocks")
def shocks(
    path: PathArg,
    model: ModelOpt = "compromise",
    as_json: JsonOpt = False,
    param: ParamOpt = None,
    source_format: FromOpt = None,
    lang: LangOpt = Lang.en,
) -> None:
    """The forecast without the scenario's events, with each alone, and along the timeline."""
    from tawazun.analysis.shocks import shocks as run_shocks

    with clean_errors():
        scenario = io.load(path, source_format)
        parameters = parameters_for(model, param or [])
        if not scenario.events:
            raise UsageProblem(
                _("{path}: the scenario has no events (see docs/analysis.md)").format(path=path)
            )
        check_size(scenario, model, "shocks")
        result = run_shocks(scenario, model, **parameters)
    deliver(scenario, result.to_dict(), as_json, show_shocks, lang)


@shows("shocks")
def show_shocks(scenario: Scenario, document: dict[str, Any], lang: str) -> None:
    from tawazun.analysis.shocks import timeline

    console.print(
        f"[bold]{text_in(scenario.metadata.title, lang)}[/bold]  ·  "
        + _("model {model}").format(model=f"[cyan]{document['model']}[/cyan]")
    )
    events = {entry["event"]: entry for entry in document["events"]}
    for issue in scenario.issues:
        base = document["baseline"][issue.id]
        base_band = band_label(scenario, issue.id, band_id_of(issue, base), lang)
        console.print()
        console.print(
            _("{issue}: without events {forecast} ({band})").format(
                issue=f"[bold]{text_in(issue.name, lang)}[/bold]",
                forecast=on_scale(base, issue),
                band=base_band,
            )
        )
        table = Table(
            _("event"),
            _("date"),
            _("round"),
            _("alone"),
            _("change"),
            _("timeline"),
            _("band"),
            header_style="bold",
        )
        for event in timeline(scenario.events):
            alone = events[event.id]["alone"][issue.id]
            along = events[event.id]["timeline"][issue.id]
            table.add_row(
                text_in(event.name, lang),
                event.date.isoformat() if event.date else "",
                str(event.round),
                on_scale(alone, issue),
                signed(events[event.id]["alone_change"][issue.id], 1),
                on_scale(along, issue),
                band_id_of(issue, along) or "-",
            )
        console.print(table)
    for note in document["notes"]:
        console.print(
            _("{note_word}: {note}").format(note_word=f"[yellow]{_('note')}[/yellow]", note=note),
            highlight=False,
        )


@app.command()
@saved("whatif")
def whatif(
    path: PathArg,
    issue: Annotated[str, typer.Option("--issue", help=N_("The issue's id."))],
    band: Annotated[str, typer.Option("--band", help=N_("The id of the band to reach."))],
    model: ModelOpt = "compromise",
    grid: Annotated[int, typer.Option("--grid", help=N_("Grid steps per search."))] = 20,
    as_json: JsonOpt = False,
    param: ParamOpt = None,
    source_format: FromOpt = None,
    lang: LangOpt = Lang.en,
) -> None:
    """The smallest change of one actor (else two) that moves a forecast into a band."""
    from tawazun.analysis.whatif import what_would_it_take

    with clean_errors():
        scenario = io.load(path, source_format)
        parameters = parameters_for(model, param or [])
        limits.check("whatif", "--grid", grid, "grid", minimum=2)
        check_size(scenario, model, "whatif")
        with progress_bar(not as_json and sys.stderr.isatty()) as bar:
            task = bar.add_task(_("{model}: what would it take").format(model=model), total=None)
            result = what_would_it_take(
                scenario, issue, band, model, grid=grid, progress=follow(bar, task), **parameters
            )
    deliver(scenario, result.to_dict(), as_json, show_whatif, lang)


@shows("whatif")
def show_whatif(scenario: Scenario, document: dict[str, Any], lang: str) -> None:
    issue, band, closest = document["issue"], document["band"], document["closest"]
    target = scenario.issue(issue)
    console.print(
        _("{issue}  ·  model {model}: forecast {forecast}; target {band}").format(
            issue=f"[bold]{text_in(target.name, lang)}[/bold]",
            model=f"[cyan]{document['model']}[/cyan]",
            forecast=on_scale(document["baseline"], target),
            band=band_label(scenario, issue, band, lang),
        )
    )
    console.print(f"[bold]{_(document['answer'])}[/bold]", highlight=False)
    found = document["singles"] or document["pairs"]
    if closest is not None:
        console.print(
            _("closest approach: forecast {forecast}, {distance} from the band, with").format(
                forecast=on_scale(closest["forecast"], target),
                distance=fixed(closest["distance"]),
            ),
            highlight=False,
        )
        found = [closest]
    if not found:
        return
    table = Table("#", _("change"), _("share of range"), _("forecast"), header_style="bold")
    for rank, entry in enumerate(found[:10], 1):
        table.add_row(
            str(rank),
            _("; ").join(describe_change(scenario, c, lang) for c in entry["changes"]),
            f"{entry['share']:.1%}",
            on_scale(entry["forecast"], target),
        )
    console.print(table)
    if any(c["beyond_others"] for entry in found[:10] for c in entry["changes"]):
        console.print(
            _(
                "* beyond the range the other actors at the table span: weigh it before "
                "calling it plausible"
            ),
            highlight=False,
        )


def describe_change(scenario: Any, change: dict[str, Any], lang: str) -> str:
    """``ACTOR field FROM -> TO``, starred when beyond the range the other actors span."""
    star = " *" if change["beyond_others"] else ""
    field = {"position": _("position"), "salience": _("salience"), "capability": _("capability")}
    return (
        _("{actor} {field} {old} -> {new}").format(
            actor=text_in(scenario.actor(change["actor"]).name, lang),
            field=field.get(change["field"], change["field"]),
            old=f"{change['from']:.4g}",
            new=f"{change['to']:.4g}",
        )
        + star
    )
