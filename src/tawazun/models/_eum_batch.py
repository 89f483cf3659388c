"""The expected utility model's rounds for a batch of variants of one small table at once.

The same quantities as :mod:`tawazun.models._eum_kernel` (Scholz, Calbert and Smith 2011;
``bdm_scholz_model.py`` of the public replication), with a leading batch axis ``B`` on
every array: positions ``x`` (B, n), weights ``w`` (B, n), saliences ``s`` (B, n), widths
(B,). Votes are summed directly over every (voter, position, position), with the actors'
own positions as the points voted on (equal positions give equal votes, so nothing is
lost by not merging them first), in compiled loops over the variants
(:mod:`tawazun.models._eum_compiled`); the powers :math:`d^r` are NumPy's, taken here.
Each variant's numbers come from its own rows alone, in the same order whatever ``B`` is,
so a variant gives the same doubles alone (``B = 1``, what :func:`tawazun.models.eum.run`
uses) as in a batch, and the same as NumPy's vectorised route (``oracles/eum_numpy.py``).

This route serves tables of up to :data:`MOST_ACTORS` actors with risk compared across
actors (both variants' default up to ``risk``); larger tables and risk across positions
take the kernel's one-variant route.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from tawazun.models import _eum_compiled
from tawazun.models._eum_kernel import DENSE_TERMS, Offers, Rules

#: Tables up to this size sum votes directly (n^3 terms within the kernel's DENSE_TERMS).
MOST_ACTORS = round(DENSE_TERMS ** (1 / 3))
#: Variants played together: a round's arrays (B, n, n) then stay within the processor's
#: caches (B = 128, n = 16: 256 KB each). The doubles do not depend on it.
CHUNK = 128


#: Threads playing chunks at once, one a core: the compiled loops and NumPy's powers release
#: the GIL, so on this 2-core machine, shared, two threads took 1.35x less wall time than
#: one (flagship, 10000 runs, load 4-5).
THREADS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def over_chunks(play: Callable[[slice], np.ndarray], batch: int) -> np.ndarray:
    """``play`` on every chunk of :data:`CHUNK` variants of a batch of ``batch``, the results
    concatenated in order, on up to :data:`THREADS` threads. A chunk's numbers are its own
    rows' alone, so where it runs changes no double."""
    parts = [slice(start, start + CHUNK) for start in range(0, batch, CHUNK)]
    if len(parts) <= 1 or THREADS <= 1:
        return np.concatenate([play(part) for part in parts]) if parts else np.empty(0)
    with ThreadPoolExecutor(min(THREADS, len(parts)), thread_name_prefix="tawazun-eum") as pool:
        return np.concatenate(list(pool.map(play, parts)))


def applies(n: int, rules: Rules) -> bool:
    """Whether a table of ``n`` actors under ``rules`` takes this route."""
    return n <= MOST_ACTORS and rules.risk == "across_actors"


def medians(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The median of every variant and which positions tie for it, (B,) and (B, n)
    (:func:`tawazun.models._eum_compiled.medians`)."""
    return _eum_compiled.medians(x, w)


@dataclass(frozen=True)
class Workspace:
    """The arrays of a batch's round, filled again every round: allocated once, since
    fresh arrays of this size cost the processor more in page faults than the
    arithmetic they hold."""

    distance: np.ndarray  # (B, n, n)
    bases: np.ndarray  # (B, 2 or 6, n, n)
    exponent: np.ndarray  # (B, n, n): r[b, i] along row i
    loss: np.ndarray  # (B, n, n)
    powers: np.ndarray  # like bases
    offers: tuple[np.ndarray, ...]  # kind, eu_ij, eu_ji, position: (B, n, n) each

    @classmethod
    def of(cls, batch: int, n: int, rules: Rules) -> Workspace:
        square = (batch, n, n)
        bases = np.empty((batch, 2 if rules.q == 1.0 else 6, n, n))
        offers = (np.empty(square, dtype=np.int64), *(np.empty(square) for _ in range(3)))
        empty = (np.empty(square) for _ in range(3))
        return cls(next(empty), bases, next(empty), next(empty), np.empty_like(bases), offers)


def step(
    x: np.ndarray,
    w: np.ndarray,
    s: np.ndarray,
    width: np.ndarray,
    median: np.ndarray,
    rules: Rules,
    space: Workspace,
) -> tuple[np.ndarray, np.ndarray, Offers]:
    r"""One round for every variant: the positions after it, the risk exponents and offers
    (the offers' arrays are ``space``'s, filled again by the next round).

    The compiled loops (:mod:`._eum_compiled`) set the risk exponents, then the offers;
    between the two NumPy takes every power they need: the voters' losses
    :math:`d_{ki}^{r_k}` (eq. 1), :math:`(0.5 \mp 0.5 d_{ik})^{r_i}` (eq. 5-6),
    :math:`0.5^{r_i}` (eq. 7) and, for Q < 1, the powers of eq. 8-9. Variants of width 0
    (every actor at one position) do not move.
    """
    safe = np.where(width > 0, width, 1.0)
    all_votes = rules.probability == "all_votes"
    r = _eum_compiled.risk_round(
        x, w, s, safe, median, (all_votes, rules.q, rules.t), space.distance, space.bases
    )
    np.copyto(space.exponent, r[:, :, None])
    np.power(space.distance, space.exponent, out=space.loss)
    np.power(space.bases, space.exponent[:, None], out=space.powers)
    half = np.full_like(r, 0.5) ** r
    flags = (all_votes, rules.q, rules.t, rules.capitulation == "paper")
    flags += (rules.compromise == "least_move",)
    chosen, after = _eum_compiled.offer_round(
        x, w, s, space.loss, space.powers, half, flags, space.offers, width > 0
    )
    return after, r, Offers(*space.offers, chosen)
