"""Regenerate the tables of docs/validation.md and the shipped calibrations.

``python docs/make_validation.py`` runs ``tawazun backtest DEU --markdown`` with each
capability scheme (the file's row and the procedure-aware one) and writes each output
between its ``<!-- backtest SCHEME begin -->`` and ``<!-- backtest SCHEME end -->``
markers; the page's prose stays. The file-row run adds ``--calibration`` (the
out-of-sample check of the calibrated distributions) and ``--save-calibration``, which
rewrites ``src/tawazun/data/calibration-deu3.json``, the calibrations ``forecast`` and
``simulate`` use. ``tests/validation/test_validation_doc.py`` fails when the tables no
longer match what the code computes.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PAGE = Path(__file__).with_name("validation.md")
DEU = "../shared/reference/deu/deu3.csv"
#: Each documented run: the capability scheme and the options beyond --markdown.
RUNS = {
    "file-row": ["--calibration", "--save-calibration", "src/tawazun/data/calibration-deu3.json"],
    "procedure": [],
}


def main() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for scheme, extra in RUNS.items():
        command = [sys.executable, "-m", "tawazun.cli", "backtest", DEU, "--markdown"]
        command += ["--capabilities", scheme, *extra]
        print("+", " ".join(command[2:]), file=sys.stderr)
        output = subprocess.run(
            command,
            check=True,
            capture_output=True,
            text=True,
            cwd=PAGE.parent.parent,
        ).stdout
        marker = re.compile(
            rf"(<!-- backtest {scheme} begin -->\n).*?(<!-- backtest {scheme} end -->)", re.S
        )
        page, found = marker.subn(lambda m, table=output: m.group(1) + table + m.group(2), page)
        if not found:
            raise SystemExit(f"{PAGE}: no markers for {scheme}")
    PAGE.write_text(page, encoding="utf-8")
    print(f"wrote {PAGE}", file=sys.stderr)


if __name__ == "__main__":
    main()
