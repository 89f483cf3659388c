"""The one boundary: a scenario's arrays, their variants, and the band rule they carry."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tawazun.arrays import band_index, to_arrays
from tawazun.scenario import Scenario
from tests.factories import from_arrays


def scenario_with_bands(edges: list[float]) -> Scenario:
    bands = [
        {"id": f"b{k}", "lower": lo, "upper": hi, "label": {"en": f"b{k}"}}
        for k, (lo, hi) in enumerate(zip(edges, edges[1:], strict=False))
    ]
    return from_arrays([1.0, 2.0], [[10.0], [90.0]], [[1.0], [1.0]], bands=bands, band_gaps=True)


@given(
    st.lists(st.integers(0, 10), min_size=2, max_size=6).map(lambda e: sorted(e)),
    st.lists(st.integers(-2, 12), min_size=1, max_size=20),
)
def test_band_index_follows_the_scenarios_own_band_rule(edges, values):
    # integer edges and values hit shared edges and empty bands often
    scenario = scenario_with_bands([10.0 * e for e in edges])
    issue = scenario.issues[0]
    arrays = to_arrays(scenario)
    found = band_index(arrays.bands[0], np.array(values, dtype=float) * 10)
    for value, k in zip(values, found, strict=True):
        band = issue.band_of(10.0 * value)
        assert (arrays.bands[0].ids[k] if k >= 0 else None) == (band.id if band else None)
    assert band_index(arrays.bands[0], np.array([np.nan]))[0] == -1


def test_arrays_hold_the_scenarios_numbers_and_structure():
    scenario = from_arrays(
        [3.0, 1.0, 2.0], [[10.0, 20.0], [30.0, 40.0], [50.0, 60.0]], np.full((3, 2), 0.5)
    )
    arrays = to_arrays(scenario)
    assert arrays.actor_ids == ("a0", "a1", "a2") and arrays.issue_ids == ("d0", "d1")
    assert arrays.batch is None and arrays.present.all()
    assert np.isnan(arrays.status_quo).all() and arrays.space == (None, None)
    batch = arrays.repeat(4)
    assert batch.batch == 4 and batch.variant(2).position.tolist() == arrays.position.tolist()
    batch.position[1, 0, 0] = 99.0
    assert arrays.position[0, 0] == 10.0  # the batch is a copy
    with pytest.raises(TypeError):
        batch.repeat(2)
    gone = arrays.without_actor(1)
    assert gone.actor_ids == ("a0", "a2") and gone.capability.tolist() == [3.0, 2.0]
    alone = arrays.issues_subset([1], scenario_id="one")
    assert alone.issue_ids == ("d1",) and alone.position[:, 0].tolist() == [20.0, 40.0, 60.0]
    assert alone.scenario_id == "one"
