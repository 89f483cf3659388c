"""The back-test harness: metrics, bootstrap, folds, failures, and the published table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tawazun.arrays import ScenarioArrays
from tawazun.cli import app
from tawazun.errors import InvalidArgument
from tawazun.models import ModelSpec, get_model
from tawazun.result import Result, issue_forecast
from tawazun.scenario import Scenario
from tawazun.stats import weighted_median as repeated_median
from tawazun.validation.backtest import (
    COMPARATOR,
    backtest,
    bootstrap_counts,
    cross_validated_choice,
    mean_absolute_error,
    model_forecasts,
    proposal_folds,
    root_mean_squared_error,
    share_within,
)
from tawazun.validation.deu import Case, DeuData


# -- metrics on a case worked by hand -----------------------------------------------------------
def test_metrics_on_a_tiny_case() -> None:
    errors = np.array([0.0, 10.0, 20.0, 30.0])
    ones = np.ones(4)
    assert mean_absolute_error(errors, ones) == 15
    assert root_mean_squared_error(errors, ones) == pytest.approx(np.sqrt(350))
    assert repeated_median(errors, ones) == 15
    assert share_within(errors, ones) == 0.5
    # Repeat counts: 0 twice, 20 once -> the sample {0, 0, 20}.
    counts = np.array([2.0, 0.0, 1.0, 0.0])
    assert mean_absolute_error(errors, counts) == pytest.approx(20 / 3)
    assert repeated_median(errors, counts) == 0
    assert share_within(errors, counts) == pytest.approx(2 / 3)


def test_repeated_median_matches_numpy_on_repeats() -> None:
    rng = np.random.default_rng(3)
    values = rng.uniform(0, 100, 9)
    counts = rng.integers(0, 4, size=(20, 9))
    counts[:, 0] += 1
    for row in counts:
        assert repeated_median(values, row) == pytest.approx(np.median(np.repeat(values, row)))


def test_bootstrap_keeps_proposals_whole() -> None:
    groups = np.array(["a", "a", "b", "c", "c", "c"])
    counts = bootstrap_counts(groups, draws=200, seed=1)
    assert counts.shape == (200, 6)
    assert (counts[:, 0] == counts[:, 1]).all()
    assert (counts[:, 3] == counts[:, 4]).all() and (counts[:, 4] == counts[:, 5]).all()
    # Each draw picks three proposals.
    assert (counts[:, [0, 2, 3]].sum(1) == 3).all()
    assert (bootstrap_counts(groups, 200, 1) == counts).all()


# -- folds --------------------------------------------------------------------------------------
def test_folds_separate_proposals() -> None:
    proposals = [f"p{k}" for k in range(23) for _ in range(k % 3 + 1)]
    folds = proposal_folds(proposals, 5, seed=7)
    assert set(folds) == set(proposals)
    sizes = np.bincount(list(folds.values()))
    assert sizes.max() - sizes.min() <= 1
    fold = np.array([folds[p] for p in proposals])
    for k in range(5):
        train = {p for p, f in zip(proposals, fold, strict=True) if f != k}
        test = {p for p, f in zip(proposals, fold, strict=True) if f == k}
        assert not train & test
    with pytest.raises(InvalidArgument):
        proposal_folds(proposals, 1, seed=0)


def test_choice_for_a_fold_ignores_that_fold() -> None:
    rng = np.random.default_rng(0)
    fold = np.repeat(np.arange(4), 5)
    errors = rng.uniform(0, 50, size=(3, 20))
    _, chosen = cross_validated_choice(errors, fold)
    for k in range(4):
        spoiled = errors.copy()
        spoiled[:, fold == k] = rng.uniform(0, 1000, size=(3, 5))
        assert cross_validated_choice(spoiled, fold)[1][k] == chosen[k]
        train = fold != k
        assert chosen[k] == int(np.argmin(errors[:, train].mean(1)))


def _toy_spec(tuned: dict[str, tuple[float, ...]] | None = None) -> ModelSpec:
    """A model forecasting ``shift`` plus the scale minimum; fails where an actor is at 33."""

    def run(arrays: ScenarioArrays, shift: float = 0.0) -> Result:
        if (arrays.position == 33).any():
            raise InvalidArgument("toy", "position", "an actor sits at 33")
        forecasts = [
            issue_forecast(arrays, issue_id, low + shift)
            for issue_id, low in zip(arrays.issue_ids, arrays.scale_min, strict=True)
        ]
        return Result(scenario=arrays.scenario_id, model="toy", issues=forecasts)

    return ModelSpec(name="toy", summary="toy", run=run, tuned=tuned or {})


def _case(proposal: str, positions: list[list[float]], outcome: list[float]) -> Case:
    issues = [{"id": f"{proposal}i{j}", "name": {"en": "x"}} for j in range(len(outcome))]
    actors = [
        {
            "id": f"a{i}",
            "name": {"en": "a"},
            "capability": 1.0,
            "stances": {
                issue["id"]: {"position": p, "salience": 1.0}
                for issue, p in zip(issues, row, strict=True)
            },
        }
        for i, row in enumerate(positions)
    ]
    scenario = Scenario.model_validate(
        {"id": proposal, "metadata": {"title": {"en": "t"}}, "issues": issues, "actors": actors}
    )
    outcomes = {issue["id"]: o for issue, o in zip(issues, outcome, strict=True)}
    return Case(proposal, scenario, outcomes, "COD", "QMV")


def test_failing_issue_is_reported_not_fatal() -> None:
    case = _case("p1", [[10, 33], [20, 40]], [15, 35])
    forecasts, failures = model_forecasts(_toy_spec(), case)
    assert forecasts == {"p1i0": 0.0}
    assert [(f.forecaster, f.issue) for f in failures] == [("toy", "p1i1")]


def test_tuned_model_is_scored_out_of_sample() -> None:
    # Outcomes 10 everywhere except one proposal at 90: the fold holding it out picks 10,
    # every other fold picks 10 too (more issues at 10), so that proposal is missed by 80.
    cases = [_case(f"p{k}", [[0, 0], [20, 20]], [10, 10]) for k in range(5)]
    cases.append(_case("p5", [[0, 0], [20, 20]], [90, 90]))
    spec = _toy_spec({"shift": (10.0, 90.0)})
    result = backtest(cases, {"toy": spec, COMPARATOR: get_model(COMPARATOR)}, folds=3, draws=50)
    frame = result.forecasts
    assert (frame["toy (CV)"] == 10).all()
    row = result.scores.query("subset == 'all' and forecaster == 'toy (CV)'").iloc[0]
    assert row["mae"] == pytest.approx(80 * 2 / 12)
    assert result.tuned["toy (CV)"] == [{"shift": 10.0}] * 3
    for k in range(3):
        test = set(frame.loc[frame["fold"] == k, "proposal"])
        train = set(frame.loc[frame["fold"] != k, "proposal"])
        assert not test & train


def test_candidates_are_compared_on_the_same_issues() -> None:
    # B fails on the hard third issue; judged on its own issues it would look better (2 < 17).
    errors = np.array([[1.0, 1.0, 50.0, 1.0, 1.0, 50.0], [2.0, 2.0, np.nan, 2.0, 2.0, np.nan]])
    fold = np.array([0, 0, 0, 1, 1, 1])
    _, chosen = cross_validated_choice(errors, fold)
    assert chosen == {0: 0, 1: 0}


def test_failures_are_recorded_for_every_grid_value() -> None:
    cases = [_case(f"p{k}", [[0, 33], [20, 20]], [10, 10]) for k in range(3)]
    spec = _toy_spec({"shift": (10.0, 90.0)})
    result = backtest(cases, {"toy": spec, COMPARATOR: get_model(COMPARATOR)}, folds=3, draws=20)
    failed = [
        (f.proposal, f.parameters["shift"]) for f in result.failures if f.forecaster == "toy (CV)"
    ]
    assert sorted(failed) == sorted((f"p{k}", s) for k in range(3) for s in (10.0, 90.0))


def test_a_failed_forecast_is_scored_as_the_midpoint() -> None:
    # The toy fails on issue i1 of every proposal (an actor at 33): the midpoint stands in.
    cases = [_case(f"p{k}", [[10, 33], [30, 40]], [20, 90]) for k in range(3)]
    models = {"toy": _toy_spec(), COMPARATOR: get_model(COMPARATOR)}
    result = backtest(cases, models, draws=20, folds=3)
    scores = result.scores.query("subset == 'all'").set_index("forecaster")
    assert scores.loc["toy", "issues"] == scores.loc[COMPARATOR, "issues"] == 6
    assert scores.loc["toy", "failed"] == 3 and scores.loc[COMPARATOR, "failed"] == 0
    # toy: 0 on i0 misses 20; the midpoint 50 on i1 misses 40.
    assert scores.loc["toy", "mae"] == pytest.approx(30)
    alone = backtest(cases, {COMPARATOR: get_model(COMPARATOR)}, draws=20, folds=3).scores
    assert alone.query("subset == 'all'")["mae"].iloc[0] == scores.loc[COMPARATOR, "mae"]


# -- DEU III ------------------------------------------------------------------------------------
def test_every_registered_model_and_baseline_is_scored(deu_data: DeuData) -> None:
    cases = deu_data.cases[:12]
    from tawazun.models import available

    result = backtest(cases, available(), folds=3, draws=20)
    scored = set(result.scores["forecaster"])
    assert set(available()) <= scored
    assert {"reference point", "scale midpoint", "Commission position"} <= scored
    compromise = result.scores.query("subset == 'all' and forecaster == @COMPARATOR").iloc[0]
    assert compromise["vs_compromise"] == 0


def test_cli_json_and_bad_input(deu: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(
        app, ["backtest", str(deu), "--model", "compromise", "--draws", "20", "--json"]
    )
    assert out.exit_code == 0, out.output
    document = json.loads(out.stdout)
    assert document["issues"] == 353 and len(document["skipped_rows"]) == 11
    assert {row["forecaster"] for row in document["scores"]} >= {"compromise", "reference point"}
    bad = runner.invoke(app, ["backtest", str(deu), "--capabilities", "gdp"])
    assert bad.exit_code == 2 and "--capabilities" in bad.stderr
    unknown = runner.invoke(app, ["backtest", str(deu), "--model", "nope"])
    assert unknown.exit_code == 2 and "no model 'nope'" in unknown.stderr
    folds = runner.invoke(app, ["backtest", str(deu), "--folds", "1"])
    assert folds.exit_code == 2
