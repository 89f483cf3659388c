"""Commands on one scenario: forecast, validate, show, convert, init; models and formats."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tawazun import io
from tawazun.cli._calibration import HeadlineOpt, headline_of, show_calibrated, with_calibration
from tawazun.cli._common import (
    FromOpt,
    JsonOpt,
    Lang,
    LangOpt,
    ModelOpt,
    ParamOpt,
    PathArg,
    app,
    clean_errors,
    console,
    forecast_tables,
    number,
    parameters_for,
    plain,
    print_json,
    printable,
    run_model,
    text_in,
)
from tawazun.cli._saving import keep, saved
from tawazun.i18n import _
from tawazun.io.errors import draft_warnings
from tawazun.models import available


@app.command()
@saved("forecast")
def forecast(
    path: PathArg,
    model: ModelOpt = "compromise",
    as_json: JsonOpt = False,
    param: ParamOpt = None,
    source_format: FromOpt = None,
    lang: LangOpt = Lang.en,
    headline: HeadlineOpt = None,
) -> None:
    """Forecast where each issue of a scenario settles."""
    from tawazun.validation.calibration import calibrated_issues

    with clean_errors():
        scenario = io.load(path, source_format)
        result = run_model(scenario, model, parameters_for(model, param or []))
        calibrated = calibrated_issues(scenario, model, result.forecasts)
        lead = headline_of(scenario, headline)
    document = result.to_dict()
    document["issues"] = with_calibration(document["issues"], calibrated, lead)
    keep(scenario, document)
    if as_json:
        print_json(document)
    else:
        forecast_tables(scenario, result, lang)
        show_calibrated(scenario, document, lang)


@app.command()
def validate(path: PathArg, source_format: FromOpt = None) -> None:
    """Check a scenario file; print every problem as FILE:LINE: field: message."""
    with clean_errors():
        scenario = io.load(path, source_format)
    actors, issues = len(scenario.actors), len(scenario.issues)
    typer.echo(
        printable(
            f"ok {path}: {actors} actor{'s' * (actors != 1)}, {issues} issue{'s' * (issues != 1)}"
        )
    )
    for problem in draft_warnings(scenario, path):
        typer.echo(printable(_("warning: {problem}").format(problem=problem)), err=True)


@app.command()
def show(path: PathArg, source_format: FromOpt = None, lang: LangOpt = Lang.en) -> None:
    """Show a scenario: its issues and bands (with the ids whatif takes), and the actors."""
    with clean_errors():
        scenario = io.load(path, source_format)
    meta = scenario.metadata
    console.print(f"[bold]{text_in(meta.title, lang)}[/bold]  ({plain(scenario.id)})")
    if meta.as_of:
        console.print(f"data as of {meta.as_of.isoformat()}")
    for issue in scenario.issues:
        console.print(
            f"\n[bold]{text_in(issue.name, lang)}[/bold]  issue [cyan]{plain(issue.id)}[/cyan]  "
            f"scale {number(issue.scale.min)}-{number(issue.scale.max)}"
            + (f", status quo {number(issue.status_quo)}" if issue.status_quo is not None else ""),
            highlight=False,
        )
        for band in issue.bands:
            console.print(
                f"  {number(band.lower)}-{number(band.upper)}  band [cyan]{plain(band.id)}[/cyan]"
                f"  {text_in(band.label, lang)}",
                highlight=False,
            )
    table = Table("actor", "name", "group", "capability", show_header=True, header_style="bold")
    for actor in scenario.actors:
        table.add_row(
            plain(actor.id),
            text_in(actor.name, lang),
            plain(actor.group or ""),
            "" if actor.capability is None else number(actor.capability),
        )
    console.print()
    console.print(table)


@app.command()
def convert(
    source: PathArg,
    target: Annotated[Path, typer.Argument(help="Output file; its extension picks the format.")],
    source_format: FromOpt = None,
    target_format: Annotated[str | None, typer.Option("--to", help="Write as this format.")] = None,
) -> None:
    """Convert a scenario between formats (YAML, JSON, CSV, Excel; import KTAB, decide...).

    The target is written beside itself and replaces an existing file only once it reads
    back; the source itself is never a target.
    """
    with clean_errors():
        scenario = io.load(source, source_format)
        origin = io.shipped().get(source, source) if not Path(source).exists() else source
        lost = io.save_checked(scenario, target, target_format, source=origin)
    typer.echo(printable(f"wrote {target}"))
    if lost:
        typer.echo(printable(f"note: {target} does not hold {', '.join(lost)}"), err=True)


@app.command()
def init(
    target: Annotated[
        Path, typer.Argument(help="The file to write: FILE.xlsx (a workbook) or FILE.yaml.")
    ],
    lang: Annotated[
        Lang, typer.Option("--lang", help="Headers (Excel) and notes in English or Arabic.")
    ] = Lang.en,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write a scenario to fill in: every sheet or field, an example row of each, and notes."""
    from tawazun.io._template import write_template

    with clean_errors():
        write_template(target, lang.value, force=force)
    typer.echo(printable(f"wrote {target}; fill it in, then: tawazun validate {target}"))


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
        print_json(rows)
        return
    table = Table("model", "what it does", show_header=True, header_style="bold")
    for spec in specs.values():
        table.add_row(spec.name, spec.summary)
    console.print(table)


@app.command()
def formats() -> None:
    """List the file formats tawazun reads and writes."""
    table = Table("format", "extensions", "read", "write", "what", header_style="bold")
    for spec in io.formats().values():
        table.add_row(
            spec.name, " ".join(spec.extensions), "yes", "yes" if spec.write else "", spec.summary
        )
    console.print(table)
