"""Whole games of the exchange model, compiled: a game in one call.

Stokman and Van Oosten (1994) as decide-exchange-model 2025.3.1 runs them
(``ModelLoop.loop`` round after round): a round finds the candidate exchanges at its start
positions (:mod:`.candidates`, :func:`sides`), realises them best first (the steps of
:mod:`.loop`), and gives the votes and, through
``calculations.new_start_position`` (:func:`next_start`), where the next round starts.
:func:`play_game` plays a game in one call and keeps every round's state if asked
(:class:`Kept`), from which :mod:`.rounds` builds the records of the exchanges; :func:`play`
plays a batch of variants, a game each.

decide keeps one object per candidate exchange with its own copy of the positions it has
seen move. Every candidate alive when an exchange is realised receives the same news, so
that state is held once per round instead: where each actor stands on each issue in the
round so far (decide's supply positions), and, per demander of an issue, where it saw each
partner move to (decide's ``exchange.updates``), kept as the change of the partner's
weighted position with its sum over partners (:func:`.loop.see`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from tawazun.i18n import _
from tawazun.models import _compiling
from tawazun.models._exchange_kernel.candidates import (
    _internal,
    _jit,
    build_candidates,
    by_key,
    exchange_ratios,
    start_tables,
    weighted_outcomes,
    weights,
)
from tawazun.models._exchange_kernel.loop import (
    best,
    evaluate,
    lift,
    max_tree,
    remember_moves,
    see,
    touched_by,
)

logger = logging.getLogger(__name__)


#: The columns of a kept game's exchanges (:attr:`Kept.exchanges`), one row per realised
#: exchange: its round (from 0), its candidate's index in the round's canonical order, the
#: candidate (``i``, ``j``, issues ``p < q``, kind: :func:`.build_candidates`' row), the
#: positions ``i`` and ``j`` moved from, the gain, and each side's last (move, vote, gain,
#: outcome before, outcome after).
EXCHANGE_COLUMNS = (
    "round",
    "index",
    "i",
    "j",
    "p",
    "q",
    "kind",
    "from_i",
    "from_j",
    "gain",
) + tuple(f"{field}_{side}" for side in "ij" for field in ("move", "to", "gain", "before", "after"))


class Kept(NamedTuple):
    """Every round of a game, kept (positions on 0-100, NaN where absent): ``rounds`` were
    played; per round, where it began, the votes, where the next one starts, its start
    outcomes and each actor's side of them (:func:`.start_tables`); and the realised
    exchanges, one row each (:data:`EXCHANGE_COLUMNS`)."""

    rounds: int
    start: np.ndarray
    voting: np.ndarray
    following: np.ndarray
    start_outcome: np.ndarray
    left: np.ndarray
    exchanges: np.ndarray


@_internal
def sides(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per candidate row ``(i, j, p, q, kind)`` and side (0: ``i``, 1: ``j``): the actor,
    the issue it supplies (``i`` supplies ``q``) and the issue it demands."""
    count = len(rows)
    actor = np.empty((count, 2), dtype=np.intp)
    supply, demand = np.empty_like(actor), np.empty_like(actor)
    for c in range(count):
        actor[c, 0], actor[c, 1] = rows[c, 0], rows[c, 1]
        supply[c, 0], supply[c, 1] = rows[c, 3], rows[c, 2]
        demand[c, 0], demand[c, 1] = rows[c, 2], rows[c, 3]
    return actor, supply, demand


@_internal
def keep_into(kept: np.ndarray, r: int, values: np.ndarray) -> None:
    """Copy a round's ``values`` (any shape) into ``kept[r]``."""
    flat, into = values.ravel(), kept[r].ravel()
    for e in range(len(flat)):
        into[e] = flat[e]


@_internal
def logged(
    log: np.ndarray,
    used: int,
    r: int,
    rows: np.ndarray,
    realized: np.ndarray,
    moved_from: np.ndarray,
    state: np.ndarray,
    gain: np.ndarray,
) -> np.ndarray:
    """``log`` with round ``r``'s realised exchanges (of the candidate ``rows``) written as
    rows from row ``used`` on (:data:`EXCHANGE_COLUMNS`), in a larger copy if they do not
    fit."""
    if used + len(realized) > len(log):
        larger = np.empty((2 * (used + len(realized)), log.shape[1]))
        for e in range(used):
            for col in range(log.shape[1]):
                larger[e, col] = log[e, col]
        log = larger
    for e in range(len(realized)):
        c = realized[e]
        row = log[used + e]
        row[0], row[1] = r, c
        for col in range(5):
            row[2 + col] = rows[c, col]
        row[7], row[8], row[9] = moved_from[e, 0], moved_from[e, 1], gain[c]
        for side in range(2):
            for field in range(5):
                row[10 + 5 * side + field] = state[c, side, field]
    return log


@_internal
def next_start(
    start: np.ndarray,
    voting: np.ndarray,
    moved: np.ndarray,
    salience: np.ndarray,
    salience_weight: float,
    fixed_weight: float,
) -> np.ndarray:
    r"""Where each actor starts the next round (``calculations.new_start_position``).

    An actor that traded on an issue moves from where the round began toward its vote,

    .. math:: x' = \big((1-s)\,w_s + w_f\big)\,y + \big(1 - (1-s)\,w_s - w_f\big)\,x

    with ``x`` the position the round began from, ``y`` the voting position and ``s`` the
    actor's salience of the issue: the less it cares, the further it follows its vote.
    The others stay.
    """
    out = start.copy()
    n, m = start.shape
    for a in range(n):
        for k in range(m):
            if moved[a, k]:
                pulled = (1 - salience[a, k]) * salience_weight
                out[a, k] = (
                    pulled * voting[a, k]
                    + fixed_weight * voting[a, k]
                    + (1 - pulled - fixed_weight) * start[a, k]
                )
    return out


@_internal
def votes(current: np.ndarray, present: np.ndarray) -> np.ndarray:
    """The votes: where the round's exchanges left the actors, NaN where absent."""
    out = current.copy()
    n, m = current.shape
    for a in range(n):
        for k in range(m):
            if not present[a, k]:
                out[a, k] = np.nan
    return out


@_internal
def settled(outcome: np.ndarray, previous: np.ndarray, tolerance: float) -> bool:
    """Whether no outcome moved more than ``tolerance`` since the round before (never with
    a NaN outcome, nor with a tolerance of -inf)."""
    for k in range(len(outcome)):  # noqa: SIM110 (Numba compiles no generator here)
        if not abs(outcome[k] - previous[k]) <= tolerance:
            return False
    return True


@_internal
def unseen(n: int, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What each demander of each issue has seen each actor move to, before any exchange:
    (total, shift, has, value) of :func:`.loop.see`."""
    return (
        np.zeros((n, m)),
        np.zeros((n, m, n)),
        np.zeros((n, m, n), dtype=np.bool_),
        np.zeros((n, m, n)),
    )


@_internal
def fresh_candidates(count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per candidate, before any exchange: ``history`` (minimum, maximum, sum of each
    side's earlier moves: none yet), ``state`` (each side's move, vote, gain, outcome
    before and after), ``gain``, and the max-tree of the gains (:func:`.loop.max_tree`)."""
    history = np.zeros((count, 2, 3))
    for c in range(count):
        for s in range(2):
            history[c, s, 0], history[c, s, 1] = np.inf, -np.inf
    return history, np.zeros((count, 2, 5)), np.zeros(count), max_tree(count)


@_internal
def fill_tree(tree: np.ndarray) -> None:
    """Each inner node of the max-tree ``tree`` the maximum of its two children, from the
    leaves up."""
    for node in range(len(tree) // 2 - 1, 0, -1):
        tree[node] = max(tree[2 * node], tree[2 * node + 1])


@_jit
def play_game(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    present: np.ndarray,
    rng: np.random.Generator,
    rounds: int,
    spread: float,
    random_ties: bool,
    salience_weight: float,
    fixed_weight: float,
    tolerance: float,
    keep: bool,
) -> tuple[np.ndarray, tuple]:
    """One game of the exchange model (Stokman and Van Oosten 1994), round after round.

    Each round is decide's ``ModelLoop.loop``: compute every candidate exchange
    (:func:`.loop.evaluate`: the equal-gain moves, or the randomized split of Dijkstra et
    al. 2018 drawn with ``spread``), then realise the one of highest gain
    (:func:`.loop.best`) and recompute those it affects (``AbstractExchange.recalculate``:
    :func:`.loop.touched_by`, :func:`.loop.remember_moves`, :func:`.loop.see`) until none
    is left. Actors vote where their exchanges took them; those that traded start the next
    round part of the way there (:func:`next_start`).

    Parameters
    ----------
    position : ndarray, shape (n, m)
        Start positions on 0-100, NaN where an actor is absent.
    salience : ndarray, shape (n, m)
    capability : ndarray, shape (n,)
    present : ndarray of bool, shape (n, m)
    rng : numpy.random.Generator
        The game's draws (the randomized split, and ties with ``random_ties``).
    rounds : int
    spread : float
        The randomized variant's p (0: equal gain).
    random_ties : bool
        Break equal gains with ``rng`` instead of by canonical order.
    salience_weight, fixed_weight : float
        decide's weights of the next start position (:func:`next_start`).
    tolerance : float
        Stop once no outcome moved more than this since the round before
        (:func:`settled`; -inf: never).
    keep : bool
        Keep every round (positions and realised exchanges).

    Returns
    -------
    voting : ndarray, shape (n, m)
        The last round's votes (NaN where absent).
    kept : tuple
        The fields of a :class:`Kept` of the rounds played (empty without ``keep``).

    Notes
    -----
    The rounds and the exchanges of a round are this one function's loops, not compiled
    functions of their own: Numba optimises each compiled function again with all the
    functions it calls, so each level around the one that evaluates candidates would add
    seconds to the compilation of the first run after an install.
    """
    n, m = present.shape
    length = rounds if keep else 0
    kept_start, kept_voting, kept_following = (
        np.empty((length, n, m)),
        np.empty((length, n, m)),
        np.empty((length, n, m)),
    )
    kept_outcome, kept_left = np.empty((length, m)), np.empty((length, n, m), dtype=np.bool_)
    log, used, played = np.empty((0, len(EXCHANGE_COLUMNS))), 0, 0
    x, s = position, salience
    w = weights(s, capability, present)
    previous = weighted_outcomes(x, w)
    voting = x
    for r in range(rounds):
        start_outcome, left, tables = start_tables(x, s, w, present)
        rows = build_candidates(s, w, left)
        count = len(rows)
        actor, supply, demand = sides(rows)
        by_supply, by_demand = by_key(actor, supply, n, m), by_key(actor, demand, n, m)
        history, state, gain, tree = fresh_candidates(count)
        score = tree[len(tree) // 2 :][:count]
        candidates = (actor, supply, exchange_ratios(s, actor, supply), history, tables)
        current, moved, seen = tables[0].copy(), np.zeros((n, m), dtype=np.bool_), unseen(n, m)
        for c in range(count):
            evaluate(c, candidates, current, seen[:3], state, gain, score, rng, spread)
        fill_tree(tree)
        realized, moved_from = np.empty(count, dtype=np.intp), np.empty((count, 2))
        mark, touched = np.full(count, -1, dtype=np.intp), np.empty(count, dtype=np.intp)
        done = 0
        while True:
            k = best(tree, rng, random_ties)
            if k < 0:
                break
            a_i, a_j, q, p = actor[k, 0], actor[k, 1], supply[k, 0], supply[k, 1]
            realized[done] = k
            moved_from[done, 0], moved_from[done, 1] = current[a_i, q], current[a_j, p]
            score[k] = -np.inf
            lift(tree, k)
            batch = touched_by(
                k, actor, supply, m, by_supply, by_demand, score, mark, touched, done
            )
            remember_moves(batch, k, actor, supply, state, history)
            y_i, y_j = state[k, 0, 1], state[k, 1, 1]
            current[a_i, q], current[a_j, p] = y_i, y_j
            moved[a_i, q] = moved[a_j, p] = True
            see(seen, tables[0], w, a_j, q, a_i, y_i)
            see(seen, tables[0], w, a_i, p, a_j, y_j)
            for c in batch:
                evaluate(c, candidates, current, seen[:3], state, gain, score, rng, spread)
                lift(tree, c)
            done += 1
        voting = votes(current, present)
        following = next_start(x, voting, moved, s, salience_weight, fixed_weight)
        if keep:
            keep_into(kept_start, r, x)
            keep_into(kept_voting, r, voting)
            keep_into(kept_following, r, following)
            keep_into(kept_outcome, r, start_outcome)
            keep_into(kept_left, r, left)
            log = logged(log, used, r, rows, realized[:done], moved_from, state, gain)
            used, played = used + done, r + 1
        x = following
        outcome = weighted_outcomes(voting, w)
        if settled(outcome, previous, tolerance):
            break
        previous = outcome
    kept = (played, kept_start, kept_voting, kept_following, kept_outcome, kept_left)
    return voting, kept + (log[:used],)


def announce_compiling(entry: Any) -> None:
    """Say on stderr, before the wait, that ``entry`` compiles (once after an install)."""
    _compiling.announce(
        logger,
        _(
            "tawazun: compiling the exchange model's kernel with Numba, once after an "
            "install or an upgrade (up to half a minute)"
        ),
        entry,
    )


def kernel_input(
    position: np.ndarray, salience: np.ndarray, capability: np.ndarray, present: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The arrays as the compiled kernel takes them: C-ordered doubles and booleans, NaN
    positions where absent (another layout or type would compile another kernel)."""
    present = np.ascontiguousarray(present, dtype=bool)
    position = np.ascontiguousarray(np.where(present, position, np.nan), dtype=float)
    salience = np.ascontiguousarray(salience, dtype=float)
    capability = np.ascontiguousarray(capability, dtype=float)
    return position, salience, capability, present


def play(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    present: np.ndarray,
    seeds: Sequence[int | None],
    *,
    rounds: int,
    p: float,
    salience_weight: float,
    fixed_weight: float,
    tolerance: float | None,
    keep: bool,
) -> tuple[np.ndarray, list[Kept]]:
    """:func:`play_game` on each variant of a batch, positions on 0-100.

    Parameters
    ----------
    position, salience : ndarray, shape (b, n, m)
        The variants (positions on 0-100; NaN or anything where absent).
    capability : ndarray, shape (b, n)
    present : ndarray of bool, shape (n, m)
        Who sits at which table, in every variant.
    seeds : sequence of int or None, length b
        Variant ``v`` draws from ``default_rng(seeds[v])``; with seeds (not None) ties are
        broken at random.
    rounds, p, salience_weight, fixed_weight, tolerance
        The model's parameters (:func:`tawazun.models.exchange.run`); a tolerance of None
        never stops early.
    keep : bool
        Keep every game's rounds.

    Returns
    -------
    votes : ndarray, shape (b, n, m)
        Each game's last votes.
    kept : list of Kept
        Each game's rounds with ``keep``, else empty.

    Notes
    -----
    One compiled call per game: a game's generator is an argument of its own, and the
    typed list that would carry a batch of generators into one call costs about a second
    and a half of compilation in every process that makes one (Numba caches none of it).
    """
    if len(position):
        announce_compiling(play_game)
    position, salience, capability, present = kernel_input(position, salience, capability, present)
    parameters = (
        int(rounds), float(p), bool(len(seeds)) and seeds[0] is not None,
        float(salience_weight), float(fixed_weight),
        -np.inf if tolerance is None else float(tolerance), bool(keep),
    )  # fmt: skip
    out, kept = np.empty(position.shape), []
    for v, seed in enumerate(seeds):
        out[v], rounds_kept = play_game(
            position[v], salience[v], capability[v], present, np.random.default_rng(seed),
            *parameters,
        )  # fmt: skip
        if keep:
            kept.append(Kept(*rounds_kept))
    return out, kept
