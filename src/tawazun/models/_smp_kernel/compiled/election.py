"""Votes and elections, compiled: the probability that each option prevails.

KTAB's ``Model::vote``, ``Model::coalitions``, ``Model::vProb``, ``Model::condPCE``,
``markovUniformPCE``, ``markovIncentivePCE`` and ``scalarPCE``, as loops compiled with
Numba. Every option is an integer code (its index in the tuples of
:mod:`tawazun.models._smp_kernel.settings`, see :func:`codes`), so that one compiled
function serves every setting. Sums run in KTAB's order, term after term, with the same
operands in the same order as :mod:`tawazun.models._smp_kernel.probability`: the same
doubles (a property test holds them to it).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from tawazun.models._smp_kernel.settings import (
    BARGAIN_MODELS,
    BIG_R_ADJUSTS,
    BIG_R_RANGES,
    INTERPOLATIONS,
    MIN_COALITION,
    PCE_MODELS,
    STATE_TRANSITIONS,
    THIRD_PARTY_COMMITS,
    VICTORY_MODELS,
    VOTING_RULES,
    Settings,
)

# error_model="numpy": a division by zero gives inf or NaN as in NumPy's kernel, without
# the check Python's ZeroDivisionError needs
jit = njit(cache=True, error_model="numpy")

PROP = VOTING_RULES.index("Prop")
BINARY_RULE = VOTING_RULES.index("Binary")
PROP_BIN = VOTING_RULES.index("PropBin")
PROP_CBC = VOTING_RULES.index("PropCbc")
CUBIC = VOTING_RULES.index("Cubic")
LINEAR = VICTORY_MODELS.index("Linear")
SQUARE = VICTORY_MODELS.index("Square")
QUARTIC = VICTORY_MODELS.index("Quartic")
OCTIC = VICTORY_MODELS.index("Octic")
CONDITIONAL = PCE_MODELS.index("Conditional")
MARKOV_UNIFORM = PCE_MODELS.index("MarkovUniform")


def codes(settings: Settings) -> tuple[int, ...]:
    """The settings' options as integer codes, in the order the compiled functions take them:
    voting rule, victory model, PCE model, R range, R adjustment, third-party commitment,
    interpolation, bargain model, state transitions."""
    return (
        VOTING_RULES.index(settings.voting_rule),
        VICTORY_MODELS.index(settings.victory_model),
        PCE_MODELS.index(settings.pce_model),
        BIG_R_RANGES.index(settings.big_r_range),
        BIG_R_ADJUSTS.index(settings.big_r_adjust),
        THIRD_PARTY_COMMITS.index(settings.third_party_commit),
        INTERPOLATIONS.index(settings.interpolation),
        BARGAIN_MODELS.index(settings.bargain_model),
        STATE_TRANSITIONS.index(settings.state_transitions),
    )


@jit
def vote(rule: int, weight: float, u_for: float, u_against: float) -> float:
    r"""An actor's vote for one option over another (``Model::vote``).

    ``Prop``: :math:`v = w\,(u_a - u_b)`; ``Binary`` a steep step (the difference over
    :math:`10^{-8}`, clipped to [-1, 1]); ``PropBin`` and ``PropCbc`` blends with it and
    with the cube; ``Cubic`` the cube; ``ASymProsp`` discounts gains by 2/3.
    """
    du = u_for - u_against
    if rule == PROP:
        return weight * du
    binary = min(max(du / 1e-8, -1.0), 1.0)
    if rule == BINARY_RULE:
        return weight * binary
    if rule == PROP_BIN:
        return weight * ((1 - 0.2) * du + 0.2 * binary)
    cubic = du * du * du
    if rule == PROP_CBC:
        return weight * ((1 - 0.5) * du + 0.5 * cubic)
    if rule == CUBIC:
        return weight * cubic
    if du < 0:
        return weight * du
    if du > 0:
        return (2.0 * weight * du) / 3.0
    return 0.0


@jit
def coalition_strengths(rule: int, weight: np.ndarray, utility: np.ndarray) -> np.ndarray:
    r"""Strength of the coalition for option i against option j (``Model::coalitions``).

    For each pair i > j, :math:`c_{ij} = 10^{-8} + \sum_k \max(v_k(i:j), 0)` and
    :math:`c_{ji} = 10^{-8} - \sum_k \min(v_k(i:j), 0)`, voters k in order; the diagonal
    is :math:`10^{-8}`.

    Parameters
    ----------
    weight : ndarray, shape (n,)
    utility : ndarray, shape (n, options)
        Voter k's utility of each option.
    """
    voters, options = utility.shape
    strengths = np.empty((options, options))
    support = np.empty(options)
    opposition = np.empty(options)
    for i in range(options):
        support[:i] = MIN_COALITION
        opposition[:i] = MIN_COALITION
        for k in range(voters):
            w, u_i = weight[k], utility[k, i]
            for j in range(i):
                v = vote(rule, w, u_i, utility[k, j])
                support[j] += max(v, 0.0)
                opposition[j] -= min(v, 0.0)
        for j in range(i):
            strengths[i, j] = support[j]
            strengths[j, i] = opposition[j]
        strengths[i, i] = MIN_COALITION
    return strengths


@jit
def victory_weights(model: int, s1: float, s2: float) -> tuple[float, float]:
    """The two terms of ``Model::vProb(vpm, s1, s2)`` before they are normalised."""
    if model == LINEAR:
        return s1, s2
    if model == SQUARE:
        return s1 * s1, s2 * s2
    if model == QUARTIC:
        q1, q2 = s1 * s1, s2 * s2
        return q1 * q1, q2 * q2
    if model == OCTIC:
        q1, q2 = s1 * s1, s2 * s2
        q1, q2 = q1 * q1, q2 * q2
        return q1 * q1, q2 * q2
    threshold = 1.10
    if s1 >= threshold * s2:
        return 1.0, 1e-6
    if s2 >= threshold * s1:
        return 1e-6, 1.0
    share = (s1 / (s1 + s2) * (threshold + 1.0) - 1.0) / (threshold - 1.0)
    return share, 1 - share


@jit
def victory_probability(model: int, strengths: np.ndarray) -> np.ndarray:
    r"""Probability that option i defeats option j (``Model::vProb``): for ``Linear``,
    :math:`p_{ij} = c_{ij}/(c_{ij}+c_{ji})`; the diagonal is 1/2."""
    options = strengths.shape[0]
    probability = np.empty((options, options))
    for i in range(options):
        for j in range(i):
            x1, x2 = victory_weights(model, strengths[i, j], strengths[j, i])
            probability[i, j] = x1 / (x1 + x2)
            probability[j, i] = x2 / (x1 + x2)
        probability[i, i] = 0.5
    return probability


@jit
def conditional_pce(victory: np.ndarray) -> np.ndarray:
    r"""``Model::condPCE``: :math:`P_i \propto \prod_j p_{ij}`, the chance i beats all."""
    options = victory.shape[0]
    beats_all = np.empty(options)
    total = 0.0
    for i in range(options):
        product = victory[i, 0]
        for j in range(1, options):
            product *= victory[i, j]
        beats_all[i] = product
        total += product
    return beats_all / total


@jit
def markov_uniform_pce(victory: np.ndarray) -> np.ndarray:
    r"""``Model::markovUniformPCE``: iterates
    :math:`q_i = \frac1n \sum_j p_{ij}(P_i+P_j)`, :math:`P \leftarrow (P+q)/2` until no
    probability changes by more than :math:`10^{-6}`."""
    options = victory.shape[0]
    p = np.full(options, 1.0 / options)
    q = np.empty(options)
    change = 1.0
    while change > 1e-6:
        change = 0.0
        for i in range(options):
            acc = 0.0
            for j in range(options):
                acc += victory[i, j] * (p[i] + p[j])
            q[i] = acc / options
            change = max(change, abs(q[i] - p[i]))
        p = (p + q) / 2.0
    return p


@jit
def markov_incentive_pce(strengths: np.ndarray, victory: np.ndarray) -> np.ndarray:
    r"""``Model::markovIncentivePCE``: i challenges j with a probability in proportion to
    the incentive :math:`c_{ij} p_{ij}` and wins with :math:`p_{ij}`; iterated to a change
    below :math:`10^{-8}`."""
    options = victory.shape[0]
    incentive = np.empty((options, options))
    for i in range(options):
        for j in range(options):
            incentive[i, j] = strengths[i, j] * victory[i, j] + (1e-10 if i == j else 0.0)
    column = np.zeros(options)
    for k in range(options):
        for j in range(options):
            column[j] += incentive[k, j]
    challenge = incentive / column[None, :]
    p = np.full(options, 1.0 / options)
    q = np.empty(options)
    change = 1.0
    while change > 1e-8:
        change = 0.0
        for i in range(options):
            acc = 0.0
            for j in range(options):
                acc += victory[i, j] * (p[i] * challenge[j, i] + p[j] * challenge[i, j])
            q[i] = acc
            change = max(change, abs(q[i] - p[i]))
        p = (p + q) / 2.0
    return p


@jit
def scalar_pce(
    rule: int, victory_model: int, pce_model: int, weight: np.ndarray, utility: np.ndarray
) -> np.ndarray:
    """Probability of each option when actors of scalar weight vote by utility
    (``Model::scalarPCE`` with ``Model::probCE2``).

    Parameters
    ----------
    weight : ndarray, shape (n,)
    utility : ndarray, shape (n, options)

    Returns
    -------
    ndarray, shape (options,)
    """
    strengths = coalition_strengths(rule, weight, utility)
    victory = victory_probability(victory_model, strengths)
    if pce_model == CONDITIONAL:
        return conditional_pce(victory)
    if pce_model == MARKOV_UNIFORM:
        return markov_uniform_pce(victory)
    return markov_incentive_pce(strengths, victory)
