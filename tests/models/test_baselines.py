"""The compromise (weighted mean) and median models: analytic cases and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tawazun.errors import InvalidArgument
from tawazun.models import get_model
from tawazun.scenario import Scenario
from tawazun.stats import weighted_mean, weighted_median
from tests.factories import one_issue, one_issue_scenarios

MODELS = ["compromise", "median"]


def test_weighted_mean_by_hand() -> None:
    # (2*1*0 + 1*1*90) / (2 + 1) = 30
    scenario = one_issue([0, 90], [1, 1], [2, 1])
    assert scenario.forecast("compromise")["x"].forecast == pytest.approx(30)
    assert scenario.forecast("compromise")["x"].band == "low"


def test_salience_weighs_like_capability() -> None:
    # weights 1*0.25 and 1*0.75: 0.25*20 + 0.75*60 = 50
    scenario = one_issue([20, 60], [0.25, 0.75], [1, 1])
    assert scenario.forecast("compromise")["x"].forecast == pytest.approx(50)


def test_weighted_median_picks_the_position_holding_half_the_weight() -> None:
    scenario = one_issue([10, 50, 90], [1, 1, 1], [1, 1, 3])
    assert scenario.forecast("median")["x"].forecast == 90
    scenario = one_issue([10, 50, 90], [1, 1, 1], [2, 2, 3])
    assert scenario.forecast("median")["x"].forecast == 50


def test_weighted_median_splits_an_exact_tie() -> None:
    assert weighted_median(np.array([0.0, 100.0]), np.array([1.0, 1.0])) == 50
    assert weighted_median(np.array([30.0, 30.0, 70.0]), np.array([1.0, 1.0, 2.0])) == 50


def test_zero_weight_everywhere_is_an_error_not_a_nan() -> None:
    # the statistics give NaN (a batch of variants goes on); a model refuses such a table
    for statistic in (weighted_mean, weighted_median):
        assert np.isnan(statistic(np.array([1.0, 2.0]), np.array([0.0, 0.0])))
    arrays = one_issue([10, 90], [1, 1], [1, 1]).arrays()
    nobody = arrays.with_numbers(capability=np.zeros(2))
    for model in MODELS:
        with pytest.raises(InvalidArgument, match="positive weight"):
            get_model(model).run(nobody)


def test_salience_on_0_100_gives_the_same_forecast() -> None:
    unit = one_issue([0, 90], [0.5, 1], [2, 1])
    percent = Scenario.model_validate(
        {**unit.model_dump(), "salience_scale": 100}
        | {
            "actors": [
                {
                    **a.model_dump(),
                    "stances": {
                        "x": {
                            "position": a.stances["x"].position,
                            "salience": a.stances["x"].salience * 100,
                        }
                    },
                }
                for a in unit.actors
            ]
        }
    )
    for model in MODELS:
        assert percent.forecast(model)["x"].forecast == pytest.approx(
            unit.forecast(model)["x"].forecast
        )


@pytest.mark.parametrize("model", MODELS)
@settings(max_examples=60, deadline=None)
@given(scenario=one_issue_scenarios())
def test_forecast_stays_within_the_actors_range(model: str, scenario: Scenario) -> None:
    positions = [a.stances["x"].position for a in scenario.actors]
    value = scenario.forecast(model)["x"].forecast
    assert min(positions) - 1e-9 <= value <= max(positions) + 1e-9


@pytest.mark.parametrize("model", MODELS)
@settings(max_examples=60, deadline=None)
@given(scenario=one_issue_scenarios(min_actors=2), data=st.data())
def test_actor_order_does_not_matter(model: str, scenario: Scenario, data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(scenario.actors))
    reordered = scenario.model_copy(update={"actors": list(shuffled)})
    assert reordered.forecast(model)["x"].forecast == pytest.approx(
        scenario.forecast(model)["x"].forecast, rel=1e-12, abs=1e-9
    )


@pytest.mark.parametrize("model", MODELS)
@settings(max_examples=60, deadline=None)
@given(scenario=one_issue_scenarios(), factor=st.floats(1e-3, 1e3))
def test_scaling_every_capability_changes_nothing(
    model: str, scenario: Scenario, factor: float
) -> None:
    scaled = scenario.model_copy(
        update={
            "actors": [
                a.model_copy(update={"capability": a.capability * factor}) for a in scenario.actors
            ]
        }
    )
    assert scaled.forecast(model)["x"].forecast == pytest.approx(
        scenario.forecast(model)["x"].forecast, rel=1e-9, abs=1e-9
    )


@pytest.mark.parametrize("model", MODELS)
@settings(max_examples=60, deadline=None)
@given(scenario=one_issue_scenarios(), position=st.floats(0, 100), capability=st.floats(0, 1e3))
def test_an_actor_with_zero_salience_has_no_effect(
    model: str, scenario: Scenario, position: float, capability: float
) -> None:
    bystander = {
        "id": "bystander",
        "name": {"en": "Bystander"},
        "capability": capability,
        "stances": {"x": {"position": position, "salience": 0}},
    }
    joined = Scenario.model_validate(
        {**scenario.model_dump(), "actors": [*scenario.model_dump()["actors"], bystander]}
    )
    assert joined.forecast(model)["x"].forecast == pytest.approx(
        scenario.forecast(model)["x"].forecast, rel=1e-12, abs=1e-9
    )
