"""Shared driver for models that compute each issue's forecast in one step."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tawazun.result import Result, issue_forecast
from tawazun.scenario import Scenario

Statistic = Callable[[np.ndarray, np.ndarray], float]


def per_issue(scenario: Scenario, model: str, statistic: Statistic) -> Result:
    """Apply ``statistic(positions, capability x salience)`` to the actors at each issue."""
    arrays = scenario.arrays()
    forecasts = []
    for j, issue_id in enumerate(arrays.issue_ids):
        at_table = arrays.present[:, j]
        weight = arrays.capability[at_table] * arrays.salience[at_table, j]
        value = statistic(arrays.position[at_table, j], weight)
        forecasts.append(issue_forecast(scenario, issue_id, value))
    return Result(scenario=scenario.id, model=model, issues=forecasts)
