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
    return (np.minimum(d0, d1) < -EPS) & (np.maximum(d0, d1) > EPS)


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


class Round:
    """One round (decide's ``ModelLoop.loop``) over fixed round-start positions.

    Per-candidate arrays have a leading axis of 2 for the two sides: 0 is decide's
    ``exchange.i`` (supplies ``q``), 1 its ``exchange.j`` (supplies ``p``).
    """

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
        self.keys, self.across = self._static()
        self.supplier, self.demander = self._tables()
        # per candidate and side: the minimum, maximum and sum of the side's earlier moves
        self.history = np.zeros((count, 2, 3))
        self.history[:, :, 0], self.history[:, :, 1] = np.inf, -np.inf
        # per candidate and side: move, vote, gain, outcome before and after the move
        self.state = np.zeros((count, 2, 5))
        self._index_sides()

    def _static(self) -> tuple[np.ndarray, np.ndarray]:
        """What both sides of every candidate keep all round.

        Keys (N, 2, 4): the side's (actor, supply issue) and (actor, demand issue) in the
        tables indexed ``actor * m + issue`` (``current``, :meth:`_tables`), and where what
        its partner saw of it is in ``seen_shift`` and ``seen_total``. Factors (N, 2):
        ``calculations.by_exchange_ratio``, the outcome shift on the other issue that gives
        both sides the gain a unit shift on this side's supply issue gives.
        """
        c, n, m, s = self.cands, self.n, self.m, self.s
        actor = np.stack([c.i, c.j])
        supply = np.stack([c.q, c.p])
        demand = supply[::-1]
        partner = actor[::-1]
        keys = np.stack(
            [
                actor * m + supply,
                actor * m + demand,
                (partner * m + supply) * n + actor,
                partner * m + supply,
            ],
            axis=-1,
        )
        s_supply, s_demand = s[actor, supply], s[actor, demand]
        across = (s_supply + s_demand[::-1]) / (s_demand + s_supply[::-1])
        return keys.transpose(1, 0, 2).copy(), across.T.copy()

    def _tables(self) -> tuple[np.ndarray, np.ndarray]:
        """Per (actor, issue), indexed ``actor * m + issue``: as a supplier, its round-start
        position, salience, weight / total and total / weight, the issue's start outcome and
        1 / total; as a demander, its position and salience."""
        weight, total = self.w, self.total[None, :]
        with np.errstate(divide="ignore"):
            unratio = np.where(weight > 0, total / np.where(weight > 0, weight, 1.0), np.inf)
        supplier = np.stack(
            [
                self.x0,
                self.s,
                weight / total,
                unratio,
                np.broadcast_to(self.start_outcome, weight.shape),
                np.broadcast_to(1 / total, weight.shape),
            ],
            axis=-1,
        ).reshape(-1, 6)
        demander = np.stack([self.x0, self.s], axis=-1).reshape(-1, 2)
        return supplier, demander

    # -- lookup tables --------------------------------------------------------------------
    def _index_sides(self) -> None:
        """Candidates by (actor, supply issue) and by (actor, demand issue), as CSR lists."""
        c, m = self.cands, self.m
        index = np.arange(len(c))
        self.by_supply = self._csr(
            np.concatenate([c.i * m + c.q, c.j * m + c.p]), np.concatenate([index, index])
        )
        self.by_demand = self._csr(
            np.concatenate([c.i * m + c.p, c.j * m + c.q]), np.concatenate([index, index])
        )

    def _csr(self, keys: np.ndarray, values: np.ndarray) -> tuple[list[int], np.ndarray]:
        order = np.argsort(keys, kind="stable")
        bounds = np.searchsorted(keys[order], np.arange(self.n * self.m + 1)).tolist()
        return bounds, values[order]

    @staticmethod
    def _lookup(table: tuple[list[int], np.ndarray], key: int) -> np.ndarray:
        bounds, values = table
        return values[bounds[key] : bounds[key + 1]]

    def _compact(self) -> None:
        """Drop dead candidates from every array; they never come back within a round."""
        keep = np.flatnonzero(self.alive)
        c = self.cands
        self.cands = Candidates(c.i[keep], c.j[keep], c.p[keep], c.q[keep], c.kind[keep])
        self.origin = self.origin[keep]
        self.alive = self.alive[keep]
        self.score = self.score[keep]
        self.gain = self.gain[keep]
        self.keys = self.keys[keep]
        self.across = self.across[keep]
        self.history = self.history[keep]
        self.state = self.state[keep]
        self._index_sides()

    def _batch(self, idx: np.ndarray) -> _Batch:
        keys = self.keys[idx].transpose(2, 1, 0)
        return _Batch(
            self.supplier[keys[0]].transpose(2, 0, 1),
            self.demander[keys[1]].transpose(2, 0, 1),
            self.across[idx].T,
            self.history[idx].transpose(2, 1, 0),
            self.current_flat[keys[0]],
            self.seen_total_flat[keys[3]],
            self.seen_shift_flat[keys[2]],
            self.seen_has_flat[keys[2]],
        )

    # -- EqualGainExchange.calculate -------------------------------------------------------------
    def calculate(self, idx: np.ndarray) -> None:
        """(Re)compute the candidates ``idx`` and store moves, gains and validity.

        Every formula runs on the whole batch; masks say where decide would have run it.
        """
        if not len(idx):
            return
        b = self._batch(idx)
        room = np.abs(b.wanted[::-1] - b.position)
        # j moves all the way to i's position; if that asks more of i than reaching j,
        # i moves all the way instead (``EqualGainExchange.calculate``)
        dp = room[1] * b.ratio[1]
        dq = b.across[1] * dp
        move_i = dq * b.unratio[0]
        over = move_i > room[0]
        dq = np.where(over, room[0] * b.ratio[0], dq)
        dp = np.where(over, b.across[0] * dq, dp)
        moves = np.empty((2, len(idx)))
        moves[0] = np.where(over, room[0], move_i)
        moves[1] = np.where(over, dp * b.unratio[1], room[1])
        moves *= b.direction
        gain = np.abs(dq * b.s_supply[0] - dp * b.s_demand[0])
        checked = b.valid(moves) & (gain >= MIN_GAIN)
        outcome = np.zeros((2, 2, len(idx)))
        eu = gain
        valid = checked
        if checked.any():
            outcome[:, 0] = b.outcome_at(b.position)
            cut = b.check(0, moves, outcome, checked)
            cut = b.check(1, moves, outcome, checked, cut)
            if cut is not None:
                gain = np.where(cut[0], cut[1], gain)
            eu = gain
            if self.p:
                assert self.rng is not None
                draws = np.zeros((3, len(idx)))
                draws[:, checked] = self.rng.random((int(checked.sum()), 3)).T
                eu = b.randomize(self.p, draws, moves, gain, outcome[:, 0], checked)
                outcome[:, 0] = b.outcome_at(b.position)
                outcome[:, 1] = b.outcome_at(b.position + moves)
            # moves a check did not cut passed the same test before it
            if self.p or cut is not None:
                valid = checked & b.valid(moves)
        rows = np.empty((5, 2, len(idx)))
        rows[0] = moves
        np.add(b.position, moves, out=rows[1])
        rows[2] = eu
        rows[3:] = outcome.transpose(1, 0, 2)
        self.state[idx] = rows.transpose(2, 1, 0)
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

    def realize(self, k: int) -> tuple[Any, ...]:
        """Carry out candidate ``k``, recalculate the candidates it affects, and return what
        the round's record needs of it."""
        c = self.cands
        a_i, a_j, p, q = int(c.i[k]), int(c.j[k]), int(c.p[k]), int(c.q[k])
        state_i, state_j = self.state[k].tolist()
        y_i, y_j = state_i[1], state_j[1]
        done = (
            int(self.origin[k]),
            int(c.kind[k]),
            a_i,
            a_j,
            p,
            q,
            float(self.gain[k]),
            float(self.current[a_i, q]),
            float(self.current[a_j, p]),
            state_i,
            state_j,
        )
        self.alive[k] = False
        self.score[k] = -np.inf
        # decide's AbstractExchange.recalculate on every alive candidate: those in which
        # one of the two actors supplies the issue it moved on, or demands the issue its
        # partner moved on
        touched = np.sort(
            np.concatenate(
                [
                    self._lookup(self.by_supply, a_i * self.m + q),
                    self._lookup(self.by_supply, a_j * self.m + p),
                    self._lookup(self.by_demand, a_j * self.m + q),
                    self._lookup(self.by_demand, a_i * self.m + p),
                ]
            )
        )
        keep = self.alive[touched]
        keep[1:] &= touched[1:] != touched[:-1]
        touched = touched[keep]
        # a side that supplies the issue its actor just moved on keeps its previous move in
        # the history decide checks directions against; other sides just recompute it
        where = self.keys[touched, :, 0]
        matched = (where == a_i * self.m + q) | (where == a_j * self.m + p)
        if matched.any():
            rows = touched[matched.any(axis=1)]
            matched = matched[matched.any(axis=1)]
            last = np.where(matched, self.state[rows, :, 0], np.nan)
            history = self.history[rows]
            history[:, :, 0] = np.fmin(history[:, :, 0], last)
            history[:, :, 1] = np.fmax(history[:, :, 1], last)
            history[:, :, 2] += np.where(matched, last, 0.0)
            self.history[rows] = history
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
            np.array, zip(*done, strict=True)
        )
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
        sums = {
            f"{group}_{sign}": np.where(third & (inner == inside) & (positive == up), value, 0).sum(
                axis=1
            )
            for group, inside in (("inner", True), ("outer", False))
            for sign, up in (("positive", True), ("negative", False))
        }
        out = []
        for r in range(len(done)):
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
                    int(origin[r]),
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


class _Batch:
    """A batch of candidates, both sides stacked on a leading axis of 2.

    ``wanted`` is a side's own position on its demand issue (the partner moves toward it);
    ``ratio`` = weight / total turns a move into an outcome shift and ``unratio`` back;
    ``offset`` is what the partner has seen other actors do to the outcome.
    """

    def __init__(
        self,
        supplier: np.ndarray,
        demander: np.ndarray,
        across: np.ndarray,
        history: np.ndarray,
        position: np.ndarray,
        seen_total: np.ndarray,
        seen_shift: np.ndarray,
        seen_has: np.ndarray,
    ) -> None:
        # supplier (6, 2, k), demander (2, 2, k), history (3, 2, k): field, side, candidate
        (
            self.x_start,
            self.s_supply,
            self.ratio,
            self.unratio,
            self.start_outcome,
            self.inverse_total,
        ) = np.ascontiguousarray(supplier)
        self.wanted, self.s_demand = np.ascontiguousarray(demander)
        self.across = across
        self.low, self.high, self.past = np.ascontiguousarray(history)
        self.position = position
        self.seen_total = seen_total
        self.offset = (seen_total - seen_shift) * self.inverse_total
        self.seen_has = seen_has
        self.direction = np.where(position > self.wanted[::-1], -1.0, 1.0)

    def outcome_at(self, new_position: np.ndarray, side: int | slice = slice(None)) -> np.ndarray:
        """``calculations.adjusted_nbs``: the outcome of the side's supply issue with what
        its partner has seen and the side at ``new_position``."""
        return (
            self.start_outcome[side]
            + self.offset[side]
            + self.ratio[side] * (new_position - self.x_start[side])
        )

    def shift_to(self, side: int, target: np.ndarray) -> np.ndarray:
        """``calculations.adjusted_nbs_by_position``: the move of the side from where it
        stands that puts the outcome at ``target``; a position of the side its partner has
        seen counts instead of the current one, as decide applies the updates last."""
        own = np.where(self.seen_has[side], 0.0, self.position[side] - self.x_start[side])
        seen = self.start_outcome[side] + self.seen_total[side] * self.inverse_total[side]
        return (target - seen) * self.unratio[side] - own

    def valid(self, moves: np.ndarray) -> np.ndarray:
        """``AbstractExchangeActor.is_move_valid`` for both sides: a real move that stays on
        the scale and keeps the direction of the side's earlier moves (the minimum and
        maximum of its moves have a positive product)."""
        size = np.abs(moves)
        landing = self.position + moves
        ok = (
            (size <= 100)
            & (size > MIN_MOVE)
            & (landing >= -EPS)
            & (landing <= 100 + EPS)
            & (self.past + moves <= 100)
            & (np.minimum(self.low, moves) * np.maximum(self.high, moves) > 0)
        )
        return ok[0] & ok[1]

    def check(
        self,
        side: int,
        moves: np.ndarray,
        outcome: np.ndarray,
        mask: np.ndarray,
        cut: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """``AbstractExchangeActor.check_nbs``: if the side's move carries the outcome past
        the partner's position, stop it there and scale the partner's move to equal gain.

        Updates ``moves`` and ``outcome[side]`` (before, after) in place. ``cut`` is None
        or (where a check cut the exchange, its gain there), from the check before; the
        updated pair is returned.
        """
        other = 1 - side
        target = self.wanted[other]
        after = self.outcome_at(self.position[side] + moves[side], side)
        cross = mask & crosses(target, outcome[side, 0], after)
        if cross.any():
            delta = np.abs(self.shift_to(side, target))
            ratio = delta * self.ratio[side]
            ratio_partner = self.across[side] * ratio
            moves[side] = np.where(cross, delta * self.direction[side], moves[side])
            moves[other] = np.where(
                cross,
                np.abs(ratio_partner * self.unratio[other]) * self.direction[other],
                moves[other],
            )
            gain = np.abs(ratio_partner * self.s_supply[other] - ratio * self.s_demand[other])
            after = np.where(cross, self.outcome_at(self.position[side] + moves[side], side), after)
            cut = (cross, gain) if cut is None else (cut[0] | cross, np.where(cross, gain, cut[1]))
        outcome[side, 1] = after
        return cut

    # -- the randomized variant (Dijkstra et al. 2018) -------------------------------------------
    def randomize(
        self,
        p: float,
        draws: np.ndarray,
        moves: np.ndarray,
        gain: np.ndarray,
        before: np.ndarray,
        mask: np.ndarray,
    ) -> np.ndarray:
        """decide's ``calculate_maximum_utility`` and ``randomized_gain`` where ``mask``.

        The side drawn by ``u < 0.5`` (side i, else side j) wins (``v < 0.5``: its gain
        rises by ``p z`` times the room to its maximum) or loses (falls by ``p z`` of it);
        the moves follow from its new gain. Updates ``moves``; returns both sides' gains.
        """
        u, v, z = draws
        maximum = self.maximum_utility(moves, before)
        me = np.where(u < 0.5, 0, 1)
        cols = np.arange(len(u))

        def mine(values: np.ndarray) -> np.ndarray:
            return values[me, cols]

        def yours(values: np.ndarray) -> np.ndarray:
            return values[1 - me, cols]

        position, wanted = self.position, self.wanted
        s_sup, s_dem = mine(self.s_supply), mine(self.s_demand)
        y_sup, y_dem = yours(self.s_supply), yours(self.s_demand)
        eui = np.where(v < 0.5, gain + p * z * (mine(maximum) - gain), gain - p * z * gain)
        reach = np.abs(mine(position) - yours(wanted))
        ratio_q = reach * mine(self.ratio)
        ratio_p = (eui + ratio_q * s_sup) / s_dem
        move_me = reach
        move_you = ratio_p * yours(self.unratio)
        euj = np.abs(ratio_p * y_sup - ratio_q * y_dem)
        room = np.abs(yours(position) - mine(wanted))
        capped = np.abs(move_you) > room
        # the partner would overshoot: it moves all the way and the drawn side moves less
        cap_p = room * yours(self.ratio)
        cap_q = np.abs((eui - cap_p * s_dem) / s_sup)
        cap_me = cap_q * mine(self.unratio)
        shorter = capped & (np.abs(cap_me) < reach)
        euj = np.where(shorter, np.abs(cap_p * y_sup - cap_q * y_dem), euj)
        move_me = np.where(capped, cap_me, move_me)
        move_you = np.where(capped, room, move_you)
        # otherwise the drawn side's full move may carry its outcome past the partner
        signed = np.where(mine(position) > yours(wanted), -reach, reach)
        at = np.stack([signed, signed]) + position
        adjusted = mine(self.outcome_at(at))
        cross = ~capped & crosses(yours(wanted), mine(before), adjusted)
        if cross.any():
            delta = np.abs(
                mine(np.stack([self.shift_to(0, wanted[1]), self.shift_to(1, wanted[0])]))
            )
            c_q = delta * mine(self.ratio)
            c_p = (eui + c_q * s_sup) / s_dem
            move_you = np.where(cross, c_p * yours(self.unratio), move_you)
            euj = np.where(cross, np.abs(c_p * y_sup - c_q * y_dem), euj)
            # decide keeps the signed full move here, not delta; its sign flips below
            move_me = np.where(cross, signed, move_me)
        move_me = move_me * mine(self.direction)
        move_you = move_you * yours(self.direction)
        is_i = me == 0
        moves[0] = np.where(mask, np.where(is_i, move_me, move_you), moves[0])
        moves[1] = np.where(mask, np.where(is_i, move_you, move_me), moves[1])
        return np.stack(
            [
                np.where(mask, np.where(is_i, eui, euj), gain),
                np.where(mask, np.where(is_i, euj, eui), gain),
            ]
        )

    def maximum_utility(self, moves: np.ndarray, before: np.ndarray) -> np.ndarray:
        """``EqualGainExchange.calculate_maximum_utility``: the most each side could gain."""
        y = self.position + moves
        # decide compares a side's position on its demand issue with its vote on its supply
        # issue here; kept as it is
        top = np.abs(self.wanted - y) <= EPS
        delta = np.abs(before - self.outcome_at(np.where(top, y, self.wanted[::-1])))
        (s_sup_i, s_sup_j), (s_dem_i, s_dem_j) = self.s_supply, self.s_demand
        loss_1 = delta[1] * s_sup_j
        gain_2 = delta[1] * s_dem_i
        loss_2 = delta[0] * s_sup_i
        gain_1 = delta[0] * s_dem_j
        overwrite = np.where(
            top[0] & (gain_1 - loss_1 > 0), gain_2 - (loss_1 / s_dem_j) * s_sup_i, 0.0
        )
        overwrite = np.where(
            top[1] & (gain_2 - loss_2 > 0), gain_1 - (loss_2 / s_dem_i) * s_sup_j, overwrite
        )
        pick_j = gain_2 > gain_1
        gain = np.where(pick_j, gain_1, gain_2)
        loss = np.where(pick_j, loss_2, loss_1)
        a_sup = np.where(pick_j, s_sup_j, s_sup_i)
        o_dem = np.where(pick_j, s_dem_i, s_dem_j)
        share = a_sup / (a_sup + o_dem)
        opposite = np.where(
            overwrite != 0, overwrite, share * o_dem * (gain / (share * a_sup)) - loss
        )
        chosen = gain - share * a_sup * (loss / (share * o_dem))
        return np.stack([np.where(pick_j, opposite, chosen), np.where(pick_j, chosen, opposite)])


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
