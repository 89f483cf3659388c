"""One variant's quantities, pair by pair (Scholz, Calbert and Smith 2011).

The votes and the probability of success of small tables (eq. 1-3), the expected utilities
of a challenge (eq. 4-9), the danger and the risk exponent (eq. 10-11), the offers and the
one each actor accepts (section 2.4), and the median of every variant.
"""

from __future__ import annotations

import numpy as np

from tawazun.models._eum_compiled.sums import inline, jit, pairwise_sum

#: Offer codes, the index in :data:`tawazun.models._eum_kernel.OFFER_TYPES`; -1 no offer.
CONFRONT, COMPROMISE, CAPITULATE, NONE = 0, 1, 2, -1


@jit
def dense_probability(
    x: np.ndarray, w: np.ndarray, loss: np.ndarray, all_votes: bool, scratch: np.ndarray
) -> np.ndarray:
    r"""P[a, c]: probability that the position of actor ``a`` prevails over that of ``c``.

    Votes for ``a`` over ``c`` are :math:`\sum_k c_k s_k \max(0, L_{kc} - L_{ka})` with
    :math:`L_{ka} = (|x_k - x_a| / \text{width})^{r_k}` voter ``k``'s loss at ``a``
    (Scholz et al. 2011, eq. 1; ``loss``, (n, n)), summed over every voter directly, O(n^3).
    Divided (eq. 3) by all votes cast between ``a`` and ``c`` (``all_votes`` False: 1/2
    where nobody votes, 0 between equal positions) or, as the replication's
    ``BDMScholzModel.probability``, by the sum of every voter's votes over every pair of
    actors (0 if nobody votes at all). ``scratch`` holds n * n doubles.
    """
    n = x.size
    votes = np.zeros((n, n))
    positive = np.empty(n)
    for k in range(n):
        for a in range(n):
            at_a = loss[k, a]
            for c in range(n):
                vote = loss[k, c] - at_a
                if vote < 0.0:
                    vote = 0.0
                scratch[a * n + c] = vote
                votes[a, c] += vote * w[k]
        if all_votes:
            positive[k] = 0.0 + pairwise_sum(scratch, 0, n * n)
    probability = np.empty((n, n))
    if all_votes:
        for k in range(n):
            positive[k] = w[k] * (2 * positive[k])
        total = 0.0 + pairwise_sum(positive, 0, n)
        for a in range(n):
            for c in range(n):
                probability[a, c] = votes[a, c] / total if total > 0 else 0.0
        return probability
    for a in range(n):
        for c in range(n):
            cast = votes[a, c] + votes[c, a]
            found = votes[a, c] / cast if cast > 0 else 0.5
            probability[a, c] = 0.0 if x[a] == x[c] else found
    return probability


# -- expected utilities, danger, risk -------------------------------------------------------
@inline
def expected_utility(
    probability: float, success: float, failure: float, target_salience: float, status_quo: float
) -> float:
    r"""Expected utility of a challenge, eq. 4 of Scholz et al. (2011).

    .. math:: E U = s_j (P U_s + (1 - P) U_f) + (1 - s_j) U_s - [\text{status quo term}]

    with the utilities of success and failure :math:`U_{s,f} = 2 - 4(0.5 \mp 0.5 d)^r`
    (eq. 5-6) already formed (``Actor.eu_challenge`` in the replication).
    """
    resisted = target_salience * (probability * success + (1 - probability) * failure)
    return resisted + (1 - target_salience) * success - status_quo


@inline
def status_quo_term(status_quo: float, better: float, worse: float, q: float, t: float) -> float:
    r""":math:`Q U_{sq} + (1-Q)(T U_b + (1-T) U_w)` (Scholz et al. 2011, eq. 4 and 7-9);
    :math:`U_{sq}` alone for Q = 1, as in the replication."""
    if q == 1.0:
        return status_quo
    return q * status_quo + (1 - q) * (t * better + (1 - t) * worse)


@jit
def risk_from_danger(danger: np.ndarray) -> np.ndarray:
    r"""Risk exponents :math:`r = (1 - R/3) / (1 + R/3)`, with
    :math:`R = (2 D - D_{max} - D_{min}) / (D_{max} - D_{min})` (Scholz et al. 2011, eq.
    10-11); R = 0 where every danger is equal (the replication divides by zero there)."""
    highest, lowest = danger.max(), danger.min()
    spread = highest - lowest
    r = np.empty(danger.size)
    for i in range(danger.size):
        acceptance = (2 * danger[i] - highest - lowest) / spread if spread > 0 else 0.0
        r[i] = (1 - acceptance / 3) / (1 + acceptance / 3)
    return r


@jit
def dangers(
    probability: np.ndarray,
    distance: np.ndarray,
    to_median: np.ndarray,
    s: np.ndarray,
    q: float,
    t: float,
    scratch: np.ndarray,
) -> np.ndarray:
    r"""Each actor's danger :math:`D_i = \sum_{k \ne i} E^i U_k(\Delta x_{ki})` with every
    risk exponent 1 (``Actor.danger_level`` after ``update_risk_aversions`` resets r).

    With exponent 1 every utility is linear, :math:`2 - 4 u`, and no power is taken.
    ``scratch`` holds n doubles.
    """
    n = s.size
    danger = np.empty(n)
    for i in range(n):
        for k in range(n):
            if k == i:
                scratch[k] = 0.0
                continue
            d = distance[i, k]
            spread = 0.25 * (to_median[k] + d)
            term = status_quo_term(0.0, 2 - 4 * (0.5 - spread), 2 - 4 * (0.5 + spread), q, t)
            scratch[k] = expected_utility(
                probability[k, i], 2 - 4 * (0.5 - 0.5 * d), 2 - 4 * (0.5 + 0.5 * d), s[i], term
            )
        danger[i] = 0.0 + pairwise_sum(scratch, 0, n)
    return danger


@jit
def challenge_utilities(
    probability: np.ndarray,
    s: np.ndarray,
    powers: np.ndarray,
    half: np.ndarray,
    q: float,
    t: float,
    eu_ij: np.ndarray,
    eu_ji: np.ndarray,
) -> None:
    r"""Both expected utilities of every pair, from the receiver's point of view.

    ``eu_ij[i, k]`` is :math:`E^i U_i(\Delta x_{ik})`, what ``i`` expects from challenging
    ``k``; ``eu_ji[i, k]`` is :math:`E^i U_k(\Delta x_{ki})`, what ``i`` believes ``k``
    expects from challenging ``i`` (eq. 4, with ``r[i]`` in every utility, as the
    replication's ``Offer.from_actors``). ``powers`` (2 or 6, n, n) holds, for exponent
    ``r[i]``, :math:`(0.5 \mp 0.5 d_{ik})^r` (success, failure, eq. 5-6) and for Q < 1
    :math:`(0.5 \mp 0.25(|x_i - \mu| + d_{ik}))^r` then the same with :math:`|x_k - \mu|`
    (eq. 8-9); ``half`` (n,) is :math:`0.5^{r_i}` (eq. 7).
    """
    n = s.size
    for i in range(n):
        status_quo = 2 - 4 * half[i]
        for k in range(n):
            success = 2 - 4 * powers[0, i, k]
            failure = 2 - 4 * powers[1, i, k]
            own = other = status_quo
            if q != 1.0:
                own = status_quo_term(
                    status_quo, 2 - 4 * powers[2, i, k], 2 - 4 * powers[3, i, k], q, t
                )
                other = status_quo_term(
                    status_quo, 2 - 4 * powers[4, i, k], 2 - 4 * powers[5, i, k], q, t
                )
            eu_ij[i, k] = expected_utility(probability[i, k], success, failure, s[k], own)
            eu_ji[i, k] = expected_utility(probability[k, i], success, failure, s[i], other)


# -- offers ----------------------------------------------------------------------------------
@jit
def choose_offers(
    x: np.ndarray,
    eu_ij: np.ndarray,
    eu_ji: np.ndarray,
    paper_capitulation: bool,
    least_move: bool,
    kind: np.ndarray,
    position: np.ndarray,
) -> np.ndarray:
    r"""Every offer and the one each actor accepts (Scholz et al. 2011, section 2.4).

    ``k`` offers ``i`` (``kind[i, k]``, ``position[i, k]`` where ``i`` would move):

    - confrontation, to :math:`x_k`, if :math:`E^i U_k > E^i U_i > 0`;
    - compromise, to :math:`x_i + (x_k - x_i) |E^i U_i / E^i U_k|`, if
      :math:`E^i U_k > 0 > E^i U_i` and :math:`E^i U_k > |E^i U_i|`;
    - capitulation, to :math:`x_k`, if :math:`E^i U_k > 0 > E^i U_i` and
      :math:`E^i U_k < |E^i U_i|` (``paper_capitulation``; never in the replication).

    ``i`` accepts a confrontation if it has any, else a compromise, else a capitulation;
    among confrontations and capitulations the one nearest :math:`x_i`; among compromises
    the least move (``least_move``) or, as the replication, the least
    :math:`(|E^i U_i| x_i + |E^i U_k| x_k) / (|E^i U_i| + |E^i U_k|)`; ties go to the
    first proposer, as Python's ``min``. Returns the proposer accepted by each, or -1.
    """
    n = x.size
    chosen = np.full(n, -1)
    best, best_at = np.empty(3), np.empty(3, dtype=np.int64)
    for i in range(n):
        best[:] = np.inf
        best_at[:] = -1
        for k in range(n):
            kind[i, k] = NONE
            position[i, k] = x[k]
            if x[i] == x[k]:
                continue
            own, other = eu_ij[i, k], eu_ji[i, k]
            if other > own and own > 0:
                code = CONFRONT
            elif other > 0 and own < 0 and other > abs(own):
                code = COMPROMISE
                position[i, k] = x[i] + (x[k] - x[i]) * abs(own / other)
            elif paper_capitulation and other > 0 and own < 0 and other < abs(own):
                code = CAPITULATE
            else:
                continue
            kind[i, k] = code
            key = abs(x[i] - position[i, k])
            if code == COMPROMISE and not least_move:
                key = (abs(own) * x[i] + abs(other) * x[k]) / (abs(own) + abs(other))
            if key < best[code]:
                best[code], best_at[code] = key, k
        for code in range(3):
            if best_at[code] >= 0:
                chosen[i] = best_at[code]
                break
    return chosen


# -- the median ------------------------------------------------------------------------------
@jit
def medians(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""The median of every variant (rows of ``x``, ``w``) and the positions tying for it.

    The positions minimising :math:`\sum_k c_k s_k |x_k - p|` within a relative 1e-12 (no
    other position beats them in a vote with every exponent 1; the replication's
    ``median_position``); the median is the midpoint of the lowest and highest of them.

    Returns
    -------
    median : ndarray, shape (B,)
    tied : ndarray of bool, shape (B, n)
    """
    batch, n = x.shape
    median = np.empty(batch)
    tied = np.zeros((batch, n), dtype=np.bool_)
    cost = np.empty(n)
    for b in range(batch):
        for a in range(n):
            cost[a] = 0.0
            for k in range(n):
                cost[a] += abs(x[b, k] - x[b, a]) * w[b, k]
        bar = cost.min() + 1e-12 * cost.max()
        low, high = np.inf, -np.inf
        for a in range(n):
            if cost[a] <= bar:
                tied[b, a] = True
                low, high = min(low, x[b, a]), max(high, x[b, a])
        median[b] = (low + high) / 2
    return median, tied
