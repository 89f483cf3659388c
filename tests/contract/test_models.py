"""What every registered model owes its users, checked for each one (a new model gets these
checks for free, as Axelrod's strategies get theirs).

* actor order: listing the actors in another order changes no forecast (beyond the
  ``resolution`` the model declares);
* capability scale: multiplying every capability by one factor changes no forecast;
* zero-salience bystander: an actor who cares about nothing changes no forecast;
* bounds: every forecast lies within the range of the positions stated on its issue;
* batch equals one by one: the batched form, if the model has one, gives the same doubles
  as ``run`` on each variant of a batch;
* issue by issue: a model that declares ``issue_by_issue`` gives each issue the same
  doubles on that issue's column alone.
"""

from __future__ import annotations

import numpy as np
import pytest

from tawazun.analysis.uncertainty import draw, plan_of
from tawazun.models import available
from tawazun.scenario import Scenario
from tests.factories import BANDS, from_arrays

MODELS = sorted(available())
#: Forecasts equal up to rounding: a different order of the same sums.
RTOL = 1e-9


def table(n: int = 7, m: int = 2, seed: int = 0, **change) -> Scenario:
    """``n`` actors with distinct positions on ``m`` issues (each actor's saliences sum
    below 1, as SMP's games need)."""
    rng = np.random.default_rng(seed)
    position = rng.uniform(5, 95, size=(n, m))
    salience = rng.uniform(0.1, 0.9, size=(n, m)) / m
    capability = rng.uniform(1, 10, size=n)
    return from_arrays(capability, position, salience, bands=BANDS, **change)


def forecasts(scenario: Scenario, model: str) -> np.ndarray:
    return np.array([f.forecast for f in scenario.forecast(model).issues])


def rebuilt(scenario: Scenario, **update) -> Scenario:
    return Scenario.model_validate({**scenario.model_dump(), **update})


@pytest.mark.parametrize("model", MODELS)
def test_actor_order_changes_no_forecast(model):
    scenario = table()
    reordered = rebuilt(scenario, actors=[a.model_dump() for a in reversed(scenario.actors)])
    width = scenario.arrays().scale_max - scenario.arrays().scale_min
    np.testing.assert_allclose(
        forecasts(reordered, model),
        forecasts(scenario, model),
        rtol=RTOL,
        atol=float(available()[model].resolution * width.max()),
    )


@pytest.mark.parametrize("model", MODELS)
def test_the_scale_of_capabilities_changes_no_forecast(model):
    scenario = table()
    scaled = rebuilt(
        scenario,
        actors=[a.model_dump() | {"capability": a.capability * 1000} for a in scenario.actors],
    )
    np.testing.assert_allclose(forecasts(scaled, model), forecasts(scenario, model), rtol=1e-6)


@pytest.mark.parametrize("model", MODELS)
def test_a_bystander_of_zero_salience_changes_no_forecast(model):
    scenario = table()
    median_actor = scenario.actors[3].model_dump()
    bystander = {
        **median_actor,
        "id": "bystander",
        "name": {"en": "Bystander"},
        "stances": {
            issue_id: {**stance, "salience": 0.0}
            for issue_id, stance in median_actor["stances"].items()
        },
    }
    joined = rebuilt(scenario, actors=[a.model_dump() for a in scenario.actors] + [bystander])
    np.testing.assert_allclose(forecasts(joined, model), forecasts(scenario, model), rtol=RTOL)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_forecasts_lie_within_the_stated_positions(model, seed):
    scenario = table(seed=seed)
    arrays = scenario.arrays()
    low = np.nanmin(arrays.position, axis=0)
    high = np.nanmax(arrays.position, axis=0)
    found = forecasts(scenario, model)
    assert (found >= low - 1e-9).all() and (found <= high + 1e-9).all()


@pytest.mark.parametrize("model", [m for m in MODELS if available()[m].batch is not None])
# 16 actors as well as 6: NumPy sums 8 or more terms pairwise along a contiguous axis and one
# after another along any other, so a batch laid out otherwise than one variant shows there
@pytest.mark.parametrize("n", [6, 16])
def test_the_batched_form_gives_the_doubles_of_run_one_by_one(model, n):
    spec = available()[model]
    scenario = table(n=n)
    batch = draw(plan_of(scenario), scenario.arrays(), 7, 0, 12)
    together = spec.batch(batch)
    one_by_one = np.array(
        [[f.forecast for f in spec.run(batch.variant(v)).issues] for v in range(batch.batch or 0)]
    )
    np.testing.assert_array_equal(together, one_by_one)


@pytest.mark.parametrize("model", [m for m in MODELS if available()[m].issue_by_issue])
def test_an_issue_by_issue_model_gives_an_issue_alone_the_same_doubles(model):
    spec = available()[model]
    arrays = table(n=6, m=3, seed=4).arrays()
    together = [f.forecast for f in spec.run(arrays).issues]
    alone = [spec.run(arrays.columns([j])).issues[0].forecast for j in range(3)]
    assert alone == together
