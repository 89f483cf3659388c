"""The command line in the user's language: ``--lang`` on every command, help in that language.

``--lang`` (or ``TAWAZUN_LANG``) sets the language before anything else of a command runs,
so its tables, sentences and error messages come from the catalog in that language, and
restores the previous language when the command ends (tests run many commands in one
process). Help texts are written in English, marked with ``N_`` (or as a command's
docstring, which ``tawazun.i18n.extract`` collects), and translated when the help is shown:
``tawazun models --lang ar --help`` or ``TAWAZUN_LANG=ar tawazun --help``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from typer import _click as click  # typer 0.29 carries its own click
from typer.core import TyperCommand, TyperGroup

from tawazun.i18n import N_, _, language, using


def choose_language(ctx: typer.Context, value: Any) -> Any:
    """``--lang``'s callback: messages in ``value`` until the command ends."""
    if value is not None:
        ctx.with_resource(using(str(value.value if hasattr(value, "value") else value)))
    return value


#: typer's help words (module constants of typer.rich_utils), as the catalog has them.
_PANEL_WORDS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
}
#: click's own help text of --help, shown through the catalog like every option's.
_HELP_OPTION = N_("Show this message and exit.")


@contextmanager
def translated(command: click.Command, ctx: click.Context) -> Iterator[None]:
    """The command's help texts (and its subcommands') in the current language, for a while."""
    saved: list[tuple[Any, str, Any]] = []

    def swap(owner: Any, name: str) -> None:
        text = getattr(owner, name, None)
        if isinstance(text, str) and text:
            saved.append((owner, name, text))
            setattr(owner, name, _(text))

    from typer import rich_utils

    # typer's own words in its help panels
    for name in _PANEL_WORDS:
        swap(rich_utils, name)
    swap(command, "help")
    swap(command, "short_help")
    for param in command.get_params(ctx):
        swap(param, "help")
    if hasattr(command, "list_commands"):  # a group: its commands are listed with their help
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            swap(sub, "help")
            swap(sub, "short_help")
    try:
        yield
    finally:
        for owner, name, text in reversed(saved):
            setattr(owner, name, text)


class TranslatedCommand(TyperCommand):
    """A command whose help is shown in the current language."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with translated(self, ctx):
            super().format_help(ctx, formatter)


class TranslatedGroup(TyperGroup):
    """The app: its help, and the list of commands, in the current language."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # --lang holds for the command and for the message of a usage error, which click
        # prints after the command's context is gone; it ends with the call, error or not
        # (click does not close a context whose arguments failed to parse)
        with using(language()):
            return super().main(*args, **kwargs)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with translated(self, ctx):
            super().format_help(ctx, formatter)


def speaking(app: typer.Typer) -> typer.Typer:
    """``app`` with its help, and its commands' help, shown in the current language."""
    app.info.cls = TranslatedGroup
    register = app.command

    def command(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", TranslatedCommand)
        return register(*args, **kwargs)

    app.command = command  # type: ignore[method-assign]
    return app
