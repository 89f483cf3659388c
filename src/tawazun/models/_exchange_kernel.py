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


class Sides:
    """The arrays of one side (``i`` or ``j``) of a batch of candidates.

    ``seen_key`` and ``total_key`` point into the flattened ``seen_shift`` and
    ``seen_total`` at what the partner (the demander of this side's supply issue) has seen.
    ``low``, ``high`` and ``past`` summarise the earlier moves decide keeps for the side.
    """

    __slots__ = ("actor", "supply", "demand", "seen_key", "total_key", "wanted", "weight",
                 "s_supply", "s_demand", "total", "x_start", "base", "low", "high", "past",
                 "position")
    FORMULA = ("seen_key", "total_key", "wanted", "weight", "s_supply", "s_demand", "total",
               "x_start", "base", "position")

    def __init__(self, ints: np.ndarray, floats: np.ndarray, history: np.ndarray,
                 position: np.ndarray) -> None:
        self.actor, self.supply, self.demand, self.seen_key, self.total_key = ints
        (self.wanted, self.weight, self.s_supply, self.s_demand, self.total, self.x_start,
         self.base) = floats
        self.low, self.high, self.past = history
        self.position = position

    @classmethod
    def pick(cls, mask: np.ndarray, a: Sides, b: Sides) -> Sides:
        """``a`` where ``mask`` holds, else ``b`` (the fields the formulas use)."""
        out = cls.__new__(cls)
        for name in cls.FORMULA:
            setattr(out, name, np.where(mask, getattr(a, name), getattr(b, name)))
        return out


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
        self.start_outcome = self.base / self.total
        self.left = present & (self.x0 <= self.start_outcome + EPS)
        self.current = self.x0.copy()
        self.current_flat = self.current.reshape(-1)
        self.moved = np.zeros((self.n, self.m), dtype=bool)
        self.seen_value = np.zeros((self.n, self.m, self.n))
        self.seen_has = np.zeros((self.n, self.m, self.n), dtype=bool)
        self.seen_shift = np.zeros((self.n, self.m, self.n))
        self.seen_total = np.zeros((self.n, self.m))
        self.seen_has_flat = self.seen_has.reshape(-1)
        self.seen_shift_flat = self.seen_shift.reshape(-1)
        self.seen_total_flat = self.seen_total.reshape(-1)
        self.cands = build_candidates(position, salience, self.w, self.left)
        count = len(self.cands)
        self.origin = np.arange(count)
        self.alive = np.ones(count, dtype=bool)
        self.score = np.full(count, -np.inf)  # the gain of alive candidates
        self.gain = np.zeros(count)
        self.static = {name: self._static(name) for name in "ij"}
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

    def _csr(self, keys: np.ndarray, values: np.ndarray) -> tuple[list[int], np.ndarray]:
        order = np.argsort(keys, kind="stable")
        bounds = np.searchsorted(keys[order], np.arange(self.n * self.m + 1)).tolist()
        return bounds, values[order]

    @staticmethod
    def _lookup(table: tuple[list[int], np.ndarray], key: int) -> np.ndarray:
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

    def _sides(self, idx: np.ndarray) -> tuple[Sides, Sides]:
        out = []
        for name in "ij":
            ints, floats = self.static[name]
            ints = ints[:, idx]
            position = self.current_flat[ints[0] * self.m + ints[1]]
            out.append(Sides(ints, floats[:, idx], self.history[name][:, idx], position))
        return out[0], out[1]

    # -- decide's formulas, on arrays ----------------------------------------------------------
    def outcome_after(self, side: Sides, new_position: np.ndarray) -> np.ndarray:
        """``calculations.adjusted_nbs``: the outcome of ``side``'s supply issue with the moves
        its partner (the demander) has seen and ``side`` at ``new_position``."""
        shifted = (side.base + self.seen_total_flat[side.total_key]
                   - self.seen_shift_flat[side.seen_key]
                   + side.weight * (new_position - side.x_start))
        return shifted / side.total

    def shift_to(self, side: Sides, target: np.ndarray) -> np.ndarray:
        """``calculations.adjusted_nbs_by_position``: the move of ``side`` from where it stands
        that puts the outcome at ``target``. A position of ``side`` its partner has seen
        counts instead of the current one, as decide applies the updates last."""
        own = np.where(self.seen_has_flat[side.seen_key], 0.0,
                       side.weight * (side.position - side.x_start))
        summed = side.base + self.seen_total_flat[side.total_key] + own
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

    @staticmethod
    def move_for(side: Sides, ratio: np.ndarray) -> np.ndarray:
        """``calculations.reverse_move``: the move that shifts the outcome by ``ratio``."""
        return ratio * side.total / side.weight

    @staticmethod
    def ratio_for(side: Sides, move: np.ndarray) -> np.ndarray:
        """``calculations.exchange_ratio``: the outcome shift a move of ``side`` makes."""
        return move * side.weight / side.total

    # -- EqualGainExchange.calculate -------------------------------------------------------------
    def calculate(self, idx: np.ndarray) -> None:
        """(Re)compute the candidates ``idx`` (ascending) and store moves, gains, validity.

        Every formula runs on the whole batch; a mask says where decide would have run it.
        """
        if not len(idx):
            return
        si, sj = self._sides(idx)
        room_i = np.abs(sj.wanted - si.position)
        room_j = np.abs(si.wanted - sj.position)
        # j moves all the way to i's position; if that asks more of i than reaching j,
        # i moves all the way instead (``EqualGainExchange.calculate``)
        dp = self.ratio_for(sj, room_j)
        dq = self.ratio_across(sj, si, dp)
        move_i = self.move_for(si, dq)
        over = np.abs(move_i) > room_i
        dq = np.where(over, self.ratio_for(si, room_i), dq)
        dp = np.where(over, self.ratio_across(si, sj, dq), dp)
        move_i = np.where(over, room_i, move_i) * self.direction(si, sj)
        move_j = np.where(over, self.move_for(sj, dp), room_j) * self.direction(sj, si)
        gain = np.abs(dq * si.s_supply - dp * si.s_demand)
        checked = self.move_valid(si, move_i) & self.move_valid(sj, move_j) & (gain >= MIN_GAIN)
        nbs_i, nbs_j = np.zeros((2, len(idx))), np.zeros((2, len(idx)))
        eu_i = eu_j = gain
        valid = checked
        if checked.any():
            nbs_i[0], nbs_i[1], move_i, move_j, gain = self.check(si, sj, move_i, move_j,
                                                                  gain, checked)
            nbs_j[0], nbs_j[1], move_j, move_i, gain = self.check(sj, si, move_j, move_i,
                                                                  gain, checked)
            eu_i = eu_j = gain
            if self.p:
                move_i, move_j, eu_i, eu_j = self.randomize(si, sj, move_i, move_j, gain,
                                                            nbs_i[0], nbs_j[0], checked)
                nbs_i = np.stack([self.outcome_after(si, si.position),
                                  self.outcome_after(si, si.position + move_i)])
                nbs_j = np.stack([self.outcome_after(sj, sj.position),
                                  self.outcome_after(sj, sj.position + move_j)])
            valid = checked & self.move_valid(si, move_i) & self.move_valid(sj, move_j)
        self.state["i"][:, idx] = move_i, si.position + move_i, eu_i, nbs_i[0], nbs_i[1]
        self.state["j"][:, idx] = move_j, sj.position + move_j, eu_j, nbs_j[0], nbs_j[1]
        self.gain[idx] = gain
        self.alive[idx] = valid
        self.score[idx] = np.where(valid, gain, -np.inf)

    def check(self, side: Sides, partner: Sides, move: np.ndarray, other: np.ndarray,
              gain: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, ...]:
        """``AbstractExchangeActor.check_nbs``: if ``side``'s move carries the outcome past
        the partner's position, stop it there and scale the partner's move to equal gain.

        Returns the outcome before and after the move, the two moves and the gain.
        """
        before = self.outcome_after(side, side.position)
        after = self.outcome_after(side, side.position + move)
        cross = mask & crosses(partner.wanted, before, after)
        if cross.any():
            delta = np.abs(self.shift_to(side, partner.wanted))
            ratio = self.ratio_for(side, delta)
            ratio_partner = self.ratio_across(side, partner, ratio)
            move = np.where(cross, delta * self.direction(side, partner), move)
            other = np.where(cross, np.abs(self.move_for(partner, ratio_partner))
                             * self.direction(partner, side), other)
            gain = np.where(cross, np.abs(ratio_partner * partner.s_supply
                                          - ratio * partner.s_demand), gain)
            after = np.where(cross, self.outcome_after(side, side.position + move), after)
        return before, after, move, other, gain

    # -- the randomized variant (Dijkstra et al. 2018) -------------------------------------------
    def randomize(self, si: Sides, sj: Sides, move_i: np.ndarray, move_j: np.ndarray,
                  gain: np.ndarray, nbs0_i: np.ndarray, nbs0_j: np.ndarray, mask: np.ndarray
                  ) -> tuple[np.ndarray, ...]:
        """decide's ``calculate_maximum_utility`` and ``randomized_gain`` where ``mask``.

        ``(u, v, z)`` are drawn for each masked candidate in order. The side drawn by
        ``u < 0.5`` (else the other) wins (``v < 0.5``: its gain rises by ``p z`` times the
        room to its maximum) or loses (its gain falls by ``p z`` of it); the moves follow
        from its new gain. Returns both moves and both gains.
        """
        assert self.rng is not None
        rows = np.flatnonzero(mask)
        u, v, z = np.full((3, len(mask)), 0.0)
        u[rows], v[rows], z[rows] = self.rng.random((len(rows), 3)).T
        y_i, y_j = si.position + move_i, sj.position + move_j
        max_i, max_j = self.maximum_utility(si, sj, y_i, y_j, nbs0_i, nbs0_j)
        me_is_i = u < 0.5
        me, you = Sides.pick(me_is_i, si, sj), Sides.pick(me_is_i, sj, si)
        eu_max = np.where(me_is_i, max_i, max_j)
        nbs0_me = np.where(me_is_i, nbs0_i, nbs0_j)
        eui = np.where(v < 0.5, gain + self.p * z * (eu_max - gain), gain - self.p * z * gain)
        reach = np.abs(me.position - you.wanted)
        ratio_q = self.ratio_for(me, reach)
        ratio_p = (eui + ratio_q * me.s_supply) / me.s_demand
        move_me = reach
        move_you = self.move_for(you, ratio_p)
        euj = np.abs(ratio_p * you.s_supply - ratio_q * you.s_demand)
        room = np.abs(you.position - me.wanted)
        capped = np.abs(move_you) > room
        # the partner would overshoot: it moves all the way and the drawn side moves less
        cap_p = self.ratio_for(you, room)
        cap_q = np.abs((eui - cap_p * me.s_demand) / me.s_supply)
        cap_me = self.move_for(me, cap_q)
        shorter = capped & (np.abs(cap_me) < reach)
        euj = np.where(shorter, np.abs(cap_p * you.s_supply - cap_q * you.s_demand), euj)
        move_me = np.where(capped, cap_me, move_me)
        move_you = np.where(capped, room, move_you)
        # otherwise the drawn side's full move may carry its outcome past the partner
        signed = np.where(me.position > you.wanted, -reach, reach)
        adjusted = self.outcome_after(me, me.position + signed)
        cross = ~capped & crosses(you.wanted, nbs0_me, adjusted)
        if cross.any():
            delta = np.abs(self.shift_to(me, you.wanted))
            c_q = self.ratio_for(me, delta)
            c_p = (eui + c_q * me.s_supply) / me.s_demand
            move_you = np.where(cross, self.move_for(you, c_p), move_you)
            euj = np.where(cross, np.abs(c_p * you.s_supply - c_q * you.s_demand), euj)
            # decide keeps the signed full move here, not delta; its sign flips below
            move_me = np.where(cross, signed, move_me)
        move_me = move_me * self.direction(me, you)
        move_you = move_you * self.direction(you, me)
        return (np.where(mask, np.where(me_is_i, move_me, move_you), move_i),
                np.where(mask, np.where(me_is_i, move_you, move_me), move_j),
                np.where(mask, np.where(me_is_i, eui, euj), gain),
                np.where(mask, np.where(me_is_i, euj, eui), gain))

    def maximum_utility(self, si: Sides, sj: Sides, y_i: np.ndarray, y_j: np.ndarray,
                        nbs0_i: np.ndarray, nbs0_j: np.ndarray) -> tuple[np.ndarray, ...]:
        """``EqualGainExchange.calculate_maximum_utility``: the most each side could gain."""
        # decide compares a side's position on its demand issue with its vote on its supply
        # issue here; kept as it is
        i_top = np.abs(si.wanted - y_i) <= EPS
        j_top = np.abs(sj.wanted - y_j) <= EPS
        delta_i = np.abs(nbs0_i - self.outcome_after(si, np.where(i_top, y_i, sj.wanted)))
        delta_j = np.abs(nbs0_j - self.outcome_after(sj, np.where(j_top, y_j, si.wanted)))
        loss_1 = delta_j * sj.s_supply
        gain_2 = delta_j * si.s_demand
        loss_2 = delta_i * si.s_supply
        gain_1 = delta_i * sj.s_demand
        overwrite = np.where(i_top & (gain_1 - loss_1 > 0),
                             gain_2 - (loss_1 / sj.s_demand) * si.s_supply, 0.0)
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

    def realize(self, k: int) -> tuple[Any, ...]:
        """Carry out candidate ``k``, recalculate the candidates it affects, and return what
        the round's record needs of it."""
        c = self.cands
        a_i, a_j, p, q = int(c.i[k]), int(c.j[k]), int(c.p[k]), int(c.q[k])
        state_i, state_j = self.state["i"][:, k].tolist(), self.state["j"][:, k].tolist()
        y_i, y_j = state_i[1], state_j[1]
        done = (int(self.origin[k]), int(c.kind[k]), a_i, a_j, p, q, float(self.gain[k]),
                float(self.current[a_i, q]), float(self.current[a_j, p]), state_i, state_j)
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
        return done

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

    def run(self, third_parties: bool = False) -> list[Realized]:
        """Realise the best exchange until none is left (decide's ``ModelLoop.loop``)."""
        self.calculate(np.arange(len(self.cands)))
        self._compact()
        done = []
        while (k := self.best()) is not None:
            done.append(self.realize(k))
            if 4 * np.count_nonzero(self.alive) < len(self.alive):
                self._compact()
        return self.records(done, third_parties)

    def records(self, done: list[tuple[Any, ...]], third_parties: bool) -> list[Realized]:
        """The realised exchanges with their externalities (decide's ``Externalities``).

        ``calculations.actor_externalities``: for an actor on both issues, how much closer
        (positive) or further (negative) each outcome came to its round-start position,
        weighted by its saliences. The two traders count the exchange's gain ("own"); the
        others are inner if they stand in one of the two traders' groups (on this pair of
        issues, at the start of the round), else outer.
        """
        if not done:
            return []
        origin, kind, a_i, a_j, p, q, gain, from_i, from_j, state_i, state_j = map(
            np.array, zip(*done, strict=True))
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
        rows = np.arange(len(done))
        third[rows, a_i] = third[rows, a_j] = False
        positive = value > 0
        sums = {f"{side}_{sign}": np.where(third & where & (positive == up), value, 0.0).sum(1)
                for side, inside in (("inner", True), ("outer", False))
                for sign, up in (("positive", True), ("negative", False))
                for where in [inner == inside]}
        out = []
        for r in range(len(done)):
            sides = [
                {"actor": int(a_i[r]), "issue": int(q[r]), "partner": int(a_j[r]),
                 "from": float(from_i[r]), "to": float(state_i[r, 1]),
                 "toward": float(self.x0[a_j[r], q[r]]), "gain": float(state_i[r, 2]),
                 "outcome_from": float(state_i[r, 3]), "outcome_to": float(state_i[r, 4])},
                {"actor": int(a_j[r]), "issue": int(p[r]), "partner": int(a_i[r]),
                 "from": float(from_j[r]), "to": float(state_j[r, 1]),
                 "toward": float(self.x0[a_i[r], p[r]]), "gain": float(state_j[r, 2]),
                 "outcome_from": float(state_j[r, 3]), "outcome_to": float(state_j[r, 4])},
            ]
            totals = {"own": 2 * float(gain[r])}
            totals.update({key: float(column[r]) for key, column in sums.items()})
            by_actor = {}
            if third_parties:
                others = np.flatnonzero(third[r])
                by_actor = dict(zip(others.tolist(), value[r, others].tolist(), strict=True))
            out.append(Realized(int(origin[r]), int(kind[r]), int(p[r]), int(q[r]),
                                float(gain[r]), sides, totals, by_actor))
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
    rng = np.random.default_rng(seed) if (seed is not None or p) else None
    weight = np.where(present, capability[:, None] * salience, 0.0)
    x = np.where(present, position, np.nan)
    previous = outcomes(x, weight)
    out = []
    for _ in range(rounds):
        rnd = Round(x, salience, capability, present, p=p, rng=rng,
                    random_ties=seed is not None)
        realized = rnd.run(third_parties)
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
