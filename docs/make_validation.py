"""Regenerate the tables of docs/validation.md: ``python docs/make_validation.py``.

Runs ``tawazun backtest DEU --markdown`` with each capability scheme (the file's row and
the procedure-aware one) and writes each output between its ``<!-- backtest SCHEME begin
-->`` and ``<!-- backtest SCHEME end -->`` markers; the page's prose stays.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PAGE = Path(__file__).with_name("validation.md")
DEU = "../shared/reference/deu/deu3.csv"


def main() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for scheme in ("file-row", "procedure"):
        command = [sys.executable, "-m", "tawazun.cli", "backtest", DEU, "--markdown"]
        print("+", " ".join(command[2:]), "--capabilities", scheme, file=sys.stderr)
        output = subprocess.run(
            [*command, "--capabilities", scheme],
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
