"""Time tawazun's ``smp`` on seeded random KTAB scenarios, against the plain-loop oracle.

Scenarios are drawn as in ``shared/reference/ktab/synthetic/README.md`` (Python's
``random.Random(8000 + 100*dims + actors)``), written as KTAB CSV and read back. Each size
runs in its own process so that its peak memory (maximum resident set) is its own. The
oracle (``oracles/smp.py``, one Python loop per KTAB loop) runs only up to
``--oracle-max`` actors, as it is cubic in actors in pure Python. "load s" is a first,
3-actor game (importing the model, loading the compiled kernel from Numba's cache: run the
tests or any SMP forecast once after an install, which compiles it); "tawazun s" is the
game itself.

Usage: ``python bench/bench_smp.py [--oracle-max 25] [--sizes 25x1 100x1 200x1 50x3]``.
KTAB's own times on this machine (-O2, from the task brief): 25 actors 1.0 s, 50 actors
18-40 s, 100 actors 172 s, 200 actors > 1000 s.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO)]


def ktab_csv(actors: int, dims: int) -> tuple[str, str]:
    """A random KTAB SMP CSV drawn exactly as the synthetic reference scenarios were."""
    seed = 8000 + 100 * dims + actors
    rng = random.Random(seed)
    name = f"smp_a{actors:02d}_d{dims}"
    header = ",".join(f"Dim{d} Position,Dim{d} Salience" for d in range(1, dims + 1))
    lines = [
        f"{name},Random SMP scenario {actors} actors {dims} dims seed {seed},{actors},{dims},",
        f"Actor,Description,Influence,{header},",
    ]
    for i in range(1, actors + 1):
        influence = round(rng.uniform(1, 100), 2)
        pos = [round(rng.uniform(0, 100), 2) for _ in range(dims)]
        total = rng.uniform(30, 100)
        w = [rng.uniform(0.05, 1) for _ in range(dims)]
        sal = [math.floor(100 * total * wd / sum(w)) / 100 for wd in w]
        cells = ",".join(f"{p:.2f},{s:.2f}" for p, s in zip(pos, sal, strict=True))
        lines.append(f"A{i:02d},Actor {i:02d},{influence:.2f},{cells},")
    return name, "\n".join(lines) + "\n"


def measure(actors: int, dims: int, oracle: bool) -> dict:
    """Run one size (in this process) and return its times and peak memory."""
    import numpy as np

    import tawazun
    from oracles.smp import run_oracle
    from tawazun.models._smp_kernel import Settings

    name, text = ktab_csv(actors, dims)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.csv"
        path.write_text(text)
        scenario = tawazun.load(path)
        # the first game imports the model and loads its compiled kernel from Numba's cache
        start = time.perf_counter()
        (Path(folder) / "first.csv").write_text(ktab_csv(3, dims)[1])
        tawazun.load(Path(folder) / "first.csv").forecast("smp")
        load = time.perf_counter() - start
    start = time.perf_counter()
    result = scenario.forecast("smp")
    fast = time.perf_counter() - start
    row = {
        "scenario": name,
        "turns": result.issues[0].details["turns"],
        "load_s": load,
        "fast_s": fast,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if oracle:
        arrays = scenario.arrays()
        start = time.perf_counter()
        slow = run_oracle(
            arrays.capability.tolist(),
            (arrays.position / 100).tolist(),
            arrays.salience.tolist(),
            Settings(),
        )
        row["oracle_s"] = time.perf_counter() - start
        ours = np.array(
            [[r["positions"][a] for a in arrays.actor_ids] for r in result.issues[0].trajectory]
        )
        row["oracle_agrees"] = (
            slow.turns == row["turns"]
            and bool(np.allclose(ours, np.array(slow.positions)[:, :, 0] * 100, atol=1e-9))
            if dims == 1
            else slow.turns == row["turns"]
        )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["25x1", "100x1", "200x1", "50x3"])
    parser.add_argument("--oracle-max", type=int, default=25)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        actors, dims, oracle = (int(x) for x in args.one.split(","))
        print(json.dumps(measure(actors, dims, bool(oracle))))
        return
    print(
        f"{'scenario':<14}{'turns':>6}{'load s':>8}{'tawazun s':>11}{'oracle s':>10}{'ratio':>8}"
        f"{'peak MiB':>10}  oracle agrees"
    )
    for size in args.sizes:
        actors, dims = (int(x) for x in size.split("x"))
        oracle = int(actors <= args.oracle_max)
        out = subprocess.run(
            [sys.executable, __file__, "--one", f"{actors},{dims},{oracle}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        row = json.loads(out.splitlines()[-1])
        slow = row.get("oracle_s")
        print(
            f"{row['scenario']:<14}{row['turns']:>6}{row['load_s']:>8.2f}{row['fast_s']:>11.2f}"
            f"{slow if slow is not None else float('nan'):>10.2f}"
            f"{(slow / row['fast_s']) if slow else float('nan'):>8.1f}"
            f"{row['peak_rss_mib']:>10.0f}  {row.get('oracle_agrees', '-')}"
        )


if __name__ == "__main__":
    main()
