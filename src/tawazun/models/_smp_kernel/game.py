"""One SMP game, turn by turn, compiled (``Model::run`` with ``smpStopFn``;
``SMPModel::stateDist`` measures how far a turn moved the actors).

:func:`play` runs the whole game in one compiled call (a game of 16 actors takes tens of
microseconds a turn, less than a call from Python into compiled code and back), keeping
every turn's record or only the last state; :func:`simulate` turns it into a
:class:`~tawazun.models._smp_kernel.settings.History`, the same doubles as
the NumPy transcription's ``oracles/smp_numpy/game.py``. The first game after
an install compiles the kernel (Numba, cached on disk): :func:`simulate` says so on
stderr before the wait.
"""

from __future__ import annotations

import logging
import math

import numpy as np

from tawazun.i18n import _
from tawazun.models import _compiling
from tawazun.models._smp_kernel.bargain import (
    DETERMINISTIC,
    bargain_utilities,
    propose_bargains,
    resolve_bargains,
)
from tawazun.models._smp_kernel.challenge import best_challenges
from tawazun.models._smp_kernel.election import codes, jit
from tawazun.models._smp_kernel.settings import History, Settings
from tawazun.models._smp_kernel.state import assess

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
def room(records: np.ndarray, used: int) -> np.ndarray:
    """``records`` with room for row ``used``: twice as many rows when full. The records of
    a game grow so, as its length is known only at its end."""
    if used < records.shape[0]:
        return records
    bigger = np.empty((2 * records.shape[0],) + records.shape[1:], records.dtype)
    bigger[: records.shape[0]] = records
    return bigger


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
        The settings' codes (:func:`~tawazun.models._smp_kernel.election.codes`).
    keep : bool
        Keep every turn's record; without it the state records hold only the last state
        and the step records none.

    Returns
    -------
    stop : int
        :data:`MAXIMUM` or :data:`SETTLED`.
    states : tuple of ndarray
        Per state (turns 0..T, or the last alone): positions ``(n, m)``, risk attitudes,
        probabilities, the distinct positions' representatives (padded with -1), their
        number, and their probabilities (padded with NaN).
    steps : tuple of ndarray
        Per turn (1..T; none without ``keep``): targets, win probabilities, gains, the
        bargains' initiators and receivers (padded with -1 to 2n), their number, the
        initiators' and receivers' new positions (padded with NaN), each actor's choice and
        its probability.
    changes : ndarray, shape (T,)
        The fractional change of every turn.
    """
    rule, victory, pce, r_range, r_adjust = options[:5]
    commit, interpolation, bargain_model, transitions = options[5:]
    n, m = position.shape
    salience_total = np.zeros(n)
    weight = np.empty(n)
    for i in range(n):
        for k in range(m):  # KTAB's order, dimension after dimension
            salience_total[i] += salience[i, k]
        weight[i] = salience_total[i] * capability[i]
    rows = 16 if keep else 1
    steps_kept = rows if keep else 0
    positions = np.empty((rows, n, m))
    risks = np.empty((rows, n))
    probabilities = np.empty((rows, n))
    representatives = np.full((rows, n), -1)
    distinct_counts = np.zeros(rows, dtype=np.int64)
    distincts = np.full((rows, n), np.nan)
    targets = np.empty((steps_kept, n), dtype=np.int64)
    wins = np.empty((steps_kept, n))
    gains = np.empty((steps_kept, n))
    initiators = np.full((steps_kept, 2 * n), -1)
    receivers = np.full((steps_kept, 2 * n), -1)
    offer_counts = np.zeros(steps_kept, dtype=np.int64)
    moved_is = np.full((steps_kept, 2 * n, m), np.nan)
    moved_js = np.full((steps_kept, 2 * n, m), np.nan)
    chosen = np.empty((steps_kept, n), dtype=np.int64)
    chosen_p = np.empty((steps_kept, n))
    changes = np.empty(16)
    current = position.copy()
    first_step = 0.0
    turn = 0
    stop = PLAYING
    while True:
        distance, risk, risk_estimate, own, probability, reps, distinct = assess(
            capability, current, salience, rule, victory, pce, r_range, r_adjust
        )
        if keep or stop != PLAYING:
            at = turn if keep else 0
            positions = room(positions, at)
            risks = room(risks, at)
            probabilities = room(probabilities, at)
            representatives = room(representatives, at)
            distinct_counts = room(distinct_counts, at)
            distincts = room(distincts, at)
            positions[at] = current
            risks[at] = risk
            probabilities[at] = probability
            representatives[at] = -1
            representatives[at, : reps.size] = reps
            distinct_counts[at] = reps.size
            distincts[at] = np.nan
            distincts[at, : reps.size] = distinct
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
        if keep:
            targets = room(targets, turn)
            wins = room(wins, turn)
            gains = room(gains, turn)
            initiators = room(initiators, turn)
            receivers = room(receivers, turn)
            offer_counts = room(offer_counts, turn)
            moved_is = room(moved_is, turn)
            moved_js = room(moved_js, turn)
            chosen = room(chosen, turn)
            chosen_p = room(chosen_p, turn)
            targets[turn] = target
            wins[turn] = p_win
            gains[turn] = gain
            initiators[turn] = -1
            receivers[turn] = -1
            moved_is[turn] = np.nan
            moved_js[turn] = np.nan
            initiators[turn, : initiator.size] = initiator
            receivers[turn, : receiver.size] = receiver
            offer_counts[turn] = initiator.size
            moved_is[turn, : initiator.size] = moved_i
            moved_js[turn, : initiator.size] = moved_j
            chosen[turn] = choice
            chosen_p[turn] = choice_p
        moved = state_distance(following, current)
        changes = room(changes, turn)
        turn += 1
        if turn == 1:
            first_step = moved + min_sig_delta
        ratio = moved / first_step
        changes[turn - 1] = ratio
        if max_turns <= turn:
            stop = MAXIMUM
        elif min_turns <= turn and ratio < min_delta_ratio:
            stop = SETTLED
        current = following
    states = turn + 1 if keep else 1
    steps = turn if keep else 0
    return (
        stop,
        (
            positions[:states],
            risks[:states],
            probabilities[:states],
            representatives[:states],
            distinct_counts[:states],
            distincts[:states],
        ),
        (
            targets[:steps],
            wins[:steps],
            gains[:steps],
            initiators[:steps],
            receivers[:steps],
            offer_counts[:steps],
            moved_is[:steps],
            moved_js[:steps],
            chosen[:steps],
            chosen_p[:steps],
        ),
        changes[:turn],
    )


def announce_compilation() -> None:
    """Say on stderr, before the wait, that a first run compiles the game."""
    _compiling.announce(
        logger,
        _(
            "tawazun: compiling the SMP model's kernel with Numba, once after an install "
            "or an upgrade (up to a minute)"
        ),
        play,
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
