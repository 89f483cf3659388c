"""Monte Carlo runs: reproducible whatever the batching and wherever they execute."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from distributed import LocalCluster

import tawazun.analysis.simulate as simulate_module
from tawazun.analysis.execute import batch_size, batches
from tawazun.analysis.simulate import band_probabilities, simulate
from tawazun.errors import InvalidArgument
from tawazun.scenario import Scenario

from .conftest import small_raw


def test_same_seed_same_numbers_different_seed_different_numbers(small):
    first = simulate(small, "compromise", runs=200, seed=3)
    again = simulate(small, "compromise", runs=200, seed=3, batch=7)
    other = simulate(small, "compromise", runs=200, seed=4)
    np.testing.assert_array_equal(first.forecasts, again.forecasts)
    assert not np.array_equal(first.forecasts, other.forecasts)


def test_results_on_a_dask_cluster_equal_the_in_process_ones(small):
    local = simulate(small, "median", runs=120, seed=9)
    # Worker threads in this process, but a real TCP scheduler on the loopback interface, so
    # the scenario travels to the workers as it would to remote ones.
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        done: list[int] = []
        remote = simulate(
            small,
            "median",
            runs=120,
            seed=9,
            scheduler=cluster.scheduler_address,
            batch=13,
            progress=done.append,
        )
    np.testing.assert_array_equal(local.forecasts, remote.forecasts)
    assert remote.execution["batches"] == 10
    assert sorted(done) == [3] + [13] * 9


def test_progress_counts_every_run_in_process(small):
    done: list[int] = []
    simulate(small, "median", runs=100, seed=0, batch=30, progress=done.append)
    assert sorted(done) == [10, 30, 30, 30]


def test_the_model_by_model_route_gives_the_vectorized_numbers(small, monkeypatch):
    fast = simulate(small, "compromise", runs=50, seed=1).forecasts
    plain = dataclasses.replace(simulate_module.get_model("compromise"), batch=None)
    monkeypatch.setattr(simulate_module, "get_model", lambda name: plain)
    slow = simulate(small, "compromise", runs=50, seed=1)
    assert not slow.execution["vectorized"]
    np.testing.assert_allclose(slow.forecasts, fast, rtol=1e-12)


def test_without_uncertainty_every_run_is_the_forecast():
    fixed = {"distribution": "fixed", "spread": 0}
    scenario = Scenario.model_validate(
        small_raw(uncertainty={"position": fixed, "salience": fixed, "capability": fixed})
    )
    result = simulate(scenario, "compromise", runs=20, seed=0)
    assert result.uncertain_values == 0
    summary = result.issues()[0]
    assert summary["sd"] == pytest.approx(0, abs=1e-9)
    assert summary["mean"] == pytest.approx(summary["baseline"]["forecast"])
    assert summary["bands"][summary["baseline"]["band"]] == 1


def test_summaries_add_up(small):
    result = simulate(small, "median", runs=400, seed=2)
    presence, budget = result.issues()
    assert sum(presence["bands"].values()) == pytest.approx(1)
    assert sum(presence["histogram"]["counts"]) == 400
    assert (
        presence["quantiles"]["0.05"]
        <= presence["quantiles"]["0.5"]
        <= presence["quantiles"]["0.95"]
    )
    assert budget["bands"] == {}
    assert presence["bands"]["b1"] == pytest.approx(
        np.mean((result.forecasts[:, 0] >= 15) & (result.forecasts[:, 0] < 45))
    )


def test_band_probabilities_count_values_outside_every_band(small):
    issue = small.issue("presence").model_copy(update={"bands": small.issue("presence").bands[:2]})
    shares = band_probabilities(issue, np.array([5.0, 20.0, 50.0, 90.0, np.nan]))
    assert shares == {"b0": 0.25, "b1": 0.25, "": 0.5}


def test_batches_cover_every_run_once_and_sizes_follow_the_cost():
    spans = batches(103, 10)
    assert spans[0] == (0, 10) and spans[-1] == (100, 103)
    assert sum(stop - start for start, stop in spans) == 103
    assert batch_size(10_000, 1e-3, lanes=2) == 500  # half a second of work
    assert batch_size(10_000, 1e-6, lanes=2) == 1250  # at least four batches per lane
    assert batch_size(3, 10.0, lanes=2) == 1


@pytest.mark.parametrize("bad", [{"runs": 0}, {"seed": -1}, {"batch": 0}])
def test_bad_arguments_are_refused(small, bad):
    with pytest.raises(InvalidArgument):
        simulate(small, "compromise", **{"runs": 10, "seed": 0, **bad})


def test_a_model_with_its_own_randomness_gets_a_seed_per_run(reference):
    import tawazun

    stated = tawazun.load(reference / "ktab" / "synthetic" / "smp_a10_d3.csv")
    fixed = {"distribution": "fixed", "spread": 0}
    scenario = Scenario.model_validate(
        {
            **stated.model_dump(),
            "uncertainty": {"position": fixed, "salience": fixed, "capability": fixed},
        }
    )
    stochastic = {"state_transitions": "Stochastic"}
    runs = simulate(scenario, "smp", 12, seed=3, parameters=stochastic).forecasts
    assert len({tuple(row) for row in runs.round(9)}) > 1  # the model's draws vary by run
    again = simulate(scenario, "smp", 12, seed=3, batch=5, parameters=stochastic).forecasts
    np.testing.assert_array_equal(runs, again)
    pinned = simulate(scenario, "smp", 6, seed=3, parameters={**stochastic, "seed": 11})
    assert len({tuple(row) for row in pinned.forecasts.round(9)}) == 1


def test_bulk_parameters_leave_forecasts_unchanged():
    import tawazun
    from tawazun.analysis.evaluate import run_one
    from tawazun.models import available

    scenario = tawazun.load("iraq-2024")
    for name, spec in available().items():
        if spec.bulk:
            full = scenario.forecast(name).forecasts
            assert run_one(spec, scenario.arrays(), {}).tolist() == [
                full[issue.id] for issue in scenario.issues
            ]
