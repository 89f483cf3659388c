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
closed-form models). Limits: a band the forecast crosses within one grid step is missed,
and the result is for deterministic models (see ``docs/analysis.md``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from tawazun.analysis.evaluate import forecasts
from tawazun.analysis.values import FIELDS, Values, ranges_of, values_of
from tawazun.result import _jsonable
from tawazun.scenario import Band, Issue, Scenario

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


def single_moves(scenario: Scenario, issue: int) -> list[Move]:
    """Every one-actor, one-attribute, one-direction move at the issue's table."""
    base = values_of(scenario)
    ranges = ranges_of(scenario)
    moves: list[Move] = []
    for i in range(len(scenario.actors)):
        if not base.present[i, issue]:
            continue
        for name in FIELDS:
            value = base.get(name, i, issue)
            width = ranges.width(name, issue)
            for bound in ranges.bounds(name, issue):
                if bound != value:
                    moves.append((Part(name, i, issue, value, bound, width),))
    return moves


def _batch(base: Values, rows: list[tuple[Move, float]]) -> Values:
    """One variant per ``(move, share)``."""
    batch = base.repeat(len(rows))
    for r, (move, share) in enumerate(rows):
        for part in move:
            batch.put(part.field, part.actor, part.issue, part.at(share), variant=r)
    return batch


def in_band(issue: Issue, band: Band, value: float) -> bool:
    """Whether ``value`` falls in ``band`` by the issue's own rule (:meth:`Issue.band_of`)."""
    found = issue.band_of(value)
    return found is not None and found.id == band.id


def band_distance(band: Band, value: float) -> float:
    """How far ``value`` lies from the band (0 inside)."""
    if not np.isfinite(value):
        return float("inf")
    return max(band.lower - value, value - band.upper, 0.0)


@dataclass(frozen=True)
class Found:
    """The outcome of searching one move."""

    move: Move
    share: float | None
    forecast: float
    closest: float


def search(
    scenario: Scenario,
    model: str,
    parameters: dict[str, Any],
    issue: Issue,
    band: Band,
    moves: list[Move],
    grid: int = GRID,
    iterations: int = ITERATIONS,
) -> list[Found]:
    """Grid then bisection on each move's share (see the module docstring)."""
    j = scenario.issues.index(issue)
    base = values_of(scenario)

    def evaluate(rows: list[tuple[Move, float]]) -> np.ndarray:
        if not rows:
            return np.empty(0)
        return forecasts(scenario, model, parameters, _batch(base, rows))[:, j]

    reach = [max(part.reach for part in move) for move in moves]
    rows = [
        (move, r * k / grid)
        for move, r in zip(moves, reach, strict=True)
        for k in range(1, grid + 1)
    ]
    on_grid = evaluate(rows).reshape(len(moves), grid)
    brackets: dict[int, list[float]] = {}
    results: dict[int, Found] = {}
    for m, move in enumerate(moves):
        closest = min(band_distance(band, v) for v in on_grid[m])
        hit = next((k for k in range(grid) if in_band(issue, band, on_grid[m, k])), None)
        if hit is None:
            results[m] = Found(move, None, float(on_grid[m, -1]), closest)
            continue
        brackets[m] = [reach[m] * hit / grid, reach[m] * (hit + 1) / grid, on_grid[m, hit]]
    for _ in range(iterations):
        active = list(brackets)
        middles = [(brackets[m][0] + brackets[m][1]) / 2 for m in active]
        values = evaluate([(moves[m], s) for m, s in zip(active, middles, strict=True)])
        for m, s, value in zip(active, middles, values, strict=True):
            if in_band(issue, band, value):
                brackets[m][1:] = [s, value]
            else:
                brackets[m][0] = s
    for m, (_, share, value) in brackets.items():
        results[m] = Found(moves[m], share, float(value), 0.0)
    return [results[m] for m in range(len(moves))]


def _describe(scenario: Scenario, found: Found) -> dict[str, Any]:
    changes = []
    for part in found.move:
        changes.append(
            {
                "actor": scenario.actors[part.actor].id,
                "field": part.field,
                "from": part.value,
                "to": part.at(found.share) if found.share is not None else part.bound,
                "share": min(found.share, part.reach) if found.share is not None else part.reach,
            }
        )
    return {"share": found.share, "forecast": found.forecast, "changes": changes}


@dataclass(frozen=True)
class WhatIf:
    """The moves that reach the band, smallest first; ``pairs`` only if no single one does.

    When no move searched reaches the band, ``closest`` is the one that came nearest (its
    ``forecast`` is where it left the issue, ``distance`` how far that is from the band).
    """

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
        if self.searched.get("already_in_band"):
            return "the forecast is already in this band"
        if self.singles:
            return "a change of one actor suffices"
        if self.pairs:
            return "no change of one actor suffices; a change of two actors does"
        return "no change of one actor suffices, nor of two actors among those searched"

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
                "searched": self.searched,
                "closest": self.closest,
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
        Grid steps from each attribute's value to the end of its range.
    iterations : int
        Bisection steps after the grid: the share is found to within
        ``reach / grid / 2**iterations``.
    top : int
        The single moves that came closest to the band which are paired when no single
        move suffices.
    **parameters
        The model's parameters.
    """
    issue = scenario.issue(issue_id)
    band = issue.band(band_id)
    baseline = scenario.forecast(model, **parameters)[issue_id].forecast
    common = {
        "scenario": scenario.id,
        "model": model,
        "parameters": dict(parameters),
        "issue": issue_id,
        "band": band_id,
        "baseline": baseline,
    }
    if in_band(issue, band, baseline):
        return WhatIf(**common, singles=[], pairs=[], searched={"already_in_band": 1})
    moves = single_moves(scenario, scenario.issues.index(issue))
    singles = search(scenario, model, parameters, issue, band, moves, grid, iterations)
    reached = sorted((f for f in singles if f.share is not None), key=lambda f: f.share)
    pairs: list[Found] = []
    searched_pairs = 0
    found: list[Found] = []
    if not reached:
        closest = sorted(singles, key=lambda f: f.closest)[:top]
        candidates = [
            a.move + b.move
            for a, b in itertools.combinations(closest, 2)
            if a.move[0].actor != b.move[0].actor
        ]
        found = search(scenario, model, parameters, issue, band, candidates, grid, iterations)
        pairs = sorted((f for f in found if f.share is not None), key=lambda f: f.share)
        searched_pairs = len(candidates)
    nearest = None
    if not reached and not pairs and (singles or found):
        best = min(singles + found, key=lambda f: f.closest)
        nearest = _describe(scenario, best) | {"distance": best.closest}
    return WhatIf(
        **common,
        singles=[_describe(scenario, f) for f in reached],
        pairs=[_describe(scenario, f) for f in pairs],
        searched={"single_moves": len(moves), "pair_moves": searched_pairs, "grid": grid},
        closest=nearest,
    )
