"""Rounds of the exchange model over fixed round-start positions, and the records of what
they realised.

decide-exchange-model 2025.3.1's ``ModelLoop.loop`` run round after round
(:func:`simulate`), each round's state held once for every candidate (:class:`Round`), and
the realised exchanges with their externalities (``calculations.actor_externalities``,
:meth:`Round.records`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tawazun.models._exchange_kernel.candidates import (
    EPS,
    KINDS,
    build_candidates,
    new_start_positions,
    outcomes,
)
from tawazun.models._exchange_kernel.loop import compiled_is_cached, run_round

logger = logging.getLogger(__name__)


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
    if not compiled_is_cached():
        # said before the wait, on stderr by default (logging's last-resort handler)
        logger.warning(
            "tawazun: compiling the exchange model's kernel with Numba; this happens once "
            "after an install and takes about ten seconds"
        )
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
