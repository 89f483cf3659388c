"""The Nash bargaining solution: cases worked by hand and the maximum a grid search finds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tawazun
from tawazun.models.nash import nash_point, worst_points
from tawazun.scenario import Scenario


def objective(x: np.ndarray, position, weight, disagreement) -> np.ndarray:
    """sum w log(gain), -inf where some actor with weight gains nothing."""
    reach = np.abs(disagreement - position)
    gain = reach**2 - (x[:, None] - position) ** 2
    keep = weight > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (weight[keep] * np.log(gain[:, keep])).sum(1)
    return np.where((gain[:, keep] > 0).all(1), value, -np.inf)


def test_worst_points_are_the_far_ends() -> None:
    assert worst_points(np.array([10.0, 50.0, 90.0]), 0, 100).tolist() == [100, 0, 0]


def test_two_equal_actors_split_the_difference() -> None:
    position = np.array([20.0, 80.0])
    value = nash_point(position, np.ones(2), worst_points(position, 0, 100), 0, 100)
    assert value == pytest.approx(50)


def test_the_weightier_actor_gets_more() -> None:
    position = np.array([20.0, 80.0])
    equal = nash_point(position, np.array([1.0, 1.0]), np.array([100.0, 0.0]), 0, 100)
    strong = nash_point(position, np.array([1.0, 3.0]), np.array([100.0, 0.0]), 0, 100)
    assert strong > equal


def test_an_actor_at_the_status_quo_keeps_it() -> None:
    position = np.array([30.0, 70.0, 100.0])
    value = nash_point(position, np.array([2.0, 1.0, 0.5]), np.full(3, 100.0), 0, 100)
    assert value == 100


def test_the_status_quo_bounds_the_solution() -> None:
    # Status quo 0: the actor at 30 gains only on (0, 60), so the solution stays below 60
    # although a weightier actor sits at 90.
    position = np.array([30.0, 90.0])
    value = nash_point(position, np.array([1.0, 5.0]), np.zeros(2), 0, 100)
    assert 30 < value < 60


#: Positions to a millionth of the scale: the kernel treats closer as equal (rounding).
POSITIONS = st.floats(0, 100).map(lambda value: round(value, 6))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(POSITIONS, st.floats(0.01, 10)), min_size=1, max_size=8),
    st.one_of(st.none(), POSITIONS),
)
def test_the_solution_maximises_the_nash_product(actors, status_quo) -> None:
    position = np.array([a[0] for a in actors])
    weight = np.array([a[1] for a in actors])
    points = (
        worst_points(position, 0, 100) if status_quo is None else np.full(len(actors), status_quo)
    )
    value = nash_point(position, weight, points, 0, 100)
    assert 0 <= value <= 100
    # The grid holds the positions too: a feasible set narrower than its step is not missed.
    grid = np.union1d(np.linspace(0, 100, 20001), position)
    best = objective(grid, position, weight, points).max()
    found = objective(np.array([value]), position, weight, points)[0]
    if np.isfinite(found):
        assert found >= best - 1e-6 * max(1.0, abs(best))
    else:  # nothing improves on disagreement for all: the solution is a disagreement point
        assert not np.isfinite(best)
        assert value in set(points.tolist())


def _scenario(status_quo: float | None) -> Scenario:
    issue = {"id": "i", "name": {"en": "i"}, "scale": {"min": 0, "max": 10}}
    if status_quo is not None:
        issue["status_quo"] = status_quo
    actors = [
        {
            "id": a,
            "name": {"en": a},
            "capability": c,
            "stances": {"i": {"position": p, "salience": 1}},
        }
        for a, c, p in (("a", 1.0, 2.0), ("b", 1.0, 8.0))
    ]
    return Scenario.model_validate(
        {"id": "t", "metadata": {"title": {"en": "t"}}, "issues": [issue], "actors": actors}
    )


def test_both_models_are_registered_and_run_on_a_scenario() -> None:
    assert {"nash", "nash-sq"} <= set(tawazun.models())
    symmetric = _scenario(None).forecast("nash")
    assert symmetric["i"].forecast == pytest.approx(5)
    assert symmetric["i"].details["disagreement"] == "worst point"
    anchored = _scenario(0.0).forecast("nash-sq")
    assert anchored["i"].details["disagreement"] == "status quo"
    assert anchored["i"].forecast < 5  # the status quo at 0 leaves the actor at 2 less room
    fallback = _scenario(None).forecast("nash-sq")
    assert fallback["i"].details["disagreement"] == "worst point"
    assert fallback["i"].forecast == pytest.approx(5)
