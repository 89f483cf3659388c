"""The report as PDF, printed by headless Chromium from the same HTML page.

Why Chromium rather than WeasyPrint: the page's figures are drawn by plotly.js, which
WeasyPrint cannot run (it would need each figure exported to an image by yet another
browser), while Chromium prints them as vector graphics from the very page a reader opens;
and Chromium shapes and orders Arabic with HarfBuzz and ICU's bidi algorithm, so the
printed Arabic is the Arabic of the page (``tests/report`` checks the PDF's text with
``pdftotext`` and writes screenshots of its first pages). The embedded Noto fonts are
subset into the PDF by Chromium.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tawazun.i18n import _
from tawazun.report.fonts import ReportError

#: Browsers tried in turn (Debian's package is ``chromium``), unless TAWAZUN_CHROMIUM names one.
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")
TIMEOUT = 180


class NoBrowser(ReportError):
    """No headless Chromium to print a PDF with."""


def browser() -> str:
    """The Chromium executable to print with."""
    named = os.environ.get("TAWAZUN_CHROMIUM")
    for candidate in [named] if named else BROWSERS:
        found = shutil.which(candidate)
        if found:
            return found
    raise NoBrowser(
        _(
            "printing a PDF needs Chromium: install Debian's chromium (apt-get install "
            "chromium) or name the browser in TAWAZUN_CHROMIUM; or write HTML (-o FILE.html)"
        )
    )


def html_to_pdf(html: str, target: Path) -> None:
    """Print ``html`` (a self-contained page) to the PDF file ``target``."""
    executable = browser()
    with tempfile.TemporaryDirectory(prefix="tawazun-pdf-") as work:
        page = Path(work) / "report.html"
        page.write_text(html, encoding="utf-8")
        printed = Path(work) / "report.pdf"
        command = [
            executable,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",  # as root (CI, containers) Chromium refuses to start otherwise
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--no-pdf-header-footer",
            f"--user-data-dir={Path(work) / 'profile'}",
            "--virtual-time-budget=20000",
            "--run-all-compositor-stages-before-draw",
            f"--print-to-pdf={printed}",
            page.as_uri(),
        ]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise ReportError(
                _("Chromium did not print the report within {seconds} s").format(seconds=TIMEOUT)
            ) from None
        if not printed.is_file() or printed.stat().st_size == 0:
            raise ReportError(
                _("Chromium printed no PDF (exit status {status}): {error}").format(
                    status=run.returncode, error=run.stderr.strip()[-500:]
                )
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(printed), target)
