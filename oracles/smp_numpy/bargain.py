"""Bargains in SMP: what initiators offer, and which bargain every actor moves to.

KTAB's ``SMPActor::interpolateBrgn`` (4-decimal rounding included), ``SMPState::doBCN``
(the offers), ``brgnUtil`` (the utility of the state a bargain brings),
``SMPState::updateBestBrgnPositions`` (the vote over each actor's options) and
``PRNG::probSel`` (a draw for stochastic transitions).
"""

from __future__ import annotations

import numpy as np

from oracles.smp_numpy.challenge import challenge_estimates
from oracles.smp_numpy.probability import Assessment, scalar_pce
from oracles.smp_numpy.utility import spatial_utility, weighted_distance
from tawazun.models._smp_kernel.settings import Settings, sequential_sum


def round4(x: np.ndarray) -> np.ndarray:
    """KTAB's rounding of bargains to 4 decimals: ``(int)(0.5 + 10000 x) / 10000``."""
    return np.trunc(0.5 + x * 10000.0) / 10000.0


def interpolate_bargain(
    pos_i: np.ndarray,
    sal_i: np.ndarray,
    prob_i: np.ndarray,
    pos_j: np.ndarray,
    sal_j: np.ndarray,
    prob_j: np.ndarray,
    interpolation: str,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Positions i and j would take in a bargain (``SMPActor::interpolateBrgn``).

    For ``SnPm`` each actor weighs in, on dimension k, with
    :math:`w_{ik} = s_{ik}^n p_i^m` (``S2P2``, the default: salience and probability
    squared), and both move to nearly the same weighted mean, each keeping a weight of
    :math:`10^{-6}` on its own position; results are rounded to 4 decimals. ``S2PMax``
    moves only the weaker side, in proportion to the probability gap.

    Parameters
    ----------
    pos_i, sal_i, pos_j, sal_j : ndarray, shape (b, m)
    prob_i, prob_j : ndarray, shape (b,)
    """
    p_i, p_j = prob_i[:, None], prob_j[:, None]
    min_weight = 1e-6
    if interpolation == "S2PMax":
        d_i = np.where(p_j > p_i, p_j - p_i, 0.0)
        d_j = np.where(p_i > p_j, p_i - p_j, 0.0)
        s_i2, s_j2 = sal_i * sal_i, sal_j * sal_j
        move_i = (d_i * s_j2) / ((d_i * s_j2) + min_weight + ((1 - d_i) * s_i2))
        move_j = (d_j * s_i2) / ((d_j * s_i2) + min_weight + ((1 - d_j) * s_j2))
        return pos_i + move_i * (pos_j - pos_i), pos_j + move_j * (pos_i - pos_j)
    if interpolation == "S2P2":
        w_i = (sal_i * sal_i) * (p_i * p_i)
        w_j = (sal_j * sal_j) * (p_j * p_j)
    else:
        w_i, w_j = sal_i * p_i, sal_j * p_j
    total = w_i + min_weight + w_j
    new_i = round4(((w_i + min_weight) * pos_i + w_j * pos_j) / total)
    new_j = round4((w_i * pos_i + (min_weight + w_j) * pos_j) / total)
    return new_i, new_j


def propose_bargains(
    assessment: Assessment,
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    weight: np.ndarray,
    salience_total: np.ndarray,
    target: np.ndarray,
    p_win: np.ndarray,
    settings: Settings,
) -> list[tuple[int, int, np.ndarray, np.ndarray]]:
    """The bargains the initiators offer their targets (``SMPState::doBCN(i)``).

    ``InitOnlyInterp`` (default): the bargain the initiator interpolates with its own
    estimate of winning. ``InitRcvrInterp`` adds the one interpolated with the target's
    estimate; ``PWCompInterp`` offers their weighted compromise instead. KTAB's code takes
    the target's "estimate" from the second value of ``probEduChlg`` (the expected gain,
    not the probability) and weighs the compromise with the initiator's capability on
    both sides; that is transcribed as it is.

    Returns
    -------
    list of (initiator, receiver, initiator's new position, receiver's new position)
        In initiator order; ``InitRcvrInterp`` gives two per initiator.
    """
    init = np.flatnonzero(target >= 0)
    if init.size == 0:
        return []
    recv = target[init]
    own_i, own_j = interpolate_bargain(
        position[init],
        salience[init],
        p_win[init],
        position[recv],
        salience[recv],
        1 - p_win[init],
        settings.interpolation,
    )
    if settings.bargain_model == "InitOnlyInterp":
        return [
            (int(a), int(b), own_i[x], own_j[x])
            for x, (a, b) in enumerate(zip(init, recv, strict=True))
        ]
    _, rcvr_view = challenge_estimates(
        assessment, weight, salience_total, settings, recv, init, init, recv
    )
    other_i, other_j = interpolate_bargain(
        position[init],
        salience[init],
        rcvr_view,
        position[recv],
        salience[recv],
        1 - rcvr_view,
        settings.interpolation,
    )
    if settings.bargain_model == "InitRcvrInterp":
        offers = []
        for x, (a, b) in enumerate(zip(init, recv, strict=True)):
            offers.append((int(a), int(b), own_i[x], own_j[x]))
            offers.append((int(a), int(b), other_i[x], other_j[x]))
        return offers
    w_i = (capability[init] * salience_total[init])[:, None]
    w_j = (capability[init] * salience_total[recv])[:, None]
    mixed_i = (w_i * own_i + w_j * other_i) / (w_i + w_j)
    mixed_j = (w_i * own_j + w_j * other_j) / (w_i + w_j)
    return [
        (int(a), int(b), mixed_i[x], mixed_j[x])
        for x, (a, b) in enumerate(zip(init, recv, strict=True))
    ]


def bargain_utilities(
    assessment: Assessment,
    position: np.ndarray,
    salience: np.ndarray,
    bargains: list[tuple[int, int, np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    r"""Every actor's utility of the state each bargain would bring (``brgnUtil``).

    The state after a bargain has the two principals at their bargained positions and
    everyone else where they are; its utility to actor a is the mean of a's utilities of
    the n positions (its own risk attitude, its ideal).

    Returns
    -------
    status_quo : ndarray, shape (n,)
    offers : ndarray, shape (n, len(bargains))
    """
    n = position.shape[0]
    own = assessment.own_utility
    status_quo = sequential_sum(own.T) / n
    if not bargains:
        return status_quo, np.empty((n, 0))
    init = np.array([b[0] for b in bargains])
    recv = np.array([b[1] for b in bargains])
    moved_i = np.array([b[2] for b in bargains])
    moved_j = np.array([b[3] for b in bargains])
    risk = assessment.risk[:, None]
    u_init = spatial_utility(weighted_distance(position, moved_i, salience), risk)
    u_recv = spatial_utility(weighted_distance(position, moved_j, salience), risk)
    offers = u_init + u_recv
    # everyone else's positions, in KTAB's order; x + 0.0 leaves x as it is
    term = np.empty_like(offers)
    for other in range(n):
        kept = ((init != other) & (recv != other)).astype(float)
        np.multiply(own[:, other, None], kept[None, :], out=term)
        offers += term
    offers /= n
    return status_quo, offers


def resolve_bargains(
    assessment: Assessment,
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    bargains: list[tuple[int, int, np.ndarray, np.ndarray]],
    settings: Settings,
    rng: np.random.Generator | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each actor's next position (``SMPState::updateBestBrgnPositions``).

    Actor k's options are its status quo and every bargain it is party to (the status quo
    first, then the bargains in initiator order). All actors vote on them with capability
    as weight (``scalarPCE``); k takes the most probable one (``Deterministic``, the first
    on a tie) or draws one with those probabilities (``Stochastic``).

    Returns
    -------
    new_position : ndarray, shape (n, m)
    chosen : ndarray of int, shape (n,)
        Index into ``bargains``, -1 for the status quo.
    chosen_probability : ndarray, shape (n,)
    """
    n = position.shape[0]
    status_quo, offers = bargain_utilities(assessment, position, salience, bargains)
    parties = np.array([[b[0], b[1]] for b in bargains], dtype=int).reshape(-1, 2)
    new_position = position.copy()
    chosen = np.full(n, -1)
    chosen_probability = np.ones(n)
    options = [np.flatnonzero((parties[:, 0] == k) | (parties[:, 1] == k)) for k in range(n)]
    # actors with as many options vote in one batch of elections
    for count in sorted({o.size for o in options if o.size}):
        actors = [k for k in range(n) if options[k].size == count]
        offered = np.stack([options[k] for k in actors])
        utility = np.concatenate(
            [np.broadcast_to(status_quo, (len(actors), 1, n)), offers.T[offered]], axis=1
        ).transpose(0, 2, 1)
        probabilities = scalar_pce(capability, utility, settings)
        for k, mine, p in zip(actors, offered, probabilities, strict=True):
            if settings.state_transitions == "Deterministic":
                pick = int(np.argmax(p))
            elif rng is None:
                raise ValueError("stochastic state transitions need a random generator")
            else:
                pick = draw(p, rng)
            chosen_probability[k] = p[pick]
            if pick == 0:
                continue
            b = int(mine[pick - 1])
            chosen[k] = b
            new_position[k] = bargains[b][2] if bargains[b][0] == k else bargains[b][3]
    return new_position, chosen, chosen_probability


def draw(p: np.ndarray, rng: np.random.Generator) -> int:
    """One index drawn with probabilities p (``PRNG::probSel``)."""
    u = rng.uniform(0.0, 1.0)
    below = np.flatnonzero(u <= np.cumsum(p))
    return int(below[0]) if below.size else p.size - 1
