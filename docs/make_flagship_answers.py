"""Regenerate docs/flagship-answers.md and the flagship's reports from the shipped Iraq scenario.

Usage::

    python docs/make_flagship_answers.py [SCENARIO] [--issue us-presence]
        [--band full-withdrawal] [--without us] [--model NAME ...] [--runs 2000] [--seed 0]
        [--grid 8] [--stdout] [--no-reports]

``SCENARIO`` is a file or a shipped id (default ``iraq-2024``). Without ``--model`` every
registered model is used. The report engine (``tawazun.report``) runs every analysis once;
from its findings the page's generated parts (between ``<!-- BEGIN generated:NAME -->`` and
``<!-- END generated:NAME -->``) are rewritten, the prose kept, and the full report is
written in English and Arabic as ``docs/flagship-report.en.pdf`` and
``docs/flagship-report.ar.pdf``. What the page asks of the Iraq case (the US presence
issue, the full-withdrawal band, the US actor taken away) is given here as arguments: the
library knows nothing of this scenario.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import tawazun
from tawazun.report import analyse, write_report
from tawazun.report.answers import Question, fill, sections

DOCS = Path(__file__).parent
PAGE = DOCS / "flagship-answers.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="iraq-2024")
    parser.add_argument("--issue", default="us-presence")
    parser.add_argument("--band", default="full-withdrawal", help="the band the page asks about")
    parser.add_argument("--without", default="us", help="the actor the page takes away")
    parser.add_argument("--model", action="append", dest="models")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--grid", type=int, default=8, help="the what-would-it-take grid")
    parser.add_argument("--stdout", action="store_true", help="print the page, write nothing")
    parser.add_argument("--no-reports", action="store_true", help="do not write the PDFs")
    args = parser.parse_args()
    scenario = tawazun.load(args.scenario)
    findings = analyse(
        scenario,
        args.models,
        args.runs,
        args.seed,
        grid=args.grid,
        without=[args.without],
        log=lambda message: print(message, file=sys.stderr),
    )
    question = Question(args.issue, args.band, without=args.without)
    page = fill(PAGE.read_text(encoding="utf-8"), sections(findings, question))
    if args.stdout:
        sys.stdout.write(page)
        return
    PAGE.write_text(page, encoding="utf-8")
    print(f"wrote {PAGE}", file=sys.stderr)
    if not args.no_reports:
        for lang in ("en", "ar"):
            written = write_report(findings, DOCS / f"flagship-report.{lang}.pdf", lang)
            print(f"wrote {written}", file=sys.stderr)


if __name__ == "__main__":
    main()
