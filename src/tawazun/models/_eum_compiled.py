"""Compiled loops of the expected utility model (Numba), one variant of a table at a time.

The quantities of Scholz, Calbert and Smith (2011) that :mod:`tawazun.models._eum_batch`
and :mod:`tawazun.models._eum_kernel` need in loops: the votes and the probability of
success (eq. 1-3), the expected utilities of a challenge (eq. 4-9), the danger and the
risk exponent (eq. 10-11), the offers and the one accepted (section 2.4), the median.

Two rules keep the doubles those of NumPy's vectorised route (``oracles/eum_numpy.py``):

- no power is taken here. The callers take every :math:`d^r` with NumPy, whose power on
  processors with AVX-512 is a vectorised one that differs from the C library's ``pow``
  (what Numba calls) in the last bit for about one value in twenty; powers of exponent 1
  are not taken at all (NumPy's ``x ** 1.0`` is ``x``).
- every sum runs in NumPy's order: along a contiguous axis NumPy sums pairwise
  (:func:`pairwise_sum`), along any other axis one term after another.

Compiled at first use and kept in Numba's cache (``cache=True``);
:func:`tawazun.models._compiling.is_ready` says whether a first run will have to compile.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# error_model="numpy": divisions follow IEEE, as NumPy's; every divisor is checked first
_jit = njit(cache=True, error_model="numpy", nogil=True)
# the scalar helpers of a pair are inlined: called, each costs a call and a status check
_inline = njit(cache=True, error_model="numpy", inline="always")

#: NumPy's pairwise summation sums blocks of up to this many terms with 8 accumulators
#: (``PW_BLOCKSIZE`` in numpy/_core/src/umath/loops_utils.h.src).
PAIRWISE_BLOCK = 128

#: Offer codes, the index in :data:`tawazun.models._eum_kernel.OFFER_TYPES`; -1 no offer.
CONFRONT, COMPROMISE, CAPITULATE, NONE = 0, 1, 2, -1


@_inline
def block_sum(values: np.ndarray, start: int, count: int) -> float:
    """``values[start:start + count].sum()`` for up to :data:`PAIRWISE_BLOCK` terms, as
    NumPy sums them: fewer than 8 one after another, else in 8 interleaved accumulators
    combined as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the rest."""
    if count < 8:
        total = -0.0
        for i in range(start, start + count):
            total += values[i]
        return total
    r0, r1, r2, r3 = values[start], values[start + 1], values[start + 2], values[start + 3]
    r4, r5, r6, r7 = values[start + 4], values[start + 5], values[start + 6], values[start + 7]
    i = start + 8
    stop = start + count - count % 8
    while i < stop:
        r0 += values[i]
        r1 += values[i + 1]
        r2 += values[i + 2]
        r3 += values[i + 3]
        r4 += values[i + 4]
        r5 += values[i + 5]
        r6 += values[i + 6]
        r7 += values[i + 7]
        i += 8
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < start + count:
        total += values[i]
        i += 1
    return total


@_inline
def halves(count: int) -> int:
    """Where NumPy's pairwise summation splits a row longer than :data:`PAIRWISE_BLOCK`:
    in two at a multiple of 8."""
    half = count // 2
    return half - half % 8


@_jit
def pairwise_sum(values: np.ndarray, start: int, count: int) -> float:
    """``values[start:start + count].sum()`` as NumPy sums a contiguous row: its pairwise
    summation (``pairwise_sum`` in numpy/_core/src/umath/loops_utils.h.src), blocks of
    :func:`block_sum` added up the tree of :func:`halves`.

    The tree is walked with a stack of its own rather than by recursion (Numba's cache
    does not reload recursive functions safely).
    """
    if count <= PAIRWISE_BLOCK:
        return block_sum(values, start, count)
    half = halves(count)
    if count - half <= PAIRWISE_BLOCK:
        return block_sum(values, start, half) + block_sum(values, start + half, count - half)
    # frames of (start, count, expanded); sums of finished subtrees on their own stack
    frame_start = np.empty(128, dtype=np.int64)
    frame_count = np.empty(128, dtype=np.int64)
    expanded = np.zeros(128, dtype=np.bool_)
    sums = np.empty(128)
    frames, done = 1, 0
    frame_start[0], frame_count[0] = start, count
    while frames > 0:
        frames -= 1
        at, size = frame_start[frames], frame_count[frames]
        if size <= PAIRWISE_BLOCK:
            sums[done] = block_sum(values, at, size)
            done += 1
        elif expanded[frames]:
            done -= 1
            sums[done - 1] += sums[done]
        else:
            half = halves(size)
            expanded[frames] = True
            frames += 1
            # the right half is summed after the left one, which is pushed last
            frame_start[frames], frame_count[frames] = at + half, size - half
            expanded[frames] = False
            frames += 1
            frame_start[frames], frame_count[frames] = at, half
            expanded[frames] = False
            frames += 1
    return sums[0]


# -- votes and the probability of success --------------------------------------------------
@_jit
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
@_inline
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


@_inline
def status_quo_term(status_quo: float, better: float, worse: float, q: float, t: float) -> float:
    r""":math:`Q U_{sq} + (1-Q)(T U_b + (1-T) U_w)` (Scholz et al. 2011, eq. 4 and 7-9);
    :math:`U_{sq}` alone for Q = 1, as in the replication."""
    if q == 1.0:
        return status_quo
    return q * status_quo + (1 - q) * (t * better + (1 - t) * worse)


@_jit
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


@_jit
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


@_jit
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
@_jit
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
@_jit
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


# -- large tables: sums over voters sorted by position ----------------------------------------
@_jit
def sorted_votes(
    x: np.ndarray, w: np.ndarray, utilities: np.ndarray, order: np.ndarray, points: np.ndarray
) -> np.ndarray:
    r"""Votes for each point over each other point, :math:`\sum_k \max(0, v^k_{ab})`, from
    the voters sorted by position (see :func:`tawazun.models._eum_kernel.votes_for`).

    The voters preferring ``a`` to ``b`` are those on ``a``'s side of their midpoint
    (every exponent is positive), so the sum is a difference of prefix sums, over the
    voters in ``order`` (ascending positions ``x``), of :math:`c_k s_k` (``w``) times each
    voter's loss at each point (``utilities``, (n, m)); ``points`` (m,) are distinct,
    ascending. As the midpoints of ``a`` with ascending ``b`` ascend, where each falls
    among the voters is found by walking forward, O(m (m + n)) in all.
    """
    n, m = utilities.shape
    sorted_x = x[order]
    below = np.zeros((n + 1, m))
    above = np.zeros((n + 1, m))
    for i in range(n):
        k = order[i]
        for p in range(m):
            below[i + 1, p] = below[i, p] + w[k] * utilities[k, p]
    for i in range(n - 1, -1, -1):
        k = order[i]
        for p in range(m):
            above[i, p] = above[i + 1, p] + w[k] * utilities[k, p]
    votes = np.empty((m, m))
    for a in range(m):
        left = right = 0
        for b in range(m):
            midpoint = (points[a] + points[b]) / 2
            while left < n and sorted_x[left] < midpoint:
                left += 1
            while right < n and sorted_x[right] <= midpoint:
                right += 1
            vote = 0.0
            if a < b:
                # voters left of the midpoint prefer the lower point, right of it the higher
                vote = below[left, b] - below[left, a]
            elif a > b:
                vote = above[right, b] - above[right, a]
            # a difference of prefix sums can fall a rounding error below zero
            votes[a, b] = vote if vote > 0.0 else 0.0
    return votes


@_jit
def point_spreads(utilities: np.ndarray, point_of: np.ndarray, count: np.ndarray) -> np.ndarray:
    r"""Per voter ``k``, :math:`\sum_{a,b} |L_{ka} - L_{kb}|` over every pair of actors, with
    :math:`L_{ka}` ``utilities[k, point_of[a]]`` (``utilities`` (n, m) at the distinct
    positions, ascending; ``count`` (m,) actors at each).

    With a row of the n losses ascending, its ``t``-th smallest exceeds ``t`` values and
    falls short of the rest, so the sum is :math:`2 \sum_t L_{(t)} (2t - n + 1)`, summed
    as NumPy sums a row (:func:`pairwise_sum`). A voter's losses ascend with the distance
    from its position, so its row is sorted by merging the positions below and above its
    own, O(n) a row rather than a sort; a row the merge leaves unsorted (a power not
    monotone in its base by a rounding error) is sorted.
    """
    n, m = point_of.size, count.size
    spread = np.empty(n)
    row = np.empty(n)
    for k in range(n):
        here = point_of[k]
        below, above = here - 1, here + 1
        filled = 0
        for _ in range(count[here]):
            row[filled] = utilities[k, here]
            filled += 1
        while below >= 0 or above < m:
            if above >= m or (below >= 0 and utilities[k, below] <= utilities[k, above]):
                point = below
                below -= 1
            else:
                point = above
                above += 1
            for _ in range(count[point]):
                row[filled] = utilities[k, point]
                filled += 1
        for t in range(1, n):
            if row[t] < row[t - 1]:
                row[:] = np.sort(row)
                break
        for t in range(n):
            row[t] = row[t] * (2 * t - n + 1)
        spread[k] = 2 * (0.0 + pairwise_sum(row, 0, n))
    return spread


@_jit
def by_actor(by_point: np.ndarray, point_of: np.ndarray) -> np.ndarray:
    """``by_point[point_of[i], point_of[k]]`` for every pair of actors, (n, n)."""
    n = point_of.size
    out = np.empty((n, n))
    for i in range(n):
        for k in range(n):
            out[i, k] = by_point[point_of[i], point_of[k]]
    return out


# -- a round of every variant ------------------------------------------------------------------
@_jit
def risk_round(
    x: np.ndarray,
    w: np.ndarray,
    s: np.ndarray,
    width: np.ndarray,
    median: np.ndarray,
    rules: tuple,
    distance: np.ndarray,
    bases: np.ndarray,
) -> np.ndarray:
    """The first half of a round for every variant (rows of ``x``, ``w``, ``s``): each
    actor's risk exponent from its danger against every actor's (the replication's
    ``update_risk_aversions``; :func:`dangers`, :func:`risk_from_danger`).

    ``width`` (B,) divides every distance, ``median`` (B,) is the round's median; ``rules``
    is (all_votes, q, t). Fills ``distance`` (B, n, n) with :math:`d_{ik} = |x_i - x_k| /
    \text{width}` and ``bases`` (B, 2 or 6, n, n) with the bases of
    :func:`challenge_utilities`'s powers. Returns the exponents, (B, n).
    """
    all_votes, q, t = rules
    batch, n = x.shape
    r = np.empty((batch, n))
    to_median = np.empty(n)
    scratch = np.empty(n * n)
    for b in range(batch):
        d = distance[b]
        for i in range(n):
            to_median[i] = abs(x[b, i] - median[b]) / width[b]
            for k in range(n):
                d[i, k] = abs(x[b, i] - x[b, k]) / width[b]
                bases[b, 0, i, k] = 0.5 - 0.5 * d[i, k]
                bases[b, 1, i, k] = 0.5 + 0.5 * d[i, k]
        if q != 1.0:
            for i in range(n):
                for k in range(n):
                    # the challenger's distance to the median: i's in eu_ij, k's in eu_ji
                    own = 0.25 * (to_median[i] + d[i, k])
                    other = 0.25 * (to_median[k] + d[i, k])
                    bases[b, 2, i, k], bases[b, 3, i, k] = 0.5 - own, 0.5 + own
                    bases[b, 4, i, k], bases[b, 5, i, k] = 0.5 - other, 0.5 + other
        # every exponent 1: each voter's loss is the distance itself
        probability = dense_probability(x[b], w[b], d, all_votes, scratch)
        r[b] = risk_from_danger(dangers(probability, d, to_median, s[b], q, t, scratch))
    return r


@_jit
def offer_round(
    x: np.ndarray,
    w: np.ndarray,
    s: np.ndarray,
    loss: np.ndarray,
    powers: np.ndarray,
    half: np.ndarray,
    rules: tuple,
    offers: tuple,
    moving: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The second half of a round for every variant: the offers and the one accepted.

    ``loss`` (B, n, n) is every voter's loss at every actor's position with its own risk
    exponent (:func:`dense_probability`); ``powers`` (B, 2 or 6, n, n) and ``half`` (B, n)
    are :func:`challenge_utilities`'s; ``rules`` is (all_votes, q, t, paper_capitulation,
    least_move). Fills ``offers``, (kind, eu_ij, eu_ji, position) (B, n, n) each (see
    :func:`choose_offers`).

    Returns
    -------
    chosen : ndarray of int, shape (B, n)
        The proposer whose offer each actor accepts, or -1.
    after : ndarray, shape (B, n)
        The positions after the round: each actor where its accepted offer takes it, in
        the variants ``moving`` (B,) only.
    """
    all_votes, q, t, paper_capitulation, least_move = rules
    kind, eu_ij, eu_ji, position = offers
    batch, n = x.shape
    chosen = np.empty((batch, n), dtype=np.int64)
    after = x.copy()
    scratch = np.empty(n * n)
    for b in range(batch):
        probability = dense_probability(x[b], w[b], loss[b], all_votes, scratch)
        challenge_utilities(probability, s[b], powers[b], half[b], q, t, eu_ij[b], eu_ji[b])
        chosen[b] = choose_offers(
            x[b], eu_ij[b], eu_ji[b], paper_capitulation, least_move, kind[b], position[b]
        )
        if moving[b]:
            for i in range(n):
                if chosen[b, i] >= 0:
                    after[b, i] = position[b, i, chosen[b, i]]
    return chosen, after


#: What each route calls from Python: :mod:`._eum_batch`'s rounds of small tables, and
#: :mod:`._eum_kernel`'s one-variant route of large ones.
BATCHED = (medians, risk_round, offer_round)
ONE_VARIANT = (sorted_votes, point_spreads, by_actor, dangers, challenge_utilities, choose_offers)
