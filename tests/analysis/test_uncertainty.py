"""Drawing variants: distributions, truncation, and streams keyed by run."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from tawazun.analysis.uncertainty import (
    NORMAL,
    TRIANGULAR,
    UNIFORM,
    Plan,
    _truncated,
    draw,
    plan_of,
    run_uniforms,
    triangular_cdf,
    triangular_ppf,
)
from tawazun.scenario import Scenario

from .conftest import small_raw


def one_slot(distribution, low, mode, high, sd=0.0, lower=0.0, upper=100.0) -> Plan:
    ints = [np.array([x]) for x in (0, 0, 0, distribution)]
    floats = [np.array([float(x)]) for x in (low, mode, high, sd, lower, upper)]
    return Plan(*ints, *floats)


def test_run_streams_are_the_children_of_seedsequence_spawn():
    children = np.random.SeedSequence(7).spawn(5)
    expected = np.array([np.random.default_rng(c).random(3) for c in children])
    np.testing.assert_array_equal(run_uniforms(7, 0, 5, 3), expected)
    np.testing.assert_array_equal(run_uniforms(7, 2, 5, 3), expected[2:])


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32), st.lists(st.integers(1, 9), min_size=1, max_size=5))
def test_draws_do_not_depend_on_how_runs_are_batched(seed, sizes):
    scenario = Scenario.model_validate(small_raw())
    plan, base = plan_of(scenario), scenario.arrays()
    whole = draw(plan, base, seed, 0, sum(sizes))
    start = 0
    for size in sizes:
        part = draw(plan, base, seed, start, start + size)
        np.testing.assert_array_equal(part.position, whole.position[start : start + size])
        np.testing.assert_array_equal(part.capability, whole.capability[start : start + size])
        start += size


@pytest.mark.parametrize(("low", "mode", "high"), [(0, 3, 10), (2, 2, 5), (-4, 1, 1)])
def test_triangular_functions_match_scipy(low, mode, high):
    x = np.linspace(low, high, 41)
    reference = stats.triang(c=(mode - low) / (high - low), loc=low, scale=high - low)
    np.testing.assert_allclose(triangular_cdf(x, low, mode, high), reference.cdf(x), atol=1e-12)
    u = np.linspace(0, 1, 41)
    np.testing.assert_allclose(triangular_ppf(u, low, mode, high), reference.ppf(u), atol=1e-9)


def _ks(sample, cdf) -> float:
    return stats.kstest(sample, cdf).pvalue


def test_truncated_triangular_follows_the_truncated_distribution():
    # Peak at 95 on 85..105, truncated to the scale 0..100: the upper 5 are cut off.
    plan = one_slot(TRIANGULAR, 85, 95, 105)
    sample = _truncated(plan, np.random.default_rng(1).random((4000, 1)))[:, 0]
    assert sample.min() >= 85 and sample.max() <= 100
    tri = stats.triang(c=0.5, loc=85, scale=20)
    cut = tri.cdf(100)
    assert _ks(sample, lambda x: tri.cdf(x) / cut) > 0.01


def test_truncated_normal_matches_scipy_truncnorm():
    plan = one_slot(NORMAL, -np.inf, 90, np.inf, sd=10)
    sample = _truncated(plan, np.random.default_rng(2).random((4000, 1)))[:, 0]
    assert sample.max() <= 100
    reference = stats.truncnorm(a=-np.inf, b=(100 - 90) / 10, loc=90, scale=10)
    assert _ks(sample, reference.cdf) > 0.01


def test_uniform_draws_cover_the_stated_range_cut_to_the_scale():
    plan = one_slot(UNIFORM, -20, 10, 30)
    sample = _truncated(plan, np.random.default_rng(3).random((4000, 1)))[:, 0]
    assert sample.min() >= 0 and sample.max() <= 30
    assert _ks(sample, stats.uniform(0, 30).cdf) > 0.01


def test_defaults_are_ten_percent_ten_points_and_twenty_percent():
    scenario = Scenario.model_validate(small_raw())
    plan = plan_of(scenario)
    half_width = (plan.high - plan.low) / 2
    for field, issue, expected in [(0, 0, 10.0), (0, 1, 0.2), (1, 0, 10.0)]:
        chosen = (plan.field == field) & (plan.issue == issue)
        np.testing.assert_allclose(half_width[chosen], expected)
    caps = plan.field == 2
    np.testing.assert_allclose(half_width[caps], 0.2 * plan.mode[caps])
    assert set(plan.distribution) == {TRIANGULAR}


def test_stated_spreads_replace_defaults_and_fixed_values_stay():
    raw = small_raw(uncertainty={"salience": {"distribution": "fixed", "spread": 0}})
    raw["actors"][1]["stances"]["presence"]["uncertainty"] = {
        "position": {"distribution": "uniform", "low": 0, "high": 30}
    }
    raw["actors"][0]["uncertainty"] = {"capability": {"distribution": "fixed"}}
    scenario = Scenario.model_validate(raw)
    plan = plan_of(scenario)
    assert not (plan.field == 1).any()
    assert not ((plan.field == 2) & (plan.actor == 0)).any()
    batch = draw(plan, scenario.arrays(), 5, 0, 500)
    b_position = batch.position[:, 1, 0]
    assert b_position.min() >= 0 and b_position.max() <= 30 and b_position.std() > 5
    np.testing.assert_array_equal(batch.capability[:, 0], 100)
    np.testing.assert_array_equal(
        batch.salience, np.repeat(scenario.arrays().salience[None], 500, 0)
    )


def test_every_draw_stays_in_its_allowed_range():
    scenario = Scenario.model_validate(
        small_raw(uncertainty={"position": {"distribution": "normal", "spread": 0.5}})
    )
    batch = draw(plan_of(scenario), scenario.arrays(), 11, 0, 2000)
    present = scenario.arrays().present
    assert (batch.position[:, present[:, 0], 0] >= 0).all()
    assert (batch.position[:, present[:, 0], 0] <= 100).all()
    assert (np.abs(batch.position[:, present[:, 1], 1]) <= 1).all()
    assert ((batch.salience >= 0) & (batch.salience <= 1)).all()  # 0-1 in the arrays
    assert (batch.capability >= 0).all()
