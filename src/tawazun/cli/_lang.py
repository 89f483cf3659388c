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

import click
import typer
from typer.core import TyperCommand, TyperGroup

from tawazun.i18n import N_, _, using


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
    if isinstance(command, click.Group):
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

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with translated(self, ctx):
            super().format_help(ctx, formatter)
