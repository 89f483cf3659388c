"""What every command shares: the app, its option types, error handling, printing."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

import typer
import yaml
from rich.console import Console
from rich.table import Table

from tawazun.errors import InputError
from tawazun.models import get_model
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
def clean_errors() -> Iterator[None]:
    """Turn input problems into one line each on stderr and exit status 2, never a traceback."""
    try:
        yield
    except InputError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(2) from None
    except (UsageProblem, UnknownName) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def text_in(text: Text, lang: str) -> str:
    return text.ar if lang == "ar" and text.ar else text.en


def coerce(name: str, text: str, hint: Any) -> Any:
    """The value of ``name=text`` as the type the model's ``run`` declares for it."""
    text = text.strip()
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, UnionType):
        if type(None) in args and text.lower() in ("", "none", "null"):
            return None
        others = [a for a in args if a is not type(None)]
        return coerce(name, text, others[0]) if len(others) == 1 else yaml.safe_load(text)
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


def parameters_for(model: str, pairs: list[str]) -> dict[str, Any]:
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
        parameters[name] = coerce(name, value, hints.get(name, Any))
    return parameters


def run_model(scenario: Scenario, model: str, parameters: dict[str, Any]) -> Result:
    """The model's forecast; a model refusing the scenario raises an ``InvalidArgument``."""
    return scenario.forecast(model, **parameters)


def forecast_tables(scenario: Scenario, result: Result, lang: str) -> None:
    explain: Callable[..., list[str]] | None = get_model(result.model).explain
    names = {actor.id: text_in(actor.name, lang) for actor in scenario.actors}
    title = text_in(scenario.metadata.title, lang)
    console.print(f"[bold]{title}[/bold]  ·  model [cyan]{result.model}[/cyan]")
    if scenario.metadata.as_of:
        console.print(f"data as of {scenario.metadata.as_of.isoformat()}")
    for forecast in result.issues:
        issue = scenario.issue(forecast.issue)
        band = issue.band(forecast.band) if forecast.band else None
        console.print()
        console.print(
            f"[bold]{text_in(issue.name, lang)}[/bold] "
            f"(scale {issue.scale.min:g}-{issue.scale.max:g}): "
            f"forecast [bold green]{forecast.forecast:.1f}[/bold green]"
            + (f"  ->  {text_in(band.label, lang)}" if band else "")
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
                text_in(actor.name, lang),
                f"{stance.position:g}",
                f"{stance.salience:g}",
                f"{actor.capability:g}",
            )
        console.print(table)
        if explain is not None:
            for sentence in explain(forecast, names):
                console.print(f"  {sentence}", highlight=False)


# -- analysis: uncertainty, pivotal actors, shocks, what would it take --------------------

BLOCKS = " ▁▂▃▄▅▆▇█"


def spark(counts: list[int]) -> str:
    """A histogram as one line of block characters."""
    top = max(counts) or 1
    return "".join(BLOCKS[round(c / top * (len(BLOCKS) - 1))] for c in counts)


def band_label(scenario: Scenario, issue_id: str, band_id: str | None, lang: str) -> str:
    if not band_id:
        return "outside every band" if band_id == "" else "-"
    band = scenario.issue(issue_id).band(band_id)
    return text_in(band.label, lang)


def progress_bar(enabled: bool) -> Any:
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


def follow(bar: Any, task: Any) -> Callable[[int, int], None]:
    """A ``progress(done, total)`` callback moving ``task`` of ``bar``."""

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return update


def signed(value: float, digits: int = 2) -> str:
    return "-" if value != value else f"{value:+.{digits}f}"


def band_id_of(issue: Any, value: float) -> str | None:
    band = issue.band_of(value)
    return band.id if band else None
