"""Excel workbooks (.xlsx): the native structure but events and uncertainty, a sheet per table.

Sheets and columns (a column may be left out when none of its cells would be filled):

``scenario``
    two columns ``key``, ``value``; keys ``id``, ``title_en``, ``title_ar``, ``as_of``,
    ``authors``, ``notes``, ``sources``, ``salience_scale``.
``issues``
    ``id, name_en, name_ar, scale_min, scale_max, status_quo, space``
``bands``
    ``issue, id, lower, upper, label_en, label_ar``
``points``
    ``issue, value, label_en, label_ar``
``actors``
    ``id, name_en, name_ar, group, capability, capability_rationale, capability_sources, notes``
``stances``
    ``actor, issue`` and, for each of ``position``, ``salience``, ``risk``: the value, its
    ``_rationale`` and ``_sources``.

Merged cells and blank rows between data rows are rejected: in a hand-edited sheet they
usually mean a value that belongs to several rows, which tawazun will not guess.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path
from typing import Any

from tawazun.io import FormatSpec
from tawazun.io._text import read_bytes
from tawazun.io.errors import Problem, ScenarioFileError, fail, prefix_locator, validate
from tawazun.io.tables import (
    SOURCE_SEPARATOR,
    Row,
    row_evidence,
    row_stance,
    row_text,
    split_sources,
)
from tawazun.scenario import Location, Scenario

SHEETS = ("scenario", "issues", "bands", "points", "actors", "stances")
REQUIRED_SHEETS = ("scenario", "issues", "actors", "stances")


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return value


def _sheet_rows(sheet: Any, file: str, problems: list[Problem]) -> list[Row]:
    """Rows of a sheet under its header row, each named ``SHEET row N``."""
    for merged in sheet.merged_cells.ranges:
        problems.append(
            Problem(
                file,
                f"{sheet.title} row {merged.min_row}",
                f"cells {merged.coord.replace(':', '-')}",
                "merged cells; unmerge them and fill every cell",
            )
        )
    table = list(sheet.iter_rows(values_only=True))
    if not table:
        return []
    header = [str(h).strip().lower() if h is not None else "" for h in table[0]]
    rows: list[Row] = []
    blank: int | None = None
    for number, values in enumerate(table[1:], start=2):
        cells = {
            h: v for h, c in zip(header, values, strict=False) if h and (v := _cell(c)) is not None
        }
        if not cells:
            blank = blank or number
            continue
        if blank is not None:
            problems.append(
                Problem(
                    file,
                    f"{sheet.title} row {blank}",
                    "row",
                    "blank row between data rows; delete it",
                )
            )
            blank = None
        unnamed = [
            i
            for i, (h, c) in enumerate(zip(header, values, strict=False))
            if not h and _cell(c) is not None
        ]
        if unnamed:
            problems.append(
                Problem(
                    file,
                    f"{sheet.title} row {number}",
                    _column_letter(unnamed[0] + 1),
                    "a value in a column with no header",
                )
            )
        rows.append(Row(f"{sheet.title} row {number}", cells))
    return rows


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def read_excel(path: Path) -> Scenario:
    # openpyxl is imported where a workbook is read or written: commands on other formats
    # do not pay for its import
    import openpyxl

    file = str(path)
    data = read_bytes(path)
    try:
        book = openpyxl.load_workbook(BytesIO(data), read_only=False, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise fail(file, "-", "xlsx", f"not a readable .xlsx workbook ({exc})") from None
    missing = [s for s in REQUIRED_SHEETS if s not in book.sheetnames]
    if missing:
        raise fail(
            file,
            "-",
            "sheets",
            f"missing sheet(s) {missing}; a tawazun workbook has {list(SHEETS)}",
        )
    problems: list[Problem] = []
    sheets = {
        name: _sheet_rows(book[name], file, problems) for name in SHEETS if name in book.sheetnames
    }
    locations: dict[Location, str] = {}
    meta = {str(r.get("key")): r for r in sheets["scenario"] if r.get("key") is not None}

    def value(key: str) -> Any:
        row = meta.get(key)
        return row.get("value") if row else None

    raw: dict[str, Any] = {"id": value("id"), "metadata": {}, "issues": [], "actors": []}
    if value("salience_scale") is not None:
        raw["salience_scale"] = value("salience_scale")
    metadata = raw["metadata"]
    metadata["title"] = {"en": value("title_en") or value("id") or path.stem}
    if value("title_ar"):
        metadata["title"]["ar"] = value("title_ar")
    for key in ("as_of", "notes"):
        if value(key) is not None:
            metadata[key] = value(key)
    for key in ("authors", "sources"):
        if value(key) is not None:
            metadata[key] = split_sources(value(key))
    for key, row in meta.items():
        locations[("metadata", key)] = row.where
    locations[("id",)] = meta["id"].where if "id" in meta else "scenario row 1"

    issue_index: dict[str, int] = {}
    for row in sheets["issues"]:
        issue: dict[str, Any] = {"id": row.get("id"), "name": row_text(row, "name", row.get("id"))}
        scale = {k: row.cells[f"scale_{k}"] for k in ("min", "max") if f"scale_{k}" in row.cells}
        if scale:
            issue["scale"] = scale
        for key in ("status_quo", "space"):
            if row.get(key) is not None:
                issue[key] = row.cells[key]
        issue_index[str(row.get("id"))] = len(raw["issues"])
        locations[("issues", len(raw["issues"]))] = row.where
        raw["issues"].append(issue)
    for key in ("bands", "points"):
        for row in sheets.get(key, []):
            j = issue_index.get(str(row.get("issue")))
            if j is None:
                problems.append(
                    Problem(file, row.where, "issue", f"unknown issue {row.get('issue')!r}")
                )
                continue
            entry: dict[str, Any] = {"label": row_text(row, "label", str(row.get("id") or ""))}
            columns = ("id", "lower", "upper") if key == "bands" else ("value",)
            entry.update({c: row.cells[c] for c in columns if c in row.cells})
            items = raw["issues"][j].setdefault(key, [])
            locations[("issues", j, key, len(items))] = row.where
            items.append(entry)

    actor_index: dict[str, int] = {}
    for row in sheets["actors"]:
        actor: dict[str, Any] = {
            "id": row.get("id"),
            "name": row_text(row, "name", row.get("id")),
            "stances": {},
        }
        for key in ("group", "capability", "notes"):
            if row.get(key) is not None:
                actor[key] = row.cells[key]
        if (found := row_evidence(row, "capability")) is not None:
            actor["evidence"] = {"capability": found}
        actor_index[str(row.get("id"))] = len(raw["actors"])
        locations[("actors", len(raw["actors"]))] = row.where
        raw["actors"].append(actor)
    for row in sheets["stances"]:
        i = actor_index.get(str(row.get("actor")))
        if i is None:
            problems.append(
                Problem(
                    file,
                    row.where,
                    "actor",
                    f"unknown actor {row.get('actor')!r}; actors are {sorted(actor_index)}",
                )
            )
            continue
        issue_id = str(row.get("issue"))
        stances = raw["actors"][i]["stances"]
        if issue_id in stances:
            problems.append(
                Problem(
                    file,
                    row.where,
                    f"actors[{row.get('actor')}].stances[{issue_id}]",
                    "a second row for this actor and issue; give one row each",
                )
            )
            continue
        stances[issue_id] = row_stance(row)
        locations[("actors", i, "stances", issue_id)] = row.where
    if problems:
        raise ScenarioFileError(problems)
    return validate(raw, file, prefix_locator(locations, default="scenario row 1"))


def _sources(evidence: Any) -> tuple[str | None, str | None]:
    if evidence is None:
        return None, None
    return evidence.rationale or None, SOURCE_SEPARATOR.join(evidence.sources) or None


def write_excel(scenario: Scenario, path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    meta = scenario.metadata
    tables: dict[str, list[list[Any]]] = {
        "scenario": [
            ["key", "value"],
            ["id", scenario.id],
            ["title_en", meta.title.en],
            ["title_ar", meta.title.ar or None],
            ["as_of", meta.as_of.isoformat() if meta.as_of else None],
            ["authors", SOURCE_SEPARATOR.join(meta.authors) or None],
            ["notes", meta.notes or None],
            ["sources", SOURCE_SEPARATOR.join(meta.sources) or None],
            ["salience_scale", scenario.salience_scale],
        ],
        "issues": [["id", "name_en", "name_ar", "scale_min", "scale_max", "status_quo", "space"]],
        "bands": [["issue", "id", "lower", "upper", "label_en", "label_ar"]],
        "points": [["issue", "value", "label_en", "label_ar"]],
        "actors": [
            [
                "id",
                "name_en",
                "name_ar",
                "group",
                "capability",
                "capability_rationale",
                "capability_sources",
                "notes",
            ]
        ],
        "stances": [
            [
                "actor",
                "issue",
                "position",
                "position_rationale",
                "position_sources",
                "salience",
                "salience_rationale",
                "salience_sources",
                "risk",
                "risk_rationale",
                "risk_sources",
            ]
        ],
    }
    for issue in scenario.issues:
        tables["issues"].append(
            [
                issue.id,
                issue.name.en,
                issue.name.ar or None,
                issue.scale.min,
                issue.scale.max,
                issue.status_quo,
                issue.space,
            ]
        )
        for band in issue.bands:
            tables["bands"].append(
                [issue.id, band.id, band.lower, band.upper, band.label.en, band.label.ar or None]
            )
        for point in issue.points:
            tables["points"].append([issue.id, point.value, point.label.en, point.label.ar or None])
    for actor in scenario.actors:
        tables["actors"].append(
            [
                actor.id,
                actor.name.en,
                actor.name.ar or None,
                actor.group,
                actor.capability,
                *_sources(actor.evidence.get("capability")),
                actor.notes or None,
            ]
        )
    for actor, issue, stance in scenario.stances():
        row: list[Any] = [actor.id, issue.id]
        for field in ("position", "salience", "risk"):
            row += [getattr(stance, field), *_sources(stance.evidence.get(field))]
        tables["stances"].append(row)
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)


FORMAT = FormatSpec(
    name="excel",
    extensions=(".xlsx",),
    read=read_excel,
    write=write_excel,
    summary="workbook with sheets scenario, issues, bands, points, actors, stances",
)
