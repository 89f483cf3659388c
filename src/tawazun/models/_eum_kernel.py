"""Array kernels of the expected utility model (see :mod:`tawazun.models.eum`).

Each function computes one quantity of Scholz, Calbert and Smith (2011) for every actor,
or every pair of actors, at once. The public replication of that paper
(github.com/jmckib/bdm-scholz-expected-utility-model, ``bdm_scholz_model.py``) evaluates
the same quantities one pair at a time at O(n^6) a round; here a round is O(n^2 + n log n)
for the default variant and O(n^3) when risk is compared across positions. NumPy takes
every power; the loops over pairs of large tables are compiled
(:mod:`tawazun.models._eum_compiled`), with the same doubles.

Conventions: ``x`` positions (n,), ``w`` capability x salience (n,), ``r`` risk exponents
(n,), ``width`` the range of the starting positions, by which every distance is divided.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tawazun.models import _eum_compiled

#: Offer types, in the order an actor considers them (Scholz et al. 2011, section 2.4).
CONFRONTATION, COMPROMISE, CAPITULATION = "confrontation", "compromise", "capitulation"
OFFER_TYPES = (CONFRONTATION, COMPROMISE, CAPITULATION)


@dataclass(frozen=True)
class Rules:
    """Which reading of the model to follow where the replication and the paper differ.

    Attributes
    ----------
    probability : {"all_votes", "pairwise"}
        Denominator of the probability of success.
    capitulation : {"never", "paper"}
        Whether the capitulation offer can be made.
    compromise : {"weighted_position", "least_move"}
        Which of several compromise offers an actor accepts.
    risk : {"across_actors", "across_positions"}
        What an actor's danger is compared with to set its risk exponent.
    q, t : float
        Probability that the status quo holds if nobody challenges, and that it then moves
        in the actor's favour.
    """

    probability: str = "all_votes"
    capitulation: str = "never"
    compromise: str = "weighted_position"
    risk: str = "across_actors"
    q: float = 1.0
    t: float = 1.0


@dataclass(frozen=True)
class Offers:
    """Every offer of a round, as (receiver, proposer) matrices.

    ``kind[i, k]`` is the index in :data:`OFFER_TYPES` of the offer ``k`` makes ``i``, or -1;
    ``eu_receiver[i, k]`` and ``eu_proposer[i, k]`` are E^i U_i(Δx_ik) and E^i U_k(Δx_ki);
    ``position[i, k]`` where ``i`` would move. ``chosen[i]`` is the proposer whose offer
    ``i`` accepts, or -1.
    """

    kind: np.ndarray
    eu_receiver: np.ndarray
    eu_proposer: np.ndarray
    position: np.ndarray
    chosen: np.ndarray


# -- votes and the probability of success --------------------------------------------------
def vote_utilities(voters: np.ndarray, r: np.ndarray, points: np.ndarray, width: float):
    r"""Each voter's loss at each point, :math:`(|x_k - p| / \text{width})^{r_k}`, shape (n, m).

    A voter's votes for ``a`` over ``b`` are :math:`c_k s_k` times its loss at ``b`` minus
    its loss at ``a`` (Scholz et al. 2011, eq. 1; ``Actor.compare`` in the replication).
    """
    return (np.abs(voters[:, None] - points[None, :]) / width) ** r[:, None]


#: Up to this many (voter, point, point) terms, sums of votes are formed directly: for small
#: tables one broadcast costs less than the sorted routes.
DENSE_TERMS = 1 << 15


def votes_for(x: np.ndarray, w: np.ndarray, utilities: np.ndarray, points: np.ndarray):
    r"""Votes for each point over each other point, :math:`\sum_k \max(0, v^k_{ab})`.

    ``votes[a, b]`` sums, over the voters who prefer point ``a`` to point ``b``, their
    votes for ``a`` over ``b``. In one dimension these voters are those on ``a``'s side of
    the midpoint of ``a`` and ``b`` (every exponent is positive), so the sum is a
    difference of prefix sums over the voters sorted by position: O(n m + m^2) rather
    than O(n m^2) (:func:`tawazun.models._eum_compiled.sorted_votes`). Small tables (up
    to :data:`DENSE_TERMS` terms) sum directly.

    Parameters
    ----------
    x, w : ndarray, shape (n,)
    utilities : ndarray, shape (n, m)
        Each voter's loss at each point, :func:`vote_utilities`.
    points : ndarray, shape (m,)
        Distinct positions, ascending.

    Returns
    -------
    ndarray, shape (m, m)
    """
    if x.size * points.size**2 <= DENSE_TERMS:
        # [k, a, b]: voter k's votes for a over b, where positive
        votes = np.maximum(utilities[:, None, :] - utilities[:, :, None], 0.0)
        return np.einsum("k,kab->ab", w, votes)
    return _eum_compiled.sorted_votes(x, w, utilities, np.argsort(x, kind="stable"), points)


def pairwise_spread(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Per row, :math:`\sum_{a,b} |v_a - v_b|` and :math:`G_a = \sum_b |v_a - v_b|`.

    Sorting each row gives both in O(n log n): with the row ascending, the ``t``-th
    smallest value exceeds ``t`` values and falls short of the rest.

    Parameters
    ----------
    values : ndarray, shape (n, p)

    Returns
    -------
    total : ndarray, shape (n,)
    each : ndarray, shape (n, p)
        ``each[k, a] = sum_b |values[k, a] - values[k, b]|``.
    """
    p = values.shape[1]
    order = np.argsort(values, axis=1, kind="stable")
    ascending = np.take_along_axis(values, order, axis=1)
    rank = np.arange(p)
    total = 2 * (ascending * (2 * rank - p + 1)).sum(axis=1)
    before = np.cumsum(ascending, axis=1) - ascending
    after = ascending.sum(axis=1, keepdims=True) - before - ascending
    gap_sorted = rank * ascending - before + after - (p - 1 - rank) * ascending
    each = np.empty_like(values)
    np.put_along_axis(each, order, gap_sorted, axis=1)
    return total, each


def sum_of_all_votes(w: np.ndarray, utilities: np.ndarray, point_of: np.ndarray) -> float:
    r""":math:`\sum_k \sum_a \sum_b |v^k_{ab}|` over every voter and every pair of actors.

    The replication's denominator of the probability of success (``BDMScholzModel.
    probability``, ``sum_all_votes``), which its own comment calls contrary to the paper.
    ``utilities`` (n, m) is :func:`vote_utilities` at the distinct positions, ``point_of``
    (n,) where each actor stands among them. Beyond small tables each voter's sum over
    pairs is :func:`tawazun.models._eum_compiled.point_spreads`'s (the same doubles as
    :func:`pairwise_spread`'s on every actor's loss, without sorting every row).
    """
    if point_of.size**3 <= DENSE_TERMS:
        loss = utilities[:, point_of]
        return float(w @ np.abs(loss[:, :, None] - loss[:, None, :]).sum(axis=(1, 2)))
    count = np.bincount(point_of, minlength=utilities.shape[1])
    return float(w @ _eum_compiled.point_spreads(utilities, point_of, count))


def success_probability(votes: np.ndarray, rule: str, total_votes: float) -> np.ndarray:
    r"""Probability that the position of ``a`` prevails over that of ``b``, shape (m, m).

    ``rule="pairwise"`` (Scholz et al. 2011, eq. 3): votes for ``a`` over ``b`` divided by
    all votes cast between them, so that :math:`P_{ab} + P_{ba} = 1`; where nobody votes
    between them, 1/2. ``rule="all_votes"`` (the replication): divided by
    ``total_votes``, the sum of all votes over every pair. Equal positions have
    probability 0 (``if x_i == x_j: return 0.0`` in the replication).
    """
    if rule == "all_votes":
        # No votes at all only when every actor stands at one position: nothing to win.
        return votes / total_votes if total_votes > 0 else np.zeros_like(votes)
    cast = votes + votes.T
    probability = np.divide(votes, cast, out=np.full_like(votes, 0.5), where=cast > 0)
    np.fill_diagonal(probability, 0.0)
    return probability


# -- utilities and expected utilities -----------------------------------------------------
def utility(shift: np.ndarray, r: np.ndarray) -> np.ndarray:
    r""":math:`2 - 4\,\text{shift}^{r}`, the common form of every utility (eq. 5-9)."""
    return 2 - 4 * shift**r


def status_quo_term(
    challenger_to_median: np.ndarray, distance: np.ndarray, r: np.ndarray, rules: Rules
) -> np.ndarray:
    r""":math:`Q U_{sq} + (1-Q)(T U_b + (1-T) U_w)`, subtracted from the expected utility.

    :math:`U_{sq} = 2 - 4 (0.5)^r`, :math:`U_{b,w} = 2 - 4(0.5 \mp 0.25(|x_i - \mu| +
    |x_i - x_j|))^r` with :math:`\mu` the median position (Scholz et al. 2011, eq. 4 and
    8-9). With the default Q = 1 only :math:`U_{sq}` remains, as in the replication; it
    depends on ``r`` alone and is returned in ``r``'s shape, broadcastable to the others.
    """
    # U_sq depends on the exponent alone: computed once per exponent; the caller broadcasts
    status_quo = utility(np.full_like(np.asarray(r, dtype=float), 0.5), r)
    if rules.q == 1.0:
        return status_quo
    spread = 0.25 * (challenger_to_median + distance)
    better = utility(0.5 - spread, r)
    worse = utility(0.5 + spread, r)
    return rules.q * status_quo + (1 - rules.q) * (rules.t * better + (1 - rules.t) * worse)


def expected_utility(
    probability: np.ndarray,
    distance: np.ndarray,
    target_salience: np.ndarray,
    status_quo: np.ndarray,
    r: np.ndarray,
) -> np.ndarray:
    r"""Expected utility of a challenge, eq. 4 of Scholz et al. (2011).

    .. math:: E U = s_j (P U_s + (1 - P) U_f) + (1 - s_j) U_s - [\text{status quo term}]

    with :math:`U_s = 2 - 4(0.5 - 0.5 d)^r`, :math:`U_f = 2 - 4(0.5 + 0.5 d)^r`, ``d`` the
    normalised distance between challenger and target and ``r`` the risk exponent of the
    actor whose point of view is taken (``Actor.eu_challenge`` in the replication).
    All arguments broadcast together.
    """
    success = utility(0.5 - 0.5 * distance, r)
    failure = utility(0.5 + 0.5 * distance, r)
    resisted = target_salience * (probability * success + (1 - probability) * failure)
    return resisted + (1 - target_salience) * success - status_quo


@dataclass(frozen=True)
class State:
    """Positions of a round and what every kernel derives from them.

    ``distance`` is the normalised distance between every two actors, shape (n, n), and
    ``to_median`` each actor's normalised distance to the round's median.
    """

    x: np.ndarray
    w: np.ndarray
    s: np.ndarray
    width: float
    median: float
    points: np.ndarray
    point_of: np.ndarray
    first_at: np.ndarray
    distance: np.ndarray
    to_median: np.ndarray

    @classmethod
    def of(cls, x: np.ndarray, w: np.ndarray, s: np.ndarray, width: float, median: float):
        points, first_at, point_of = np.unique(x, return_index=True, return_inverse=True)
        distance = np.abs(x[:, None] - x[None, :]) / width
        to_median = np.abs(x - median) / width
        return cls(x, w, s, width, median, points, point_of, first_at, distance, to_median)

    def probability(self, r: np.ndarray, rules: Rules) -> np.ndarray:
        """P[i, k]: probability that i's position prevails over k's, shape (n, n)."""
        utilities = vote_utilities(self.x, r, self.points, self.width)
        votes = votes_for(self.x, self.w, utilities, self.points)
        total = 0.0
        if rules.probability == "all_votes":
            total = sum_of_all_votes(self.w, utilities, self.point_of)
        by_point = success_probability(votes, rules.probability, total)
        return _eum_compiled.by_actor(by_point, self.point_of)


def challenge_utilities(state: State, r: np.ndarray, rules: Rules):
    r"""Both expected utilities of every pair, from the receiver's point of view.

    Returns ``(eu_ij, eu_ji)``, shape (n, n): ``eu_ij[i, k]`` is
    :math:`E^i U_i(\Delta x_{ik})`, what ``i`` expects from challenging ``k``;
    ``eu_ji[i, k]`` is :math:`E^i U_k(\Delta x_{ki})`, what ``i`` believes ``k`` expects
    from challenging ``i``. Both use ``r[i]`` in the utilities (the replication's
    ``Offer.from_actors``) and every voter's own exponent in the votes. NumPy takes the
    powers (eq. 5-9, see :func:`utility_powers`), compiled loops the rest
    (:func:`tawazun.models._eum_compiled.challenge_utilities`).
    """
    probability = state.probability(r, rules)
    eu_ij, eu_ji = np.empty_like(probability), np.empty_like(probability)
    powers, half = utility_powers(state, r, rules)
    _eum_compiled.challenge_utilities(
        probability, state.s, powers, half, rules.q, rules.t, eu_ij, eu_ji
    )
    return eu_ij, eu_ji


def utility_powers(state: State, r: np.ndarray, rules: Rules) -> tuple[np.ndarray, np.ndarray]:
    r"""The powers of :func:`tawazun.models._eum_compiled.challenge_utilities`: with
    :math:`d_{ik}` the normalised distance and :math:`r_i` the exponent of the actor whose
    point of view is taken, :math:`(0.5 \mp 0.5 d_{ik})^{r_i}` (eq. 5-6) and, for Q < 1,
    :math:`(0.5 \mp 0.25(|x_i - \mu| + d_{ik}))^{r_i}` then the same with
    :math:`|x_k - \mu|` (eq. 8-9), (2 or 6, n, n); and :math:`0.5^{r_i}` (eq. 7), (n,)."""
    distance, to_median = state.distance, state.to_median
    spreads = [(distance, 0.5)]
    if rules.q != 1.0:
        # the challenger's distance to the median: i's in eu_ij, k's in eu_ji
        spreads += [
            (challenger + distance, 0.25) for challenger in (to_median[:, None], to_median[None, :])
        ]
    powers = np.empty((2 * len(spreads), *distance.shape))
    # each base formed and raised in place, as 0.5 - 0.5 d and so on (the same doubles)
    for (spread, scale), lower, upper in zip(spreads, powers[::2], powers[1::2], strict=True):
        np.multiply(spread, scale, out=lower)
        np.add(0.5, lower, out=upper)
        np.subtract(0.5, lower, out=lower)
        np.power(lower, r[:, None], out=lower)
        np.power(upper, r[:, None], out=upper)
    return powers, np.full_like(r, 0.5) ** r


# -- risk ----------------------------------------------------------------------------------
def risk_from_danger(danger: np.ndarray, highest: np.ndarray, lowest: np.ndarray):
    r"""Risk exponent :math:`r = (1 - R/3) / (1 + R/3)` with
    :math:`R = (2 D - D_{max} - D_{min}) / (D_{max} - D_{min})` (Scholz et al. 2011, eq.
    10-11), in [0.5, 2]. Where :math:`D_{max} = D_{min}` nothing distinguishes the
    actor's danger, R = 0 and r = 1 (the replication divides by zero there).
    """
    spread = highest - lowest
    acceptance = np.divide(
        2 * danger - highest - lowest, spread, out=np.zeros_like(danger), where=spread > 0
    )
    return (1 - acceptance / 3) / (1 + acceptance / 3)


def dangers(state: State, rules: Rules) -> np.ndarray:
    r"""Each actor's danger :math:`D_i = \sum_{k \ne i} E^i U_k(\Delta x_{ki})` with every
    risk exponent 1 (``Actor.danger_level`` after ``update_risk_aversions`` resets r;
    :func:`tawazun.models._eum_compiled.dangers`)."""
    probability = state.probability(np.ones_like(state.x), rules)
    scratch = np.empty(state.x.size)
    return _eum_compiled.dangers(
        probability, state.distance, state.to_median, state.s, rules.q, rules.t, scratch
    )


def risk_across_actors(state: State, rules: Rules) -> np.ndarray:
    """Risk exponents comparing each actor's danger with every actor's (the replication)."""
    danger = dangers(state, rules)
    return risk_from_danger(danger, danger.max(), danger.min())


def risk_across_positions(state: State, rules: Rules) -> np.ndarray:
    r"""Risk exponents comparing each actor's danger with its danger at every position held.

    For actor ``i`` and each distinct position ``y``, the danger ``i`` would face at ``y``
    with everyone else in place (the alternative the replication leaves commented out in
    ``Actor.risk_acceptance``). Moving ``i`` changes its own votes and, under
    ``probability="all_votes"``, the sum of all votes; both are updated from the current
    totals by subtracting ``i``'s old contribution and adding the new one, O(n^2) per
    position, O(n^3) in all. Every exponent is 1 and the median is held at its value for
    the round.
    """
    n = state.x.size
    ones = np.ones(n)
    w, s, width = state.w, state.s, state.width
    loss = state.distance
    votes = votes_for(state.x, w, vote_utilities(state.x, ones, state.points, width), state.points)
    spread, gap = pairwise_spread(loss)
    total = float(w @ spread)
    weighted_gap = w @ gap
    own_gap = np.diag(gap)
    to_median = state.to_median
    point_of = state.point_of
    others = ~np.eye(n, dtype=bool)
    danger_at = np.empty((n, state.points.size))
    for p, a in enumerate(state.first_at):
        away = loss[:, a]
        # Votes for x_k over y when i stands at y: i's own vote for x_k over y is withdrawn.
        own_vote = w[:, None] * np.maximum(0.0, away[:, None] - loss)
        favour = votes[point_of, p][None, :] - own_vote
        if rules.probability == "all_votes":
            moved = (
                total
                - w * spread
                + 2 * (weighted_gap[a] - w * gap[:, a])
                - 2 * (w @ np.abs(loss - away[None, :].T) - w * away)
                - 2 * (weighted_gap - w * own_gap)
                + w * (spread[a] + 2 * (gap[a, a] - loss[a] - gap[a]))
            )
            probability = np.divide(
                favour, moved[:, None], out=np.zeros_like(favour), where=moved[:, None] > 0
            )
        else:
            own_against = w[:, None] * (np.maximum(0.0, loss - away[:, None]) - loss[a][None, :])
            against = votes[p, point_of][None, :] - own_against
            cast = favour + against
            probability = np.divide(favour, cast, out=np.full_like(favour, 0.5), where=cast > 0)
        probability = np.where(point_of[None, :] == p, 0.0, probability)
        distance = loss[a][None, :]
        eu = expected_utility(
            probability,
            distance,
            s[:, None],
            status_quo_term(to_median[None, :], distance, ones[:, None], rules),
            ones[:, None],
        )
        danger_at[:, p] = np.where(others, eu, 0.0).sum(axis=1)
    current = danger_at[np.arange(n), point_of]
    return risk_from_danger(current, danger_at.max(axis=1), danger_at.min(axis=1))


# -- offers --------------------------------------------------------------------------------
def make_offers(state: State, r: np.ndarray, rules: Rules) -> Offers:
    r"""Every offer and the one each actor accepts (Scholz et al. 2011, section 2.4).

    ``k`` offers ``i`` (from ``i``'s point of view, :math:`E^i U_i` vs :math:`E^i U_k`):

    - confrontation, ``i`` loses and moves to :math:`x_k`, if :math:`E^i U_k > E^i U_i > 0`;
    - compromise, ``i`` moves to :math:`x_i + (x_k - x_i) |E^i U_i / E^i U_k|`, if
      :math:`E^i U_k > 0 > E^i U_i` and :math:`E^i U_k > |E^i U_i|`;
    - capitulation, ``i`` moves to :math:`x_k`, if :math:`E^i U_k > 0 > E^i U_i` and
      :math:`E^i U_k < |E^i U_i|` (``rules.capitulation == "paper"``; the replication
      tests ``eu_ji < abs(eu_ji)``, which never holds).

    ``i`` accepts a confrontation if it has any, else a compromise, else a capitulation;
    among confrontations and capitulations the one nearest :math:`x_i`; among compromises
    the least move (``"least_move"``) or, as the replication, the least
    :math:`(|E^i U_i| x_i + |E^i U_k| x_k) / (|E^i U_i| + |E^i U_k|)`. Ties go to the
    first proposer in actor order, as Python's ``min`` does.
    """
    eu_ij, eu_ji = challenge_utilities(state, r, rules)
    kind = np.empty(eu_ij.shape, dtype=np.int64)
    position = np.empty_like(eu_ij)
    paper, least_move = rules.capitulation == "paper", rules.compromise == "least_move"
    chosen = _eum_compiled.choose_offers(state.x, eu_ij, eu_ji, paper, least_move, kind, position)
    return Offers(kind, eu_ij, eu_ji, position, chosen)


# -- summaries -----------------------------------------------------------------------------
def median_candidates(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    r"""The positions that no other position beats in a vote with every exponent 1.

    Position ``p`` beats ``b`` when :math:`\sum_k c_k s_k (|x_k - b| - |x_k - p|) > 0`, so
    the winners minimise :math:`\sum_k c_k s_k |x_k - p|` (``median_position`` keeps the
    first minimiser it meets in set order). Positions within a relative 1e-12 of the
    minimum are returned together, ascending: there the replication's answer depends on
    Python 2 set order.
    """
    points = np.unique(x)
    cost = np.abs(x[:, None] - points[None, :]).T @ w
    tied = cost <= cost.min() + 1e-12 * cost.max()
    return points[tied]
