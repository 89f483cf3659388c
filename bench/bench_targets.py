"""The speed targets of issue 15, each measured on this checkout and on a baseline commit.

Run from the repository root::

    python bench/bench_targets.py                 # every target
    python bench/bench_targets.py --only simulate-eum forecast-command
    python bench/bench_targets.py --scale 0.1     # a tenth of the runs (quick look)

The baseline is "today's route" before issue 15: commit :data:`BASELINE` (the state of
``main`` when the issue was taken up), exported with ``git archive`` into a temporary
folder and run with the same interpreter and packages. Both routes run each measurement
in a fresh subprocess, one after the other, in the same run of this script; the times are
in-process (from after the imports to the end of the call) except for the targets that
are whole commands, timed as the command's wall time. With ``--scale`` below 1 the runs
of the simulations are scaled down and the times say so; the targets hold for full runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: main when issue 15 was taken up (the analyses built a Scenario per variant)
BASELINE = "5e3083a"

#: Python run in each route: prints the seconds of the measured part. ``{runs}`` is scaled.
SETUP = """
import time, tawazun
scenario = tawazun.load("iraq-2024")
issue = scenario.issues[0]
band = next(b for b in issue.bands if "withdraw" in b.label.en.lower())
"""
TARGETS: dict[str, tuple[str, float, str]] = {
    # name: (code timed after SETUP, target seconds, what)
    "simulate-eum": (
        "from tawazun.analysis.simulate import simulate\n"
        "t = time.perf_counter(); simulate(scenario, 'eum', {runs:10000}, 0)",
        5.0,
        "simulate -m eum --runs 10000, in-process",
    ),
    "simulate-smp": (
        "from tawazun.analysis.simulate import simulate\n"
        "t = time.perf_counter(); simulate(scenario, 'smp', {runs:2000}, 0)",
        20.0,
        "simulate -m smp --runs 2000, in-process",
    ),
    "simulate-exchange": (
        "from tawazun.analysis.simulate import simulate\n"
        "scenario.forecast('exchange')  # compiled (or loaded from Numba's cache) first\n"
        "t = time.perf_counter(); simulate(scenario, 'exchange', {runs:2000}, 0)",
        10.0,
        "simulate -m exchange --runs 2000, in-process",
    ),
    "whatif-smp": (
        "from tawazun.analysis.whatif import what_would_it_take\n"
        "t = time.perf_counter(); what_would_it_take(scenario, issue.id, band.id, 'smp')",
        15.0,
        "whatif -m smp (first issue, withdrawal band)",
    ),
    "whatif-eum": (
        "from tawazun.analysis.whatif import what_would_it_take\n"
        "t = time.perf_counter(); what_would_it_take(scenario, issue.id, band.id, 'eum')",
        3.0,
        "whatif -m eum (first issue, withdrawal band)",
    ),
    "pivotal-smp": (
        "from tawazun.analysis.pivotal import pivotal\n"
        "t = time.perf_counter(); pivotal(scenario, 'smp')",
        5.0,
        "pivotal -m smp",
    ),
    "eum-1000": (
        "import numpy as np\n"
        "from tawazun.models.eum import resolve_rules, simulate\n"
        "rng = np.random.default_rng(1000)\n"
        "c, s, x = rng.uniform(0.01, 1, 1000), rng.uniform(0.01, 1, 1000), "
        "rng.uniform(0, 100, 1000)\n"
        "ids = [f'a{{i}}' for i in range(1000)]\n"
        "t = time.perf_counter(); simulate(ids, c, x, s, resolve_rules('scholz2011', 1, 1), "
        "rounds=10, keep_offers=False)",
        1.5,
        "eum kernel, 1000 actors x 10 rounds (as bench_eum)",
    ),
    "smp-200": (
        "import numpy as np\n"
        "from tawazun.scenario import Scenario\n"
        "rng = np.random.default_rng(200)\n"
        "actors = [{{'id': f'a{{i}}', 'name': {{'en': f'A{{i}}'}}, "
        "'capability': float(rng.uniform(1, 100)), 'stances': {{'x': {{'position': "
        "float(rng.uniform(0, 100)), 'salience': float(rng.uniform(0.3, 1))}}}}}} "
        "for i in range(200)]\n"
        "big = Scenario.model_validate({{'id': 'smp200', 'metadata': {{'title': {{'en': 't'}}}}, "
        "'issues': [{{'id': 'x', 'name': {{'en': 'x'}}}}], 'actors': actors}})\n"
        "t = time.perf_counter(); big.forecast('smp')",
        3.0,
        "smp, 200 actors on one issue (Scenario.forecast)",
    ),
}
#: Whole commands: ``tawazun ARGS`` timed as wall time; {csv} is a 1000-actor EUM CSV.
COMMANDS: dict[str, tuple[list[str], float, str]] = {
    "forecast-command": (["forecast", "iraq-2024"], 0.5, "tawazun forecast iraq-2024"),
    "forecast-no-save": (
        ["forecast", "iraq-2024", "--no-save"],
        0.5,
        "tawazun forecast iraq-2024 --no-save (a baseline without a store: as forecast-command)",
    ),
    "eum-1000-command": (
        ["forecast", "{csv}", "-m", "eum", "--json"],
        2.0,
        "tawazun forecast FILE.csv -m eum --json (1000 actors)",
    ),
}


def baseline_source(commit: str) -> Path:
    """The ``src`` folder of ``commit``, exported once into the temporary folder."""
    folder = Path(tempfile.gettempdir()) / f"tawazun-baseline-{commit}"
    if not (folder / "src" / "tawazun").is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit, "src"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def baseline_knows(source: Path, option: str) -> bool:
    """Whether the commands of ``source`` take ``option`` (``--no-save`` came with the store)."""
    saving = source / "tawazun" / "cli" / "_saving.py"
    return saving.exists() and option in saving.read_text()


def eum_csv(folder: Path) -> Path:
    """A 1000-actor scenario in the EUM CSV format (the replication's input)."""
    import numpy as np

    rng = np.random.default_rng(1000)
    path = folder / "eum1000.csv"
    rows = ["Actor,Capability,Position,Salience"]
    for i in range(1000):
        c, x, s = rng.uniform(1, 100), rng.uniform(0, 100), rng.uniform(1, 100)
        rows.append(f"a{i},{c:.2f},{x:.2f},{s:.2f}")
    path.write_text("\n".join(rows) + "\n")
    return path


def timed_code(source: Path, code: str) -> float:
    script = SETUP + code + "\nprint(time.perf_counter() - t)\n"
    env = {**os.environ, "PYTHONPATH": str(source)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def command_environment(source: Path, store: Path) -> dict[str, str]:
    """The environment of a timed command: ``source`` first on the path, runs kept in a
    store of the benchmark's own, and bytecode written (an installed tawazun has its
    ``.pyc`` files; a ``PYTHONDONTWRITEBYTECODE`` shell would recompile every module of
    every run, and the repeats keep the best)."""
    env = {**os.environ, "PYTHONPATH": str(source), "TAWAZUN_DATABASE_URL": f"sqlite:///{store}"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed_command(source: Path, args: list[str], store: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, of the command's process) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tawazun.cli", *args],
        env=command_environment(source, store),
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def best_of(
    repeat: int, routes: dict[str, tuple[Path, Path]], args: list[str]
) -> dict[str, tuple[float, float]]:
    """The best wall and the best CPU time of ``repeat`` runs of each route (source, store),
    after one run of each to warm up. The routes take turns, so that both see the machine in
    the same state: on a shared 2-core machine a command's wall time drifts by a third
    from one minute to the next."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in routes}
    for turn in range(repeat + 1):
        for name, (source, store) in routes.items():
            timed = timed_command(source, args, store)
            if turn:
                times[name].append(timed)
    return {
        name: (min(w for w, _ in found), min(c for _, c in found)) for name, found in times.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="target names (default: all)")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the runs")
    parser.add_argument("--baseline", default=BASELINE, help="the commit to compare with")
    parser.add_argument(
        "--repeat", type=int, default=7, help="command timings per route (best kept)"
    )
    parser.add_argument(
        "--skip-baseline", nargs="*", default=[], help="targets timed on this checkout only"
    )
    args = parser.parse_args()
    here, before = ROOT / "src", baseline_source(args.baseline)
    names = args.only or [*TARGETS, *COMMANDS]
    print(f"baseline {args.baseline} ({before}); runs scaled by {args.scale:g}")
    print(f"{'target':<20}{'now s':>9}{'before s':>10}{'ratio':>8}{'target s':>10}  met")
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        csv = eum_csv(Path(folder))
        for name in names:
            if name in TARGETS:
                code, target, what = TARGETS[name]

                def runs(default: int) -> int:
                    return max(1, round(default * args.scale))

                code = code.replace("{runs:10000}", str(runs(10000)))
                code = code.replace("{runs:2000}", str(runs(2000))).format()
                now = timed_code(here, code)
                then = float("nan") if name in args.skip_baseline else timed_code(before, code)
                scaled = args.scale != 1 and name.startswith("simulate-")
            else:
                command, target, what = COMMANDS[name]
                command = [str(csv) if a == "{csv}" else a for a in command]
                # a store per route: each migrates its store to its own schema, and an
                # older tawazun refuses a store a newer one has migrated
                routes = {"now": (here, Path(folder) / "now.sqlite")}
                skip = name in args.skip_baseline or (
                    "--no-save" in command and not baseline_knows(before, "--no-save")
                )
                if not skip:
                    routes["before"] = (before, Path(folder) / "before.sqlite")
                best = best_of(args.repeat, routes, command)
                nan = (float("nan"), float("nan"))
                (now, now_cpu), (then, then_cpu) = best["now"], best.get("before", nan)
                cpu = {"now_cpu": now_cpu, "before_cpu": then_cpu}
                scaled = False
            met = "(scaled)" if scaled else ("yes" if now < target else "NO")
            print(f"{name:<20}{now:>9.2f}{then:>10.2f}{then / now:>8.1f}{target:>10.1f}  {met}")
            print(f"{'':<20}{what}", flush=True)
            results[name] = {"now": now, "before": then, "target": target, "scaled": scaled}
            if name in COMMANDS:
                now_cpu, then_cpu = cpu["now_cpu"], cpu["before_cpu"]
                print(f"{'':<20}{now_cpu:>9.2f}{then_cpu:>10.2f}{then_cpu / now_cpu:>8.1f}", end="")
                print(f"{'':>10}  CPU seconds (user + system) of the same runs", flush=True)
                results[name] |= cpu
    print(json.dumps(results))


if __name__ == "__main__":
    main()
