"""Compiled kernel of the exchange model: candidates, the compiled loop, games, records.

The model is Stokman and Van Oosten's (1994) exchange model as decide-exchange-model
2025.3.1 computes it (``decide/model/base.py``, ``equalgain.py``, ``calculations.py``).
Positions are on 0-100 here, as decide normalises them; :mod:`tawazun.models.exchange`
converts to and from each issue's scale. :mod:`.candidates` builds a round's tables and
candidates, :mod:`.loop` realises them, :mod:`.game` plays whole games (a batch of them in
one call), all compiled with Numba; :mod:`.rounds` keeps the records of a game's
exchanges. This package's namespace gathers them all.
"""

from __future__ import annotations

from tawazun.models._exchange_kernel.candidates import (  # noqa: F401
    EPS,
    KIND_NAMES,
    KINDS,
    MIN_GAIN,
    MIN_MOVE,
    TIE,
    build_candidates,
    by_key,
    exchange_ratios,
    outcomes,
    start_tables,
    weighted_outcomes,
    weights,
)
from tawazun.models._exchange_kernel.game import (  # noqa: F401
    EXCHANGE_COLUMNS,
    Kept,
    fill_tree,
    fresh_candidates,
    next_start,
    play,
    play_game,
    settled,
    sides,
    unseen,
)
from tawazun.models._exchange_kernel.loop import (  # noqa: F401
    Side,
    at_least,
    best,
    crosses,
    evaluate,
    lift,
    max_tree,
    maximum_utility,
    move_is_valid,
    outcome_at,
    randomized_gain,
    remember_moves,
    see,
    shift_to,
    side_of,
    stop_at_partner,
    touched_by,
)
from tawazun.models._exchange_kernel.rounds import (  # noqa: F401
    Realized,
    RoundResult,
    records,
    simulate,
)
