"""The Nash bargaining solution with the status quo as every actor's disagreement point.

No agreement leaves the law as it is: each actor's gain from an outcome is how much closer
it is to the actor's position than the status quo (quadratic losses), and the outcome
maximises the capability x salience weighted sum of the gains' logarithms
(:func:`tawazun.models.nash.nash_point`). Where an issue states no status quo, each actor's
worst point stands in (as in :mod:`tawazun.models.nash`) and the issue's details say so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tawazun.models import ModelSpec
from tawazun.models.nash import bargain

if TYPE_CHECKING:
    from tawazun.arrays import ScenarioArrays
    from tawazun.result import Result


def run(arrays: ScenarioArrays) -> Result:
    """Forecast every issue with the status quo as the disagreement point."""
    return bargain(arrays, "status-quo", "nash-sq")


MODEL = ModelSpec(
    name="nash-sq",
    summary="Nash bargaining solution, capability x salience weighted, disagreement at the "
    "status quo.",
    run=run,
    reference="Nash, J. F. (1950). The bargaining problem. Econometrica 18(2), 155-162; "
    "Schneider, G., Finke, D. and Bailer, S. (2010). Bargaining power in the European Union: "
    "an evaluation of competing game-theoretic models. Political Studies 58(1), 85-103.",
)
