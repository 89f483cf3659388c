"""One SMP game, turn by turn, on the compiled kernel (``Model::run`` with ``smpStopFn``).

The turn's arithmetic runs in the compiled functions of :mod:`.state`, :mod:`.challenge`
and :mod:`.bargain`; this loop applies KTAB's stopping rule and keeps the record, as
:func:`tawazun.models._smp_kernel.game.simulate` does on the NumPy kernel, with the same
doubles. The first game after an install compiles the kernel (Numba, cached on disk):
:func:`simulate` says so on stderr before the wait.
"""

from __future__ import annotations

import logging
import math

import numpy as np

from tawazun.models._smp_kernel.compiled.bargain import (
    DETERMINISTIC,
    bargain_utilities,
    propose_bargains,
    resolve_bargains,
)
from tawazun.models._smp_kernel.compiled.challenge import best_challenges
from tawazun.models._smp_kernel.compiled.election import codes, jit
from tawazun.models._smp_kernel.compiled.state import assess
from tawazun.models._smp_kernel.settings import History, Settings

logger = logging.getLogger(__name__)

#: The compiled entry points: what a cold start compiles.
ENTRY_POINTS = (assess, best_challenges, propose_bargains, bargain_utilities, resolve_bargains)

#: Stands in for the generator of deterministic games, which draw nothing (the compiled
#: functions take one either way).
_NO_DRAWS = np.random.default_rng(0)


@jit
def state_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Sum over actors of the Euclidean distance moved (``SMPModel::stateDist``)."""
    total = 0.0
    for i in range(a.shape[0]):
        squares = 0.0
        for k in range(a.shape[1]):
            gap = a[i, k] - b[i, k]
            squares += gap * gap
        total += math.sqrt(squares)
    return total


def compiled_is_cached() -> bool:
    """Whether every entry point is compiled in this process or in Numba's cache on disk
    for this version of the source (``FunctionCache._cache_file._load_index``, which
    discards an index older than the source; a Numba without it counts as not cached)."""
    try:
        return all(f.signatures or f._cache._cache_file._load_index() for f in ENTRY_POINTS)
    except (AttributeError, OSError):
        return False


def announce_compilation() -> None:
    """Say on stderr (logging's last-resort handler by default) that a wait is coming."""
    if not compiled_is_cached():
        logger.warning(
            "tawazun: compiling the SMP model's kernel with Numba; this happens once after "
            "an install and takes about a minute"
        )


def simulate(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    settings: Settings,
    rng: np.random.Generator | None = None,
) -> History:
    """Run one SMP game to KTAB's stopping rule, on the compiled kernel.

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
    rng : numpy.random.Generator, optional
        Needed for stochastic transitions.
    """
    rule, victory, pce, r_range, r_adjust, commit, interpolation, bargain_model, transitions = (
        codes(settings)
    )
    if transitions != DETERMINISTIC and rng is None:
        raise ValueError("stochastic state transitions need a random generator")
    announce_compilation()
    capability = np.ascontiguousarray(capability, dtype=float)
    salience = np.ascontiguousarray(salience, dtype=float)
    current = np.array(position, dtype=float)
    salience_total = np.zeros(capability.size)
    for k in range(salience.shape[1]):  # KTAB's order, dimension after dimension
        salience_total += salience[:, k]
    weight = salience_total * capability
    draws = rng if rng is not None else _NO_DRAWS
    history = History()
    first_step = 0.0
    turn = 0
    while True:
        distance, risk, risk_estimate, own, probability, reps, distinct = assess(
            capability, current, salience, rule, victory, pce, r_range, r_adjust
        )
        history.positions.append(current)
        history.risk.append(risk)
        history.probability.append(probability)
        history.distinct.append((reps, distinct))
        if history.stop_reason:
            return history
        target, p_win, gain = best_challenges(
            distance, risk_estimate, weight, salience_total, rule, commit
        )
        initiator, receiver, moved_i, moved_j = propose_bargains(
            distance, risk_estimate, capability, current, salience, weight, salience_total,
            target, p_win, rule, commit, interpolation, bargain_model,
        )  # fmt: skip
        status_quo, offers = bargain_utilities(
            own, risk, current, salience, initiator, receiver, moved_i, moved_j
        )
        following, chosen, chosen_p = resolve_bargains(
            capability, current, status_quo, offers, initiator, receiver, moved_i, moved_j,
            rule, victory, pce, transitions, draws,
        )  # fmt: skip
        turn += 1
        history.target.append(target)
        history.win_probability.append(p_win)
        history.gain.append(gain)
        history.bargains.append(
            [
                (int(a), int(b), pa, pb)
                for a, b, pa, pb in zip(initiator, receiver, moved_i, moved_j, strict=True)
            ]
        )
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
