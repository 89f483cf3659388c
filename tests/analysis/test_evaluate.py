"""The batch forecasts of the closed-form models equal the models run one variant at a time."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tawazun.analysis.evaluate import VECTORIZED, forecasts, run_one
from tawazun.analysis.uncertainty import draw, plan_of
from tawazun.analysis.values import Values, values_of, with_values
from tawazun.scenario import Scenario, SemanticError

from .conftest import small_raw


def one_by_one(scenario: Scenario, model: str, batch: Values) -> np.ndarray:
    return np.array(
        [
            run_one(with_values(scenario, batch.take(b)), model, {})
            for b in range(len(batch.capability))
        ]
    )


@pytest.mark.parametrize("model", sorted(VECTORIZED))
def test_vectorized_models_equal_the_models_on_random_variants(small, model):
    batch = draw(plan_of(small), values_of(small), 4, 0, 300)
    np.testing.assert_allclose(
        forecasts(small, model, {}, batch), one_by_one(small, model, batch), rtol=1e-12, atol=1e-12
    )


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 4), min_size=5, max_size=5),
    st.lists(st.integers(0, 3), min_size=5, max_size=5),
    st.lists(st.integers(0, 3), min_size=5, max_size=5),
)
def test_vectorized_median_settles_ties_like_the_model(positions, saliences, capabilities):
    # Few distinct small integers make equal positions and exact half-weight ties common.
    raw = small_raw()
    for actor, x, s, c in zip(raw["actors"], positions, saliences, capabilities, strict=True):
        actor["capability"] = c
        actor["stances"]["presence"] = {"position": 25 * x, "salience": 25 * s}
    try:
        scenario = Scenario.model_validate(raw)
    except SemanticError:
        return  # everybody's weight is 0: not a scenario
    batch = values_of(scenario).repeat(1)
    np.testing.assert_array_equal(
        forecasts(scenario, "median", {}, batch), one_by_one(scenario, "median", batch)
    )


def test_variants_where_nobody_has_weight_give_nan_not_an_error(small):
    batch = values_of(small).repeat(2)
    batch.capability[1] = 0.0
    for model in VECTORIZED:
        fast = forecasts(small, model, {}, batch)
        slow = one_by_one(small, model, batch)
        assert np.isfinite(fast[0]).all() and np.isnan(fast[1]).all()
        np.testing.assert_array_equal(np.isnan(fast), np.isnan(slow))


def test_with_values_rebuilds_the_same_scenario_numbers(small):
    values = values_of(small)
    rebuilt = with_values(small, values)
    assert rebuilt == small
    changed = values.repeat(1)
    changed.position[0, 2, 0] = 33.0
    changed.salience[0, 2, 0] = 12.0
    changed.capability[0, 2] = 7.0
    actor = with_values(small, changed.take(0)).actor("c")
    assert (actor.capability, actor.stances["presence"].position) == (7.0, 33.0)
    assert actor.stances["presence"].salience == 12.0
    assert small.actor("c").capability == 40  # the original is untouched
