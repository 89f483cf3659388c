"""The scenario fields the analyses add: uncertainty and events."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tawazun import io
from tawazun.io.errors import ScenarioFileError
from tawazun.scenario import Scenario, SemanticError

from .conftest import small_raw

EVENTS = [
    {
        "id": "strike",
        "name": {"en": "Strike", "ar": "ضربة"},
        "date": "2024-02-02",
        "round": 3,
        "changes": [
            {"actor": "b", "field": "capability", "multiply": 0.5},
            {"actor": "a", "issue": "presence", "field": "salience", "add": 10},
            {"actor": "c", "field": "position", "set": 0.0, "issue": "budget"},
        ],
        "evidence": {"rationale": "why", "sources": ["a source"]},
    }
]


def rich_raw() -> dict:
    raw = small_raw(
        uncertainty={
            "position": {"distribution": "uniform", "spread": 0.05},
            "capability": {"distribution": "normal", "spread": 0.3},
        },
        events=EVENTS,
    )
    raw["actors"][0]["uncertainty"] = {"capability": {"low": 80, "high": 130}}
    raw["actors"][1]["stances"]["presence"]["uncertainty"] = {
        "position": {"distribution": "fixed"},
        "salience": {"distribution": "normal", "sd": 5, "high": 95},
    }
    return raw


def test_new_fields_are_optional_and_read():
    plain = Scenario.model_validate(small_raw())
    assert plain.uncertainty is None and plain.events == []
    scenario = Scenario.model_validate(rich_raw())
    assert scenario.uncertainty.position.distribution == "uniform"
    assert scenario.uncertainty.salience.spread == pytest.approx(0.10)  # default kept
    assert scenario.actors[1].stances["presence"].uncertainty["salience"].sd == 5
    assert scenario.events[0].changes[0].apply(60) == 30


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_native_formats_round_trip_uncertainty_and_events(tmp_path, suffix):
    scenario = Scenario.model_validate(rich_raw())
    path = io.save(scenario, tmp_path / f"s{suffix}")
    assert io.load(path) == scenario


def test_scenarios_without_new_fields_are_written_as_before(tmp_path):
    path = io.save(Scenario.model_validate(small_raw()), tmp_path / "s.yaml")
    text = path.read_text()
    assert "uncertainty" not in text and "events" not in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"actor": "zz", "field": "capability", "add": 1}, "unknown actor 'zz'"),
        ({"actor": "b", "issue": "budget", "field": "salience", "add": 1}, "no stance"),
        ({"actor": "a", "issue": "nope", "field": "position", "add": 1}, "unknown issue"),
        ({"actor": "a", "issue": "budget", "field": "position", "set": 3}, "outside"),
        ({"actor": "a", "field": "salience", "set": 130}, "outside the allowed 0..100"),
    ],
)
def test_events_naming_unknown_things_or_leaving_ranges_are_rejected(change, message):
    raw = small_raw(events=[{"id": "x", "name": {"en": "X"}, "changes": [change]}])
    with pytest.raises(SemanticError, match=message):
        Scenario.model_validate(raw)


@pytest.mark.parametrize(
    "change",
    [
        {"actor": "a", "field": "capability"},
        {"actor": "a", "field": "capability", "add": 1, "set": 2},
        {"actor": "a", "issue": "budget", "field": "capability", "add": 1},
        {"actor": "a", "field": "risk", "add": 1},
        {"actor": "a", "field": "capability", "multiply": -1},
    ],
)
def test_malformed_changes_are_rejected(change):
    raw = small_raw(events=[{"id": "x", "name": {"en": "X"}, "changes": [change]}])
    with pytest.raises(ValidationError):
        Scenario.model_validate(raw)


@pytest.mark.parametrize(
    "spread",
    [
        {"distribution": "uniform", "low": 10},
        {"distribution": "normal"},
        {"low": 90, "high": 70},
        {"low": 0, "high": 50},  # the stated value 80 is not in the range
        {"distribution": "normal", "sd": 0},
    ],
)
def test_malformed_spreads_are_rejected(spread):
    raw = small_raw()
    raw["actors"][0]["stances"]["presence"]["uncertainty"] = {"position": spread}
    with pytest.raises(ValidationError):
        Scenario.model_validate(raw)


def test_file_errors_name_the_line_of_a_bad_event(tmp_path):
    scenario = Scenario.model_validate(rich_raw())
    path = io.save(scenario, tmp_path / "s.yaml")
    text = path.read_text().replace("actor: b", "actor: nobody")
    path.write_text(text)
    with pytest.raises(ScenarioFileError) as caught:
        io.load(path)
    (problem,) = caught.value.problems
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "actor: nobody" in row)
    assert problem.where == str(line)
    assert "events[strike].changes[1].actor" in problem.field
