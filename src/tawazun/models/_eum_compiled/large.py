"""Large tables: the votes and their total from the voters sorted by position.

Beyond :data:`tawazun.models._eum_kernel.DENSE_TERMS` terms the sums over voters are
differences of prefix sums (``sorted_votes``) and sums over sorted rows
(``point_spreads``), O(n m + m^2) rather than O(n m^2); the probabilities are then spread
from the distinct positions back to the actors (``by_actor``).
"""

from __future__ import annotations

import numpy as np

from tawazun.models._eum_compiled.sums import jit, pairwise_sum


@jit
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


@jit
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


@jit
def by_actor(by_point: np.ndarray, point_of: np.ndarray) -> np.ndarray:
    """``by_point[point_of[i], point_of[k]]`` for every pair of actors, (n, n)."""
    n = point_of.size
    out = np.empty((n, n))
    for i in range(n):
        for k in range(n):
            out[i, k] = by_point[point_of[i], point_of[k]]
    return out
