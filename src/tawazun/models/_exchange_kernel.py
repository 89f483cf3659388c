"""Compiled kernel of the exchange model: one round of candidate search and realised exchanges.

The model is Stokman and Van Oosten's (1994) exchange model as decide-exchange-model
2025.3.1 computes it (``decide/model/base.py``, ``equalgain.py``, ``calculations.py``).
Positions are on 0-100 here, as decide normalises them; :mod:`tawazun.models.exchange`
converts to and from each issue's scale.

Candidates are rows of arrays, built all at once at the start of a round. The loop that
realises the best one and recomputes those it affects is compiled with Numba: each
realised exchange touches tens to hundreds of candidates, too few for NumPy's per-call
overhead to pay off, and a round realises hundreds to thousands of exchanges. The
arithmetic of every formula follows ``tests/models/exchange_oracle.py`` (a plain
transcription of decide), which the tests hold this kernel to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
from numba import njit

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


def outcomes(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    r"""Outcome of every issue: the weighted mean of positions (decide's "NBS").

    .. math:: O_k = \frac{\sum_i c_i s_{ik} x_{ik}}{\sum_i c_i s_{ik}}

    ``weight`` is 0 where an actor is absent (its position may then be NaN).
    """
    return np.where(weight > 0, weight * position, 0.0).sum(axis=0) / weight.sum(axis=0)


def new_start_positions(
    start: np.ndarray,
    voting: np.ndarray,
    salience: np.ndarray,
    salience_weight: float,
    fixed_weight: float,
) -> np.ndarray:
    r"""Where an actor that traded starts the next round (``calculations.new_start_position``).

    .. math:: x' = \big((1-s)\,w_s + w_f\big)\,y + \big(1 - (1-s)\,w_s - w_f\big)\,x

    with ``x`` the position the round began from, ``y`` the voting position and ``s`` the
    actor's salience of the issue: the less it cares, the further it follows its vote.
    """
    pulled = (1 - salience) * salience_weight
    return pulled * voting + fixed_weight * voting + (1 - pulled - fixed_weight) * start


@dataclass
class Candidates:
    """Candidate exchanges of a round, in canonical order (issue pair, kind, actors).

    Side ``i`` supplies issue ``q`` and demands ``p``; side ``j`` supplies ``p`` and demands
    ``q`` (decide's ``exchange.i`` and ``exchange.j``).
    """

    i: np.ndarray
    j: np.ndarray
    p: np.ndarray
    q: np.ndarray
    kind: np.ndarray

    def __len__(self) -> int:
        return len(self.i)


def build_candidates(
    position: np.ndarray, salience: np.ndarray, weight: np.ndarray, left: np.ndarray
) -> Candidates:
    """Every pair of actors on opposite sides of both outcomes of every pair of issues.

    ``AbstractModel.determine_groups_and_calculate_exchanges``: on issues ``p < q`` an actor
    is in group ``left_p + 2 left_q``; groups 0 and 3 trade (a-d), and 1 and 2 (b-c). In each
    pair the actor with the smaller ``s_p / s_q`` supplies ``p`` (``AbstractExchange``).
    Actors that give either issue no weight are left out: decide divides by their weight.
    """
    n, m = position.shape
    trading = weight > 0
    parts: list[tuple[np.ndarray, ...]] = []
    for p, q in combinations(range(m), 2):
        able = trading[:, p] & trading[:, q]
        group = np.where(able, left[:, p] + 2 * left[:, q].astype(int), -1)
        for kind, (first, second) in enumerate(KINDS):
            a = np.flatnonzero(group == first)
            b = np.flatnonzero(group == second)
            if not (len(a) and len(b)):
                continue
            a, b = np.repeat(a, len(b)), np.tile(b, len(a))
            # a cares relatively less about p than b does: a supplies p (is side j)
            a_supplies_p = salience[a, p] * salience[b, q] < salience[b, p] * salience[a, q]
            side_i = np.where(a_supplies_p, b, a)
            side_j = np.where(a_supplies_p, a, b)
            count = len(a)
            parts.append(
                (side_i, side_j, np.full(count, p), np.full(count, q), np.full(count, kind))
            )
    if not parts:
        empty = np.zeros(0, dtype=np.intp)
        return Candidates(empty, empty, empty, empty, empty)
    columns = [np.concatenate(col).astype(np.intp) for col in zip(*parts, strict=True)]
    return Candidates(*columns)


@dataclass
class Realized:
    """One realised exchange, positions on 0-100."""

    index: int
    kind: int
    p: int
    q: int
    gain: float
    sides: list[dict[str, Any]]
    externalities: dict[str, float]
    third_parties: dict[int, float] = field(default_factory=dict)


# -- the compiled round -------------------------------------------------------------------------
# Per candidate ``c`` and side ``s`` (0 is decide's ``exchange.i``, which supplies ``q``; 1 its
# ``exchange.j``, which supplies ``p``): ``actor[c, s]`` moves on ``supply[c, s]`` toward its
# partner's position there and wants its partner to move on ``supply[c, 1 - s]``.
#
# ``state[c, s]`` holds (move, vote, gain, outcome before, outcome after) and ``history[c, s]``
# (minimum, maximum, sum) of the side's earlier moves, which decide checks directions against.
# ``tables`` is (6, n, m): round-start position, salience, weight / total, total / weight,
# and per issue the start outcome and 1 / total, broadcast over actors.
# error_model="numpy": divisions follow IEEE (as NumPy's) without the zero check Python's
# ZeroDivisionError needs; every divisor here is a salience or weight of a trading actor (> 0)
_jit = njit(cache=True, error_model="numpy")


@_jit
def crosses(target: float, before: float, after: float) -> bool:
    """Whether an outcome moving from ``before`` to ``after`` passes ``target``.

    ``AbstractExchangeActor.check_nbs``: the signs of ``target - before`` and
    ``target - after`` differ. Within :data:`EPS` of the target counts as on it, and on it
    is on both sides, as decide's exact decimal zero is.
    """
    d0, d1 = target - before, target - after
    return min(d0, d1) < -EPS and max(d0, d1) > EPS


@_jit
def move_is_valid(move: float, position: float, low: float, high: float, past: float) -> bool:
    """``AbstractExchangeActor.is_move_valid``: a real move that stays on the scale and keeps
    the direction of the side's earlier moves (their minimum and maximum, with this move,
    have a positive product)."""
    size = abs(move)
    landing = position + move
    return (
        size <= 100
        and size > MIN_MOVE
        and landing >= -EPS
        and landing <= 100 + EPS
        and past + move <= 100
        and min(low, move) * max(high, move) > 0
    )


@_jit
def evaluate(
    actor: np.ndarray,
    supply: np.ndarray,
    across: np.ndarray,
    history: np.ndarray,
    tables: np.ndarray,
    c: int,
    current: np.ndarray,
    seen: tuple[np.ndarray, np.ndarray, np.ndarray],
    state: np.ndarray,
    gain: np.ndarray,
    score: np.ndarray,
    rng: np.random.Generator,
    p: float,
) -> None:
    """``EqualGainExchange.calculate`` of candidate ``c``: moves, gains and validity.

    ``seen`` is (total, shift, has) as :class:`Round` keeps them. Writes ``state[c]``,
    ``gain[c]`` and ``score[c]`` (the gain if the exchange is valid, else -inf). With
    ``p`` the randomized variant draws ``(u, v, z)`` once the exchange passes its first test.
    """
    seen_total, seen_shift, seen_has = seen
    start, salience, ratio, unratio, start_outcome, inverse_total = tables
    a0, a1 = actor[c, 0], actor[c, 1]
    k0, k1 = supply[c, 0], supply[c, 1]
    # per side: where it stands, what its partner wants of it, and its outcome's terms
    x0, x1 = start[a0, k0], start[a1, k1]
    pos0, pos1 = current[a0, k0], current[a1, k1]
    want0, want1 = start[a0, k1], start[a1, k0]
    s_sup0, s_sup1 = salience[a0, k0], salience[a1, k1]
    s_dem0, s_dem1 = salience[a0, k1], salience[a1, k0]
    r0, r1 = ratio[a0, k0], ratio[a1, k1]
    u0, u1 = unratio[a0, k0], unratio[a1, k1]
    o0, o1 = start_outcome[a0, k0], start_outcome[a1, k1]
    t0, t1 = inverse_total[a0, k0], inverse_total[a1, k1]
    # what the partner, who demands this side's supply issue, has seen others do there
    total0, total1 = seen_total[a1, k0], seen_total[a0, k1]
    has0, has1 = seen_has[a1, k0, a0], seen_has[a0, k1, a1]
    off0 = (total0 - seen_shift[a1, k0, a0]) * t0
    off1 = (total1 - seen_shift[a0, k1, a1]) * t1
    dir0 = -1.0 if pos0 > want1 else 1.0
    dir1 = -1.0 if pos1 > want0 else 1.0
    ac0, ac1 = across[c, 0], across[c, 1]
    low0, high0, past0 = history[c, 0, 0], history[c, 0, 1], history[c, 0, 2]
    low1, high1, past1 = history[c, 1, 0], history[c, 1, 1], history[c, 1, 2]

    # j moves all the way to i's position; if that asks more of i than reaching j,
    # i moves all the way instead
    room0, room1 = abs(want1 - pos0), abs(want0 - pos1)
    dp = room1 * r1
    dq = ac1 * dp
    move0 = dq * u0
    if move0 > room0:
        dq = room0 * r0
        dp = ac0 * dq
        move0, move1 = room0, dp * u1
    else:
        move1 = room1
    move0 *= dir0
    move1 *= dir1
    g = abs(dq * s_sup0 - dp * s_dem0)
    valid = (
        move_is_valid(move0, pos0, low0, high0, past0)
        and move_is_valid(move1, pos1, low1, high1, past1)
        and g >= MIN_GAIN
    )
    eu0 = eu1 = g
    before0 = after0 = before1 = after1 = 0.0
    if valid:
        before0 = o0 + off0 + r0 * (pos0 - x0)
        before1 = o1 + off1 + r1 * (pos1 - x1)
        # AbstractExchangeActor.check_nbs, side i then side j: if the move carries the
        # outcome past the partner's position, stop it there and scale the partner's move
        # to equal gain (the own moves the partner saw count as decide applies them last)
        cut = False
        after0 = o0 + off0 + r0 * (pos0 + move0 - x0)
        if crosses(want1, before0, after0):
            own = 0.0 if has0 else pos0 - x0
            delta = abs((want1 - (o0 + total0 * t0)) * u0 - own)
            shift = delta * r0
            shift_partner = ac0 * shift
            move0 = delta * dir0
            move1 = abs(shift_partner * u1) * dir1
            g = abs(shift_partner * s_sup1 - shift * s_dem1)
            after0 = o0 + off0 + r0 * (pos0 + move0 - x0)
            cut = True
        after1 = o1 + off1 + r1 * (pos1 + move1 - x1)
        if crosses(want0, before1, after1):
            own = 0.0 if has1 else pos1 - x1
            delta = abs((want0 - (o1 + total1 * t1)) * u1 - own)
            shift = delta * r1
            shift_partner = ac1 * shift
            move1 = delta * dir1
            move0 = abs(shift_partner * u0) * dir0
            g = abs(shift_partner * s_sup0 - shift * s_dem0)
            after1 = o1 + off1 + r1 * (pos1 + move1 - x1)
            cut = True
        eu0 = eu1 = g
        if p:
            u, v, z = rng.random(), rng.random(), rng.random()
            best0, best1 = maximum_utility(
                pos0 + move0, pos1 + move1, want0, want1, before0, before1,
                o0 + off0, o1 + off1, x0, x1, r0, r1, s_sup0, s_sup1, s_dem0, s_dem1,
            )  # fmt: skip
            if u < 0.5:  # side i is drawn
                move0, move1, eu0, eu1 = randomized_gain(
                    g, p, v, z, best0, pos0, pos1, want0, want1, before0,
                    o0 + off0, r0, r1, u0, u1, s_sup0, s_dem0, s_sup1, s_dem1,
                    has0, x0, o0 + total0 * t0, dir0, dir1,
                )  # fmt: skip
            else:
                move1, move0, eu1, eu0 = randomized_gain(
                    g, p, v, z, best1, pos1, pos0, want1, want0, before1,
                    o1 + off1, r1, r0, u1, u0, s_sup1, s_dem1, s_sup0, s_dem0,
                    has1, x1, o1 + total1 * t1, dir1, dir0,
                )  # fmt: skip
            before0 = o0 + off0 + r0 * (pos0 - x0)
            before1 = o1 + off1 + r1 * (pos1 - x1)
            after0 = o0 + off0 + r0 * (pos0 + move0 - x0)
            after1 = o1 + off1 + r1 * (pos1 + move1 - x1)
        if p or cut:
            valid = move_is_valid(move0, pos0, low0, high0, past0) and move_is_valid(
                move1, pos1, low1, high1, past1
            )
    row = state[c]
    row[0, 0], row[0, 1], row[0, 2], row[0, 3], row[0, 4] = (
        move0,
        pos0 + move0,
        eu0,
        before0,
        after0,
    )
    row[1, 0], row[1, 1], row[1, 2], row[1, 3], row[1, 4] = (
        move1,
        pos1 + move1,
        eu1,
        before1,
        after1,
    )
    gain[c] = g
    score[c] = g if valid else -np.inf


@_jit
def maximum_utility(
    y0: float, y1: float, want0: float, want1: float, before0: float, before1: float,
    level0: float, level1: float, x0: float, x1: float, r0: float, r1: float,
    s_sup0: float, s_sup1: float, s_dem0: float, s_dem1: float,
) -> tuple[float, float]:  # fmt: skip
    """``EqualGainExchange.calculate_maximum_utility``: the most each side could gain.

    ``y`` is a side's vote; ``level + r * (position - x)`` is the outcome of its supply
    issue with it at ``position`` (``calculations.adjusted_nbs``).
    """
    # decide compares a side's position on its demand issue with its vote on its supply
    # issue here; kept as it is
    top0, top1 = abs(want0 - y0) <= EPS, abs(want1 - y1) <= EPS
    delta0 = abs(before0 - (level0 + r0 * ((y0 if top0 else want1) - x0)))
    delta1 = abs(before1 - (level1 + r1 * ((y1 if top1 else want0) - x1)))
    loss_1, gain_2 = delta1 * s_sup1, delta1 * s_dem0
    loss_2, gain_1 = delta0 * s_sup0, delta0 * s_dem1
    overwrite = 0.0
    if top0 and gain_1 - loss_1 > 0:
        overwrite = gain_2 - (loss_1 / s_dem1) * s_sup0
    if top1 and gain_2 - loss_2 > 0:
        overwrite = gain_1 - (loss_2 / s_dem0) * s_sup1
    pick_j = gain_2 > gain_1
    if pick_j:
        g, loss, a_sup, o_dem = gain_1, loss_2, s_sup1, s_dem0
    else:
        g, loss, a_sup, o_dem = gain_2, loss_1, s_sup0, s_dem1
    share = a_sup / (a_sup + o_dem)
    opposite = overwrite if overwrite != 0 else share * o_dem * (g / (share * a_sup)) - loss
    chosen = g - share * a_sup * (loss / (share * o_dem))
    return (opposite, chosen) if pick_j else (chosen, opposite)


@_jit
def randomized_gain(
    g: float, p: float, v: float, z: float, best: float, pos: float, pos_you: float,
    want: float, want_you: float, before: float, level: float, r: float, r_you: float,
    u: float, u_you: float, s_sup: float, s_dem: float, s_sup_you: float, s_dem_you: float,
    has: bool, x: float, seen_outcome: float, direction: float, direction_you: float,
) -> tuple[float, float, float, float]:  # fmt: skip
    """decide's ``randomized_gain`` for the drawn side ("me"; its partner is "you").

    The drawn side wins (``v < 0.5``: its gain rises by ``p z`` times the room to its
    maximum ``best``) or loses (falls by ``p z`` of it); the moves follow from its new
    gain. Returns (my move, your move, my gain, your gain).
    """
    mine = g + p * z * (best - g) if v < 0.5 else g - p * z * g
    reach = abs(pos - want_you)
    shift = reach * r
    shift_you = (mine + shift * s_sup) / s_dem
    move, move_you = reach, shift_you * u_you
    yours = abs(shift_you * s_sup_you - shift * s_dem_you)
    room = abs(pos_you - want)
    if abs(move_you) > room:
        # the partner would overshoot: it moves all the way and the drawn side moves less
        shift_you = room * r_you
        shift = abs((mine - shift_you * s_dem) / s_sup)
        move = shift * u
        if abs(move) < reach:
            yours = abs(shift_you * s_sup_you - shift * s_dem_you)
        move_you = room
    else:
        # the drawn side's full move may carry its outcome past the partner
        signed = -reach if pos > want_you else reach
        if crosses(want_you, before, level + r * ((signed + pos) - x)):
            own = 0.0 if has else pos - x
            shift = abs((want_you - seen_outcome) * u - own) * r
            shift_you = (mine + shift * s_sup) / s_dem
            move_you = shift_you * u_you
            yours = abs(shift_you * s_sup_you - shift * s_dem_you)
            # decide keeps the signed full move here, not the stopped one
            move = signed
    return move * direction, move_you * direction_you, mine, yours


@_jit
def see(
    seen: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    x0: np.ndarray,
    w: np.ndarray,
    demander: int,
    issue: int,
    mover: int,
    y: float,
) -> None:
    """``AbstractExchange.update_updates``: what ``demander`` saw ``mover`` move to on
    ``issue``; ``seen`` is (total, shift, has, value)."""
    seen_total, seen_shift, seen_has, seen_value = seen
    value = y
    if seen_has[demander, issue, mover]:
        current = seen_value[demander, issue, mover]
        value = min(current, y) if x0[mover, issue] <= current else max(current, y)
    shift = w[mover, issue] * (value - x0[mover, issue])
    seen_total[demander, issue] += shift - seen_shift[demander, issue, mover]
    seen_value[demander, issue, mover] = value
    seen_shift[demander, issue, mover] = shift
    seen_has[demander, issue, mover] = True


@_jit
def max_tree(count: int) -> np.ndarray:
    """A max-tree over ``count`` scores, all -inf: node ``t`` holds the maximum of nodes
    ``2t`` and ``2t + 1``, the scores are the leaves ``tree[len(tree) // 2:]`` in order."""
    leaves = 1
    while leaves < count:
        leaves *= 2
    return np.full(2 * leaves, -np.inf)


@_jit
def lift(tree: np.ndarray, c: int) -> None:
    """Carry the new score of leaf ``c`` up the tree; stop where a maximum stays."""
    node = (len(tree) // 2 + c) // 2
    while node:
        top = max(tree[2 * node], tree[2 * node + 1])
        if tree[node] == top:
            break
        tree[node] = top
        node //= 2


@_jit
def at_least(tree: np.ndarray, floor: float, nth: int) -> tuple[int, int]:
    """Leaves scoring ``floor`` or more: how many there are and, if ``nth`` is one of
    them (counted from 0 in canonical order), which; subtrees below ``floor`` are skipped."""
    leaves = len(tree) // 2
    stack = np.empty(128, dtype=np.intp)
    stack[0], depth, count, found = 1, 1, 0, -1
    while depth:
        depth -= 1
        node = stack[depth]
        if tree[node] < floor:
            continue
        if node >= leaves:
            if count == nth:
                found = node - leaves
            count += 1
        else:
            stack[depth], stack[depth + 1] = 2 * node + 1, 2 * node
            depth += 2
    return count, found


@_jit
def best(tree: np.ndarray, rng: np.random.Generator, random_ties: bool) -> int:
    """The candidate with the highest gain, or -1 if none is left: gains within
    :data:`TIE` of the best are a tie, which goes to the first in canonical order, or
    with ``random_ties`` to one drawn from ``rng``."""
    top = tree[1]
    if top == -np.inf:
        return -1
    floor = top * (1 - TIE)
    if random_ties:
        count, first = at_least(tree, floor, 0)
        return at_least(tree, floor, rng.integers(0, count))[1] if count > 1 else first
    node, leaves = 1, len(tree) // 2
    while node < leaves:
        node = 2 * node if tree[2 * node] >= floor else 2 * node + 1
    return node - leaves


@_jit
def run_round(
    actor: np.ndarray,
    supply: np.ndarray,
    across: np.ndarray,
    tables: np.ndarray,
    w: np.ndarray,
    current: np.ndarray,
    moved: np.ndarray,
    seen: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    by_supply: tuple[np.ndarray, np.ndarray],
    by_demand: tuple[np.ndarray, np.ndarray],
    rng: np.random.Generator,
    p: float,
    random_ties: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """decide's ``ModelLoop.loop``: compute every candidate, then realise the best one and
    recompute those it affects (``AbstractExchange.recalculate``) until none is left.

    ``by_supply`` and ``by_demand`` are (bounds, candidates) lists of the candidates by
    ``actor * m + issue`` of a side's supply or demand issue. Returns the realised
    candidates in order, the positions their traders moved from, and every candidate's
    last state and gain.
    """
    count, m = len(actor), current.shape[1]
    start = tables[0]
    history = np.zeros((count, 2, 3))
    history[:, :, 0], history[:, :, 1] = np.inf, -np.inf
    state = np.zeros((count, 2, 5))
    gain = np.zeros(count)
    tree = max_tree(count)
    score = tree[len(tree) // 2 :][:count]
    shared = seen[:3]
    candidate = (actor, supply, across, history, tables)
    for c in range(count):
        evaluate(*candidate, c, current, shared, state, gain, score, rng, p)
    for node in range(len(tree) // 2 - 1, 0, -1):
        tree[node] = max(tree[2 * node], tree[2 * node + 1])
    realized = np.empty(count, dtype=np.intp)
    moved_from = np.empty((count, 2))
    mark = np.full(count, -1, dtype=np.intp)
    touched = np.empty(count, dtype=np.intp)
    done = 0
    while True:
        k = best(tree, rng, random_ties)
        if k < 0:
            break
        a_i, a_j, q, p_ = actor[k, 0], actor[k, 1], supply[k, 0], supply[k, 1]
        realized[done] = k
        moved_from[done, 0], moved_from[done, 1] = current[a_i, q], current[a_j, p_]
        score[k] = -np.inf
        lift(tree, k)
        # every alive candidate in which one of the two actors supplies the issue it moved
        # on, or demands the issue its partner moved on
        found = 0
        for table, key in (
            (by_supply, a_i * m + q),
            (by_supply, a_j * m + p_),
            (by_demand, a_j * m + q),
            (by_demand, a_i * m + p_),
        ):
            bounds, members = table
            for e in range(bounds[key], bounds[key + 1]):
                c = members[e]
                if score[c] > -np.inf and mark[c] != done:
                    mark[c] = done
                    touched[found] = c
                    found += 1
        batch = np.sort(touched[:found])
        # a side that supplies the issue its actor just moved on keeps its previous move in
        # the history decide checks directions against; other sides just recompute it
        for c in batch:
            for s in range(2):
                if (actor[c, s] == a_i and supply[c, s] == q) or (
                    actor[c, s] == a_j and supply[c, s] == p_
                ):
                    last = state[c, s, 0]
                    history[c, s, 0] = min(history[c, s, 0], last)
                    history[c, s, 1] = max(history[c, s, 1], last)
                    history[c, s, 2] += last
        y_i, y_j = state[k, 0, 1], state[k, 1, 1]
        current[a_i, q], current[a_j, p_] = y_i, y_j
        moved[a_i, q] = moved[a_j, p_] = True
        see(seen, start, w, a_j, q, a_i, y_i)
        see(seen, start, w, a_i, p_, a_j, y_j)
        for c in batch:
            evaluate(*candidate, c, current, shared, state, gain, score, rng, p)
            lift(tree, c)
        done += 1
    return realized[:done], moved_from[:done], state, gain


class Round:
    """One round (decide's ``ModelLoop.loop``) over fixed round-start positions.

    decide keeps one object per candidate exchange with its own copy of the positions it has
    seen move. Every candidate alive when an exchange is realised receives the same news, so
    that state is shared here instead: ``current[a, k]``, where actor ``a`` stands on issue
    ``k`` in this round so far (decide's supply positions), and per demander ``d`` of issue
    ``k`` where it saw each partner ``a`` move to (decide's ``exchange.updates[k][a]``), kept
    as the change of ``a``'s weighted position with its sum over partners.
    """

    def __init__(
        self,
        position: np.ndarray,
        salience: np.ndarray,
        capability: np.ndarray,
        present: np.ndarray,
        *,
        p: float,
        rng: np.random.Generator,
        random_ties: bool,
    ) -> None:
        self.x0 = np.nan_to_num(position)
        self.s = salience
        self.present = present
        self.w = np.where(present, capability[:, None] * salience, 0.0)
        self.n, self.m = position.shape
        total = self.w.sum(axis=0)
        self.start_outcome = np.where(present, self.w * self.x0, 0.0).sum(axis=0) / total
        self.left = present & (self.x0 <= self.start_outcome + EPS)
        self.p = p
        self.rng = rng
        self.random_ties = random_ties
        self.current = self.x0.copy()
        self.moved = np.zeros((self.n, self.m), dtype=bool)
        self.cands = build_candidates(position, salience, self.w, self.left)
        with np.errstate(divide="ignore"):
            unratio = np.where(self.w > 0, total / np.where(self.w > 0, self.w, 1.0), np.inf)
        shape = self.w.shape
        self.tables = np.stack(
            [
                self.x0,
                salience,
                self.w / total,
                unratio,
                np.broadcast_to(self.start_outcome, shape),
                np.broadcast_to(1 / total, shape),
            ]
        )

    def run(self, third_parties: bool = False) -> list[Realized]:
        """Realise the best exchange until none is left (decide's ``ModelLoop.loop``)."""
        c, n, m = self.cands, self.n, self.m
        actor = np.stack([c.i, c.j], axis=1)
        supply = np.stack([c.q, c.p], axis=1)
        s_supply = self.s[actor, supply]
        s_demand = self.s[actor, supply[:, ::-1]]
        # calculations.by_exchange_ratio: the outcome shift on the partner's supply issue
        # that gives both sides the gain a unit shift on this side's supply issue gives
        across = (s_supply + s_demand[:, ::-1]) / (s_demand + s_supply[:, ::-1])
        seen = (
            np.zeros((n, m)),
            np.zeros((n, m, n)),
            np.zeros((n, m, n), dtype=bool),
            np.zeros((n, m, n)),
        )
        by_supply = self._by_key(actor * m + supply)
        by_demand = self._by_key(actor * m + supply[:, ::-1])
        realized, moved_from, state, gain = run_round(
            actor, supply, across, self.tables, self.w, self.current, self.moved, seen,
            by_supply, by_demand, self.rng, self.p, self.random_ties,
        )  # fmt: skip
        return self.records(realized, moved_from, state, gain, third_parties)

    def _by_key(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Candidates listed by key (both sides), as (bounds, members): those with key
        ``k`` are ``members[bounds[k]:bounds[k + 1]]``."""
        flat = keys.T.reshape(-1)
        order = np.argsort(flat, kind="stable")
        bounds = np.searchsorted(flat[order], np.arange(self.n * self.m + 1))
        return bounds, (order % len(keys)).astype(np.intp)

    def records(
        self,
        realized: np.ndarray,
        moved_from: np.ndarray,
        state: np.ndarray,
        gain: np.ndarray,
        third_parties: bool,
    ) -> list[Realized]:
        """The realised exchanges with their externalities (decide's ``Externalities``).

        ``calculations.actor_externalities``: for an actor on both issues, how much closer
        (positive) or further (negative) each outcome came to its round-start position,
        weighted by its saliences. The two traders count the exchange's gain ("own"); the
        others are inner if they stand in one of the two traders' groups (on this pair of
        issues, at the start of the round), else outer.
        """
        if not len(realized):
            return []
        c = self.cands
        kind, a_i, a_j, p, q = (
            c.kind[realized],
            c.i[realized],
            c.j[realized],
            c.p[realized],
            c.q[realized],
        )
        gain = gain[realized]
        from_i, from_j = moved_from.T
        state_i, state_j = state[realized, 0], state[realized, 1]
        on_both = (self.present[:, p] & self.present[:, q]).T
        xp, xq = self.x0[:, p].T, self.x0[:, q].T
        sp, sq = self.s[:, p].T, self.s[:, q].T
        closer_p = np.abs(state_j[:, 3:4] - xp) - np.abs(state_j[:, 4:5] - xp)
        closer_q = np.abs(state_i[:, 3:4] - xq) - np.abs(state_i[:, 4:5] - xq)
        value = (closer_p * sp + closer_q * sq) * on_both
        group = (self.left[:, p] + 2 * self.left[:, q].astype(int)).T
        first = np.array([KINDS[k][0] for k in kind])[:, None]
        second = np.array([KINDS[k][1] for k in kind])[:, None]
        inner = on_both & ((group == first) | (group == second))
        third = np.ones_like(on_both)
        rows = np.arange(len(realized))
        third[rows, a_i] = third[rows, a_j] = False
        positive = value > 0
        sums = {
            f"{group}_{sign}": np.where(third & (inner == inside) & (positive == up), value, 0).sum(
                axis=1
            )
            for group, inside in (("inner", True), ("outer", False))
            for sign, up in (("positive", True), ("negative", False))
        }
        out = []
        for r in range(len(realized)):
            sides = [
                {
                    "actor": int(a_i[r]),
                    "issue": int(q[r]),
                    "partner": int(a_j[r]),
                    "from": float(from_i[r]),
                    "to": float(state_i[r, 1]),
                    "toward": float(self.x0[a_j[r], q[r]]),
                    "gain": float(state_i[r, 2]),
                    "outcome_from": float(state_i[r, 3]),
                    "outcome_to": float(state_i[r, 4]),
                },
                {
                    "actor": int(a_j[r]),
                    "issue": int(p[r]),
                    "partner": int(a_i[r]),
                    "from": float(from_j[r]),
                    "to": float(state_j[r, 1]),
                    "toward": float(self.x0[a_i[r], p[r]]),
                    "gain": float(state_j[r, 2]),
                    "outcome_from": float(state_j[r, 3]),
                    "outcome_to": float(state_j[r, 4]),
                },
            ]
            totals = {"own": 2 * float(gain[r])}
            totals.update({key: float(column[r]) for key, column in sums.items()})
            by_actor = {}
            if third_parties:
                others = np.flatnonzero(third[r])
                by_actor = dict(zip(others.tolist(), value[r, others].tolist(), strict=True))
            out.append(
                Realized(
                    int(realized[r]),
                    int(kind[r]),
                    int(p[r]),
                    int(q[r]),
                    float(gain[r]),
                    sides,
                    totals,
                    by_actor,
                )
            )
        return out


@dataclass
class RoundResult:
    """A round: the positions it began from, the votes, and where the next round begins."""

    start: np.ndarray
    voting: np.ndarray
    following: np.ndarray
    start_outcome: np.ndarray
    voting_outcome: np.ndarray
    realized: list[Realized]


def simulate(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    present: np.ndarray,
    *,
    rounds: int = 10,
    p: float = 0.0,
    seed: int | None = None,
    salience_weight: float = 0.4,
    fixed_weight: float = 0.1,
    tolerance: float | None = None,
    third_parties: bool = False,
) -> list[RoundResult]:
    """Run the exchange model; positions on 0-100, actors in the order ties follow.

    Each round the traders vote from where their exchanges took them; the outcome of the
    round is the weighted mean of those votes. Actors that traded start the next round
    part of the way from their old position toward their vote
    (:func:`new_start_positions`); the others stay. With ``tolerance`` the rounds stop once
    no outcome moved more than that (on 0-100) from the round before.
    """
    # without a seed and p the generator is never drawn from
    rng = np.random.default_rng(seed)
    weight = np.where(present, capability[:, None] * salience, 0.0)
    x = np.where(present, position, np.nan)
    previous = outcomes(x, weight)
    out = []
    for _ in range(rounds):
        rnd = Round(x, salience, capability, present, p=p, rng=rng, random_ties=seed is not None)
        realized = rnd.run(third_parties)
        voting = np.where(present, rnd.current, np.nan)
        following = np.where(
            rnd.moved,
            new_start_positions(x, voting, salience, salience_weight, fixed_weight),
            x,
        )
        voting_outcome = outcomes(voting, weight)
        out.append(RoundResult(x, voting, following, rnd.start_outcome, voting_outcome, realized))
        x = following
        if tolerance is not None and np.max(np.abs(voting_outcome - previous)) <= tolerance:
            break
        previous = voting_outcome
    return out
