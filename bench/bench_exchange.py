"""Benchmark of the exchange model: the compiled kernel against the plain oracle.

Runs seeded random scenarios (uniform positions on 0-100, saliences and capabilities on
0.05-1, every actor on every issue), 10 rounds each, times tawazun's kernel, times the
oracle (``oracles/exchange.py``, a statement-by-statement transcription of
decide-exchange-model in Python floats) where it finishes in reasonable time, and checks
that both realise the same exchanges and give the same votes.

The kernel is compiled by Numba on its first call and cached on disk; that first call is
timed on its own, on a tiny scenario, before the cases.

    python bench/bench_exchange.py            # 30x5, 100x5, 100x20
    python bench/bench_exchange.py --quick    # 30x5 only

For scale: decide-exchange-model itself (Decimal arithmetic) takes about 164 s of CPU for
100 actors x 5 issues x 10 rounds and about 14 minutes for one round of 100 x 20.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from oracles import exchange as exchange_oracle  # noqa: E402
from tawazun.models._exchange_kernel import simulate  # noqa: E402

#: (actors, issues, rounds, whether to run the oracle too)
CASES = [(30, 5, 10, True), (100, 5, 10, True), (100, 20, 10, False)]
TARGETS = {(100, 5): 1.0, (100, 20): 20.0}


def scenario(n: int, m: int, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    position = rng.uniform(0, 100, (n, m))
    salience = rng.uniform(0.05, 1, (n, m))
    capability = rng.uniform(0.05, 1, n)
    return position, salience, capability, np.ones((n, m), dtype=bool)


def timed(function, *args, **kwargs):
    """The result and the CPU seconds it took (wall time swings with other jobs on the
    machine; decide's figures above are CPU seconds too)."""
    start = time.process_time()
    out = function(*args, **kwargs)
    return out, time.process_time() - start


def same(fast, slow) -> bool:
    for mine, theirs in zip(fast, slow, strict=True):
        if [r.index for r in mine.realized] != [c.index for c, _, _ in theirs["realized"]]:
            return False
        if not np.allclose(mine.voting, theirs["voting"], atol=1e-9, equal_nan=True):
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the 30 x 5 case")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    cases = CASES[:1] if args.quick else CASES
    _, first_call = timed(simulate, *scenario(4, 2, args.seed), rounds=1)
    print(f"first call (compiles the kernel, or loads it from Numba's cache): {first_call:.2f} s")
    print(f"{'case':>12} {'exchanges':>10} {'kernel':>9} {'oracle':>9} {'ratio':>7}  same")
    print(f"{'':>12} {'':>10} {'CPU s':>9} {'CPU s':>9}")
    for n, m, rounds, run_oracle in cases:
        data = scenario(n, m, args.seed)
        fast, kernel_time = timed(simulate, *data, rounds=rounds)
        count = sum(len(r.realized) for r in fast)
        oracle_time, ratio, agree = float("nan"), float("nan"), "-"
        if run_oracle:
            slow, oracle_time = timed(exchange_oracle.run, *data, rounds=rounds)
            ratio = oracle_time / kernel_time
            agree = "yes" if same(fast, slow) else "NO"
        target = TARGETS.get((n, m))
        note = f"  (target < {target:g} s)" if target else ""
        print(
            f"{n:>4}x{m:<3}x{rounds:<3} {count:>10} {kernel_time:>9.2f} {oracle_time:>9.2f} "
            f"{ratio:>7.1f}  {agree}{note}"
        )


if __name__ == "__main__":
    main()
