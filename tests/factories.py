"""Small scenarios built in code, for tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st

from tawazun.scenario import Scenario

BANDS = [
    {"id": "low", "lower": 0, "upper": 40, "label": {"en": "Low", "ar": "منخفض"}},
    {"id": "middle", "lower": 40, "upper": 60, "label": {"en": "Middle", "ar": "وسط"}},
    {"id": "high", "lower": 60, "upper": 100, "label": {"en": "High", "ar": "مرتفع"}},
]


def from_arrays(
    capability: Sequence[float],
    position: Any,
    salience: Any,
    *,
    issue_ids: Sequence[str] | None = None,
    actor_ids: Sequence[str] | None = None,
    **issue: Any,
) -> Scenario:
    """Actors with a stance on every issue: row ``i`` of ``position`` and ``salience``
    (n x m) is actor ``i`` (ids ``a0, a1...`` unless given), column ``k`` issue ``k`` (ids
    ``d0, d1...``); ``issue`` holds the fields every issue shares (scale, bands...)."""
    position, salience = np.asarray(position, dtype=float), np.asarray(salience, dtype=float)
    n, m = position.shape
    issue_ids = list(issue_ids or [f"d{k}" for k in range(m)])
    actor_ids = list(actor_ids or [f"a{i}" for i in range(n)])
    return Scenario.model_validate(
        {
            "id": "test",
            "metadata": {"title": {"en": "Test", "ar": "اختبار"}},
            "issues": [{"id": k, "name": {"en": k.upper()}, **issue} for k in issue_ids],
            "actors": [
                {
                    "id": actor_id,
                    "name": {"en": actor_id.upper()},
                    "capability": float(c),
                    "stances": {
                        k: {"position": float(x), "salience": float(w)}
                        for k, x, w in zip(issue_ids, xs, ws, strict=True)
                    },
                }
                for actor_id, c, xs, ws in zip(
                    actor_ids, capability, position, salience, strict=True
                )
            ],
        }
    )


def one_issue(
    positions: Sequence[float],
    saliences: Sequence[float],
    capabilities: Sequence[float],
    ids: Sequence[str] | None = None,
    **issue: Any,
) -> Scenario:
    """A scenario with one issue ``x`` on 0-100 (bands low/middle/high)."""
    return from_arrays(
        capabilities,
        np.reshape(positions, (-1, 1)),
        np.reshape(saliences, (-1, 1)),
        issue_ids=["x"],
        actor_ids=ids,
        **{"bands": BANDS, **issue},
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
