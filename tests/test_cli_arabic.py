"""The command line in Arabic: ``--lang ar`` or ``TAWAZUN_LANG=ar`` on every command."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from tawazun.cli import app
from tawazun.i18n import _, language, using

ARABIC = re.compile("[\u0600-\u06ff]")
ISOLATED = re.compile("\u2068[^\u2068\u2069]*\u2069")
runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env)


def commands() -> list[list[str]]:
    import typer.main

    group = typer.main.get_command(app)
    found = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):  # a group of commands (tawazun runs ...)
            found += [[name, sub] for sub in command.commands]
        else:
            found.append([name])
    return found


@pytest.mark.parametrize("command", commands(), ids=" ".join)
def test_every_command_takes_lang_and_shows_its_help_in_arabic(command):
    english = run(*command, "--help")
    arabic = run(*command, "--lang", "ar", "--help")
    assert arabic.exit_code == 0, arabic.output
    assert ARABIC.search(arabic.output) and arabic.output != english.output
    with using("ar"):
        assert _("Options") in arabic.output


def test_the_environment_chooses_arabic_and_english_stays_the_default():
    assert run("models").output.count("what it does") == 1
    arabic = run("models", env={"TAWAZUN_LANG": "ar"})
    assert "ما يفعله" in arabic.output and "what it does" not in arabic.output
    assert "ما يفعله" in run("models", "--lang", "ar").output
    assert "what it does" in run("models", "--lang", "en", env={"TAWAZUN_LANG": "ar"}).output


def test_a_command_leaves_the_language_as_it_found_it():
    before = language()
    run("models", "--lang", "ar")
    assert language() == before


def test_forecast_tables_and_explanations_are_arabic_with_isolated_names():
    result = run("forecast", "iraq-2024", "-m", "exchange", "--lang", "ar", "--no-save")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "التوقع" in out and "الفاعل" in out
    # the explanation: an Arabic sentence, the counted word chosen by Arabic plural rules
    sentences = [line for line in out.splitlines() if "تنازل" in line]
    assert sentences and all("conceded" not in line for line in sentences)
    # outside the isolated names and numbers, no English word is left in those sentences
    for line in sentences:
        rest = ISOLATED.sub("", line)
        assert not re.search("[A-Za-z]{3,}", rest), line


def test_errors_are_arabic_one_line_each():
    result = run("validate", "no-such-file.yaml", "--lang", "ar")
    assert result.exit_code == 2
    with using("ar"):
        assert _("not found") in result.output


def test_a_usage_problem_is_arabic():
    result = run("simulate", "iraq-2024", "--workers", "2", "--scheduler", "x:1", "--lang", "ar")
    assert result.exit_code == 2
    assert "لا كليهما" in result.output


@pytest.mark.parametrize(
    ("arguments", "english"),
    [
        (["forecast", "iraq-2024", "-m", "nosuch"], "no model"),
        (["whatif", "iraq-2024", "--issue", "nosuch", "--band", "x"], "no issue"),
        (["whatif", "iraq-2024", "--issue", "us-presence", "--band", "nosuch"], "has no band"),
    ],
    ids=["model", "issue", "band"],
)
def test_an_unknown_name_is_named_in_arabic(arguments: list[str], english: str) -> None:
    refused = run(*arguments, "--no-save", "--lang", "ar")
    assert refused.exit_code == 2
    [line] = refused.output.strip().splitlines()
    assert ARABIC.search(line) and english not in line and "nosuch" in line
    assert english in run(*arguments, "--no-save").output  # and in English without --lang


def test_a_usage_error_in_arabic_leaves_the_language_as_it_was():
    before = language()
    refused = runner.invoke(app, ["forecast", "iraq-2024", "--lang", "ar", "--headline", "loudest"])
    assert refused.exit_code == 2
    assert language() == before
