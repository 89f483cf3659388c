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
from typing import Any, NamedTuple

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


def outcomes(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    r"""Outcome of every issue: the weighted mean of positions (decide's "NBS").

    .. math:: O_k = \frac{\sum_i c_i s_{ik} x_{ik}}{\sum_i c_i s_{ik}}

    ``weight`` is 0 where an actor is absent (its position may then be NaN).
    """
    return weighted_mean(position, weight, axis=0)


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
# the small helpers of one candidate are inlined: called, they pass each side's record by
# value, which cost a quarter of the run time (bench_exchange, 100 x 20)
_inline = njit(cache=True, error_model="numpy", inline="always")


@_jit
def crosses(target: float, before: float, after: float) -> bool:
    """Whether an outcome moving from ``before`` to ``after`` passes ``target``.

    ``AbstractExchangeActor.check_nbs``: the signs of ``target - before`` and
    ``target - after`` differ. Within :data:`EPS` of the target counts as on it, and on it
    is on both sides, as decide's exact decimal zero is.
    """
    d0, d1 = target - before, target - after
    return min(d0, d1) < -EPS and max(d0, d1) > EPS


class Side(NamedTuple):
    """One side of a candidate exchange as its formulas read it (positions on 0-100).

    The side moves on its supply issue toward its partner's position there and wants its
    partner to move on its demand issue toward ``wanted``.
    """

    #: its round-start position and where it stands now, on its supply issue
    start: float
    position: float
    #: its own position on its demand issue
    wanted: float
    s_supply: float
    s_demand: float
    #: outcome shift per unit move on its supply issue (weight / total), and back
    ratio: float
    back: float
    #: +1 or -1: the way to its partner's position on its supply issue
    direction: float
    #: ``calculations.by_exchange_ratio``: the outcome shift on the partner's supply issue
    #: that gives both sides the gain a unit shift on this side's supply issue gives
    across: float
    #: the supply issue's outcome with the side at its start and the others where its
    #: partner (the demander) saw them (``calculations.adjusted_nbs``)
    level: float
    #: that outcome with everything the partner saw, the side's own moves included, and
    #: the side's move since that the partner has not seen
    seen_level: float
    unseen: float
    #: minimum, maximum and sum of the side's earlier moves in this candidate
    low: float
    high: float
    past: float


@_inline
def side_of(
    c: int,
    s: int,
    candidates: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    current: np.ndarray,
    seen: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> Side:
    """Side ``s`` of candidate ``c`` as it stands now; ``candidates`` is (actor, supply,
    across, history, tables) of :func:`run_round`."""
    actor, supply, across, history, tables = candidates
    seen_total, seen_shift, seen_has = seen
    start, salience, ratio, back, start_outcome, inverse_total = tables
    a, k = actor[c, s], supply[c, s]
    partner, demand = actor[c, 1 - s], supply[c, 1 - s]
    position = current[a, k]
    return Side(
        start[a, k],
        position,
        start[a, demand],
        salience[a, k],
        salience[a, demand],
        ratio[a, k],
        back[a, k],
        -1.0 if position > start[partner, k] else 1.0,
        across[c, s],
        start_outcome[a, k]
        + (seen_total[partner, k] - seen_shift[partner, k, a]) * inverse_total[a, k],
        start_outcome[a, k] + seen_total[partner, k] * inverse_total[a, k],
        0.0 if seen_has[partner, k, a] else position - start[a, k],
        history[c, s, 0],
        history[c, s, 1],
        history[c, s, 2],
    )


@_inline
def outcome_at(side: Side, position: float) -> float:
    """``calculations.adjusted_nbs``: the outcome of the side's supply issue with the side
    at ``position`` and the others where its partner saw them."""
    return side.level + side.ratio * (position - side.start)


@_inline
def shift_to(side: Side, target: float) -> float:
    """``calculations.adjusted_nbs_by_position``: the move of the side from where it stands
    that puts the outcome at ``target``; a position of the side its partner has seen counts
    instead of the current one, as decide applies the updates last."""
    return (target - side.seen_level) * side.back - side.unseen


@_inline
def move_is_valid(side: Side, move: float) -> bool:
    """``AbstractExchangeActor.is_move_valid``: a real move that stays on the scale and keeps
    the direction of the side's earlier moves (their minimum and maximum, with this move,
    have a positive product)."""
    size = abs(move)
    landing = side.position + move
    return (
        size <= 100
        and size > MIN_MOVE
        and landing >= -EPS
        and landing <= 100 + EPS
        and side.past + move <= 100
        and min(side.low, move) * max(side.high, move) > 0
    )


@_inline
def stop_at_partner(
    side: Side, partner: Side, move: float, partner_move: float, before: float, gain: float
) -> tuple[float, float, float, float, bool]:
    """``AbstractExchangeActor.check_nbs``: if the side's move carries the outcome past the
    partner's position, stop it there and scale the partner's move to equal gain.

    Returns both moves, the gain, the outcome after the side's move and whether it was cut.
    """
    after = outcome_at(side, side.position + move)
    if not crosses(partner.wanted, before, after):
        return move, partner_move, gain, after, False
    delta = abs(shift_to(side, partner.wanted))
    shift = delta * side.ratio
    partner_shift = side.across * shift
    move = delta * side.direction
    partner_move = abs(partner_shift * partner.back) * partner.direction
    gain = abs(partner_shift * partner.s_supply - shift * partner.s_demand)
    return move, partner_move, gain, outcome_at(side, side.position + move), True


@_jit
def evaluate(
    c: int,
    candidates: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    current: np.ndarray,
    seen: tuple[np.ndarray, np.ndarray, np.ndarray],
    state: np.ndarray,
    gain: np.ndarray,
    score: np.ndarray,
    rng: np.random.Generator,
    spread: float,
) -> None:
    """``EqualGainExchange.calculate`` of candidate ``c``: moves, gains and validity.

    ``candidates`` is (actor, supply, across, history, tables) of :func:`run_round`. Writes
    ``state[c]``, ``gain[c]`` and ``score[c]`` (the gain if the exchange is valid, else
    -inf). With ``spread`` (the randomized variant's p) it draws ``(u, v, z)`` once the
    exchange passes its first test.
    """
    i = side_of(c, 0, candidates, current, seen)
    j = side_of(c, 1, candidates, current, seen)
    # j moves all the way to i's position; if that asks more of i than reaching j,
    # i moves all the way instead
    room_i, room_j = abs(j.wanted - i.position), abs(i.wanted - j.position)
    dp = room_j * j.ratio
    dq = j.across * dp
    move_i = dq * i.back
    if move_i > room_i:
        dq = room_i * i.ratio
        dp = i.across * dq
        move_i, move_j = room_i, dp * j.back
    else:
        move_j = room_j
    move_i *= i.direction
    move_j *= j.direction
    g = abs(dq * i.s_supply - dp * i.s_demand)
    valid = move_is_valid(i, move_i) and move_is_valid(j, move_j) and g >= MIN_GAIN
    eu_i = eu_j = g
    before_i = after_i = before_j = after_j = 0.0
    if valid:
        before_i, before_j = outcome_at(i, i.position), outcome_at(j, j.position)
        move_i, move_j, g, after_i, cut_i = stop_at_partner(i, j, move_i, move_j, before_i, g)
        move_j, move_i, g, after_j, cut_j = stop_at_partner(j, i, move_j, move_i, before_j, g)
        eu_i = eu_j = g
        if spread:
            u, v, z = rng.random(), rng.random(), rng.random()
            most_i, most_j = maximum_utility(
                i, j, i.position + move_i, j.position + move_j, before_i, before_j
            )
            if u < 0.5:  # side i is drawn
                move_i, move_j, eu_i, eu_j = randomized_gain(
                    i, j, g, most_i, before_i, spread, v, z
                )
            else:
                move_j, move_i, eu_j, eu_i = randomized_gain(
                    j, i, g, most_j, before_j, spread, v, z
                )
            after_i = outcome_at(i, i.position + move_i)
            after_j = outcome_at(j, j.position + move_j)
        if spread or cut_i or cut_j:
            valid = move_is_valid(i, move_i) and move_is_valid(j, move_j)
    for s, row in enumerate(
        (
            (move_i, i.position + move_i, eu_i, before_i, after_i),
            (move_j, j.position + move_j, eu_j, before_j, after_j),
        )
    ):
        for field_index, value in enumerate(row):
            state[c, s, field_index] = value
    gain[c] = g
    score[c] = g if valid else -np.inf


@_jit
def maximum_utility(
    i: Side, j: Side, y_i: float, y_j: float, before_i: float, before_j: float
) -> tuple[float, float]:
    """``EqualGainExchange.calculate_maximum_utility``: the most each side could gain, with
    votes ``y`` and outcomes ``before`` the moves."""
    # decide compares a side's position on its demand issue with its vote on its supply
    # issue here; kept as it is
    top_i, top_j = abs(i.wanted - y_i) <= EPS, abs(j.wanted - y_j) <= EPS
    delta_i = abs(before_i - outcome_at(i, y_i if top_i else j.wanted))
    delta_j = abs(before_j - outcome_at(j, y_j if top_j else i.wanted))
    loss_1, gain_2 = delta_j * j.s_supply, delta_j * i.s_demand
    loss_2, gain_1 = delta_i * i.s_supply, delta_i * j.s_demand
    overwrite = 0.0
    if top_i and gain_1 - loss_1 > 0:
        overwrite = gain_2 - (loss_1 / j.s_demand) * i.s_supply
    if top_j and gain_2 - loss_2 > 0:
        overwrite = gain_1 - (loss_2 / i.s_demand) * j.s_supply
    pick_j = gain_2 > gain_1
    if pick_j:
        g, loss, a_sup, o_dem = gain_1, loss_2, j.s_supply, i.s_demand
    else:
        g, loss, a_sup, o_dem = gain_2, loss_1, i.s_supply, j.s_demand
    share = a_sup / (a_sup + o_dem)
    opposite = overwrite if overwrite != 0 else share * o_dem * (g / (share * a_sup)) - loss
    chosen = g - share * a_sup * (loss / (share * o_dem))
    return (opposite, chosen) if pick_j else (chosen, opposite)


@_jit
def randomized_gain(
    me: Side, you: Side, g: float, most: float, before: float, spread: float, v: float, z: float
) -> tuple[float, float, float, float]:
    """decide's ``randomized_gain`` for the drawn side ``me``; ``you`` is its partner.

    The drawn side wins (``v < 0.5``: its gain rises by ``spread z`` times the room to its
    maximum ``most``) or loses (falls by ``spread z`` of it); the moves follow from its new
    gain. ``before`` is the outcome of its supply issue before its move. Returns (my move,
    your move, my gain, your gain).
    """
    mine = g + spread * z * (most - g) if v < 0.5 else g - spread * z * g
    reach = abs(me.position - you.wanted)
    shift = reach * me.ratio
    your_shift = (mine + shift * me.s_supply) / me.s_demand
    move, your_move = reach, your_shift * you.back
    yours = abs(your_shift * you.s_supply - shift * you.s_demand)
    room = abs(you.position - me.wanted)
    if abs(your_move) > room:
        # the partner would overshoot: it moves all the way and the drawn side moves less
        your_shift = room * you.ratio
        shift = abs((mine - your_shift * me.s_demand) / me.s_supply)
        move = shift * me.back
        if abs(move) < reach:
            yours = abs(your_shift * you.s_supply - shift * you.s_demand)
        your_move = room
    else:
        # the drawn side's full move may carry its outcome past the partner
        signed = -reach if me.position > you.wanted else reach
        if crosses(you.wanted, before, outcome_at(me, signed + me.position)):
            shift = abs(shift_to(me, you.wanted)) * me.ratio
            your_shift = (mine + shift * me.s_supply) / me.s_demand
            your_move = your_shift * you.back
            yours = abs(your_shift * you.s_supply - shift * you.s_demand)
            # decide keeps the signed full move here, not the stopped one
            move = signed
    return move * me.direction, your_move * you.direction, mine, yours


@_jit
def see(
    seen: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    start: np.ndarray,
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
        value = min(current, y) if start[mover, issue] <= current else max(current, y)
    shift = w[mover, issue] * (value - start[mover, issue])
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
    spread: float,
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
    candidates = (actor, supply, across, history, tables)
    for c in range(count):
        evaluate(c, candidates, current, seen[:3], state, gain, score, rng, spread)
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
        a_i, a_j, q, p = actor[k, 0], actor[k, 1], supply[k, 0], supply[k, 1]
        realized[done] = k
        moved_from[done, 0], moved_from[done, 1] = current[a_i, q], current[a_j, p]
        score[k] = -np.inf
        lift(tree, k)
        # every alive candidate in which one of the two actors supplies the issue it moved
        # on, or demands the issue its partner moved on
        found = 0
        for table, key in (
            (by_supply, a_i * m + q),
            (by_supply, a_j * m + p),
            (by_demand, a_j * m + q),
            (by_demand, a_i * m + p),
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
                    actor[c, s] == a_j and supply[c, s] == p
                ):
                    last = state[c, s, 0]
                    history[c, s, 0] = min(history[c, s, 0], last)
                    history[c, s, 1] = max(history[c, s, 1], last)
                    history[c, s, 2] += last
        y_i, y_j = state[k, 0, 1], state[k, 1, 1]
        current[a_i, q], current[a_j, p] = y_i, y_j
        moved[a_i, q] = moved[a_j, p] = True
        see(seen, start, w, a_j, q, a_i, y_i)
        see(seen, start, w, a_i, p, a_j, y_j)
        for c in batch:
            evaluate(c, candidates, current, seen[:3], state, gain, score, rng, spread)
            lift(tree, c)
        done += 1
    return realized[:done], moved_from[:done], state, gain


class Round:
    """One round (decide's ``ModelLoop.loop``) over fixed round-start positions.

    decide keeps one object per candidate exchange with its own copy of the positions it has
    seen move. Every candidate alive when an exchange is realised receives the same news, so
    that state is held once per round instead: ``current[a, k]``, where actor ``a`` stands on
    issue ``k`` in this round so far (decide's supply positions), and, made in :meth:`run`,
    per demander ``d`` of issue ``k`` where it saw each partner ``a`` move to (decide's
    ``exchange.updates[k][a]``), kept as the change of ``a``'s weighted position with its
    sum over partners.
    """

    def __init__(
        self,
        position: np.ndarray,
        salience: np.ndarray,
        capability: np.ndarray,
        present: np.ndarray,
        *,
        spread: float,
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
        self.spread = spread
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

    def run(self, third_parties: bool = False, records: bool = True) -> list[Realized]:
        """Realise the best exchange until none is left (decide's ``ModelLoop.loop``).

        Returns the realised exchanges' records, or nothing without ``records``: the
        positions the round leaves (``current``, ``moved``) are the same either way.
        """
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
            by_supply, by_demand, self.rng, self.spread, self.random_ties,
        )  # fmt: skip
        if not records:
            return []
        return self.records(realized, moved_from, state, gain, third_parties)

    def _by_key(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Candidates listed by key (both sides), as (bounds, members): those with key
        ``k`` are ``members[bounds[k]:bounds[k + 1]]``."""
        flat = keys.T.reshape(-1)
        order = np.argsort(flat, kind="stable")
        bounds = np.searchsorted(flat[order], np.arange(self.n * self.m + 1))
        return bounds, (order % len(keys)).astype(np.intp)

    def _side_record(
        self, actor: int, issue: int, partner: int, moved_from: float, state: np.ndarray
    ) -> dict[str, Any]:
        """One trader's part of a realised exchange; ``state`` is its (move, vote, gain,
        outcome before, outcome after)."""
        return {
            "actor": int(actor),
            "issue": int(issue),
            "partner": int(partner),
            "from": float(moved_from),
            "to": float(state[1]),
            "toward": float(self.x0[partner, issue]),
            "gain": float(state[2]),
            "outcome_from": float(state[3]),
            "outcome_to": float(state[4]),
        }

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
            f"{circle}_{sign}": np.where(
                third & (inner == inside) & (positive == up), value, 0
            ).sum(axis=1)
            for circle, inside in (("inner", True), ("outer", False))
            for sign, up in (("positive", True), ("negative", False))
        }
        out = []
        for r in range(len(realized)):
            sides = [
                self._side_record(a_i[r], q[r], a_j[r], from_i[r], state_i[r]),
                self._side_record(a_j[r], p[r], a_i[r], from_j[r], state_j[r]),
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
    following_outcome: np.ndarray
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
    records: bool = True,
) -> list[RoundResult]:
    """Run the exchange model; positions on 0-100, actors in the order ties follow.

    Each round the traders vote from where their exchanges took them; the outcome of the
    round is the weighted mean of those votes. Actors that traded start the next round
    part of the way from their old position toward their vote
    (:func:`new_start_positions`); the others stay. With ``tolerance`` the rounds stop once
    no outcome moved more than that (on 0-100) from the round before. Without
    ``records`` the rounds hold no realised exchanges, only positions and outcomes.
    """
    # the compiled kernel takes a generator even where it draws nothing (no seed, p = 0)
    rng = np.random.default_rng(seed)
    weight = np.where(present, capability[:, None] * salience, 0.0)
    x = np.where(present, position, np.nan)
    previous = outcomes(x, weight)
    out = []
    for _ in range(rounds):
        rnd = Round(
            x,
            salience,
            capability,
            present,
            spread=float(p),  # an int p would compile a second kernel
            rng=rng,
            random_ties=seed is not None,
        )
        realized = rnd.run(third_parties, records)
        voting = np.where(present, rnd.current, np.nan)
        following = np.where(
            rnd.moved,
            new_start_positions(x, voting, salience, salience_weight, fixed_weight),
            x,
        )
        voting_outcome = outcomes(voting, weight)
        out.append(
            RoundResult(
                x,
                voting,
                following,
                rnd.start_outcome,
                voting_outcome,
                outcomes(following, weight),
                realized,
            )
        )
        x = following
        if tolerance is not None and np.max(np.abs(voting_outcome - previous)) <= tolerance:
            break
        previous = voting_outcome
    return out
