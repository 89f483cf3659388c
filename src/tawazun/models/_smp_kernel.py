"""The arithmetic of KTAB's spatial model of politics (SMP), vectorised with NumPy.

Every function here restates one routine of KTAB (KAPSARC's Toolkit for Behavioral Analysis,
public mirror lsyaseen/KTAB at commit 3b5b063) in array form; the docstrings name the routine.
Positions are on KTAB's internal 0-1 scale and saliences on 0-1 with each actor's total at
most 1, as KTAB holds them after reading a scenario.

Sums run in KTAB's order (one term after another, along axis 0, which NumPy reduces
sequentially) so that the results are the same doubles KTAB computes, not merely close:
KTAB rounds bargains to 4 decimals and compares gains with thresholds, and an exact
transcription keeps both on the same side of the line.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

#: Names of the options, as KTAB spells them (kmodel.h, smp.h).
VICTORY_MODELS = ("Linear", "Square", "Quartic", "Octic", "Binary")
PCE_MODELS = ("Conditional", "MarkovIncentive", "MarkovUniform")
STATE_TRANSITIONS = ("Deterministic", "Stochastic")
VOTING_RULES = ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp")
BIG_R_RANGES = ("Min", "Mid", "Max")
BIG_R_ADJUSTS = ("None", "OneThird", "Half", "TwoThirds", "Full")
THIRD_PARTY_COMMITS = ("NoCommit", "SemiCommit", "FullCommit")
INTERPOLATIONS = ("S1P1", "S2P2", "S2PMax")
BARGAIN_MODELS = ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp")

#: Floors KTAB adds so that no coalition is empty (Model::coalitions, probEduChlg).
MIN_COALITION = 1e-8
MIN_PRINCIPALS = 1e-10
#: Smallest expected gain worth a challenge (SMPState::bestChallenge).
MIN_SIGNIFICANT_GAIN = 1e-5
#: Positions closer than this (Euclidean, 0-1 scale) are one position (SMPModel::posTol).
POSITION_TOLERANCE = 1e-3
#: Elements per work array in the cubic steps: big enough to amortise NumPy's call
#: overhead, small enough to stay in cache.
BLOCK_ELEMENTS = 65536
#: Games of this many actors or more spread the challenge estimates over threads; smaller
#: ones take less time than starting the threads.
THREADED_ACTORS = 64


@dataclass(frozen=True)
class Settings:
    """KTAB's model parameters (SMPModel, Model) and stopping rule (SMPModel::configExec)."""

    victory_model: str = "Linear"
    pce_model: str = "Conditional"
    state_transitions: str = "Deterministic"
    voting_rule: str = "Prop"
    big_r_range: str = "Mid"
    big_r_adjust: str = "OneThird"
    third_party_commit: str = "SemiCommit"
    interpolation: str = "S2P2"
    bargain_model: str = "InitOnlyInterp"
    min_turns: int = 2
    max_turns: int = 100
    min_delta_ratio: float = 0.02
    min_sig_delta: float = 1e-4


@dataclass
class History:
    """What happened in one SMP game, turn by turn (turn 0 is the input).

    ``positions``, ``risk`` and ``probability`` have one entry per state (turns 0..T); the
    other lists one entry per step (turns 1..T), describing how that state was reached.
    """

    positions: list[np.ndarray] = field(default_factory=list)
    risk: list[np.ndarray] = field(default_factory=list)
    probability: list[np.ndarray] = field(default_factory=list)
    distinct: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    target: list[np.ndarray] = field(default_factory=list)
    win_probability: list[np.ndarray] = field(default_factory=list)
    gain: list[np.ndarray] = field(default_factory=list)
    bargains: list[list[tuple[int, int, np.ndarray, np.ndarray]]] = field(default_factory=list)
    chosen: list[np.ndarray] = field(default_factory=list)
    chosen_probability: list[np.ndarray] = field(default_factory=list)
    fractional_change: list[float] = field(default_factory=list)
    stop_reason: str = ""

    @property
    def turns(self) -> int:
        return len(self.positions) - 1


def sequential_sum(terms: np.ndarray, initial: float = 0.0) -> np.ndarray:
    """Sum along axis 0 one term after another, as KTAB's loops do."""
    return np.add.reduce(np.ascontiguousarray(terms), axis=0, initial=initial)


# -- utility --------------------------------------------------------------------------------
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


# -- votes, coalitions, probabilities -------------------------------------------------------
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


# -- the state of a turn --------------------------------------------------------------------
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


# -- challenges -----------------------------------------------------------------------------
def challenge_estimates(
    assessment: Assessment,
    weight: np.ndarray,
    salience_total: np.ndarray,
    settings: Settings,
    h: np.ndarray,
    k: np.ndarray,
    i: np.ndarray,
    j: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    r"""h's estimate of the chance that i beats j, and of k's expected gain if i challenges j.

    ``SMPState::probEduChlg``, for arrays of (h, k, i, j). The principals vote their own
    weight (capability x total salience) on their own positions; every third party n then
    sizes up the "little conflict" of i, j and itself (``Actor::vProbLittle``) and votes
    on the difference between the outcomes with its help on either side
    (``Actor::thirdPartyVoteSU``, whose utilities depend on the third-party commitment).
    With coalition strengths :math:`C_{ij}, C_{ji}`, :math:`p = C_{ij}/(C_{ij}+C_{ji})` and
    the expected gain is

    .. math:: (1-s_j)\,2u_{ki} + s_j\,[p\,2u_{ki} + (1-p)\,2u_{kj}] - (u_{ki}+u_{kj})

    since j gives in without a contest with probability :math:`1-s_j` (its total salience).

    Returns
    -------
    p_win, gain : ndarray, shape (len(i),)
    """
    dist, r_hat = assessment.distance, assessment.risk_estimate

    def util(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return spatial_utility(dist[a, b], r_hat[h, a])

    rule = settings.voting_rule
    u_ki, u_kj = util(k, i), util(k, j)
    eu_status_quo = u_ki + u_kj
    eu_victory = u_ki + u_ki
    eu_defeat = u_kj + u_kj

    vote_i = vote(rule, weight[i], util(i, i), util(i, j))
    vote_j = vote(rule, weight[j], util(j, i), util(j, j))
    for_i = np.where(vote_i > 0, MIN_PRINCIPALS + vote_i, MIN_PRINCIPALS)
    for_i = np.where(vote_j > 0, for_i + vote_j, for_i)
    for_j = np.where(vote_i < 0, MIN_PRINCIPALS - vote_i, MIN_PRINCIPALS)
    for_j = np.where(vote_j < 0, for_j - vote_j, for_j)

    # third parties n along axis 0, so that their votes add up in KTAB's order
    r_n = np.ascontiguousarray(r_hat.T[:, h])
    u_ni = spatial_utility(dist[:, i], r_n)
    u_nj = spatial_utility(dist[:, j], r_n)
    u_nn = spatial_utility(np.diag(dist)[:, None], r_n)
    w_n = weight[:, None]
    little = vote(rule, w_n, u_ni, u_nj)
    c_i = np.where(little > 0, for_i + little, for_i)
    c_j = np.where(little < 0, for_j - little, for_j)
    p_i = c_i / (c_i + c_j)
    p_j = 1.0 - p_i
    commit = settings.third_party_commit
    joins_i_wins = u_ni + u_ni + (u_ni if commit == "FullCommit" else u_nn)
    alone_j_wins = u_nj + u_nj + (u_nn if commit == "NoCommit" else u_nj)
    alone_i_wins = u_ni + u_ni + (u_nn if commit == "NoCommit" else u_ni)
    joins_j_wins = u_nj + u_nj + (u_nj if commit == "FullCommit" else u_nn)
    with_i = (p_i * joins_i_wins) + (p_j * alone_j_wins)
    with_j = (p_i * alone_i_wins) + (p_j * joins_j_wins)
    third = vote(rule, w_n, with_i, with_j)
    n_index = np.arange(dist.shape[0])[:, None]
    bystander = (n_index != i) & (n_index != j)
    strength_i = np.concatenate([for_i[None], np.where(bystander & (third > 0), third, 0.0)])
    strength_j = np.concatenate([for_j[None], np.where(bystander & (third < 0), -third, 0.0)])
    c_ij, c_ji = sequential_sum(strength_i), sequential_sum(strength_j)

    p_ij = c_ij / (c_ij + c_ji)
    p_ji = c_ji / (c_ij + c_ji)
    s_j = salience_total[j]
    eu_contest = p_ij * eu_victory + p_ji * eu_defeat
    eu_challenge = (1 - s_j) * eu_victory + s_j * eu_contest
    return p_ij, eu_challenge - eu_status_quo


class Workspace:
    """Work arrays reused from block to block (see :func:`initiator_estimates`)."""

    def __init__(self, size: int) -> None:
        self._flat = [np.empty(size) for _ in range(6)]
        self._votes = np.empty(0)

    def take(self, k: int, shape: tuple[int, ...]) -> np.ndarray:
        """The k-th work array, as a contiguous array of ``shape``."""
        return self._flat[k][: math.prod(shape)].reshape(shape)

    def votes(self, shape: tuple[int, ...]) -> np.ndarray:
        """A contiguous array of ``shape`` for the third parties' votes."""
        size = math.prod(shape)
        if self._votes.size < size:
            self._votes = np.empty(size)
        return self._votes[:size].reshape(shape)


def initiator_estimates(
    assessment: Assessment,
    weight: np.ndarray,
    salience_total: np.ndarray,
    settings: Settings,
    initiators: slice,
    targets: slice,
    workspace: Workspace | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`challenge_estimates` with h = k = i, for a block of initiators and targets.

    The same arithmetic, laid out as (third party, initiator, target) so that the utilities
    of a third party for i and for itself are computed once per initiator rather than once
    per pair; it gives the same doubles (a test holds it to that).

    Returns
    -------
    p_win, gain : ndarray, shape (initiators, targets)
        Entries with j = i are meaningless.
    """
    dist, r_hat, rule = assessment.distance, assessment.risk_estimate, settings.voting_rule
    closeness = assessment.closeness
    diag_close, diag_dist = assessment.diag_closeness, assessment.diag_distance
    n = dist.shape[0]
    i_index = assessment.index[initiators]
    j_index = assessment.index[targets]
    b, t = i_index.size, j_index.size
    x = assessment.index[:b]
    r_i = r_hat[initiators]  # [x, a]: initiator x's estimate of R_a
    r_ij = r_i[:, targets]
    own = r_i[x, i_index][:, None]
    u_ii = diag_close[initiators][:, None] * (1 + diag_dist[initiators][:, None] * own)
    u_ij = closeness[initiators, targets] * (1 + dist[initiators, targets] * own)
    u_ji = closeness[targets, initiators].T * (1 + dist[targets, initiators].T * r_ij)
    u_jj = diag_close[targets][None, :] * (1 + diag_dist[targets][None, :] * r_ij)
    eu_status_quo = u_ii + u_ij
    eu_victory = u_ii + u_ii
    eu_defeat = u_ij + u_ij

    vote_i = vote(rule, weight[initiators][:, None], u_ii, u_ij)
    vote_j = vote(rule, weight[targets][None, :], u_ji, u_jj)
    for_i = np.where(vote_i > 0, MIN_PRINCIPALS + vote_i, MIN_PRINCIPALS)
    for_i = np.where(vote_j > 0, for_i + vote_j, for_i)
    for_j = np.where(vote_i < 0, MIN_PRINCIPALS - vote_i, MIN_PRINCIPALS)
    for_j = np.where(vote_j < 0, for_j - vote_j, for_j)

    # [n, x] for third party n and initiator x; [n, x, y] adds target y
    r_n = r_i.T
    u_ni = (closeness[:, initiators] * (1 + dist[:, initiators] * r_n))[:, :, None]
    u_nn = (diag_close[:, None] * (1 + diag_dist[:, None] * r_n))[:, :, None]
    # The cubic part works in place on reused buffers: fresh arrays of this size cost more
    # in page faults than the arithmetic. Each step is the expression in its comment, with
    # operands in an order that gives the same doubles (a + b == b + a, a * b == b * a).
    work = workspace if workspace is not None else Workspace(n * b * t)
    u_nj, temp, c_i, twice, other, with_i = (work.take(k, (n, b, t)) for k in range(6))
    votes = work.votes((n + 1, b, t))
    w_n = weight[:, None, None]
    # u_nj = (1 - d_nj) * (1 + d_nj * R_hn)
    np.multiply(dist[:, None, targets], r_n[:, :, None], out=u_nj)
    u_nj += 1
    u_nj *= closeness[:, None, targets]
    # little = v_n(i:j), then c_i = C_i + max(little, 0), c_j = C_j - min(little, 0)
    if rule == "Prop":
        np.subtract(u_ni, u_nj, out=temp)
        temp *= w_n
    else:
        np.copyto(temp, vote(rule, w_n, u_ni, u_nj))
    np.maximum(temp, 0.0, out=c_i)
    c_i += for_i
    np.minimum(temp, 0.0, out=temp)
    np.subtract(for_j, temp, out=temp)
    # p_i = c_i / (c_i + c_j), p_j = 1 - p_i
    temp += c_i
    p_i = np.divide(c_i, temp, out=c_i)
    p_j = np.subtract(1.0, p_i, out=temp)
    commit = settings.third_party_commit
    twice_ni = u_ni + u_ni
    joins_i_wins = twice_ni + (u_ni if commit == "FullCommit" else u_nn)
    alone_i_wins = twice_ni + (u_nn if commit == "NoCommit" else u_ni)
    np.add(u_nj, u_nj, out=twice)
    # alone_j_wins = 2 u_nj + (u_nn or u_nj); joins_j_wins = 2 u_nj + (u_nj or u_nn)
    np.add(twice, u_nn if commit == "NoCommit" else u_nj, out=other)
    twice += u_nj if commit == "FullCommit" else u_nn
    # with_i = p_i * joins_i_wins + p_j * alone_j_wins
    np.multiply(p_i, joins_i_wins, out=with_i)
    other *= p_j
    with_i += other
    # with_j = p_i * alone_i_wins + p_j * joins_j_wins
    with_j = np.multiply(p_i, alone_i_wins, out=p_i)
    twice *= p_j
    with_j += twice
    # third = v_n(ik : jk), the third party's vote; principals do not vote twice
    if rule == "Prop":
        third = np.subtract(with_i, with_j, out=with_i)
        third *= w_n
    else:
        third = vote(rule, w_n, with_i, with_j)
    third[i_index, x, :] = 0.0
    third[j_index, :, assessment.index[:t]] = 0.0
    votes[0] = for_i
    np.maximum(third, 0.0, out=votes[1:])
    c_ij = sequential_sum(votes)
    # for_j - v_0 - v_1 ... over the negative votes: KTAB's running sum, term by term
    votes[0] = for_j
    np.minimum(third, 0.0, out=votes[1:])
    c_ji = np.subtract.reduce(votes, axis=0)

    p_ij = c_ij / (c_ij + c_ji)
    p_ji = c_ji / (c_ij + c_ji)
    s_j = salience_total[targets][None, :]
    eu_contest = p_ij * eu_victory + p_ji * eu_defeat
    eu_challenge = (1 - s_j) * eu_victory + s_j * eu_contest
    return p_ij, eu_challenge - eu_status_quo


def best_challenges(
    assessment: Assessment,
    weight: np.ndarray,
    salience_total: np.ndarray,
    settings: Settings,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each actor's most advantageous target, by its own estimate (``bestChallenge``).

    The target is the first j with the largest expected gain above
    :data:`MIN_SIGNIFICANT_GAIN`; -1 where no challenge pays.

    Returns
    -------
    target : ndarray of int, shape (n,)
    p_win, gain : ndarray, shape (n,)
        The initiator's estimates for that target (0 where none).
    """
    n = weight.size
    wins = np.empty((n, n))
    gains = np.empty((n, n))
    pairs = max(1, BLOCK_ELEMENTS // n)
    rows_step = max(1, pairs // n)
    cols_step = n if rows_step > 1 else pairs
    blocks = [
        (slice(r0, min(n, r0 + rows_step)), slice(c0, min(n, c0 + cols_step)))
        for r0 in range(0, n, rows_step)
        for c0 in range(0, n, cols_step)
    ]

    def estimate(share: list[tuple[slice, slice]]) -> None:
        workspace = Workspace(n * rows_step * cols_step)
        for rows, cols in share:
            wins[rows, cols], gains[rows, cols] = initiator_estimates(
                assessment, weight, salience_total, settings, rows, cols, workspace
            )

    # Blocks write disjoint parts of wins and gains, and NumPy's loops release the GIL:
    # large games use every core (the same doubles, whatever the number of threads).
    lanes = min(os.cpu_count() or 1, len(blocks)) if n >= THREADED_ACTORS else 1
    if lanes > 1:
        with ThreadPoolExecutor(lanes) as pool:
            list(pool.map(estimate, [blocks[k::lanes] for k in range(lanes)]))
    else:
        estimate(blocks)
    np.fill_diagonal(gains, -np.inf)
    worth = np.where(gains > MIN_SIGNIFICANT_GAIN, gains, -np.inf)
    target = np.argmax(worth, axis=1)
    rows = np.arange(n)
    chosen = np.isfinite(worth[rows, target])
    return (
        np.where(chosen, target, -1),
        np.where(chosen, wins[rows, target], 0.0),
        np.where(chosen, gains[rows, target], 0.0),
    )


# -- bargains -------------------------------------------------------------------------------
def round4(x: np.ndarray) -> np.ndarray:
    """KTAB's rounding of bargains to 4 decimals: ``(int)(0.5 + 10000 x) / 10000``."""
    return np.trunc(0.5 + x * 10000.0) / 10000.0


def interpolate_bargain(
    pos_i: np.ndarray,
    sal_i: np.ndarray,
    prob_i: np.ndarray,
    pos_j: np.ndarray,
    sal_j: np.ndarray,
    prob_j: np.ndarray,
    interpolation: str,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Positions i and j would take in a bargain (``SMPActor::interpolateBrgn``).

    For ``SnPm`` each actor weighs in, on dimension k, with
    :math:`w_{ik} = s_{ik}^n p_i^m` (``S2P2``, the default: salience and probability
    squared), and both move to nearly the same weighted mean, each keeping a weight of
    :math:`10^{-6}` on its own position; results are rounded to 4 decimals. ``S2PMax``
    moves only the weaker side, in proportion to the probability gap.

    Parameters
    ----------
    pos_i, sal_i, pos_j, sal_j : ndarray, shape (b, m)
    prob_i, prob_j : ndarray, shape (b,)
    """
    p_i, p_j = prob_i[:, None], prob_j[:, None]
    min_weight = 1e-6
    if interpolation == "S2PMax":
        d_i = np.where(p_j > p_i, p_j - p_i, 0.0)
        d_j = np.where(p_i > p_j, p_i - p_j, 0.0)
        s_i2, s_j2 = sal_i * sal_i, sal_j * sal_j
        move_i = (d_i * s_j2) / ((d_i * s_j2) + min_weight + ((1 - d_i) * s_i2))
        move_j = (d_j * s_i2) / ((d_j * s_i2) + min_weight + ((1 - d_j) * s_j2))
        return pos_i + move_i * (pos_j - pos_i), pos_j + move_j * (pos_i - pos_j)
    if interpolation == "S2P2":
        w_i = (sal_i * sal_i) * (p_i * p_i)
        w_j = (sal_j * sal_j) * (p_j * p_j)
    else:
        w_i, w_j = sal_i * p_i, sal_j * p_j
    total = w_i + min_weight + w_j
    new_i = round4(((w_i + min_weight) * pos_i + w_j * pos_j) / total)
    new_j = round4((w_i * pos_i + (min_weight + w_j) * pos_j) / total)
    return new_i, new_j


def propose_bargains(
    assessment: Assessment,
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    weight: np.ndarray,
    salience_total: np.ndarray,
    target: np.ndarray,
    p_win: np.ndarray,
    settings: Settings,
) -> list[tuple[int, int, np.ndarray, np.ndarray]]:
    """The bargains the initiators offer their targets (``SMPState::doBCN(i)``).

    ``InitOnlyInterp`` (default): the bargain the initiator interpolates with its own
    estimate of winning. ``InitRcvrInterp`` adds the one interpolated with the target's
    estimate; ``PWCompInterp`` offers their weighted compromise instead. KTAB's code takes
    the target's "estimate" from the second value of ``probEduChlg`` (the expected gain,
    not the probability) and weighs the compromise with the initiator's capability on
    both sides; that is transcribed as it is.

    Returns
    -------
    list of (initiator, receiver, initiator's new position, receiver's new position)
        In initiator order; ``InitRcvrInterp`` gives two per initiator.
    """
    init = np.flatnonzero(target >= 0)
    if init.size == 0:
        return []
    recv = target[init]
    own_i, own_j = interpolate_bargain(
        position[init],
        salience[init],
        p_win[init],
        position[recv],
        salience[recv],
        1 - p_win[init],
        settings.interpolation,
    )
    if settings.bargain_model == "InitOnlyInterp":
        return [
            (int(a), int(b), own_i[x], own_j[x])
            for x, (a, b) in enumerate(zip(init, recv, strict=True))
        ]
    _, rcvr_view = challenge_estimates(
        assessment, weight, salience_total, settings, recv, init, init, recv
    )
    other_i, other_j = interpolate_bargain(
        position[init],
        salience[init],
        rcvr_view,
        position[recv],
        salience[recv],
        1 - rcvr_view,
        settings.interpolation,
    )
    if settings.bargain_model == "InitRcvrInterp":
        offers = []
        for x, (a, b) in enumerate(zip(init, recv, strict=True)):
            offers.append((int(a), int(b), own_i[x], own_j[x]))
            offers.append((int(a), int(b), other_i[x], other_j[x]))
        return offers
    w_i = (capability[init] * salience_total[init])[:, None]
    w_j = (capability[init] * salience_total[recv])[:, None]
    mixed_i = (w_i * own_i + w_j * other_i) / (w_i + w_j)
    mixed_j = (w_i * own_j + w_j * other_j) / (w_i + w_j)
    return [
        (int(a), int(b), mixed_i[x], mixed_j[x])
        for x, (a, b) in enumerate(zip(init, recv, strict=True))
    ]


def bargain_utilities(
    assessment: Assessment,
    position: np.ndarray,
    salience: np.ndarray,
    bargains: list[tuple[int, int, np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    r"""Every actor's utility of the state each bargain would bring (``brgnUtil``).

    The state after a bargain has the two principals at their bargained positions and
    everyone else where they are; its utility to actor a is the mean of a's utilities of
    the n positions (its own risk attitude, its ideal).

    Returns
    -------
    status_quo : ndarray, shape (n,)
    offers : ndarray, shape (n, len(bargains))
    """
    n = position.shape[0]
    own = assessment.own_utility
    status_quo = sequential_sum(own.T) / n
    if not bargains:
        return status_quo, np.empty((n, 0))
    init = np.array([b[0] for b in bargains])
    recv = np.array([b[1] for b in bargains])
    moved_i = np.array([b[2] for b in bargains])
    moved_j = np.array([b[3] for b in bargains])
    risk = assessment.risk[:, None]
    u_init = spatial_utility(weighted_distance(position, moved_i, salience), risk)
    u_recv = spatial_utility(weighted_distance(position, moved_j, salience), risk)
    offers = u_init + u_recv
    # everyone else's positions, in KTAB's order; x + 0.0 leaves x as it is
    term = np.empty_like(offers)
    for other in range(n):
        kept = ((init != other) & (recv != other)).astype(float)
        np.multiply(own[:, other, None], kept[None, :], out=term)
        offers += term
    offers /= n
    return status_quo, offers


def resolve_bargains(
    assessment: Assessment,
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    bargains: list[tuple[int, int, np.ndarray, np.ndarray]],
    settings: Settings,
    rng: np.random.Generator | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each actor's next position (``SMPState::updateBestBrgnPositions``).

    Actor k's options are its status quo and every bargain it is party to (the status quo
    first, then the bargains in initiator order). All actors vote on them with capability
    as weight (``scalarPCE``); k takes the most probable one (``Deterministic``, the first
    on a tie) or draws one with those probabilities (``Stochastic``).

    Returns
    -------
    new_position : ndarray, shape (n, m)
    chosen : ndarray of int, shape (n,)
        Index into ``bargains``, -1 for the status quo.
    chosen_probability : ndarray, shape (n,)
    """
    n = position.shape[0]
    status_quo, offers = bargain_utilities(assessment, position, salience, bargains)
    parties = np.array([[b[0], b[1]] for b in bargains], dtype=int).reshape(-1, 2)
    new_position = position.copy()
    chosen = np.full(n, -1)
    chosen_probability = np.ones(n)
    options = [np.flatnonzero((parties[:, 0] == k) | (parties[:, 1] == k)) for k in range(n)]
    # actors with as many options vote in one batch of elections
    for count in sorted({o.size for o in options if o.size}):
        actors = [k for k in range(n) if options[k].size == count]
        offered = np.stack([options[k] for k in actors])
        utility = np.concatenate(
            [np.broadcast_to(status_quo, (len(actors), 1, n)), offers.T[offered]], axis=1
        ).transpose(0, 2, 1)
        probabilities = scalar_pce(capability, utility, settings)
        for k, mine, p in zip(actors, offered, probabilities, strict=True):
            if settings.state_transitions == "Deterministic":
                pick = int(np.argmax(p))
            elif rng is None:
                raise ValueError("stochastic state transitions need a random generator")
            else:
                pick = draw(p, rng)
            chosen_probability[k] = p[pick]
            if pick == 0:
                continue
            b = int(mine[pick - 1])
            chosen[k] = b
            new_position[k] = bargains[b][2] if bargains[b][0] == k else bargains[b][3]
    return new_position, chosen, chosen_probability


def draw(p: np.ndarray, rng: np.random.Generator) -> int:
    """One index drawn with probabilities p (``PRNG::probSel``)."""
    u = rng.uniform(0.0, 1.0)
    below = np.flatnonzero(u <= np.cumsum(p))
    return int(below[0]) if below.size else p.size - 1


# -- the game -------------------------------------------------------------------------------
def state_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Sum over actors of the Euclidean distance moved (``SMPModel::stateDist``)."""
    gap = a - b
    return float(sequential_sum(np.sqrt(sequential_sum((gap * gap).T))))


def simulate(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    settings: Settings,
    rng: np.random.Generator | None = None,
) -> History:
    """Run one SMP game to KTAB's stopping rule (``Model::run`` with ``smpStopFn``).

    Each turn, every actor challenges its best target, offers it a bargain, and every
    actor moves to the most probable of the bargains open to it. The game stops after
    turn t when t reaches ``max_turns``, or when t >= ``min_turns`` and the distance moved
    in turn t is below ``min_delta_ratio`` times that of turn 1 (plus ``min_sig_delta``).

    Parameters
    ----------
    capability : ndarray, shape (n,)
        Positive.
    position : ndarray, shape (n, m)
        On 0-1.
    salience : ndarray, shape (n, m)
        On 0-1, each row summing to at most 1 and more than 0.
    """
    salience_total = sequential_sum(salience.T)
    weight = salience_total * capability
    history = History()
    current = np.array(position, dtype=float)
    first_step = 0.0
    turn = 0
    while True:
        assessment = assess(capability, current, salience, settings)
        history.positions.append(current)
        history.risk.append(assessment.risk)
        history.probability.append(assessment.probability)
        history.distinct.append((assessment.representatives, assessment.distinct_probability))
        if history.stop_reason:
            return history
        target, p_win, gain = best_challenges(assessment, weight, salience_total, settings)
        bargains = propose_bargains(
            assessment,
            capability,
            current,
            salience,
            weight,
            salience_total,
            target,
            p_win,
            settings,
        )
        following, chosen, chosen_p = resolve_bargains(
            assessment, capability, current, salience, bargains, settings, rng
        )
        turn += 1
        history.target.append(target)
        history.win_probability.append(p_win)
        history.gain.append(gain)
        history.bargains.append(bargains)
        history.chosen.append(chosen)
        history.chosen_probability.append(chosen_p)
        moved = state_distance(following, current)
        if turn == 1:
            first_step = moved + settings.min_sig_delta
        ratio = moved / first_step
        history.fractional_change.append(ratio)
        if settings.max_turns <= turn:
            history.stop_reason = f"reached the maximum of {settings.max_turns} turns"
        elif settings.min_turns <= turn and ratio < settings.min_delta_ratio:
            history.stop_reason = (
                f"turn {turn} moved {ratio:.4f} of turn 1's distance (< {settings.min_delta_ratio})"
            )
        current = following
