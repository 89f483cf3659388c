"""Pivotal actors, checked against the compromise model's derivatives in closed form."""

from __future__ import annotations

import numpy as np
import pytest

from tawazun.analysis.pivotal import pivotal, slope, stencil
from tawazun.scenario import Scenario


def closed_form(scenario: Scenario, issue: str) -> dict[str, dict[str, float]]:
    """Weighted mean x = sum(w x)/W with w = c s: its derivatives and leave-one-out changes."""
    rows = [
        (
            a.id,
            a.capability,
            a.stances[issue].salience / scenario.salience_scale,
            a.stances[issue].position,
        )
        for a in scenario.actors
        if issue in a.stances
    ]
    w = np.array([c * s for _, c, s, _ in rows])
    x = np.array([p for *_, p in rows])
    total, mean = w.sum(), w @ x / w.sum()
    out = {}
    for k, (actor, c, s, p) in enumerate(rows):
        rest = np.delete(np.arange(len(rows)), k)
        out[actor] = {
            "position": w[k] / total,
            "capability": s * (p - mean) / total,
            "salience": c * (p - mean) / total / scenario.salience_scale,
            "leave": w[rest] @ x[rest] / w[rest].sum() - mean,
        }
    return out


@pytest.mark.parametrize("issue", ["presence", "budget"])
def test_compromise_slopes_and_leave_effects_match_the_closed_form(small, issue):
    found = {e.actor: e for e in pivotal(small, "compromise", step=1e-4).effects[issue]}
    expected = closed_form(small, issue)
    assert set(found) == set(expected)
    for actor, truth in expected.items():
        for name, value in truth.items():
            assert getattr(found[actor], name) == pytest.approx(value, rel=1e-5, abs=1e-9), (
                actor,
                name,
            )


def test_default_step_gives_exact_position_slopes_even_at_the_scale_end(small):
    # The compromise is linear in positions, so any stencil, central or one-sided, is exact.
    effects = {e.actor: e for e in pivotal(small, "compromise").effects["presence"]}
    expected = closed_form(small, "presence")
    assert small.actor("d").stances["presence"].position == 100  # one-sided stencil
    for actor in expected:
        assert effects[actor].position == pytest.approx(expected[actor]["position"], rel=1e-9)
        assert effects[actor].position_10pct == pytest.approx(10 * expected[actor]["position"])


def test_actors_are_ranked_by_their_largest_effect(small):
    for effects in pivotal(small, "median").effects.values():
        weights = [e.weight for e in effects]
        assert weights == sorted(weights, reverse=True)


def test_stencils_stay_in_range():
    assert stencil(50, 5, 0, 100) == (45, 55)
    assert stencil(100, 5, 0, 100) == (95, 100)
    assert stencil(0, 5, 0, 100) == (0, 5)
    assert np.isnan(slope(1, 2, 3, 3))


def test_json_lists_every_actor_at_every_issue_with_its_rank(small):
    document = pivotal(small, "median").to_dict()
    by_issue = {entry["issue"]: entry for entry in document["issues"]}
    assert [a["rank"] for a in by_issue["presence"]["actors"]] == [1, 2, 3, 4, 5]
    assert {a["actor"] for a in by_issue["budget"]["actors"]} == {"a", "c", "d"}
