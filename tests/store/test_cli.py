"""Runs kept from the command line: saved by each command, then listed, shown, compared,
exported, rerun, labelled and deleted with ``tawazun runs``."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import tawazun
from tawazun import store
from tawazun.cli import app
from tests.factories import one_issue

runner = CliRunner()
SAVED = re.compile(r"tawazun runs show ([0-9a-z]{8})")  # in every language


def invoke(*arguments: str) -> object:
    return runner.invoke(app, list(arguments))


def saved_id(result: object) -> str:
    assert result.exit_code == 0, result.output
    match = SAVED.search(result.stderr)
    assert match, result.stderr
    return match.group(1)


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    scenario = one_issue([0, 50, 90], [1, 1, 1], [2, 1, 1])
    return tawazun.save(scenario.model_copy(update={"events": []}), tmp_path / "s.yaml")


def test_forecast_saves_its_run_and_prints_the_id_on_stderr_only(sqlite_url: str) -> None:
    result = invoke(
        "forecast",
        "iraq-2024",
        "-m",
        "eum",
        "--json",
        "--store",
        sqlite_url,
        "--label",
        "baseline",
        "--note",
        "April data",
    )
    run_id = saved_id(result)
    assert run_id not in result.stdout
    document = json.loads(result.stdout)  # --json output is the document alone
    with store.open(sqlite_url) as runs:
        run = runs.get(run_id)
    assert run.document_text == result.stdout.rstrip("\n")
    assert run.document == document
    assert (run.command, run.model, run.label, run.note) == (
        "forecast",
        "eum",
        "baseline",
        "April data",
    )
    assert run.parameters == tawazun.models()["eum"].defaults
    assert run.options["file"] == "iraq-2024" and run.seconds > 0


def test_no_save_keeps_nothing(sqlite_url: str) -> None:
    result = invoke("forecast", "iraq-2024", "--no-save", "--store", sqlite_url)
    assert result.exit_code == 0 and "saved run" not in result.stderr
    with store.open(sqlite_url) as runs:
        assert runs.runs().empty


@pytest.mark.parametrize(
    "command",
    [
        ["simulate", "iraq-2024", "--runs", "20", "--seed", "7"],
        ["pivotal", "iraq-2024", "--step", "0.1"],
        ["shocks", "iraq-2024"],
        [
            "whatif",
            "iraq-2024",
            "--issue",
            "us-presence",
            "--band",
            "full-withdrawal",
            "--grid",
            "4",
        ],
    ],
    ids=lambda c: c[0],
)
def test_each_analysis_saves_what_it_printed(command: list[str], sqlite_url: str) -> None:
    result = invoke(*command, "--json", "--store", sqlite_url)
    run_id = saved_id(result)
    with store.open(sqlite_url) as runs:
        run = runs.get(run_id)
    assert run.command == command[0] and run.document == json.loads(result.stdout)
    assert run.document_text == result.stdout.rstrip("\n")
    if command[0] == "simulate":
        assert run.seed == 7 and run.options["runs"] == 20
    if command[0] == "pivotal":
        assert run.options["step"] == 0.1
    assert set(run.summary) <= {"us-presence", "security-cooperation"} and run.summary


def test_backtest_saves_its_scores_and_the_data_file(deu: Path, sqlite_url: str) -> None:
    arguments = [str(deu), "-m", "median", "--draws", "20", "--store", sqlite_url]
    result = invoke("backtest", *arguments, "--json")
    run_id = saved_id(result)
    with store.open(sqlite_url) as runs:
        run = runs.get(run_id)
    assert run.document == json.loads(result.stdout)
    assert run.source.kind == "file" and run.source.content == deu.read_text(encoding="utf-8")
    assert run.seed == 0 and run.model == "median"
    rerun = invoke("runs", "rerun", run_id, "--store", sqlite_url)
    assert rerun.exit_code == 0 and "identical" in rerun.stdout, rerun.output


def test_list_show_and_the_stored_json(sqlite_url: str) -> None:
    first = invoke("forecast", "iraq-2024", "--json", "--store", sqlite_url)
    second = invoke(
        "forecast", "iraq-2024", "-m", "median", "--store", sqlite_url, "--label", "median"
    )
    a, b = saved_id(first), saved_id(second)
    listed = invoke("runs", "list", "--json", "--store", sqlite_url)
    rows = json.loads(listed.stdout)
    assert [row["run"] for row in rows] == [b, a]
    assert rows[0]["label"] == "median" and rows[0]["model"] == "median"
    assert set(rows[0]["forecasts"]) == {"us-presence", "security-cooperation"}
    assert [
        r["run"]
        for r in json.loads(
            invoke("runs", "list", "--model", "median", "--json", "--store", sqlite_url).stdout
        )
    ] == [b]
    table = invoke("runs", "list", "--store", sqlite_url)
    assert a in table.stdout and b in table.stdout
    shown = invoke("runs", "show", a, "--json", "--store", sqlite_url)
    assert shown.stdout == first.stdout  # exactly as the command printed it
    human = invoke("runs", "show", b[:5], "--store", sqlite_url)
    assert human.exit_code == 0 and "forecast" in human.stdout and "median" in human.stdout


@pytest.mark.parametrize(
    "command",
    [
        ["forecast", "iraq-2024", "-m", "eum", "--lang", "ar"],
        ["simulate", "iraq-2024", "--runs", "20"],
        ["pivotal", "iraq-2024"],
        ["shocks", "iraq-2024"],
        ["whatif", "iraq-2024", "--issue", "us-presence", "--band", "token-presence"],
        ["whatif", "iraq-2024", "--issue", "us-presence", "--band", "full-withdrawal"],
    ],
    ids=lambda c: "-".join(c[:1] + c[-1:]),
)
def test_show_prints_the_result_as_the_command_did(command: list[str], sqlite_url: str) -> None:
    original = invoke(*command, "--store", sqlite_url)
    run_id = saved_id(original)
    lang = ["--lang", "ar"] if "ar" in command else []
    shown = invoke("runs", "show", run_id, *lang, "--store", sqlite_url)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.endswith(original.stdout) and len(shown.stdout) > len(original.stdout)
    assert run_id in shown.stdout.splitlines()[0]


def test_show_prints_a_backtest_as_it_did(deu: Path, sqlite_url: str) -> None:
    original = invoke("backtest", str(deu), "-m", "median", "--draws", "20", "--store", sqlite_url)
    shown = invoke("runs", "show", saved_id(original), "--store", sqlite_url)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.endswith(original.stdout)


def test_list_since_a_date(sqlite_url: str) -> None:
    saved_id(invoke("forecast", "iraq-2024", "--store", sqlite_url))
    later = invoke("runs", "list", "--since", "2999-01-01", "--json", "--store", sqlite_url)
    assert json.loads(later.stdout) == []
    bad = invoke("runs", "list", "--since", "yesterday", "--store", sqlite_url)
    assert bad.exit_code == 2 and "--since" in bad.stderr


def test_diff_names_forecasts_parameters_and_scenario_values(
    sqlite_url: str, tmp_path: Path
) -> None:
    scenario = tawazun.load("iraq-2024")
    path = tawazun.save(scenario, tmp_path / "iraq.yaml")
    a = saved_id(invoke("forecast", str(path), "-m", "eum", "--store", sqlite_url))
    actor = scenario.actors[0]
    stance = actor.stances["us-presence"]
    changed = scenario.model_copy(
        update={
            "actors": [
                actor.model_copy(
                    update={
                        "stances": actor.stances
                        | {"us-presence": stance.model_copy(update={"salience": 5.0})}
                    }
                ),
                *scenario.actors[1:],
            ]
        }
    )
    tawazun.save(changed, path)
    b = saved_id(
        invoke("forecast", str(path), "-m", "eum", "-p", "rounds=3", "--store", sqlite_url)
    )
    result = invoke("runs", "diff", a, b, "--json", "--store", sqlite_url)
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    rows = {row["issue"]: row for row in found["forecasts"]}
    first = rows["us-presence"]
    assert first["difference"] == pytest.approx(first["forecast_b"] - first["forecast_a"])
    assert {"name": "eum.rounds", "a": 10, "b": 3} in found["parameters"]
    assert found["scenario"] == [
        {
            "actor": actor.id,
            "issue": "us-presence",
            "field": "salience",
            "old": stance.salience,
            "new": 5.0,
        }
    ]
    table = invoke("runs", "diff", a, b, "--store", sqlite_url)
    assert "eum.rounds" in table.stdout and "salience" in table.stdout


def test_export_writes_tables_an_analyst_opens(sqlite_url: str, tmp_path: Path) -> None:
    forecast = saved_id(invoke("forecast", "iraq-2024", "-m", "eum", "--store", sqlite_url))
    simulation = saved_id(invoke("simulate", "iraq-2024", "--runs", "20", "--store", sqlite_url))
    book = tmp_path / "result.xlsx"
    assert (
        invoke("runs", "export", forecast, "--to", str(book), "--store", sqlite_url).exit_code == 0
    )
    sheets = load_workbook(book, read_only=True).sheetnames
    assert sheets[:3] == ["run", "parameters", "forecasts"] and "trajectories" in sheets
    table = tmp_path / "sim.csv"
    result = invoke("runs", "export", simulation, "--to", str(table), "--store", sqlite_url)
    assert result.exit_code == 0, result.output
    with table.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["issue"] for row in rows} == {"us-presence", "security-cooperation"}
    with (tmp_path / "sim-probabilities.csv").open(encoding="utf-8") as handle:
        shares = [float(row["probability"]) for row in csv.DictReader(handle)]
    assert sum(shares) == pytest.approx(2.0)  # each issue's bands add up to one
    record = tmp_path / "run.json"
    assert (
        invoke("runs", "export", forecast, "--to", str(record), "--store", sqlite_url).exit_code
        == 0
    )
    written = json.loads(record.read_text(encoding="utf-8"))
    assert written["run"] == forecast and written["result"]["model"] == "eum"
    assert tawazun.Scenario.model_validate(written["scenario"]) == tawazun.load("iraq-2024")
    wrong = invoke(
        "runs", "export", forecast, "--to", str(tmp_path / "r.pdf"), "--store", sqlite_url
    )
    assert wrong.exit_code == 2 and ".xlsx" in wrong.stderr


def test_export_writes_formula_like_text_as_text(sqlite_url: str, tmp_path: Path) -> None:
    scenario = one_issue([0, 50, 90], [1, 1, 1], [2, 1, 1])
    issue = scenario.issues[0]
    hostile = issue.model_copy(
        update={
            "bands": [
                b.model_copy(
                    update={"label": b.label.model_copy(update={"en": '=HYPERLINK("http://x")'})}
                )
                for b in issue.bands
            ]
        }
    )
    scenario = scenario.model_copy(update={"issues": [hostile]})
    with store.open(sqlite_url) as runs:
        run = runs.save(scenario.forecast(), scenario)
    book = tmp_path / "r.xlsx"
    assert invoke("runs", "export", run.id, "--to", str(book), "--store", sqlite_url).exit_code == 0
    sheet = load_workbook(book)["forecasts"]
    column = [cell.value for cell in sheet[1]].index("band_label")
    cells = [row[column] for row in sheet.iter_rows(min_row=2)]
    assert cells and all(cell.value.startswith("'=") for cell in cells)
    assert all(cell.data_type == "s" for cell in cells)


def test_rerun_says_identical_and_notices_a_difference(sqlite_url: str) -> None:
    run_id = saved_id(invoke("simulate", "iraq-2024", "--runs", "20", "--store", sqlite_url))
    result = invoke("runs", "rerun", run_id, "--store", sqlite_url)
    assert result.exit_code == 0 and "identical" in result.stdout, result.output
    with store.open(sqlite_url) as runs:
        run = runs.get(run_id)
        document = run.document
        document["issues"][0]["baseline"]["forecast"] += 1.0
        tampered = runs.save(
            document,
            run.source,
            command="simulate",
            model=run.model,
            parameters=run.parameters,
            options=run.options,
        )
    result = invoke("runs", "rerun", tampered.id, "--save", "--store", sqlite_url)
    assert result.exit_code == 1 and "differs" in result.stdout
    assert "us-presence" in result.stdout
    new = SAVED.search(result.stderr).group(1)
    with store.open(sqlite_url) as runs:
        assert runs.get(new).note == f"rerun of {tampered.id}"


def test_label_and_delete(sqlite_url: str) -> None:
    run_id = saved_id(invoke("forecast", "iraq-2024", "--store", sqlite_url))
    labelled = invoke(
        "runs", "label", run_id, "for the report", "--note", "v2", "--store", sqlite_url
    )
    assert labelled.exit_code == 0
    with store.open(sqlite_url) as runs:
        assert (runs.get(run_id).label, runs.get(run_id).note) == ("for the report", "v2")
    refused = invoke("runs", "delete", run_id, "--store", sqlite_url)  # stdin is no terminal
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert invoke("runs", "delete", run_id, "--yes", "--store", sqlite_url).exit_code == 0
    gone = invoke("runs", "show", run_id, "--store", sqlite_url)
    assert gone.exit_code == 2 and f"no run {run_id}" in gone.stderr


def test_a_bad_input_saves_no_run(sqlite_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n")
    result = invoke("forecast", str(bad), "--store", sqlite_url)
    assert result.exit_code == 2
    with store.open(sqlite_url) as runs:
        assert runs.runs().empty


def test_user_text_is_printed_as_text(sqlite_url: str) -> None:
    hostile = "[red]loud[/] \x1b]0;retitled\x07 [link=http://x]click[/link]"
    run_id = saved_id(
        invoke(
            "forecast", "iraq-2024", "--store", sqlite_url, "--label", hostile, "--note", hostile
        )
    )
    for arguments in (["list"], ["show", run_id]):
        result = invoke("runs", *arguments, "--store", sqlite_url)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout
        assert "[red]" in result.stdout  # markup shown, not read (nor a crash)


def test_a_run_that_cannot_be_saved_is_still_printed(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise store.StoreError("sqlite:///x", "cannot save the run: database is locked")

    monkeypatch.setattr(store.Store, "save", refuse)
    result = invoke("forecast", "iraq-2024", "--json", "--store", sqlite_url)
    assert result.exit_code == 2
    assert json.loads(result.stdout)["scenario"] == "iraq-2024"
    assert result.stderr.strip() == "sqlite:///x: store: cannot save the run: database is locked"
