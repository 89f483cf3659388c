"""One attribute of one actor read, written and bounded the same way for every field."""

from __future__ import annotations

import pytest

from tawazun.analysis.values import get, put, ranges_of
from tawazun.scenario import Scenario

from .conftest import scenario_with


def test_get_and_put_address_the_scenarios_numbers(small: Scenario):
    arrays = small.arrays()
    c, budget = 2, 1
    assert get(arrays, "position", c, budget) == small.actor("c").stances["budget"].position
    assert get(arrays, "salience", c, budget) == small.actor("c").stances["budget"].salience
    assert get(arrays, "capability", c, -1) == small.actor("c").capability
    put(arrays, "salience", c, budget, 10.0)
    put(arrays, "capability", c, -1, 7.0)
    changed = scenario_with(small, arrays)
    assert changed.actor("c").stances["budget"].salience == 10
    assert changed.actor("c").capability == 7
    assert changed.actor("c").stances["presence"] == small.actor("c").stances["presence"]


def test_put_on_a_batch_changes_only_its_variant(small: Scenario):
    batch = small.arrays().repeat(3)
    put(batch, "position", 0, 0, 12.0, variant=1)
    put(batch, "capability", 0, -1, 5.0, variant=2)
    assert [get(batch, "position", 0, 0, variant=v) for v in range(3)] == [80, 12, 80]
    assert [get(batch, "capability", 0, -1, variant=v) for v in range(3)] == [100, 100, 5]


def test_bounds_are_the_issue_scale_the_salience_scale_and_the_capability_span(small: Scenario):
    ranges = ranges_of(small.arrays())
    assert ranges.bounds("position", 0) == (0, 100)
    assert ranges.bounds("position", 1) == (-1, 1)
    assert ranges.bounds("salience", 1) == (0, 100)
    assert ranges.bounds("capability") == (0, 200)
    assert ranges.width("position", 1) == pytest.approx(2)
