"""One attribute of one actor read, written and bounded the same way for every field."""

from __future__ import annotations

import pytest

from tawazun.analysis.values import ranges_of, values_of, with_values
from tawazun.scenario import Scenario


def test_get_and_put_address_the_scenarios_numbers(small: Scenario):
    values = values_of(small)
    c, budget = 2, 1
    assert values.get("position", c, budget) == small.actor("c").stances["budget"].position
    assert values.get("salience", c, budget) == small.actor("c").stances["budget"].salience
    assert values.get("capability", c, -1) == small.actor("c").capability
    values.put("salience", c, budget, 10.0)
    values.put("capability", c, -1, 7.0)
    changed = with_values(small, values)
    assert changed.actor("c").stances["budget"].salience == 10
    assert changed.actor("c").capability == 7
    assert changed.actor("c").stances["presence"] == small.actor("c").stances["presence"]


def test_put_on_a_batch_changes_only_its_variant(small: Scenario):
    batch = values_of(small).repeat(3)
    batch.put("position", 0, 0, 12.0, variant=1)
    batch.put("capability", 0, -1, 5.0, variant=2)
    assert [batch.get("position", 0, 0, variant=v) for v in range(3)] == [80, 12, 80]
    assert [batch.get("capability", 0, -1, variant=v) for v in range(3)] == [100, 100, 5]


def test_bounds_are_the_issue_scale_the_salience_scale_and_the_capability_span(small: Scenario):
    ranges = ranges_of(small)
    assert ranges.bounds("position", 0) == (0, 100)
    assert ranges.bounds("position", 1) == (-1, 1)
    assert ranges.bounds("salience", 1) == (0, 100)
    assert ranges.bounds("capability") == (0, 200)
    assert ranges.width("position", 1) == pytest.approx(2)
