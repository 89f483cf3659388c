"""One writer of the many-processes test: a module of its own, light to import, so that the
writers fork from a process that imported only what they need (``forkserver``)."""

from __future__ import annotations

from typing import Any

from tawazun import store
from tawazun.scenario import Scenario

# Imported once, by the fork server: a store opened here imports everything a writer needs
# (the SQLite dialect, reflection, the migrations), so each forked writer starts warm.
store.open("sqlite://").close()


def document(k: int) -> dict[str, Any]:
    return {
        "scenario": "test",
        "model": "median",
        "parameters": {},
        "issues": [{"issue": "x", "forecast": float(k), "band": None}],
    }


def save_one(url: str, scenario_json: str, k: int, barrier: Any, opener: str = "open") -> None:
    """Save run ``k`` through ``store.open`` or ``store.saver`` (``opener``)."""
    scenario = Scenario.model_validate_json(scenario_json)
    barrier.wait(timeout=120)
    with getattr(store, opener)(url) as runs:
        runs.save(document(k), scenario, model="median", parameters={}, options={"k": k})
