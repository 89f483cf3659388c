"""Bargains, compiled: what initiators offer, and which bargain every actor moves to.

KTAB's ``SMPActor::interpolateBrgn`` (4-decimal rounding included), ``SMPState::doBCN``
(the offers), ``brgnUtil`` (the utility of the state a bargain brings),
``SMPState::updateBestBrgnPositions`` (the vote over each actor's options) and
``PRNG::probSel`` (a draw for stochastic transitions), as loops compiled with Numba in
the order of operations of :mod:`tawazun.models._smp_kernel.bargain`.
"""

from __future__ import annotations

import numpy as np

from tawazun.models._smp_kernel.compiled.challenge import challenge_estimate
from tawazun.models._smp_kernel.compiled.election import jit, scalar_pce
from tawazun.models._smp_kernel.compiled.state import spatial_utility, weighted_distance
from tawazun.models._smp_kernel.settings import (
    BARGAIN_MODELS,
    INTERPOLATIONS,
    STATE_TRANSITIONS,
)

S2P2 = INTERPOLATIONS.index("S2P2")
S2P_MAX = INTERPOLATIONS.index("S2PMax")
INIT_ONLY = BARGAIN_MODELS.index("InitOnlyInterp")
INIT_RCVR = BARGAIN_MODELS.index("InitRcvrInterp")
DETERMINISTIC = STATE_TRANSITIONS.index("Deterministic")
MIN_WEIGHT = 1e-6


@jit
def round4(x: float) -> float:
    """KTAB's rounding of bargains to 4 decimals: ``(int)(0.5 + 10000 x) / 10000``."""
    return np.trunc(0.5 + x * 10000.0) / 10000.0


@jit
def interpolate_bargain(
    interpolation: int,
    pos_i: np.ndarray,
    sal_i: np.ndarray,
    p_i: float,
    pos_j: np.ndarray,
    sal_j: np.ndarray,
    p_j: float,
    new_i: np.ndarray,
    new_j: np.ndarray,
) -> None:
    r"""Positions i and j would take in a bargain (``SMPActor::interpolateBrgn``), into
    ``new_i`` and ``new_j``.

    ``SnPm``: on dimension k each weighs in with :math:`w_{ik} = s_{ik}^n p_i^m`, both move
    to nearly the weighted mean (each keeps :math:`10^{-6}` on its own position), rounded
    to 4 decimals; ``S2PMax`` moves only the weaker side, by the probability gap.
    """
    for k in range(pos_i.size):
        x_i, x_j, s_i, s_j = pos_i[k], pos_j[k], sal_i[k], sal_j[k]
        if interpolation == S2P_MAX:
            d_i = p_j - p_i if p_j > p_i else 0.0
            d_j = p_i - p_j if p_i > p_j else 0.0
            s_i2, s_j2 = s_i * s_i, s_j * s_j
            move_i = (d_i * s_j2) / ((d_i * s_j2) + MIN_WEIGHT + ((1 - d_i) * s_i2))
            move_j = (d_j * s_i2) / ((d_j * s_i2) + MIN_WEIGHT + ((1 - d_j) * s_j2))
            new_i[k] = x_i + move_i * (x_j - x_i)
            new_j[k] = x_j + move_j * (x_i - x_j)
            continue
        if interpolation == S2P2:
            w_i = (s_i * s_i) * (p_i * p_i)
            w_j = (s_j * s_j) * (p_j * p_j)
        else:
            w_i, w_j = s_i * p_i, s_j * p_j
        total = w_i + MIN_WEIGHT + w_j
        new_i[k] = round4(((w_i + MIN_WEIGHT) * x_i + w_j * x_j) / total)
        new_j[k] = round4((w_i * x_i + (MIN_WEIGHT + w_j) * x_j) / total)


@jit
def propose_bargains(
    distance: np.ndarray,
    risk_estimate: np.ndarray,
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    weight: np.ndarray,
    salience_total: np.ndarray,
    target: np.ndarray,
    p_win: np.ndarray,
    rule: int,
    commit: int,
    interpolation: int,
    bargain_model: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The bargains the initiators offer their targets (``SMPState::doBCN``), in initiator
    order (two per initiator for ``InitRcvrInterp``; see
    :func:`tawazun.models._smp_kernel.bargain.propose_bargains` for the options).

    Returns
    -------
    initiator, receiver : ndarray of int, shape (b,)
    initiator_position, receiver_position : ndarray, shape (b, m)
    """
    n, m = position.shape
    initiators = np.flatnonzero(target >= 0)
    per = 2 if bargain_model == INIT_RCVR else 1
    count = per * initiators.size
    initiator = np.empty(count, dtype=np.int64)
    receiver = np.empty(count, dtype=np.int64)
    moved_i = np.empty((count, m))
    moved_j = np.empty((count, m))
    own_i, own_j = np.empty(m), np.empty(m)
    other_i, other_j = np.empty(m), np.empty(m)
    for x in range(initiators.size):
        i = initiators[x]
        j = target[i]
        p_i = p_win[i]
        interpolate_bargain(
            interpolation,
            position[i],
            salience[i],
            p_i,
            position[j],
            salience[j],
            1 - p_i,
            own_i,
            own_j,
        )
        initiator[per * x : per * x + per] = i
        receiver[per * x : per * x + per] = j
        if bargain_model == INIT_ONLY:
            moved_i[x], moved_j[x] = own_i, own_j
            continue
        # KTAB takes the target's "estimate" from the expected gain, not the probability
        view = challenge_estimate(
            distance, risk_estimate, weight, salience_total, rule, commit, j, i, i, j
        )[1]
        interpolate_bargain(
            interpolation,
            position[i],
            salience[i],
            view,
            position[j],
            salience[j],
            1 - view,
            other_i,
            other_j,
        )
        if bargain_model == INIT_RCVR:
            moved_i[2 * x], moved_j[2 * x] = own_i, own_j
            moved_i[2 * x + 1], moved_j[2 * x + 1] = other_i, other_j
            continue
        w_i = capability[i] * salience_total[i]
        w_j = capability[i] * salience_total[j]
        for k in range(m):
            moved_i[x, k] = (w_i * own_i[k] + w_j * other_i[k]) / (w_i + w_j)
            moved_j[x, k] = (w_i * own_j[k] + w_j * other_j[k]) / (w_i + w_j)
    return initiator, receiver, moved_i, moved_j


@jit
def bargain_utilities(
    own_utility: np.ndarray,
    risk: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    initiator: np.ndarray,
    receiver: np.ndarray,
    moved_i: np.ndarray,
    moved_j: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Every actor's utility of the status quo and of the state each bargain brings
    (``brgnUtil``): the mean of its utilities of the n positions, the two principals at
    their bargained positions (judged with its own risk attitude from its ideal).

    Returns
    -------
    status_quo : ndarray, shape (n,)
    offers : ndarray, shape (n, b)
    """
    n = position.shape[0]
    status_quo = np.empty(n)
    offers = np.empty((n, initiator.size))
    for a in range(n):
        total = 0.0
        for t in range(n):
            total += own_utility[a, t]
        status_quo[a] = total / n
        for b in range(initiator.size):
            offers[a, b] = spatial_utility(
                weighted_distance(position, salience, a, moved_i, b), risk[a]
            ) + spatial_utility(weighted_distance(position, salience, a, moved_j, b), risk[a])
        # the others' positions in order, each bargain's sum apart (the inner loop runs
        # over bargains, whose sums are independent)
        for t in range(n):
            u = own_utility[a, t]
            for b in range(initiator.size):
                if t != initiator[b] and t != receiver[b]:
                    offers[a, b] += u
        for b in range(initiator.size):
            offers[a, b] /= n
    return status_quo, offers


@jit
def draw(p: np.ndarray, rng: np.random.Generator) -> int:
    """One index drawn with probabilities p (``PRNG::probSel``)."""
    u = rng.uniform(0.0, 1.0)
    cumulative = 0.0
    for x in range(p.size):
        cumulative += p[x]
        if u <= cumulative:
            return x
    return p.size - 1


@jit
def resolve_bargains(
    capability: np.ndarray,
    position: np.ndarray,
    status_quo: np.ndarray,
    offers: np.ndarray,
    initiator: np.ndarray,
    receiver: np.ndarray,
    moved_i: np.ndarray,
    moved_j: np.ndarray,
    rule: int,
    victory_model: int,
    pce_model: int,
    transitions: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each actor's next position (``SMPState::updateBestBrgnPositions``).

    Actor k's options are its status quo and the bargains it is party to, in order; all
    actors vote on them with capability as weight (``scalarPCE``) and k takes the most
    probable (the first on a tie) or draws one. Draws are taken for actors with fewer
    options first, then in actor order, as the NumPy kernel batches its elections.

    Returns
    -------
    new_position : ndarray, shape (n, m)
    chosen : ndarray of int, shape (n,)
        Index of the bargain taken, -1 for the status quo.
    chosen_probability : ndarray, shape (n,)
    """
    n = position.shape[0]
    new_position = position.copy()
    chosen = np.full(n, -1, dtype=np.int64)
    chosen_probability = np.ones(n)
    options = np.zeros(n, dtype=np.int64)
    offered = np.empty((n, max(initiator.size, 1)), dtype=np.int64)  # k's bargains, in order
    for b in range(initiator.size):
        for k in (initiator[b], receiver[b]):
            offered[k, options[k]] = b
            options[k] += 1
    for count in range(1, options.max() + 1):
        for k in range(n):
            if options[k] != count:
                continue
            utility = np.empty((n, count + 1))
            for a in range(n):
                utility[a, 0] = status_quo[a]
                for x in range(count):
                    utility[a, x + 1] = offers[a, offered[k, x]]
            p = scalar_pce(rule, victory_model, pce_model, capability, utility)
            pick = int(np.argmax(p)) if transitions == DETERMINISTIC else draw(p, rng)
            chosen_probability[k] = p[pick]
            if pick == 0:
                continue
            b = offered[k, pick - 1]
            chosen[k] = b
            moved = moved_i if initiator[b] == k else moved_j
            for d in range(new_position.shape[1]):
                new_position[k, d] = moved[b, d]
    return new_position, chosen, chosen_probability
