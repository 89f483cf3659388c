"""Test oracle for the exchange model: a plain, slow transcription of decide-exchange-model.

This follows decide-exchange-model 2025.3.1 (``decide/model/base.py``, ``equalgain.py``,
``calculations.py``, ``utils.py``) statement by statement, with Python floats instead of
``Decimal`` and one object per candidate exchange, each with its own copy of the moves and
of the positions it has seen change, exactly as the reference keeps them. It is deliberately
naive: every outcome is summed afresh over all actors. The fast kernel in
``tawazun.models._exchange_kernel`` must give the same rounds.

Where decide leaves a choice to chance or to the floating-point noise of its decimals, the
oracle makes the choices tawazun documents (docs/models/exchange.md):

* actors are taken in the order of their ids, so candidates, ties and random draws do not
  depend on the order of the input;
* equal gains (within a relative 1e-12) go to the first candidate in that order, or, with a
  seed, to one drawn with the seeded generator;
* positions within ``EPS`` of an outcome count as on it;
* an actor that gives an issue no weight (capability x salience 0) trades on no pair
  containing it (decide divides by zero there);
* the randomized variant draws ``(u, v, z)`` from the seeded generator for each valid
  candidate it (re)computes, in candidate order.

Positions are on 0-100 inside, as decide normalises them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

EPS = 1e-9
TIE = 1e-12
KINDS = ((0, 3, "a-d"), (1, 2, "b-c"))


def crosses(target, before, after):
    """Whether the outcome, moving from ``before`` to ``after``, passes ``target``.

    decide tests the signs of ``target - before`` and ``target - after``: the outcome
    crosses when they differ. An outcome within ``EPS`` of the target counts as on it, and
    one on it is on both sides (decide's decimals give an exact 0 there).
    """
    d0, d1 = target - before, target - after
    return (d0 > EPS and d1 < -EPS) or (d0 < -EPS and d1 > EPS)


@dataclass
class Side:
    """One actor of a candidate exchange: it moves on ``supply``, its partner on ``demand``."""

    actor: int
    supply: int
    demand: int
    position: float  # its current position on the supply issue
    start: float  # its position on the supply issue when the round began
    wanted: float  # its own position on the demand issue (the partner moves toward it)
    moves: list[float] = field(default_factory=list)
    move: float = 0.0
    y: float = 0.0
    eu: float = 0.0
    eu_max: float = 0.0
    nbs_0: float = 0.0
    nbs_1: float = 0.0
    other: Side | None = None


@dataclass
class Candidate:
    index: int
    p: int
    q: int
    kind: str
    i: Side  # supplies q, demands p
    j: Side  # supplies p, demands q
    updates: dict[int, dict[int, float]] = field(default_factory=dict)
    gain: float = 0.0
    valid: bool = True


class Round:
    """One round of decide's loop (``ModelLoop.loop``) over fixed round-start data."""

    def __init__(self, x, salience, capability, present, p_random, rng, seeded_ties):
        self.x = x  # (n, m) round-start positions on 0-100
        self.s = salience
        self.c = capability
        self.present = present
        self.w = np.where(present, capability[:, None] * salience, 0.0)
        self.n, self.m = x.shape
        self.denominator = [
            sum(self.w[a, k] for a in range(self.n) if present[a, k]) for k in range(self.m)
        ]
        self.p_random = p_random
        self.rng = rng
        self.seeded_ties = seeded_ties

    # -- outcomes ---------------------------------------------------------------------
    def nbs(self, issue, positions):
        total = 0.0
        for a in range(self.n):
            if self.present[a, issue]:
                total += self.w[a, issue] * positions[a]
        return total / self.denominator[issue]

    def adjust_nbs(self, cand, side, new_position):
        """``calculations.adjusted_nbs``: others as updated, ``side`` at ``new_position``."""
        k = side.supply
        positions = list(self.x[:, k])
        for actor, value in cand.updates.get(k, {}).items():
            positions[actor] = value
        positions[side.actor] = new_position
        return self.nbs(k, positions)

    def move_to_outcome(self, cand, side, x_pos, target):
        """``calculations.adjusted_nbs_by_position``: the shift of ``side`` from ``x_pos``
        that puts the outcome at ``target`` (updates applied after ``x_pos``)."""
        k = side.supply
        positions = list(self.x[:, k])
        positions[side.actor] = x_pos
        for actor, value in cand.updates.get(k, {}).items():
            positions[actor] = value
        total = sum(self.w[a, k] * positions[a] for a in range(self.n) if self.present[a, k])
        return (target * self.denominator[k] - total) / self.w[side.actor, k]

    # -- decide's small formulas -------------------------------------------------------
    def by_absolute_move(self, side):
        partner = side.other
        return (
            abs(partner.wanted - side.position)
            * self.w[side.actor, side.supply]
            / self.denominator[side.supply]
        )

    def by_exchange_ratio(self, side, ratio):
        partner = side.other
        s_sup = self.s[side.actor, side.supply]
        s_dem = self.s[side.actor, side.demand]
        return (
            (s_sup + self.s[partner.actor, partner.demand])
            / (s_dem + self.s[partner.actor, partner.supply])
        ) * ratio

    def reverse_move(self, side, ratio):
        return ratio * self.denominator[side.supply] / self.w[side.actor, side.supply]

    def exchange_ratio(self, side, delta):
        return delta * self.w[side.actor, side.supply] / self.denominator[side.supply]

    def expected_utility(self, side, demand_ratio, supply_ratio):
        return abs(
            demand_ratio * self.s[side.actor, side.supply]
            - supply_ratio * self.s[side.actor, side.demand]
        )

    @staticmethod
    def move_valid(side, move):
        """``AbstractExchangeActor.is_move_valid``; ``None`` (falsy) for mixed directions."""
        if abs(move) > 100 or abs(move) <= 1e-10:
            return False
        if side.position + move < -EPS or side.position + move > 100 + EPS:
            return False
        if sum(side.moves) > 100:
            return False
        lo, hi = min(side.moves), max(side.moves)
        if (lo < 0 and hi < 0) or (lo > 0 and hi > 0):
            return True
        return None

    @staticmethod
    def direction(side):
        return -1.0 if side.position > side.other.wanted else 1.0

    # -- candidates ------------------------------------------------------------------
    def candidates(self):
        nbs = [self.nbs(k, self.x[:, k]) for k in range(self.m)]
        left = self.x <= np.array(nbs)[None, :] + EPS
        found = []
        for p, q in combinations(range(self.m), 2):
            groups = {0: [], 1: [], 2: [], 3: []}
            for a in range(self.n):
                if self.present[a, p] and self.present[a, q]:
                    groups[int(left[a, p]) + 2 * int(left[a, q])].append(a)
            for first, second, kind in KINDS:
                for a in groups[first]:
                    for b in groups[second]:
                        if min(self.w[a, p], self.w[a, q], self.w[b, p], self.w[b, q]) <= 0:
                            continue
                        found.append(self.candidate(len(found), a, b, p, q, kind))
        self.groups_of = {}
        for p, q in combinations(range(self.m), 2):
            for a in range(self.n):
                if self.present[a, p] and self.present[a, q]:
                    self.groups_of[(p, q, a)] = int(left[a, p]) + 2 * int(left[a, q])
        return found

    def candidate(self, index, a, b, p, q, kind):
        s = self.s
        if s[a, p] * s[b, q] < s[b, p] * s[a, q]:
            # the first actor cares relatively less about p, so it is the one that supplies p
            a, b = b, a

        def side(actor, supply, demand):
            return Side(
                actor,
                supply,
                demand,
                self.x[actor, supply],
                self.x[actor, supply],
                self.x[actor, demand],
            )

        i = side(a, q, p)
        j = side(b, p, q)
        i.other, j.other = j, i
        return Candidate(index, p, q, kind, i, j)

    # -- EqualGainExchange.calculate ---------------------------------------------------
    def calculate(self, cand):
        i, j = cand.i, cand.j
        dp = self.by_absolute_move(j)
        dq = self.by_exchange_ratio(j, dp)
        i.move = self.reverse_move(i, dq)
        j.move = abs(i.wanted - j.position)
        if abs(i.move) > abs(j.wanted - i.position):
            dq = self.by_absolute_move(i)
            dp = self.by_exchange_ratio(i, dq)
            i.move = abs(j.wanted - i.position)
            j.move = self.reverse_move(j, dp)
        i.move *= self.direction(i)
        j.move *= self.direction(j)
        i.moves.append(i.move)
        j.moves.append(j.move)
        i.y = i.position + i.move
        j.y = j.position + j.move
        cand.gain = abs(self.expected_utility(i, dq, dp))
        i.eu = j.eu = cand.gain
        cand.valid = bool(self.move_valid(i, i.move) and self.move_valid(j, j.move))
        if cand.gain < 1e-10:
            cand.valid = False
        if not cand.valid:
            return
        self.check_nbs(cand, i)
        self.check_nbs(cand, j)
        i.eu = j.eu = cand.gain
        cand.valid = bool(self.move_valid(i, i.move) and self.move_valid(j, j.move))
        # decide draws whenever the exchange was valid before the outcome checks
        if self.p_random:
            u, v, z = self.rng.random(3)
            self.maximum_utility(cand)
            self.randomized_gain(cand, i if u < 0.5 else j, v, z)

    def check_nbs(self, cand, side):
        """``AbstractExchangeActor.check_nbs``: stop the outcome at the partner's position."""
        partner = side.other
        side.nbs_0 = self.adjust_nbs(cand, side, side.position)
        side.nbs_1 = self.adjust_nbs(cand, side, side.y)
        x = partner.wanted
        if not crosses(x, side.nbs_0, side.nbs_1):
            return
        delta = abs(self.move_to_outcome(cand, side, side.position, x))
        ratio_side = self.exchange_ratio(side, delta)
        ratio_partner = self.by_exchange_ratio(side, ratio_side)
        partner.move = abs(self.reverse_move(partner, ratio_partner))
        side.move = delta
        partner.move *= self.direction(partner)
        side.move *= self.direction(side)
        partner.moves[-1] = partner.move
        side.moves[-1] = side.move
        partner.y = partner.position + partner.move
        side.y = side.position + side.move
        cand.gain = abs(self.expected_utility(partner, ratio_partner, ratio_side))
        b1 = self.move_valid(partner, partner.move)
        b2 = self.move_valid(side, side.move)
        side.nbs_1 = self.adjust_nbs(cand, side, side.y)
        cand.valid = bool(b1 and b2)

    # -- the randomized variant (Dijkstra et al. 2018) ----------------------------------
    def maximum_utility(self, cand):
        """``EqualGainExchange.calculate_maximum_utility``."""
        i, j, s = cand.i, cand.j, self.s
        i_top = abs(i.wanted - i.y) <= EPS
        j_top = abs(j.wanted - j.y) <= EPS
        nbs_i = self.adjust_nbs(cand, i, i.y if i_top else j.wanted)
        nbs_j = self.adjust_nbs(cand, j, j.y if j_top else i.wanted)
        delta_i = abs(i.nbs_0 - nbs_i)
        delta_j = abs(j.nbs_0 - nbs_j)
        si_sup, si_dem = s[i.actor, i.supply], s[i.actor, i.demand]
        sj_sup, sj_dem = s[j.actor, j.supply], s[j.actor, j.demand]
        loss_1 = delta_j * sj_sup
        gain_2 = delta_j * si_dem
        loss_2 = delta_i * si_sup
        gain_1 = delta_i * sj_dem
        overwrite = 0.0
        if i_top and gain_1 - loss_1 > 0:
            overwrite = gain_2 - (loss_1 / sj_dem) * si_sup
        if j_top and gain_2 - loss_2 > 0:
            overwrite = gain_1 - (loss_2 / si_dem) * sj_sup
        if gain_2 > gain_1:
            actor, gain, loss = j, gain_1, loss_2
        else:
            actor, gain, loss = i, gain_2, loss_1
        a_sup = s[actor.actor, actor.supply]
        o_dem = s[actor.other.actor, actor.other.demand]
        share = a_sup / (a_sup + o_dem)
        d1 = loss / (share * o_dem)
        d2 = gain / (share * a_sup)
        if overwrite:
            actor.other.eu_max = overwrite
        else:
            actor.other.eu_max = share * o_dem * d2 - loss
        actor.eu_max = gain - share * a_sup * d1

    def randomized_gain(self, cand, me, v, z):
        """``EqualGainExchangeActor.randomized_gain`` for the side ``me`` drawn by ``u``."""
        you = me.other
        s = self.s
        eu = cand.gain
        wins = v < 0.5
        eui = eu + self.p_random * z * (me.eu_max - eu) if wins else eu - self.p_random * z * eu
        s_me_sup, s_me_dem = s[me.actor, me.supply], s[me.actor, me.demand]
        move_i = abs(me.position - you.wanted)
        ratio_q = self.exchange_ratio(me, move_i)
        ratio_p = (eui + ratio_q * s_me_sup) / s_me_dem
        move_j = self.reverse_move(you, ratio_p)
        euj = self.expected_utility(you, ratio_p, ratio_q)
        room_j = abs(you.position - me.wanted)
        if abs(move_j) > room_j:
            ratio_p = self.exchange_ratio(you, room_j)
            ratio_q = abs((eui - ratio_p * s_me_dem) / s_me_sup)
            move_j = room_j
            move_i = self.reverse_move(me, ratio_q)
            if abs(move_i) < abs(me.position - you.wanted):
                # decide's crossing check here compares the adjusted outcome with itself,
                # so it always passes: only the partner's gain is recomputed
                euj = self.expected_utility(you, ratio_p, ratio_q)
        else:
            signed_i = -move_i if me.position > you.wanted else move_i
            adjusted = self.adjust_nbs(cand, me, me.position + signed_i)
            x = you.wanted
            if crosses(x, me.nbs_0, adjusted):
                delta = abs(self.move_to_outcome(cand, me, me.position, x))
                ratio_q = self.exchange_ratio(me, delta)
                ratio_p = (eui + ratio_q * s_me_sup) / s_me_dem
                move_j = self.reverse_move(you, ratio_p)
                euj = self.expected_utility(you, ratio_p, ratio_q)
                # decide keeps the signed full move here, not delta (its sign flips below)
                move_i = signed_i
        me.eu, you.eu = eui, euj
        me.move = move_i * self.direction(me)
        you.move = move_j * self.direction(you)
        me.moves[-1] = me.move
        you.moves[-1] = you.move
        me.y = me.position + me.move
        you.y = you.position + you.move
        cand.valid = bool(self.move_valid(me, me.move) and self.move_valid(you, you.move))
        for side in (me, you):
            side.nbs_0 = self.adjust_nbs(cand, side, side.position)
            side.nbs_1 = self.adjust_nbs(cand, side, side.y)

    # -- AbstractExchange.recalculate -----------------------------------------------------
    def recalculate(self, cand, done):
        changed = False
        touched = []
        for side in (cand.i, cand.j):
            for realized in (done.i, done.j):
                if side.actor == realized.actor and side.supply == realized.supply:
                    side.position = realized.y
                    touched.append(side)
                    changed = True
                    break
        if changed:
            # decide appends the realized move to the side that matched and then drops the
            # last move of both sides: the matched side keeps its previous move in its history
            for side in (cand.i, cand.j):
                if side not in touched:
                    side.moves.pop()
        for demander, mover in ((done.j, done.i), (done.i, done.j)):
            if any(
                demander.actor == s.actor and demander.demand == s.demand for s in (cand.i, cand.j)
            ):
                seen = cand.updates.setdefault(demander.demand, {})
                if mover.actor in seen:
                    seen[mover.actor] = self.updated_position(mover, seen[mover.actor])
                else:
                    seen[mover.actor] = mover.y
                if not changed:
                    cand.i.moves.pop()
                    cand.j.moves.pop()
                    changed = True
        if changed:
            self.calculate(cand)

    @staticmethod
    def updated_position(mover, current):
        """``AbstractExchange.update_updates``."""
        if mover.start <= current:
            return current if current < mover.y else mover.y
        return current if current > mover.y else mover.y

    # -- the loop ----------------------------------------------------------------------
    def best(self, alive):
        top = max(c.gain for c in alive)
        tied = [c for c in alive if c.gain >= top * (1 - TIE)]
        if len(tied) > 1 and self.seeded_ties:
            return tied[int(self.rng.integers(len(tied)))]
        return tied[0]

    def externalities(self, cand):
        """``Externalities._add_exchange_set`` on ``calculations.actor_externalities``."""
        i, j = cand.i, cand.j
        inner = (0, 3) if cand.kind == "a-d" else (1, 2)
        totals = {
            "own": 0.0,
            "inner_positive": 0.0,
            "inner_negative": 0.0,
            "outer_positive": 0.0,
            "outer_negative": 0.0,
        }
        by_actor = {}
        for a in range(self.n):
            if a in (i.actor, j.actor):
                totals["own"] += cand.gain
                continue
            value = 0.0
            if self.present[a, j.supply] and self.present[a, i.supply]:
                xp, sp = self.x[a, j.supply], self.s[a, j.supply]
                xq, sq = self.x[a, i.supply], self.s[a, i.supply]
                left = abs(j.nbs_0 - xp) - abs(j.nbs_1 - xp)
                right = abs(i.nbs_0 - xq) - abs(i.nbs_1 - xq)
                value = left * sp + right * sq
            is_inner = self.groups_of.get((cand.p, cand.q, a)) in inner
            sign = "positive" if value > 0 else "negative"
            totals[f"{'inner' if is_inner else 'outer'}_{sign}"] += value
            by_actor[a] = value
        return totals, by_actor

    def run(self):
        cands = self.candidates()
        for cand in cands:
            self.calculate(cand)
        alive = cands
        realized = []
        while True:
            alive = [c for c in alive if c.valid]
            if not alive:
                break
            done = self.best(alive)
            alive = [c for c in alive if c is not done]
            for cand in alive:
                self.recalculate(cand, done)
            totals, by_actor = self.externalities(done)
            realized.append((done, totals, by_actor))
        return realized


def run(
    x,
    salience,
    capability,
    present,
    rounds=10,
    p=0.0,
    seed=None,
    salience_weight=0.4,
    fixed_weight=0.1,
):
    """All rounds; positions on 0-100, actors already in id order.

    Returns a list of rounds, each a dict with ``start`` (positions the round began from),
    ``realized`` (list of ``(Candidate, totals, by_actor)``), ``voting`` and ``next``
    (positions) and the outcomes ``nbs_start`` and ``nbs_voting``.
    """
    rng = np.random.default_rng(seed) if (seed is not None or p) else None
    x = np.array(x, dtype=float)
    out = []
    for _ in range(rounds):
        state = Round(x.copy(), salience, capability, present, p, rng, seed is not None)
        realized = state.run()
        voting = x.copy()
        for cand, _, _ in realized:
            for side in (cand.i, cand.j):
                voting[side.actor, side.supply] = side.y
        following = voting.copy()
        for cand, _, _ in realized:
            for side in (cand.i, cand.j):
                s = salience[side.actor, side.supply]
                following[side.actor, side.supply] = (
                    (1 - s) * salience_weight * side.y
                    + fixed_weight * side.y
                    + (1 - (1 - s) * salience_weight - fixed_weight) * side.start
                )
        out.append(
            {
                "start": x.copy(),
                "realized": realized,
                "voting": voting,
                "next": following,
                "nbs_start": [state.nbs(k, x[:, k]) for k in range(state.m)],
                "nbs_voting": [state.nbs(k, voting[:, k]) for k in range(state.m)],
            }
        )
        x = following
    return out
