"""Documented limits on sizes, checked before any work starts.

A small file or a flag must not make tawazun hang or exhaust memory: a billion Monte Carlo
runs, a grid of 1e23 steps, a 10,000-actor scenario given to a model that compares every
pair of actors. Each such size has a limit here, checked by the command line (and by the
readers, for files) before work starts, with a message naming the option and the limit.

A user who needs more raises a limit with an environment variable named after it,
``TAWAZUN_MAX_<NAME>``, for example ``TAWAZUN_MAX_RUNS=5000000 tawazun simulate ...``.
``docs/format.md`` lists the limits and their defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from tawazun.errors import InvalidArgument
from tawazun.i18n import _

__all__ = ["LIMITS", "Limit", "check", "check_model_size", "value"]


@dataclass(frozen=True)
class Limit:
    """One limit: its name (``TAWAZUN_MAX_<NAME>`` raises it), default, and what it bounds."""

    name: str
    default: int
    what: str

    @property
    def variable(self) -> str:
        return f"TAWAZUN_MAX_{self.name.upper()}"


LIMITS: dict[str, Limit] = {
    limit.name: limit
    for limit in (
        Limit("file_bytes", 64 * 1024 * 1024, "bytes in one input file"),
        Limit("workbook_bytes", 64 * 1024 * 1024, "uncompressed bytes in an Excel workbook"),
        Limit("sheet_rows", 200_000, "rows in one sheet of an Excel workbook"),
        Limit("sheet_columns", 200, "columns in one sheet of an Excel workbook"),
        Limit("depth", 64, "levels of nesting in a YAML or JSON file"),
        Limit("actors", 100_000, "actors in one scenario"),
        Limit("issues", 10_000, "issues in one scenario"),
        Limit("pairs", 4_000_000, "actor pairs times issues for models comparing every pair"),
        Limit(
            "triples",
            10_000_000,
            "actor triples times issues for models weighing every pair against a third actor",
        ),
        Limit("runs", 1_000_000, "Monte Carlo runs (simulate --runs)"),
        Limit("workers", 256, "local Dask worker processes (simulate --workers)"),
        Limit("rounds", 10_000, "rounds of an iterative model (-p rounds=, -p max_turns=)"),
        Limit("grid", 10_000, "grid steps per search (whatif --grid)"),
        Limit("draws", 1_000_000, "bootstrap draws (backtest --draws)"),
        Limit("folds", 1_000, "cross-validation folds (backtest --folds)"),
        Limit("seed", 2**63 - 1, "the value of a random seed"),
    )
}

#: Models whose work grows with the cube of the actors: KTAB's SMP weighs every pair of
#: actors against every third one each turn (measured: 100 actors 1.7 s, 200 actors 6.9 s,
#: 400 actors over 5 minutes). The others compare pairs.
CUBIC_MODELS = frozenset({"smp"})

#: Model parameters that count rounds, bounded by the ``rounds`` limit.
ROUND_PARAMETERS = frozenset({"rounds", "max_turns", "min_turns"})


def value(name: str) -> int:
    """The limit called ``name``: its environment variable if set to a whole number, else its
    default."""
    limit = LIMITS[name]
    raw = os.environ.get(limit.variable, "").strip()
    try:
        return int(raw) if raw else limit.default
    except ValueError:
        raise InvalidArgument(
            limit.variable, "", _("{raw!r} is not a whole number").format(raw=raw)
        ) from None


def check(call: str, option: str, given: float, name: str, minimum: int = 1) -> None:
    """Refuse ``given`` for ``option`` of ``call`` unless ``minimum <= given <= limit``.

    Raises
    ------
    InvalidArgument
        Naming the option, the value given, the range, and how to raise the limit.
    """
    top = value(name)
    if given < minimum:
        raise InvalidArgument(
            call,
            option,
            _("must be at least {minimum} (got {given})").format(minimum=minimum, given=given),
        )
    if given > top:
        raise InvalidArgument(
            call,
            option,
            _("{given} is above the limit of {top} {what}; set {variable} to raise it").format(
                given=given, top=top, what=LIMITS[name].what, variable=LIMITS[name].variable
            ),
        )


def check_model_size(call: str, model: str, actors: int, issues: int, pairwise: bool) -> None:
    """Refuse a scenario too large for a model before it runs.

    A model comparing every pair of actors (``pairwise``: the iterative models) does work and
    holds memory in proportion to ``actors ** 2 * issues`` each round; one of
    :data:`CUBIC_MODELS`, to ``actors ** 3 * issues``.
    """
    check(call, "actors", actors, "actors")
    check(call, "issues", issues, "issues")
    if not pairwise:
        return
    cubic = model in CUBIC_MODELS
    name, power = ("triples", 3) if cubic else ("pairs", 2)
    size, top = actors**power * issues, value(name)
    if size > top:
        what = (
            _("weighs every pair of actors against every third actor")
            if cubic
            else _("compares every pair of actors")
        )
        raise InvalidArgument(
            call,
            "model",
            _(
                "{model} {what}: {actors} actors on {issues} issues make {size:,} {name} per "
                "round, above the limit of {top:,}; use a model such as compromise or median, "
                "or set {variable} to raise it"
            ).format(
                model=model,
                what=what,
                actors=actors,
                issues=issues,
                size=size,
                name=name,
                top=top,
                variable=LIMITS[name].variable,
            ),
        )
