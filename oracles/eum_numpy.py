"""Test oracle for the compiled routes of the expected utility model: NumPy's vectorised
routes as they were before the loops were compiled (issue 15), kept to check that the
compiled ones (:mod:`tawazun.models._eum_compiled`) give the same doubles.

1. The rounds of a batch of variants of one small table at once (what
   :mod:`tawazun.models._eum_batch` computes).
2. The pieces of the one-variant route of large tables that the compiled loops replaced:
   the votes over voters sorted by position, the sum of all votes from sorted rows, both
   expected utilities of every pair, the dangers and the choice of offers.

The same quantities as :mod:`tawazun.models._eum_kernel` (Scholz, Calbert and Smith 2011;
``bdm_scholz_model.py`` of the public replication), with a leading batch axis ``B`` on
every array: positions ``x`` (B, n), weights ``w`` (B, n), saliences ``s`` (B, n), widths
(B,). Votes are summed directly over every (voter, position, position), as the kernel's
dense route does for small tables, with the actors' own positions as the points voted on
(equal positions give equal votes, so nothing is lost by not merging them first). Every
sum runs over the same axis in the same order whatever ``B`` is, so a variant gives the
same doubles alone (``B = 1``, what :func:`tawazun.models.eum.run` uses) as in a batch.

This route serves tables of up to :data:`MOST_ACTORS` actors with risk compared across
actors (both variants' default up to ``risk``); larger tables and risk across positions
take the kernel's one-variant route.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tawazun.models._eum_kernel import (
    DENSE_TERMS,
    Offers,
    Rules,
    State,
    expected_utility,
    pairwise_spread,
    risk_from_danger,
    status_quo_term,
    vote_utilities,
)

#: Tables up to this size sum votes directly (n^3 terms within the kernel's DENSE_TERMS).
MOST_ACTORS = round(DENSE_TERMS ** (1 / 3))
#: Variants played together: a round's largest arrays (B, n, n, n) then stay within the
#: processor's caches (B = 32, n = 16: 1 MB); whole batches of thousands of variants ran
#: about a quarter slower on the flagship. The doubles do not depend on it.
CHUNK = 32


def applies(n: int, rules: Rules) -> bool:
    """Whether a table of ``n`` actors under ``rules`` takes this route."""
    return n <= MOST_ACTORS and rules.risk == "across_actors"


@dataclass(frozen=True)
class Batch:
    """One round's positions for every variant, and what every step derives from them."""

    x: np.ndarray
    w: np.ndarray
    s: np.ndarray
    width: np.ndarray
    gap: np.ndarray  # |x_i - x_k|, (B, n, n)
    distance: np.ndarray  # gap / width
    to_median: np.ndarray  # |x_i - median| / width, (B, n)

    @classmethod
    def of(cls, x: np.ndarray, w: np.ndarray, s: np.ndarray, width: np.ndarray, median):
        gap = np.abs(x[:, :, None] - x[:, None, :])
        distance = gap / width[:, None, None]
        to_median = np.abs(x - median[:, None]) / width[:, None]
        return cls(x, w, s, width, gap, distance, to_median)


def medians(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""The median of every variant and which positions tie for it (see
    :func:`tawazun.models._eum_kernel.median_candidates`).

    The positions minimising :math:`\sum_k c_k s_k |x_k - p|` within a relative 1e-12; the
    median is the midpoint of the lowest and highest of them.

    Returns
    -------
    median : ndarray, shape (B,)
    tied : ndarray of bool, shape (B, n)
    """
    cost = (np.abs(x[:, :, None] - x[:, None, :]) * w[:, :, None]).sum(axis=1)
    tied = cost <= cost.min(axis=1, keepdims=True) + 1e-12 * cost.max(axis=1, keepdims=True)
    low = np.where(tied, x, np.inf).min(axis=1)
    high = np.where(tied, x, -np.inf).max(axis=1)
    return (low + high) / 2, tied


def probability(state: Batch, r: np.ndarray | float, rules: Rules) -> np.ndarray:
    """P[b, i, k]: probability that i's position prevails over k's (Scholz et al. 2011, eq. 3;
    the replication's ``BDMScholzModel.probability``). ``r`` is (B, n), or 1.0 for every
    exponent 1."""
    # loss[b, k, a]: voter k's loss at actor a's position
    loss = state.distance ** (r if np.isscalar(r) else r[:, :, None])
    # [b, k, a, c]: voter k's votes for a over c, where positive (in place: the largest
    # arrays of a round)
    votes = loss[:, :, None, :] - loss[:, :, :, None]
    np.maximum(votes, 0.0, out=votes)
    if rules.probability == "all_votes":
        # each pair's |votes| counted once for and once against: twice the positive parts
        positive = votes.sum(axis=(2, 3))
        total = (state.w * (2 * positive)).sum(axis=1)[:, None, None]
    votes *= state.w[:, :, None, None]
    votes = votes.sum(axis=1)
    if rules.probability == "all_votes":
        return np.divide(votes, total, out=np.zeros_like(votes), where=total > 0)
    cast = votes + np.swapaxes(votes, 1, 2)
    found = np.divide(votes, cast, out=np.full_like(votes, 0.5), where=cast > 0)
    return np.where(state.gap == 0, 0.0, found)


def challenge_utilities(state: Batch, r: np.ndarray | float, rules: Rules):
    """``(eu_ij, eu_ji)``, (B, n, n): see :func:`tawazun.models._eum_kernel.challenge_utilities`.

    ``r`` is (B, n), or 1.0 for every exponent 1."""
    p = probability(state, r, rules)
    distance, to_median = state.distance, state.to_median
    own_r = r if np.isscalar(r) else r[:, :, None]
    eu_ij = expected_utility(
        p,
        distance,
        state.s[:, None, :],
        status_quo_term(to_median[:, :, None], distance, own_r, rules),
        own_r,
    )
    eu_ji = expected_utility(
        np.swapaxes(p, 1, 2),
        distance,
        state.s[:, :, None],
        status_quo_term(to_median[:, None, :], distance, own_r, rules),
        own_r,
    )
    return eu_ij, eu_ji


def risk_across_actors(state: Batch, rules: Rules) -> np.ndarray:
    """Risk exponents from each actor's danger against every actor's, (B, n)
    (:func:`tawazun.models._eum_kernel.risk_across_actors`)."""
    n = state.x.shape[1]
    # every exponent 1, as a scalar: x ** 1.0 is x, without a power per element
    _, eu_ji = challenge_utilities(state, 1.0, rules)
    eu_ji[:, np.arange(n), np.arange(n)] = 0.0
    danger = eu_ji.sum(axis=2)
    return risk_from_danger(
        danger, danger.max(axis=1, keepdims=True), danger.min(axis=1, keepdims=True)
    )


def make_offers(state: Batch, r: np.ndarray, rules: Rules) -> Offers:
    """Every offer and the one each actor accepts, with a leading batch axis
    (:func:`tawazun.models._eum_kernel.make_offers`)."""
    eu_ij, eu_ji = challenge_utilities(state, r, rules)
    return choose_offers(state.x, eu_ij, eu_ji, rules)


def step(
    x: np.ndarray, w: np.ndarray, s: np.ndarray, width: np.ndarray, median: np.ndarray, rules
) -> tuple[np.ndarray, np.ndarray, Offers]:
    """One round for every variant: the positions after it, the risk exponents and offers.

    Variants of width 0 (every actor at one position) do not move.
    """
    safe = np.where(width > 0, width, 1.0)
    state = Batch.of(x, w, s, safe, median)
    r = risk_across_actors(state, rules)
    offers = make_offers(state, r, rules)
    movers = (offers.chosen >= 0) & (width > 0)[:, None]
    taken = np.take_along_axis(offers.position, np.maximum(offers.chosen, 0)[:, :, None], axis=2)
    return np.where(movers, taken[:, :, 0], x), r, offers


# -- the one-variant route of large tables, as NumPy computed it -----------------------------
def votes_for(x: np.ndarray, w: np.ndarray, r: np.ndarray, points: np.ndarray, width: float):
    r"""Votes for each point over each other point, :math:`\sum_k \max(0, v^k_{ab})`.

    ``votes[a, b]`` sums, over the voters who prefer point ``a`` to point ``b``, their
    votes for ``a`` over ``b``. In one dimension these voters are those on ``a``'s side of
    the midpoint of ``a`` and ``b`` (every exponent is positive), so the sum is a
    difference of prefix sums over the voters sorted by position: O(n m + m^2 log n)
    rather than O(n m^2). Small tables (up to :data:`DENSE_TERMS` terms) sum directly.

    Parameters
    ----------
    x, w, r : ndarray, shape (n,)
    points : ndarray, shape (m,)
        Distinct positions, ascending.
    width : float

    Returns
    -------
    ndarray, shape (m, m)
    """
    if x.size * points.size**2 <= DENSE_TERMS:
        loss = vote_utilities(x, r, points, width)
        # [k, a, b]: voter k's votes for a over b, where positive
        return np.einsum("k,kab->ab", w, np.maximum(loss[:, None, :] - loss[:, :, None], 0.0))
    order = np.argsort(x, kind="stable")
    sorted_x = x[order]
    weighted = w[order][:, None] * vote_utilities(sorted_x, r[order], points, width)
    m = points.size
    zero = np.zeros((1, m))
    below = np.vstack([zero, np.cumsum(weighted, axis=0)])
    above = np.vstack([np.cumsum(weighted[::-1], axis=0)[::-1], zero])
    midpoint = (points[:, None] + points[None, :]) / 2
    left = np.searchsorted(sorted_x, midpoint, side="left")
    right = np.searchsorted(sorted_x, midpoint, side="right")
    a_col = np.arange(m)[:, None]
    b_col = np.arange(m)[None, :]
    # Voters left of the midpoint prefer the lower point, voters right of it the higher.
    from_below = below[left, b_col] - below[left, a_col]
    from_above = above[right, b_col] - above[right, a_col]
    lower = points[:, None] < points[None, :]
    higher = points[:, None] > points[None, :]
    votes = np.where(lower, from_below, np.where(higher, from_above, 0.0))
    # A difference of prefix sums can fall a rounding error below zero.
    return np.maximum(votes, 0.0)


def sum_of_all_votes(x: np.ndarray, w: np.ndarray, r: np.ndarray, width: float) -> float:
    """The sum of all votes over every pair, from every row of losses sorted."""
    spread, _ = pairwise_spread(vote_utilities(x, r, x, width))
    return float(w @ spread)


def choose_offers(x: np.ndarray, eu_ij: np.ndarray, eu_ji: np.ndarray, rules: Rules) -> Offers:
    """The offers of :func:`make_offers` from both expected utilities of every pair.

    ``x`` is (..., n) and the utilities (..., n, n): leading axes, if any, are variants
    (:mod:`tawazun.models._eum_batch`); every step is elementwise or along the last axis,
    so a variant gets the same doubles alone as in a batch.
    """
    row, column = x[..., :, None], x[..., None, :]
    apart = row != column
    gaining = apart & (eu_ji > 0) & (eu_ij < 0)
    confront = apart & (eu_ji > eu_ij) & (eu_ij > 0)
    compromise = gaining & (eu_ji > np.abs(eu_ij))
    capitulate = gaining & (eu_ji < np.abs(eu_ij)) & (rules.capitulation == "paper")
    target = np.broadcast_to(column, eu_ij.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        conceded = row + (target - row) * np.abs(eu_ij / eu_ji)
        weighted = (np.abs(eu_ij) * row + np.abs(eu_ji) * target) / (np.abs(eu_ij) + np.abs(eu_ji))
    position = np.where(compromise, conceded, target)
    kind = np.select([confront, compromise, capitulate], [0, 1, 2], default=-1)
    move = np.abs(row - position)
    compromise_key = weighted if rules.compromise == "weighted_position" else move
    chosen = np.full(x.shape, -1)
    undecided = np.ones(x.shape, dtype=bool)
    for code, key in ((0, move), (1, compromise_key), (2, move)):
        mine = kind == code
        takes = undecided & mine.any(axis=-1)
        best = np.argmin(np.where(mine, key, np.inf), axis=-1)
        chosen = np.where(takes, best, chosen)
        undecided &= ~takes
    return Offers(kind, eu_ij, eu_ji, position, chosen)


def challenge_utilities_one(state: State, r: np.ndarray, rules: Rules):
    r"""Both expected utilities of every pair, from the receiver's point of view.

    Returns ``(eu_ij, eu_ji)``, shape (n, n): ``eu_ij[i, k]`` is
    :math:`E^i U_i(\Delta x_{ik})`, what ``i`` expects from challenging ``k``;
    ``eu_ji[i, k]`` is :math:`E^i U_k(\Delta x_{ki})`, what ``i`` believes ``k`` expects
    from challenging ``i``. Both use ``r[i]`` in the utilities (the replication's
    ``Offer.from_actors``) and every voter's own exponent in the votes.
    """
    probability = state.probability(r, rules)
    distance, to_median = state.distance, state.to_median
    own_r = r[:, None]
    eu_ij = expected_utility(
        probability,
        distance,
        state.s[None, :],
        status_quo_term(to_median[:, None], distance, own_r, rules),
        own_r,
    )
    eu_ji = expected_utility(
        probability.T,
        distance,
        state.s[:, None],
        status_quo_term(to_median[None, :], distance, own_r, rules),
        own_r,
    )
    return eu_ij, eu_ji


def dangers(state: State, rules: Rules) -> np.ndarray:
    r"""Each actor's danger :math:`D_i = \sum_{k \ne i} E^i U_k(\Delta x_{ki})` with every
    risk exponent 1 (``Actor.danger_level`` after ``update_risk_aversions`` resets r)."""
    ones = np.ones_like(state.x)
    _, eu_ji = challenge_utilities_one(state, ones, rules)
    np.fill_diagonal(eu_ji, 0.0)
    return eu_ji.sum(axis=1)
