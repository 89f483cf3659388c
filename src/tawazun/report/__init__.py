"""Reports an editor can publish: one self-contained page (HTML or PDF), in English or Arabic.

::

    from tawazun.report import analyse, write_report

    findings = analyse(scenario, ["compromise", "eum"], runs=1000)
    write_report(findings, "iraq.pdf", lang="ar")

:func:`analyse` runs every analysis once (:mod:`tawazun.report.analyse`); the findings are
rendered in any language (:mod:`tawazun.report.html`), printed to PDF by headless Chromium
(:mod:`tawazun.report.pdf`), or summarised as Markdown for a documentation page
(:mod:`tawazun.report.answers`). The report calls the public API only and holds nothing
specific to one scenario.
"""

from __future__ import annotations

from pathlib import Path

from tawazun.errors import InvalidArgument
from tawazun.i18n import _
from tawazun.report.analyse import Findings, ModelFindings, analyse
from tawazun.report.fonts import MissingFont, ReportError
from tawazun.report.html import render
from tawazun.report.pdf import NoBrowser, html_to_pdf

FORMATS = (".html", ".htm", ".pdf")


def write_report(findings: Findings, path: str | Path, lang: str = "en") -> Path:
    """Write the report to ``path``: HTML or PDF by its extension."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidArgument(
            "report",
            "-o",
            _("{path}: a report is written as .html or .pdf").format(path=target),
        )
    if suffix == ".pdf":
        html_to_pdf(render(findings, lang, static=True), target)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(findings, lang), encoding="utf-8")
    return target


__all__ = [
    "Findings",
    "MissingFont",
    "ModelFindings",
    "NoBrowser",
    "ReportError",
    "analyse",
    "render",
    "write_report",
]
