"""The Nash bargaining solution on each issue, power- and salience-weighted.

Every actor at an issue's table has the quadratic loss ``u_i(x) = -(x - x_i)^2`` and a
disagreement point ``d_i``: what it gets if no agreement is reached. The asymmetric Nash
bargaining solution (Nash 1950; Kalai 1977; Roth 1979, ch. 1) is the outcome maximising the
weighted product of the gains over disagreement, the weights being bargaining power:

.. math:: x^* = \\arg\\max_x \\sum_i w_i \\log\\big(u_i(x) - u_i(d_i)\\big),
    \\qquad w_i = c_i s_i

over the outcomes every actor with weight prefers to disagreement. Each gain is a concave
quadratic, so the objective is strictly concave where it is defined and :func:`nash_point`
finds its maximum by bisection on the derivative.

Two disagreement points, two registered models:

* ``nash`` (this module, ``"worst"``): each actor's worst outcome on the scale, the end
  farthest from its position. An actor's gain is how much better the agreement is than
  the worst it could get, and every interior outcome beats disagreement for everyone.
* ``nash-sq`` (:mod:`tawazun.models.nash_sq`, ``"status-quo"``): the issue's status quo
  (the DEU reference point), as in the EU literature on legislative bargaining (Achen
  2006; Schneider, Finke and Bailer 2010): no agreement leaves the law as it is. An actor
  whose position is the status quo gains from nothing, so then the status quo is the
  solution. Where an issue states no status quo this variant uses the worst point and
  says so in the issue's details.

Achen (2006) shows that the compromise model (the weighted mean) approximates this
solution; it is scored beside it in ``docs/validation.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tawazun.errors import InvalidArgument
from tawazun.i18n import _
from tawazun.models import ModelSpec
from tawazun.result import Result, issue_forecast

if TYPE_CHECKING:
    from tawazun.arrays import ScenarioArrays

#: Bisection steps: the feasible interval (at most the scale) shrinks by 2**-60.
STEPS = 60


def worst_points(position: np.ndarray, low: float, high: float) -> np.ndarray:
    """Each actor's worst outcome on ``[low, high]``: the end farthest from its position."""
    return np.where(position - low >= high - position, low, high)


def nash_point(
    position: np.ndarray, weight: np.ndarray, disagreement: np.ndarray, low: float, high: float
) -> float:
    r"""The asymmetric Nash bargaining solution on one issue with quadratic losses.

    Maximises :math:`\sum_i w_i \log(r_i^2 - (x - x_i)^2)`, :math:`r_i = |d_i - x_i|`,
    over :math:`x \in [low, high]` with every gain positive: the open interval
    :math:`\bigcap_i (x_i - r_i, x_i + r_i)`. The derivative
    :math:`\sum_i -2 w_i (x - x_i) / (r_i^2 - (x - x_i)^2)` decreases strictly on it, so
    its root is found by bisection.

    Parameters
    ----------
    position, weight, disagreement : ndarray, shape (n,)
        The actors at the table; ``weight`` non-negative, at least one positive.
    low, high : float
        The scale.

    Returns
    -------
    float
        The solution; when no outcome gives every actor with weight a positive gain (one of
        them sits at its disagreement point), the disagreement point of the weightiest such
        actor (under ``"status-quo"``, the status quo).
    """
    keep = weight > 0
    x, w, d = position[keep], weight[keep], disagreement[keep]
    reach = np.abs(d - x)
    rounding = 1e-12 * (high - low)
    stuck = reach <= rounding  # an actor at its disagreement point
    if stuck.any():
        return float(d[stuck][np.argmax(w[stuck])])
    left = max(low, float(np.max(x - reach)))
    right = min(high, float(np.min(x + reach)))
    if right - left <= rounding:  # no outcome gives everyone a gain
        return float(d[np.argmax(w)])

    def slope(at: float) -> float:
        # At a rounding distance from an edge of the interval a gain reaches 0 and its term
        # is infinite; a sum of infinities of both signs means the interval has closed.
        with np.errstate(divide="ignore", invalid="ignore"):
            value = float(np.sum(-2 * w * (at - x) / (reach**2 - (at - x) ** 2)))
        return 0.0 if np.isnan(value) else value

    for _step in range(STEPS):
        middle = (left + right) / 2
        if slope(middle) > 0:
            left = middle
        else:
            right = middle
    return (left + right) / 2


def bargain(arrays: ScenarioArrays, disagreement: str, model: str) -> Result:
    """Forecast every issue with :func:`nash_point`, weights capability x salience.

    ``disagreement`` is ``"worst"`` or ``"status-quo"`` (see the module's docstring);
    ``model`` names the result.
    """
    forecasts = []
    for j, issue_id in enumerate(arrays.issue_ids):
        here = arrays.present[:, j]
        position = arrays.position[here, j]
        weight = arrays.capability[here] * arrays.salience[here, j]
        if not (weight > 0).any():
            raise InvalidArgument(
                model,
                "scenario",
                _("no actor has a positive weight on issue {issue}").format(issue=repr(issue_id)),
            )
        low, high = float(arrays.scale_min[j]), float(arrays.scale_max[j])
        status_quo = float(arrays.status_quo[j])
        uses_status_quo = disagreement == "status-quo" and np.isfinite(status_quo)
        points = (
            np.full(len(position), status_quo)
            if uses_status_quo
            else worst_points(position, low, high)
        )
        value = nash_point(position, weight, points, low, high)
        used = "status quo" if uses_status_quo else "worst point"
        forecasts.append(issue_forecast(arrays, issue_id, value, disagreement=used))
    return Result(scenario=arrays.scenario_id, model=model, issues=forecasts)


def run(arrays: ScenarioArrays) -> Result:
    """Forecast every issue with the worst point as every actor's disagreement point."""
    return bargain(arrays, "worst", "nash")


MODEL = ModelSpec(
    name="nash",
    summary="Nash bargaining solution, capability x salience weighted, disagreement at the "
    "worst point.",
    run=run,
    reference="Nash, J. F. (1950). The bargaining problem. Econometrica 18(2), 155-162; "
    "Achen, C. H. (2006). Institutional realism and bargaining models. In Thomson et al. "
    "(eds), The European Union Decides, Cambridge University Press.",
)
