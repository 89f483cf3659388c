"""Forecasts for many variants of a scenario: any model run by run, two models at once.

:func:`forecasts` is the one place the analyses run a model. It calls
``scenario.forecast(model, **parameters)`` on each variant, whatever the model, except
that the two static models whose forecast is a closed formula of the arrays
(``compromise`` and ``median`` without parameters) are computed for all variants of a
batch in one NumPy operation; the tests check both routes give the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tawazun.analysis.values import Values, with_values
from tawazun.models import get_model
from tawazun.models.median import weighted_median
from tawazun.result import Result
from tawazun.scenario import Scenario

Batch = Callable[[Scenario, Values], np.ndarray]


def _weights(scenario: Scenario, values: Values) -> np.ndarray:
    """Capability x salience (salience on 0-1) ``(b, n, m)``; 0 away from the table."""
    salience = np.where(values.present, values.salience, 0.0) / scenario.salience_scale
    return values.capability[..., :, None] * salience


def batch_weighted_mean(scenario: Scenario, values: Values) -> np.ndarray:
    """The compromise model's weighted mean for every variant and issue, ``(b, m)``.

    NaN where no actor at an issue has a positive weight (the model raises there).
    """
    weight = _weights(scenario, values)
    position = np.where(values.present, values.position, 0.0)
    total = weight.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (weight * position).sum(axis=-2) / total
    return np.where(total > 0, mean, np.nan)


def batch_weighted_median(scenario: Scenario, values: Values) -> np.ndarray:
    """The median model's weighted median for every variant and issue, ``(b, m)``.

    Sorting and cumulating weights gives the median directly; where the cumulated weight
    comes within rounding of half the total (a tie between the two sides, where the model
    takes a midpoint), the model's own :func:`~tawazun.models.median.weighted_median`
    decides, so the two routes agree exactly.
    """
    weight = _weights(scenario, values)
    active = weight > 0
    position = np.where(active, values.position, np.inf)
    order = np.argsort(position, axis=-2, kind="stable")
    sorted_position = np.take_along_axis(position, order, axis=-2)
    cumulated = np.cumsum(np.take_along_axis(weight, order, axis=-2), axis=-2)
    total = cumulated[..., -1:, :]
    half = total / 2
    first = np.argmax(cumulated >= half, axis=-2)
    median = np.take_along_axis(sorted_position, first[..., None, :], axis=-2)[..., 0, :]
    median = np.where(total[..., 0, :] > 0, median, np.nan)
    near_tie = np.any(np.abs(cumulated - half) <= 1e-9 * total, axis=-2) & (total[..., 0, :] > 0)
    for b, j in zip(*np.nonzero(near_tie), strict=True):
        keep = active[b, :, j]
        median[b, j] = weighted_median(values.position[b, keep, j], weight[b, keep, j])
    return median


#: Closed-form models computed for a whole batch at once (only without parameters).
VECTORIZED: dict[str, Batch] = {
    "compromise": batch_weighted_mean,
    "median": batch_weighted_median,
}


def vectorized(model: str, parameters: dict[str, Any]) -> Batch | None:
    """The batch function for ``model``, if it has one and no parameters are set."""
    return None if parameters else VECTORIZED.get(model)


def run_for_forecasts(scenario: Scenario, model: str, parameters: dict[str, Any]) -> Result | None:
    """The model's result on ``scenario``, or ``None`` if it cannot forecast it.

    A model raises ``ValueError`` when a variant leaves it nothing to work with (every
    weight 0); that variant counts as failed rather than stopping the analysis. Only the
    forecasts are read, so the model runs with its ``bulk`` parameters (less detail)
    under those in ``parameters``.
    """
    try:
        return scenario.forecast(model, **{**get_model(model).bulk, **parameters})
    except ValueError:
        return None


def forecast_vector(scenario: Scenario, result: Result | None) -> np.ndarray:
    """``result``'s forecast per issue ``(m,)`` in the scenario's issue order.

    NaN for an issue the result does not forecast, and for every issue without a result.
    """
    found = result.forecasts if result is not None else {}
    return np.array([found.get(issue.id, np.nan) for issue in scenario.issues])


def run_one(scenario: Scenario, model: str, parameters: dict[str, Any]) -> np.ndarray:
    """One variant's forecast per issue ``(m,)``; NaN for issues the model cannot forecast.

    See :func:`run_for_forecasts` and :func:`forecast_vector`.
    """
    return forecast_vector(scenario, run_for_forecasts(scenario, model, parameters))


def forecasts(
    scenario: Scenario,
    model: str,
    parameters: dict[str, Any],
    values: Values,
    seeds: list[int] | None = None,
) -> np.ndarray:
    """Forecasts ``(b, m)`` for a batch of variants of ``scenario``.

    ``seeds``, if given, sets the model's ``seed`` parameter variant by variant.
    """
    fast = vectorized(model, parameters)
    if fast is not None:
        return fast(scenario, values)
    runs = values.capability.shape[0]
    if seeds is None:
        per_run = [parameters] * runs
    else:
        per_run = [{**parameters, "seed": seed} for seed in seeds]
    return np.array(
        [run_one(with_values(scenario, values.take(b)), model, per_run[b]) for b in range(runs)]
    ).reshape(runs, len(scenario.issues))
