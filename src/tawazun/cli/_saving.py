"""Every run of forecast, simulate, pivotal, shocks, whatif and backtest is kept in the store.

A command opts in with two lines: the decorator :func:`saved` under ``@app.command()``, which
adds the options ``--store URL`` (or ``TAWAZUN_DATABASE_URL``), ``--no-save``, ``--label``
and ``--note`` and opens the store before any work starts (a store that cannot be used fails
at once, not after a long simulation); and one call of :func:`keep` with what the command
read and computed, which saves the run in one transaction. The run id goes to stderr after
the command's output, never into ``--json``. A run that cannot be saved (the server went
away, the file stayed locked too long) is still printed; the command then exits 2 with the
store's words.

``tawazun runs rerun`` calls the same command function again through :data:`SAVED`, with
:func:`capturing` in place of saving.
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, get_type_hints

import typer

from tawazun.cli._common import clean_errors
from tawazun.errors import InputError
from tawazun.i18n import N_, _

if TYPE_CHECKING:
    from tawazun.scenario import Scenario
    from tawazun.store import Saver, Store

StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        metavar="URL",
        envvar="TAWAZUN_DATABASE_URL",
        help=N_(
            "Keep the run in this store: sqlite:///PATH or postgresql+psycopg://... "
            "(default: runs.sqlite in the user's data folder; see `tawazun runs`)."
        ),
    ),
]
NoSaveOpt = Annotated[
    bool, typer.Option("--no-save", help=N_("Do not keep this run in the store."))
]
LabelOpt = Annotated[
    str | None, typer.Option("--label", help=N_("A short name for this run, shown by `runs list`."))
]
NoteOpt = Annotated[str | None, typer.Option("--note", help=N_("A note kept with this run."))]

#: Arguments that say how to read the input or show the result, not what was computed.
NOT_RECORDED = ("path", "as_json", "as_markdown", "lang", "source_format")
#: Command name -> the command's function without saving (for ``runs rerun``).
SAVED: dict[str, Callable[..., None]] = {}
#: Command name -> how it prints a result, from its JSON document and the scenario (``None``
#: for a backtest), so that ``runs show`` prints a stored run as the command did.
SHOWN: dict[str, Callable[[Any, dict[str, Any], str], None]] = {}


def shows(command: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register ``command``'s printer of a result document in :data:`SHOWN`."""

    def register(printer: Callable[..., None]) -> Callable[..., None]:
        SHOWN[command] = printer
        return printer

    return register


@dataclass
class _Pending:
    command: str
    arguments: dict[str, Any]
    store: Saver | None
    label: str | None = None
    note: str | None = None
    started: float = field(default_factory=time.perf_counter)
    saved: str | None = None
    failure: InputError | None = None
    captured: list[dict[str, Any]] | None = None


_pending: ContextVar[_Pending | None] = ContextVar("tawazun_pending_run", default=None)


def open_store(url: str | None) -> Store:
    """The store at ``url`` (else $TAWAZUN_DATABASE_URL, else the default file)."""
    from tawazun import store

    return store.open(url)


def open_saver(url: str | None) -> Saver:
    """The store at ``url``, as :func:`open_store` finds it, opened to keep a run (without
    SQLAlchemy where it can: see :func:`tawazun.store.saver`)."""
    from tawazun import store

    return store.saver(url)


def saved(command: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Make ``command``'s runs kept in the store: adds --store, --no-save, --label, --note."""

    def decorate(function: Callable[..., None]) -> Callable[..., None]:
        hints = get_type_hints(function, include_extras=True)
        signature = inspect.signature(function)

        @functools.wraps(function)
        def run_and_keep(
            *args: Any,
            store: str | None = None,
            no_save: bool = False,
            label: str | None = None,
            note: str | None = None,
            **kwargs: Any,
        ) -> None:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            with clean_errors():
                opened = None if no_save else open_saver(store)
            pending = _Pending(command, dict(bound.arguments), opened, label, note)
            token = _pending.set(pending)
            try:
                function(*args, **kwargs)
            finally:
                _pending.reset(token)
                if opened is not None:
                    opened.close()
            if pending.failure is not None:
                with clean_errors():
                    raise pending.failure
            if pending.saved:
                typer.echo(
                    _("saved run {run} (tawazun runs show {run})").format(run=pending.saved),
                    err=True,
                )

        added = {"store": StoreOpt, "no_save": NoSaveOpt, "label": LabelOpt, "note": NoteOpt}
        defaults = {"store": None, "no_save": False, "label": None, "note": None}
        parameters = [p.replace(annotation=hints[p.name]) for p in signature.parameters.values()]
        parameters += [
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, default=defaults[name], annotation=hint
            )
            for name, hint in added.items()
        ]
        run_and_keep.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        run_and_keep.__annotations__ = {**hints, **added}
        SAVED[command] = function
        return run_and_keep

    return decorate


def recorded(command: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """What the store keeps of a command's arguments: model, parameters, options, seed."""
    from tawazun.cli._common import parameters_for
    from tawazun.models import get_model

    options = {k: v for k, v in arguments.items() if k not in NOT_RECORDED}
    if "param" in options:
        options["param"] = list(options["param"] or [])
    model = options.get("model")
    parameters: dict[str, Any] = {}
    if isinstance(model, str):
        del options["model"]
        parameters = get_model(model).defaults | parameters_for(model, options["param"])
    elif isinstance(model, list | tuple):
        model = ", ".join(model)
    seed = options.get("seed", parameters.get("seed"))
    if "path" in arguments:
        options["file"] = str(arguments["path"])
    return {"model": model, "parameters": parameters, "options": options, "seed": seed}


def keep(source: Scenario | str | Path, result: Any) -> None:
    """Save this run: ``source`` is what it read (a scenario, or a data file's path),
    ``result`` what it printed with ``--json`` (an object with ``to_dict()``, or the dict)."""
    pending = _pending.get()
    if pending is None:
        return
    document = result.to_dict() if hasattr(result, "to_dict") else result
    if pending.captured is not None:
        pending.captured.append(document)
        return
    if pending.store is None:
        return
    seconds = time.perf_counter() - pending.started
    try:
        pending.saved = pending.store.save(
            document,
            source,
            command=pending.command,
            seconds=seconds,
            label=pending.label,
            note=pending.note,
            **recorded(pending.command, pending.arguments),
        )
    except InputError as exc:
        # the result is still printed; the command then fails with the store's words
        pending.failure = exc


@contextmanager
def capturing(command: str, arguments: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    """Within the block :func:`keep` hands each document to the list it yields, unsaved."""
    captured: list[dict[str, Any]] = []
    token = _pending.set(_Pending(command, arguments, None, captured=captured))
    try:
        yield captured
    finally:
        _pending.reset(token)
