"""Shocks: the forecast with and without each of a scenario's dated events.

An event's changes (``set``, ``multiply`` or ``add`` to an actor's position, salience or
capability) are applied to the scenario's inputs and the result clipped to each field's
range. Models have no hook to change a scenario in the middle of a run, so an event
stated "from round k" is applied from round 0 for every model, and the report says so
for iterative models; ``docs/analysis.md`` describes the hook that would lift this.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from tawazun.analysis.evaluate import run_one
from tawazun.analysis.values import clip, values_of, with_values
from tawazun.models import get_model
from tawazun.result import _jsonable
from tawazun.scenario import Event, Scenario


def apply_events(scenario: Scenario, events: list[Event]) -> Scenario:
    """The scenario after ``events``, in the order given, each change on the last result."""
    values = values_of(scenario)
    actors = {actor.id: i for i, actor in enumerate(scenario.actors)}
    issues = {issue.id: j for j, issue in enumerate(scenario.issues)}
    for event in events:
        for change in event.changes:
            i = actors[change.actor]
            if change.field == "capability":
                values.capability[i] = change.apply(float(values.capability[i]))
                continue
            where = (
                [issues[change.issue]]
                if change.issue
                else [j for j in range(len(issues)) if values.present[i, j]]
            )
            target = values.field(change.field)
            for j in where:
                target[i, j] = change.apply(float(target[i, j]))
    return with_values(scenario, clip(scenario, values))


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
    scenario.forecast(model, **parameters)  # fail early, with the model's own message
    ordered = timeline(scenario.events)
    baseline = run_one(scenario, model, parameters)
    alone = {e.id: run_one(apply_events(scenario, [e]), model, parameters) for e in ordered}
    cumulative = {
        e.id: run_one(apply_events(scenario, ordered[: k + 1]), model, parameters)
        for k, e in enumerate(ordered)
    }
    notes = []
    late = [e.id for e in ordered if e.round > 0]
    if late and get_model(model).iterative:
        notes.append(
            f"events {', '.join(late)} are stated from a later round, but models offer no "
            "hook to change a scenario during a run: they are applied from round 0"
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
