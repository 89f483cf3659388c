"""The analyses' own argument checks, progress callbacks, and bugs that must crash."""

from __future__ import annotations

import dataclasses

import pytest

import tawazun.analysis.simulate as simulate_module
from tawazun.analysis.pivotal import pivotal
from tawazun.analysis.simulate import simulate
from tawazun.analysis.whatif import what_would_it_take
from tawazun.errors import InvalidArgument
from tawazun.models import get_model

from .conftest import bands, even_table


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda s: pivotal(s, step=-1), "step"),
        (lambda s: pivotal(s, step=0.6), "step"),
        (lambda s: what_would_it_take(s, "presence", "b3", grid=1), "grid"),
        (lambda s: what_would_it_take(s, "presence", "b3", iterations=-1), "iterations"),
        (lambda s: what_would_it_take(s, "presence", "b3", top=1), "top"),
        (lambda s: simulate(s, runs=10, workers=0), "workers"),
    ],
)
def test_bad_arguments_are_refused_by_the_api(small, call, field):
    with pytest.raises(InvalidArgument) as caught:
        call(small)
    assert caught.value.problems[0].field == field


def test_progress_reaches_the_total(small):
    for run in (
        lambda progress: pivotal(small, "median", progress=progress),
        lambda progress: what_would_it_take(small, "presence", "b3", progress=progress),
    ):
        seen: list[tuple[int, int]] = []
        run(lambda done, total, seen=seen: seen.append((done, total)))
        assert seen and seen[-1][0] == seen[-1][1] > 0
        assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:], strict=False))


def test_when_nothing_suffices_the_closest_approach_is_reported():
    result = what_would_it_take(even_table(bands(0, 90, 100)), "presence", "b1", "compromise")
    assert result.singles == [] and result.pairs == []
    closest = result.to_dict()["closest"]
    # two of four equal actors moving all the way pull the mean to 50, 40 short of the band
    assert closest["forecast"] == pytest.approx(50) and closest["distance"] == pytest.approx(40)
    assert len(closest["changes"]) == 2
    # everyone else sits at 0: a move to 100 leaves the range the others span
    assert all(change["beyond_others"] for change in closest["changes"])


@pytest.mark.parametrize("band", ["b0", "b3"])
def test_a_change_is_flagged_when_it_leaves_the_range_the_others_span(small, band):
    result = what_would_it_take(small, "presence", band, "median")
    changes = [c for entry in result.singles + result.pairs for c in entry["changes"]]
    assert changes
    for change in changes:
        others = [a for a in small.actors if a.id != change["actor"] and "presence" in a.stances]
        if change["field"] == "capability":
            span = [a.capability for a in others]
        else:
            span = [getattr(a.stances["presence"], change["field"]) for a in others]
        assert change["beyond_others"] == (not min(span) <= change["to"] <= max(span))


def test_a_model_bug_crashes_the_simulation_rather_than_counting_failed_runs(small, monkeypatch):
    def broken(arrays, seeds=None):
        raise ValueError("a kernel bug")

    spec = dataclasses.replace(get_model("compromise"), batch=broken)
    monkeypatch.setattr(simulate_module, "get_model", lambda name: spec)
    with pytest.raises(ValueError, match="a kernel bug"):
        simulate(small, "compromise", runs=10, seed=0)
