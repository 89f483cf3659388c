"""The command line in Arabic: ``--lang ar`` or ``TAWAZUN_LANG=ar`` on every command."""

from __future__ import annotations

import re
from pathlib import Path

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


def _bad_decide(folder: Path) -> Path:
    path = folder / "bad.txt"
    path.write_text("#A\tusa\tUSA\n#P\tx\tX\n#D\tusa\ty\t50\t0.5\t10\n#D\tiran\tx\t50\t0.5\t10\n")
    return path


def _bad_eum_csv(folder: Path) -> Path:
    path = folder / "bad.csv"
    path.write_text("Actor,Capability,Position,Salience\nA,-2,10,0.5\nB,1,20,300\n")
    return path


def _bad_long_csv(folder: Path) -> Path:
    path = folder / "long.csv"
    path.write_text("actor,issue,capability,position,salience\na,x,2,10,1\nb,x,1,90,0.5,7\n")
    return path


def _bad_workbook(folder: Path) -> Path:
    import openpyxl

    from tawazun.io.excel import write_excel
    from tests.factories import one_issue

    path = folder / "bad.xlsx"
    write_excel(one_issue([10, 90], [1, 0.5], [2, 1]), path)
    book = openpyxl.load_workbook(path)
    stances = book["stances"]
    column = [cell.value for cell in stances[1]].index("actor") + 1
    stances.cell(row=2, column=column, value="nosuch")
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("make", "english"),
    [
        (_bad_decide, ["issue 'y' has no #P row", "actor 'iran' has no #A row"]),
        (_bad_eum_csv, ["-2 is negative; must be >= 0", "300 is outside 0-1 (or 0-100)"]),
        (_bad_long_csv, ["6 cells but the header has 5"]),
        (_bad_workbook, ["unknown actor 'nosuch'; actors are"]),
    ],
    ids=["decide", "eum-csv", "long-csv", "excel"],
)
def test_a_bad_file_is_refused_in_arabic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make, english: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # short names: one problem a line, never wrapped
    name = make(tmp_path).name
    arabic = run("validate", name, "--lang", "ar")
    assert arabic.exit_code == 2
    lines = arabic.output.strip().splitlines()
    assert len(lines) == len(english), arabic.output
    for line in lines:
        _place, _field, message = line.split(": ", 2)  # FILE:WHERE: field: message
        assert ARABIC.search(message), line
        # outside the isolated names and numbers, no English word is left
        assert not re.search("[A-Za-z]{2,}", ISOLATED.sub("", message)), line
    refused = run("validate", name)  # the English run is as it was
    assert refused.exit_code == 2
    for text in english:
        assert text in refused.output


@pytest.mark.parametrize(
    ("parameter", "english"),
    [
        ("rounds=abc", "parameter rounds: 'abc' is not a whole number"),
        ("third_parties=maybe", "parameter third_parties: 'maybe' is not true or false"),
        ("rounds", "parameter 'rounds' is not of the form NAME=VALUE"),
        ("nosuch=1", "model 'exchange' takes the parameters ['rounds',"),
    ],
    ids=["whole-number", "boolean", "form", "unknown"],
)
def test_a_bad_model_parameter_is_refused_in_arabic(parameter: str, english: str) -> None:
    arguments = ["forecast", "iraq-2024", "-m", "exchange", "--no-save", "-p", parameter]
    arabic = run(*arguments, "--lang", "ar")
    assert arabic.exit_code == 2
    [line] = arabic.output.strip().splitlines()
    # "error: MESSAGE", the message isolated whole: the Arabic is inside the outer isolate
    _error, message = line.split(": ", 1)
    assert message.startswith("\u2068") and message.endswith("\u2069"), line
    message = message[1:-1]
    assert ARABIC.search(message), line
    assert not re.search("[A-Za-z]{2,}", ISOLATED.sub("", message)), line
    refused = run(*arguments)
    assert refused.exit_code == 2 and english in refused.output


@pytest.mark.parametrize(
    ("arguments", "english"),
    [
        (["forecast", "-m", "smp", "-p", "voting_rule=Nope"], "voting_rule 'Nope' is not one of"),
        (["forecast", "-m", "smp", "-p", "min_turns=0"], "need 1 <= min_turns <= max_turns"),
        (["forecast", "-m", "eum", "-p", "variant=nope"], "unknown variant 'nope'; variants are"),
        (["forecast", "-m", "eum", "-p", "q=2"], "q = 2.0 must be a probability in [0, 1]"),
        (["forecast", "-m", "exchange", "-p", "p=2"], "p must be between 0 and 1, got 2.0"),
        (
            ["forecast", "-m", "exchange", "-p", "salience_weight=2"],
            "salience_weight and fixed_weight must be >= 0 with a sum <= 1",
        ),
        (["pivotal", "--step", "0.9"], "step must be in (0, 0.5] (got 0.9)"),
    ],
    ids=["smp-choice", "smp-turns", "eum-variant", "eum-q", "exchange-p", "weights", "step"],
)
def test_a_bad_model_or_analysis_argument_is_refused_in_arabic(
    arguments: list[str], english: str
) -> None:
    command, *options = arguments
    arguments = [command, "iraq-2024", *options, "--no-save"]
    arabic = run(*arguments, "--lang", "ar")
    assert arabic.exit_code == 2, arabic.output
    [line] = arabic.output.strip().splitlines()
    _call, _name, message = line.split(": ", 2)  # CALL: ARGUMENT: message
    assert ARABIC.search(message), line
    assert not re.search("[A-Za-z]{2,}", ISOLATED.sub("", message)), line
    refused = run(*arguments)
    assert refused.exit_code == 2 and english in refused.output, refused.output


def test_too_many_backtest_folds_are_refused_in_arabic(deu: Path) -> None:
    arguments = ["backtest", str(deu), "-m", "compromise", "--folds", "500"]
    arabic = run(*arguments, "--lang", "ar")
    assert arabic.exit_code == 2, arabic.output
    line = arabic.output.strip().splitlines()[-1]
    assert line.startswith("backtest: folds: "), arabic.output
    message = line.removeprefix("backtest: folds: ")
    assert ARABIC.search(message), line
    assert not re.search("[A-Za-z]{2,}", ISOLATED.sub("", message)), line
    refused = run(*arguments)
    assert refused.exit_code == 2
    assert "folds must be between 2 and the 137 proposals; got 500" in refused.output
