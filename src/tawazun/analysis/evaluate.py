"""Forecasts for many variants of a scenario's arrays: the one place analyses run a model.

A model whose :class:`~tawazun.models.ModelSpec` has a ``batch`` form forecasts a whole
batch of variants in one call; any other model runs variant by variant. Either way only
forecasts are read, so the model runs with its ``bulk`` parameters (less detail) under the
user's. A variant the model refuses (an :class:`~tawazun.errors.InputError`: say, a table
left without weight) gives NaN; any other exception is a bug and propagates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tawazun.arrays import ScenarioArrays
from tawazun.errors import InputError
from tawazun.models import ModelSpec
from tawazun.result import Result


def run_result(
    spec: ModelSpec, arrays: ScenarioArrays, parameters: dict[str, Any]
) -> Result | None:
    """The model's result on one scenario's arrays, or None where it refuses them."""
    try:
        return spec.run(arrays, **{**spec.bulk, **parameters})
    except InputError:
        return None


def forecast_vector(arrays: ScenarioArrays, result: Result | None) -> np.ndarray:
    """``result``'s forecast per issue ``(m,)`` in the arrays' issue order.

    NaN for an issue the result does not forecast, and for every issue without a result.
    """
    found = result.forecasts if result is not None else {}
    return np.array([found.get(issue_id, np.nan) for issue_id in arrays.issue_ids])


def run_one(spec: ModelSpec, arrays: ScenarioArrays, parameters: dict[str, Any]) -> np.ndarray:
    """One variant's forecast per issue ``(m,)``; NaN where the model refuses it."""
    return forecast_vector(arrays, run_result(spec, arrays, parameters))


def forecasts(
    spec: ModelSpec,
    arrays: ScenarioArrays,
    parameters: dict[str, Any],
    seeds: Sequence[int] | None = None,
) -> np.ndarray:
    """Forecasts ``(b, m)`` for a batch of variants (``arrays`` with a leading batch axis).

    ``seeds``, if given, sets the model's ``seed`` parameter variant by variant.
    """
    parameters = {**spec.bulk, **parameters}
    count = arrays.batch or 0
    if spec.batch is not None:
        extra = {} if seeds is None else {"seeds": list(seeds)}
        return np.asarray(spec.batch(arrays, **extra, **parameters), dtype=float)
    out = np.empty((count, len(arrays.issue_ids)))
    for v in range(count):
        own = parameters if seeds is None else {**parameters, "seed": seeds[v]}
        out[v] = run_one(spec, arrays.variant(v), own)
    return out
