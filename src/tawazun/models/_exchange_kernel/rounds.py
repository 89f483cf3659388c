"""A game of the exchange model with the records of every round.

decide-exchange-model 2025.3.1's ``ModelLoop.loop`` run round after round
(:func:`simulate`, compiled in :func:`.game.play_game`), and the realised exchanges with
their externalities (``calculations.actor_externalities``, :func:`records`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tawazun.models._exchange_kernel.candidates import KINDS, outcomes
from tawazun.models._exchange_kernel.game import EXCHANGE_COLUMNS, play


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


def side_record(
    actor: int, issue: int, partner: int, moved_from: float, toward: float, state: np.ndarray
) -> dict[str, Any]:
    """One trader's part of a realised exchange; ``state`` is its (move, vote, gain,
    outcome before, outcome after)."""
    return {
        "actor": int(actor),
        "issue": int(issue),
        "partner": int(partner),
        "from": float(moved_from),
        "to": float(state[1]),
        "toward": float(toward),
        "gain": float(state[2]),
        "outcome_from": float(state[3]),
        "outcome_to": float(state[4]),
    }


def records(
    rows: np.ndarray,
    start: np.ndarray,
    left: np.ndarray,
    salience: np.ndarray,
    present: np.ndarray,
    third_parties: bool,
) -> list[Realized]:
    """A round's realised exchanges with their externalities (decide's ``Externalities``).

    ``rows`` are the round's rows of :attr:`.game.Kept.exchanges`; ``start`` and ``left``
    are where the round began and each actor's side of its start outcomes.
    ``calculations.actor_externalities``: for an actor on both issues, how much closer
    (positive) or further (negative) each outcome came to its round-start position,
    weighted by its saliences. The two traders count the exchange's gain ("own"); the
    others are inner if they stand in one of the two traders' groups (on this pair of
    issues, at the start of the round), else outer.
    """
    if not len(rows):
        return []
    column = dict(zip(EXCHANGE_COLUMNS, rows.T, strict=True))
    index, a_i, a_j, p, q, kind = (
        column[name].astype(np.intp) for name in ("index", "i", "j", "p", "q", "kind")
    )
    gain, from_i, from_j = column["gain"], column["from_i"], column["from_j"]
    state_i, state_j = rows[:, 10:15], rows[:, 15:20]
    start = np.nan_to_num(start)
    on_both = (present[:, p] & present[:, q]).T
    xp, xq = start[:, p].T, start[:, q].T
    sp, sq = salience[:, p].T, salience[:, q].T
    closer_p = np.abs(state_j[:, 3:4] - xp) - np.abs(state_j[:, 4:5] - xp)
    closer_q = np.abs(state_i[:, 3:4] - xq) - np.abs(state_i[:, 4:5] - xq)
    value = (closer_p * sp + closer_q * sq) * on_both
    group = (left[:, p] + 2 * left[:, q].astype(int)).T
    first = np.array([KINDS[k][0] for k in kind])[:, None]
    second = np.array([KINDS[k][1] for k in kind])[:, None]
    inner = on_both & ((group == first) | (group == second))
    third = np.ones_like(on_both)
    rows_at = np.arange(len(rows))
    third[rows_at, a_i] = third[rows_at, a_j] = False
    positive = value > 0
    sums = {
        f"{circle}_{sign}": np.where(third & (inner == inside) & (positive == up), value, 0).sum(
            axis=1
        )
        for circle, inside in (("inner", True), ("outer", False))
        for sign, up in (("positive", True), ("negative", False))
    }
    out = []
    for r in range(len(rows)):
        sides = [
            side_record(a_i[r], q[r], a_j[r], from_i[r], start[a_j[r], q[r]], state_i[r]),
            side_record(a_j[r], p[r], a_i[r], from_j[r], start[a_i[r], p[r]], state_j[r]),
        ]
        totals = {"own": 2 * float(gain[r])}
        totals.update({key: float(values[r]) for key, values in sums.items()})
        by_actor = {}
        if third_parties:
            others = np.flatnonzero(third[r])
            by_actor = dict(zip(others.tolist(), value[r, others].tolist(), strict=True))
        out.append(
            Realized(
                int(index[r]),
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
) -> list[RoundResult]:
    """Run the exchange model with the records of every round; positions on 0-100, actors
    in the order ties follow.

    Each round the traders vote from where their exchanges took them; the outcome of the
    round is the weighted mean of those votes. Actors that traded start the next round
    part of the way from their old position toward their vote (:func:`.game.next_start`);
    the others stay. With ``tolerance`` the rounds stop once no outcome moved more than
    that (on 0-100) from the round before. The rounds are those of a batch of one game
    (:func:`.game.play`), kept.
    """
    weight = np.where(present, capability[:, None] * salience, 0.0)
    _votes, (kept,) = play(
        position[None], salience[None], capability[None], present, [seed],
        rounds=rounds, p=p, salience_weight=salience_weight, fixed_weight=fixed_weight,
        tolerance=tolerance, keep=True,
    )  # fmt: skip
    by_round = kept.exchanges[:, 0]
    return [
        RoundResult(
            kept.start[r],
            kept.voting[r],
            kept.following[r],
            kept.start_outcome[r],
            outcomes(kept.voting[r], weight),
            outcomes(kept.following[r], weight),
            records(
                kept.exchanges[by_round == r],
                kept.start[r],
                kept.left[r],
                salience,
                present,
                third_parties,
            ),
        )
        for r in range(kept.rounds)
    ]
