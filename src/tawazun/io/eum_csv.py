"""The four-column CSV of expected utility model data: ``Actor,Capability,Position,Salience``.

This is the layout of the public replications of Bueno de Mesquita's model (for example
``ExampleActors.csv`` of github.com/jmckib/bdm-scholz-expected-utility-model): one issue,
one actor per row. It becomes a scenario with

- one issue, id ``issue``, named after the file. Its scale is 0-100 when every position
  lies within 0-100 (the scale such data are usually elicited on); otherwise the range of
  the positions, min..max, widened by 1 each way when all positions are equal (a scale
  needs min < max). The expected utility model itself normalises by the range of the
  positions, whatever the scale.
- one actor per row, its id derived from its name (lower case, runs of anything but
  letters and digits become ``_``; a repeated id gets ``_2``, ``_3``...), the name kept
  as ``name.en``.
- saliences on 0-1, unless any salience exceeds 1: then all are read on 0-100
  (``salience_scale: 100``), as the replications read such files (divided by 100).

Rows are numbered as lines of the file (the header is line 1); blank lines are skipped.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from tawazun.i18n import N_, _
from tawazun.io import FormatSpec
from tawazun.io._cells import required_number
from tawazun.io._text import id_from, read_text
from tawazun.io.errors import Problem, ScenarioFileError, fail, prefix_locator, validate
from tawazun.scenario import Location, Scenario

COLUMNS = ("actor", "capability", "position", "salience")
ISSUE_ID = "issue"


def _header(line: str) -> list[str]:
    return [cell.strip().strip('"').lower() for cell in line.split(",")]


def sniff(head: str) -> bool:
    """True when the first non-blank line is the four column names (any order, any case)."""
    for line in head.splitlines():
        if line.strip():
            cells = _header(line)
            return len(cells) == len(COLUMNS) and set(cells) == set(COLUMNS)
    return False


class Ids:
    """Unique ids made from names, in time linear in the number of names.

    The next free suffix of each base is remembered, so that 30,000 names with the same
    base (Arabic names all become ``actor``) do not rescan the suffixes taken.
    """

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.next_suffix: dict[str, int] = {}

    def __contains__(self, candidate: str) -> bool:
        return candidate in self.taken

    def add(self, base: str) -> str:
        candidate, suffix = base, self.next_suffix.get(base, 2)
        if candidate in self.taken:
            candidate = f"{base}_{suffix}"
            while candidate in self.taken:
                suffix += 1
                candidate = f"{base}_{suffix}"
            self.next_suffix[base] = suffix + 1
        self.taken.add(candidate)
        return candidate


def actor_id(name: str, taken: Ids) -> str:
    """An id for ``name``: lower case, other characters as ``_``, unique within ``taken``."""
    return taken.add(re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_") or "actor")


def _rows(path: Path, text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text))
    rows: list[tuple[int, dict[str, str]]] = []
    names: list[str] | None = None
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if names is None:
            names = [cell.strip().lower() for cell in cells]
            if sorted(names) != sorted(COLUMNS):
                raise fail(
                    path,
                    line,
                    "header",
                    _(
                        "columns are {cells}; this format needs Actor,Capability,Position,Salience"
                    ).format(cells=cells),
                )
            continue
        if len(cells) != len(names):
            raise fail(
                path,
                line,
                "row",
                _("{count} values; the header has {columns} columns").format(
                    count=len(cells), columns=len(names)
                ),
            )
        rows.append((line, {name: cell for name, cell in zip(names, cells, strict=True)}))
    if not rows:
        raise fail(path, 2, "row", _("no actors; give one row per actor under the header"))
    return rows


def _actor(path: Path, line: int, name: str, row: dict[str, str], taken: Ids) -> dict[str, Any]:
    """One actor of the file; every bad cell of its row is reported."""
    problems: list[Problem] = []
    values: dict[str, float] = {}
    for column in ("Capability", "Position", "Salience"):
        try:
            values[column] = required_number(path, line, column, row[column.lower()])
        except ScenarioFileError as exc:
            problems.extend(exc.problems)
    capability, salience = values.get("Capability"), values.get("Salience")
    if capability is not None and capability < 0:
        problems.append(
            Problem(
                str(path),
                str(line),
                "Capability",
                _("{value:g} is negative; must be >= 0").format(value=capability),
            )
        )
    if salience is not None and not 0 <= salience <= 100:
        problems.append(
            Problem(
                str(path),
                str(line),
                "Salience",
                _("{value:g} is outside 0-1 (or 0-100)").format(value=salience),
            )
        )
    if problems:
        raise ScenarioFileError(problems)
    return {
        "id": actor_id(name, taken),
        "name": {"en": name},
        "capability": values["Capability"],
        "stances": {ISSUE_ID: {"position": values["Position"], "salience": values["Salience"]}},
    }


def read(path: Path) -> Scenario:
    """Read a four-column expected utility CSV (see the module docstring)."""
    path = Path(path)
    rows = _rows(path, read_text(path))
    actors: list[dict[str, Any]] = []
    locations: dict[Location, str] = {}
    taken = Ids()
    seen_names: dict[str, int] = {}
    problems: list[Problem] = []
    for line, row in rows:
        name = row["actor"].strip()
        if not name:
            problems.append(Problem(str(path), str(line), "Actor", _("missing name")))
            continue
        if name in seen_names:
            problems.append(
                Problem(
                    str(path),
                    str(line),
                    "Actor",
                    _("{name!r} already appears on line {first}").format(
                        name=name, first=seen_names[name]
                    ),
                )
            )
            continue
        seen_names[name] = line
        try:
            actors.append(_actor(path, line, name, row, taken))
        except ScenarioFileError as exc:
            problems.extend(exc.problems)
            continue
        locations[("actors", len(actors) - 1)] = str(line)
    if problems:
        raise ScenarioFileError(problems)
    positions = [a["stances"][ISSUE_ID]["position"] for a in actors]
    low, high = min(positions), max(positions)
    if low >= 0 and high <= 100:
        scale = {"min": 0.0, "max": 100.0}
    elif low < high:
        scale = {"min": low, "max": high}
    else:
        scale = {"min": low - 1, "max": high + 1}
    saliences = [a["stances"][ISSUE_ID]["salience"] for a in actors]
    raw = {
        "id": id_from(path.stem, "scenario", separator="_"),
        "metadata": {"title": {"en": path.stem}},
        "salience_scale": 100 if max(saliences) > 1 else 1,
        "issues": [{"id": ISSUE_ID, "name": {"en": path.stem}, "scale": scale}],
        "actors": actors,
    }
    return validate(raw, path, prefix_locator(locations, default="1"))


FORMAT = FormatSpec(
    name="eum_csv",
    extensions=(".csv",),
    read=read,
    sniff=sniff,
    priority=40,
    summary=N_("Actor,Capability,Position,Salience CSV of expected utility model data (one issue)"),
)
