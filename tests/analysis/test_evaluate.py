"""The one place analyses run a model: batched and variant-by-variant routes agree."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tawazun.analysis.evaluate import forecasts, run_one
from tawazun.analysis.uncertainty import draw, plan_of
from tawazun.analysis.values import get, put
from tawazun.models import get_model
from tawazun.scenario import Scenario, SemanticError

from .conftest import scenario_with, small_raw

CLOSED_FORM = ["compromise", "median"]


def one_by_one(spec, batch) -> np.ndarray:
    return np.array([run_one(spec, batch.variant(b), {}) for b in range(batch.batch)])


@pytest.mark.parametrize("model", CLOSED_FORM)
def test_batched_models_equal_the_models_on_random_variants(small, model):
    spec = get_model(model)
    batch = draw(plan_of(small), small.arrays(), 4, 0, 300)
    np.testing.assert_array_equal(forecasts(spec, batch, {}), one_by_one(spec, batch))


@pytest.mark.parametrize("model", CLOSED_FORM)
def test_a_model_without_a_batched_form_runs_variant_by_variant(small, model):
    spec = get_model(model)
    plain = dataclasses.replace(spec, batch=None)
    batch = draw(plan_of(small), small.arrays(), 5, 0, 40)
    np.testing.assert_array_equal(forecasts(plain, batch, {}), forecasts(spec, batch, {}))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 4), min_size=5, max_size=5),
    st.lists(st.integers(0, 3), min_size=5, max_size=5),
    st.lists(st.integers(0, 3), min_size=5, max_size=5),
)
def test_batched_median_settles_ties_like_the_model(positions, saliences, capabilities):
    # Few distinct small integers make equal positions and exact half-weight ties common.
    raw = small_raw()
    for actor, x, s, c in zip(raw["actors"], positions, saliences, capabilities, strict=True):
        actor["capability"] = c
        actor["stances"]["presence"] = {"position": 25 * x, "salience": 25 * s}
    try:
        scenario = Scenario.model_validate(raw)
    except SemanticError:
        return  # everybody's weight is 0: not a scenario
    batch = scenario.arrays().repeat(1)
    spec = get_model("median")
    np.testing.assert_array_equal(forecasts(spec, batch, {}), one_by_one(spec, batch))
    assert forecasts(spec, batch, {})[0, 0] == scenario.forecast("median")["presence"].forecast


def test_variants_where_nobody_has_weight_give_nan_not_an_error(small):
    batch = small.arrays().repeat(2)
    batch.capability[1] = 0.0
    for model in CLOSED_FORM:
        spec = get_model(model)
        fast = forecasts(spec, batch, {})
        slow = one_by_one(spec, batch)
        assert np.isfinite(fast[0]).all() and np.isnan(fast[1]).all()
        np.testing.assert_array_equal(np.isnan(fast), np.isnan(slow))


def test_changed_numbers_forecast_like_a_scenario_holding_them(small):
    batch = small.arrays().repeat(1)
    c, presence = 2, 0
    put(batch, "position", c, presence, 33.0, variant=0)
    put(batch, "salience", c, presence, 12.0, variant=0)
    put(batch, "capability", c, -1, 7.0, variant=0)
    assert get(batch, "salience", c, presence, variant=0) == 12.0
    rebuilt = scenario_with(small, batch.variant(0))
    actor = rebuilt.actor("c")
    assert (actor.capability, actor.stances["presence"].position) == (7.0, 33.0)
    assert actor.stances["presence"].salience == 12.0
    assert small.actor("c").capability == 40  # the original is untouched
    for model in CLOSED_FORM:
        expected = [f.forecast for f in rebuilt.forecast(model).issues]
        np.testing.assert_array_equal(forecasts(get_model(model), batch, {})[0], expected)
