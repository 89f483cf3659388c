"""Events applied to a scenario, alone and along the timeline."""

from __future__ import annotations

import dataclasses

import pytest

import tawazun.analysis.shocks as shocks_module
from tawazun.analysis.shocks import apply_events, shocks, timeline
from tawazun.models import get_model
from tawazun.scenario import Scenario

from .conftest import scenario_with, small_raw


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
    after = scenario_with(scenario, apply_events(scenario.arrays(), scenario.events))
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
    everything = scenario_with(scenario, apply_events(scenario.arrays(), scenario.events))
    everything = everything.forecast("compromise")
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


def eum_case() -> Scenario:
    """Ten actors of the EU car-emissions shape, where EUM moves positions every round."""
    from tests.factories import one_issue

    return one_issue(
        [4, 7, 4, 4, 4, 7, 7, 4, 10, 7],
        [0.8, 0.4, 0.2, 0.8, 0.4, 0.6, 0.6, 0.2, 0.8, 0.6],
        [8, 8, 3, 16, 10, 16, 10, 3, 16, 16],
    )


@pytest.mark.parametrize("stop", [1, 3, 4, 9])
@pytest.mark.parametrize("case", ["eu-shape", "iraq-2024"])
def test_stopping_and_resuming_an_iterative_run_changes_nothing(case: str, stop: int):
    import tawazun
    from tawazun.analysis.shocks import run_along
    from tawazun.scenario import Event

    # on iraq-2024 the extreme actors move, so the range of positions narrows mid-run
    scenario = eum_case() if case == "eu-shape" else tawazun.load("iraq-2024")
    issue = scenario.issues[0].id
    baseline = scenario.forecast("eum").forecasts[issue]
    assert baseline != pytest.approx(scenario.forecast("eum", rounds=0).forecasts[issue])
    first = scenario.actors[0].id
    idle = Event.model_validate(
        event("idle", {"actor": first, "field": "capability", "multiply": 1}, round=stop)
    )
    along = run_along(scenario.arrays(), get_model("eum"), [idle], {})
    assert along[0] == pytest.approx(baseline, rel=1e-12)


def test_an_event_from_a_later_round_acts_from_that_round():
    from tawazun.analysis.shocks import run_along
    from tawazun.scenario import Event

    scenario = eum_case()
    change = {"actor": "a3", "issue": "x", "field": "position", "set": 100}
    at = {
        r: run_along(
            scenario.arrays(),
            get_model("eum"),
            [Event.model_validate(event("e", change, round=r))],
            {},
        )
        for r in (0, 1, 3, 10, 20)
    }
    changed = apply_events(scenario.arrays(), [Event.model_validate(event("e", change))])
    assert at[0][0] == pytest.approx(
        scenario_with(scenario, changed).forecast("eum").forecasts["x"]
    )
    assert at[3][0] != pytest.approx(at[0][0])
    baseline = scenario.forecast("eum").forecasts["x"]
    assert at[10][0] == pytest.approx(baseline) and at[20][0] == pytest.approx(baseline)
    # by hand: three rounds, the change, then the seven rounds left
    first = scenario.forecast("eum", rounds=3)
    resumed = shocks_module.resumed(scenario.arrays(), first)
    later = apply_events(resumed, [Event.model_validate(event("e", change))])
    widths = {"x": first["x"].details["width"]}
    again = scenario_with(scenario, later).forecast("eum", rounds=7, widths=widths)
    assert at[3][0] == pytest.approx(again.forecasts["x"], rel=1e-12)


def test_every_run_along_the_timeline_uses_the_models_bulk_parameters(monkeypatch):

    from tawazun.analysis.shocks import run_along
    from tawazun.scenario import Event

    eum = get_model("eum")
    calls: list[dict] = []

    def recording(arrays, **parameters):
        calls.append(parameters)
        return eum.run(arrays, **parameters)

    spec = dataclasses.replace(eum, run=recording)
    change = {"actor": "a3", "issue": "x", "field": "position", "set": 100}
    events = [Event.model_validate(event(f"e{r}", change, round=r)) for r in (0, 2, 4)]
    along = run_along(eum_case().arrays(), spec, events, {"rounds": 8})
    assert [call["rounds"] for call in calls] == [2, 2, 4]
    assert all(call["offers"] == eum.bulk["offers"] for call in calls)
    full = run_along(eum_case().arrays(), eum, events, {"rounds": 8, "offers": "all"})
    assert along[0] == pytest.approx(full[0], rel=1e-12)
