"""Regenerate the numbers of docs/flagship-answers.md from the shipped Iraq scenario.

Usage::

    python docs/make_flagship_answers.py [SCENARIO] [--issue us-presence] [--band ID]
        [--us-actor ID] [--model NAME ...] [--runs 2000] [--seed 0] [--stdout]

``SCENARIO`` is a file or a shipped id (default ``iraq-2024``). Without ``--model`` every
registered model is used. The page's prose stays; only the parts between
``<!-- BEGIN generated:NAME -->`` and ``<!-- END generated:NAME -->`` are rewritten.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import tawazun
from tawazun.analysis.report import fill, flagship_sections, question_for

PAGE = Path(__file__).with_name("flagship-answers.md")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="iraq-2024")
    parser.add_argument("--issue", default="us-presence")
    parser.add_argument("--band", help="the full-withdrawal band (default: found by label)")
    parser.add_argument("--us-actor", help="the United States' actor id (default: found)")
    parser.add_argument("--model", action="append", dest="models")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stdout", action="store_true", help="print the page, do not write it")
    args = parser.parse_args()
    scenario = tawazun.load(args.scenario)
    question = question_for(
        scenario,
        args.issue,
        args.band,
        args.us_actor,
        args.models,
        runs=args.runs,
        seed=args.seed,
        log=lambda message: print(message, file=sys.stderr),
    )
    page = fill(PAGE.read_text(encoding="utf-8"), flagship_sections(scenario, question))
    if args.stdout:
        sys.stdout.write(page)
    else:
        PAGE.write_text(page, encoding="utf-8")
        print(f"wrote {PAGE}", file=sys.stderr)


if __name__ == "__main__":
    main()
