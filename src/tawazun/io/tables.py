"""Scenarios as tables: the long CSV (one row per actor and issue) and the Excel workbook.

Both read cells as text and leave number parsing to the scenario's validation, so a bad
cell is reported the same way in every format, with its row. Empty cells mean "not given".
Several sources in one cell are separated by `` | ``.

Columns of the long CSV (``actor``, ``issue``, ``capability``, ``position`` and ``salience``
are required; the rest are optional)::

    actor, actor_en, actor_ar, group, capability, capability_rationale, capability_sources,
    issue, issue_en, issue_ar, scale_min, scale_max, status_quo, space,
    position, position_rationale, position_sources,
    salience, salience_rationale, salience_sources,
    risk, risk_rationale, risk_sources, salience_scale, actor_notes

The workbook holds the whole native structure in sheets ``scenario`` (key, value),
``issues``, ``bands``, ``points``, ``actors`` and ``stances``.
"""

from __future__ import annotations

import csv
import difflib
import io as _io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tawazun.i18n import N_, _
from tawazun.io import FormatSpec
from tawazun.io._text import id_from, read_text
from tawazun.io.errors import Problem, ScenarioFileError, fail, prefix_locator, validate
from tawazun.scenario import Location, Scenario, parse_number

SOURCE_SEPARATOR = " | "
STANCE_FIELDS = ("position", "salience", "risk")
LONG_REQUIRED = ("actor", "issue", "capability", "position", "salience")
LONG_COLUMNS = (
    "actor", "actor_en", "actor_ar", "group", "capability", "capability_rationale",
    "capability_sources", "issue", "issue_en", "issue_ar", "scale_min", "scale_max",
    "status_quo", "space", "position", "position_rationale", "position_sources",
    "salience", "salience_rationale", "salience_sources", "risk", "risk_rationale",
    "risk_sources", "salience_scale", "actor_notes",
)  # fmt: skip

NUMBER_COLUMNS = frozenset(
    {"capability", "scale_min", "scale_max", "status_quo", "position", "salience", "risk",
     "salience_scale"}
)  # fmt: skip


@dataclass(frozen=True)
class Row:
    """A table row: where it is in the file, and its non-empty cells as text."""

    where: str
    cells: dict[str, str]

    def get(self, column: str) -> str | None:
        return self.cells.get(column)


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def split_sources(value: Any) -> list[str]:
    """A cell listing several entries (sources, authors), separated by ``|``."""
    return [s.strip() for s in str(value).split("|") if s.strip()]


def row_evidence(row: Row, field: str) -> dict[str, Any] | None:
    rationale = row.get(f"{field}_rationale")
    sources = row.get(f"{field}_sources")
    if rationale is None and sources is None:
        return None
    evidence: dict[str, Any] = {}
    if rationale is not None:
        evidence["rationale"] = str(rationale)
    if sources is not None:
        evidence["sources"] = split_sources(sources)
    return evidence


def row_text(row: Row, prefix: str, fallback: str) -> dict[str, str]:
    text = {"en": row.get(f"{prefix}_en") or fallback}
    if row.get(f"{prefix}_ar"):
        text["ar"] = row.cells[f"{prefix}_ar"]
    return text


def row_stance(row: Row) -> dict[str, Any]:
    stance: dict[str, Any] = {}
    evidence = {}
    for field in STANCE_FIELDS:
        if row.get(field) is not None:
            stance[field] = row.cells[field]
        if (found := row_evidence(row, field)) is not None:
            evidence[field] = found
    if evidence:
        stance["evidence"] = evidence
    return stance


def _infer_salience_scale(values: Iterable[str]) -> int:
    """1 unless some salience exceeds 1, then 100 (files rarely declare their scale)."""
    for value in values:
        try:
            if parse_number(value) > 1:
                return 100
        except ValueError:
            continue
    return 1


#: What a spreadsheet reads as the start of a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    """Text a spreadsheet shows as text: a leading formula character gets a ``'`` before it
    (and so does a ``'`` already there, so that :func:`unescape_formula` restores the text)."""
    if text.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def unescape_formula(text: str) -> str:
    """The text :func:`escape_formula` escaped."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


def nearest(name: str, known: Iterable[str]) -> str:
    """``; did you mean 'x'?`` for the known name nearest to ``name``, or nothing."""
    found = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return _("; did you mean {name!r}?").format(name=found[0]) if found else ""


def header_problems(
    file: str, where: str, header: list[str], known: Iterable[str], letters: bool = False
) -> list[Problem]:
    """Columns given twice (naming both places) and unknown columns (with the nearest name)."""
    known = list(known)
    problems: list[Problem] = []
    seen: dict[str, int] = {}

    def place(index: int) -> str:
        if not letters:
            return str(index + 1)
        from openpyxl.utils import get_column_letter  # openpyxl is slow to import

        return get_column_letter(index + 1)

    for index, name in enumerate(header):
        if not name:
            continue
        if name in seen:
            problems.append(
                Problem(
                    file,
                    where,
                    name,
                    _(
                        "column {name!r} given twice (columns {first} and {second}); give it once"
                    ).format(name=name, first=place(seen[name]), second=place(index)),
                )
            )
            continue
        seen[name] = index
        if name not in known:
            problems.append(
                Problem(
                    file,
                    where,
                    name,
                    _("unknown column {name!r} (column {place}){hint}; columns are {known}").format(
                        name=name, place=place(index), hint=nearest(name, known), known=known
                    ),
                )
            )
    return problems


def _consistent(
    problems: list[Problem], file: str, row: Row, owner: str, field: str, seen: Any, new: Any
) -> None:
    if seen is not None and new is not None and seen != new:
        problems.append(
            Problem(
                file,
                row.where,
                f"{owner}.{field}",
                _("{new} differs from {seen} given on an earlier row; give it once").format(
                    new=repr(new), seen=repr(seen)
                ),
            )
        )


def long_rows_to_scenario(rows: list[Row], path: Path, header_where: str) -> Scenario:
    """Build a scenario from long-format rows (one per actor and issue)."""
    file = str(path)
    problems: list[Problem] = []
    issues: dict[str, dict[str, Any]] = {}
    actors: dict[str, dict[str, Any]] = {}
    locations: dict[Location, str] = {}
    issue_rows: dict[str, Row] = {}
    actor_index: dict[str, int] = {}
    for row in rows:
        actor_id, issue_id = row.get("actor"), row.get("issue")
        if actor_id is None or issue_id is None:
            column = "actor" if actor_id is None else "issue"
            problems.append(Problem(file, row.where, column, _("required, but the cell is empty")))
            continue
        if issue_id not in issues:
            scale = {k: row.cells[f"scale_{k}"] for k in ("min", "max") if row.get(f"scale_{k}")}
            issue: dict[str, Any] = {"id": issue_id, "name": row_text(row, "issue", issue_id)}
            if scale:
                issue["scale"] = scale
            for key in ("status_quo", "space"):
                if row.get(key) is not None:
                    issue[key] = row.cells[key]
            issues[issue_id] = issue
            issue_rows[issue_id] = row
            locations[("issues", len(issues) - 1)] = row.where
        else:
            for key in ("scale_min", "scale_max", "status_quo"):
                _consistent(
                    problems,
                    file,
                    row,
                    f"issues[{issue_id}]",
                    key,
                    issue_rows[issue_id].get(key),
                    row.get(key),
                )
        if actor_id not in actors:
            actor: dict[str, Any] = {
                "id": actor_id,
                "name": row_text(row, "actor", actor_id),
                "stances": {},
            }
            if row.get("group") is not None:
                actor["group"] = row.cells["group"]
            if row.get("capability") is not None:
                actor["capability"] = row.cells["capability"]
            if row.get("actor_notes") is not None:
                actor["notes"] = row.cells["actor_notes"]
            if (found := row_evidence(row, "capability")) is not None:
                actor["evidence"] = {"capability": found}
            actors[actor_id] = actor
            locations[("actors", len(actors) - 1)] = row.where
        else:
            _consistent(
                problems,
                file,
                row,
                f"actors[{actor_id}]",
                "capability",
                actors[actor_id].get("capability"),
                row.get("capability"),
            )
        index = actor_index.setdefault(actor_id, len(actor_index))
        if issue_id in actors[actor_id]["stances"]:
            problems.append(
                Problem(
                    file,
                    row.where,
                    f"actors[{actor_id}].stances[{issue_id}]",
                    _("a second row for this actor and issue; give one row each"),
                )
            )
            continue
        actors[actor_id]["stances"][issue_id] = row_stance(row)
        locations[("actors", index, "stances", issue_id)] = row.where
    if problems:
        raise ScenarioFileError(problems)
    declared = {r.get("salience_scale") for r in rows} - {None}
    if len(declared) > 1:
        raise fail(
            file,
            header_where,
            "salience_scale",
            _("several values {values}").format(values=sorted(declared)),
        )
    salience_scale = (
        declared.pop()
        if declared
        else _infer_salience_scale(r.cells["salience"] for r in rows if r.get("salience"))
    )
    raw = {
        "id": id_from(path.stem, "scenario"),
        "metadata": {"title": {"en": path.stem}},
        "salience_scale": salience_scale,
        "issues": list(issues.values()),
        "actors": list(actors.values()),
    }
    return validate(raw, file, prefix_locator(locations, default=header_where))


def _delimiter(first_line: str) -> str:
    """The separator of a header line: the most frequent of comma, semicolon and tab."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def read_long_csv(path: Path) -> Scenario:
    text = read_text(path)
    file = str(path)
    reader = csv.reader(
        _io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]), strict=True
    )
    try:
        table = list(reader)
    except csv.Error as exc:
        raise fail(
            path, f"row {reader.line_num}", "csv", _("malformed CSV: {reason}").format(reason=exc)
        ) from None
    header = [h.strip().lower() for h in table[0]]
    problems = header_problems(file, "row 1", header, LONG_COLUMNS)
    missing = [c for c in LONG_REQUIRED if c not in header]
    if missing:
        problems.append(
            Problem(
                file,
                "row 1",
                "columns",
                _("missing required column(s) {missing}; required are {required}").format(
                    missing=missing, required=list(LONG_REQUIRED)
                ),
            )
        )
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.append(
                Problem(
                    file,
                    f"row {number}",
                    "columns",
                    _("{count} cells but the header has {columns}").format(
                        count=len(cells), columns=len(header)
                    ),
                )
            )
            continue
        values = {
            h: v if h in NUMBER_COLUMNS else unescape_formula(v)
            for h, c in zip(header, cells, strict=False)
            if (v := _clean(c))
        }
        rows.append(Row(f"row {number}", values))
    if problems and rows and not missing:
        # the rows' own problems too, in the same pass
        try:
            long_rows_to_scenario(rows, path, "row 1")
        except ScenarioFileError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioFileError(problems)
    if not rows:
        raise fail(path, "row 2", "rows", _("the header has no rows under it"))
    return long_rows_to_scenario(rows, path, "row 1")


def _sources(evidence: Any) -> tuple[str, str]:
    if evidence is None:
        return "", ""
    return evidence.rationale, SOURCE_SEPARATOR.join(evidence.sources)


def long_rows(scenario: Scenario) -> Iterator[dict[str, Any]]:
    """The long table of a scenario, one dict per actor and issue."""
    for actor, issue, stance in scenario.stances():
        row: dict[str, Any] = {
            "actor": actor.id, "actor_en": actor.name.en, "actor_ar": actor.name.ar,
            "group": actor.group or "", "capability": actor.capability,
            "issue": issue.id, "issue_en": issue.name.en, "issue_ar": issue.name.ar,
            "scale_min": issue.scale.min, "scale_max": issue.scale.max,
            "status_quo": "" if issue.status_quo is None else issue.status_quo,
            "space": issue.space or "",
            "position": stance.position, "salience": stance.salience,
            "risk": "" if stance.risk is None else stance.risk,
            "salience_scale": scenario.salience_scale,
            "actor_notes": actor.notes,
        }  # fmt: skip
        row["capability_rationale"], row["capability_sources"] = _sources(
            actor.evidence.get("capability")
        )
        for field in STANCE_FIELDS:
            row[f"{field}_rationale"], row[f"{field}_sources"] = _sources(
                stance.evidence.get(field)
            )
        yield {column: row[column] for column in LONG_COLUMNS}


def write_long_csv(scenario: Scenario, path: Path) -> None:
    """The long table, text cells escaped against formula injection (:func:`escape_formula`)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=LONG_COLUMNS)
        writer.writeheader()
        for row in long_rows(scenario):
            writer.writerow(
                {
                    k: escape_formula(v) if isinstance(v, str) and k not in NUMBER_COLUMNS else v
                    for k, v in row.items()
                }
            )


def sniff_long_csv(head: str) -> bool:
    first = head.split("\n", 1)[0].lower()
    return all(column in first for column in LONG_REQUIRED)


FORMAT = FormatSpec(
    name="csv",
    extensions=(".csv", ".tsv"),
    read=read_long_csv,
    write=write_long_csv,
    sniff=sniff_long_csv,
    priority=1000,
    summary=N_("long table, one row per actor and issue (no bands or metadata)"),
)
