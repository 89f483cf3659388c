"""A round of every variant of a small table at once: the risk exponents, then the offers.

The batched route of :mod:`tawazun.models._eum_batch` (Monte Carlo variants, what-if probes)
calls these two, one compiled call per round for the whole batch.
"""

from __future__ import annotations

import numpy as np

from tawazun.models._eum_compiled.pairs import (
    challenge_utilities,
    choose_offers,
    dangers,
    dense_probability,
    risk_from_danger,
)
from tawazun.models._eum_compiled.sums import jit


@jit
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


@jit
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
