"""The backtest on recorded outcomes (docs/validation.md): the command and its tables."""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from tawazun import limits
from tawazun.cli._common import (
    UsageProblem,
    app,
    clean_errors,
    console,
    follow,
    print_json,
    progress_bar,
)
from tawazun.cli._saving import keep, saved, shows
from tawazun.models import available, get_model

if TYPE_CHECKING:
    import pandas as pd

    from tawazun.validation.backtest import Backtest


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
    calibration: Annotated[
        bool,
        typer.Option(
            "--calibration",
            help="Also check the calibrated forecast distributions out of sample: coverage of "
            "50/80/90% intervals, PIT, CRPS and Brier against climatology and robustness shares.",
        ),
    ] = False,
    save_calibration: Annotated[
        str | None,
        typer.Option(
            "--save-calibration",
            help="Write every model's calibration fitted on all issues to this JSON file "
            "(the shipped one is src/tawazun/data/calibration-deu3.json).",
        ),
    ] = None,
    runs: Annotated[
        int,
        typer.Option(
            "--runs", help="With --calibration: simulate runs per case for the robustness shares."
        ),
    ] = 200,
) -> None:
    """Score every model against recorded outcomes: MAE, RMSE, median error, hits within 10."""
    from tawazun.validation.backtest import backtest as run_backtest
    from tawazun.validation.capabilities import CAPABILITY_CHOICES
    from tawazun.validation.deu import read_cases

    with clean_errors():
        if capabilities not in CAPABILITY_CHOICES:
            raise UsageProblem(
                f"--capabilities must be one of {list(CAPABILITY_CHOICES)}; got {capabilities!r}"
            )
        limits.check("backtest", "--draws", draws, "draws")
        limits.check("backtest", "--folds", folds, "folds", minimum=2)
        limits.check("backtest", "--seed", seed, "seed", minimum=0)
        limits.check("backtest", "--runs", runs, "runs")
        specs = {name: get_model(name) for name in model} if model else available()
        data = read_cases(path, capabilities)
        with progress_bar(not (as_json or as_markdown) and sys.stderr.isatty()) as bar:
            task = bar.add_task("backtest", total=None)
            result = run_backtest(
                data.cases,
                specs,
                folds=folds,
                seed=seed,
                draws=draws,
                progress=follow(bar, task),
            )
        checked = None
        if calibration:
            from tawazun.validation.calibration_backtest import run_check

            checked = run_check(data.cases, result, runs, seed)
        if save_calibration is not None:
            from tawazun.validation.calibration import save
            from tawazun.validation.calibration_backtest import fit_all

            source = (
                f"DEU III (Arregui and Perarnaud 2021): {data.issue_count} issues of "
                f"{len(data.cases)} EU legislative proposals, capabilities {capabilities}"
            )
            save(fit_all(result, data.cases, source), Path(save_calibration), {"source": source})
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
    if checked is not None:
        from tawazun.validation.calibration_backtest import to_document

        document["calibration"] = {"runs": runs, **to_document(checked)}
    keep(path, document)
    if as_json:
        print_json(document)
        return
    if as_markdown:
        sys.stdout.write(backtest_summary(document) + "\n\n" + to_markdown(result))
        if "calibration" in document:
            sys.stdout.write("\n" + calibration_markdown(document["calibration"]))
        return
    show_backtest(None, document, "en")


def backtest_summary(document: dict[str, Any]) -> str:
    """What was scored, how, and what was left out: one line."""
    settings = document["settings"]
    return (
        f"{document['file']}: {document['issues']} issues with an outcome in "
        f"{document['cases']} cases; skipped {len(document['skipped_rows'])} rows without an "
        f"outcome; {document['imputed_saliences']} missing saliences set to 50; capabilities "
        f"{document['capabilities']}; {settings['folds']}-fold CV and {settings['draws']} "
        f"bootstrap draws by proposal, seed {settings['seed']}"
    )


@shows("backtest")
def show_backtest(_scenario: None, document: dict[str, Any], _lang: str) -> None:
    import pandas as pd

    scores = pd.DataFrame(document["scores"])
    console.print(backtest_summary(document), highlight=False)
    for subset in scores["subset"].unique():
        full = subset == "all"
        headers = FULL_HEADERS if full else SUBSET_HEADERS
        rows = (full_rows if full else subset_rows)(scores, subset)
        table = Table(*headers, title=subset_title(scores, subset))
        for row in rows:
            table.add_row(*row)
        console.print(table)
    for label, chosen in document["tuned"].items():
        console.print(f"{label}: values chosen per fold {chosen}", highlight=False)
    for title, headers, rows in calibration_tables(document.get("calibration")):
        table = Table(*headers, title=title)
        for row in rows:
            table.add_row(*row)
        console.print(table)


# -- tables -------------------------------------------------------------------------------
FULL_HEADERS = (
    "forecaster",
    "issues",
    "MAE [95% CI]",
    "RMSE [95% CI]",
    "median AE [95% CI]",
    "% within 10 [95% CI]",
    "MAE - compromise [95% CI]",
)
SUBSET_HEADERS = ("forecaster", "issues", "MAE [95% CI]", "MAE - compromise [95% CI]")


def _interval(row: Mapping[str, Any], name: str, digits: int, scale: float = 1.0) -> str:
    value = row[name]
    if value is None or math.isnan(value):
        return "-"
    low, high = row[f"{name}_low"] * scale, row[f"{name}_high"] * scale
    return f"{value * scale:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def _difference(row: Mapping[str, Any]) -> str:
    from tawazun.validation.backtest import COMPARATOR

    if row["forecaster"] == COMPARATOR:
        return "(comparator)"
    value = row.get("vs_compromise")
    if value is None or math.isnan(value):
        return "-"
    return f"{value:+.2f} [{row['vs_compromise_low']:+.2f}, {row['vs_compromise_high']:+.2f}]"


def _ordered(scores: pd.DataFrame, subset: str) -> list[dict[str, Any]]:
    part = scores[scores["subset"] == subset].sort_values("mae", na_position="last", kind="stable")
    return part.to_dict("records")


def full_rows(scores: pd.DataFrame, subset: str = "all") -> list[list[str]]:
    """Every metric with its interval, one row per forecaster sorted by MAE."""
    return [
        [
            row["forecaster"],
            f"{row['issues']}",
            _interval(row, "mae", 1),
            _interval(row, "rmse", 1),
            _interval(row, "median", 1),
            _interval(row, "within10", 0, 100),
            _difference(row),
        ]
        for row in _ordered(scores, subset)
    ]


def subset_rows(scores: pd.DataFrame, subset: str) -> list[list[str]]:
    """MAE and the paired difference with the compromise model, sorted by MAE."""
    return [
        [row["forecaster"], f"{row['issues']}", _interval(row, "mae", 1), _difference(row)]
        for row in _ordered(scores, subset)
    ]


def subset_title(scores: pd.DataFrame, subset: str) -> str:
    """``subset (N issues, P proposals)``, counting what the best-covered forecaster saw."""
    part = scores[scores["subset"] == subset]
    proposals = int(part["proposals"].max())
    plural = "proposal" if proposals == 1 else "proposals"
    return f"{subset} ({int(part['issues'].max())} issues, {proposals} {plural})"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured markdown table, first column left-aligned, the rest right."""
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" if k == 0 else "---:" for k in range(len(headers))) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def to_markdown(result: Backtest) -> str:
    """All issues with every metric, then MAE by procedure and by voting rule, in markdown."""
    scores = result.scores
    parts = [
        f"#### {subset_title(scores, 'all')}\n",
        markdown_table(FULL_HEADERS, full_rows(scores)) + "\n",
    ]
    for subset in scores["subset"].unique():
        if subset == "all":
            continue
        parts.append(f"#### {subset_title(scores, subset)}\n")
        parts.append(markdown_table(SUBSET_HEADERS, subset_rows(scores, subset)) + "\n")
    return "\n".join(parts)


def calibration_tables(
    calibration: Mapping[str, Any] | None,
) -> list[tuple[str, Sequence[str], list[list[str]]]]:
    """The calibration check's tables, (title, headers, rows), from its JSON document."""
    import pandas as pd

    from tawazun.validation import calibration_backtest as checks

    if not calibration:
        return []
    summary = pd.DataFrame(calibration["summary"]).astype({"mae": float})
    tables = [
        (
            "Calibrated distributions, out of sample by proposal "
            f"(robustness shares: {calibration['runs']} runs)",
            checks.CALIBRATION_HEADERS,
            checks.calibration_rows(summary),
        )
    ]
    if calibration["stack_weights"]:
        title = "Stacked ensemble: weights chosen in the training folds"
        if calibration.get("stack_vs_compromise") is not None:
            difference, low, high = calibration["stack_vs_compromise"]
            title += f" (MAE - compromise {difference:+.2f} [{low:+.2f}, {high:+.2f}])"
        tables.append(
            (title, checks.STACK_HEADERS, checks.stack_rows(calibration["stack_weights"]))
        )
    return tables


def calibration_markdown(calibration: Mapping[str, Any]) -> str:
    """The calibration check's tables in markdown (docs/validation.md)."""
    return "\n".join(
        f"#### {title}\n\n{markdown_table(headers, rows)}\n"
        for title, headers, rows in calibration_tables(calibration)
    )
