"""The steps of a round's compiled loop: evaluate a candidate, pick the best, find and
update those a realised exchange affects.

decide-exchange-model 2025.3.1: ``EqualGainExchange.calculate`` (:func:`evaluate`, with
``calculations.adjusted_nbs``, ``adjusted_nbs_by_position``, ``by_exchange_ratio``,
``AbstractExchangeActor.is_move_valid`` and ``check_nbs``), the randomized variant's
``calculate_maximum_utility`` and split (Dijkstra et al. 2018), and the steps of
``ModelLoop.loop`` and ``AbstractExchange.recalculate`` (:func:`touched_by`,
:func:`remember_moves`, :func:`see`), which :func:`.game.play_game` loops over, compiled
with Numba: each realised exchange touches tens to hundreds of candidates, too few for
NumPy's per-call overhead to pay off, and a round realises hundreds to thousands of
exchanges. The best candidate is kept in a max-tree
(:func:`max_tree`, :func:`lift`, :func:`best`). The arithmetic of every formula follows
the plain transcription of decide in ``oracles/exchange.py``, which the tests hold this
kernel to.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from tawazun.models._exchange_kernel.candidates import EPS, MIN_GAIN, MIN_MOVE, TIE, _internal, _jit

# Per candidate ``c`` and side ``s`` (0 is decide's ``exchange.i``, which supplies ``q``; 1 its
# ``exchange.j``, which supplies ``p``): ``actor[c, s]`` moves on ``supply[c, s]`` toward its
# partner's position there and wants its partner to move on ``supply[c, 1 - s]``.
#
# ``state[c, s]`` holds (move, vote, gain, outcome before, outcome after) and ``history[c, s]``
# (minimum, maximum, sum) of the side's earlier moves, which decide checks directions against.
# ``tables`` is (6, n, m): round-start position, salience, weight / total, total / weight,
# and per issue the start outcome and 1 / total, broadcast over actors.

# the small helpers of one candidate are inlined: called, they pass each side's record by
# value, which cost a quarter of the run time (bench_exchange, 100 x 20)
_inline = njit(cache=True, error_model="numpy", inline="always")


@_internal
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
    across, history, tables) of :func:`.game.play_game`."""
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


@_internal
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

    ``candidates`` is (actor, supply, across, history, tables) of :func:`.game.play_game`. Writes
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


@_internal
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


@_internal
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


@_internal
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


@_internal
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


@_internal
def sift_down(values: np.ndarray, root: int, end: int) -> None:
    """Move ``values[root]`` down the max-heap ``values[:end]`` to where it belongs."""
    while 2 * root + 1 < end:
        child = 2 * root + 1
        if child + 1 < end and values[child + 1] > values[child]:
            child += 1
        if values[root] >= values[child]:
            return
        values[root], values[child] = values[child], values[root]
        root = child


@_internal
def heap_sort(values: np.ndarray) -> None:
    """Sort ``values`` in place (heapsort, Williams 1964).

    Here rather than ``np.sort``: Numba compiles NumPy's sort as a quicksort of several
    functions, which the first run after an install spends seconds compiling, and the
    recomputed candidates of a realised exchange are few.
    """
    count = len(values)
    for root in range(count // 2 - 1, -1, -1):
        sift_down(values, root, count)
    for end in range(count - 1, 0, -1):
        values[0], values[end] = values[end], values[0]
        sift_down(values, 0, end)


@_internal
def touched_by(
    k: int,
    actor: np.ndarray,
    supply: np.ndarray,
    m: int,
    by_supply: tuple[np.ndarray, np.ndarray],
    by_demand: tuple[np.ndarray, np.ndarray],
    score: np.ndarray,
    mark: np.ndarray,
    touched: np.ndarray,
    done: int,
) -> np.ndarray:
    """``AbstractExchange.recalculate``'s reach: every alive candidate in which one of the
    two actors of the realised candidate ``k`` supplies the issue it moved on, or demands
    the issue its partner moved on, in canonical order.

    ``by_supply`` and ``by_demand`` are (bounds, candidates) lists of the candidates by
    ``actor * m + issue`` of a side's supply or demand issue; ``mark`` holds the number of
    the exchange that last listed a candidate (``done`` is this one's), ``touched`` room
    for the list.
    """
    a_i, a_j, q, p = actor[k, 0], actor[k, 1], supply[k, 0], supply[k, 1]
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
    batch = touched[:found]
    heap_sort(batch)
    return batch


@_internal
def remember_moves(
    batch: np.ndarray,
    k: int,
    actor: np.ndarray,
    supply: np.ndarray,
    state: np.ndarray,
    history: np.ndarray,
) -> None:
    """A side of a candidate in ``batch`` that supplies the issue one of the traders of the
    realised candidate ``k`` just moved on keeps its previous move in the history decide
    checks directions against (``is_move_valid``); other sides just recompute it."""
    a_i, a_j, q, p = actor[k, 0], actor[k, 1], supply[k, 0], supply[k, 1]
    for c in batch:
        for s in range(2):
            if (actor[c, s] == a_i and supply[c, s] == q) or (
                actor[c, s] == a_j and supply[c, s] == p
            ):
                last = state[c, s, 0]
                history[c, s, 0] = min(history[c, s, 0], last)
                history[c, s, 1] = max(history[c, s, 1], last)
                history[c, s, 2] += last
