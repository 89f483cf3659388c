"""Challenges in SMP: who gains by challenging whom, as each actor estimates it.

KTAB's ``SMPState::probEduChlg`` (:func:`challenge_estimates`, with the third parties'
``Actor::vProbLittle`` and ``Actor::thirdPartyVoteSU``), laid out by blocks of initiators
and targets (:func:`initiator_estimates`), and ``SMPState::bestChallenge``
(:func:`best_challenges`).
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from oracles.smp_numpy.probability import Assessment, vote
from oracles.smp_numpy.utility import BLOCK_ELEMENTS, THREADED_ACTORS, spatial_utility
from tawazun.models._smp_kernel.settings import (
    MIN_PRINCIPALS,
    MIN_SIGNIFICANT_GAIN,
    Settings,
    sequential_sum,
)


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
