"""Pivotal actors: whose presence, position, salience or capability moves the forecast.

For each actor and issue:

* ``leave``: the forecast without the actor (gone from every table) minus the forecast
  with it;
* ``position``, ``salience``, ``capability``: the forecast's slope in that attribute,
  by finite differences (:func:`slope`), in forecast units per unit of the attribute;
* the same slopes times a tenth of the attribute's range (``*_10pct``), which makes
  them comparable with each other and with ``leave``.

Actors are ranked per issue by the largest of ``|leave|`` and the three ``|*_10pct|``.
Every stencil point is a variant of the scenario's arrays, all forecast in one batch; each
leave is one run on the arrays without the actor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from tawazun.analysis.evaluate import forecast_vector, forecasts, run_one
from tawazun.analysis.values import FIELDS, Ranges, get, put, ranges_of
from tawazun.arrays import ScenarioArrays, to_arrays
from tawazun.errors import InvalidArgument
from tawazun.i18n import _
from tawazun.models import get_model
from tawazun.result import _jsonable
from tawazun.scenario import Scenario

#: ``progress(done, total)``: model evaluations done so far, of ``total``.
Progress = Callable[[int, int], None]

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
    base: ScenarioArrays, ranges: Ranges, step: float
) -> tuple[ScenarioArrays, list[tuple[str, int, int, float, float]]]:
    """Every stencil point as one batch, with ``(field, actor, issue, below, above)``."""
    n, m = base.position.shape
    plans: list[tuple[str, int, int, float, float]] = []
    for i in range(n):
        for name in FIELDS:
            issues = [-1] if name == "capability" else [j for j in range(m) if base.present[i, j]]
            for j in issues:
                low, high = ranges.bounds(name, max(j, 0))
                h = step * ranges.width(name, max(j, 0))
                plans.append((name, i, j, *stencil(get(base, name, i, j), h, low, high)))
    batch = base.repeat(2 * len(plans))
    for k, (name, i, j, below, above) in enumerate(plans):
        put(batch, name, i, j, below, variant=2 * k)
        put(batch, name, i, j, above, variant=2 * k + 1)
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
    scenario: Scenario,
    model: str = "compromise",
    step: float = STEP,
    *,
    progress: Progress | None = None,
    **parameters: Any,
) -> Pivotal:
    """Each actor's effect on each issue's forecast, ranked (see the module docstring).

    Parameters
    ----------
    scenario : Scenario
    model : str
        Any name in ``tawazun.models.available()``.
    step : float
        Finite-difference step as a share of each attribute's range, in (0, 0.5]: the
        issue's scale for positions, the salience scale for saliences, twice the strongest
        actor's capability for capabilities.
    progress : callable, optional
        ``progress(done, total)`` after the stencil batch and after each actor's leave.
    **parameters
        The model's parameters.
    """
    if not 0 < step <= 0.5:
        raise InvalidArgument(
            "pivotal", "step", _("step must be in (0, 0.5] (got {step:g})").format(step=step)
        )
    spec = get_model(model)
    base = to_arrays(scenario)
    baseline = forecast_vector(base, spec.run(base, **parameters))
    ranges = ranges_of(base)
    issue_ids = list(base.issue_ids)
    batch, plans = _variants(base, ranges, step)
    total = 2 * len(plans) + len(base.actor_ids)
    moved = forecasts(spec, batch, parameters)
    done = 2 * len(plans)
    if progress is not None:
        progress(done, total)
    slopes: dict[tuple[str, int, int], float] = {}
    for k, (name, i, j, below, above) in enumerate(plans):
        for jj in range(len(issue_ids)) if j < 0 else [j]:
            slopes[name, i, jj] = slope(moved[2 * k, jj], moved[2 * k + 1, jj], below, above)
    effects: dict[str, list[Effect]] = {issue_id: [] for issue_id in issue_ids}
    for i, actor_id in enumerate(base.actor_ids):
        gone = run_one(spec, base.without_actor(i), parameters) - baseline
        done += 1
        if progress is not None:
            progress(done, total)
        for j, issue_id in enumerate(issue_ids):
            if not base.present[i, j]:
                continue
            by_field = {name: float(slopes.get((name, i, j), np.nan)) for name in FIELDS}
            effects[issue_id].append(
                Effect(
                    actor=actor_id,
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
