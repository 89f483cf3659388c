"""Analysis commands: simulate, pivotal, shocks, whatif (docs/analysis.md)."""

from __future__ import annotations

import sys
from typing import Annotated, Any

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
    follow,
    parameters_for,
    print_json,
    progress_bar,
    signed,
    spark,
    text_in,
)
from tawazun.cli._saving import keep, saved


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
    console.print(
        f"[bold]{text_in(scenario.metadata.title, lang)}[/bold]  ·  model [cyan]{model}[/cyan]  ·  "
        f"{runs} runs, seed {seed}, {result.uncertain_values} uncertain values  ·  "
        f"{result.execution['where']}, {result.execution['seconds']:.1f} s"
    )
    for summary in result.issues():
        issue = scenario.issue(summary["issue"])
        base = summary["baseline"]
        q = summary["quantiles"]
        console.print()
        console.print(
            f"[bold]{text_in(issue.name, lang)}[/bold] (scale {issue.scale.min:g}-"
            f"{issue.scale.max:g}): as stated [bold green]{base['forecast']:.1f}[/bold green] "
            f"({band_label(scenario, issue.id, base['band'], lang)}); over the runs mean "
            f"{summary['mean']:.1f}, sd {summary['sd']:.1f}, 90% between {q['0.05']:.1f} and "
            f"{q['0.95']:.1f}, median {q['0.5']:.1f}"
            + (f"; [red]{summary['failed']} runs failed[/red]" if summary["failed"] else "")
        )
        calibration = calibrated[issue.id]
        console.print(f"  {interval_line(calibration)}", highlight=False)
        table = Table(
            "band", "range", "calibrated probability", "robustness share", lead, header_style="bold"
        )
        for band_id, share in summary["bands"].items():
            band = issue.band(band_id) if band_id else None
            probability = calibration["bands"].get(band_id) if calibration else None
            lead_value = probability if lead == "calibrated" and probability is not None else share
            table.add_row(
                band_label(scenario, issue.id, band_id, lang),
                f"{band.lower:g}-{band.upper:g}" if band else "",
                "-" if probability is None else f"{probability:.1%}",
                f"{share:.1%}",
                "█" * round(lead_value * 30),
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
    console.print(
        f"[bold]{text_in(scenario.metadata.title, lang)}[/bold]  ·  model [cyan]{model}[/cyan]"
    )
    for issue_id, effects in result.effects.items():
        issue = scenario.issue(issue_id)
        console.print()
        console.print(
            f"[bold]{text_in(issue.name, lang)}[/bold]: forecast "
            f"{result.baseline[issue_id]:.1f}. Change of the forecast if the actor leaves, and "
            "if its position, salience or capability moves by 10% of its range"
        )
        table = Table(
            "#", "actor", "leaves", "position", "salience", "capability", header_style="bold"
        )
        for rank, effect in enumerate(effects, 1):
            table.add_row(
                str(rank),
                text_in(scenario.actor(effect.actor).name, lang),
                signed(effect.leave, 1),
                signed(effect.position_10pct),
                signed(effect.salience_10pct),
                signed(effect.capability_10pct),
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
    from tawazun.analysis.shocks import timeline

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
    console.print(
        f"[bold]{text_in(scenario.metadata.title, lang)}[/bold]  ·  model [cyan]{model}[/cyan]"
    )
    for j, issue in enumerate(scenario.issues):
        base_band = band_label(scenario, issue.id, band_id_of(issue, result.baseline[j]), lang)
        console.print()
        console.print(
            f"[bold]{text_in(issue.name, lang)}[/bold]: without events "
            f"{result.baseline[j]:.1f} ({base_band})"
        )
        table = Table(
            "event", "date", "round", "alone", "change", "timeline", "band", header_style="bold"
        )
        for event in timeline(scenario.events):
            alone, along = result.alone[event.id][j], result.cumulative[event.id][j]
            table.add_row(
                text_in(event.name, lang),
                event.date.isoformat() if event.date else "",
                str(event.round),
                f"{alone:.1f}",
                signed(alone - result.baseline[j], 1),
                f"{along:.1f}",
                band_id_of(issue, along) or "-",
            )
        console.print(table)
    for note in result.notes:
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
    target = scenario.issue(issue)
    console.print(
        f"[bold]{text_in(target.name, lang)}[/bold]  ·  model [cyan]{model}[/cyan]: forecast "
        f"{result.baseline:.1f}; target {band_label(scenario, issue, band, lang)}"
    )
    console.print(f"[bold]{result.answer}[/bold]", highlight=False)
    found = result.singles or result.pairs
    if result.closest is not None:
        console.print(
            f"closest approach: forecast {result.closest['forecast']:.1f}, "
            f"{result.closest['distance']:.1f} from the band, with",
            highlight=False,
        )
        found = [result.closest]
    if not found:
        return
    table = Table("#", "change", "share of range", "forecast", header_style="bold")
    for rank, entry in enumerate(found[:10], 1):
        table.add_row(
            str(rank),
            "; ".join(describe_change(scenario, c, lang) for c in entry["changes"]),
            f"{entry['share']:.1%}",
            f"{entry['forecast']:.1f}",
        )
    console.print(table)
    if any(c["beyond_others"] for entry in found[:10] for c in entry["changes"]):
        console.print(
            "* beyond the range the other actors at the table span: weigh it before calling "
            "it plausible",
            highlight=False,
        )


def describe_change(scenario: Any, change: dict[str, Any], lang: str) -> str:
    """``ACTOR field FROM -> TO``, starred when beyond the range the other actors span."""
    star = " *" if change["beyond_others"] else ""
    return (
        f"{text_in(scenario.actor(change['actor']).name, lang)} {change['field']} "
        f"{change['from']:.4g} -> {change['to']:.4g}{star}"
    )
