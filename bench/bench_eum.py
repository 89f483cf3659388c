"""Benchmark of the expected utility model: the vectorised kernels against the plain-loop oracle.

Run from the repository root:  ``python bench/bench_eum.py`` (or ``python bench/run.py eum``)

Seeded random scenarios (capability and salience U(0.01, 1), positions U(0, 100)) of 20,
100, 200 and 1000 actors, 10 rounds each, default variant (``scholz2011``). The baseline
is ``oracles/eum.py``, run in the same process: 10 rounds at 20 actors, one
round at 100 (its rounds cost O(n^3) in Python; the replication's own code costs O(n^6)).
The ratio compares time per round. Peak memory is the tracemalloc peak of a second,
traced run (NumPy reports its buffers to tracemalloc) and the process's peak RSS.
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from oracles.eum import run_oracle  # noqa: E402
from tawazun.models.eum import resolve_rules, simulate  # noqa: E402

SIZES = (20, 100, 200, 1000)
ROUNDS = 10
ORACLE_ROUNDS = {20: 10, 100: 1}


def scenario(n: int, seed: int) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ids = [f"a{i:04d}" for i in range(n)]
    return ids, rng.uniform(0.01, 1, n), rng.uniform(0, 100, n), rng.uniform(0.01, 1, n)


def timed(function, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - start, value


def main() -> None:
    rules = resolve_rules("scholz2011", 1.0, 1.0)
    print(f"eum benchmark: {ROUNDS} rounds, variant scholz2011, seeded random scenarios")
    header = (
        f"{'actors':>6} {'offers kept':>11} {'time s':>8} {'s/round':>8} {'peak MiB':>9} "
        f"{'offers':>9} {'oracle s/round':>15} {'ratio':>8}"
    )
    print(header)
    for n in SIZES:
        ids, capability, position, salience = scenario(n, seed=n)
        oracle_per_round = None
        if n in ORACLE_ROUNDS:
            oracle_time, _ = timed(
                run_oracle,
                list(capability),
                list(position),
                list(salience),
                rounds=ORACLE_ROUNDS[n],
            )
            oracle_per_round = oracle_time / ORACLE_ROUNDS[n]
        for keep in (True, False) if n == 1000 else (True,):
            elapsed, (trajectory, _) = timed(
                simulate, ids, capability, position, salience, rules, ROUNDS, None, keep
            )
            tracemalloc.start()
            simulate(ids, capability, position, salience, rules, ROUNDS, None, keep)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            made = sum(len(e.get("offers", {}).get("type", [])) for e in trajectory[1:])
            per_round = elapsed / ROUNDS
            oracle = f"{oracle_per_round:15.3f}" if oracle_per_round else f"{'not run':>15}"
            ratio = f"{oracle_per_round / per_round:7.0f}x" if oracle_per_round else f"{'-':>8}"
            print(
                f"{n:6d} {'all' if keep else 'accepted':>11} {elapsed:8.3f} {per_round:8.4f} "
                f"{peak:9.1f} {made if keep else '-':>9} {oracle} {ratio}"
            )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the process: {rss:.0f} MiB")
    print(
        "oracle: 10 rounds at 20 actors, 1 round at 100 actors, not run above "
        "(O(n^3) Python loops a round); ratio = oracle time per round / model time per round"
    )


if __name__ == "__main__":
    main()
