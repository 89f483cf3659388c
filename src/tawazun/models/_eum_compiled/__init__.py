"""Compiled loops of the expected utility model (Numba), one variant of a table at a time.

The quantities of Scholz, Calbert and Smith (2011) that :mod:`tawazun.models._eum_batch`
and :mod:`tawazun.models._eum_kernel` need in loops: the votes and the probability of
success (eq. 1-3), the expected utilities of a challenge (eq. 4-9), the danger and the
risk exponent (eq. 10-11), the offers and the one accepted (section 2.4), the median.

Two rules keep the doubles those of NumPy's vectorised route (``oracles/eum_numpy.py``):

- no power is taken here. The callers take every :math:`d^r` with NumPy, whose power on
  processors with AVX-512 is a vectorised one that differs from the C library's ``pow``
  (what Numba calls) in the last bit for about one value in twenty; powers of exponent 1
  are not taken at all (NumPy's ``x ** 1.0`` is ``x``).
- every sum runs in NumPy's order: along a contiguous axis NumPy sums pairwise
  (:func:`pairwise_sum`), along any other axis one term after another.

The modules, by what they compute: :mod:`.sums` (NumPy's order of summation),
:mod:`.pairs` (one variant's quantities, pair by pair), :mod:`.large` (the sorted routes of
large tables) and :mod:`.rounds` (a round of every variant of a small table).

Compiled at first use and kept in Numba's cache (``cache=True``);
:func:`tawazun.models._compiling.is_ready` says whether a first run will have to compile.
"""

from __future__ import annotations

from tawazun.models._eum_compiled.large import by_actor, point_spreads, sorted_votes
from tawazun.models._eum_compiled.pairs import (
    CAPITULATE,
    COMPROMISE,
    CONFRONT,
    NONE,
    challenge_utilities,
    choose_offers,
    dangers,
    dense_probability,
    expected_utility,
    medians,
    risk_from_danger,
    status_quo_term,
)
from tawazun.models._eum_compiled.rounds import offer_round, risk_round
from tawazun.models._eum_compiled.sums import PAIRWISE_BLOCK, block_sum, halves, pairwise_sum

__all__ = [
    "BATCHED",
    "CAPITULATE",
    "COMPROMISE",
    "CONFRONT",
    "NONE",
    "ONE_VARIANT",
    "PAIRWISE_BLOCK",
    "block_sum",
    "by_actor",
    "challenge_utilities",
    "choose_offers",
    "dangers",
    "dense_probability",
    "expected_utility",
    "halves",
    "medians",
    "offer_round",
    "pairwise_sum",
    "point_spreads",
    "risk_from_danger",
    "risk_round",
    "sorted_votes",
    "status_quo_term",
]

#: What each route calls from Python: :mod:`._eum_batch`'s rounds of small tables, and
#: :mod:`._eum_kernel`'s one-variant route of large ones.
BATCHED = (medians, risk_round, offer_round)
ONE_VARIANT = (sorted_votes, point_spreads, by_actor, dangers, challenge_utilities, choose_offers)
