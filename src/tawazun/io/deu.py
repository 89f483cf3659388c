"""The DEU III file format: EU legislative proposals, the actors' stances and the outcomes.

*Decision-making in the European Union* III (Arregui and Perarnaud 2021, CC BY 4.0,
doi:10.34810/data53) records, for each contested issue of 141 legislative proposals, the
position (0-100) and salience (0-100) of the Commission, the European Parliament and the
member states, the reference point (the status quo, ``rp``), the outcome (``out``), the
legislative procedure (``proc``: COD co-decision, CNS consultation) and the Council's voting
rule (``counvte``: QMV, Unan). The file is tab-separated, one row per issue.

The copy kept by the public repository blksv/predictioneers_game has a second row that is not
an issue: one number per actor column, the member states' GDPs (that repository's README says
so: "deu3.csv contains the above validation dataset with GDPs (the second line) added"). The
values are nominal GDP in trillions of US dollars (Germany 4.1, France 2.8, United Kingdom
2.64, Italy 2.09, Ireland 0.50 above Austria 0.48: an order neither population nor the Nice
voting weights give); the Commission and the Parliament are given Germany's 4.1, the largest
value. See docs/validation.md.

This module reads the format: :func:`read_table` splits a file into its rows, and
:func:`scenario_of_rows` turns rows into a scenario with the capabilities it is given. The
``deu`` :class:`~tawazun.io.FormatSpec` reads the whole file as one scenario, one issue per
row, with the file's capability row (the only capabilities that do not depend on the
proposal), so that ``tawazun validate``, ``show``, ``convert`` and single-issue forecasts
work. Its issues come from unrelated proposals: multi-issue models (vote trading) must be run
per proposal. The back-test's cases (one scenario per proposal) and capability schemes are
the method of :mod:`tawazun.validation`, not of the format.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tawazun.i18n import N_, _
from tawazun.io import FormatSpec
from tawazun.io._cells import number
from tawazun.io._text import read_text
from tawazun.io.errors import Locator, fail, validate
from tawazun.scenario import Location, Scenario

Row = tuple[int, dict[str, str]]
#: The scale of every DEU III issue (positions, reference points and outcomes).
DEU_SCALE = (0.0, 100.0)

#: Columns every DEU file has besides the actors' ``p``/``s`` columns.
ID_COLUMNS = ("prnr", "isnr", "prname", "proc", "counvte", "rp", "out")
#: Columns that start with ``p`` or ``s`` but are not an actor's position or salience.
NOT_ACTOR_COLUMNS = frozenset({"prnrnmc", "prnr", "prname", "proc", "proccde"})

#: Salience given to a stance whose position is recorded but whose salience is not (54
#: stances in DEU III): 50, the middle of DEU's 0-100 salience scale. A neutral choice of
#: ours; dropping those stances instead (salience 0, as blksv's validation does) is the
#: other option.
MISSING_SALIENCE = 50.0

INSTITUTIONS = ("com", "ep")

#: Actor codes of DEU III, with English and Arabic names.
ACTOR_NAMES: dict[str, tuple[str, str]] = {
    "com": ("European Commission", "المفوضية الأوروبية"),
    "ep": ("European Parliament", "البرلمان الأوروبي"),
    "at": ("Austria", "النمسا"),
    "be": ("Belgium", "بلجيكا"),
    "bu": ("Bulgaria", "بلغاريا"),
    "cr": ("Croatia", "كرواتيا"),
    "cy": ("Cyprus", "قبرص"),
    "cz": ("Czechia", "التشيك"),
    "dk": ("Denmark", "الدنمارك"),
    "ee": ("Estonia", "إستونيا"),
    "fi": ("Finland", "فنلندا"),
    "fr": ("France", "فرنسا"),
    "de": ("Germany", "ألمانيا"),
    "el": ("Greece", "اليونان"),
    "hu": ("Hungary", "المجر"),
    "ie": ("Ireland", "أيرلندا"),
    "it": ("Italy", "إيطاليا"),
    "lv": ("Latvia", "لاتفيا"),
    "lt": ("Lithuania", "ليتوانيا"),
    "lu": ("Luxembourg", "لوكسمبورغ"),
    "mt": ("Malta", "مالطا"),
    "nl": ("Netherlands", "هولندا"),
    "pl": ("Poland", "بولندا"),
    "pt": ("Portugal", "البرتغال"),
    "ro": ("Romania", "رومانيا"),
    "si": ("Slovenia", "سلوفينيا"),
    "sk": ("Slovakia", "سلوفاكيا"),
    "es": ("Spain", "إسبانيا"),
    "se": ("Sweden", "السويد"),
    "uk": ("United Kingdom", "المملكة المتحدة"),
}


@dataclass(frozen=True)
class DeuTable:
    """The file split into its header, the capability row (if any) and the issue rows.

    ``rows`` are ``(line, cells)``: the file line and the row's cells by column name.
    """

    path: Path
    header: list[str]
    actors: list[str]
    capability_row: dict[str, str] | None
    rows: list[Row]


def actor_columns(header: Sequence[str]) -> list[str]:
    """Actor codes: every ``p<code>`` column with a matching ``s<code>`` column, in file order."""
    names = set(header)
    return [
        column[1:]
        for column in header
        if column.startswith("p") and column not in NOT_ACTOR_COLUMNS and f"s{column[1:]}" in names
    ]


def sniff_deu(head: str) -> bool:
    """A DEU file: tab-separated, with the proposal, issue, ``pcom``, ``rp`` and ``out`` columns."""
    first = head.split("\n", 1)[0]
    columns = {cell.strip().strip('"') for cell in first.split("\t")}
    return {"prnr", "isnr", "pcom", "rp", "out"} <= columns


def read_table(path: Path) -> DeuTable:
    text = read_text(path)
    records = list(csv.reader(text.splitlines(), delimiter="\t", quotechar='"'))
    header = [cell.strip() for cell in records[0]]
    missing = [column for column in ID_COLUMNS if column not in header]
    if missing:
        raise fail(
            path,
            1,
            "header",
            _("missing DEU columns {missing} (is this a DEU file?)").format(missing=missing),
        )
    actors = actor_columns(header)
    if not actors:
        raise fail(path, 1, "header", _("no actor columns (p<actor> with s<actor>)"))
    capability_row = None
    rows: list[Row] = []
    for line, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            raise fail(
                path,
                line,
                "row",
                _("{count} cells; the header has {columns}").format(
                    count=len(record), columns=len(header)
                ),
            )
        cells = dict(zip(header, (cell.strip() for cell in record), strict=True))
        if not cells["prnr"] and not cells["isnr"]:
            if capability_row is not None or rows:
                raise fail(path, line, "prnr", _("a row without proposal or issue id"))
            capability_row = cells
            continue
        rows.append((line, cells))
    if not rows:
        raise fail(path, 2, "row", _("no issue rows"))
    return DeuTable(path, header, actors, capability_row, rows)


def cell_number(path: Path, line: int, column: str, value: str) -> float | None:
    """A DEU cell: blank or ``NA`` is no value."""
    return number(path, line, column, value, missing={"", "NA", "NAN"})


def file_row_capabilities(table: DeuTable) -> dict[str, float]:
    """The capability row the blksv copy of DEU III adds (member states' GDPs)."""
    if table.capability_row is None:
        raise fail(
            table.path,
            2,
            "capabilities",
            _(
                "the file has no capability row (a second row without prnr/isnr); "
                "use the 'procedure' capabilities"
            ),
        )
    found: dict[str, float] = {}
    for actor in table.actors:
        value = cell_number(table.path, 2, f"p{actor}", table.capability_row[f"p{actor}"])
        if value is None or value < 0:
            raise fail(table.path, 2, f"p{actor}", _("a capability must be a number >= 0"))
        found[actor] = value
    return found


def _issue(cells: dict[str, str], line: int, path: Path) -> dict[str, Any]:
    name = f"{cells['prname'] or cells['prnr']}: issue {cells['isnr']}"
    issue: dict[str, Any] = {"id": cells["isnr"], "name": {"en": name}}
    reference_point = cell_number(path, line, "rp", cells["rp"])
    if reference_point is not None:
        issue["status_quo"] = reference_point
    return issue


def _stances(table: DeuTable, rows: Iterable[Row]) -> tuple[dict[str, dict[str, Any]], int]:
    """Each actor's stances over ``rows``; an actor without a position has no stance there."""
    stances: dict[str, dict[str, Any]] = {actor: {} for actor in table.actors}
    imputed = 0
    for line, cells in rows:
        for actor in table.actors:
            position = cell_number(table.path, line, f"p{actor}", cells[f"p{actor}"])
            if position is None:
                continue
            salience = cell_number(table.path, line, f"s{actor}", cells[f"s{actor}"])
            if salience is None:
                salience = MISSING_SALIENCE
                imputed += 1
            stances[actor][cells["isnr"]] = {"position": position, "salience": salience}
    return stances, imputed


def scenario_of_rows(
    table: DeuTable,
    scenario_id: str,
    title: str,
    rows: list[Row],
    capability: Callable[[str], float],
) -> tuple[Scenario, int]:
    stances, imputed = _stances(table, rows)
    actors = []
    for actor in table.actors:
        if not stances[actor]:
            continue
        en, ar = ACTOR_NAMES.get(actor, (actor, ""))
        actors.append(
            {
                "id": actor,
                "name": {"en": en, "ar": ar},
                "group": "institution" if actor in INSTITUTIONS else "member state",
                "capability": capability(actor),
                "stances": stances[actor],
            }
        )
    raw = {
        "id": scenario_id,
        "metadata": {
            "title": {"en": title},
            "sources": [
                "Arregui, J. and Perarnaud, C. (2021). The DEU III dataset. CORA, "
                "doi:10.34810/data53 (CC BY 4.0)"
            ],
        },
        "salience_scale": 100,
        "issues": [_issue(cells, line, table.path) for line, cells in rows],
        "actors": actors,
    }
    return validate(raw, table.path, _row_locator(raw, rows)), imputed


def _row_locator(raw: dict[str, Any], rows: list[Row]) -> Locator:
    """Locate a problem at the file line of the issue it concerns."""
    line_of_issue = {cells["isnr"]: str(line) for line, cells in rows}
    issue_ids = [issue["id"] for issue in raw["issues"]]

    def locate(loc: Location) -> str:
        if len(loc) >= 2 and loc[0] == "issues" and isinstance(loc[1], int):
            return line_of_issue.get(issue_ids[loc[1]], "-")
        if len(loc) >= 4 and loc[0] == "actors" and loc[2] == "stances":
            return line_of_issue.get(str(loc[3]), "-")
        return "-"

    return locate


def read_deu_scenario(path: Path) -> Scenario:
    """The whole file as one scenario (every row an issue) with the file's capability row."""
    table = read_table(path)
    capability = file_row_capabilities(table).__getitem__
    title = f"DEU III, {len(table.rows)} issues of EU legislative proposals"
    scenario, _ = scenario_of_rows(table, "deu3", title, table.rows, capability)
    return scenario


FORMAT = FormatSpec(
    name="deu",
    extensions=(".csv", ".tsv"),
    read=read_deu_scenario,
    sniff=sniff_deu,
    priority=50,
    summary=N_("DEU III (EU legislative decisions), whole file as one scenario; see backtest"),
)
