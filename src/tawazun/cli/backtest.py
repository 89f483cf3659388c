"""The backtest on recorded outcomes (docs/validation.md)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from tawazun.cli._common import (
    UsageProblem,
    app,
    clean_errors,
    console,
    print_json,
)
from tawazun.cli._saving import keep, saved
from tawazun.models import available, get_model


@app.command()
@saved("backtest")
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

    with clean_errors():
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
    keep(path, document)
    if as_json:
        print_json(document)
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
