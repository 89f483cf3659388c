"""Benchmark ``tawazun simulate``: runs per second by model, in-process and on a local cluster.

Usage::

    python bench/bench_simulate.py [SCENARIO] [--model NAME:RUNS ...] [--workers K]

``SCENARIO`` is a file or a shipped id (default ``iraq-2024``). Models default to
``compromise:10000`` and ``eum:2000``, the targets of issue 7 (each under 30 s on a
2-core machine); models that are not registered are skipped, and the script says so.

The baseline, measured in the same run on a sample of the runs, is the naive loop: build
each variant as a dict, validate it into a Scenario, and call ``scenario.forecast``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import tawazun
from tawazun.analysis.simulate import simulate
from tawazun.analysis.uncertainty import draw, plan_of
from tawazun.models import available
from tawazun.scenario import Scenario

BASELINE_SAMPLE = 100


def naive_seconds_per_run(scenario: Scenario, model: str, runs: int) -> float:
    """Validate every variant from scratch and forecast it: the straightforward loop."""
    batch = draw(plan_of(scenario), scenario.arrays(), 0, 0, runs)
    started = time.perf_counter()
    for b in range(runs):
        raw = scenario.model_dump()
        for i, actor in enumerate(raw["actors"]):
            actor["capability"] = float(batch.capability[b, i])
            for j, issue in enumerate(scenario.issues):
                stance = actor["stances"].get(issue.id)
                if stance is not None:
                    stance["position"] = float(batch.position[b, i, j])
                    stance["salience"] = float(batch.salience[b, i, j] * scenario.salience_scale)
        Scenario.model_validate(raw).forecast(model)
    return (time.perf_counter() - started) / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="iraq-2024")
    parser.add_argument("--model", action="append", dest="models", metavar="NAME:RUNS")
    parser.add_argument("--workers", type=int, default=2, help="local cluster size (0: skip)")
    args = parser.parse_args()
    scenario = tawazun.load(args.scenario)
    print(
        f"scenario {scenario.id}: {len(scenario.actors)} actors, {len(scenario.issues)} issues, "
        f"{len(plan_of(scenario))} uncertain values"
    )
    registered = available()
    for entry in args.models or ["compromise:10000", "eum:2000"]:
        name, _, runs_text = entry.partition(":")
        runs = int(runs_text or 1000)
        if name not in registered:
            print(f"{name}: skipped, not a registered model ({', '.join(registered)})")
            continue
        naive = naive_seconds_per_run(scenario, name, min(BASELINE_SAMPLE, runs))
        print(f"{name}: {runs} runs; naive loop {naive * 1e3:.2f} ms/run -> {naive * runs:.1f} s")
        targets = [("in-process", {})]
        if args.workers:
            targets.append((f"local cluster of {args.workers}", {"workers": args.workers}))
        reference = None
        for label, where in targets:
            started = time.perf_counter()
            result = simulate(scenario, name, runs, seed=0, **where)
            total = time.perf_counter() - started
            if reference is None:
                reference = result.forecasts
            same = np.array_equal(result.forecasts, reference, equal_nan=True)
            print(
                f"  {label:<22} {total:7.2f} s total ({result.execution['seconds']:.2f} s of runs, "
                f"{result.execution['batches']} batches of {result.execution['runs_per_batch']}, "
                f"vectorized={result.execution['vectorized']}); {runs / total:9.0f} runs/s; "
                f"x{naive * runs / total:.1f} vs naive; {'under' if total < 30 else 'OVER'} 30 s; "
                f"same numbers as in-process: {same}"
            )


if __name__ == "__main__":
    main()
