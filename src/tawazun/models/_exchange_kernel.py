"""Array kernel of the exchange model: one round of candidate search and realised exchanges.

The model is Stokman and Van Oosten's (1994) exchange model as decide-exchange-model
2025.3.1 computes it (``decide/model/base.py``, ``equalgain.py``, ``calculations.py``).
Positions are on 0-100 here, as decide normalises them; :mod:`tawazun.models.exchange`
converts to and from each issue's scale.

decide keeps one object per candidate exchange with its own copy of the positions it has
seen move. Every candidate alive when an exchange is realised receives the same news, so
that state is shared here instead:

* ``current[a, k]``: where actor ``a`` stands on issue ``k`` in this round so far (decide's
  supply positions, updated on every candidate in which ``a`` supplies ``k``);
* ``seen[d, k, a]``: where the demander ``d`` of issue ``k`` saw partner ``a`` move to
  (decide's ``exchange.updates[k][a]`` of every candidate in which ``d`` demands ``k``),
  kept as the change of ``a``'s weighted position, with its row sum ``seen_total[d, k]``.

Candidates are arrays, computed all at once at the start of a round and, after each
realised exchange, only those decide recalculates (``AbstractExchange.recalculate``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

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


def crosses(target: np.ndarray, before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Whether an outcome moving from ``before`` to ``after`` passes ``target``.

    ``AbstractExchangeActor.check_nbs``: the signs of ``target - before`` and
    ``target - after`` differ. Within :data:`EPS` of the target counts as on it, and on it
    is on both sides, as decide's exact decimal zero is.
    """
    d0, d1 = target - before, target - after
    return ((d0 > EPS) & (d1 < -EPS)) | ((d0 < -EPS) & (d1 > EPS))


def new_start_positions(
    start: np.ndarray, voting: np.ndarray, salience: np.ndarray,
    salience_weight: float, fixed_weight: float,
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
    ``q`` (decide's ``exchange.i`` and ``exchange.j``). ``pair_first`` is the actor taken
    from group a (or b), which with ``pair_second`` orders the candidates.
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
            parts.append((side_i, side_j, np.full(count, p), np.full(count, q),
                          np.full(count, kind)))
    if not parts:
        empty = np.zeros(0, dtype=np.intp)
        return Candidates(empty, empty, empty, empty, empty)
    columns = [np.concatenate(col).astype(np.intp) for col in zip(*parts, strict=True)]
    return Candidates(*columns)


@dataclass
class Sides:
    """The arrays of one side (``i`` or ``j``) of a batch of candidates.

    ``seen_key`` and ``total_key`` point into the flattened ``seen_shift`` and
    ``seen_total`` at what the partner (the demander of this side's supply issue) has seen.
    """

    actor: np.ndarray
    supply: np.ndarray
    demand: np.ndarray
    seen_key: np.ndarray
    total_key: np.ndarray
    wanted: np.ndarray  # own position on the demand issue (the partner moves toward it)
    weight: np.ndarray  # capability x salience on the supply issue
    s_supply: np.ndarray
    s_demand: np.ndarray
    total: np.ndarray  # sum of weights on the supply issue
    x_start: np.ndarray  # position on the supply issue when the round began
    base: np.ndarray  # sum of weighted round-start positions on the supply issue
    position: np.ndarray  # current position on the supply issue
    low: np.ndarray  # earlier moves of this candidate side: min, max and sum
    high: np.ndarray
    past: np.ndarray


_INT_FIELDS = ("actor", "supply", "demand", "seen_key", "total_key")
_FLOAT_FIELDS = ("wanted", "weight", "s_supply", "s_demand", "total", "x_start", "base")
_HISTORY = ("low", "high", "past")


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


class Round:
    """One round (decide's ``ModelLoop.loop``) over fixed round-start positions."""

    def __init__(
        self,
        position: np.ndarray,
        salience: np.ndarray,
        capability: np.ndarray,
        present: np.ndarray,
        *,
        p: float,
        rng: np.random.Generator | None,
        random_ties: bool,
        third_parties: bool,
    ) -> None:
        self.x0 = np.nan_to_num(position)
        self.s = salience
        self.present = present
        self.w = np.where(present, capability[:, None] * salience, 0.0)
        self.n, self.m = position.shape
        self.total = self.w.sum(axis=0)
        self.base = np.where(present, self.w * self.x0, 0.0).sum(axis=0)
        self.p = p
        self.rng = rng
        self.random_ties = random_ties
        self.third_parties = third_parties
        self.start_outcome = self.base / self.total
        self.left = present & (self.x0 <= self.start_outcome + EPS)
        self.group = np.where(present, self.left.astype(int), 0)
        self.current = self.x0.copy()
        self.moved = np.zeros((self.n, self.m), dtype=bool)
        self.seen_value = np.zeros((self.n, self.m, self.n))
        self.seen_has = np.zeros((self.n, self.m, self.n), dtype=bool)
        self.seen_shift = np.zeros((self.n, self.m, self.n))
        self.seen_total = np.zeros((self.n, self.m))
        self.cands = build_candidates(position, salience, self.w, self.left)
        count = len(self.cands)
        self.origin = np.arange(count)
        self.alive = np.ones(count, dtype=bool)
        self.score = np.full(count, -np.inf)  # the gain of alive candidates
        self.gain = np.zeros(count)
        self.static = {name: self._static(name) for name in ("i", "j")}
        self.history = {name: np.tile([[np.inf], [-np.inf], [0.0]], count) for name in "ij"}
        self.state = {name: np.zeros((5, count)) for name in "ij"}  # move, y, eu, nbs0, nbs1
        self._index_sides()

    def _static(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """What a side of every candidate keeps all round, as an int and a float block."""
        c, n, m = self.cands, self.n, self.m
        actor, supply, demand, partner = (c.i, c.q, c.p, c.j) if name == "i" else (
            c.j, c.p, c.q, c.i)
        ints = np.stack([actor, supply, demand, (partner * m + supply) * n + actor,
                         partner * m + supply])
        floats = np.stack([self.x0[actor, demand], self.w[actor, supply],
                           self.s[actor, supply], self.s[actor, demand], self.total[supply],
                           self.x0[actor, supply], self.base[supply]])
        return ints, floats

    # -- lookup tables --------------------------------------------------------------------
    def _index_sides(self) -> None:
        """Candidates by (actor, supply issue) and by (actor, demand issue), as CSR lists."""
        c, m = self.cands, self.m
        index = np.arange(len(c))
        self.by_supply = self._csr(np.concatenate([c.i * m + c.q, c.j * m + c.p]),
                                   np.concatenate([index, index]))
        self.by_demand = self._csr(np.concatenate([c.i * m + c.p, c.j * m + c.q]),
                                   np.concatenate([index, index]))

    def _csr(self, keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(keys, kind="stable")
        bounds = np.searchsorted(keys[order], np.arange(self.n * self.m + 1))
        return bounds, values[order]

    @staticmethod
    def _lookup(table: tuple[np.ndarray, np.ndarray], key: int) -> np.ndarray:
        bounds, values = table
        return values[bounds[key]:bounds[key + 1]]

    def _compact(self) -> None:
        """Drop dead candidates from every array; they never come back within a round."""
        keep = np.flatnonzero(self.alive)
        c = self.cands
        self.cands = Candidates(c.i[keep], c.j[keep], c.p[keep], c.q[keep], c.kind[keep])
        self.origin = self.origin[keep]
        self.alive = self.alive[keep]
        self.score = self.score[keep]
        self.gain = self.gain[keep]
        self.static = {k: (ints[:, keep], floats[:, keep])
                       for k, (ints, floats) in self.static.items()}
        self.history = {k: v[:, keep] for k, v in self.history.items()}
        self.state = {k: v[:, keep] for k, v in self.state.items()}
        self._index_sides()

    # -- gathering a batch ------------------------------------------------------------------
    def _sides(self, idx: np.ndarray) -> tuple[Sides, Sides]:
        out = []
        current = self.current.ravel()
        for name in "ij":
            ints, floats = self.static[name]
            fields = dict(zip(_INT_FIELDS, ints[:, idx], strict=True))
            fields.update(zip(_FLOAT_FIELDS, floats[:, idx], strict=True))
            fields.update(zip(_HISTORY, self.history[name][:, idx], strict=True))
            fields["position"] = current[fields["actor"] * self.m + fields["supply"]]
            out.append(Sides(**fields))
        return out[0], out[1]

    # -- decide's formulas, on arrays ----------------------------------------------------------
    def outcome_after(self, side: Sides, new_position: np.ndarray) -> np.ndarray:
        """``calculations.adjusted_nbs``: the outcome of ``side``'s supply issue with the moves
        its partner (the demander) has seen and ``side`` at ``new_position``."""
        shifted = (side.base + self.seen_total.ravel()[side.total_key]
                   - self.seen_shift.ravel()[side.seen_key]
                   + side.weight * (new_position - side.x_start))
        return shifted / side.total

    def shift_to(self, side: Sides, target: np.ndarray) -> np.ndarray:
        """``calculations.adjusted_nbs_by_position``: the move of ``side`` from where it stands
        that puts the outcome at ``target``. A position of ``side`` its partner has seen
        counts instead of the current one, as decide applies the updates last."""
        own = np.where(self.seen_has.ravel()[side.seen_key], 0.0,
                       side.weight * (side.position - side.x_start))
        summed = side.base + self.seen_total.ravel()[side.total_key] + own
        return (target * side.total - summed) / side.weight

    @staticmethod
    def move_valid(side: Sides, move: np.ndarray) -> np.ndarray:
        """``AbstractExchangeActor.is_move_valid`` over the side's moves in this round:
        a real move that stays on the scale and keeps one direction (all moves of one
        sign: their minimum and maximum have a positive product)."""
        size = np.abs(move)
        landing = side.position + move
        return ((size <= 100) & (size > MIN_MOVE)
                & (landing >= -EPS) & (landing <= 100 + EPS)
                & (side.past + move <= 100)
                & (np.minimum(side.low, move) * np.maximum(side.high, move) > 0))

    @staticmethod
    def direction(side: Sides, partner: Sides) -> np.ndarray:
        return np.where(side.position > partner.wanted, -1.0, 1.0)

    @staticmethod
    def ratio_across(side: Sides, partner: Sides, ratio: np.ndarray) -> np.ndarray:
        """``calculations.by_exchange_ratio``: the outcome shift on the other issue that gives
        both the same gain as ``ratio`` on ``side``'s supply issue (equal gain)."""
        return (side.s_supply + partner.s_demand) / (side.s_demand + partner.s_supply) * ratio

    # -- EqualGainExchange.calculate -------------------------------------------------------------
    def calculate(self, idx: np.ndarray) -> None:
        """(Re)compute the candidates ``idx`` (ascending) and store moves, gains, validity."""
        if not len(idx):
            return
        si, sj = self._sides(idx)
        dir_i, dir_j = self.direction(si, sj), self.direction(sj, si)
        room_i = np.abs(sj.wanted - si.position)
        room_j = np.abs(si.wanted - sj.position)
        # j moves all the way to i's position; if that asks more of i than reaching j,
        # i moves all the way instead (``EqualGainExchange.calculate``)
        dp = room_j * sj.weight / sj.total
        dq = self.ratio_across(sj, si, dp)
        move_i = dq * si.total / si.weight
        move_j = room_j
        over = np.abs(move_i) > room_i
        dq_over = room_i * si.weight / si.total
        dp_over = self.ratio_across(si, sj, dq_over)
        dq = np.where(over, dq_over, dq)
        dp = np.where(over, dp_over, dp)
        move_i = np.where(over, room_i, move_i) * dir_i
        move_j = np.where(over, dp_over * sj.total / sj.weight, move_j) * dir_j
        gain = np.abs(dq * si.s_supply - dp * si.s_demand)
        valid = self.move_valid(si, move_i) & self.move_valid(sj, move_j) & (gain >= MIN_GAIN)
        count = len(idx)
        eu_i, eu_j = gain.copy(), gain.copy()
        nbs_i, nbs_j = np.zeros((2, count)), np.zeros((2, count))
        checked = np.flatnonzero(valid)
        if len(checked):
            sub = _Batch(idx[checked], si, sj, checked, move_i, move_j, gain)
            sub.check(self, "i")
            sub.check(self, "j")
            valid[checked] = (self.move_valid(sub.si, sub.move_i)
                              & self.move_valid(sub.sj, sub.move_j))
            sub.eu_i = sub.eu_j = sub.gain
            if self.p:
                sub.randomize(self)
                valid[checked] = sub.valid
            move_i[checked], move_j[checked], gain[checked] = sub.move_i, sub.move_j, sub.gain
            eu_i[checked], eu_j[checked] = sub.eu_i, sub.eu_j
            nbs_i[:, checked] = sub.nbs0_i, sub.nbs1_i
            nbs_j[:, checked] = sub.nbs0_j, sub.nbs1_j
        for name, side, move, eu, nbs in (("i", si, move_i, eu_i, nbs_i),
                                          ("j", sj, move_j, eu_j, nbs_j)):
            self.state[name][:, idx] = move, side.position + move, eu, nbs[0], nbs[1]
        self.gain[idx] = gain
        self.alive[idx] = valid
        self.score[idx] = np.where(valid, gain, -np.inf)

    # -- the loop ----------------------------------------------------------------------------
    def best(self) -> int | None:
        """The alive candidate with the highest gain; ties go to the first in canonical
        order, or with ``random_ties`` to one drawn from the seeded generator."""
        if not len(self.score):
            return None
        k = int(np.argmax(self.score))
        top = self.score[k]
        if top == -np.inf:
            return None
        floor = top * (1 - TIE)
        if self.random_ties:
            tied = np.flatnonzero(self.score >= floor)
            if len(tied) > 1:
                assert self.rng is not None
                return int(tied[int(self.rng.integers(len(tied)))])
            return k
        earlier = np.flatnonzero(self.score[:k] >= floor)
        return int(earlier[0]) if len(earlier) else k

    def realize(self, k: int) -> Realized:
        """Carry out candidate ``k`` and recalculate the candidates it affects."""
        c = self.cands
        a_i, a_j, p, q = int(c.i[k]), int(c.j[k]), int(c.p[k]), int(c.q[k])
        y_i, y_j = float(self.state["i"][1, k]), float(self.state["j"][1, k])
        record = self._record(k, a_i, a_j, p, q)
        self.alive[k] = False
        self.score[k] = -np.inf
        # decide's AbstractExchange.recalculate on every alive candidate: those in which
        # one of the two actors supplies the issue it moved on, or demands the issue its
        # partner moved on
        touched = np.sort(np.concatenate([
            self._lookup(self.by_supply, a_i * self.m + q),
            self._lookup(self.by_supply, a_j * self.m + p),
            self._lookup(self.by_demand, a_j * self.m + q),
            self._lookup(self.by_demand, a_i * self.m + p),
        ]))
        keep = self.alive[touched]
        keep[1:] &= touched[1:] != touched[:-1]
        touched = touched[keep]
        ci, cj, cp, cq = c.i[touched], c.j[touched], c.p[touched], c.q[touched]
        supplied_i = ((ci == a_i) & (cq == q)) | ((ci == a_j) & (cq == p))
        supplied_j = ((cj == a_i) & (cp == q)) | ((cj == a_j) & (cp == p))
        # a side that supplies the issue its actor just moved on keeps its previous move in
        # the history decide checks directions against; other sides just recompute it
        for name, matched in (("i", supplied_i), ("j", supplied_j)):
            rows = touched[matched]
            history = self.history[name]
            last = self.state[name][0, rows]
            history[0, rows] = np.minimum(history[0, rows], last)
            history[1, rows] = np.maximum(history[1, rows], last)
            history[2, rows] += last
        self.current[a_i, q] = y_i
        self.current[a_j, p] = y_j
        self.moved[a_i, q] = self.moved[a_j, p] = True
        self._see(a_j, q, a_i, y_i)
        self._see(a_i, p, a_j, y_j)
        self.calculate(touched)
        return record

    def _see(self, demander: int, issue: int, mover: int, y: float) -> None:
        """``AbstractExchange.update_updates``: what ``demander`` saw ``mover`` move to."""
        value = y
        if self.seen_has[demander, issue, mover]:
            current = self.seen_value[demander, issue, mover]
            start = self.x0[mover, issue]
            if start <= current:
                value = current if current < y else y
            else:
                value = current if current > y else y
        shift = self.w[mover, issue] * (value - self.x0[mover, issue])
        self.seen_total[demander, issue] += shift - self.seen_shift[demander, issue, mover]
        self.seen_value[demander, issue, mover] = value
        self.seen_shift[demander, issue, mover] = shift
        self.seen_has[demander, issue, mover] = True

    def _record(self, k: int, a_i: int, a_j: int, p: int, q: int) -> Realized:
        kind = int(self.cands.kind[k])
        sides = []
        for actor, supply, partner, name in ((a_i, q, a_j, "i"), (a_j, p, a_i, "j")):
            _, y, eu, nbs0, nbs1 = self.state[name][:, k].tolist()
            sides.append({
                "actor": actor, "issue": supply, "partner": partner,
                "from": float(self.current[actor, supply]), "to": y,
                "toward": float(self.x0[partner, supply]), "gain": eu,
                "outcome_from": nbs0, "outcome_to": nbs1,
            })
        totals, by_actor = self.externalities(sides, kind, p, q, float(self.gain[k]))
        return Realized(int(self.origin[k]), kind, p, q, float(self.gain[k]), sides, totals,
                        by_actor)

    def externalities(self, sides: list[dict[str, Any]], kind: int, p: int, q: int,
                      gain: float) -> tuple[dict[str, float], dict[int, float]]:
        """What the exchange did for every other actor (decide's ``Externalities``).

        ``calculations.actor_externalities``: for an actor on both issues, how much closer
        (positive) or further (negative) each outcome came to its round-start position,
        weighted by its saliences. The two traders count the exchange's gain ("own"); the
        others are inner if they stand in one of the two traders' groups, else outer.
        """
        side_i, side_j = sides
        on_both = self.present[:, p] & self.present[:, q]
        xp, xq = self.x0[:, p], self.x0[:, q]
        closer_p = (np.abs(side_j["outcome_from"] - xp) - np.abs(side_j["outcome_to"] - xp))
        closer_q = (np.abs(side_i["outcome_from"] - xq) - np.abs(side_i["outcome_to"] - xq))
        value = (closer_p * self.s[:, p] + closer_q * self.s[:, q]) * on_both
        group = self.group[:, p] + 2 * self.group[:, q]
        first, second = KINDS[kind]
        inner = on_both & ((group == first) | (group == second))
        # classes: 0 outer negative, 1 outer positive, 2 inner negative, 3 inner positive
        category = 2 * inner + (value > 0)
        third = np.ones(self.n, dtype=bool)
        third[[side_i["actor"], side_j["actor"]]] = False
        sums = np.bincount(category[third], weights=value[third], minlength=4).tolist()
        totals = {"own": gain + gain, "inner_positive": sums[3], "inner_negative": sums[2],
                  "outer_positive": sums[1], "outer_negative": sums[0]}
        by_actor = {}
        if self.third_parties:
            by_actor = dict(zip(np.flatnonzero(third).tolist(), value[third].tolist(),
                                strict=True))
        return totals, by_actor

    def run(self) -> list[Realized]:
        """Realise the best exchange until none is left (decide's ``ModelLoop.loop``)."""
        self.calculate(np.arange(len(self.cands)))
        self._compact()
        realized = []
        while (k := self.best()) is not None:
            realized.append(self.realize(k))
            if 4 * np.count_nonzero(self.alive) < len(self.alive):
                self._compact()
        return realized


class _Batch:
    """The candidates of a batch that passed the first validity test, for the outcome
    checks and the randomized variant (indices ``rows`` into the batch)."""

    def __init__(self, idx: np.ndarray, si: Sides, sj: Sides, rows: np.ndarray,
                 move_i: np.ndarray, move_j: np.ndarray, gain: np.ndarray) -> None:
        self.idx = idx
        self.si = _take(si, rows)
        self.sj = _take(sj, rows)
        self.move_i = move_i[rows].copy()
        self.move_j = move_j[rows].copy()
        self.gain = gain[rows].copy()
        count = len(rows)
        self.nbs0_i = np.zeros(count)
        self.nbs1_i = np.zeros(count)
        self.nbs0_j = np.zeros(count)
        self.nbs1_j = np.zeros(count)

    def check(self, rnd: Round, name: str) -> None:
        """``AbstractExchangeActor.check_nbs`` for side ``name``: if the move carries the
        outcome past the partner's position, stop it there and scale the partner's move."""
        side, partner = (self.si, self.sj) if name == "i" else (self.sj, self.si)
        move = self.move_i if name == "i" else self.move_j
        other_move = self.move_j if name == "i" else self.move_i
        nbs0 = rnd.outcome_after(side, side.position)
        nbs1 = rnd.outcome_after(side, side.position + move)
        cross = crosses(partner.wanted, nbs0, nbs1)
        if cross.any():
            rows = np.flatnonzero(cross)
            s_side, s_partner = _take(side, rows), _take(partner, rows)
            delta = np.abs(rnd.shift_to(s_side, partner.wanted[rows]))
            ratio = delta * s_side.weight / s_side.total
            ratio_partner = rnd.ratio_across(s_side, s_partner, ratio)
            partner_move = np.abs(ratio_partner * s_partner.total / s_partner.weight)
            move[rows] = delta * rnd.direction(s_side, s_partner)
            other_move[rows] = partner_move * rnd.direction(s_partner, s_side)
            self.gain[rows] = np.abs(ratio_partner * s_partner.s_supply
                                     - ratio * s_partner.s_demand)
            nbs1[rows] = rnd.outcome_after(s_side, s_side.position + move[rows])
        if name == "i":
            self.nbs0_i, self.nbs1_i = nbs0, nbs1
        else:
            self.nbs0_j, self.nbs1_j = nbs0, nbs1

    def randomize(self, rnd: Round) -> None:
        """The randomized equal-gain variant (Dijkstra et al. 2018), as decide's
        ``calculate_maximum_utility`` and ``randomized_gain`` compute it.

        One side, drawn by ``u``, wins (``v < 0.5``: gain raised by ``p z`` times the room
        to its maximum) or loses (gain cut by ``p z``); the moves follow from its new gain.
        """
        assert rnd.rng is not None
        draws = rnd.rng.random((len(self.idx), 3))
        u, v, z = draws[:, 0], draws[:, 1], draws[:, 2]
        si, sj = self.si, self.sj
        y_i, y_j = si.position + self.move_i, sj.position + self.move_j
        max_i, max_j = self._maximum_utility(rnd, y_i, y_j)
        me_is_i = u < 0.5
        me = _choose(me_is_i, si, sj)
        you = _choose(me_is_i, sj, si)
        eu_max = np.where(me_is_i, max_i, max_j)
        nbs0_me = np.where(me_is_i, self.nbs0_i, self.nbs0_j)
        eu = self.gain
        eui = np.where(v < 0.5, eu + rnd.p * z * (eu_max - eu), eu - rnd.p * z * eu)
        reach = np.abs(me.position - you.wanted)
        ratio_q = reach * me.weight / me.total
        ratio_p = (eui + ratio_q * me.s_supply) / me.s_demand
        move_me = reach.copy()
        move_you = ratio_p * you.total / you.weight
        euj = np.abs(ratio_p * you.s_supply - ratio_q * you.s_demand)
        room = np.abs(you.position - me.wanted)
        capped = np.abs(move_you) > room
        # the partner would overshoot: it moves all the way and the drawn side moves less
        cap_p = room * you.weight / you.total
        cap_q = np.abs((eui - cap_p * me.s_demand) / me.s_supply)
        cap_me = cap_q * me.total / me.weight
        shorter = capped & (np.abs(cap_me) < reach)
        euj = np.where(shorter, np.abs(cap_p * you.s_supply - cap_q * you.s_demand), euj)
        move_me = np.where(capped, cap_me, move_me)
        move_you = np.where(capped, room, move_you)
        # otherwise the drawn side's full move may carry its outcome past the partner
        free = np.flatnonzero(~capped)
        if len(free):
            f_me, f_you = _take(me, free), _take(you, free)
            signed = np.where(f_me.position > f_you.wanted, -reach[free], reach[free])
            adjusted = rnd.outcome_after(f_me, f_me.position + signed)
            cross = crosses(f_you.wanted, nbs0_me[free], adjusted)
            if cross.any():
                rows = free[cross]
                c_me, c_you = _take(me, rows), _take(you, rows)
                delta = np.abs(rnd.shift_to(c_me, c_you.wanted))
                c_q = delta * c_me.weight / c_me.total
                c_p = (eui[rows] + c_q * c_me.s_supply) / c_me.s_demand
                move_you[rows] = c_p * c_you.total / c_you.weight
                euj[rows] = np.abs(c_p * c_you.s_supply - c_q * c_you.s_demand)
                # decide keeps the signed full move here, not delta; its sign flips below
                move_me[rows] = signed[cross]
        move_me = move_me * rnd.direction(me, you)
        move_you = move_you * rnd.direction(you, me)
        self.move_i = np.where(me_is_i, move_me, move_you)
        self.move_j = np.where(me_is_i, move_you, move_me)
        self.eu_i = np.where(me_is_i, eui, euj)
        self.eu_j = np.where(me_is_i, euj, eui)
        self.valid = rnd.move_valid(si, self.move_i) & rnd.move_valid(sj, self.move_j)
        self.nbs0_i = rnd.outcome_after(si, si.position)
        self.nbs1_i = rnd.outcome_after(si, si.position + self.move_i)
        self.nbs0_j = rnd.outcome_after(sj, sj.position)
        self.nbs1_j = rnd.outcome_after(sj, sj.position + self.move_j)

    def _maximum_utility(self, rnd: Round, y_i: np.ndarray, y_j: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray]:
        """``EqualGainExchange.calculate_maximum_utility``: the most each side could gain."""
        si, sj = self.si, self.sj
        # decide compares a side's position on its demand issue with its vote on its supply
        # issue here; kept as it is
        i_top = np.abs(si.wanted - y_i) <= EPS
        j_top = np.abs(sj.wanted - y_j) <= EPS
        nbs_i = rnd.outcome_after(si, np.where(i_top, y_i, sj.wanted))
        nbs_j = rnd.outcome_after(sj, np.where(j_top, y_j, si.wanted))
        delta_i = np.abs(self.nbs0_i - nbs_i)
        delta_j = np.abs(self.nbs0_j - nbs_j)
        loss_1 = delta_j * sj.s_supply
        gain_2 = delta_j * si.s_demand
        loss_2 = delta_i * si.s_supply
        gain_1 = delta_i * sj.s_demand
        overwrite = np.zeros(len(y_i))
        overwrite = np.where(i_top & (gain_1 - loss_1 > 0),
                             gain_2 - (loss_1 / sj.s_demand) * si.s_supply, overwrite)
        overwrite = np.where(j_top & (gain_2 - loss_2 > 0),
                             gain_1 - (loss_2 / si.s_demand) * sj.s_supply, overwrite)
        pick_j = gain_2 > gain_1
        gain = np.where(pick_j, gain_1, gain_2)
        loss = np.where(pick_j, loss_2, loss_1)
        a_sup = np.where(pick_j, sj.s_supply, si.s_supply)
        o_dem = np.where(pick_j, si.s_demand, sj.s_demand)
        share = a_sup / (a_sup + o_dem)
        opposite = np.where(overwrite != 0, overwrite,
                            share * o_dem * (gain / (share * a_sup)) - loss)
        chosen = gain - share * a_sup * (loss / (share * o_dem))
        return np.where(pick_j, opposite, chosen), np.where(pick_j, chosen, opposite)


def _take(side: Sides, rows: np.ndarray) -> Sides:
    return Sides(**{name: getattr(side, name)[rows] for name in Sides.__dataclass_fields__})


def _choose(mask: np.ndarray, a: Sides, b: Sides) -> Sides:
    return Sides(**{name: np.where(mask, getattr(a, name), getattr(b, name))
                    for name in Sides.__dataclass_fields__})


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
    rng = np.random.default_rng(seed) if (seed is not None or p) else None
    weight = np.where(present, capability[:, None] * salience, 0.0)
    x = np.where(present, position, np.nan)
    previous = outcomes(x, weight)
    out = []
    for _ in range(rounds):
        rnd = Round(x, salience, capability, present, p=p, rng=rng,
                    random_ties=seed is not None, third_parties=third_parties)
        realized = rnd.run()
        voting = np.where(present, rnd.current, np.nan)
        following = np.where(
            rnd.moved,
            new_start_positions(x, voting, salience, salience_weight, fixed_weight),
            x,
        )
        voting_outcome = outcomes(voting, weight)
        out.append(RoundResult(x, voting, following, rnd.start_outcome, voting_outcome,
                               realized))
        x = following
        if tolerance is not None and np.max(np.abs(voting_outcome - previous)) <= tolerance:
            break
        previous = voting_outcome
    return out
