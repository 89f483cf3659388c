"""The result type: JSON document and pandas frames."""

from __future__ import annotations

import json

from tests.factories import one_issue


def test_trajectory_frame_has_every_actor_every_round() -> None:
    scenario = one_issue([0, 40, 60, 100], [1, 0.5, 0.8, 0.3], [10, 20, 15, 5])
    result = scenario.forecast("eum", rounds=3)
    frame = result.trajectory_frame()
    assert list(frame.columns) == ["issue", "round", "actor", "position"]
    assert len(frame) == 4 * (3 + 1)
    last = frame[frame["round"] == 3].set_index("actor")["position"]
    assert last.to_dict() == result["x"].trajectory[-1]["positions"]


def test_static_models_have_an_empty_trajectory_frame_and_no_trajectory_key() -> None:
    result = one_issue([0, 100], [1, 1], [1, 1]).forecast("compromise")
    assert result.trajectory_frame().empty
    assert "trajectory" not in json.loads(result.to_json())["issues"][0]
