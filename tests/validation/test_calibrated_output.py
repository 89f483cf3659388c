"""Calibrated intervals and band probabilities in forecast and simulate, and the shipped file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import tawazun
from tawazun.cli import _common, app
from tawazun.models import available, get_model
from tawazun.validation import calibration as cal
from tawazun.validation.backtest import backtest
from tawazun.validation.calibration_backtest import fit_all
from tawazun.validation.deu import DeuData

runner = CliRunner()
#: Models whose DEU run takes a second; the slower models' shipped entries are checked to
#: exist, and are refitted by ``python docs/make_validation.py``.
FAST = ("compromise", "median", "nash", "nash-sq")


def test_the_shipped_calibrations_are_what_the_code_fits_on_deu(deu_data: DeuData) -> None:
    shipped = cal.shipped()
    assert set(available()) <= set(shipped), "a registered model has no shipped calibration"
    models = {name: get_model(name) for name in FAST}
    result = backtest(deu_data.cases, models, draws=1)
    for name, fitted in fit_all(result, deu_data.cases, "").items():
        assert shipped[name].intercept == pytest.approx(fitted.intercept, rel=1e-9), name
        assert shipped[name].slope == pytest.approx(fitted.slope, rel=1e-9), name
        assert np.allclose(shipped[name].errors, fitted.errors, atol=1e-6), name


def test_forecast_json_carries_calibrated_intervals_and_the_headline() -> None:
    out = runner.invoke(app, ["forecast", "iraq-2024", "--json"])
    assert out.exit_code == 0, out.output
    issue = json.loads(out.stdout)["issues"][0]
    calibrated = issue["calibrated"]
    assert issue["headline"] == "calibrated" and calibrated["kind"] == "calibrated"
    assert "DEU III" in calibrated["calibrated_on"]
    (l50, h50), (l80, h80), (l90, h90) = (calibrated["intervals"][k] for k in ("0.5", "0.8", "0.9"))
    assert l90 <= l80 <= l50 <= issue["forecast"] <= h50 <= h80 <= h90
    assert sum(calibrated["bands"].values()) == pytest.approx(1)
    scenario = tawazun.load("iraq-2024")
    assert set(calibrated["bands"]) == {band.id for band in scenario.issues[0].bands}


def test_simulate_labels_robustness_shares_and_calibrated_probabilities(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = runner.invoke(app, ["simulate", "iraq-2024", "-n", "50", "--json"])
    assert out.exit_code == 0, out.output
    for issue in json.loads(out.stdout)["issues"]:
        assert issue["robustness_shares"] == issue["bands"]
        calibrated = issue["calibrated"]["bands"]
        # The inputs' spread alone puts every run in one band; the model's error does not.
        assert max(issue["robustness_shares"].values()) == 1
        assert max(calibrated.values()) < 0.6
    monkeypatch.setattr(_common.console, "width", 200)  # headers unwrapped
    table = runner.invoke(app, ["simulate", "iraq-2024", "-n", "50"])
    assert "calibrated probability" in table.stdout and "robustness share" in table.stdout
    assert "calibrated intervals: 50% [" in table.stdout


def test_the_headline_is_chosen_by_the_command_or_the_scenario(tmp_path: Path) -> None:
    out = runner.invoke(app, ["forecast", "iraq-2024", "--json", "--headline", "robustness"])
    assert json.loads(out.stdout)["issues"][0]["headline"] == "robustness"
    scenario = tawazun.load("iraq-2024")
    robust = scenario.model_copy(
        update={"metadata": scenario.metadata.model_copy(update={"headline": "robustness"})}
    )
    path = tawazun.save(robust, tmp_path / "robust.yaml")
    assert tawazun.load(path).metadata.headline == "robustness"
    out = runner.invoke(app, ["simulate", str(path), "-n", "20", "--json"])
    assert json.loads(out.stdout)["issues"][0]["headline"] == "robustness"
    bad = runner.invoke(app, ["forecast", "iraq-2024", "--headline", "loudest"])
    assert bad.exit_code == 2


def test_a_model_without_calibration_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cal, "shipped", lambda: {})
    scenario = tawazun.load("iraq-2024")
    found = cal.calibrated_issues(scenario, "compromise", scenario.forecast("compromise").forecasts)
    assert found == {"us-presence": None, "security-cooperation": None}


def test_backtest_saves_calibrations_and_records_the_run(deu: Path, tmp_path: Path) -> None:
    target = tmp_path / "calibration.json"
    out = runner.invoke(
        app,
        [
            "backtest",
            str(deu),
            "-m",
            "compromise",
            "--draws",
            "5",
            "--save-calibration",
            str(target),
        ],
    )
    assert out.exit_code == 0, out.output
    saved = json.loads(target.read_text(encoding="utf-8"))
    assert [entry["model"] for entry in saved["models"]] == ["compromise"]
    assert cal.Calibration.from_dict(saved["models"][0]).errors.size == 353
