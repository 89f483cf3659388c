"""A round's starting tables and its candidate exchanges, compiled.

decide-exchange-model 2025.3.1: the outcome of an issue (decide's "NBS",
:func:`outcomes`, :func:`weighted_outcomes`), the tables every candidate's formulas read
(:func:`start_tables`), ``AbstractModel.determine_groups_and_calculate_exchanges`` (who can
trade with whom on which pair of issues, :func:`build_candidates`), the exchange ratio of
``calculations.by_exchange_ratio`` (:func:`exchange_ratios`) and the candidates listed by
the positions they depend on (:func:`by_key`). Positions are on 0-100, as decide normalises
them. Every sum runs over the actors in order, as NumPy's sum along the actors' axis of a
table of two or more issues does, so that the compiled rounds give the doubles the NumPy
formulas give.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from tawazun.stats import weighted_mean

#: Positions (on 0-100) closer than this count as equal: decide's decimals give exact
#: zeros where floats leave noise (an outcome stopped on a partner's position).
EPS = 1e-9


#: Gains within this relative distance of the best are a tie.
TIE = 1e-12


#: decide's lower bounds on a move and on a gain (``is_move_valid``, ``calculate``).
MIN_MOVE = 1e-10


MIN_GAIN = 1e-10


#: The two kinds of exchange: groups (left of both outcomes = 3, right of both = 0...).
KINDS = ((0, 3), (1, 2))


KIND_NAMES = ("a-d", "b-c")


# error_model="numpy": divisions follow IEEE (as NumPy's) without the zero check Python's
# ZeroDivisionError needs; an issue without weight divides by zero as NumPy does
_jit = njit(cache=True, error_model="numpy")
# the compiled functions only other compiled functions call: without the wrappers Python
# and C callers need, which the first run after an install would compile for nothing
_internal = njit(cache=True, error_model="numpy", no_cpython_wrapper=True, no_cfunc_wrapper=True)


def outcomes(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    r"""Outcome of every issue: the weighted mean of positions (decide's "NBS").

    .. math:: O_k = \frac{\sum_i c_i s_{ik} x_{ik}}{\sum_i c_i s_{ik}}

    ``weight`` is 0 where an actor is absent (its position may then be NaN).
    """
    return weighted_mean(position, weight, axis=0)


@_internal
def weights(salience: np.ndarray, capability: np.ndarray, present: np.ndarray) -> np.ndarray:
    r"""Each actor's weight on each issue, :math:`w_{ik} = c_i s_{ik}`; 0 where absent."""
    n, m = salience.shape
    w = np.zeros((n, m))
    for a in range(n):
        for k in range(m):
            if present[a, k]:
                w[a, k] = capability[a] * salience[a, k]
    return w


@_internal
def weighted_outcomes(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """:func:`outcomes` compiled: NaN where an issue has no weight, positions of zero
    weight (NaN ones included) left out, as :func:`tawazun.stats.weighted_mean` does."""
    n, m = weight.shape
    total, terms = np.zeros(m), np.zeros(m)
    for a in range(n):
        for k in range(m):
            total[k] += weight[a, k]
            if weight[a, k] > 0:
                terms[k] += weight[a, k] * position[a, k]
    out = np.empty(m)
    for k in range(m):
        out[k] = terms[k] / total[k] if total[k] > 0 else np.nan
    return out


@_internal
def start_tables(
    position: np.ndarray, salience: np.ndarray, w: np.ndarray, present: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What a round's formulas read of its start (``ModelLoop`` before the exchanges).

    Returns the round's start outcomes (decide's "NBS" of the start positions), each
    actor's side of them (``left``: at or below the outcome, within :data:`EPS`, on an
    issue it is at) and ``tables`` ``(6, n, m)``: the start positions (0 where absent),
    saliences, ``w / total`` (an actor's outcome shift per unit move), ``total / w``
    (inf where ``w`` is 0), and per issue the start outcome and ``1 / total``.
    """
    n, m = w.shape
    tables = np.empty((6, n, m))
    total, weighted = np.zeros(m), np.zeros(m)
    for a in range(n):
        for k in range(m):
            x = position[a, k]
            tables[0, a, k] = 0.0 if np.isnan(x) else x
            total[k] += w[a, k]
            if present[a, k]:
                weighted[k] += w[a, k] * tables[0, a, k]
    start_outcome = weighted / total
    left = np.zeros((n, m), dtype=np.bool_)
    for a in range(n):
        for k in range(m):
            left[a, k] = present[a, k] and tables[0, a, k] <= start_outcome[k] + EPS
            tables[1, a, k] = salience[a, k]
            tables[2, a, k] = w[a, k] / total[k]
            tables[3, a, k] = total[k] / w[a, k] if w[a, k] > 0 else np.inf
            tables[4, a, k] = start_outcome[k]
            tables[5, a, k] = 1 / total[k]
    return start_outcome, left, tables


@_internal
def groups(w: np.ndarray, left: np.ndarray, p: int, q: int) -> np.ndarray:
    """Each actor's group on issues ``p < q``: ``left_p + 2 left_q``, or -1 for an actor
    that gives either issue no weight (decide divides by its weight)."""
    n = len(w)
    group = np.empty(n, dtype=np.intp)
    for a in range(n):
        group[a] = left[a, p] + 2 * left[a, q] if w[a, p] > 0 and w[a, q] > 0 else -1
    return group


@_internal
def build_candidates(salience: np.ndarray, w: np.ndarray, left: np.ndarray) -> np.ndarray:
    """Every pair of actors on opposite sides of both outcomes of every pair of issues.

    ``AbstractModel.determine_groups_and_calculate_exchanges``: on issues ``p < q``, groups
    0 and 3 trade (kind 0, a-d), and 1 and 2 (kind 1, b-c) (:func:`groups`). In each pair
    the actor with the smaller ``s_p / s_q`` supplies ``p`` (``AbstractExchange``): it is
    side ``j``; side ``i`` supplies ``q``. Returns the rows ``(i, j, p, q, kind)``, one per
    candidate, in canonical order: issue pair, kind, then the actors of the first group,
    each with every actor of the second in order.
    """
    n, m = w.shape
    count = 0
    for p in range(m):
        for q in range(p + 1, m):
            sizes = np.zeros(4, dtype=np.intp)
            for g in groups(w, left, p, q):
                if g >= 0:
                    sizes[g] += 1
            count += sizes[0] * sizes[3] + sizes[1] * sizes[2]
    out = np.empty((count, 5), dtype=np.intp)
    c = 0
    for p in range(m):
        for q in range(p + 1, m):
            group = groups(w, left, p, q)
            for kind, (first, second) in enumerate(KINDS):
                for a in range(n):
                    if group[a] != first:
                        continue
                    for b in range(n):
                        if group[b] != second:
                            continue
                        # a cares relatively less about p than b does: a supplies p
                        if salience[a, p] * salience[b, q] < salience[b, p] * salience[a, q]:
                            out[c, 0], out[c, 1] = b, a
                        else:
                            out[c, 0], out[c, 1] = a, b
                        out[c, 2], out[c, 3], out[c, 4] = p, q, kind
                        c += 1
    return out


@_internal
def exchange_ratios(salience: np.ndarray, actor: np.ndarray, supply: np.ndarray) -> np.ndarray:
    r"""``calculations.by_exchange_ratio`` per candidate side: the outcome shift on the
    partner's supply issue that gives both sides the gain a unit shift on this side's
    supply issue gives,

    .. math:: r_s = \frac{s_{s,\mathrm{sup}} + s_{\bar s,\mathrm{dem}}}
                         {s_{s,\mathrm{dem}} + s_{\bar s,\mathrm{sup}}}

    with :math:`\bar s` the partner (its demand issue is this side's supply issue).
    """
    across = np.empty((len(actor), 2))
    for c in range(len(actor)):
        for s in range(2):
            me, you = actor[c, s], actor[c, 1 - s]
            mine, yours = supply[c, s], supply[c, 1 - s]
            across[c, s] = (salience[me, mine] + salience[you, mine]) / (
                salience[me, yours] + salience[you, yours]
            )
    return across


@_internal
def by_key(actor: np.ndarray, issue: np.ndarray, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Candidates listed by ``actor * m + issue`` of either side (``actor`` and ``issue``
    are ``(c, 2)``; ``n`` actors, ``m`` issues), as (bounds, members): those with key ``k``
    are ``members[bounds[k]:bounds[k + 1]]``, side 0's listings before side 1's, each in
    candidate order (a stable counting sort)."""
    count, size = len(actor), n * m
    bounds = np.zeros(size + 1, dtype=np.intp)
    for s in range(2):
        for c in range(count):
            bounds[actor[c, s] * m + issue[c, s] + 1] += 1
    for k in range(size):
        bounds[k + 1] += bounds[k]
    filled = bounds[:-1].copy()
    members = np.empty(2 * count, dtype=np.intp)
    for s in range(2):
        for c in range(count):
            key = actor[c, s] * m + issue[c, s]
            members[filled[key]] = c
            filled[key] += 1
    return bounds, members
