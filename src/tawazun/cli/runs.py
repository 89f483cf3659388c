"""``tawazun runs``: the runs kept in the store, listed, shown, compared, exported, rerun."""

from __future__ import annotations

import contextlib
import datetime as dt
import inspect
import io as text_io
import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table

from tawazun.cli._common import (
    JsonOpt,
    Lang,
    LangOpt,
    UsageProblem,
    app,
    clean_errors,
    console,
    forecast_tables,
    plain,
    print_json,
    printable,
)
from tawazun.cli._saving import SAVED, SHOWN, StoreOpt, capturing, open_store, shows
from tawazun.i18n import _

if TYPE_CHECKING:
    import pandas as pd

    from tawazun.store import Run

runs_app = typer.Typer(
    help="The runs kept in the store: list, show, diff, export, rerun, label, delete.",
    no_args_is_help=True,
)
app.add_typer(runs_app, name="runs")

ID_WIDTH = 8
RunArg = Annotated[
    str, typer.Argument(help="A run id, its first 4+ characters, last, or last~N (before it).")
]
#: Options of the original run that say where it ran, not what: a rerun runs in-process.
NOT_RERUN = ("file", "workers", "scheduler")


@contextlib.contextmanager
def _store(url: str | None) -> Any:
    with clean_errors():
        store = open_store(url)
    try:
        with clean_errors():
            yield store
    finally:
        store.close()


def _when(moment: Any) -> str:
    """A stored (UTC) time in the user's time zone, to the minute."""
    if hasattr(moment, "to_pydatetime"):
        moment = moment.to_pydatetime()
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _setting(value: Any) -> str:
    return _("none") if value is None else _text(value)


def _summary_of(row: pd.Series) -> dict[str, dict[str, Any]]:
    """A listed run's forecasts, from its ``forecast:ISSUE`` and ``band:ISSUE`` columns."""
    return {
        key.partition(":")[2]: {
            "forecast": value,
            "band": row.get(f"band:{key.partition(':')[2]}") or None,
        }
        for key, value in row.items()
        if key.startswith("forecast:") and value == value
    }


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _print_frame(frame: pd.DataFrame, title: str | None = None) -> None:
    table = Table(*map(str, frame.columns), title=title, header_style="bold", title_justify="left")
    for row in frame.itertuples(index=False):
        table.add_row(*(plain(_text(v)) for v in row))
    console.print(table)


def _forecasts_line(summary: dict[str, dict[str, Any]]) -> str:
    return "\n".join(
        f"{issue} {entry['forecast']:.1f}"
        for issue, entry in summary.items()
        if entry.get("forecast") is not None
    )


def _since(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageProblem(
            _("--since {text!r} is not a date (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM)").format(
                text=text
            )
        ) from None
    return moment if moment.tzinfo else moment.astimezone()


@runs_app.command("list")
def list_runs(
    scenario: Annotated[str | None, typer.Option("--scenario", help="A scenario id.")] = None,
    model: Annotated[str | None, typer.Option("--model", "-m", help="A model name.")] = None,
    command: Annotated[
        str | None, typer.Option("--command", help="forecast, simulate, pivotal...")
    ] = None,
    label: Annotated[str | None, typer.Option("--label", help="Runs with this label.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Runs made since this date (YYYY-MM-DD).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Show the newest N (0: all).")] = 50,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """List the stored runs, newest first."""
    with clean_errors():
        moment = _since(since)
    with _store(store) as runs:
        frame = runs.runs(
            scenario=scenario, model=model, command=command, since=moment, label=label
        )
        shown = frame if limit <= 0 else frame.head(limit)
        if as_json:
            print_json(
                [
                    {
                        "run": run_id,
                        "created": row["created"].isoformat(),
                        **{
                            k: None if v != v else v
                            for k, v in row.items()
                            if k != "created" and not k.startswith(("forecast:", "band:"))
                        },
                        "forecasts": _summary_of(row),
                    }
                    for run_id, row in shown.iterrows()
                ]
            )
            return
        if frame.empty:
            typer.echo(_("no runs in {store}").format(store=runs.url), err=True)
            return
        table = Table(header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column(_("run"), min_width=ID_WIDTH, no_wrap=True)
        table.add_column(_("when"), min_width=10)
        table.add_column(_("command"), min_width=8)
        for name in (_("model"), _("scenario"), _("label"), _("forecasts")):
            table.add_column(name)
        for run_id, row in shown.iterrows():
            table.add_row(
                str(run_id),
                _when(row["created"]),
                plain(row["command"]),
                plain(_text(row["model"])),
                plain(row["scenario"]),
                plain(_text(row["label"])),
                plain(_forecasts_line(_summary_of(row))),
            )
        console.print(table)
        if len(shown) < len(frame):
            typer.echo(
                _("the newest {shown} of {total} runs (--limit 0 lists all)").format(
                    shown=len(shown), total=len(frame)
                ),
                err=True,
            )


def _header(run: Run) -> None:
    console.print(
        f"[bold]{_('run')} {run.id}[/bold]  ·  {plain(run.command)}  ·  {_when(run.created)}  ·  "
        f"tawazun {plain(run.version)}" + (f"  ·  {run.seconds:.1f} s" if run.seconds else ""),
        highlight=False,
    )
    console.print(
        f"{_('scenario')}: {plain(run.scenario_title)} ({plain(run.scenario_id)}, "
        f"{run.scenario_hash[:12]})",
        highlight=False,
    )
    if run.label or run.note:
        console.print(
            f"{_('label')}: {plain(run.label or '')}"
            + (f"  ·  {_('note')}: {plain(run.note)}" if run.note else ""),
            highlight=False,
        )
    given = {k: v for k, v in run.options.items() if k not in ("param", "file")}
    if run.model or given:
        settings = ", ".join(f"{k}={_setting(v)}" for k, v in (given | run.parameters).items())
        console.print(
            f"{_('model')}: {plain(run.model or '')}"
            + (f"  ({plain(settings)})" if settings else ""),
            highlight=False,
        )


def _as_result(document: dict[str, Any]) -> Any:
    from tawazun.result import IssueForecast, Result

    plain = ("issue", "forecast", "band", "trajectory")
    issues = [
        IssueForecast(
            issue=entry["issue"],
            forecast=entry["forecast"],
            band=entry.get("band"),
            trajectory=entry.get("trajectory", []),
            details={k: v for k, v in entry.items() if k not in plain},
        )
        for entry in document["issues"]
    ]
    return Result(document["scenario"], document["model"], issues, document.get("parameters", {}))


@runs_app.command()
def show(run: RunArg, as_json: JsonOpt = False, lang: LangOpt = Lang.en, store: StoreOpt = None):
    """Show a stored run: what was run, and its result (--json: exactly as first printed)."""
    with _store(store) as runs:
        found = runs.get(run)
        if as_json:
            sys.stdout.write(found.document_text + "\n")
            return
        _header(found)
        console.print()
        printer = SHOWN.get(found.command)
        if printer is None:
            raise UsageProblem(
                _("this tawazun cannot show a {command} run; try --json").format(
                    command=found.command
                )
            )
        scenario = found.scenario() if found.source.kind == "scenario" else None
        printer(scenario, found.document, lang)


@shows("forecast")
def show_forecast(scenario: Any, document: dict[str, Any], lang: str) -> None:
    from tawazun.cli._calibration import show_calibrated

    forecast_tables(scenario, _as_result(document), lang)
    show_calibrated(scenario, document, lang)


@runs_app.command()
def diff(
    run_a: Annotated[str, typer.Argument(help="The first run.")],
    run_b: Annotated[str, typer.Argument(help="The second run.")],
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Compare two runs: forecasts, parameters and scenario values that differ."""
    from tawazun.store.diff import diff as compare

    with _store(store) as runs:
        found = compare(runs.get(run_a), runs.get(run_b))
    if as_json:
        print_json(found.to_dict())
        return
    _print_frame(found.forecasts, title=_("forecasts: {a} and {b}").format(a=found.a, b=found.b))
    if found.parameters.empty:
        console.print(_("same parameters"))
    else:
        _print_frame(found.parameters, title=_("parameters that differ"))
    if found.scenario.empty:
        console.print(_("same scenario"))
    else:
        _print_frame(found.scenario, title=_("scenario values that differ"))


@runs_app.command()
def export(
    run: RunArg,
    to: Annotated[
        Path,
        typer.Option("--to", help="result.xlsx, result.csv or result.json", show_default=False),
    ],
    store: StoreOpt = None,
) -> None:
    """Write a run's result as tables an analyst opens: forecasts, bands, trajectories..."""
    from tawazun.store.export import export as write

    with _store(store) as runs:
        written = write(runs.get(run), to)
    for path in written:
        typer.echo(_("wrote {path}").format(path=path))


def _rerun(found: Run) -> dict[str, Any]:
    """Run the stored scenario again with the stored parameters; the new document."""
    from tawazun import io

    function = SAVED.get(found.command)
    if function is None:
        raise UsageProblem(_("cannot rerun a {command} run").format(command=found.command))
    accepted = inspect.signature(function).parameters
    arguments = {k: v for k, v in found.options.items() if k not in NOT_RERUN and k in accepted}
    if "model" in accepted and "model" not in found.options:
        arguments["model"] = found.model
    with tempfile.TemporaryDirectory(prefix="tawazun-rerun-") as folder:
        if found.source.kind == "scenario":
            path = Path(folder) / f"{found.scenario_id}.json"
            io.save(found.scenario(), path)
        else:
            name = Path(found.source.title).name
            path = Path(folder) / (name if name not in ("", ".", "..") else "data.txt")
            path.write_text(found.source.content, encoding="utf-8")
        arguments |= {"path": str(path), "as_json": True}
        notes = text_io.StringIO()
        try:
            with (
                capturing(found.command, arguments) as captured,
                contextlib.redirect_stdout(text_io.StringIO()),
                contextlib.redirect_stderr(notes),
            ):
                function(**arguments)
        except BaseException:
            # the command's own words on what went wrong (its notes name a temporary file)
            sys.stderr.write(notes.getvalue())
            raise
    return json.loads(json.dumps(captured[0], ensure_ascii=False))


def _parameters_now(found: Run) -> dict[str, Any]:
    """The parameters a rerun runs with: the run's own, over the model's defaults of today."""
    from tawazun.cli._common import parameters_for
    from tawazun.models import get_model

    if not found.model or found.command == "backtest":
        return {}
    given = parameters_for(found.model, found.options.get("param", []))
    return get_model(found.model).defaults | given


@runs_app.command()
def rerun(
    run: RunArg,
    save: Annotated[bool, typer.Option("--save", help="Keep the new run in the store.")] = False,
    store: StoreOpt = None,
) -> None:
    """Run a stored run's scenario again with its parameters; say whether the result is the same.

    Exit status 0 when the result is identical (where and how fast it ran aside), 1 when it
    differs.
    """
    from tawazun.store import documents

    with _store(store) as runs:
        found = runs.get(run)
        parameters = _parameters_now(found)
        for name in sorted(parameters.keys() | found.parameters.keys()):
            if parameters.get(name) != found.parameters.get(name):
                note = _("note: {model}'s {name} is {now} now, was {then} in run {run}").format(
                    model=found.model,
                    name=name,
                    now=_setting(parameters.get(name)),
                    then=_setting(found.parameters.get(name)),
                    run=found.id,
                )
                typer.echo(printable(note), err=True)
        document = _rerun(found)
        if save:
            new = runs.save(
                document,
                found.source,
                command=found.command,
                model=found.model,
                parameters=parameters,
                options=found.options,
                seed=found.seed,
                label=found.label,
                note=_("rerun of {run}").format(run=found.id),
            )
            typer.echo(_("saved run {run} (tawazun runs show {run})").format(run=new.id), err=True)
    same = documents.comparable(found.command, document) == documents.comparable(
        found.command, found.document
    )
    if same:
        typer.echo(_("run {run} reran: identical result").format(run=found.id))
        return
    typer.echo(_("run {run} reran: the result differs").format(run=found.id))
    before = documents.summary(found.command, found.document)
    after = documents.summary(found.command, document)
    for issue in list(before) + [i for i in after if i not in before]:
        a, b = before.get(issue, {}), after.get(issue, {})
        if a != b:
            typer.echo(
                printable(
                    f"  {issue}: {_text(a.get('forecast'))} {a.get('band') or ''} -> "
                    f"{_text(b.get('forecast'))} {b.get('band') or ''}"
                )
            )
    raise typer.Exit(1)


@runs_app.command()
def label(
    run: RunArg,
    text: Annotated[str, typer.Argument(help="The label ('' removes it).")],
    note: Annotated[str | None, typer.Option("--note", help="Also set the note.")] = None,
    store: StoreOpt = None,
) -> None:
    """Label a run (and set its note)."""
    with _store(store) as runs:
        found = runs.label(run, text, note)
    message = _("run {run}: label {label}").format(run=found.id, label=found.label or "-")
    typer.echo(printable(message))


@runs_app.command()
def delete(
    run: RunArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
    store: StoreOpt = None,
) -> None:
    """Delete a run from the store."""
    with _store(store) as runs:
        found = runs.get(run)
        if not yes:
            if not sys.stdin.isatty():
                raise UsageProblem(_("give --yes to delete without being asked"))
            question = _("delete run {run} ({command}, {when}, {scenario})?").format(
                run=found.id,
                command=found.command,
                when=_when(found.created),
                scenario=found.scenario_id,
            )
            if not typer.confirm(printable(question)):
                raise typer.Exit(1)
        runs.delete(found.id)
    typer.echo(_("deleted run {run}").format(run=found.id))
