"""The compromise model: the capability x salience weighted mean of positions.

Achen (2006) and Thomson et al. (2006) found this plain mean as accurate as far more
elaborate bargaining models on the EU's legislative decisions:

.. math:: \\hat x_j = \\frac{\\sum_i c_i s_{ij} x_{ij}}{\\sum_i c_i s_{ij}}

over the actors ``i`` at issue ``j``'s table (:func:`tawazun.stats.weighted_mean`).
"""

from __future__ import annotations

import numpy as np

from tawazun.arrays import ScenarioArrays
from tawazun.models import ModelSpec
from tawazun.models._static import batch_per_issue, per_issue
from tawazun.result import Result
from tawazun.stats import weighted_mean


def run(arrays: ScenarioArrays) -> Result:
    """Forecast every issue with the weighted mean."""
    return per_issue(arrays, "compromise", weighted_mean)


def batch(arrays: ScenarioArrays, seeds: None = None) -> np.ndarray:
    """The weighted mean of every variant and issue of a batch, ``(b, m)``."""
    return batch_per_issue(arrays, weighted_mean)


MODEL = ModelSpec(
    name="compromise",
    summary="Capability x salience weighted mean of positions (Achen 2006).",
    run=run,
    batch=batch,
    reference="Achen, C. H. (2006). Evaluating political decision-making models. In Thomson et "
    "al. (eds), The European Union Decides, Cambridge University Press.",
)
