"""Spatial utility in SMP: weighted distances, utilities and estimated risk attitudes.

KTAB's ``SMPModel::bvDiff`` and ``SMPState::setVDiff`` (salience-weighted Euclidean
distance), ``SMPModel::bsUtil`` (utility of a position at a distance, given a risk
attitude) and ``Model::estNRA`` (each actor's estimate of another's risk attitude).
Positions are on KTAB's internal 0-1 scale.
"""

from __future__ import annotations

import numpy as np

from tawazun.models._smp_kernel.settings import sequential_sum

#: Elements per work array in the cubic steps: big enough to amortise NumPy's call
#: overhead, small enough to stay in cache.
BLOCK_ELEMENTS = 65536


#: Games of this many actors or more spread the challenge estimates over threads; smaller
#: ones take less time than starting the threads.
THREADED_ACTORS = 64


def weighted_distance(ideal: np.ndarray, position: np.ndarray, salience: np.ndarray) -> np.ndarray:
    r"""Salience-weighted Euclidean distance from each actor's ideal to each position.

    ``SMPModel::bvDiff`` as used by ``SMPState::setVDiff``:

    .. math:: d_{ij} = \sqrt{\frac{\sum_k (s_{ik}(\iota_{ik} - x_{jk}))^2}{\sum_k s_{ik}^2}}

    Parameters
    ----------
    ideal, salience : ndarray, shape (n, m)
        Whose view: actor i's ideal point and saliences.
    position : ndarray, shape (p, m)
        The positions judged.

    Returns
    -------
    ndarray, shape (n, p)
    """
    weighted = (ideal[:, None, :] - position[None, :, :]) * salience[:, None, :]
    squares = sequential_sum(np.moveaxis(weighted * weighted, -1, 0))
    norms = sequential_sum((salience * salience).T)
    return np.sqrt(squares / norms[:, None])


def spatial_utility(distance: np.ndarray, risk: np.ndarray) -> np.ndarray:
    r"""Utility of a position at weighted distance :math:`d` to an actor of risk attitude R.

    ``SMPModel::bsUtil``: :math:`u = (1-d)(1+dR)` for :math:`d \le 1` (always, on the 0-1
    scale), so R = 0 is risk neutral, R > 0 risk averse and R < 0 risk seeking.
    """
    return (1 - distance) * (1 + distance * risk)


def estimated_risk(risk: np.ndarray, adjust: str) -> np.ndarray:
    r"""Each actor h's estimate of each actor i's risk attitude (``Model::estNRA``).

    ``OneThird`` (KTAB's default) anchors on one's own attitude:
    :math:`\hat R^h_i = (2R_h + R_i)/3`; ``None`` uses :math:`R_h`, ``Full`` uses
    :math:`R_i`.

    Returns
    -------
    ndarray, shape (n, n)
        ``[h, i]``.
    """
    rh, ri = risk[:, None], risk[None, :]
    if adjust == "Full":
        return np.broadcast_to(ri, (risk.size, risk.size)).copy()
    if adjust == "TwoThirds":
        return (rh + (2.0 * ri)) / 3.0
    if adjust == "Half":
        return (rh + ri) / 2
    if adjust == "OneThird":
        return ((2.0 * rh) + ri) / 3.0
    return np.broadcast_to(rh, (risk.size, risk.size)).copy()
