"""Calibrated forecast distributions: conformal residuals, scores, nothing seeing its outcome."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from tawazun.models import available
from tawazun.validation import calibration as cal
from tawazun.validation.backtest import backtest
from tawazun.validation.calibration_backtest import (
    CLIMATOLOGY,
    STACK,
    check,
    convex_lad_weights,
    stacked_forecasts,
    third_of,
)
from tawazun.validation.deu import DeuData


# -- the pieces ---------------------------------------------------------------------------------
def test_spread_is_the_weighted_standard_deviation_on_0_100() -> None:
    # Positions 0 and 10 on a 0-10 scale, equal weights: sd 5 of 10 = 50 points.
    assert cal.spread(np.array([0.0, 10.0]), np.array([1.0, 1.0]), 0, 10) == pytest.approx(50)
    # Weights 3:1 at 0 and 100: mean 25, variance 0.75 * 625 + 0.25 * 5625 = 1875.
    value = cal.spread(np.array([0.0, 100.0]), np.array([3.0, 1.0]), 0, 100)
    assert value == pytest.approx(np.sqrt(1875))
    assert cal.spread(np.array([5.0]), np.array([0.0]), 0, 10) == 0


def test_fit_standardises_residuals_by_a_scale_growing_with_spread() -> None:
    rng = np.random.default_rng(0)
    spread = rng.uniform(5, 40, 400)
    forecast = rng.uniform(20, 80, 400)
    outcome = forecast + spread * rng.choice([-1.0, 1.0], 400)  # |residual| = spread exactly
    calibration = cal.fit("toy", forecast, outcome, spread)
    assert calibration.intercept == pytest.approx(0, abs=1e-9)
    assert calibration.slope == pytest.approx(1)
    assert np.allclose(np.abs(calibration.errors), 1)
    assert (np.diff(calibration.errors) >= 0).all()


def test_a_scale_shrinking_with_disagreement_is_kept_constant() -> None:
    spread = np.array([10.0, 20.0, 30.0, 40.0])
    forecast = np.full(4, 50.0)
    outcome = forecast + np.array([8.0, -6.0, 4.0, -2.0])
    calibration = cal.fit("toy", forecast, outcome, spread)
    assert calibration.slope == 0 and calibration.intercept == pytest.approx(5)


def test_sample_is_clipped_to_the_scale_and_rescaled() -> None:
    calibration = cal.Calibration("toy", np.array([-3.0, 0.0, 3.0]), intercept=10.0, slope=0.0)
    # Scale 0-10: sigma 10 points of 100 is 1 unit; forecast 8 +- 3 units, clipped at 10.
    assert cal.Calibration.sample(calibration, 8.0, 0.0, 0, 10).tolist() == [5.0, 8.0, 10.0]
    # Forecast draws combine with every residual.
    values = calibration.sample(np.array([4.0, 6.0, np.nan]), 0.0, 0, 10)
    assert sorted(values.tolist()) == [1.0, 3.0, 4.0, 6.0, 7.0, 9.0]


def test_band_shares_follow_the_scenarios_band_rule() -> None:
    sample = np.array([0.0, 10.0, 10.0, 35.0, 64.9, 100.0])
    shares = cal.band_shares(sample, [0, 10, 35], [10, 35, 100])
    # 10 belongs to the band starting there; 100 to the last band (closed).
    assert shares.tolist() == pytest.approx([1 / 6, 2 / 6, 3 / 6])


def test_conformal_intervals_cover_at_their_nominal_rate() -> None:
    rng = np.random.default_rng(1)
    residual = rng.standard_t(3, size=(200, 50)) * 10  # 200 trials of 50 exchangeable issues
    hits = {level: 0 for level in cal.LEVELS}
    for trial in residual:
        calibration = cal.fit("toy", np.zeros(49), trial[:49], np.zeros(49))
        sample = calibration.sample(0.0, 0.0, -50, 50)  # a 100-point scale: no rescaling
        for level in cal.LEVELS:
            low, high = cal.interval(sample, level, len(calibration.errors))
            hits[level] += low <= trial[49] <= high
    for level, count in hits.items():
        assert abs(count / 200 - level) < 0.08, (level, count)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(0, 100), min_size=1, max_size=12),
    st.floats(0, 100),
)
def test_crps_matches_its_integral_definition(values: list[float], outcome: float) -> None:
    sample = np.sort(np.array(values))

    def squared_gap(x: float) -> float:
        return (float((sample <= x).mean()) - float(outcome <= x)) ** 2

    points = sorted({*values, outcome, -1.0, 101.0})
    expected = sum(
        integrate.quad(squared_gap, a, b)[0] for a, b in zip(points, points[1:], strict=False)
    )
    assert cal.crps(sample, outcome) == pytest.approx(expected, abs=1e-6)


def test_crps_of_a_point_is_its_absolute_error() -> None:
    assert cal.crps(np.array([30.0]), 42.0) == pytest.approx(12)


def test_pit_is_uniform_when_outcomes_follow_the_forecast() -> None:
    rng = np.random.default_rng(2)
    # A distribution with an atom at 0 (as DEU outcomes have at the scale's ends).
    sample = np.sort(np.r_[np.zeros(300), rng.uniform(0, 100, 700)])
    outcomes = rng.choice(sample, 2000)
    pit = np.array(
        [
            cal.randomised_pit(sample, y, u)
            for y, u in zip(outcomes, rng.uniform(size=2000), strict=True)
        ]
    )
    assert cal.uniformity(pit)["p_value"] > 0.01
    biased = np.array([cal.randomised_pit(sample + 20, y, 0.5) for y in outcomes])
    assert cal.uniformity(biased)["p_value"] < 1e-6


def test_brier_and_thirds() -> None:
    assert cal.brier(np.array([1.0, 0.0, 0.0]), 0) == 0
    assert cal.brier(np.array([0.0, 0.0, 1.0]), 0) == 2
    assert [third_of(v) for v in (0, 33.2, 100 / 3, 66.7, 100)] == [0, 0, 1, 2, 2]


def test_calibration_round_trips_through_its_document() -> None:
    calibration = cal.Calibration("toy", np.array([-1.5, 0.25, 2.0]), 3.0, 0.5, "DEU III")
    back = cal.Calibration.from_dict(calibration.to_dict())
    assert back.model == "toy" and back.source == "DEU III"
    assert back.errors.tolist() == [-1.5, 0.25, 2.0] and (back.intercept, back.slope) == (3, 0.5)


# -- the stacked ensemble -------------------------------------------------------------------------
def test_convex_weights_recover_a_mixture() -> None:
    rng = np.random.default_rng(3)
    members = rng.uniform(0, 100, (80, 3))
    outcome = members @ np.array([0.7, 0.0, 0.3])
    weights = convex_lad_weights(members, outcome)
    assert weights == pytest.approx([0.7, 0.0, 0.3], abs=1e-6)


def test_stacked_weights_and_calibration_residuals_never_see_their_fold() -> None:
    rng = np.random.default_rng(4)
    members = rng.uniform(0, 100, (60, 2))
    outcome = rng.uniform(0, 100, 60)
    fold = np.repeat(np.arange(4), 15)
    outer, inner, weights = stacked_forecasts(members, outcome, fold)
    spoiled = outcome.copy()
    spoiled[fold == 2] = 1000.0
    outer2, inner2, weights2 = stacked_forecasts(members, spoiled, fold)
    assert np.allclose(outer[fold == 2], outer2[fold == 2])
    assert np.allclose(weights[2], weights2[2])
    assert np.allclose(inner[2], inner2[2], equal_nan=True)
    assert np.isnan(inner[2][fold == 2]).all()


# -- on DEU III, a subset (the full figures are in docs/validation.md) ---------------------------
@pytest.fixture(scope="module")
def small_check(deu_data: DeuData):
    cases = deu_data.cases[:30]
    models = {name: spec for name, spec in available().items() if name in {"compromise", "median"}}
    result = backtest(cases, models, folds=5, draws=20)
    return cases, result, check(result, cases)


def test_every_forecaster_and_the_baseline_are_scored(small_check) -> None:
    cases, result, checked = small_check
    kinds = set(zip(checked.summary["forecaster"], checked.summary["kind"], strict=True))
    assert {("compromise", "calibrated"), ("median", "calibrated"), (STACK, "calibrated")} <= kinds
    assert (CLIMATOLOGY, "climatology") in kinds
    issues = len(result.forecasts)
    assert (checked.summary["issues"] == issues).all()
    for level in ("50", "80", "90"):
        assert checked.summary[f"covered_{level}"].between(0, 1).all()


def test_no_issue_is_scored_by_a_calibration_that_saw_its_outcome(small_check) -> None:
    cases, result, checked = small_check
    frame = result.forecasts
    held = frame["fold"] == 0
    spoiled = frame.copy()
    spoiled.loc[held, "outcome"] = np.where(spoiled.loc[held, "outcome"] > 50, 0.0, 100.0)
    again = check(type(result)(spoiled, result.scores, result.failures), cases)

    def widths(found):
        part = found.issues.query("forecaster == 'compromise' and fold == 0")
        return part.sort_values("issue")["width_90"].to_numpy()

    # The intervals of fold 0 were fitted without fold 0: changing its outcomes keeps them.
    assert np.allclose(widths(checked), widths(again))
    # ... while the scores, which read the outcomes, change.
    before = checked.issues.query("forecaster == 'compromise' and fold == 0")["crps"].to_numpy()
    after = again.issues.query("forecaster == 'compromise' and fold == 0")["crps"].to_numpy()
    assert not np.allclose(before, after)
