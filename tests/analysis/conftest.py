"""Small scenarios for the analysis tests, built here rather than read from the repository."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tawazun.scenario import Scenario


def bands(*edges: float) -> list[dict[str, Any]]:
    """Consecutive bands ``b0, b1, ...`` between the given edges."""
    return [
        {"id": f"b{k}", "lower": lo, "upper": hi, "label": {"en": f"band {k}"}}
        for k, (lo, hi) in enumerate(itertools.pairwise(edges))
    ]


def small_raw(**extra: Any) -> dict[str, Any]:
    """Two issues (one on 0-100 with four bands, one on -1..1), five actors, saliences 0-100."""
    raw: dict[str, Any] = {
        "id": "small",
        "metadata": {"title": {"en": "Small"}},
        "salience_scale": 100,
        "issues": [
            {"id": "presence", "name": {"en": "Presence"}, "bands": bands(0, 15, 45, 75, 100)},
            {"id": "budget", "name": {"en": "Budget"}, "scale": {"min": -1, "max": 1}},
        ],
        "actors": [
            {
                "id": "a",
                "name": {"en": "A"},
                "capability": 100,
                "stances": {
                    "presence": {"position": 80, "salience": 60},
                    "budget": {"position": 0.5, "salience": 20},
                },
            },
            {
                "id": "b",
                "name": {"en": "B"},
                "capability": 60,
                "stances": {"presence": {"position": 0, "salience": 90}},
            },
            {
                "id": "c",
                "name": {"en": "C"},
                "capability": 40,
                "stances": {
                    "presence": {"position": 45, "salience": 70},
                    "budget": {"position": -0.5, "salience": 50},
                },
            },
            {
                "id": "d",
                "name": {"en": "D"},
                "capability": 25,
                "stances": {
                    "presence": {"position": 100, "salience": 85},
                    "budget": {"position": 0.0, "salience": 40},
                },
            },
            {
                "id": "e",
                "name": {"en": "E"},
                "capability": 30,
                "stances": {"presence": {"position": 20, "salience": 50}},
            },
        ],
    }
    raw.update(extra)
    return raw


@pytest.fixture
def small() -> Scenario:
    return Scenario.model_validate(small_raw())


def scenario_with(scenario: Scenario, arrays: Any) -> Scenario:
    """The scenario rebuilt with one variant's numbers (``arrays``, no batch axis).

    The independent route the analyses' arrays are checked against: a scenario carrying
    the numbers, forecast through ``Scenario.forecast`` like one read from a file.
    """
    scale = scenario.salience_scale
    actors = []
    for i, actor in enumerate(scenario.actors):
        stances = {
            issue.id: actor.stances[issue.id].model_copy(
                update={
                    "position": float(arrays.position[i, j]),
                    "salience": float(arrays.salience[i, j] * scale),
                }
            )
            for j, issue in enumerate(scenario.issues)
            if issue.id in actor.stances
        }
        capability = float(arrays.capability[i])
        actors.append(actor.model_copy(update={"capability": capability, "stances": stances}))
    return scenario.model_copy(update={"actors": actors})


def even_table(band: list[dict]) -> Scenario:
    """Four equal actors at 0: one actor alone can pull the mean to 40 at most."""
    raw = small_raw()
    raw["issues"] = [{"id": "presence", "name": {"en": "P"}, "bands": band}]
    raw["actors"] = [
        {
            "id": k,
            "name": {"en": k},
            "capability": 10,
            "stances": {"presence": {"position": 0, "salience": 100}},
        }
        for k in "pqrs"
    ]
    return Scenario.model_validate(raw)
