"""The candidate exchanges of a round, and the outcomes they move.

decide-exchange-model 2025.3.1: ``AbstractModel.determine_groups_and_calculate_exchanges``
(who can trade with whom on which pair of issues, :func:`build_candidates`), the outcome of
an issue (decide's "NBS", :func:`outcomes`) and ``calculations.new_start_position``
(:func:`new_start_positions`). Positions are on 0-100, as decide normalises them.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

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
