"""What would it take: the smallest change that moves an issue's forecast into a band.

A *move* changes one attribute of one actor at the issue's table (its position or
salience on the issue, or its capability) in one direction, by a *share* of the
attribute's range (the issue's scale, the salience scale, or twice the strongest actor's
capability). For every move the search

1. evaluates the forecast on a grid of ``grid`` equal steps from the stated value to the
   end of the range;
2. at the first grid point whose forecast falls in the band, bisects ``iterations`` times
   between it and the grid point before, to find where the forecast enters the band.

The answer is the move with the smallest share. When no move of a single actor reaches
the band, pairs of actors move together, each by the same share of its own range; the
pairs are formed from the ``top`` single moves that came closest to the band. All
evaluations of a stage go to the model as one batch (one NumPy operation for the
closed-form models, one call per stage for any model with a batched form). When nothing
reaches the band, the answer gives the closest approach: the move whose forecast came
nearest. Every change says whether it takes the actor beyond the range the other actors
at the table span (a position further out than anyone's, a capability above the strongest
other's...), which a reader should weigh before calling it plausible. Limits: a band the
forecast crosses within one grid step is missed, and the result is for deterministic
models (see ``docs/analysis.md``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tawazun.analysis.evaluate import forecasts
from tawazun.analysis.values import FIELDS, get, put, ranges_of
from tawazun.arrays import BandEdges, ScenarioArrays, band_index, to_arrays
from tawazun.errors import InvalidArgument
from tawazun.i18n import N_, _
from tawazun.models import ModelSpec, get_model
from tawazun.result import _jsonable
from tawazun.scenario import Scenario

#: ``progress(done, total)``: model evaluations done so far, of ``total`` known so far
#: (a later stage, bisection or pairs, adds to it).
Progress = Callable[[int, int], None]

GRID = 20
ITERATIONS = 14
TOP = 8


@dataclass(frozen=True)
class Part:
    """One attribute moving from ``value`` toward ``bound``; ``width`` measures shares."""

    field: str
    actor: int
    issue: int
    value: float
    bound: float
    width: float

    @property
    def reach(self) -> float:
        """The largest share this part can move."""
        return abs(self.bound - self.value) / self.width

    def at(self, share: float) -> float:
        """The attribute's value after moving ``share`` of its range (stopping at the bound)."""
        step = min(share, self.reach) * self.width
        return self.value + np.sign(self.bound - self.value) * step


Move = tuple[Part, ...]


def single_moves(arrays: ScenarioArrays, issue: int) -> list[Move]:
    """Every one-actor, one-attribute, one-direction move at the issue's table."""
    ranges = ranges_of(arrays)
    moves: list[Move] = []
    for i in range(len(arrays.actor_ids)):
        if not arrays.present[i, issue]:
            continue
        for name in FIELDS:
            value = get(arrays, name, i, issue)
            width = ranges.width(name, issue)
            for bound in ranges.bounds(name, issue):
                if bound != value:
                    moves.append((Part(name, i, issue, value, bound, width),))
    return moves


def _batch(base: ScenarioArrays, rows: list[tuple[Move, float]]) -> ScenarioArrays:
    """One variant per ``(move, share)``."""
    batch = base.repeat(len(rows))
    for r, (move, share) in enumerate(rows):
        for part in move:
            put(batch, part.field, part.actor, part.issue, part.at(share), variant=r)
    return batch


def in_band(edges: BandEdges, band: int, values: np.ndarray) -> np.ndarray:
    """Whether each value falls in band ``band`` by the issue's own rule
    (:func:`tawazun.arrays.band_index`)."""
    return band_index(edges, values) == band


def band_distance(edges: BandEdges, band: int, values: np.ndarray) -> np.ndarray:
    """How far each value lies from the band (0 inside, inf for NaN)."""
    values = np.asarray(values, dtype=float)
    gap = np.maximum(np.maximum(edges.lower[band] - values, values - edges.upper[band]), 0.0)
    return np.where(np.isfinite(values), gap, np.inf)


def others_span(arrays: ScenarioArrays, part: Part) -> tuple[float, float]:
    """The lowest and highest value of the part's field among the other actors at its
    table, in the file's units."""
    seated = [i for i in np.flatnonzero(arrays.present[:, part.issue]) if i != part.actor]
    values = [get(arrays, part.field, int(i), part.issue) for i in seated]
    return (min(values), max(values)) if values else (part.value, part.value)


@dataclass(frozen=True)
class Found:
    """The outcome of searching one move.

    ``share`` and ``forecast`` where the move enters the band (``share`` None if it never
    does: ``forecast`` is then the one at the end of its range); ``closest`` the least
    distance to the band on the grid, reached at ``closest_share`` with
    ``closest_forecast``.
    """

    move: Move
    share: float | None
    forecast: float
    closest: float
    closest_share: float
    closest_forecast: float


class Evaluations:
    """Runs a model on batches of moves of one issue, counting the evaluations."""

    def __init__(
        self,
        spec: ModelSpec,
        parameters: dict[str, Any],
        base: ScenarioArrays,
        issue: int,
        progress: Progress | None,
    ) -> None:
        self.spec, self.parameters, self.base, self.issue = spec, parameters, base, issue
        self.progress = progress
        self.done = self.total = 0

    def plan(self, count: int) -> None:
        """Announce ``count`` more evaluations."""
        self.total += count
        if self.progress is not None:
            self.progress(self.done, self.total)

    def __call__(self, rows: list[tuple[Move, float]]) -> np.ndarray:
        if not rows:
            return np.empty(0)
        batch = _batch(self.base, rows)
        if self.spec.issue_by_issue:
            # the other issues' forecasts would be computed only to be dropped
            found = forecasts(self.spec, batch.columns([self.issue]), self.parameters)[:, 0]
        else:
            found = forecasts(self.spec, batch, self.parameters)[:, self.issue]
        self.done += len(rows)
        if self.progress is not None:
            self.progress(self.done, self.total)
        return found


def search(
    evaluate: Evaluations,
    edges: BandEdges,
    band: int,
    moves: list[Move],
    grid: int = GRID,
    iterations: int = ITERATIONS,
) -> list[Found]:
    """Grid then bisection on each move's share (see the module docstring)."""
    reach = [max(part.reach for part in move) for move in moves]
    rows = [
        (move, r * k / grid)
        for move, r in zip(moves, reach, strict=True)
        for k in range(1, grid + 1)
    ]
    evaluate.plan(len(rows))
    on_grid = evaluate(rows).reshape(len(moves), grid)
    hits = in_band(edges, band, on_grid)
    distance = band_distance(edges, band, on_grid)
    brackets: dict[int, list[float]] = {}
    results: dict[int, Found] = {}
    for m, move in enumerate(moves):
        near = int(np.argmin(distance[m]))
        nearest = (float(distance[m, near]), reach[m] * (near + 1) / grid, float(on_grid[m, near]))
        if not hits[m].any():
            results[m] = Found(move, None, float(on_grid[m, -1]), *nearest)
            continue
        hit = int(np.argmax(hits[m]))
        brackets[m] = [reach[m] * hit / grid, reach[m] * (hit + 1) / grid, on_grid[m, hit]]
    evaluate.plan(len(brackets) * iterations)
    for _iteration in range(iterations):
        active = list(brackets)
        middles = [(brackets[m][0] + brackets[m][1]) / 2 for m in active]
        values = evaluate([(moves[m], s) for m, s in zip(active, middles, strict=True)])
        inside = in_band(edges, band, values)
        for m, s, value, hit in zip(active, middles, values, inside, strict=True):
            if hit:
                brackets[m][1:] = [s, value]
            else:
                brackets[m][0] = s
    for m, (_lower, share, value) in brackets.items():
        results[m] = Found(moves[m], share, float(value), 0.0, share, float(value))
    return [results[m] for m in range(len(moves))]


def _describe(arrays: ScenarioArrays, move: Move, share: float, forecast: float) -> dict[str, Any]:
    """A move by ``share`` as the JSON document lists it, each change flagged when it leaves
    the range the other actors at the table span."""
    changes = []
    for part in move:
        to = part.at(share)
        low, high = others_span(arrays, part)
        changes.append(
            {
                "actor": arrays.actor_ids[part.actor],
                "field": part.field,
                "from": part.value,
                "to": to,
                "share": min(share, part.reach),
                "beyond_others": bool(to < low or to > high),
            }
        )
    return {"share": share, "forecast": forecast, "changes": changes}


def _reached(arrays: ScenarioArrays, found: Found) -> dict[str, Any]:
    assert found.share is not None
    return _describe(arrays, found.move, found.share, found.forecast)


def _nearest(arrays: ScenarioArrays, found: list[Found]) -> dict[str, Any] | None:
    """The closest approach among moves that never reach the band."""
    if not found:
        return None
    best = min(found, key=lambda f: (f.closest, f.closest_share))
    entry = _describe(arrays, best.move, best.closest_share, best.closest_forecast)
    return {**entry, "distance": best.closest}


@dataclass(frozen=True)
class WhatIf:
    """The moves that reach the band, smallest first; ``pairs`` only if no single one does."""

    scenario: str
    model: str
    parameters: dict[str, Any]
    issue: str
    band: str
    baseline: float
    singles: list[dict[str, Any]]
    pairs: list[dict[str, Any]]
    searched: dict[str, int]
    closest: dict[str, Any] | None = None

    @property
    def answer(self) -> str:
        """The verdict, in English (the JSON's); ``tawazun.i18n._`` translates it."""
        if self.searched.get("already_in_band"):
            return N_("the forecast is already in this band")
        if self.singles:
            return N_("a change of one actor suffices")
        if self.pairs:
            return N_("no change of one actor suffices; a change of two actors does")
        return N_("no change of one actor suffices, nor of two actors among those searched")

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "scenario": self.scenario,
                "model": self.model,
                "parameters": self.parameters,
                "issue": self.issue,
                "band": self.band,
                "baseline": self.baseline,
                "answer": self.answer,
                "singles": self.singles,
                "pairs": self.pairs,
                "closest": self.closest,
                "searched": self.searched,
            }
        )


def what_would_it_take(
    scenario: Scenario,
    issue_id: str,
    band_id: str,
    model: str = "compromise",
    *,
    grid: int = GRID,
    iterations: int = ITERATIONS,
    top: int = TOP,
    progress: Progress | None = None,
    **parameters: Any,
) -> WhatIf:
    """The smallest change of one actor (else two) that moves ``issue_id`` into ``band_id``.

    Parameters
    ----------
    scenario : Scenario
    issue_id, band_id : str
        The issue and the id of one of its bands.
    model : str
        Any deterministic model in ``tawazun.models.available()``.
    grid : int
        Grid steps from each attribute's value to the end of its range (at least 2).
    iterations : int
        Bisection steps after the grid (0 or more): the share is found to within
        ``reach / grid / 2**iterations``.
    top : int
        The single moves that came closest to the band which are paired when no single
        move suffices (at least 2).
    progress : callable, optional
        ``progress(done, total)`` after every batch of evaluations.
    **parameters
        The model's parameters.

    Returns
    -------
    WhatIf
        When nothing searched reaches the band, ``closest`` is the move that came nearest.
    """
    for name, value, least in (("grid", grid, 2), ("iterations", iterations, 0), ("top", top, 2)):
        if value < least:
            raise InvalidArgument(
                "whatif",
                name,
                _("{name} must be at least {least} (got {value})").format(
                    name=name, least=least, value=value
                ),
            )
    issue = scenario.issue(issue_id)
    issue.band(band_id)  # an unknown band is refused with the bands there are
    spec = get_model(model)
    arrays = to_arrays(scenario)
    j = arrays.issue_index(issue_id)
    edges = arrays.bands[j]
    band = edges.ids.index(band_id)
    baseline = spec.run(arrays, **parameters)[issue_id].forecast
    common = {
        "scenario": scenario.id,
        "model": model,
        "parameters": dict(parameters),
        "issue": issue_id,
        "band": band_id,
        "baseline": baseline,
    }
    if in_band(edges, band, np.array(baseline)):
        return WhatIf(**common, singles=[], pairs=[], searched={"already_in_band": 1})
    evaluate = Evaluations(spec, parameters, arrays, j, progress)
    moves = single_moves(arrays, j)
    singles = search(evaluate, edges, band, moves, grid, iterations)
    reached = sorted((f for f in singles if f.share is not None), key=lambda f: f.share)
    pairs: list[Found] = []
    searched_pairs = 0
    closest = None
    if not reached:
        nearest = sorted(singles, key=lambda f: f.closest)[:top]
        candidates = [
            a.move + b.move
            for a, b in itertools.combinations(nearest, 2)
            if a.move[0].actor != b.move[0].actor
        ]
        found = search(evaluate, edges, band, candidates, grid, iterations)
        pairs = sorted((f for f in found if f.share is not None), key=lambda f: f.share)
        searched_pairs = len(candidates)
        if not pairs:
            closest = _nearest(arrays, singles + found)
    return WhatIf(
        **common,
        singles=[_reached(arrays, f) for f in reached],
        pairs=[_reached(arrays, f) for f in pairs],
        searched={"single_moves": len(moves), "pair_moves": searched_pairs, "grid": grid},
        closest=closest,
    )
