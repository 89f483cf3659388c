"""One SMP game, turn by turn, to KTAB's stopping rule (``Model::run`` with ``smpStopFn``;
``SMPModel::stateDist`` measures how far a turn moved the actors).
"""

from __future__ import annotations

import numpy as np

from oracles.smp_numpy.bargain import propose_bargains, resolve_bargains
from oracles.smp_numpy.challenge import best_challenges
from oracles.smp_numpy.probability import assess
from tawazun.models._smp_kernel.settings import History, Settings, sequential_sum


def state_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Sum over actors of the Euclidean distance moved (``SMPModel::stateDist``)."""
    gap = a - b
    return float(sequential_sum(np.sqrt(sequential_sum((gap * gap).T))))


def simulate(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    settings: Settings,
    rng: np.random.Generator | None = None,
) -> History:
    """Run one SMP game to KTAB's stopping rule (``Model::run`` with ``smpStopFn``).

    Each turn, every actor challenges its best target, offers it a bargain, and every
    actor moves to the most probable of the bargains open to it. The game stops after
    turn t when t reaches ``max_turns``, or when t >= ``min_turns`` and the distance moved
    in turn t is below ``min_delta_ratio`` times that of turn 1 (plus ``min_sig_delta``).

    Parameters
    ----------
    capability : ndarray, shape (n,)
        Positive.
    position : ndarray, shape (n, m)
        On 0-1.
    salience : ndarray, shape (n, m)
        On 0-1, each row summing to at most 1 and more than 0.
    """
    salience_total = sequential_sum(salience.T)
    weight = salience_total * capability
    history = History()
    current = np.array(position, dtype=float)
    first_step = 0.0
    turn = 0
    while True:
        assessment = assess(capability, current, salience, settings)
        history.positions.append(current)
        history.risk.append(assessment.risk)
        history.probability.append(assessment.probability)
        history.distinct.append((assessment.representatives, assessment.distinct_probability))
        if history.stop_reason:
            return history
        target, p_win, gain = best_challenges(assessment, weight, salience_total, settings)
        bargains = propose_bargains(
            assessment,
            capability,
            current,
            salience,
            weight,
            salience_total,
            target,
            p_win,
            settings,
        )
        following, chosen, chosen_p = resolve_bargains(
            assessment, capability, current, salience, bargains, settings, rng
        )
        turn += 1
        history.target.append(target)
        history.win_probability.append(p_win)
        history.gain.append(gain)
        history.bargains.append(bargains)
        history.chosen.append(chosen)
        history.chosen_probability.append(chosen_p)
        moved = state_distance(following, current)
        if turn == 1:
            first_step = moved + settings.min_sig_delta
        ratio = moved / first_step
        history.fractional_change.append(ratio)
        if settings.max_turns <= turn:
            history.stop_reason = f"reached the maximum of {settings.max_turns} turns"
        elif settings.min_turns <= turn and ratio < settings.min_delta_ratio:
            history.stop_reason = (
                f"turn {turn} moved {ratio:.4f} of turn 1's distance (< {settings.min_delta_ratio})"
            )
        current = following
