"""The compromise model: the capability x salience weighted mean of positions.

Achen (2006) and Thomson et al. (2006) found this plain mean as accurate as far more
elaborate bargaining models on the EU's legislative decisions.
"""

from __future__ import annotations

import numpy as np

from tawazun.models import ModelSpec
from tawazun.models._static import per_issue
from tawazun.result import Result
from tawazun.scenario import Scenario


def weighted_mean(position: np.ndarray, weight: np.ndarray) -> float:
    r"""Weighted mean of positions.

    .. math:: \hat x = \frac{\sum_i c_i s_i x_i}{\sum_i c_i s_i}

    Parameters
    ----------
    position : ndarray, shape (n,)
        Positions of the actors at the table.
    weight : ndarray, shape (n,)
        Their weights, capability times salience; at least one must be positive.

    Returns
    -------
    float
    """
    total = weight.sum()
    if not total > 0:
        raise ValueError("no actor has a positive weight (capability x salience)")
    return float(weight @ position / total)


def run(scenario: Scenario) -> Result:
    """Forecast every issue of ``scenario`` with :func:`weighted_mean`."""
    return per_issue(scenario, "compromise", weighted_mean)


MODEL = ModelSpec(
    name="compromise",
    summary="Capability x salience weighted mean of positions (Achen 2006).",
    run=run,
    reference="Achen, C. H. (2006). Evaluating political decision-making models. In Thomson et "
    "al. (eds), The European Union Decides, Cambridge University Press.",
)
