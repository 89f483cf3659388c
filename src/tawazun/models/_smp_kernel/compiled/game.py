"""One SMP game, turn by turn, compiled (``Model::run`` with ``smpStopFn``;
``SMPModel::stateDist`` measures how far a turn moved the actors).

:func:`play` runs the whole game in one compiled call (a game of 16 actors takes tens of
microseconds a turn, less than a call from Python into compiled code and back), keeping
every turn's record or only the last state; :func:`simulate` turns it into a
:class:`~tawazun.models._smp_kernel.settings.History`, the same doubles as
:func:`tawazun.models._smp_kernel.game.simulate` on the NumPy kernel. The first game after
an install compiles the kernel (Numba, cached on disk): :func:`simulate` says so on
stderr before the wait.
"""

from __future__ import annotations

import logging
import math

import numpy as np
from numba.typed import List

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

#: Why :func:`play` stopped: still playing, the maximum of turns, a turn that moved little.
PLAYING, MAXIMUM, SETTLED = 0, 1, 2

#: Stands in for the generator of deterministic games, which draw nothing (the compiled
#: game takes one either way).
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


@jit
def stacked(rows, width: int, fill):  # noqa: ANN001, ANN201 (a typed list in, arrays out)
    """Rows of up to ``width`` entries (a typed list of 1-d arrays) as one array padded
    with ``fill``, and each row's length. The compiled game hands Python arrays: a typed
    list read from Python compiles the list's methods in every process."""
    out = np.full((len(rows), width), fill)
    lengths = np.zeros(len(rows), dtype=np.int64)
    for t in range(len(rows)):
        out[t, : rows[t].size] = rows[t]
        lengths[t] = rows[t].size
    return out, lengths


@jit
def stacked_points(rows, width: int, dimensions: int):  # noqa: ANN001, ANN201
    """:func:`stacked` for rows of points (2-d arrays of ``dimensions`` columns), NaN-padded."""
    out = np.full((len(rows), width, dimensions), np.nan)
    for t in range(len(rows)):
        out[t, : rows[t].shape[0]] = rows[t]
    return out


@jit
def play(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    options: np.ndarray,
    min_turns: int,
    max_turns: int,
    min_delta_ratio: float,
    min_sig_delta: float,
    rng: np.random.Generator,
    keep: bool,
) -> tuple:
    """Run one SMP game to KTAB's stopping rule (``Model::run`` with ``smpStopFn``).

    Each turn, every actor challenges its best target (``bestChallenge``), offers it a
    bargain (``doBCN``), and every actor moves to the most probable of the bargains open to
    it (``updateBestBrgnPositions``). The game stops after turn t when t reaches
    ``max_turns``, or when t >= ``min_turns`` and the distance moved in turn t is below
    ``min_delta_ratio`` times that of turn 1 (plus ``min_sig_delta``).

    Parameters
    ----------
    options : ndarray of int
        The settings' codes (:func:`~tawazun.models._smp_kernel.compiled.election.codes`).
    keep : bool
        Keep every turn's record; without it the state lists hold only the last state and
        the step lists stay empty.

    Returns
    -------
    stop : int
        :data:`MAXIMUM` or :data:`SETTLED`.
    states : tuple of ndarray
        Per state (turns 0..T, or the last alone): positions ``(n, m)``, risk attitudes,
        probabilities, the distinct positions' representatives (padded with -1), their
        number, and their probabilities.
    steps : tuple of ndarray
        Per turn (1..T, none without ``keep``): targets, win probabilities, gains, the
        bargains' initiators and receivers (padded with -1 to 2n), their number, the
        initiators' and receivers' new positions, each actor's choice and its probability.
    changes : ndarray, shape (T,)
        The fractional change of every turn.
    """
    rule, victory, pce, r_range, r_adjust = options[:5]
    commit, interpolation, bargain_model, transitions = options[5:]
    n, m = position.shape
    salience_total = np.zeros(n)
    for k in range(m):  # KTAB's order, dimension after dimension
        salience_total += salience[:, k]
    weight = salience_total * capability
    positions = List()
    risks = List()
    probabilities = List()
    representatives = List()
    distincts = List()
    targets = List()
    wins = List()
    gains = List()
    chosen = List()
    chosen_p = List()
    initiators = List()
    receivers = List()
    moved_is = List()
    moved_js = List()
    changes = List()
    current = position.copy()
    first_step = 0.0
    turn = 0
    stop = PLAYING
    while True:
        distance, risk, risk_estimate, own, probability, reps, distinct = assess(
            capability, current, salience, rule, victory, pce, r_range, r_adjust
        )
        if keep or stop != PLAYING:
            positions.append(current)
            risks.append(risk)
            probabilities.append(probability)
            representatives.append(reps)
            distincts.append(distinct)
        if stop != PLAYING:
            break
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
        following, choice, choice_p = resolve_bargains(
            capability, current, status_quo, offers, initiator, receiver, moved_i, moved_j,
            rule, victory, pce, transitions, rng,
        )  # fmt: skip
        turn += 1
        moved = state_distance(following, current)
        if turn == 1:
            first_step = moved + min_sig_delta
        ratio = moved / first_step
        changes.append(ratio)
        if keep:
            targets.append(target)
            wins.append(p_win)
            gains.append(gain)
            initiators.append(initiator)
            receivers.append(receiver)
            moved_is.append(moved_i)
            moved_js.append(moved_j)
            chosen.append(choice)
            chosen_p.append(choice_p)
        if max_turns <= turn:
            stop = MAXIMUM
        elif min_turns <= turn and ratio < min_delta_ratio:
            stop = SETTLED
        current = following
    states = (
        stacked_points(positions, n, m),
        stacked(risks, n, np.nan)[0],
        stacked(probabilities, n, np.nan)[0],
        *stacked(representatives, n, -1),
        stacked(distincts, n, np.nan)[0],
    )
    offered, counts = stacked(initiators, 2 * n, -1)
    steps = (
        stacked(targets, n, -1)[0],
        stacked(wins, n, np.nan)[0],
        stacked(gains, n, np.nan)[0],
        offered,
        stacked(receivers, 2 * n, -1)[0],
        counts,
        stacked_points(moved_is, 2 * n, m),
        stacked_points(moved_js, 2 * n, m),
        stacked(chosen, n, -1)[0],
        stacked(chosen_p, n, np.nan)[0],
    )
    fractional_change = np.empty(len(changes))
    for t in range(len(changes)):
        fractional_change[t] = changes[t]
    return stop, states, steps, fractional_change


def compiled_is_cached() -> bool:
    """Whether the game is compiled in this process or in Numba's cache on disk for this
    version of the source (``FunctionCache._cache_file._load_index``, which discards an
    index older than the source; a Numba without it counts as not cached)."""
    if play.signatures:
        return True
    try:
        return bool(play._cache._cache_file._load_index())
    except (AttributeError, OSError):
        return False


def announce_compilation() -> None:
    """Say on stderr (logging's last-resort handler by default) that a wait is coming."""
    if not compiled_is_cached():
        logger.warning(
            "tawazun: compiling the SMP model's kernel with Numba; this happens once after "
            "an install and takes about half a minute"
        )


def simulate(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    settings: Settings,
    rng: np.random.Generator | None = None,
    *,
    keep: bool = True,
) -> History:
    """Run one SMP game to KTAB's stopping rule on the compiled kernel (see :func:`play`).

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
    keep : bool
        Keep every turn; without it the history holds the last state and the fractional
        changes only (what a forecast needs).
    """
    options = np.array(codes(settings))
    if options[-1] != DETERMINISTIC and rng is None:
        raise ValueError("stochastic state transitions need a random generator")
    announce_compilation()
    stop, states, steps, changes = play(
        np.ascontiguousarray(capability, dtype=float),
        np.ascontiguousarray(position, dtype=float),
        np.ascontiguousarray(salience, dtype=float),
        options,
        settings.min_turns,
        settings.max_turns,
        float(settings.min_delta_ratio),
        float(settings.min_sig_delta),
        rng if rng is not None else _NO_DRAWS,
        keep,
    )
    positions, risks, probabilities, representatives, distinct_counts, distincts = states
    targets, wins, gains, initiators, receivers, counts, moved_is, moved_js, chosen, chosen_p = (
        steps
    )
    history = History(
        positions=list(positions),
        risk=list(risks),
        probability=list(probabilities),
        distinct=[
            (reps[:size], p[:size])
            for reps, p, size in zip(representatives, distincts, distinct_counts, strict=True)
        ],
        target=list(targets),
        win_probability=list(wins),
        gain=list(gains),
        bargains=[
            [(int(a[x]), int(b[x]), pa[x], pb[x]) for x in range(size)]
            for a, b, pa, pb, size in zip(
                initiators, receivers, moved_is, moved_js, counts, strict=True
            )
        ],
        chosen=list(chosen),
        chosen_probability=list(chosen_p),
        fractional_change=changes.tolist(),
    )
    turns = len(changes)
    if stop == MAXIMUM:
        history.stop_reason = f"reached the maximum of {settings.max_turns} turns"
    else:
        history.stop_reason = (
            f"turn {turns} moved {changes[-1]:.4f} of turn 1's distance "
            f"(< {settings.min_delta_ratio})"
        )
    return history
