"""The command line, as a user calls it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import tawazun
from tawazun.cli import app
from tests.factories import one_issue

runner = CliRunner()


def scenario_file(tmp_path: Path) -> Path:
    return tawazun.save(one_issue([0, 90], [1, 1], [2, 1]), tmp_path / "s.yaml")


def test_forecast_json_document(tmp_path: Path) -> None:
    result = runner.invoke(app, ["forecast", str(scenario_file(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["scenario"] == "test" and document["model"] == "compromise"
    [issue] = document["issues"]
    assert issue["issue"] == "x" and abs(issue["forecast"] - 30) < 1e-9
    assert issue["band"] == "low"


def test_forecast_table_names_forecast_band_and_actors(tmp_path: Path) -> None:
    result = runner.invoke(app, ["forecast", str(scenario_file(tmp_path)), "-m", "median"])
    assert result.exit_code == 0, result.output
    assert "forecast 0.0" in result.stdout and "Low" in result.stdout
    assert "A0" in result.stdout and "A1" in result.stdout
    # ids in brackets are printed, not read as Rich markup tags
    assert "[x]" in result.stdout and "[low]" in result.stdout


def test_arabic_labels_on_request(tmp_path: Path) -> None:
    result = runner.invoke(app, ["forecast", str(scenario_file(tmp_path)), "--lang", "ar"])
    assert result.exit_code == 0 and "منخفض" in result.stdout
    assert "[x]" in result.stdout.replace("\u2068", "").replace("\u2069", "")


def test_unknown_model_and_parameter_are_usage_errors(tmp_path: Path) -> None:
    path = str(scenario_file(tmp_path))
    unknown = runner.invoke(app, ["forecast", path, "-m", "oracle"])
    assert unknown.exit_code == 2 and "models are" in unknown.stderr
    bad = runner.invoke(app, ["forecast", path, "-p", "rounds=3"])
    assert bad.exit_code == 2 and "rounds" in bad.stderr
    malformed = runner.invoke(app, ["forecast", path, "-p", "rounds"])
    assert malformed.exit_code == 2 and "NAME=VALUE" in malformed.stderr


def test_models_lists_every_registered_model() -> None:
    result = runner.invoke(app, ["models", "--json"])
    assert result.exit_code == 0
    assert {m["name"] for m in json.loads(result.stdout)} == set(tawazun.models())


def test_show_and_validate(tmp_path: Path) -> None:
    path = str(scenario_file(tmp_path))
    shown = runner.invoke(app, ["show", path])
    assert shown.exit_code == 0 and "Middle" in shown.stdout
    checked = runner.invoke(app, ["validate", path])
    assert checked.exit_code == 0 and "2 actors, 1 issue" in checked.stdout


def test_api_frames(tmp_path: Path) -> None:
    scenario = tawazun.load(scenario_file(tmp_path))
    frame = scenario.to_frame()
    assert list(frame["actor"]) == ["a0", "a1"] and list(frame["position"]) == [0, 90]
    assert scenario.forecast("compromise").to_frame().loc["x", "band"] == "low"


def test_parameters_are_read_as_the_types_the_model_declares(tmp_path: Path) -> None:
    path = str(scenario_file(tmp_path))
    ok = runner.invoke(app, ["forecast", path, "-m", "eum", "-p", "tolerance=1e-6", "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["parameters"]["tolerance"] == 1e-6
    for bad, words in [
        ("rounds=abc", "is not a whole number"),
        ("rounds=1.5", "is not a whole number"),
        ("q=abc", "is not a number"),
        ("q=nan", "finite"),
        ("rounds=-1", "eum: -p rounds: must be at least 0 (got -1)"),
    ]:
        result = runner.invoke(app, ["forecast", path, "-m", "eum", "-p", bad])
        assert result.exit_code == 2, (bad, result.output)
        assert words in result.stderr and "Traceback" not in result.output


def test_folders_and_unwritable_targets_are_reported_not_raised(tmp_path: Path) -> None:
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    source = str(scenario_file(tmp_path))
    cases = [
        (["validate", str(folder)], "is a folder"),
        (["convert", source, str(tmp_path / "missing" / "out.yaml")], "cannot be written"),
        (["convert", source, str(folder)], "is a folder"),
        (["convert", source, str(tmp_path / "out.xml")], "writes no '.xml' files"),
    ]
    for arguments, words in cases:
        result = runner.invoke(app, arguments)
        assert result.exit_code == 2, (arguments, result.output)
        assert words in result.stderr
