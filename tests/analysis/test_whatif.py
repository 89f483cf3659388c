"""What would it take, checked against the compromise model solved in closed form."""

from __future__ import annotations

import numpy as np
import pytest

from tawazun.analysis.whatif import what_would_it_take
from tawazun.scenario import Scenario

from .conftest import bands, even_table, scenario_with, small_raw


def smallest_share_closed_form(scenario: Scenario, issue: str, target: float) -> float:
    """Smallest share of its range by which one actor's attribute brings the mean to ``target``."""
    rows = [
        (a.capability, a.stances[issue].salience / 100, a.stances[issue].position)
        for a in scenario.actors
        if issue in a.stances
    ]
    c_span = 2 * max(c for c, _, _ in rows)
    shares = []
    for k, (c, s, x) in enumerate(rows):
        others = [r for j, r in enumerate(rows) if j != k]
        a_rest = sum(cc * ss * xx for cc, ss, xx in others)
        b_rest = sum(cc * ss for cc, ss, _ in others)
        total = b_rest + c * s
        new_x = x + (target * total - (a_rest + c * s * x)) / (c * s)
        if 0 <= new_x <= 100:
            shares.append(abs(new_x - x) / 100)
        if x != target:
            new_c = (target * b_rest - a_rest) / (s * (x - target))
            if 0 <= new_c <= c_span:
                shares.append(abs(new_c - c) / c_span)
            new_s = (target * b_rest - a_rest) / (c * (x - target))
            if 0 <= new_s <= 1:
                shares.append(abs(new_s - s))
    return min(shares)


@pytest.mark.parametrize(("band", "edge"), [("b2", 45.0), ("b1", 45.0), ("b3", 75.0)])
def test_compromise_smallest_single_change_matches_the_closed_form(band, edge):
    scenario = Scenario.model_validate(small_raw())
    baseline = scenario.forecast("compromise")["presence"].forecast
    result = what_would_it_take(scenario, "presence", band, "compromise")
    if scenario.issue("presence").band_of(baseline).id == band:
        assert result.answer == "the forecast is already in this band"
        return
    assert result.answer == "a change of one actor suffices"
    best = result.singles[0]
    assert best["share"] == pytest.approx(
        smallest_share_closed_form(scenario, "presence", edge), abs=1e-4
    )
    assert [s["share"] for s in result.singles] == sorted(s["share"] for s in result.singles)


@pytest.mark.parametrize("model", ["compromise", "median"])
def test_every_reported_change_lands_in_the_band(small, model):
    for band in ("b0", "b3"):
        result = what_would_it_take(small, "presence", band, model)
        for entry in result.singles + result.pairs:
            arrays = small.arrays()
            for change in entry["changes"]:
                i = arrays.actor_index(change["actor"])
                if change["field"] == "capability":
                    arrays.capability[i] = change["to"]
                elif change["field"] == "salience":
                    arrays.salience[i, 0] = change["to"] / small.salience_scale
                else:
                    arrays.position[i, 0] = change["to"]
            forecast = scenario_with(small, arrays).forecast(model)["presence"]
            assert forecast.band == band


def test_when_one_actor_cannot_two_together_may():
    scenario = even_table(bands(0, 45, 100))
    result = what_would_it_take(scenario, "presence", "b1", "compromise")
    assert result.singles == []
    assert result.answer == "no change of one actor suffices; a change of two actors does"
    best = result.pairs[0]
    # Two of four equal actors moving to 100 * share pull the mean to 50 * share.
    assert best["share"] == pytest.approx(0.9, abs=1e-4)
    assert {c["field"] for c in best["changes"]} == {"position"}


def test_when_nothing_searched_suffices_the_answer_says_so():
    result = what_would_it_take(even_table(bands(0, 90, 100)), "presence", "b1", "compromise")
    assert result.singles == [] and result.pairs == []
    assert result.answer.startswith("no change of one actor suffices, nor of two")
    assert result.to_dict()["answer"] == result.answer


def test_unknown_bands_are_refused(small):
    with pytest.raises(KeyError, match="no band 'nope'"):
        what_would_it_take(small, "presence", "nope")
    assert np.isfinite(what_would_it_take(small, "presence", "b0").baseline)
