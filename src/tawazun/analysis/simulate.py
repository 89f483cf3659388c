"""Monte Carlo over a scenario's uncertainty: the forecast as a distribution.

``simulate(scenario, model, runs, seed)`` draws ``runs`` variants of the scenario's arrays
(see :mod:`tawazun.analysis.uncertainty`), forecasts them with the model batch by batch
(in one call per batch for a model with a batched form), and summarises each issue's
forecasts: mean, spread, quantiles, a histogram over the scale and the probability of every
labelled band. Each batch is one Dask task (:mod:`tawazun.analysis.execute`); a run's
numbers depend only on the seed and its index, never on the batching or the workers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tawazun.analysis.evaluate import forecasts
from tawazun.analysis.execute import (
    Progress,
    batch_size,
    batches,
    dask_client,
    map_batches,
    parallelism,
)
from tawazun.analysis.uncertainty import Plan, draw, plan_of
from tawazun.arrays import ScenarioArrays, to_arrays
from tawazun.errors import InvalidArgument
from tawazun.i18n import _
from tawazun.models import ModelSpec, get_model
from tawazun.result import Result, _jsonable
from tawazun.scenario import Issue, Scenario

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
HISTOGRAM_BINS = 20


def simulate_batch(
    arrays: ScenarioArrays,
    model: str,
    parameters: dict[str, Any],
    plan: Plan,
    seed: int,
    start: int,
    stop: int,
) -> np.ndarray:
    """Forecasts ``(stop - start, m)`` of runs ``start`` to ``stop - 1``: one Dask task."""
    spec = get_model(model)
    variants = draw(plan, arrays, seed, start, stop)
    return forecasts(spec, variants, parameters, model_seeds(spec, parameters, seed, start, stop))


def model_seeds(
    spec: ModelSpec, parameters: dict[str, Any], seed: int, start: int, stop: int
) -> list[int] | None:
    """Seeds for a model that draws random numbers itself, one per run, from ``seed``.

    Such a model has a ``seed`` parameter; unless the user fixed it, run ``r`` passes
    ``SeedSequence(seed, spawn_key=(r, 1))``'s first word, so the model's own randomness is
    sampled across runs and reproduced by the same ``--seed`` (the value draws use
    ``spawn_key=(r,)``).
    """
    if "seed" in parameters or "seed" not in spec.defaults:
        return None
    return [
        int(np.random.SeedSequence(seed, spawn_key=(r, 1)).generate_state(1)[0])
        for r in range(start, stop)
    ]


def band_probabilities(issue: Issue, values: np.ndarray) -> dict[str, float]:
    """Share of ``values`` (finite ones) in each band, by the scenario's own band rule.

    A value outside every band counts under the key ``""``, present only when such
    values occur; an issue without bands has no probabilities.
    """
    values = values[np.isfinite(values)]
    if not issue.bands:
        return {}
    counts = dict.fromkeys((band.id for band in issue.bands), 0)
    for value in values:
        band = issue.band_of(float(value))
        key = band.id if band else ""
        counts[key] = counts.get(key, 0) + 1
    return {
        key: count / len(values) if len(values) else float("nan") for key, count in counts.items()
    }


def issue_summary(issue: Issue, values: np.ndarray, baseline: float) -> dict[str, Any]:
    """Distribution of one issue's forecasts over the runs."""
    ok = values[np.isfinite(values)]
    band = issue.band_of(baseline)
    counts, edges = np.histogram(ok, bins=HISTOGRAM_BINS, range=(issue.scale.min, issue.scale.max))
    empty = not ok.size
    return {
        "issue": issue.id,
        "baseline": {"forecast": baseline, "band": band.id if band else None},
        "runs": int(values.size),
        "failed": int(values.size - ok.size),
        "mean": float("nan") if empty else float(ok.mean()),
        "sd": float("nan") if empty else float(ok.std()),
        "quantiles": {
            f"{q:g}": float("nan") if empty else float(np.quantile(ok, q)) for q in QUANTILES
        },
        "histogram": {"edges": edges.tolist(), "counts": counts.tolist()},
        "bands": band_probabilities(issue, values),
    }


@dataclass(frozen=True)
class Simulation:
    """The outcome of :func:`simulate`.

    Attributes
    ----------
    forecasts : ndarray, shape (runs, m)
        Run ``r``'s forecast of issue ``j``; NaN where the model could not forecast.
    baseline : Result
        The model's forecast of the scenario as stated.
    """

    scenario: Scenario
    model: str
    parameters: dict[str, Any]
    runs: int
    seed: int
    forecasts: np.ndarray
    baseline: Result
    uncertain_values: int
    execution: dict[str, Any] = field(default_factory=dict)

    def issues(self) -> list[dict[str, Any]]:
        """One summary per issue (see :func:`issue_summary`)."""
        base = self.baseline.forecasts
        return [
            issue_summary(issue, self.forecasts[:, j], base.get(issue.id, float("nan")))
            for j, issue in enumerate(self.scenario.issues)
        ]

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "scenario": self.scenario.id,
                "model": self.model,
                "parameters": self.parameters,
                "runs": self.runs,
                "seed": self.seed,
                "uncertain_values": self.uncertain_values,
                "execution": self.execution,
                "issues": self.issues(),
            }
        )


def _seconds_per_run(
    arrays: ScenarioArrays, model: str, parameters: dict[str, Any], plan: Plan, seed: int
) -> float:
    """The cost of one more run in a batch, from small trial batches (1, then 16 runs).

    A batched model's call costs about the same for one run as for many, so the cost of a
    run is the difference between the two trials; a model taking over a tenth of a second
    for one run is timed on that run alone (a second trial would cost more than it tells).
    The trials only size the batches and are not part of the results.
    """
    started = time.perf_counter()
    simulate_batch(arrays, model, parameters, plan, seed, 0, 1)
    one = time.perf_counter() - started
    if one > 0.1:
        return one
    started = time.perf_counter()
    simulate_batch(arrays, model, parameters, plan, seed, 0, 16)
    sixteen = time.perf_counter() - started
    return max((sixteen - one) / 15, sixteen / 16 / 100)


def simulate(
    scenario: Scenario,
    model: str = "compromise",
    runs: int = 1000,
    seed: int = 0,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    batch: int | None = None,
    progress: Progress | None = None,
    parameters: dict[str, Any] | None = None,
) -> Simulation:
    """Forecast ``runs`` random variants of ``scenario`` with ``model``.

    Parameters
    ----------
    scenario : Scenario
    model : str
        Any name in ``tawazun.models.available()``.
    runs : int
        Number of variants.
    seed : int
        Run ``r`` draws from ``SeedSequence(seed, spawn_key=(r,))``: the same seed gives the
        same numbers however the runs are batched and wherever they execute.
    workers, scheduler
        Where to run (see :func:`tawazun.analysis.execute.dask_client`).
    batch : int, optional
        Runs per batch; by default about half a second of work (see
        :func:`tawazun.analysis.execute.batch_size`).
    progress : callable, optional
        Called with the number of runs of every batch that finishes.
    parameters : dict, optional
        The model's parameters (a dict, since a model may have a ``seed`` of its own).

    Returns
    -------
    Simulation
    """
    if runs < 1:
        raise InvalidArgument(
            "simulate", "runs", _("runs must be at least 1 (got {runs})").format(runs=runs)
        )
    if seed < 0:
        raise InvalidArgument(
            "simulate", "seed", _("seed must be 0 or more (got {seed})").format(seed=seed)
        )
    if batch is not None and batch < 1:
        raise InvalidArgument(
            "simulate", "batch", _("batch must be at least 1 (got {batch})").format(batch=batch)
        )
    parameters = dict(parameters or {})
    spec = get_model(model)
    arrays = to_arrays(scenario)
    baseline = spec.run(arrays, **parameters)
    plan = plan_of(scenario)
    batched = spec.batch is not None
    with dask_client(workers, scheduler) as client:
        lanes = parallelism(client)
        size = batch or batch_size(
            runs, _seconds_per_run(arrays, model, parameters, plan, seed), lanes
        )
        spans = batches(runs, size)
        started = time.perf_counter()
        parts = map_batches(
            simulate_batch,
            (arrays, model, parameters, plan, seed),
            spans,
            client,
            progress,
        )
        elapsed = time.perf_counter() - started
    return Simulation(
        scenario=scenario,
        model=model,
        parameters=dict(parameters),
        runs=runs,
        seed=seed,
        forecasts=np.concatenate(parts, axis=0),
        baseline=baseline,
        uncertain_values=len(plan),
        execution={
            "where": scheduler
            or (f"local cluster, {workers} processes" if workers else "in-process"),
            "lanes": lanes,
            "batches": len(spans),
            "runs_per_batch": size,
            "vectorized": batched,
            "seconds": elapsed,
        },
    )
