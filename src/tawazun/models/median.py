"""The weighted median: the position no coalition of more than half the weight can move.

With single-peaked preferences on one dimension, the weighted median position beats every
other position in a pairwise vote where each actor casts capability x salience votes
(Black 1948); it is the classic "median voter" forecast
(:func:`tawazun.stats.weighted_median`).
"""

from __future__ import annotations

import numpy as np

from tawazun.arrays import ScenarioArrays
from tawazun.models import ModelSpec
from tawazun.models._static import batch_per_issue, per_issue
from tawazun.result import Result
from tawazun.stats import weighted_median


def run(arrays: ScenarioArrays) -> Result:
    """Forecast every issue with the weighted median."""
    return per_issue(arrays, "median", weighted_median)


def batch(arrays: ScenarioArrays, seeds: None = None) -> np.ndarray:
    """The weighted median of every variant and issue of a batch, ``(b, m)``."""
    return batch_per_issue(arrays, weighted_median)


MODEL = ModelSpec(
    name="median",
    summary="Capability x salience weighted median position (Black 1948).",
    run=run,
    batch=batch,
    reference="Black, D. (1948). On the rationale of group decision-making. Journal of "
    "Political Economy 56(1), 23-34.",
)
