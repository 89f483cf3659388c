"""Excel workbooks (.xlsx): the whole native structure, a sheet per table.

Sheets and columns (a column may be left out when none of its cells would be filled; sheet
and column names are read whatever their case):

``scenario``
    two columns ``key``, ``value``; keys ``id``, ``title_en``, ``title_ar``, ``as_of``,
    ``authors``, ``notes``, ``sources``, ``salience_scale`` and, for the scenario-wide
    uncertainty, ``uncertainty_FIELD_distribution`` and ``uncertainty_FIELD_spread`` for
    FIELD ``position``, ``salience`` and ``capability``.
``issues``
    ``id, name_en, name_ar, scale_min, scale_max, status_quo, status_quo_rationale,
    status_quo_sources, space, band_gaps``
``bands``
    ``issue, id, lower, upper, label_en, label_ar``
``points``
    ``issue, value, label_en, label_ar``
``actors``
    ``id, name_en, name_ar, group, capability, capability_rationale, capability_sources, notes``
``stances``
    ``actor, issue`` and, for each of ``position``, ``salience``, ``risk``: the value, its
    ``_rationale`` and ``_sources``.
``uncertainty``
    ``actor, issue, field, distribution, low, high, sd`` (``issue`` empty for capability).
``events``
    ``id, name_en, name_ar, date, round, rationale, sources``
``changes``
    ``event, actor, issue, field, set, multiply, add``
``help``
    optional, never read: what ``tawazun init`` writes to explain the columns.

Everything else is refused rather than guessed: unknown sheets and columns (with the
nearest known name), a hidden sheet, merged cells, blank rows between data rows, a cell
formatted as a percentage (Excel shows 30% and stores 0.3), and workbooks whose parts
uncompress beyond ``limits.value("workbook_bytes")`` or whose sheets reach beyond
``sheet_rows`` rows and ``sheet_columns`` columns (a zip bomb, a stray cell at XFD1048576).
Text is written as text: a name starting with ``=`` is never a formula.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import zipfile
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tawazun import limits
from tawazun.i18n import N_, _
from tawazun.io import FormatSpec
from tawazun.io._text import read_bytes
from tawazun.io.errors import Problem, ScenarioFileError, fail, prefix_locator, validate
from tawazun.io.tables import (
    SOURCE_SEPARATOR,
    Row,
    header_problems,
    nearest,
    row_evidence,
    row_stance,
    row_text,
    split_sources,
)
from tawazun.scenario import Location, Scenario

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

# openpyxl is imported where a workbook is read or written: importing it takes longer than
# a whole forecast, and the format registry imports this module for every command.

#: Every sheet and its columns, in the order tawazun writes them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "scenario": ("key", "value"),
    "issues": (
        "id", "name_en", "name_ar", "scale_min", "scale_max", "status_quo", "status_quo_rationale",
        "status_quo_sources", "space", "band_gaps",
    ),
    "bands": ("issue", "id", "lower", "upper", "label_en", "label_ar"),
    "points": ("issue", "value", "label_en", "label_ar"),
    "actors": (
        "id", "name_en", "name_ar", "group", "capability", "capability_rationale",
        "capability_sources", "notes",
    ),
    "stances": (
        "actor", "issue", "position", "position_rationale", "position_sources", "salience",
        "salience_rationale", "salience_sources", "risk", "risk_rationale", "risk_sources",
    ),
    "uncertainty": ("actor", "issue", "field", "distribution", "low", "high", "sd"),
    "events": ("id", "name_en", "name_ar", "date", "round", "rationale", "sources"),
    "changes": ("event", "actor", "issue", "field", "set", "multiply", "add"),
}  # fmt: skip
SHEETS = tuple(COLUMNS)
REQUIRED_SHEETS = ("scenario", "issues", "actors", "stances")
#: A sheet tawazun writes to explain the others and never reads.
HELP_SHEET = "help"
UNCERTAIN_FIELDS = ("position", "salience", "capability")
SCENARIO_KEYS = (
    "id", "title_en", "title_ar", "as_of", "authors", "notes", "sources", "salience_scale",
    *(f"uncertainty_{f}_{part}" for f in UNCERTAIN_FIELDS for part in ("distribution", "spread")),
)  # fmt: skip


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _check_parts(file: str, data: bytes) -> None:
    """Refuse a workbook whose parts would uncompress beyond the limit (a zip bomb).

    A zip entry never yields more than the size its header declares, so the declared
    sizes bound what reading the workbook can cost.
    """
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise fail(
            file, "-", "xlsx", _("not a readable .xlsx workbook (not a zip archive)")
        ) from None
    cap = limits.value("workbook_bytes")
    if total > cap:
        raise fail(
            file,
            "-",
            "xlsx",
            _(
                "its parts uncompress to {total:,} bytes, above the limit of {cap:,}; set "
                "TAWAZUN_MAX_WORKBOOK_BYTES to read it"
            ).format(total=total, cap=cap),
        )


def _sheet_size_problem(file: str, sheet: Any) -> Problem | None:
    rows, columns = sheet.max_row, sheet.max_column
    top_rows, top_columns = limits.value("sheet_rows"), limits.value("sheet_columns")
    if rows <= top_rows and columns <= top_columns:
        return None
    from openpyxl.utils import get_column_letter

    return Problem(
        file,
        sheet.title,
        "sheet",
        _(
            "reaches cell {cell} ({rows:,} rows, {columns:,} columns), beyond the {top_rows:,} "
            "rows and {top_columns} columns tawazun reads; delete the stray cells (set "
            "TAWAZUN_MAX_SHEET_ROWS or TAWAZUN_MAX_SHEET_COLUMNS to raise the limits)"
        ).format(
            cell=f"{get_column_letter(columns)}{rows}",
            rows=rows,
            columns=columns,
            top_rows=top_rows,
            top_columns=top_columns,
        ),
    )


def _value(cell: Cell, file: str, where: str, column: str, problems: list[Problem]) -> Any:
    value = _cell(cell.value)
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and "%" in (cell.number_format or ""):
        problems.append(
            Problem(
                file,
                where,
                column,
                _(
                    "the cell is formatted as a percentage: Excel shows {shown:g}% and "
                    "stores {value:g}; format the cell as a number and type the value "
                    "on the issue's scale"
                ).format(shown=value * 100, value=value),
            )
        )
    return value


def _sheet_rows(sheet: Any, file: str, problems: list[Problem]) -> list[Row] | None:
    """Rows of a sheet under its header row, each named ``SHEET row N``; ``None`` when the
    sheet cannot be read (too large, or a header to fix first)."""
    name = english_name(sheet.title)
    for merged in sheet.merged_cells.ranges:
        problems.append(
            Problem(
                file,
                f"{sheet.title} row {merged.min_row}",
                f"cells {merged.coord.replace(':', '-')}",
                _("merged cells; unmerge them and fill every cell"),
            )
        )
    if (too_large := _sheet_size_problem(file, sheet)) is not None:
        problems.append(too_large)
        return None
    hidden_rows = [r for r, d in sheet.row_dimensions.items() if d.hidden and r > 1]
    hidden_columns = [c for c, d in sheet.column_dimensions.items() if d.hidden]
    hidden = (
        (
            hidden_rows,
            _(
                "hidden rows {places}; unhide them, or delete what tawazun should not read (it "
                "reads hidden cells too)"
            ),
        ),
        (
            hidden_columns,
            _(
                "hidden columns {places}; unhide them, or delete what tawazun should not read "
                "(it reads hidden cells too)"
            ),
        ),
    )
    for places, message in hidden:
        if places:
            problems.append(
                Problem(
                    file,
                    sheet.title,
                    "sheet",
                    message.format(places=", ".join(map(str, places[:10]))),
                )
            )
    first = next(sheet.iter_rows(max_row=1, values_only=True), ())
    header = [english_name(str(h)) if h is not None else "" for h in first]
    while header and not header[-1]:
        header.pop()
    header_issues = header_problems(file, f"{sheet.title} row 1", header, COLUMNS[name], True)
    problems.extend(header_issues)
    if header_issues:
        return None
    rows: list[Row] = []
    blank: int | None = None
    width = len(header)
    if sheet.max_column > width:
        # cells right of the header: find the first, to name it
        for values in sheet.iter_rows(min_row=2, min_col=width + 1, values_only=False):
            stray = next((c for c in values if _cell(c.value) is not None), None)
            if stray is not None:
                problems.append(
                    Problem(
                        file,
                        f"{sheet.title} row {stray.row}",
                        stray.column_letter,
                        _("a value in a column with no header"),
                    )
                )
                break
    for number, cells in enumerate(sheet.iter_rows(min_row=2, max_col=max(width, 1)), start=2):
        where = f"{sheet.title} row {number}"
        values = {}
        for column, cell in zip(header, cells, strict=False):
            if column and (value := _value(cell, file, where, column, problems)) is not None:
                values[column] = value
        if not values:
            blank = blank or number
            continue
        if blank is not None:
            problems.append(
                Problem(
                    file,
                    f"{sheet.title} row {blank}",
                    "row",
                    _("blank row between data rows; delete it"),
                )
            )
            blank = None
        rows.append(Row(where, values))
    return rows


def _sheets(book: Any, file: str, problems: list[Problem]) -> dict[str, Any]:
    """The workbook's sheets by their (lower-case) tawazun name; others are problems."""
    found: dict[str, Any] = {}
    for sheet in book.worksheets:
        name = english_name(sheet.title)
        if name == HELP_SHEET:
            continue
        if name not in COLUMNS:
            problems.append(
                Problem(
                    file,
                    sheet.title,
                    "sheet",
                    _("unknown sheet {title!r}{hint}; sheets are {sheets}").format(
                        title=sheet.title, hint=nearest(name, SHEETS), sheets=list(SHEETS)
                    ),
                )
            )
            continue
        if name in found:
            problems.append(
                Problem(
                    file,
                    sheet.title,
                    "sheet",
                    _("a second sheet named {title!r} (also {other!r}); keep one").format(
                        title=sheet.title, other=found[name].title
                    ),
                )
            )
            continue
        if sheet.sheet_state != "visible":
            problems.append(
                Problem(
                    file,
                    sheet.title,
                    "sheet",
                    _("the sheet is hidden; unhide it (tawazun reads what you can see)"),
                )
            )
        found[name] = sheet
    for chart in book.chartsheets:
        problems.append(
            Problem(file, chart.title, "sheet", _("a chart sheet; tawazun reads only tables"))
        )
    missing = [s for s in REQUIRED_SHEETS if s not in found]
    if missing:
        problems.append(
            Problem(
                file,
                "-",
                "sheets",
                _("missing sheet(s) {missing}; a tawazun workbook has {sheets}").format(
                    missing=missing, sheets=list(SHEETS)
                ),
            )
        )
    return found


def _uncomputed_formulas(file: str, data: bytes, book: Any) -> list[Problem]:
    """Formula cells without a saved value (a workbook written by a program, never opened
    in a spreadsheet): read as values they would be empty, silently."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        if not any(
            b"<f" in archive.read(name)
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        ):
            return []
    import openpyxl

    formulas = openpyxl.load_workbook(BytesIO(data), read_only=False, data_only=False)
    problems = []
    for sheet in formulas.worksheets:
        if _sheet_size_problem(file, sheet) is not None:
            continue  # reported with the sheet
        values = book[sheet.title]
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" and values[cell.coordinate].value is None:
                    problems.append(
                        Problem(
                            file,
                            f"{sheet.title} row {cell.row}",
                            cell.coordinate,
                            _(
                                "a formula with no saved value ({formula}); open and save the "
                                "workbook in a spreadsheet, or type the value"
                            ).format(formula=str(cell.value)[:40]),
                        )
                    )
    return problems


def read_excel(path: Path) -> Scenario:
    file = str(path)
    data = read_bytes(path)
    _check_parts(file, data)
    import openpyxl

    try:
        book = openpyxl.load_workbook(BytesIO(data), read_only=False, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise fail(
            file, "-", "xlsx", _("not a readable .xlsx workbook ({reason})").format(reason=exc)
        ) from None
    problems: list[Problem] = _uncomputed_formulas(file, data, book)
    found = _sheets(book, file, problems)
    read = {name: _sheet_rows(sheet, file, problems) for name, sheet in found.items()}
    sheets = {name: rows for name, rows in read.items() if rows is not None}
    if len(sheets) < len(read) or any(name not in sheets for name in REQUIRED_SHEETS):
        # the rows of other sheets refer to the unread ones: fix these first
        raise ScenarioFileError(problems)
    raw, locations = _native(path, sheets, problems)
    if problems:
        raise ScenarioFileError(problems)
    return validate(raw, file, prefix_locator(locations, default="scenario row 1"))


def _native(
    path: Path, sheets: dict[str, list[Row]], problems: list[Problem]
) -> tuple[dict[str, Any], dict[Location, str]]:
    """The scenario's native structure from the sheets' rows, and where each part is."""
    file = str(path)
    locations: dict[Location, str] = {}
    meta: dict[str, Row] = {}
    for row in sheets["scenario"]:
        key = str(row.get("key") or "").strip().lower()
        if key not in SCENARIO_KEYS:
            problems.append(
                Problem(
                    file,
                    row.where,
                    "key",
                    _("unknown key {key!r}{hint}; keys are {keys}").format(
                        key=row.get("key"), hint=nearest(key, SCENARIO_KEYS), keys=SCENARIO_KEYS
                    ),
                )
            )
        elif key in meta:
            problems.append(
                Problem(
                    file,
                    row.where,
                    key,
                    _("key {key!r} given twice (also on {first}); give it once").format(
                        key=key, first=meta[key].where
                    ),
                )
            )
        else:
            meta[key] = row

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
    defaults: dict[str, Any] = {}
    for field in UNCERTAIN_FIELDS:
        given = {
            part: value(f"uncertainty_{field}_{part}")
            for part in ("distribution", "spread")
            if value(f"uncertainty_{field}_{part}") is not None
        }
        if given:
            defaults[field] = given
            row = (
                meta.get(f"uncertainty_{field}_spread") or meta[f"uncertainty_{field}_distribution"]
            )
            locations[("uncertainty", field)] = row.where
    if defaults:
        raw["uncertainty"] = defaults
    locations[("id",)] = meta["id"].where if "id" in meta else "scenario row 1"

    issue_index: dict[str, int] = {}
    for row in sheets["issues"]:
        issue: dict[str, Any] = {"id": row.get("id"), "name": row_text(row, "name", row.get("id"))}
        scale = {k: row.cells[f"scale_{k}"] for k in ("min", "max") if f"scale_{k}" in row.cells}
        if scale:
            issue["scale"] = scale
        for key in ("status_quo", "space", "band_gaps"):
            if row.get(key) is not None:
                issue[key] = row.cells[key]
        if (found := row_evidence(row, "status_quo")) is not None:
            issue["evidence"] = {"status_quo": found}
        issue_index[str(row.get("id"))] = len(raw["issues"])
        locations[("issues", len(raw["issues"]))] = row.where
        raw["issues"].append(issue)
    for key in ("bands", "points"):
        for row in sheets.get(key, []):
            j = issue_index.get(str(row.get("issue")))
            if j is None:
                problems.append(
                    Problem(
                        file,
                        row.where,
                        "issue",
                        _("unknown issue {issue}; issues are {issues}").format(
                            issue=repr(row.get("issue")), issues=sorted(issue_index)
                        ),
                    )
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

    def actor_of(row: Row) -> int | None:
        i = actor_index.get(str(row.get("actor")))
        if i is None:
            problems.append(
                Problem(
                    file,
                    row.where,
                    "actor",
                    _("unknown actor {actor}; actors are {actors}").format(
                        actor=repr(row.get("actor")), actors=sorted(actor_index)
                    ),
                )
            )
        return i

    for row in sheets["stances"]:
        if (i := actor_of(row)) is None:
            continue
        issue_id = str(row.get("issue"))
        stances = raw["actors"][i]["stances"]
        if issue_id in stances:
            problems.append(
                Problem(
                    file,
                    row.where,
                    f"actors[{row.get('actor')}].stances[{issue_id}]",
                    _("a second row for this actor and issue; give one row each"),
                )
            )
            continue
        stances[issue_id] = row_stance(row)
        locations[("actors", i, "stances", issue_id)] = row.where
    _uncertainty(sheets.get("uncertainty", []), raw, actor_of, locations, problems, file)
    _events(sheets.get("events", []), sheets.get("changes", []), raw, locations, problems, file)
    return raw, locations


def _spread(row: Row) -> dict[str, Any]:
    return {k: row.cells[k] for k in ("distribution", "low", "high", "sd") if k in row.cells}


def _uncertainty(
    rows: list[Row],
    raw: dict[str, Any],
    actor_of: Any,
    locations: dict[Location, str],
    problems: list[Problem],
    file: str,
) -> None:
    for row in rows:
        if (i := actor_of(row)) is None:
            continue
        actor, field, issue_id = raw["actors"][i], str(row.get("field")), row.get("issue")
        if field == "capability" and issue_id is None:
            owner, where = actor, ("actors", i, "uncertainty", field)
        elif field in ("position", "salience") and issue_id is not None:
            stance = actor["stances"].get(str(issue_id))
            if stance is None:
                problems.append(
                    Problem(
                        file,
                        row.where,
                        "issue",
                        _("actor {actor!r} has no stance on issue {issue!r}").format(
                            actor=actor["id"], issue=issue_id
                        ),
                    )
                )
                continue
            owner, where = stance, ("actors", i, "stances", str(issue_id), "uncertainty", field)
        else:
            problems.append(
                Problem(
                    file,
                    row.where,
                    "field",
                    _(
                        "{field!r}: give field capability with no issue, or position or "
                        "salience with an issue"
                    ).format(field=field),
                )
            )
            continue
        owner.setdefault("uncertainty", {})[field] = _spread(row)
        locations[where] = row.where


def _events(
    rows: list[Row],
    change_rows: list[Row],
    raw: dict[str, Any],
    locations: dict[Location, str],
    problems: list[Problem],
    file: str,
) -> None:
    index: dict[str, int] = {}
    events: list[dict[str, Any]] = []
    for row in rows:
        event: dict[str, Any] = {
            "id": row.get("id"),
            "name": row_text(row, "name", row.get("id")),
            "changes": [],
        }
        for key in ("date", "round"):
            if row.get(key) is not None:
                event[key] = row.cells[key]
        evidence = {}
        if row.get("rationale") is not None:
            evidence["rationale"] = str(row.cells["rationale"])
        if row.get("sources") is not None:
            evidence["sources"] = split_sources(row.cells["sources"])
        if evidence:
            event["evidence"] = evidence
        index[str(row.get("id"))] = len(events)
        locations[("events", len(events))] = row.where
        events.append(event)
    for row in change_rows:
        e = index.get(str(row.get("event")))
        if e is None:
            problems.append(
                Problem(
                    file,
                    row.where,
                    "event",
                    _("unknown event {event}; events are {events}").format(
                        event=repr(row.get("event")), events=sorted(index)
                    ),
                )
            )
            continue
        change = {
            k: row.cells[k]
            for k in ("actor", "issue", "field", "set", "multiply", "add")
            if k in row.cells
        }
        changes = events[e]["changes"]
        locations[("events", e, "changes", len(changes))] = row.where
        changes.append(change)
    if events:
        raw["events"] = events


def _sources(evidence: Any) -> tuple[str | None, str | None]:
    if evidence is None:
        return None, None
    return evidence.rationale or None, SOURCE_SEPARATOR.join(evidence.sources) or None


def workbook_tables(scenario: Scenario) -> dict[str, list[list[Any]]]:
    """The scenario as the rows of each sheet, header first."""
    meta = scenario.metadata
    tables: dict[str, list[list[Any]]] = {name: [list(COLUMNS[name])] for name in SHEETS}
    tables["scenario"] += [
        ["id", scenario.id],
        ["title_en", meta.title.en],
        ["title_ar", meta.title.ar or None],
        ["as_of", meta.as_of.isoformat() if meta.as_of else None],
        ["authors", SOURCE_SEPARATOR.join(meta.authors) or None],
        ["notes", meta.notes or None],
        ["sources", SOURCE_SEPARATOR.join(meta.sources) or None],
        ["salience_scale", scenario.salience_scale],
    ]
    if scenario.uncertainty is not None:
        for field in UNCERTAIN_FIELDS:
            default = getattr(scenario.uncertainty, field)
            tables["scenario"] += [
                [f"uncertainty_{field}_distribution", default.distribution],
                [f"uncertainty_{field}_spread", default.spread],
            ]
    for issue in scenario.issues:
        tables["issues"].append(
            [
                issue.id,
                issue.name.en,
                issue.name.ar or None,
                issue.scale.min,
                issue.scale.max,
                issue.status_quo,
                *_sources(issue.evidence.get("status_quo")),
                issue.space,
                True if issue.band_gaps else None,
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
        for field, spread in actor.uncertainty.items():
            tables["uncertainty"].append(
                [actor.id, None, field, spread.distribution, spread.low, spread.high, spread.sd]
            )
    for actor, issue, stance in scenario.stances():
        row: list[Any] = [actor.id, issue.id]
        for field in ("position", "salience", "risk"):
            row += [getattr(stance, field), *_sources(stance.evidence.get(field))]
        tables["stances"].append(row)
        for field, spread in stance.uncertainty.items():
            tables["uncertainty"].append(
                [actor.id, issue.id, field, spread.distribution, spread.low, spread.high, spread.sd]
            )
    for event in scenario.events:
        tables["events"].append(
            [
                event.id,
                event.name.en,
                event.name.ar or None,
                event.date.isoformat() if event.date else None,
                event.round,
                *_sources(event.evidence),
            ]
        )
        for change in event.changes:
            tables["changes"].append(
                [
                    event.id,
                    change.actor,
                    change.issue,
                    change.field,
                    change.set,
                    change.multiply,
                    change.add,
                ]
            )
    return tables


def write_tables(tables: dict[str, list[list[Any]]], path: Path) -> None:
    """Write sheets of rows; every text cell is text, never a formula."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # a text starting with "=" stays text
        sheet.freeze_panes = "A2"
    book.save(path)


def write_excel(scenario: Scenario, path: Path) -> None:
    write_tables(workbook_tables(scenario), path)


FORMAT = FormatSpec(
    name="excel",
    extensions=(".xlsx",),
    read=read_excel,
    write=write_excel,
    summary=N_("workbook: scenario, issues, bands, points, actors, stances, uncertainty, events"),
)

#: Arabic names of the sheets and columns, for workbooks an analyst fills in Arabic
#: (``tawazun init FILE.xlsx --lang ar``); the reader accepts either name.
ARABIC = {
    "scenario": "السيناريو", "issues": "القضايا", "bands": "النطاقات", "points": "النقاط",
    "actors": "الفاعلون", "stances": "المواقف", "uncertainty": "عدم_اليقين",
    "events": "الأحداث", "changes": "التغييرات", "help": "مساعدة",
    "key": "المفتاح", "value": "القيمة", "id": "المعرف", "name_en": "الاسم_بالإنجليزية",
    "name_ar": "الاسم_بالعربية", "scale_min": "أدنى_المقياس", "scale_max": "أعلى_المقياس",
    "status_quo": "الوضع_الراهن", "status_quo_rationale": "مبرر_الوضع_الراهن",
    "status_quo_sources": "مصادر_الوضع_الراهن", "space": "الفضاء",
    "band_gaps": "فجوات_بين_النطاقات", "issue": "القضية", "lower": "الحد_الأدنى",
    "upper": "الحد_الأعلى", "label_en": "التسمية_بالإنجليزية", "label_ar": "التسمية_بالعربية",
    "group": "المجموعة", "capability": "القدرة", "capability_rationale": "مبرر_القدرة",
    "capability_sources": "مصادر_القدرة", "notes": "ملاحظات", "actor": "الفاعل",
    "position": "الموقف", "position_rationale": "مبرر_الموقف", "position_sources": "مصادر_الموقف",
    "salience": "الأهمية", "salience_rationale": "مبرر_الأهمية",
    "salience_sources": "مصادر_الأهمية", "risk": "المخاطرة", "risk_rationale": "مبرر_المخاطرة",
    "risk_sources": "مصادر_المخاطرة", "field": "الحقل", "distribution": "التوزيع",
    "low": "الأدنى", "high": "الأعلى", "sd": "الانحراف_المعياري", "date": "التاريخ",
    "round": "الجولة", "rationale": "المبرر", "sources": "المصادر", "event": "الحدث",
    "set": "تعيين", "multiply": "ضرب", "add": "إضافة",
}  # fmt: skip
FROM_ARABIC = {arabic: english for english, arabic in ARABIC.items()}


def english_name(name: str) -> str:
    """A sheet or column name as tawazun reads it: lower case, Arabic names in English."""
    name = unicodedata.normalize("NFC", name.strip())
    return FROM_ARABIC.get(name, name.lower())


def _help_rows() -> list[list[str]]:
    """What each sheet and column holds (the ``help`` sheet of ``tawazun init``)."""
    sheets = {
        "scenario": _("one row per key: the scenario's id, title, date, authors, sources"),
        "issues": _("one row per issue: its id, names, scale and status quo"),
        "bands": _("labelled parts of each issue's scale; together they cover the scale"),
        "points": _("labelled points of a scale (optional)"),
        "actors": _("one row per actor: id, names, group, capability and its evidence"),
        "stances": _("one row per actor and issue: position, salience, risk, with evidence"),
        "uncertainty": _("optional: how uncertain a position, salience or capability is"),
        "events": _("optional: dated shocks; their changes are on the changes sheet"),
        "changes": _("what each event does: set, multiply or add to one actor's field"),
    }
    rows = [[_("sheet"), _("columns"), _("what it holds")]]
    for sheet, what in sheets.items():
        rows.append([sheet, ", ".join(COLUMNS[sheet]), what])
    rows.append(["", "", _("Full reference: docs/format.md (the Excel section).")])
    return rows


def write_template(scenario: Scenario, path: Path, lang: str = "en") -> None:
    """A workbook to fill in: every sheet and column, ``scenario``'s rows as the example,
    a ``help`` sheet, and headers in ``lang``."""
    tables = {HELP_SHEET: _help_rows(), **workbook_tables(scenario)}
    if lang == "ar":
        tables = {
            ARABIC[name]: [[ARABIC.get(str(h), h) for h in rows[0]], *rows[1:]]
            if name != HELP_SHEET
            else rows
            for name, rows in tables.items()
        }
    write_tables(tables, path)
