"""The numbers of ``docs/flagship-answers.md``, as Markdown sections generated from a scenario.

The page keeps its prose and marks each generated part with
``<!-- BEGIN generated:NAME -->`` and ``<!-- END generated:NAME -->``; :func:`fill` replaces
what lies between with :func:`flagship_sections`' output, so the numbers on the page are
always the script's (``docs/make_flagship_answers.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tawazun.analysis.pivotal import pivotal
from tawazun.analysis.shocks import shocks
from tawazun.analysis.simulate import simulate
from tawazun.analysis.values import without_actor
from tawazun.analysis.whatif import what_would_it_take
from tawazun.models import available
from tawazun.scenario import Actor, Band, Issue, Scenario, UnknownName

MARKER = re.compile(
    r"(<!-- BEGIN generated:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- END generated:(?P=name) -->)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Question:
    """What the page asks of the scenario: the issue, the withdrawal band, the US actor."""

    issue: Issue
    withdrawal: Band
    us: Actor
    models: list[str]
    runs: int = 2000
    seed: int = 0
    top: int = 5
    log: Callable[[str], None] = field(default=lambda message: None)


def find_withdrawal_band(issue: Issue) -> Band:
    """The band whose English label says withdrawal (``full`` preferred)."""
    found = [b for b in issue.bands if "withdraw" in b.label.en.lower()]
    found.sort(key=lambda b: "full" not in b.label.en.lower())
    if not found:
        raise UnknownName(
            f"issue {issue.id!r} has no band labelled as a withdrawal; bands are "
            f"{[b.id for b in issue.bands]} (name one with --band)"
        )
    return found[0]


def find_us(scenario: Scenario) -> Actor:
    """The actor standing for the United States (by id ``us``/``usa`` or by name)."""
    for actor in scenario.actors:
        if actor.id.lower() in ("us", "usa", "united-states") or "United States" in actor.name.en:
            return actor
    raise UnknownName(
        f"no actor looks like the United States; actors are {[a.id for a in scenario.actors]} "
        "(name one with --us-actor)"
    )


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _band(issue: Issue, value: float) -> str:
    band = issue.band_of(value)
    return f"`{band.id}`" if band else "-"


def _legend(issue: Issue) -> str:
    """The bands' ids, ranges and labels, so that tables can name bands by id."""
    return "".join(
        f"- `{b.id}` ({b.lower:g}-{b.upper:g}): {b.label.en}"
        + (f" / {b.label.ar}" if b.label.ar else "")
        + "\n"
        for b in issue.bands
    )


def _pct(share: float) -> str:
    return f"{share:.0%}" if share == share else "-"


def flagship_sections(scenario: Scenario, question: Question) -> dict[str, str]:
    """Every generated section of the page, by marker name."""
    issue, us = question.issue, question.us
    j = scenario.issues.index(issue)
    band_rows, pivotal_rows, without_rows, whatif_rows, shock_rows = [], [], [], [], []
    verdicts = []
    gone = without_actor(scenario, us.id)
    for model in question.models:
        question.log(f"{model}: simulate {question.runs} runs")
        result = simulate(scenario, model, question.runs, question.seed)
        summary = result.issues()[j]
        base = summary["baseline"]["forecast"]
        band_rows.append(
            [model, f"{base:.1f} ({_band(issue, base)})"]
            + [_pct(summary["bands"].get(b.id, 0.0)) for b in issue.bands]
        )
        likely = max(issue.bands, key=lambda b: summary["bands"].get(b.id, 0.0))
        verdicts.append(
            f"- **{model}**: most likely `{likely.id}`, *{likely.label.en}* "
            f"({_pct(summary['bands'][likely.id])}); full withdrawal "
            f"{_pct(summary['bands'].get(question.withdrawal.id, 0.0))}."
        )
        question.log(f"{model}: pivotal actors")
        effects = pivotal(scenario, model).effects[issue.id][: question.top]
        for rank, e in enumerate(effects, 1):
            pivotal_rows.append(
                [model, str(rank), scenario.actor(e.actor).name.en]
                + [
                    f"{v:+.1f}"
                    for v in (e.leave, e.position_10pct, e.salience_10pct, e.capability_10pct)
                ]
            )
        question.log(f"{model}: without {us.id}")
        away = simulate(gone, model, question.runs, question.seed)
        stated, stated_without = result.baseline.forecasts, away.baseline.forecasts
        for other, away_summary in zip(scenario.issues, away.issues(), strict=True):
            with_us = stated[other.id]
            without = stated_without[other.id]
            probabilities = away_summary["bands"]
            likely_without = (
                f"`{max(other.bands, key=lambda b: probabilities.get(b.id, 0.0)).id}`"
                if other.bands
                else "-"
            )
            without_rows.append(
                [model, other.name.en, f"{with_us:.1f} ({_band(other, with_us)})"]
                + [f"{without:.1f} ({_band(other, without)})", likely_without]
            )
        question.log(f"{model}: what would it take")
        taken = what_would_it_take(scenario, issue.id, question.withdrawal.id, model)
        found = (taken.singles or taken.pairs)[:3]
        whatif_rows.append([model, taken.answer, ""])
        for entry in found:
            changes = "; ".join(
                f"{scenario.actor(c['actor']).name.en} {c['field']} {c['from']:.3g} → {c['to']:.3g}"
                for c in entry["changes"]
            )
            whatif_rows.append(["", changes, f"{entry['share']:.0%}"])
        if scenario.events:
            timeline = shocks(scenario, model)
            last = list(timeline.cumulative.values())[-1][j]
            shock_rows.append(
                [model, f"{timeline.baseline[j]:.1f}", f"{last:.1f} ({_band(issue, last)})"]
            )
    return {
        "setup": (
            f"Scenario `{scenario.id}` (data as of {scenario.metadata.as_of or 'undated'}), "
            f"{len(scenario.actors)} actors; issue `{issue.id}`; {question.runs} runs per model, "
            f"seed {question.seed}; models: {', '.join(question.models)}.\n"
        ),
        "bands": _legend(issue)
        + "\n"
        + _table(
            ["model", "forecast as stated"] + [f"P(`{b.id}`)" for b in issue.bands], band_rows
        ),
        "verdict": "\n".join(verdicts) + "\n",
        "pivotal": _table(
            ["model", "#", "actor", "leaves", "position ±10%", "salience ±10%", "capability ±10%"],
            pivotal_rows,
        ),
        "without-us": _table(
            [
                "model",
                "issue",
                f"with {us.name.en}",
                f"without {us.name.en}",
                "most likely without",
            ],
            without_rows,
        ),
        "whatif": _table(["model", "what it takes", "share of range"], whatif_rows),
        "shocks": (
            _table(["model", "without events", "after every event"], shock_rows)
            if shock_rows
            else "The scenario states no events.\n"
        ),
    }


def fill(page: str, sections: dict[str, str]) -> str:
    """The page with every marked section replaced; a section without a marker is an error."""
    missing = set(sections) - {m.group("name") for m in MARKER.finditer(page)}
    if missing:
        raise UnknownName(f"the page has no markers for {sorted(missing)}")

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        body = sections.get(name, match.group("body"))
        return f"{match.group(1)}{body}{match.group(4)}"

    return MARKER.sub(replace, page)


def question_for(
    scenario: Scenario,
    issue_id: str,
    band_id: str | None = None,
    us_id: str | None = None,
    models: list[str] | None = None,
    **options: Any,
) -> Question:
    """A :class:`Question` with the withdrawal band and the US actor found if not named."""
    issue = scenario.issue(issue_id)
    band = find_withdrawal_band(issue) if band_id is None else issue.band(band_id)
    us = scenario.actor(us_id) if us_id else find_us(scenario)
    return Question(issue, band, us, models or list(available()), **options)
