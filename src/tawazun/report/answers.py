"""A documentation page's numbers, as Markdown sections generated from a report's findings.

A page (``docs/flagship-answers.md``) keeps its prose and marks each generated part with
``<!-- BEGIN generated:NAME -->`` and ``<!-- END generated:NAME -->``; :func:`fill` replaces
what lies between with :func:`sections`' output, so the numbers on the page are always the
report engine's. What the page asks (which issue, which band, which actor to take away) is
an argument: the engine knows nothing of any one scenario.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tawazun.report.analyse import Findings
from tawazun.report.html import percent
from tawazun.scenario import Issue, UnknownName

MARKER = re.compile(
    r"(<!-- BEGIN generated:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- END generated:(?P=name) -->)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Question:
    """What a page asks of the findings.

    Attributes
    ----------
    issue : str
        The issue the page is about.
    band : str
        The band whose probability, and what it would take to reach, the page reports.
    without : str or None
        An actor whose absence the page reports (one of the findings' ``without``).
    top : int
        Pivotal actors listed per model.
    """

    issue: str
    band: str
    without: str | None = None
    top: int = 5


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _band(issue: Issue, value: float) -> str:
    band = issue.band_of(value)
    return f"`{band.id}`" if band else "-"


def _both(band_id: str, calibrated: dict[str, float] | None, shares: dict[str, float]) -> str:
    """The calibrated probability of a band, then its robustness share in brackets."""
    share = percent(shares.get(band_id, 0.0))
    if calibrated is None:
        return f"- ({share})"
    return f"{percent(calibrated.get(band_id, 0.0))} ({share})"


def _legend(issue: Issue) -> str:
    """The bands' ids, ranges and labels, so that tables can name bands by id."""
    return "".join(
        f"- `{b.id}` ({b.lower:g}-{b.upper:g}): {b.label.en}"
        + (f" / {b.label.ar}" if b.label.ar else "")
        + "\n"
        for b in issue.bands
    )


def check(findings: Findings, question: Question) -> None:
    """Refuse a question the findings cannot answer, naming what is there."""
    issue = findings.scenario.issue(question.issue)
    issue.band(question.band)
    if question.without is not None and question.without not in findings.without:
        raise UnknownName(
            f"the findings were not made without {question.without!r}; "
            f"they were made without {list(findings.without)} (analyse(..., without=[...]))"
        )


def sections(findings: Findings, question: Question) -> dict[str, str]:
    """Every generated section of the page, by marker name."""
    check(findings, question)
    scenario = findings.scenario
    issue = scenario.issue(question.issue)
    target = issue.band(question.band)
    j = scenario.issues.index(issue)
    band_rows, verdicts, pivotal_rows, without_rows, whatif_rows, shock_rows = (
        [] for _ in "123456"
    )
    for found in findings.ran():
        model = found.model
        summary = found.simulation.issues()[j]
        shares = summary["bands"]
        base = summary["baseline"]["forecast"]
        calibrated = found.calibrated_bands(issue.id)
        band_rows.append(
            [model, f"{base:.1f} ({_band(issue, base)})"]
            + [_both(b.id, calibrated, shares) for b in issue.bands]
        )
        leading = calibrated if calibrated is not None else shares
        likely = max(issue.bands, key=lambda b: leading.get(b.id, 0.0))
        verdicts.append(
            f"- **{model}**: most likely `{likely.id}`, *{likely.label.en}* "
            f"({_both(likely.id, calibrated, shares)}); "
            f"`{target.id}` {_both(target.id, calibrated, shares)}."
        )
        for rank, e in enumerate(found.pivotal.effects[issue.id][: question.top], 1):
            pivotal_rows.append(
                [model, str(rank), scenario.actor(e.actor).name.en]
                + [
                    f"{v:+.1f}"
                    for v in (e.leave, e.position_10pct, e.salience_10pct, e.capability_10pct)
                ]
            )
        if question.without is not None:
            away = found.without[question.without]
            for k, other in enumerate(scenario.issues):
                stated = found.result[other.id].forecast
                alone = away.baseline.forecasts[other.id]
                probabilities = away.issues()[k]["bands"]
                likely_without = (
                    f"`{max(other.bands, key=lambda b: probabilities.get(b.id, 0.0)).id}`"
                    if other.bands
                    else "-"
                )
                without_rows.append(
                    [model, other.name.en, f"{stated:.1f} ({_band(other, stated)})"]
                    + [f"{alone:.1f} ({_band(other, alone)})", likely_without]
                )
        searched = [w for w in found.whatif.get(issue.id, []) if w.band == target.id]
        if found.result[issue.id].band == target.id:
            whatif_rows.append([model, "the forecast is already in this band", ""])
        for taken in searched:
            whatif_rows.append([model, taken.answer, ""])
            for entry in (taken.singles or taken.pairs)[:3]:
                changes = "; ".join(
                    f"{scenario.actor(c['actor']).name.en} {c['field']} "
                    f"{c['from']:.3g} → {c['to']:.3g}"
                    for c in entry["changes"]
                )
                whatif_rows.append(["", changes, f"{entry['share']:.0%}"])
            if taken.closest and not (taken.singles or taken.pairs):
                whatif_rows.append(
                    ["", f"closest approach: {taken.closest['distance']:.1f} points away", ""]
                )
        if found.shocks is not None:
            last = list(found.shocks.cumulative.values())[-1][j]
            shock_rows.append(
                [model, f"{found.shocks.baseline[j]:.1f}", f"{last:.1f} ({_band(issue, last)})"]
            )
    name = scenario.actor(question.without).name.en if question.without else ""
    return {
        "setup": (
            f"Scenario `{scenario.id}` (data as of {scenario.metadata.as_of or 'undated'}), "
            f"{len(scenario.actors)} actors; issue `{issue.id}`; {findings.runs} runs per "
            f"model, seed {findings.seed}; models: "
            f"{', '.join(m.model for m in findings.ran())}.\n"
        ),
        "bands": _legend(issue)
        + "\nEach cell: the calibrated probability of the band, then in brackets the robustness "
        "share (the share of the runs whose forecast lands in it, not a probability).\n\n"
        + _table(["model", "forecast as stated"] + [f"`{b.id}`" for b in issue.bands], band_rows),
        "verdict": "\n".join(verdicts) + "\n",
        "pivotal": _table(
            ["model", "#", "actor", "leaves", "position ±10%", "salience ±10%", "capability ±10%"],
            pivotal_rows,
        ),
        "without": (
            _table(
                ["model", "issue", f"with {name}", f"without {name}", "most likely without"],
                without_rows,
            )
            if question.without
            else ""
        ),
        "whatif": _table(["model", "what it takes", "share of range"], whatif_rows),
        "shocks": (
            _table(["model", "without events", "after every event"], shock_rows)
            if shock_rows
            else "The scenario states no events.\n"
        ),
    }


def fill(page: str, generated: dict[str, str]) -> str:
    """The page with every marked section replaced; a section without a marker is an error."""
    missing = set(generated) - {m.group("name") for m in MARKER.finditer(page)}
    if missing:
        raise UnknownName(f"the page has no markers for {sorted(missing)}")

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        body = generated.get(name, match.group("body"))
        return f"{match.group(1)}{body}{match.group(4)}"

    return MARKER.sub(replace, page)
