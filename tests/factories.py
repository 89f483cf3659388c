"""Small scenarios built in code, for tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from tawazun.scenario import Scenario

BANDS = [
    {"id": "low", "lower": 0, "upper": 40, "label": {"en": "Low", "ar": "منخفض"}},
    {"id": "middle", "lower": 40, "upper": 60, "label": {"en": "Middle", "ar": "وسط"}},
    {"id": "high", "lower": 60, "upper": 100, "label": {"en": "High", "ar": "مرتفع"}},
]


def one_issue(
    positions: Sequence[float],
    saliences: Sequence[float],
    capabilities: Sequence[float],
    ids: Sequence[str] | None = None,
    **issue: Any,
) -> Scenario:
    """A scenario with one issue ``x`` on 0-100 (bands low/middle/high)."""
    ids = list(ids or [f"a{i}" for i in range(len(positions))])
    return Scenario.model_validate(
        {
            "id": "test",
            "metadata": {"title": {"en": "Test", "ar": "اختبار"}},
            "issues": [{"id": "x", "name": {"en": "X"}, "bands": BANDS, **issue}],
            "actors": [
                {
                    "id": actor_id,
                    "name": {"en": actor_id.upper()},
                    "capability": c,
                    "stances": {"x": {"position": p, "salience": s}},
                }
                for actor_id, p, s, c in zip(ids, positions, saliences, capabilities, strict=True)
            ],
        }
    )


@st.composite
def one_issue_scenarios(draw: st.DrawFn, min_actors: int = 1, max_actors: int = 12) -> Scenario:
    """Random one-issue scenarios where at least one actor has positive weight."""
    n = draw(st.integers(min_actors, max_actors))
    unit = st.floats(0, 1, allow_nan=False)
    positions = draw(st.lists(st.floats(0, 100, allow_nan=False), min_size=n, max_size=n))
    saliences = draw(st.lists(unit, min_size=n, max_size=n))
    capabilities = draw(st.lists(st.floats(0, 100, allow_nan=False), min_size=n, max_size=n))
    k = draw(st.integers(0, n - 1))
    saliences[k] = draw(st.floats(0.05, 1))
    capabilities[k] = draw(st.floats(1, 100))
    return one_issue(positions, saliences, capabilities)
