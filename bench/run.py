"""Run every benchmark in this folder: ``python bench/run.py [NAME ...]``.

Each ``bench_NAME.py`` is a script printing its own times and ratios against a baseline it
measures in the same run; this runner only runs them one after another.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path


def main(names: list[str]) -> None:
    here = Path(__file__).parent
    scripts = sorted(here.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names]
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        sys.argv = [str(script)]  # each benchmark with its own defaults
        runpy.run_path(str(script), run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
