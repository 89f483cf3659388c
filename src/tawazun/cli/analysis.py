"""Analysis commands: simulate, pivotal, shocks, whatif (docs/analysis.md)."""

from __future__ import annotations

import sys
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
    parameters_for,
    print_json,
    progress_bar,
    signed,
    spark,
    text_in,
)
from tawazun.cli._saving import keep, saved, shows
from tawazun.i18n import _

if TYPE_CHECKING:
    from tawazun.scenario import Scenario


@app.command()
@saved("simulate")
def simulate(
    path: PathArg,
    model: ModelOpt = "compromise",
    runs: Annotated[int, typer.Option("--runs", "-n", help="Number of random variants.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same numbers.")] = 0,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Run on a local Dask cluster of K processes.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Run on the Dask cluster at this address.")
    ] = None,
    batch: Annotated[
        int | None, typer.Option("--batch", help="Runs per Dask task (default: automatic).")
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
            raise UsageProblem("give --workers or --scheduler, not both")
        with progress_bar(not as_json and sys.stderr.isatty()) as bar:
            task = bar.add_task(f"{model}: {runs} runs", total=runs)
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
                raise UsageProblem(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
        calibrated = calibrated_issues(scenario, model, result.forecasts)
        lead = headline_of(scenario, headline)
    document = result.to_dict()
    document["issues"] = with_calibration(document["issues"], calibrated, lead)
    keep(scenario, document)
    if as_json:
        print_json(document)
        return
    show_simulation(scenario, document, lang)


@shows("simulate")
def show_simulation(scenario: Scenario, document: dict[str, Any], lang: str) -> None:
    execution = document["execution"]
    console.print(
        f"[bold]{text_in(scenario.metadata.title, lang)}[/bold]  ·  "
        f"model [cyan]{document['model']}[/cyan]  ·  "
        f"{document['runs']} runs, seed {document['seed']}, "
        f"{document['uncertain_values']} uncertain values  ·  "
        f"{execution['where']}, {execution['seconds']:.1f} s"
    )
    for summary in document["issues"]:
        issue = scenario.issue(summary["issue"])
        base = summary["baseline"]
        q = summary["quantiles"]
        console.print()
        console.print(
            f"[bold]{text_in(issue.name, lang)}[/bold] (scale {issue.scale.min:g}-"
            f"{issue.scale.max:g}): as stated [bold green]{fixed(base['forecast'])}[/bold green] "
            f"({band_label(scenario, issue.id, base['band'], lang)}); over the runs mean "
            f"{fixed(summary['mean'])}, sd {fixed(summary['sd'])}, 90% between "
            f"{fixed(q['0.05'])} and {fixed(q['0.95'])}, median {fixed(q['0.5'])}"
            + (f"; [red]{summary['failed']} runs failed[/red]" if summary["failed"] else "")
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
            lead,
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
        float, typer.Option("--step", help="Finite-difference step, share of each range.")
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
            task = bar.add_task(f"{model}: pivotal actors", total=None)
            result = find_pivotal(scenario, model, step, progress=follow(bar, task), **parameters)
    keep(scenario, result)
    if as_json:
        print_json(result.to_dict())
        return
    show_pivotal(scenario, result.to_dict(), lang)


@shows("pivotal")
def show_pivotal(scenario: Scenario, document: dict[str, Any], lang: str) -> None:
    console.print(
        f"[bold]{text_in(scenario.metadata.title, lang)}[/bold]  ·  "
        f"model [cyan]{document['model']}[/cyan]"
    )
    for entry in document["issues"]:
        issue = scenario.issue(entry["issue"])
        console.print()
        console.print(
            f"[bold]{text_in(issue.name, lang)}[/bold]: forecast "
            f"{fixed(entry['baseline'])}. Change of the forecast if the actor leaves, and "
            "if its position, salience or capability moves by 10% of its range"
        )
        table = Table(
            "#", "actor", "leaves", "position", "salience", "capability", header_style="bold"
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
            raise UsageProblem(f"{path}: the scenario has no events (see docs/analysis.md)")
        check_size(scenario, model, "shocks")
        result = run_shocks(scenario, model, **parameters)
    keep(scenario, result)
    if as_json:
        print_json(result.to_dict())
        return
    show_shocks(scenario, result.to_dict(), lang)


@shows("shocks")
def show_shocks(scenario: Scenario, document: dict[str, Any], lang: str) -> None:
    from tawazun.analysis.shocks import timeline

    console.print(
        f"[bold]{text_in(scenario.metadata.title, lang)}[/bold]  ·  "
        f"model [cyan]{document['model']}[/cyan]"
    )
    events = {entry["event"]: entry for entry in document["events"]}
    for issue in scenario.issues:
        base = document["baseline"][issue.id]
        base_band = band_label(scenario, issue.id, band_id_of(issue, base), lang)
        console.print()
        console.print(
            f"[bold]{text_in(issue.name, lang)}[/bold]: without events {fixed(base)} ({base_band})"
        )
        table = Table(
            "event", "date", "round", "alone", "change", "timeline", "band", header_style="bold"
        )
        for event in timeline(scenario.events):
            alone = events[event.id]["alone"][issue.id]
            along = events[event.id]["timeline"][issue.id]
            table.add_row(
                text_in(event.name, lang),
                event.date.isoformat() if event.date else "",
                str(event.round),
                fixed(alone),
                signed(events[event.id]["alone_change"][issue.id], 1),
                fixed(along),
                band_id_of(issue, along) or "-",
            )
        console.print(table)
    for note in document["notes"]:
        console.print(f"[yellow]note[/yellow]: {note}", highlight=False)


@app.command()
@saved("whatif")
def whatif(
    path: PathArg,
    issue: Annotated[str, typer.Option("--issue", help="The issue's id.")],
    band: Annotated[str, typer.Option("--band", help="The id of the band to reach.")],
    model: ModelOpt = "compromise",
    grid: Annotated[int, typer.Option("--grid", help="Grid steps per search.")] = 20,
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
            task = bar.add_task(f"{model}: what would it take", total=None)
            result = what_would_it_take(
                scenario, issue, band, model, grid=grid, progress=follow(bar, task), **parameters
            )
    keep(scenario, result)
    if as_json:
        print_json(result.to_dict())
        return
    show_whatif(scenario, result.to_dict(), lang)


@shows("whatif")
def show_whatif(scenario: Scenario, document: dict[str, Any], lang: str) -> None:
    issue, band, closest = document["issue"], document["band"], document["closest"]
    target = scenario.issue(issue)
    console.print(
        f"[bold]{text_in(target.name, lang)}[/bold]  ·  model [cyan]{document['model']}[/cyan]: "
        f"forecast {fixed(document['baseline'])}; target {band_label(scenario, issue, band, lang)}"
    )
    console.print(f"[bold]{document['answer']}[/bold]", highlight=False)
    found = document["singles"] or document["pairs"]
    if closest is not None:
        console.print(
            _("closest approach: forecast {forecast}, {distance} from the band, with").format(
                forecast=fixed(closest["forecast"]),
                distance=fixed(closest["distance"]),
            ),
            highlight=False,
        )
        found = [closest]
    if not found:
        return
    table = Table("#", "change", "share of range", "forecast", header_style="bold")
    for rank, entry in enumerate(found[:10], 1):
        table.add_row(
            str(rank),
            "; ".join(describe_change(scenario, c, lang) for c in entry["changes"]),
            f"{entry['share']:.1%}",
            fixed(entry["forecast"]),
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
    return (
        f"{text_in(scenario.actor(change['actor']).name, lang)} {change['field']} "
        f"{change['from']:.4g} -> {change['to']:.4g}{star}"
    )
