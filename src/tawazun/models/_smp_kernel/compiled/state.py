"""What every actor believes in a state, compiled (``SMPState::setAllAUtil``).

KTAB's ``SMPModel::bvDiff`` (salience-weighted distances), ``SMPModel::bsUtil``
(utilities), ``bigRfromProb`` (risk attitudes from position probabilities),
``Model::estNRA`` (estimated risk attitudes), ``KBase::ueIndices`` (distinct positions) and
``SMPState::pDist(-1)``, as loops compiled with Numba in the order of operations of
:mod:`tawazun.models._smp_kernel.utility` and :mod:`.probability`.
"""

from __future__ import annotations

import math

import numpy as np

from tawazun.models._smp_kernel.compiled.election import jit, scalar_pce
from tawazun.models._smp_kernel.settings import BIG_R_ADJUSTS, BIG_R_RANGES, POSITION_TOLERANCE

R_MIN = BIG_R_RANGES.index("Min")
R_MID = BIG_R_RANGES.index("Mid")
ADJUST_NONE = BIG_R_ADJUSTS.index("None")
ONE_THIRD = BIG_R_ADJUSTS.index("OneThird")
HALF = BIG_R_ADJUSTS.index("Half")
TWO_THIRDS = BIG_R_ADJUSTS.index("TwoThirds")


@jit
def weighted_distance(
    ideal: np.ndarray, salience: np.ndarray, i: int, position: np.ndarray, j: int
) -> float:
    r"""Salience-weighted Euclidean distance from actor i's ideal to position j
    (``SMPModel::bvDiff``): :math:`\sqrt{\sum_k (s_{ik}(\iota_{ik} - x_{jk}))^2 / \sum_k s_{ik}^2}`.

    Rows are passed by index, not as views: a view in an inner loop costs more than the sum.
    """
    squares = 0.0
    norm = 0.0
    for k in range(ideal.shape[1]):
        weighted = (ideal[i, k] - position[j, k]) * salience[i, k]
        squares += weighted * weighted
        norm += salience[i, k] * salience[i, k]
    return math.sqrt(squares / norm)


@jit
def spatial_utility(distance: float, risk: float) -> float:
    r"""``SMPModel::bsUtil``: :math:`u = (1-d)(1+dR)`."""
    return (1 - distance) * (1 + distance * risk)


@jit
def risk_from_probability(probability: np.ndarray, big_r_range: int) -> np.ndarray:
    r"""Risk attitudes from how likely each actor's position is (``bigRfromProb``): the
    most likely position is the most risk averse; ``Mid`` maps probabilities linearly onto
    [-1/2, 1], ``Min`` onto [0, 1], ``Max`` onto [-1, 1]; all 0 where all are equal."""
    low, high = probability.min(), probability.max()
    if not high > low:
        return np.zeros_like(probability)
    if big_r_range == R_MIN:
        return (probability - low) / (high - low)
    if big_r_range == R_MID:
        return (3 * probability - (high + 2 * low)) / (2 * (high - low))
    return (2 * probability - (high + low)) / (high - low)


@jit
def estimated_risk(risk: np.ndarray, adjust: int) -> np.ndarray:
    r"""``Model::estNRA``: h's estimate of i's risk attitude, ``[h, i]``; ``OneThird`` is
    :math:`(2R_h + R_i)/3`, ``None`` :math:`R_h`, ``Full`` :math:`R_i`."""
    n = risk.size
    estimate = np.empty((n, n))
    for h in range(n):
        rh = risk[h]
        for i in range(n):
            ri = risk[i]
            if adjust == ADJUST_NONE:
                estimate[h, i] = rh
            elif adjust == ONE_THIRD:
                estimate[h, i] = ((2.0 * rh) + ri) / 3.0
            elif adjust == HALF:
                estimate[h, i] = (rh + ri) / 2
            elif adjust == TWO_THIRDS:
                estimate[h, i] = (rh + (2.0 * ri)) / 3.0
            else:
                estimate[h, i] = ri
    return estimate


@jit
def unique_positions(position: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct positions (``KBase::ueIndices``): each actor joins the first earlier
    representative within :data:`POSITION_TOLERANCE` or becomes one. Returns the
    representatives' actor indices and, per actor, the index of the *last* representative
    within tolerance (the one whose probability ``State::posProb`` reports)."""
    n, m = position.shape
    close = np.empty((n, n), dtype=np.bool_)
    for i in range(n):
        for j in range(n):
            squares = 0.0
            for k in range(m):
                gap = position[i, k] - position[j, k]
                squares += gap * gap
            close[i, j] = math.sqrt(squares) < POSITION_TOLERANCE
    representatives = np.empty(n, dtype=np.int64)
    count = 0
    for i in range(n):
        known = False
        for r in range(count):
            known = known or close[i, representatives[r]]
        if not known:
            representatives[count] = i
            count += 1
    shown = np.zeros(n, dtype=np.int64)
    for i in range(n):
        for r in range(count):
            if close[i, representatives[r]]:
                shown[i] = r
    return representatives[:count].copy(), shown


@jit
def assess(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    rule: int,
    victory_model: int,
    pce_model: int,
    big_r_range: int,
    big_r_adjust: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Risk attitudes, utilities and position probabilities of a state
    (``SMPState::setAllAUtil``, then ``SMPState::pDist(-1)``).

    Risk-neutral utilities :math:`1-d_{ij}` give each position a probability
    (``scalarPCE``, capability as weight), hence the risk attitudes and everyone's
    estimates of them; each actor's own utilities over the distinct positions give the
    probabilities reported for the state.

    Returns
    -------
    distance, risk, risk_estimate, own_utility, probability, representatives,
    distinct_probability
        As the fields of :class:`tawazun.models._smp_kernel.probability.Assessment`.
    """
    n = position.shape[0]
    distance = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            distance[i, j] = weighted_distance(position, salience, i, position, j)
    neutral = scalar_pce(rule, victory_model, pce_model, capability, 1 - distance)
    risk = risk_from_probability(neutral, big_r_range)
    risk_estimate = estimated_risk(risk, big_r_adjust)
    own_utility = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            own_utility[i, j] = spatial_utility(distance[i, j], risk_estimate[i, i])
    representatives, shown = unique_positions(position)
    on_distinct = np.empty((n, representatives.size))
    for i in range(n):
        for r in range(representatives.size):
            on_distinct[i, r] = own_utility[i, representatives[r]]
    distinct = scalar_pce(rule, victory_model, pce_model, capability, on_distinct)
    return (
        distance,
        risk,
        risk_estimate,
        own_utility,
        distinct[shown],
        representatives,
        distinct,
    )
