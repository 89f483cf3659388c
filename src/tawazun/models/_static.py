"""Shared driver for models that compute each issue's forecast in one step."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tawazun.arrays import ScenarioArrays
from tawazun.errors import InvalidArgument
from tawazun.i18n import _
from tawazun.result import Result, issue_forecast

Statistic = Callable[..., np.ndarray]


def batch_per_issue(arrays: ScenarioArrays, statistic: Statistic) -> np.ndarray:
    """``statistic(positions, capability x salience)`` over the actors of every issue.

    Works on a single scenario's arrays ``(m,)`` and on a batch ``(b, m)`` alike; NaN where
    no actor at an issue has a positive weight.
    """
    weight = arrays.capability[..., :, None] * arrays.salience
    return statistic(arrays.position, weight, axis=-2)


def per_issue(arrays: ScenarioArrays, model: str, statistic: Statistic) -> Result:
    """The :class:`Result` of :func:`batch_per_issue` on one scenario's arrays.

    Raises
    ------
    InvalidArgument
        Where no actor at an issue has a positive weight: there is nothing to average.
    """
    forecast = np.atleast_1d(batch_per_issue(arrays, statistic))
    empty = [i for i, value in zip(arrays.issue_ids, forecast, strict=True) if np.isnan(value)]
    if empty:
        raise InvalidArgument(
            model,
            "scenario",
            _("no actor has a positive weight (capability x salience) on issue(s) {issues}").format(
                issues=empty
            ),
        )
    forecasts = [
        issue_forecast(arrays, issue_id, value)
        for issue_id, value in zip(arrays.issue_ids, forecast, strict=True)
    ]
    return Result(scenario=arrays.scenario_id, model=model, issues=forecasts)
