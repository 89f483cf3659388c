"""What the registry reads off a model's ``run``."""

from __future__ import annotations

import inspect

from tawazun.models import ModelSpec


def test_defaults_are_runs_named_parameters_after_the_scenario():
    def run(scenario, rounds=3, *, seed=None, required, **extra):
        raise AssertionError("not called")

    spec = ModelSpec("toy", "a toy", run)
    assert spec.defaults == {"rounds": 3, "seed": None, "required": inspect.Parameter.empty}
    assert spec.defaults is spec.defaults
