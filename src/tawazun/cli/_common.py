"""What every command shares: the app, its option types, error handling, printing."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import StrEnum
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

import typer
from pydantic import PydanticUserError, TypeAdapter, ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tawazun import limits
from tawazun.cli._lang import choose_language, speaking
from tawazun.errors import InputError
from tawazun.i18n import ENVIRONMENT, N_, _
from tawazun.io import _yaml
from tawazun.jsontext import document_text
from tawazun.models import get_model
from tawazun.result import Result
from tawazun.scenario import Scenario, Text, UnknownName, parse_number

app = speaking(
    typer.Typer(
        help=N_("tawazun (توازن): forecast how a negotiation settles, and explain why."),
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
)
console = Console()

PathArg = Annotated[
    str, typer.Argument(help=N_("A scenario file, or the id of a shipped scenario (iraq-2024)."))
]
FromOpt = Annotated[
    str | None, typer.Option("--from", help=N_("Read as this format (see `tawazun formats`)."))
]


class Lang(StrEnum):
    """The language of everything a command prints."""

    en = "en"
    ar = "ar"


LangOpt = Annotated[
    Lang,
    typer.Option(
        "--lang",
        envvar=ENVIRONMENT,
        callback=choose_language,
        is_eager=True,
        help=N_("Everything printed in English or Arabic (or set TAWAZUN_LANG)."),
    ),
]
ModelOpt = Annotated[str, typer.Option("--model", "-m", help=N_("See `tawazun models`."))]
JsonOpt = Annotated[bool, typer.Option("--json", help=N_("Print the result as JSON."))]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help=N_("A model parameter, NAME=VALUE; repeatable.")),
]


class UsageProblem(Exception):
    """A mistake in how the command was called (exit status 2)."""


# Characters user text may not send to a terminal: controls (escape sequences can retitle
# or clear it) and the bidi embeddings and overrides that reorder what follows them.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066\u2067]")
_ISOLATES = re.compile("[\u2068\u2069]")


def _balanced(text: str) -> bool:
    depth = 0
    for char in _ISOLATES.findall(text):
        depth += 1 if char == "\u2068" else -1
        if depth < 0:
            return False
    return depth == 0


def printable(text: str) -> str:
    """``text`` with every control or bidi-override character shown as its escape (``\\x1b``),
    so that a name can neither drive the terminal nor reorder the line it is printed on.

    First-strong isolates (U+2068 ... U+2069), which the Arabic catalog puts around names and
    numbers, stay when they pair up: an isolate reorders nothing outside itself.
    """
    escape_it = (
        _UNPRINTABLE
        if _balanced(text)
        else re.compile(f"{_UNPRINTABLE.pattern}|{_ISOLATES.pattern}")
    )
    return escape_it.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def plain(text: str) -> str:
    """User text for ``console.print``: :func:`printable`, and Rich markup shown, not read."""
    return escape(printable(text))


def escape_brackets(message: str) -> str:
    """A message whose own square brackets ``console.print`` shows as text.

    For a translated template filled with arguments that carry Rich markup: ``[{id}]``
    filled with an id would otherwise read as a markup tag, and vanish.
    """
    return message.replace("[", r"\[")


@contextmanager
def clean_errors() -> Iterator[None]:
    """Turn input problems into one line each on stderr and exit status 2, never a traceback."""
    try:
        yield
    except InputError as exc:
        for problem in exc.problems:
            typer.echo(printable(str(problem)), err=True)
        raise typer.Exit(2) from None
    except (UsageProblem, UnknownName) as exc:
        typer.echo(printable(_("error: {message}").format(message=exc)), err=True)
        raise typer.Exit(2) from None


def print_json(document: Any) -> None:
    sys.stdout.write(document_text(document) + "\n")


def text_in(text: Text, lang: str) -> str:
    """The name or label in ``lang``, ready for ``console.print`` (see :func:`plain`)."""
    return plain(text.ar if lang == "ar" and text.ar else text.en)


def number(value: float, digits: int = 6) -> str:
    """A number without float noise: ``digits`` significant digits, no ``-0``, no ``e-15``
    for what is zero within rounding."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if abs(value) < 1e-9:
        value = 0.0
    text = f"{value:.{digits}g}"
    return "0" if float(text) == 0 else text


def on_scale(value: float | None, issue: Any, decimals: int = 1) -> str:
    """A value of ``issue``'s scale with ``decimals`` decimals, or more where fewer would
    round it onto or across a band's edge (59.96 in the band 25-60 is not shown as 60.0).

    None is a NaN as the JSON documents write it.
    """
    if value is None:
        return "nan"
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    lo, hi = issue.scale.min, issue.scale.max
    noise = 1e-9 * (hi - lo)
    value = min(max(value, lo), hi) if lo - noise <= value <= hi + noise else value
    band = issue.band_of(value)
    text = f"{value:.{decimals}f}"
    while decimals < 12 and issue.bands and issue.band_of(float(text)) is not band:
        decimals += 1
        text = f"{value:.{decimals}f}"
    return text.lstrip("-") if float(text) == 0 else text


def coerce(name: str, text: str, hint: Any) -> Any:
    """The value of ``name=text`` as the type the model's ``run`` declares for it.

    Simple types are read strictly; any other (``widths={"x": 2}``, a list) is read as YAML
    (1.2 core, no aliases) and checked against the declared type, so that a value of the
    wrong shape is a usage error here rather than a crash inside the model.
    """
    text = text.strip()
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, UnionType):
        if type(None) in args and text.lower() in ("", "none", "null"):
            return None
        others = [a for a in args if a is not type(None)]
        if len(others) == 1:
            return coerce(name, text, others[0])
    if origin is Literal:
        if text not in args:
            raise UsageProblem(
                _("parameter {name}: {text} is not one of {choices}").format(
                    name=name, text=repr(text), choices=list(args)
                )
            )
        return text
    readers: dict[Any, tuple[Callable[[str], Any], str]] = {
        int: (_whole, _("not a whole number")),
        float: (parse_number, _("not a number")),
        bool: (lambda t: {"true": True, "false": False}[t.lower()], _("not true or false")),
        str: (str, _("not a text")),
    }
    if hint in readers:
        read, wrong = readers[hint]
        try:
            return read(text)
        except (ValueError, KeyError) as exc:
            reason = str(exc) if hint is float else wrong
            raise UsageProblem(
                _("parameter {name}: {text} is {reason}").format(
                    name=name, text=repr(printable(text)), reason=reason
                )
            ) from None
    try:
        value = _yaml.load(text)[0]
    except _yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "malformed"
        raise UsageProblem(
            _("parameter {name}: {text!r} cannot be read ({problem})").format(
                name=name, text=printable(text), problem=problem
            )
        ) from None
    if hint is Any:
        return value
    try:
        return TypeAdapter(hint).validate_python(value, strict=False)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"]))
        raise UsageProblem(
            _("parameter {name}: {text!r} is not {what}").format(
                name=name, text=printable(text), what=_described(hint)
            )
            + (f" ({where}: {first['msg']})" if where else f" ({first['msg']})")
        ) from None
    except PydanticUserError:  # a hint pydantic cannot check: let the YAML value through
        return value


def _whole(text: str) -> int:
    value = parse_number(text)
    if not value.is_integer():
        raise ValueError(text)
    return int(value)


def _described(hint: Any) -> str:
    origin = get_origin(hint)
    if origin in (dict, Mapping) or hint in (dict, Mapping):
        return _("a mapping such as {{ID: NUMBER}}").format()
    if origin in (list, tuple, Sequence) or hint in (list, tuple):
        return _("a list such as [1, 2]")
    return _("of type {name}").format(name=getattr(hint, "__name__", hint))


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
            raise UsageProblem(
                _("parameter {pair} is not of the form NAME=VALUE").format(
                    pair=repr(printable(pair))
                )
            )
        if name not in accepted:
            raise UsageProblem(
                _("model {model} takes the parameters {accepted}; got {given}").format(
                    model=repr(model), accepted=accepted or _("none"), given=repr(printable(name))
                )
            )
        parameters[name] = coerce(name, value, hints.get(name, Any))
        if name in limits.ROUND_PARAMETERS and isinstance(parameters[name], int):
            limits.check(model, f"-p {name}", parameters[name], "rounds", minimum=0)
        if name == "seed" and isinstance(parameters[name], int):
            limits.check(model, "-p seed", parameters[name], "seed", minimum=0)
    return parameters


def check_size(scenario: Scenario, model: str, call: str) -> None:
    """Refuse a scenario too large for ``model`` before it runs (see :mod:`tawazun.limits`)."""
    limits.check_model_size(
        call, model, len(scenario.actors), len(scenario.issues), get_model(model).iterative
    )


def run_model(scenario: Scenario, model: str, parameters: dict[str, Any]) -> Result:
    """The model's forecast, every issue's a finite number.

    A scenario too large for the model is refused before it runs; a model refusing the
    scenario raises an ``InvalidArgument``.
    """
    check_size(scenario, model, "forecast")
    result = scenario.forecast(model, **parameters)
    broken = [f.issue for f in result.issues if not math.isfinite(f.forecast)]
    if broken:
        raise UsageProblem(
            _(
                "model {model!r} gave no finite forecast for {issues}: the scenario's numbers "
                "are too far apart for it (see docs/format.md, Limits)"
            ).format(model=model, issues=broken)
        )
    return result


def forecast_tables(scenario: Scenario, result: Result, lang: str) -> None:
    explain: Callable[..., list[str]] | None = get_model(result.model).explain
    names = {actor.id: text_in(actor.name, lang) for actor in scenario.actors}
    title = text_in(scenario.metadata.title, lang)
    console.print(
        f"[bold]{title}[/bold]  ·  "
        + _("model {model}").format(model=f"[cyan]{plain(result.model)}[/cyan]")
    )
    if scenario.metadata.as_of:
        console.print(_("data as of {date}").format(date=scenario.metadata.as_of.isoformat()))
    for forecast in result.issues:
        issue = scenario.issue(forecast.issue)
        band = issue.band(forecast.band) if forecast.band else None
        console.print()
        console.print(
            # the message's own brackets are text, not Rich markup (its arguments hold markup)
            escape_brackets(_("{issue} [{id}] (scale {low}-{high}): forecast {forecast}")).format(
                issue=f"[bold]{text_in(issue.name, lang)}[/bold]",
                id=plain(issue.id),
                low=number(issue.scale.min),
                high=number(issue.scale.max),
                forecast=f"[bold green]{on_scale(forecast.forecast, issue)}[/bold green]",
            )
            + (f"  ->  {text_in(band.label, lang)} {plain(f'[{band.id}]')}" if band else "")
        )
        table = Table(show_header=True, header_style="bold")
        for column, title in (
            ("actor", _("actor")),
            ("position", _("position")),
            ("salience", _("salience")),
            ("capability", _("capability")),
        ):
            table.add_column(title, justify="left" if column == "actor" else "right")
        rows = [
            (actor, stance)
            for actor in scenario.actors
            if (stance := actor.stances.get(issue.id)) is not None
        ]
        for actor, stance in sorted(rows, key=lambda row: row[1].position):
            table.add_row(
                text_in(actor.name, lang),
                number(stance.position),
                number(stance.salience),
                number(actor.capability),
            )
        console.print(table)
        if explain is not None:
            for sentence in explain(forecast, names):
                console.print(f"  {plain(sentence)}", highlight=False)


# -- analysis: uncertainty, pivotal actors, shocks, what would it take --------------------

BLOCKS = " ▁▂▃▄▅▆▇█"


def spark(counts: list[int]) -> str:
    """A histogram as one line of block characters."""
    top = max(counts) or 1
    return "".join(BLOCKS[round(c / top * (len(BLOCKS) - 1))] for c in counts)


def band_label(scenario: Scenario, issue_id: str, band_id: str | None, lang: str) -> str:
    if not band_id:
        return _("outside every band") if band_id == "" else "-"
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


def signed(value: float | None, digits: int = 2) -> str:
    """A change with its sign; one that rounds to zero is ``+0.00``, never ``-0.00``.

    None is a NaN as the JSON documents write it.
    """
    if value is None or value != value:
        return "-"
    return f"{(value if round(value, digits) != 0 else 0.0):+.{digits}f}"


def fixed(value: float | None, digits: int = 1) -> str:
    """A number to ``digits`` decimals, never ``-0.0``; ``nan`` for a missing one (NaN, or
    JSON's null)."""
    if value is None or value != value:
        return "nan"
    text = f"{value:.{digits}f}"
    return text.lstrip("-") if float(text) == 0 else text


def band_id_of(issue: Any, value: float) -> str | None:
    band = issue.band_of(value)
    return band.id if band else None
