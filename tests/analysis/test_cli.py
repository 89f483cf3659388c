"""The analysis commands: JSON documents, tables, and exit status 2 on bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tawazun import io
from tawazun.cli import app
from tawazun.scenario import Scenario

from .conftest import small_raw

runner = CliRunner()


@pytest.fixture
def path(tmp_path):
    raw = small_raw(
        events=[
            {
                "id": "strike",
                "name": {"en": "Strike"},
                "date": "2024-02-02",
                "changes": [{"actor": "b", "field": "capability", "multiply": 0.5}],
            }
        ]
    )
    return str(io.save(Scenario.model_validate(raw), tmp_path / "small.yaml"))


def run_json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_simulate_json_is_reproducible_and_gives_band_probabilities(path):
    first = run_json("simulate", path, "-m", "median", "--runs", "300", "--seed", "5")
    again = run_json(
        "simulate", path, "-m", "median", "--runs", "300", "--seed", "5", "--batch", "7"
    )
    assert first["issues"] == again["issues"]
    presence = first["issues"][0]
    assert presence["runs"] == 300 and sum(presence["bands"].values()) == pytest.approx(1)
    assert set(presence["bands"]) == {"b0", "b1", "b2", "b3"}


def test_simulate_table_names_bands_and_probabilities(path):
    result = runner.invoke(app, ["simulate", path, "--runs", "50"])
    assert result.exit_code == 0
    assert "band 2" in result.stdout and "%" in result.stdout and "50 runs" in result.stdout


def test_pivotal_shocks_and_whatif_print_json_and_tables(path):
    assert run_json("pivotal", path, "-m", "median")["issues"][0]["actors"][0]["rank"] == 1
    assert run_json("shocks", path)["events"][0]["event"] == "strike"
    assert run_json("whatif", path, "--issue", "presence", "--band", "b3")["singles"]
    for args in (
        ["pivotal", path],
        ["shocks", path],
        ["whatif", path, "--issue", "presence", "--band", "b3"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "args",
    [
        ["simulate", "{path}", "--runs", "0"],
        ["simulate", "{path}", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"],
        ["simulate", "{path}", "-m", "nonesuch"],
        ["simulate", "{path}", "-p", "nonesuch=1"],
        ["pivotal", "{path}", "--step", "0"],
        ["whatif", "{path}", "--issue", "presence", "--band", "nope"],
        ["whatif", "{path}", "--issue", "nope", "--band", "b1"],
        ["shocks", "{missing}"],
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(path, tmp_path, args):
    args = [a.format(path=path, missing=tmp_path / "missing.yaml") for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.stderr.strip()


def test_shocks_on_a_scenario_without_events_exits_2(tmp_path):
    plain = io.save(Scenario.model_validate(small_raw()), tmp_path / "plain.yaml")
    result = runner.invoke(app, ["shocks", str(plain)])
    assert result.exit_code == 2 and "no events" in result.stderr
