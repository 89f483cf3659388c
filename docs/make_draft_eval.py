"""Regenerate the measured figures of docs/draft.md: ``python docs/make_draft_eval.py``.

Runs ``tawazun draft`` on the seed article (``../shared/seed``, beside the repository) with
the flagship's issues, and on each fixture article of ``tests/draft/fixtures``; compares
the drafts with the hand-coded flagship and with the fixtures' expected actors and bands;
writes the tables between the ``<!-- draft-eval begin -->`` and ``<!-- draft-eval end -->``
markers of docs/draft.md. The page's prose stays.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

import tawazun
from tawazun.draft.evaluate import FLAGSHIP_SAME_AS, compare

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "draft.md"
SEED = ROOT.parent / "shared" / "seed"
FIXTURES = ROOT / "tests" / "draft" / "fixtures"


def run_draft(article: Path, template: str | Path, out: Path) -> tawazun.Scenario:
    command = [sys.executable, "-m", "tawazun.cli", "draft", str(article)]
    command += ["--issue-from", str(template), "-o", str(out)]
    print("+ tawazun", " ".join(command[3:]), file=sys.stderr)
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    return tawazun.load(out)


def seed_tables(folder: Path) -> str:
    articles = sorted(SEED.glob("*.txt"))
    if not articles:
        raise SystemExit(f"the seed article is not at {SEED}")
    flagship = tawazun.load("iraq-2024")
    drafted = run_draft(articles[0], "iraq-2024", folder / "seed.yaml")
    result = compare(drafted, flagship, FLAGSHIP_SAME_AS)
    midpoint = sum(
        abs((flagship.issue(e.issue).scale.min + flagship.issue(e.issue).scale.max) / 2 - e.coded)
        / flagship.issue(e.issue).scale.width
        for e in result.errors
    ) / len(result.errors)
    direct = [a for a, targets in result.matched.items() if targets == [a]]
    presence = flagship.issue("us-presence")

    def band(actor: str) -> str:
        stance = drafted.actor(actor).stances.get("us-presence")
        return presence.band_of(stance.position).id if stance is not None else "-"

    same_band = sum(
        flagship.issue(e.issue).band_of(e.drafted) == flagship.issue(e.issue).band_of(e.coded)
        for e in result.errors
    )
    lines = [
        "| measure | value |",
        "| --- | --- |",
        f"| actors drafted | {len(result.drafted)} |",
        f"| of them, actors of the flagship (precision) | {len(result.matched)} "
        f"({result.precision:.0%}) |",
        f"| flagship actors found (recall) | {len(result.recalled)} of "
        f"{len(result.recalled) + len(result.missed)} ({result.recall:.0%}) |",
        f"| found under the flagship's own id | {len(direct)} |",
        f"| mean absolute position error (share of the scale) | {result.mean_error:.3f} "
        f"over {len(result.errors)} actor-issue pairs |",
        f"| the same, every matched actor put at the scale's midpoint | {midpoint:.3f} |",
        f"| drafted in the hand-coded band | {same_band} of {len(result.errors)} |",
        f"| the factions' band on us-presence | {band('iraqi-armed-factions')} |",
        f"| Washington's band on us-presence | {band('us')} |",
        "",
        "Found: " + ", ".join(f"`{a}`" for a in result.recalled) + ".",
        "Missed: " + ", ".join(f"`{a}`" for a in result.missed) + ".",
        "",
        "| drafted actor | flagship actor | issue | drafted | hand-coded |",
        "| --- | --- | --- | ---: | ---: |",
    ]
    for error in result.errors:
        lines.append(
            f"| `{error.actor}` | `{error.reference}` | {error.issue} | {error.drafted:g} | "
            f"{error.coded:g} |"
        )
    return "\n".join(lines) + "\n"


def fixture_tables(folder: Path) -> str:
    expected = yaml.safe_load((FIXTURES / "expected.yaml").read_text(encoding="utf-8"))
    lines = [
        "| article | actors drafted | expected | precision | recall | bands right |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, want in sorted(expected.items()):
        template = tawazun.load(FIXTURES / want["template"])
        drafted = run_draft(FIXTURES / name, FIXTURES / want["template"], folder / f"{name}.yaml")
        found = {a.id for a in drafted.actors}
        wanted = set(want["actors"])
        issue = template.issues[0]
        right = []
        for actor, band in want["bands"].items():
            stance = drafted.actor(actor).stances.get(issue.id) if actor in found else None
            got = issue.band_of(stance.position).id if stance is not None else "-"
            right.append(f"`{actor}` {'yes' if got == band else f'no ({got})'}")
        lines.append(
            f"| {name} | {len(found)} | {len(wanted)} | {len(found & wanted) / len(found):.0%} | "
            f"{len(found & wanted) / len(wanted):.0%} | {', '.join(right)} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        output = (
            "### The seed article against the flagship\n\n"
            + seed_tables(folder)
            + "\n### The fixture articles\n\n"
            + fixture_tables(folder)
        )
    page = PAGE.read_text(encoding="utf-8")
    marker = re.compile(r"(<!-- draft-eval begin -->\n).*?(<!-- draft-eval end -->)", re.S)
    page, found = marker.subn(lambda m: m.group(1) + output + m.group(2), page)
    if not found:
        raise SystemExit(f"{PAGE}: no draft-eval markers")
    PAGE.write_text(page, encoding="utf-8")
    print(f"wrote {PAGE}", file=sys.stderr)


if __name__ == "__main__":
    main()
