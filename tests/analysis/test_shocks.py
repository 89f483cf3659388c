"""Events applied to a scenario, alone and along the timeline."""

from __future__ import annotations

import dataclasses

import pytest

import tawazun.analysis.shocks as shocks_module
from tawazun.analysis.shocks import apply_events, shocks, timeline
from tawazun.models import get_model
from tawazun.scenario import Scenario

from .conftest import small_raw


def event(event_id: str, *changes: dict, **fields) -> dict:
    return {"id": event_id, "name": {"en": event_id}, "changes": list(changes), **fields}


def with_events(*events: dict) -> Scenario:
    return Scenario.model_validate(small_raw(events=list(events)))


def test_set_multiply_and_add_change_the_inputs_and_clip_to_ranges():
    scenario = with_events(
        event(
            "e",
            {"actor": "b", "field": "capability", "multiply": 0.5},
            {"actor": "a", "field": "salience", "add": 50},  # every issue of a; clipped to 100
            {"actor": "c", "issue": "budget", "field": "position", "set": 0.25},
            {"actor": "d", "issue": "presence", "field": "position", "add": 30},  # clipped
        )
    )
    after = apply_events(scenario, scenario.events)
    assert after.actor("b").capability == 30
    assert after.actor("a").stances["presence"].salience == 100
    assert after.actor("a").stances["budget"].salience == 70
    assert after.actor("c").stances["budget"].position == 0.25
    assert after.actor("c").stances["presence"].position == 45
    assert after.actor("d").stances["presence"].position == 100
    assert scenario.actor("b").capability == 60  # the scenario itself is unchanged


def test_an_event_that_removes_an_actors_capability_is_the_actor_leaving():
    scenario = with_events(event("gone", {"actor": "b", "field": "capability", "set": 0}))
    result = shocks(scenario, "compromise")
    without_b = scenario.model_copy(update={"actors": [a for a in scenario.actors if a.id != "b"]})
    assert result.alone["gone"][0] == pytest.approx(
        without_b.forecast("compromise")["presence"].forecast
    )


def test_timeline_orders_by_date_then_round_and_accumulates():
    scenario = with_events(
        event("late", {"actor": "b", "field": "capability", "add": 10}, date="2024-05-01"),
        event("undated", {"actor": "b", "field": "capability", "add": 10}),
        event(
            "early", {"actor": "b", "field": "capability", "add": 10}, date="2023-10-07", round=2
        ),
        event("earliest", {"actor": "b", "field": "capability", "add": 10}, date="2023-10-07"),
    )
    assert [e.id for e in timeline(scenario.events)] == ["earliest", "early", "late", "undated"]
    result = shocks(scenario, "compromise")
    everything = apply_events(scenario, scenario.events).forecast("compromise")
    assert result.cumulative["undated"][0] == pytest.approx(everything["presence"].forecast)
    assert result.cumulative["earliest"][0] == pytest.approx(result.alone["earliest"][0])
    assert result.to_dict()["events"][0]["event"] == "earliest"


def test_later_rounds_are_flagged_for_iterative_models(monkeypatch):
    scenario = with_events(event("war", {"actor": "b", "field": "salience", "add": 5}, round=3))
    assert shocks(scenario, "compromise").notes == []
    iterative = dataclasses.replace(get_model("compromise"), iterative=True)
    monkeypatch.setattr(shocks_module, "get_model", lambda name: iterative)
    (note,) = shocks(scenario, "compromise").notes
    assert "war" in note and "round 0" in note
