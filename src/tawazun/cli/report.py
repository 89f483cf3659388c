"""``tawazun report``: the report an editor can publish, as HTML or PDF, in English or Arabic."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tawazun import io
from tawazun.cli._common import FromOpt, Lang, LangOpt, PathArg, UsageProblem, app, clean_errors
from tawazun.i18n import _, using


@app.command()
def report(
    path: PathArg,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="FILE.html or FILE.pdf (default: SCENARIO.html)."),
    ] = None,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="A model to report (repeatable); default: all."),
    ] = None,
    runs: Annotated[
        int, typer.Option("--runs", "-n", help="Random variants per model for the probabilities.")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same numbers.")] = 0,
    without: Annotated[
        list[str] | None,
        typer.Option("--without", help="Also forecast without this actor (an id; repeatable)."),
    ] = None,
    whatif: Annotated[
        bool,
        typer.Option("--whatif/--no-whatif", help="Search what it would take to reach each band."),
    ] = True,
    source_format: FromOpt = None,
    lang: LangOpt = Lang.en,
) -> None:
    """Write a self-contained report (charts, fonts inlined) of every analysis of a scenario."""
    from tawazun.report import ReportError, analyse, write_report

    with clean_errors():
        scenario = io.load(path, source_format)
        if runs < 1 or seed < 0:
            raise UsageProblem(_("--runs must be at least 1, --seed at least 0"))
        target = output or Path(f"{scenario.id}.html")
        if target.suffix.lower() not in (".html", ".htm", ".pdf"):
            raise UsageProblem(
                _("{path}: a report is written as .html or .pdf").format(path=target)
            )
        for actor_id in without or []:
            scenario.actor(actor_id)
        findings = analyse(
            scenario,
            model,
            runs,
            seed,
            whatif=whatif,
            without=without,
            log=lambda message: print(message, file=sys.stderr) if sys.stderr.isatty() else None,
        )
    try:
        with using(lang.value):
            write_report(findings, target, lang.value)
    except ReportError as exc:
        typer.echo(_("error: {message}").format(message=exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(_("wrote {path}").format(path=target))
