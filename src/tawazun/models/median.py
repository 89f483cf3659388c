"""The weighted median: the position no coalition of more than half the weight can move.

With single-peaked preferences on one dimension, the weighted median position beats every
other position in a pairwise vote where each actor casts capability x salience votes
(Black 1948); it is the classic "median voter" forecast.
"""

from __future__ import annotations

import numpy as np

from tawazun.models import ModelSpec
from tawazun.models._static import per_issue
from tawazun.result import Result
from tawazun.scenario import Scenario


def weighted_median(position: np.ndarray, weight: np.ndarray) -> float:
    """Weighted median of positions.

    The smallest position ``x`` such that the weight at or below ``x`` is at least half
    of the total. When the weight at or below ``x`` is exactly half (a tie between the
    two sides), the midpoint between ``x`` and the next position up, as for an ordinary
    median of an even count.

    Parameters
    ----------
    position : ndarray, shape (n,)
    weight : ndarray, shape (n,)
        Non-negative; at least one positive.

    Returns
    -------
    float
    """
    keep = weight > 0
    if not keep.any():
        raise ValueError("no actor has a positive weight (capability x salience)")
    values, inverse = np.unique(position[keep], return_inverse=True)
    mass = np.bincount(inverse, weights=weight[keep])
    below = np.cumsum(mass)
    half = below[-1] / 2
    k = int(np.searchsorted(below, half))
    if k + 1 < len(values) and np.isclose(below[k], half, rtol=1e-12, atol=0):
        return float((values[k] + values[k + 1]) / 2)
    return float(values[k])


def run(scenario: Scenario) -> Result:
    """Forecast every issue of ``scenario`` with :func:`weighted_median`."""
    return per_issue(scenario, "median", weighted_median)


MODEL = ModelSpec(
    name="median",
    summary="Capability x salience weighted median position (Black 1948).",
    run=run,
    reference="Black, D. (1948). On the rationale of group decision-making. Journal of "
    "Political Economy 56(1), 23-34.",
)
