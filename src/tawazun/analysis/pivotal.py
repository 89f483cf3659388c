"""Pivotal actors: whose presence, position, salience or capability moves the forecast.

For each actor and issue:

* ``leave``: the forecast without the actor (gone from every table) minus the forecast
  with it;
* ``position``, ``salience``, ``capability``: the forecast's slope in that attribute,
  by finite differences (:func:`slope`), in forecast units per unit of the attribute;
* the same slopes times a tenth of the attribute's range (``*_10pct``), which makes
  them comparable with each other and with ``leave``.

Actors are ranked per issue by the largest of ``|leave|`` and the three ``|*_10pct|``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from tawazun.analysis.evaluate import forecast_vector, forecasts, run_one
from tawazun.analysis.values import FIELDS, Ranges, Values, ranges_of, values_of, without_actor
from tawazun.result import _jsonable
from tawazun.scenario import Scenario

#: Finite-difference step, as a share of the attribute's range.
STEP = 0.05


@dataclass(frozen=True)
class Effect:
    """How one actor moves one issue's forecast (see the module docstring)."""

    actor: str
    issue: str
    leave: float
    position: float
    salience: float
    capability: float
    position_10pct: float
    salience_10pct: float
    capability_10pct: float

    @property
    def weight(self) -> float:
        """The ranking key: the largest movement of the four."""
        moves = [self.leave, self.position_10pct, self.salience_10pct, self.capability_10pct]
        finite = [abs(m) for m in moves if np.isfinite(m)]
        return max(finite, default=0.0)


def stencil(value: float, step: float, low: float, high: float) -> tuple[float, float]:
    """The two points of the finite difference around ``value``.

    Central (``value - step``, ``value + step``) when both lie in ``[low, high]``;
    one-sided from ``value`` where one would leave the range.
    """
    below, above = value - step, value + step
    if below < low:
        below = value
    if above > high:
        above = value
    return below, above


def slope(f_below: float, f_above: float, below: float, above: float) -> float:
    """``(f(above) - f(below)) / (above - below)``, NaN on an empty stencil."""
    return (f_above - f_below) / (above - below) if above > below else float("nan")


def _variants(
    base: Values, ranges: Ranges, step: float
) -> tuple[Values, list[tuple[str, int, int, float, float]]]:
    """Every stencil point as one batch, with ``(field, actor, issue, below, above)``."""
    n, m = base.position.shape
    plans: list[tuple[str, int, int, float, float]] = []
    for i in range(n):
        for name in FIELDS:
            issues = [-1] if name == "capability" else [j for j in range(m) if base.present[i, j]]
            for j in issues:
                low, high = ranges.bounds(name, max(j, 0))
                h = step * ranges.width(name, max(j, 0))
                plans.append((name, i, j, *stencil(base.get(name, i, j), h, low, high)))
    batch = base.repeat(2 * len(plans))
    for k, (name, i, j, below, above) in enumerate(plans):
        batch.put(name, i, j, below, variant=2 * k)
        batch.put(name, i, j, above, variant=2 * k + 1)
    return batch, plans


@dataclass(frozen=True)
class Pivotal:
    """Effects of every actor on every issue, ranked per issue."""

    scenario: str
    model: str
    parameters: dict[str, Any]
    step: float
    baseline: dict[str, float]
    effects: dict[str, list[Effect]]

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "scenario": self.scenario,
                "model": self.model,
                "parameters": self.parameters,
                "step": self.step,
                "issues": [
                    {
                        "issue": issue,
                        "baseline": self.baseline[issue],
                        "actors": [asdict(e) | {"rank": k + 1} for k, e in enumerate(effects)],
                    }
                    for issue, effects in self.effects.items()
                ],
            }
        )


def pivotal(
    scenario: Scenario, model: str = "compromise", step: float = STEP, **parameters: Any
) -> Pivotal:
    """Each actor's effect on each issue's forecast, ranked (see the module docstring).

    Parameters
    ----------
    scenario : Scenario
    model : str
        Any name in ``tawazun.models.available()``.
    step : float
        Finite-difference step as a share of each attribute's range: the issue's scale for
        positions, the salience scale for saliences, twice the strongest actor's capability
        for capabilities.
    **parameters
        The model's parameters.
    """
    baseline = forecast_vector(scenario, scenario.forecast(model, **parameters))
    base = values_of(scenario)
    ranges = ranges_of(scenario)
    issue_ids = [issue.id for issue in scenario.issues]
    batch, plans = _variants(base, ranges, step)
    moved = forecasts(scenario, model, parameters, batch)
    slopes: dict[tuple[str, int, int], float] = {}
    for k, (name, i, j, below, above) in enumerate(plans):
        for jj in range(len(issue_ids)) if j < 0 else [j]:
            slopes[name, i, jj] = slope(moved[2 * k, jj], moved[2 * k + 1, jj], below, above)
    effects: dict[str, list[Effect]] = {issue_id: [] for issue_id in issue_ids}
    for i, actor in enumerate(scenario.actors):
        gone = run_one(without_actor(scenario, actor.id), model, parameters) - baseline
        for j, issue_id in enumerate(issue_ids):
            if not base.present[i, j]:
                continue
            by_field = {name: float(slopes.get((name, i, j), np.nan)) for name in FIELDS}
            effects[issue_id].append(
                Effect(
                    actor=actor.id,
                    issue=issue_id,
                    leave=float(gone[j]),
                    **by_field,
                    **{
                        f"{name}_10pct": by_field[name] * 0.1 * ranges.width(name, j)
                        for name in FIELDS
                    },
                )
            )
    for issue_effects in effects.values():
        issue_effects.sort(key=lambda e: -e.weight)
    return Pivotal(
        scenario=scenario.id,
        model=model,
        parameters=dict(parameters),
        step=step,
        baseline=dict(zip(issue_ids, baseline.tolist(), strict=True)),
        effects=effects,
    )
