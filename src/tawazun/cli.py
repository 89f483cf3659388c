"""The ``tawazun`` command line."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

import typer
import yaml
from rich.console import Console
from rich.table import Table

from tawazun import io
from tawazun.io.errors import ScenarioFileError
from tawazun.models import available, get_model
from tawazun.result import Result
from tawazun.scenario import Scenario, Text, UnknownName

app = typer.Typer(
    help="tawazun (توازن): forecast how a negotiation settles, and explain why.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()

PathArg = Annotated[
    str, typer.Argument(help="A scenario file, or the id of a shipped scenario (iraq-2024).")
]
FromOpt = Annotated[
    str | None, typer.Option("--from", help="Read as this format (see `tawazun formats`).")
]


class Lang(StrEnum):
    """The language of names and labels in tables."""

    en = "en"
    ar = "ar"


LangOpt = Annotated[Lang, typer.Option("--lang", help="Names and labels in English or Arabic.")]
ModelOpt = Annotated[str, typer.Option("--model", "-m", help="See `tawazun models`.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="A model parameter, NAME=VALUE; repeatable."),
]


class UsageProblem(Exception):
    """A mistake in how the command was called (exit status 2)."""


@contextmanager
def _clean_errors() -> Iterator[None]:
    """Turn input problems into one line each on stderr and exit status 2, never a traceback."""
    try:
        yield
    except ScenarioFileError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(2) from None
    except (UsageProblem, UnknownName, ValueError) as exc:
        # ValueError: a model or an analysis refusing its input, with its own message
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def _print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def _text(text: Text, lang: str) -> str:
    return text.ar if lang == "ar" and text.ar else text.en


def _coerce(name: str, text: str, hint: Any) -> Any:
    """The value of ``name=text`` as the type the model's ``run`` declares for it."""
    text = text.strip()
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, UnionType):
        if type(None) in args and text.lower() in ("", "none", "null"):
            return None
        others = [a for a in args if a is not type(None)]
        return _coerce(name, text, others[0]) if len(others) == 1 else yaml.safe_load(text)
    if origin is Literal:
        if text not in args:
            raise UsageProblem(f"parameter {name}: {text!r} is not one of {list(args)}")
        return text
    readers: dict[Any, tuple[Callable[[str], Any], str]] = {
        int: (int, "a whole number"),
        float: (float, "a number"),
        bool: (lambda t: {"true": True, "false": False}[t.lower()], "true or false"),
        str: (str, "a text"),
    }
    if hint in readers:
        read, what = readers[hint]
        try:
            value = read(text)
        except (ValueError, KeyError):
            raise UsageProblem(f"parameter {name}: {text!r} is not {what}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise UsageProblem(f"parameter {name}: {text!r} is not a finite number")
        return value
    return yaml.safe_load(text)


def _parameters(model: str, pairs: list[str]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs for ``model``, each read as the type its ``run`` declares."""
    spec = get_model(model)
    run = spec.run
    accepted = list(spec.defaults)
    try:
        hints = get_type_hints(run)
    except NameError:
        hints = {}
    parameters: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        name = key.strip().replace("-", "_")
        if not sep or not name:
            raise UsageProblem(f"parameter {pair!r} is not of the form NAME=VALUE")
        if name not in accepted:
            raise UsageProblem(
                f"model {model!r} takes the parameters {accepted or 'none'}; got {name!r}"
            )
        parameters[name] = _coerce(name, value, hints.get(name, Any))
    return parameters


def _run(scenario: Scenario, model: str, parameters: dict[str, Any]) -> Result:
    try:
        return get_model(model).run(scenario, **parameters)
    except ValueError as exc:
        raise UsageProblem(f"model {model!r} cannot forecast this scenario: {exc}") from None


def _forecast_tables(scenario: Scenario, result: Result, lang: str) -> None:
    explain: Callable[..., list[str]] | None = get_model(result.model).explain
    names = {actor.id: _text(actor.name, lang) for actor in scenario.actors}
    title = _text(scenario.metadata.title, lang)
    console.print(f"[bold]{title}[/bold]  ·  model [cyan]{result.model}[/cyan]")
    if scenario.metadata.as_of:
        console.print(f"data as of {scenario.metadata.as_of.isoformat()}")
    for forecast in result.issues:
        issue = scenario.issue(forecast.issue)
        band = issue.band(forecast.band) if forecast.band else None
        console.print()
        console.print(
            f"[bold]{_text(issue.name, lang)}[/bold] "
            f"(scale {issue.scale.min:g}-{issue.scale.max:g}): "
            f"forecast [bold green]{forecast.forecast:.1f}[/bold green]"
            + (f"  ->  {_text(band.label, lang)}" if band else "")
        )
        table = Table(show_header=True, header_style="bold")
        for column in ("actor", "position", "salience", "capability"):
            table.add_column(column, justify="left" if column == "actor" else "right")
        rows = [
            (actor, stance)
            for actor in scenario.actors
            if (stance := actor.stances.get(issue.id)) is not None
        ]
        for actor, stance in sorted(rows, key=lambda row: row[1].position):
            table.add_row(
                _text(actor.name, lang),
                f"{stance.position:g}",
                f"{stance.salience:g}",
                f"{actor.capability:g}",
            )
        console.print(table)
        if explain is not None:
            for sentence in explain(forecast, names):
                console.print(f"  {sentence}", highlight=False)


@app.command()
def forecast(
    path: PathArg,
    model: ModelOpt = "compromise",
    as_json: JsonOpt = False,
    param: ParamOpt = None,
    source_format: FromOpt = None,
    lang: LangOpt = Lang.en,
) -> None:
    """Forecast where each issue of a scenario settles."""
    with _clean_errors():
        scenario = io.load(path, source_format)
        result = _run(scenario, model, _parameters(model, param or []))
    if as_json:
        sys.stdout.write(result.to_json() + "\n")
    else:
        _forecast_tables(scenario, result, lang)


@app.command()
def validate(path: PathArg, source_format: FromOpt = None) -> None:
    """Check a scenario file; print every problem as FILE:LINE: field: message."""
    with _clean_errors():
        scenario = io.load(path, source_format)
    actors, issues = len(scenario.actors), len(scenario.issues)
    typer.echo(
        f"ok {path}: {actors} actor{'s' * (actors != 1)}, {issues} issue{'s' * (issues != 1)}"
    )


@app.command()
def show(path: PathArg, source_format: FromOpt = None, lang: LangOpt = Lang.en) -> None:
    """Show a scenario: its issues, their labelled bands, and the actors."""
    with _clean_errors():
        scenario = io.load(path, source_format)
    meta = scenario.metadata
    console.print(f"[bold]{_text(meta.title, lang)}[/bold]  ({scenario.id})")
    if meta.as_of:
        console.print(f"data as of {meta.as_of.isoformat()}")
    for issue in scenario.issues:
        console.print(
            f"\n[bold]{_text(issue.name, lang)}[/bold] [{issue.id}] "
            f"scale {issue.scale.min:g}-{issue.scale.max:g}"
            + (f", status quo {issue.status_quo:g}" if issue.status_quo is not None else "")
        )
        for band in issue.bands:
            console.print(f"  {band.lower:g}-{band.upper:g}  {_text(band.label, lang)}")
    table = Table("actor", "name", "group", "capability", show_header=True, header_style="bold")
    for actor in scenario.actors:
        table.add_row(actor.id, _text(actor.name, lang), actor.group or "", f"{actor.capability:g}")
    console.print()
    console.print(table)


@app.command()
def convert(
    source: PathArg,
    target: Annotated[Path, typer.Argument(help="Output file; its extension picks the format.")],
    source_format: FromOpt = None,
    target_format: Annotated[str | None, typer.Option("--to", help="Write as this format.")] = None,
) -> None:
    """Convert a scenario between formats (YAML, JSON, CSV, Excel; import KTAB, decide...)."""
    with _clean_errors():
        scenario = io.load(source, source_format)
        io.save(scenario, target, target_format)
        lost = io.lost_in(scenario, io.load(target, target_format))
    typer.echo(f"wrote {target}")
    if lost:
        typer.echo(f"note: {target} does not hold {', '.join(lost)}", err=True)


@app.command()
def models(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the forecasting models."""
    specs = available()
    if as_json:
        rows = [
            {
                "name": s.name,
                "summary": s.summary,
                "iterative": s.iterative,
                "reference": s.reference,
            }
            for s in specs.values()
        ]
        _print_json(rows)
        return
    table = Table("model", "what it does", show_header=True, header_style="bold")
    for spec in specs.values():
        table.add_row(spec.name, spec.summary)
    console.print(table)


@app.command()
def backtest(
    path: Annotated[str, typer.Argument(help="A DEU III file (tab-separated, one row per issue).")],
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Score only this model (repeatable); default all."),
    ] = None,
    capabilities: Annotated[
        str,
        typer.Option(
            "--capabilities",
            help="'file-row': the file's second row (GDPs); 'procedure': Nice votes under QMV, "
            "equal under unanimity, Parliament weighty under COD (docs/validation.md).",
        ),
    ] = "file-row",
    folds: Annotated[
        int, typer.Option("--folds", help="Cross-validation folds, by proposal.")
    ] = 10,
    seed: Annotated[int, typer.Option("--seed", help="Seeds the folds and the bootstrap.")] = 0,
    draws: Annotated[int, typer.Option("--draws", help="Bootstrap draws (by proposal).")] = 2000,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    as_markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the tables in markdown (docs/validation.md).")
    ] = False,
) -> None:
    """Score every model against recorded outcomes: MAE, RMSE, median error, hits within 10."""
    from tawazun.analysis import backtest as harness
    from tawazun.io.deu import CAPABILITY_CHOICES, read_deu

    with _clean_errors():
        if capabilities not in CAPABILITY_CHOICES:
            raise UsageProblem(
                f"--capabilities must be one of {list(CAPABILITY_CHOICES)}; got {capabilities!r}"
            )
        if draws < 1:
            raise UsageProblem(f"--draws must be at least 1; got {draws}")
        specs = {name: get_model(name) for name in model} if model else available()
        data = read_deu(path, capabilities)
        result = harness.backtest(data.cases, specs, folds=folds, seed=seed, draws=draws)
    summary = (
        f"{path}: {data.issue_count} issues with an outcome in {len(data.cases)} cases; "
        f"skipped {data.skipped_count} rows without an outcome; "
        f"{data.imputed_saliences} missing saliences set to 50; capabilities {capabilities}; "
        f"{folds}-fold CV and {draws} bootstrap draws by proposal, seed {seed}"
    )
    if as_json:
        document = {
            "file": path,
            "capabilities": capabilities,
            "issues": data.issue_count,
            "cases": len(data.cases),
            "skipped_rows": [{"line": line, "issue": issue} for line, issue in data.skipped],
            "imputed_saliences": data.imputed_saliences,
            "settings": result.settings,
            "scores": result.scores.replace({float("nan"): None}).to_dict("records"),
            "tuned": result.tuned,
            "failures": [vars(failure) for failure in result.failures],
        }
        _print_json(document)
        return
    if as_markdown:
        sys.stdout.write(summary + "\n\n" + harness.to_markdown(result))
        return
    console.print(summary, highlight=False)
    for subset in result.scores["subset"].unique():
        full = subset == "all"
        headers = harness.FULL_HEADERS if full else harness.SUBSET_HEADERS
        rows = (harness.full_rows if full else harness.subset_rows)(result.scores, subset)
        table = Table(*headers, title=harness.subset_title(result.scores, subset))
        for row in rows:
            table.add_row(*row)
        console.print(table)
    for label, chosen in result.tuned.items():
        console.print(f"{label}: values chosen per fold {chosen}", highlight=False)


@app.command()
def formats() -> None:
    """List the file formats tawazun reads and writes."""
    table = Table("format", "extensions", "read", "write", "what", header_style="bold")
    for spec in io.formats().values():
        table.add_row(
            spec.name, " ".join(spec.extensions), "yes", "yes" if spec.write else "", spec.summary
        )
    console.print(table)


# -- analysis: uncertainty, pivotal actors, shocks, what would it take --------------------

BLOCKS = " ▁▂▃▄▅▆▇█"


def _spark(counts: list[int]) -> str:
    """A histogram as one line of block characters."""
    top = max(counts) or 1
    return "".join(BLOCKS[round(c / top * (len(BLOCKS) - 1))] for c in counts)


def _band_label(scenario: Scenario, issue_id: str, band_id: str | None, lang: str) -> str:
    if not band_id:
        return "outside every band" if band_id == "" else "-"
    band = scenario.issue(issue_id).band(band_id)
    return _text(band.label, lang)


def _progress(enabled: bool) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=not enabled,
    )


@app.command()
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
) -> None:
    """Forecast many random variants of a scenario: probabilities of each outcome band."""
    from tawazun.analysis.simulate import simulate as run_simulation

    with _clean_errors():
        scenario = io.load(path, source_format)
        parameters = _parameters(model, param or [])
        counts = (runs, 1 if workers is None else workers, 1 if batch is None else batch)
        if min(counts) < 1 or seed < 0:
            raise UsageProblem(
                "--runs, --workers and --batch must be at least 1, --seed at least 0"
            )
        if workers is not None and scheduler is not None:
            raise UsageProblem("give --workers or --scheduler, not both")
        with _progress(not as_json and sys.stderr.isatty()) as bar:
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
    if as_json:
        _print_json(result.to_dict())
        return
    console.print(
        f"[bold]{_text(scenario.metadata.title, lang)}[/bold]  ·  model [cyan]{model}[/cyan]  ·  "
        f"{runs} runs, seed {seed}, {result.uncertain_values} uncertain values  ·  "
        f"{result.execution['where']}, {result.execution['seconds']:.1f} s"
    )
    for summary in result.issues():
        issue = scenario.issue(summary["issue"])
        base = summary["baseline"]
        q = summary["quantiles"]
        console.print()
        console.print(
            f"[bold]{_text(issue.name, lang)}[/bold] (scale {issue.scale.min:g}-"
            f"{issue.scale.max:g}): as stated [bold green]{base['forecast']:.1f}[/bold green] "
            f"({_band_label(scenario, issue.id, base['band'], lang)}); over the runs mean "
            f"{summary['mean']:.1f}, sd {summary['sd']:.1f}, 90% between {q['0.05']:.1f} and "
            f"{q['0.95']:.1f}, median {q['0.5']:.1f}"
            + (f"; [red]{summary['failed']} runs failed[/red]" if summary["failed"] else "")
        )
        table = Table("band", "range", "probability", "", header_style="bold")
        for band_id, share in summary["bands"].items():
            band = issue.band(band_id) if band_id else None
            table.add_row(
                _band_label(scenario, issue.id, band_id, lang),
                f"{band.lower:g}-{band.upper:g}" if band else "",
                f"{share:.1%}",
                "█" * round(share * 30),
            )
        if issue.bands:
            console.print(table)
        console.print(
            f"  {issue.scale.min:g} {_spark(summary['histogram']['counts'])} {issue.scale.max:g}",
            highlight=False,
        )


def _signed(value: float, digits: int = 2) -> str:
    return "-" if value != value else f"{value:+.{digits}f}"


@app.command()
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

    with _clean_errors():
        scenario = io.load(path, source_format)
        parameters = _parameters(model, param or [])
        if not 0 < step <= 0.5:
            raise UsageProblem(f"--step must be in (0, 0.5] (got {step:g})")
        result = find_pivotal(scenario, model, step, **parameters)
    if as_json:
        _print_json(result.to_dict())
        return
    console.print(
        f"[bold]{_text(scenario.metadata.title, lang)}[/bold]  ·  model [cyan]{model}[/cyan]"
    )
    for issue_id, effects in result.effects.items():
        issue = scenario.issue(issue_id)
        console.print()
        console.print(
            f"[bold]{_text(issue.name, lang)}[/bold]: forecast "
            f"{result.baseline[issue_id]:.1f}. Change of the forecast if the actor leaves, and "
            "if its position, salience or capability moves by 10% of its range"
        )
        table = Table(
            "#", "actor", "leaves", "position", "salience", "capability", header_style="bold"
        )
        for rank, effect in enumerate(effects, 1):
            table.add_row(
                str(rank),
                _text(scenario.actor(effect.actor).name, lang),
                _signed(effect.leave, 1),
                _signed(effect.position_10pct),
                _signed(effect.salience_10pct),
                _signed(effect.capability_10pct),
            )
        console.print(table)


@app.command()
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

    with _clean_errors():
        scenario = io.load(path, source_format)
        parameters = _parameters(model, param or [])
        if not scenario.events:
            raise UsageProblem(f"{path}: the scenario has no events (see docs/analysis.md)")
        result = run_shocks(scenario, model, **parameters)
    if as_json:
        _print_json(result.to_dict())
        return
    console.print(
        f"[bold]{_text(scenario.metadata.title, lang)}[/bold]  ·  model [cyan]{model}[/cyan]"
    )
    for j, issue in enumerate(scenario.issues):
        base_band = _band_label(scenario, issue.id, _band_id(issue, result.baseline[j]), lang)
        console.print()
        console.print(
            f"[bold]{_text(issue.name, lang)}[/bold]: without events "
            f"{result.baseline[j]:.1f} ({base_band})"
        )
        table = Table(
            "event", "date", "round", "alone", "change", "timeline", "band", header_style="bold"
        )
        for event in timeline(scenario.events):
            alone, along = result.alone[event.id][j], result.cumulative[event.id][j]
            table.add_row(
                _text(event.name, lang),
                event.date.isoformat() if event.date else "",
                str(event.round),
                f"{alone:.1f}",
                _signed(alone - result.baseline[j], 1),
                f"{along:.1f}",
                _band_id(issue, along) or "-",
            )
        console.print(table)
    for note in result.notes:
        console.print(f"[yellow]note[/yellow]: {note}", highlight=False)


def _band_id(issue: Any, value: float) -> str | None:
    band = issue.band_of(value)
    return band.id if band else None


@app.command()
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

    with _clean_errors():
        scenario = io.load(path, source_format)
        parameters = _parameters(model, param or [])
        if grid < 2:
            raise UsageProblem(f"--grid must be at least 2 (got {grid})")
        result = what_would_it_take(scenario, issue, band, model, grid=grid, **parameters)
    if as_json:
        _print_json(result.to_dict())
        return
    target = scenario.issue(issue)
    console.print(
        f"[bold]{_text(target.name, lang)}[/bold]  ·  model [cyan]{model}[/cyan]: forecast "
        f"{result.baseline:.1f}; target {_band_label(scenario, issue, band, lang)}"
    )
    console.print(f"[bold]{result.answer}[/bold]", highlight=False)
    found = result.singles or result.pairs
    if not found:
        return
    table = Table("#", "change", "share of range", "forecast", header_style="bold")
    for rank, entry in enumerate(found[:10], 1):
        changes = "; ".join(
            f"{_text(scenario.actor(c['actor']).name, lang)} {c['field']} "
            f"{c['from']:.4g} -> {c['to']:.4g}"
            for c in entry["changes"]
        )
        table.add_row(str(rank), changes, f"{entry['share']:.1%}", f"{entry['forecast']:.1f}")
    console.print(table)


if __name__ == "__main__":
    app()
