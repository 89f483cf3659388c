"""The weighted mean and the weighted median, for every module that needs them.

Models (the compromise and median forecasts, the exchange model's outcomes, the expected
utility model's round summaries), analyses over batches of variants and the back-test's
bootstrap all use these two functions, along any axis and over any leading batch axes.
"""

from __future__ import annotations

import numpy as np

#: Cumulated weight within this relative distance of half the total is a tie between the
#: two sides, where the median is the midpoint (as for an ordinary median of an even count).
TIE = 1e-12


def weighted_mean(values: np.ndarray, weights: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""Weighted mean along ``axis``: :math:`\sum_i w_i x_i / \sum_i w_i`.

    Values of zero weight are left out, even NaN ones (an actor absent from an issue);
    where no weight is positive the mean is NaN.

    Parameters
    ----------
    values, weights : ndarray
        Broadcast together; ``weights`` non-negative.
    axis : int
        The axis summed over (the actors').

    Returns
    -------
    ndarray
        The broadcast shape without ``axis`` (a NumPy float for 1-D input).
    """
    values, weights = np.broadcast_arrays(np.asarray(values, float), np.asarray(weights, float))
    total = weights.sum(axis=axis)
    terms = np.where(weights > 0, weights * values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = terms.sum(axis=axis) / total
    return np.where(total > 0, mean, np.nan)[()]


def weighted_median(values: np.ndarray, weights: np.ndarray, axis: int = -1) -> np.ndarray:
    """Weighted median along ``axis``.

    The smallest value ``x`` such that the weight at or below ``x`` is at least half of the
    total. When the weight at or below ``x`` is half (within a relative :data:`TIE`: a tie
    between the two sides), the midpoint between ``x`` and the next value up, as for an
    ordinary median of an even count. With weights the repeat counts of a sample it is
    that sample's median. Values of zero weight are left out; where no weight is positive
    the median is NaN.

    Parameters
    ----------
    values, weights : ndarray
        Broadcast together; ``weights`` non-negative.
    axis : int

    Returns
    -------
    ndarray
        The broadcast shape without ``axis`` (a NumPy float for 1-D input).
    """
    values, weights = np.broadcast_arrays(np.asarray(values, float), np.asarray(weights, float))
    x = np.moveaxis(values, axis, -1)
    w = np.moveaxis(weights, axis, -1)
    active = w > 0
    # weightless values sort last, beyond every real one
    x = np.where(active, x, np.inf)
    order = np.argsort(x, axis=-1, kind="stable")
    x = np.take_along_axis(x, order, axis=-1)
    cumulated = np.cumsum(np.take_along_axis(np.where(active, w, 0.0), order, axis=-1), axis=-1)
    count = x.shape[-1]
    if count == 0:
        return np.full(x.shape[:-1], np.nan)[()]
    total = cumulated[..., -1:]
    half = total / 2
    k = np.argmax(cumulated >= half, axis=-1)[..., None]
    median = np.take_along_axis(x, k, axis=-1)
    # the last of the values equal to the median, and the next value up
    last = count - 1 - np.argmax((x == median)[..., ::-1], axis=-1)[..., None]
    up = np.minimum(last + 1, count - 1)
    above = np.take_along_axis(x, up, axis=-1)
    at_or_below = np.take_along_axis(cumulated, last, axis=-1)
    tie = (last + 1 < count) & np.isfinite(above) & (np.abs(at_or_below - half) <= TIE * half)
    median = np.where(tie, (median + above) / 2, median)[..., 0]
    return np.where(total[..., 0] > 0, median, np.nan)[()]
