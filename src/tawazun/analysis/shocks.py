"""Shocks: the forecast with and without each of a scenario's dated events.

An event's changes (``set``, ``multiply`` or ``add`` to an actor's position, salience or
capability) are applied to the scenario's inputs and the result clipped to each field's
range. An event stated "from round k" changes an iterative model's run from that round on
when the model says how to stop a run after round k and resume it (``ModelSpec.resume``):
see :func:`run_along`. For other
iterative models it is applied from round 0, and the report says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from tawazun.analysis.evaluate import forecast_vector, run_one, run_result
from tawazun.analysis.values import clip, get, put
from tawazun.arrays import ScenarioArrays, to_arrays
from tawazun.models import ModelSpec, get_model
from tawazun.result import Result, _jsonable
from tawazun.scenario import Event, Scenario


def apply_events(arrays: ScenarioArrays, events: list[Event]) -> ScenarioArrays:
    """The arrays after ``events``, in the order given, each change on the last result."""
    changed = arrays.with_numbers(
        capability=arrays.capability.copy(),
        position=arrays.position.copy(),
        salience=arrays.salience.copy(),
    )
    for event in events:
        for change in event.changes:
            i = arrays.actor_index(change.actor)
            if change.field == "capability":
                where = [-1]  # the actor's own, on no issue
            elif change.issue:
                where = [arrays.issue_index(change.issue)]
            else:
                where = list(np.flatnonzero(arrays.present[i]))
            for j in where:
                put(changed, change.field, i, j, change.apply(get(changed, change.field, i, j)))
    return clip(changed)


def resumed(arrays: ScenarioArrays, result: Result) -> ScenarioArrays:
    """The arrays with every actor's position where ``result``'s last round left it."""
    position = arrays.position.copy()
    for j, issue_id in enumerate(arrays.issue_ids):
        for actor_id, value in result[issue_id].trajectory[-1]["positions"].items():
            position[arrays.actor_index(actor_id), j] = value
    return clip(arrays.with_numbers(position=position))


def _stated_rounds(spec: ModelSpec, parameters: dict[str, Any], name: str) -> int:
    if name in parameters:
        return int(parameters[name])
    return int(spec.defaults[name])


def run_along(
    arrays: ScenarioArrays, spec: ModelSpec, events: list[Event], parameters: dict[str, Any]
) -> np.ndarray:
    """The forecast per issue ``(m,)`` with ``events`` applied from their rounds on.

    Round-0 events change the inputs. For a model with ``ModelSpec.resume``, the run
    stops before each later event's round, the event changes the scenario (positions are
    the run's so far), and the run resumes for the rounds left (Algorithm: split the
    ``R`` rounds at the events' rounds ``0 < r_1 < ... < R``). Events at or after the last
    round change nothing. Models without one get every event from round 0.
    """
    resume = spec.resume
    later = sorted({e.round for e in events if e.round > 0})
    if resume is None or not later:
        return run_one(spec, apply_events(arrays, events), parameters)
    total = _stated_rounds(spec, parameters, resume.rounds)
    state = apply_events(arrays, [e for e in events if e.round == 0])
    done = 0
    kept: dict[str, Any] = {}
    for stop in [r for r in later if r < total] + [total]:
        result = run_result(spec, state, {**parameters, **kept, resume.rounds: stop - done})
        if result is None or stop == total:
            break
        if not kept:
            kept = resume.carry(result)
        state = apply_events(resumed(state, result), [e for e in events if e.round == stop])
        done = stop
    return forecast_vector(arrays, result)


def timeline(events: list[Event]) -> list[Event]:
    """Events in the order they happen: by date (undated last), then round, then as listed."""
    return sorted(events, key=lambda e: (e.date is None, e.date or dt.date.min, e.round))


@dataclass(frozen=True)
class Shocks:
    """The forecasts without events, with each event alone, and along the timeline."""

    scenario: str
    model: str
    parameters: dict[str, Any]
    issues: list[str]
    baseline: np.ndarray
    alone: dict[str, np.ndarray]
    cumulative: dict[str, np.ndarray]
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        def row(values: np.ndarray) -> dict[str, float]:
            return dict(zip(self.issues, values.tolist(), strict=True))

        return _jsonable(
            {
                "scenario": self.scenario,
                "model": self.model,
                "parameters": self.parameters,
                "baseline": row(self.baseline),
                "events": [
                    {
                        "event": event_id,
                        "alone": row(self.alone[event_id]),
                        "alone_change": row(self.alone[event_id] - self.baseline),
                        "timeline": row(self.cumulative[event_id]),
                    }
                    for event_id in self.alone
                ],
                "notes": self.notes,
            }
        )


def shocks(scenario: Scenario, model: str = "compromise", **parameters: Any) -> Shocks:
    """Forecast the scenario without events, with each alone, and with each in turn added.

    Parameters
    ----------
    scenario : Scenario
        Its ``events`` are the shocks.
    model : str
        Any name in ``tawazun.models.available()``.
    **parameters
        The model's parameters.
    """
    spec = get_model(model)
    arrays = to_arrays(scenario)
    # run without events first: a model refusing the scenario fails here, in its own words
    baseline = forecast_vector(arrays, spec.run(arrays, **parameters))
    ordered = timeline(scenario.events)
    alone = {e.id: run_along(arrays, spec, [e], parameters) for e in ordered}
    # the timeline's first step is the first event alone
    cumulative = {
        e.id: alone[e.id] if k == 0 else run_along(arrays, spec, ordered[: k + 1], parameters)
        for k, e in enumerate(ordered)
    }
    notes = []
    late = [e.id for e in ordered if e.round > 0]
    if late and spec.iterative and spec.resume is None:
        notes.append(
            f"events {', '.join(late)} are stated from a later round, but model {model} "
            "cannot be stopped and resumed between rounds: they are applied from round 0"
        )
    return Shocks(
        scenario=scenario.id,
        model=model,
        parameters=dict(parameters),
        issues=[issue.id for issue in scenario.issues],
        baseline=baseline,
        alone=alone,
        cumulative=cumulative,
        notes=notes,
    )
