"""Challenges, compiled: who gains by challenging whom, as each actor estimates it.

KTAB's ``SMPState::probEduChlg`` (with the third parties' ``Actor::vProbLittle`` and
``Actor::thirdPartyVoteSU``) and ``SMPState::bestChallenge``, as loops compiled with Numba
in the order of operations of :mod:`tawazun.models._smp_kernel.challenge`:
:func:`challenge_estimate` for any (h, k, i, j), :func:`best_challenges` for every
initiator's own estimates (h = k = i), laid out so that the innermost loop runs over the
targets (independent sums, which the compiler vectorises) while each target's coalitions
add up their third parties one after another, as KTAB's loop does.
"""

from __future__ import annotations

import numpy as np

from tawazun.models._smp_kernel.compiled.election import jit, vote
from tawazun.models._smp_kernel.compiled.state import spatial_utility
from tawazun.models._smp_kernel.settings import (
    MIN_PRINCIPALS,
    MIN_SIGNIFICANT_GAIN,
    THIRD_PARTY_COMMITS,
)

NO_COMMIT = THIRD_PARTY_COMMITS.index("NoCommit")
FULL_COMMIT = THIRD_PARTY_COMMITS.index("FullCommit")


@jit
def principals(
    rule: int, w_i: float, w_j: float, u_ii: float, u_ij: float, u_ji: float, u_jj: float
) -> tuple[float, float]:
    """The principals' own votes on i against j, as the coalitions C_i, C_j they start
    (``probEduChlg``: each votes its weight on its own utilities, floors of 1e-10)."""
    vote_i = vote(rule, w_i, u_ii, u_ij)
    vote_j = vote(rule, w_j, u_ji, u_jj)
    for_i = MIN_PRINCIPALS + vote_i if vote_i > 0 else MIN_PRINCIPALS
    for_i = for_i + vote_j if vote_j > 0 else for_i
    for_j = MIN_PRINCIPALS - vote_i if vote_i < 0 else MIN_PRINCIPALS
    for_j = for_j - vote_j if vote_j < 0 else for_j
    return for_i, for_j


@jit
def expected_gain(
    c_ij: float, c_ji: float, s_j: float, u_ki: float, u_kj: float
) -> tuple[float, float]:
    r"""p = C_ij / (C_ij + C_ji) and k's expected gain if i challenges j:
    :math:`(1-s_j)\,2u_{ki} + s_j\,[p\,2u_{ki} + (1-p)\,2u_{kj}] - (u_{ki}+u_{kj})`."""
    p_ij = c_ij / (c_ij + c_ji)
    p_ji = c_ji / (c_ij + c_ji)
    eu_victory = u_ki + u_ki
    eu_contest = p_ij * eu_victory + p_ji * (u_kj + u_kj)
    eu_challenge = (1 - s_j) * eu_victory + s_j * eu_contest
    return p_ij, eu_challenge - (u_ki + u_kj)


@jit
def challenge_estimate(
    distance: np.ndarray,
    risk_estimate: np.ndarray,
    weight: np.ndarray,
    salience_total: np.ndarray,
    rule: int,
    commit: int,
    h: int,
    k: int,
    i: int,
    j: int,
) -> tuple[float, float]:
    """h's estimate of the chance that i beats j, and of k's expected gain if i challenges
    j (``SMPState::probEduChlg``; see
    :func:`tawazun.models._smp_kernel.challenge.challenge_estimates`)."""
    r_h = risk_estimate[h]
    for_i, for_j = principals(
        rule,
        weight[i],
        weight[j],
        spatial_utility(distance[i, i], r_h[i]),
        spatial_utility(distance[i, j], r_h[i]),
        spatial_utility(distance[j, i], r_h[j]),
        spatial_utility(distance[j, j], r_h[j]),
    )
    c_ij, c_ji = for_i, for_j
    for t in range(weight.size):
        if t in (i, j):
            continue
        u_ti = spatial_utility(distance[t, i], r_h[t])
        u_tj = spatial_utility(distance[t, j], r_h[t])
        u_tt = spatial_utility(distance[t, t], r_h[t])
        little = vote(rule, weight[t], u_ti, u_tj)
        c_i = for_i + little if little > 0 else for_i
        c_j = for_j - little if little < 0 else for_j
        p_i = c_i / (c_i + c_j)
        p_j = 1.0 - p_i
        joins_i_wins = u_ti + u_ti + (u_ti if commit == FULL_COMMIT else u_tt)
        alone_j_wins = u_tj + u_tj + (u_tt if commit == NO_COMMIT else u_tj)
        alone_i_wins = u_ti + u_ti + (u_tt if commit == NO_COMMIT else u_ti)
        joins_j_wins = u_tj + u_tj + (u_tj if commit == FULL_COMMIT else u_tt)
        with_i = (p_i * joins_i_wins) + (p_j * alone_j_wins)
        with_j = (p_i * alone_i_wins) + (p_j * joins_j_wins)
        third = vote(rule, weight[t], with_i, with_j)
        if third > 0:
            c_ij += third
        if third < 0:
            c_ji += -third
    u_ki = spatial_utility(distance[k, i], r_h[k])
    u_kj = spatial_utility(distance[k, j], r_h[k])
    return expected_gain(c_ij, c_ji, salience_total[j], u_ki, u_kj)


#: Rows of the work array of :func:`initiator_estimates`.
C_IJ, C_JI, FOR_I, FOR_J, U_IJ, P_WIN, GAIN = range(7)


@jit
def initiator_estimates(
    distance: np.ndarray,
    risk_estimate: np.ndarray,
    weight: np.ndarray,
    salience_total: np.ndarray,
    rule: int,
    commit: int,
    i: int,
    work: np.ndarray,
) -> None:
    """Initiator i's own estimates (h = k = i) against every target j, into
    ``work[P_WIN, j]`` and ``work[GAIN, j]`` (``probEduChlg``; entry j = i is meaningless).

    Each target's coalitions C_ij, C_ji start from the principals' votes and add the
    third parties' votes one after another; a third party sizes up its "little conflict"
    with i and j (``Actor::vProbLittle``) and votes on the outcomes with its help on either
    side (``Actor::thirdPartyVoteSU``). ``work`` (7, n) is reused from initiator to
    initiator: allocations cost more than the arithmetic in small games.
    """
    n = weight.size
    r_i = risk_estimate[i, i]
    u_ii = spatial_utility(distance[i, i], r_i)
    for j in range(n):
        r_j = risk_estimate[i, j]  # i's estimate of j's risk attitude
        work[U_IJ, j] = spatial_utility(distance[i, j], r_i)
        work[FOR_I, j], work[FOR_J, j] = principals(
            rule,
            weight[i],
            weight[j],
            u_ii,
            work[U_IJ, j],
            spatial_utility(distance[j, i], r_j),
            spatial_utility(distance[j, j], r_j),
        )
        work[C_IJ, j], work[C_JI, j] = work[FOR_I, j], work[FOR_J, j]
    for t in range(n):
        if t == i:
            continue
        w_t, r_t = weight[t], risk_estimate[i, t]
        u_ti = spatial_utility(distance[t, i], r_t)
        u_tt = spatial_utility(distance[t, t], r_t)
        twice_ti = u_ti + u_ti
        joins_i_wins = twice_ti + (u_ti if commit == FULL_COMMIT else u_tt)
        alone_i_wins = twice_ti + (u_tt if commit == NO_COMMIT else u_ti)
        for j in range(n):
            u_tj = spatial_utility(distance[t, j], r_t)
            little = vote(rule, w_t, u_ti, u_tj)
            c_i = work[FOR_I, j] + max(little, 0.0)
            c_j = work[FOR_J, j] - min(little, 0.0)
            p_i = c_i / (c_i + c_j)
            p_j = 1.0 - p_i
            twice_tj = u_tj + u_tj
            alone_j_wins = twice_tj + (u_tt if commit == NO_COMMIT else u_tj)
            joins_j_wins = twice_tj + (u_tj if commit == FULL_COMMIT else u_tt)
            with_i = p_i * joins_i_wins + p_j * alone_j_wins
            with_j = p_i * alone_i_wins + p_j * joins_j_wins
            third = vote(rule, w_t, with_i, with_j) if j != t else 0.0
            work[C_IJ, j] += max(third, 0.0)
            work[C_JI, j] -= min(third, 0.0)
    for j in range(n):
        work[P_WIN, j], work[GAIN, j] = expected_gain(
            work[C_IJ, j], work[C_JI, j], salience_total[j], u_ii, work[U_IJ, j]
        )


@jit
def best_challenges(
    distance: np.ndarray,
    risk_estimate: np.ndarray,
    weight: np.ndarray,
    salience_total: np.ndarray,
    rule: int,
    commit: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each actor's most advantageous target by its own estimate (``bestChallenge``): the
    first j with the largest expected gain above :data:`MIN_SIGNIFICANT_GAIN`, -1 where no
    challenge pays; with the initiator's estimates for it (0 where none)."""
    n = weight.size
    target = np.full(n, -1, dtype=np.int64)
    chosen_p = np.zeros(n)
    chosen_gain = np.zeros(n)
    work = np.empty((7, n))
    for i in range(n):
        initiator_estimates(distance, risk_estimate, weight, salience_total, rule, commit, i, work)
        best = -np.inf
        for j in range(n):
            if j != i and work[GAIN, j] > MIN_SIGNIFICANT_GAIN and work[GAIN, j] > best:
                best = work[GAIN, j]
                target[i] = j
        if target[i] >= 0:
            chosen_p[i] = work[P_WIN, target[i]]
            chosen_gain[i] = work[GAIN, target[i]]
    return target, chosen_p, chosen_gain
