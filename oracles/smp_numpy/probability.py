"""Votes, coalitions and the probability that each option prevails, and the state of a turn.

KTAB's ``Model::vote``, ``Model::coalitions``, ``Model::vProb``, the probabilistic
Condorcet elections ``Model::condPCE``, ``markovUniformPCE``, ``markovIncentivePCE``,
``probCE2`` and ``scalarPCE``, ``bigRfromProb`` (risk attitudes from position
probabilities), ``KBase::ueIndices`` (distinct positions) and
``SMPState::setAllAUtil`` (:func:`assess`: what every actor believes in a state).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oracles.smp_numpy.utility import (
    BLOCK_ELEMENTS,
    estimated_risk,
    spatial_utility,
    weighted_distance,
)
from tawazun.models._smp_kernel.settings import (
    MIN_COALITION,
    POSITION_TOLERANCE,
    Settings,
    sequential_sum,
)


def vote(rule: str, weight: np.ndarray, u_for: np.ndarray, u_against: np.ndarray) -> np.ndarray:
    r"""An actor's vote for one option over another (``Model::vote``).

    ``Prop`` (KTAB's default): :math:`v = w\,(u_a - u_b)`. The other rules bend the
    response to the utility difference: ``Binary`` a steep step, ``Cubic`` its cube,
    ``PropBin``/``PropCbc`` blends, ``ASymProsp`` discounts gains by 2/3 (prospect theory).
    """
    du = u_for - u_against
    if rule == "Prop":
        return weight * du
    binary = np.clip(du / 1e-8, -1, 1)
    cubic = du * du * du
    if rule == "Binary":
        return weight * binary
    if rule == "PropBin":
        return weight * ((1 - 0.2) * du + 0.2 * binary)
    if rule == "PropCbc":
        return weight * ((1 - 0.5) * du + 0.5 * cubic)
    if rule == "Cubic":
        return weight * cubic
    return np.where(du < 0, weight * du, np.where(du > 0, (2.0 * weight * du) / 3.0, 0.0))


def coalition_strengths(rule: str, weight: np.ndarray, utility: np.ndarray) -> np.ndarray:
    r"""Strength of the coalition for option i against option j (``Model::coalitions``).

    :math:`c_{ij} = 10^{-8} + \sum_k \max(v_k(i:j), 0)` with
    :math:`v_k(i:j) = ` :func:`vote` of actor k. KTAB visits each pair once (i > j) and counts
    the negative votes of :math:`v_k(i:j)` for j; as :math:`v_k(j:i) = -v_k(i:j)` exactly for
    every rule but ``ASymProsp``, only that rule needs the second sum.

    Parameters
    ----------
    weight : ndarray, shape (n,)
    utility : ndarray, shape (..., n, options)
        Leading axes are independent elections.

    Returns
    -------
    ndarray, shape (..., options, options)
    """
    options = utility.shape[-1]
    shape = (*utility.shape[:-2], options, options)
    if utility.size * options <= BLOCK_ELEMENTS and rule != "ASymProsp":
        # small elections in one go: all votes, summed along the voters' axis in order
        u = np.moveaxis(utility, -2, 0)
        w = weight.reshape((-1,) + (1,) * u.ndim)
        votes = vote(rule, w, u[..., :, None], u[..., None, :])
        support = sequential_sum(np.maximum(votes, 0.0, out=votes), MIN_COALITION)
        support[..., np.arange(options), np.arange(options)] = MIN_COALITION
        return support
    support = np.full(shape, MIN_COALITION)
    opposition = np.full(shape, MIN_COALITION) if rule == "ASymProsp" else None
    votes = np.empty(shape)
    # one voter at a time: the sums run in KTAB's order on buffers that stay in cache
    for k in range(weight.size):
        u = utility[..., k, :]
        if rule == "Prop":
            np.subtract(u[..., :, None], u[..., None, :], out=votes)
            votes *= weight[k]
        else:
            votes[...] = vote(rule, weight[k], u[..., :, None], u[..., None, :])
        if opposition is not None:
            opposition -= np.minimum(votes, 0.0)
        support += np.maximum(votes, 0.0, out=votes)
    if opposition is not None:
        lower = np.tri(options, k=-1, dtype=bool)
        support = np.where(lower, support, np.swapaxes(opposition, -1, -2))
    support[..., np.arange(options), np.arange(options)] = MIN_COALITION
    return support


def _victory_weights(model: str, s1: np.ndarray, s2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two terms of ``Model::vProb(vpm, s1, s2)`` before they are normalised."""
    if model == "Linear":
        return s1, s2
    if model == "Square":
        return s1 * s1, s2 * s2
    if model == "Quartic":
        q1, q2 = s1 * s1, s2 * s2
        return q1 * q1, q2 * q2
    if model == "Octic":
        q1, q2 = s1 * s1, s2 * s2
        q1, q2 = q1 * q1, q2 * q2
        return q1 * q1, q2 * q2
    threshold = 1.10
    share = (s1 / (s1 + s2) * (threshold + 1.0) - 1.0) / (threshold - 1.0)
    x1 = np.where(s1 >= threshold * s2, 1.0, np.where(s2 >= threshold * s1, 1e-6, share))
    x2 = np.where(s1 >= threshold * s2, 1e-6, np.where(s2 >= threshold * s1, 1.0, 1 - share))
    return x1, x2


def victory_probability(model: str, strengths: np.ndarray) -> np.ndarray:
    r"""Probability that option i defeats option j given coalition strengths (``Model::vProb``).

    ``Linear`` (default): :math:`p_{ij} = c_{ij}/(c_{ij}+c_{ji})`; ``Square``, ``Quartic``,
    ``Octic`` raise the strengths to that power first; ``Binary`` makes a 10% advantage
    decisive. The diagonal is 1/2. Leading axes are independent elections.
    """
    x1, x2 = _victory_weights(model, strengths, np.swapaxes(strengths, -1, -2))
    options = strengths.shape[-1]
    lower = np.tri(options, k=-1, dtype=bool)
    probability = np.where(lower, x1 / (x1 + x2), np.swapaxes(x2 / (x1 + x2), -1, -2))
    probability[..., np.arange(options), np.arange(options)] = 0.5
    return probability


def conditional_pce(victory: np.ndarray) -> np.ndarray:
    r"""``Model::condPCE``: :math:`P_i \propto \prod_j p_{ij}`, the chance i beats all."""
    beats_all = np.multiply.reduce(np.ascontiguousarray(np.moveaxis(victory, -1, 0)), axis=0)
    return beats_all / sequential_sum(np.moveaxis(beats_all, -1, 0))[..., None]


def markov_uniform_pce(victory: np.ndarray) -> np.ndarray:
    r"""``Model::markovUniformPCE``: Markov chain of uniformly chosen challenges.

    Iterates :math:`q_i = \frac1n \sum_j p_{ij}(P_i+P_j)`, :math:`P \leftarrow (P+q)/2` until
    no probability changes by more than :math:`10^{-6}`.
    """
    if victory.ndim > 2:
        return np.stack([markov_uniform_pce(v) for v in victory])
    n = victory.shape[0]
    p = np.full(n, 1.0 / n)
    change = 1.0
    while change > 1e-6:
        q = sequential_sum((victory * (p[:, None] + p[None, :])).T) / n
        change = float(np.max(np.abs(q - p)))
        p = (p + q) / 2.0
    return p


def markov_incentive_pce(strengths: np.ndarray, victory: np.ndarray) -> np.ndarray:
    r"""``Model::markovIncentivePCE``: challenges chosen in proportion to their incentive.

    The incentive of i to challenge j is :math:`c_{ij} p_{ij}`; a challenger is drawn in
    proportion to it and wins with :math:`p_{ij}`. Iterated to a change below
    :math:`10^{-8}` as in KTAB.
    """
    if victory.ndim > 2:
        return np.stack(
            [markov_incentive_pce(c, v) for c, v in zip(strengths, victory, strict=True)]
        )
    n = victory.shape[0]
    incentive = strengths * victory + np.eye(n) * 1e-10
    challenge = incentive / sequential_sum(incentive)[None, :]
    p = np.full(n, 1.0 / n)
    change = 1.0
    while change > 1e-8:
        contest = p[:, None] * challenge.T
        q = sequential_sum((victory * (contest + contest.T)).T)
        change = float(np.max(np.abs(q - p)))
        p = (p + q) / 2.0
    return p


def option_probability(pce_model: str, victory_model: str, strengths: np.ndarray) -> np.ndarray:
    """Probability that each option prevails (``Model::probCE2``)."""
    victory = victory_probability(victory_model, strengths)
    if pce_model == "Conditional":
        return conditional_pce(victory)
    if pce_model == "MarkovUniform":
        return markov_uniform_pce(victory)
    return markov_incentive_pce(strengths, victory)


def scalar_pce(weight: np.ndarray, utility: np.ndarray, settings: Settings) -> np.ndarray:
    """Probability of each option when actors of scalar weight vote by utility
    (``Model::scalarPCE``).

    Parameters
    ----------
    weight : ndarray, shape (n,)
    utility : ndarray, shape (..., n, options)
        Leading axes are independent elections.

    Returns
    -------
    ndarray, shape (..., options)
    """
    strengths = coalition_strengths(settings.voting_rule, weight, utility)
    return option_probability(settings.pce_model, settings.victory_model, strengths)


def risk_from_probability(probability: np.ndarray, big_r_range: str) -> np.ndarray:
    r"""Risk attitudes inferred from how likely each actor's position is (``bigRfromProb``).

    The actor whose position is most likely is the most risk averse. ``Mid`` (default) maps
    probabilities linearly onto R in [-1/2, 1]; ``Min`` onto [0, 1]; ``Max`` onto [-1, 1].
    Where every position is equally likely KTAB divides 0 by 0; here every actor is then
    risk neutral (R = 0).
    """
    low, high = probability.min(), probability.max()
    if not high > low:
        return np.zeros_like(probability)
    if big_r_range == "Min":
        return (probability - low) / (high - low)
    if big_r_range == "Mid":
        return (3 * probability - (high + 2 * low)) / (2 * (high - low))
    return (2 * probability - (high + low)) / (high - low)


def unique_positions(position: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group positions within :data:`POSITION_TOLERANCE` (``KBase::ueIndices``).

    Scanning actors in order, each joins the first earlier representative within tolerance
    or becomes one.

    Returns
    -------
    representatives : ndarray of int
        Actor index of each distinct position.
    shown : ndarray of int, shape (n,)
        For each actor, the index (into ``representatives``) of the *last* representative
        within tolerance: the one whose probability KTAB reports for the actor
        (``State::posProb``), which differs from its own group when groups chain.
    """
    gap = position[:, None, :] - position[None, :, :]
    close = np.sqrt(sequential_sum(np.moveaxis(gap * gap, -1, 0))) < POSITION_TOLERANCE
    representatives: list[int] = []
    for i in range(position.shape[0]):
        if not any(close[i, r] for r in representatives):
            representatives.append(i)
    reps = np.array(representatives)
    within = close[:, reps]
    shown = reps.size - 1 - np.argmax(within[:, ::-1], axis=1)
    return reps, shown


@dataclass(frozen=True)
class Assessment:
    """What every actor believes in one state (``SMPState::setAllAUtil``)."""

    distance: np.ndarray  # [i, j]: from i's ideal to j's position, i's weights
    closeness: np.ndarray  # 1 - distance
    diag_distance: np.ndarray  # d_ii, from ideal to own position (0 while ideals track)
    diag_closeness: np.ndarray  # 1 - d_ii
    index: np.ndarray  # 0..n-1
    risk: np.ndarray  # R_i
    risk_estimate: np.ndarray  # [h, i]: h's estimate of R_i
    own_utility: np.ndarray  # [i, j]: i's utility of j's position, i's own risk attitude
    probability: np.ndarray  # [i]: probability of i's position prevailing (as KTAB shows it)
    representatives: np.ndarray  # actor index of each distinct position
    distinct_probability: np.ndarray  # probability of each distinct position


def assess(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    settings: Settings,
) -> Assessment:
    """Risk attitudes, utilities and position probabilities of a state.

    Follows ``SMPState::setAllAUtil``: risk-neutral utilities :math:`1-d_{ij}` give each
    actor's position a probability (``scalarPCE`` over all n positions, capability as
    weight), which gives the risk attitudes (:func:`risk_from_probability`) from which every
    actor estimates everyone's utilities. The probabilities reported for the state are
    ``SMPState::pDist(-1)``: each actor's own utilities, over distinct positions only.
    """
    distance = weighted_distance(position, position, salience)
    neutral = scalar_pce(capability, 1 - distance, settings)
    risk = risk_from_probability(neutral, settings.big_r_range)
    risk_estimate = estimated_risk(risk, settings.big_r_adjust)
    own_utility = spatial_utility(distance, np.diag(risk_estimate)[:, None])
    reps, shown = unique_positions(position)
    distinct = scalar_pce(capability, own_utility[:, reps], settings)
    closeness = 1 - distance
    return Assessment(
        distance,
        closeness,
        np.diag(distance).copy(),
        np.diag(closeness).copy(),
        np.arange(position.shape[0]),
        risk,
        risk_estimate,
        own_utility,
        distinct[shown],
        reps,
        distinct,
    )
