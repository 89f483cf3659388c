"""The DEU III data set: EU legislative proposals, the actors' stances and the outcomes.

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

Two readers:

* :func:`read_deu` gives the back-test cases: one scenario per proposal (per proposal and
  voting rule, should a proposal mix rules), one issue per row, with each issue's outcome;
  rows without an outcome are skipped and counted.
* The ``deu`` :class:`~tawazun.io.FormatSpec` reads the whole file as one scenario, one issue
  per row, with the file's capability row (the only capabilities that do not depend on the
  proposal), so that ``tawazun validate``, ``show``, ``convert`` and single-issue forecasts
  work. Its issues come from unrelated proposals: multi-issue models (vote trading) must be
  run per proposal, which ``tawazun backtest`` does.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tawazun.i18n import _
from tawazun.io import FormatSpec
from tawazun.io._cells import number
from tawazun.io._text import read_text
from tawazun.io.errors import Locator, Problem, ScenarioFileError, fail, validate
from tawazun.scenario import Location, Scenario

logger = logging.getLogger(__name__)

#: The scale of every DEU III issue (positions, reference points and outcomes).
DEU_SCALE = (0.0, 100.0)
Capabilities = Literal["file-row", "procedure"]
CAPABILITY_CHOICES: tuple[str, ...] = ("file-row", "procedure")

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

#: Council votes under qualified majority, Treaty of Nice as enlarged: Protocol on the
#: enlargement of the European Union, Art. 3 (OJ C 80, 10.3.2001), Act of Accession 2003
#: Art. 12, Act of Accession 2005 Art. 10 (Bulgaria, Romania), Act of Accession 2012 Art. 20
#: (Croatia). 352 votes for 28 members; in force from November 2004 to October 2014 and on
#: request until March 2017.
NICE_VOTES: dict[str, float] = {
    **dict.fromkeys(("de", "fr", "it", "uk"), 29.0),
    **dict.fromkeys(("es", "pl"), 27.0),
    "ro": 14.0,
    "nl": 13.0,
    **dict.fromkeys(("be", "cz", "el", "hu", "pt"), 12.0),
    **dict.fromkeys(("at", "bu", "se"), 10.0),
    **dict.fromkeys(("cr", "dk", "ie", "lt", "sk", "fi"), 7.0),
    **dict.fromkeys(("cy", "ee", "lv", "lu", "si"), 4.0),
    "mt": 3.0,
}
#: Under unanimity every member state holds a veto: each gets the mean Nice weight, so the
#: Council as a whole weighs the same under either rule.
UNANIMITY_VOTES = sum(NICE_VOTES.values()) / len(NICE_VOTES)
#: The Commission proposes and can withdraw under both procedures; the Parliament co-legislates
#: with a veto under co-decision. Both are given a largest member state's weight, as the file's
#: GDP row gives them Germany's, keeping the Council as a whole dominant: the "Council-centric"
#: distribution that Thomson and Hosli (2006) and Thomson (2011, ch. 8) found forecasts better
#: than a "supranational" one.
COMMISSION_VOTES = 29.0
PARLIAMENT_COD_VOTES = 29.0
#: Under consultation the Council must seek the Parliament's opinion but is not bound by it
#: (TFEU Art. 289(2)): the Parliament keeps a token weight, the smallest member's.
PARLIAMENT_CNS_VOTES = 3.0


@dataclass(frozen=True)
class Case:
    """One proposal of DEU III as a back-test case.

    Attributes
    ----------
    proposal : str
        The proposal's id (``prnr``); folds and bootstrap draws keep a proposal whole.
    scenario : Scenario
        One issue per row of the proposal; ``issue.status_quo`` holds the reference point
        where the file has one.
    outcome : dict of str to float
        The recorded outcome of each issue, on the issue's scale.
    procedure : str
        ``COD`` (co-decision) or ``CNS`` (consultation), as the file says.
    voting_rule : str
        The Council's voting rule, as the file says (``QMV``, ``Unan``, ...).
    rows : dict of str to int
        The file line of each issue, for messages.
    """

    proposal: str
    scenario: Scenario
    outcome: dict[str, float]
    procedure: str
    voting_rule: str
    rows: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DeuData:
    """What :func:`read_deu` read: the cases, and the rows it left out and why.

    Attributes
    ----------
    cases : list of Case
    skipped : list of tuple (int, str)
        ``(line, issue id)`` of the rows without an outcome.
    imputed_saliences : int
        Stances whose position is recorded without a salience (given
        :data:`MISSING_SALIENCE`).
    capabilities : str
        The capability scheme used.
    """

    cases: list[Case]
    skipped: list[tuple[int, str]]
    imputed_saliences: int
    capabilities: str

    @property
    def skipped_count(self) -> int:
        return len(self.skipped)

    @property
    def issue_count(self) -> int:
        return sum(len(case.outcome) for case in self.cases)


@dataclass(frozen=True)
class _Table:
    """The file split into its header, the capability row (if any) and the issue rows."""

    path: Path
    header: list[str]
    actors: list[str]
    capability_row: dict[str, str] | None
    rows: list[tuple[int, dict[str, str]]]


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


def _table(path: Path) -> _Table:
    text = read_text(path)
    records = list(csv.reader(text.splitlines(), delimiter="\t", quotechar='"'))
    header = [cell.strip() for cell in records[0]]
    missing = [column for column in ID_COLUMNS if column not in header]
    if missing:
        raise fail(path, 1, "header", f"missing DEU columns {missing} (is this a DEU file?)")
    actors = actor_columns(header)
    if not actors:
        raise fail(path, 1, "header", "no actor columns (p<actor> with s<actor>)")
    capability_row = None
    rows: list[tuple[int, dict[str, str]]] = []
    for line, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            raise fail(path, line, "row", f"{len(record)} cells; the header has {len(header)}")
        cells = dict(zip(header, (cell.strip() for cell in record), strict=True))
        if not cells["prnr"] and not cells["isnr"]:
            if capability_row is not None or rows:
                raise fail(path, line, "prnr", "a row without proposal or issue id")
            capability_row = cells
            continue
        rows.append((line, cells))
    if not rows:
        raise fail(path, 2, "row", "no issue rows")
    return _Table(path, header, actors, capability_row, rows)


def _number(path: Path, line: int, column: str, value: str) -> float | None:
    """A DEU cell: blank or ``NA`` is no value."""
    return number(path, line, column, value, missing={"", "NA", "NAN"})


def file_row_capabilities(table: _Table) -> dict[str, float]:
    """The capability row the blksv copy of DEU III adds (member states' GDPs)."""
    if table.capability_row is None:
        raise fail(
            table.path,
            2,
            "capabilities",
            "the file has no capability row (a second row without prnr/isnr); "
            "use the 'procedure' capabilities",
        )
    found: dict[str, float] = {}
    for actor in table.actors:
        value = _number(table.path, 2, f"p{actor}", table.capability_row[f"p{actor}"])
        if value is None or value < 0:
            raise fail(table.path, 2, f"p{actor}", "a capability must be a number >= 0")
        found[actor] = value
    return found


def procedure_capability(actor: str, procedure: str, voting_rule: str) -> float:
    """An actor's weight under a procedure and Council voting rule (constants above).

    Parameters
    ----------
    actor : str
        DEU actor code (``com``, ``ep`` or a member state).
    procedure : str
        ``COD`` or ``CNS``.
    voting_rule : str
        ``QMV`` (or a variant such as ``QMV(10)``) or ``Unan``.

    Returns
    -------
    float
    """
    if actor == "com":
        return COMMISSION_VOTES
    if actor == "ep":
        return PARLIAMENT_COD_VOTES if procedure.upper() == "COD" else PARLIAMENT_CNS_VOTES
    if actor not in NICE_VOTES:
        raise KeyError(f"no Council weight for actor {actor!r}; known: {sorted(NICE_VOTES)}")
    if voting_rule.upper().startswith("QMV"):
        return NICE_VOTES[actor]
    return UNANIMITY_VOTES


def _issue(cells: dict[str, str], line: int, path: Path) -> dict[str, Any]:
    name = f"{cells['prname'] or cells['prnr']}: issue {cells['isnr']}"
    issue: dict[str, Any] = {"id": cells["isnr"], "name": {"en": name}}
    reference_point = _number(path, line, "rp", cells["rp"])
    if reference_point is not None:
        issue["status_quo"] = reference_point
    return issue


def _stances(
    table: _Table, rows: Iterable[tuple[int, dict[str, str]]]
) -> tuple[dict[str, dict[str, Any]], int]:
    """Each actor's stances over ``rows``; an actor without a position has no stance there."""
    stances: dict[str, dict[str, Any]] = {actor: {} for actor in table.actors}
    imputed = 0
    for line, cells in rows:
        for actor in table.actors:
            position = _number(table.path, line, f"p{actor}", cells[f"p{actor}"])
            if position is None:
                continue
            salience = _number(table.path, line, f"s{actor}", cells[f"s{actor}"])
            if salience is None:
                salience = MISSING_SALIENCE
                imputed += 1
            stances[actor][cells["isnr"]] = {"position": position, "salience": salience}
    return stances, imputed


def _scenario(
    table: _Table,
    scenario_id: str,
    title: str,
    rows: list[tuple[int, dict[str, str]]],
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


def _row_locator(raw: dict[str, Any], rows: list[tuple[int, dict[str, str]]]) -> Locator:
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


def _capability_function(
    table: _Table, capabilities: str, procedure: str, voting_rule: str
) -> Callable[[str], float]:
    if capabilities == "file-row":
        row = file_row_capabilities(table)
        return row.__getitem__
    if capabilities == "procedure":
        return lambda actor: procedure_capability(actor, procedure, voting_rule)
    raise fail(
        table.path,
        "-",
        "capabilities",
        f"unknown capabilities {capabilities!r}; choose from {list(CAPABILITY_CHOICES)}",
    )


def _groups(
    rows: list[tuple[int, dict[str, str]]],
) -> dict[tuple[str, str, str], list[tuple[int, dict[str, str]]]]:
    """Rows by (proposal, procedure, voting rule), in file order."""
    groups: dict[tuple[str, str, str], list[tuple[int, dict[str, str]]]] = {}
    for line, cells in rows:
        key = (cells["prnr"], cells["proc"], cells["counvte"])
        groups.setdefault(key, []).append((line, cells))
    return groups


def read_deu(path: str | Path, capabilities: Capabilities | str = "file-row") -> DeuData:
    """Read DEU III into back-test cases, one per proposal.

    Parameters
    ----------
    path : str or Path
        The tab-separated DEU file.
    capabilities : {"file-row", "procedure"}
        ``file-row``: the file's second row (GDPs; the Commission and Parliament get the
        largest). ``procedure``: :func:`procedure_capability` (Nice votes under QMV, equal
        under unanimity, the Parliament weighty under co-decision, token under consultation).

    Returns
    -------
    DeuData
        Rows without an outcome are left out and listed in ``skipped`` (a warning says how
        many). A proposal whose rows differ in procedure or voting rule becomes one case per
        combination, since a scenario has one capability per actor.
    """
    path = Path(path)
    table = _table(path)
    scored = []
    skipped = []
    outcomes: dict[str, float] = {}
    problems: list[Problem] = []
    if capabilities == "procedure":
        problems += [
            Problem(
                str(path),
                "1",
                f"p{actor}",
                _(
                    "no Council weight for actor {actor!r}: the 'procedure' capabilities know "
                    "the EU member states, the Commission and the Parliament; use "
                    "--capabilities file-row"
                ).format(actor=actor),
            )
            for actor in table.actors
            if actor not in NICE_VOTES and actor not in ("com", "ep")
        ]
    for line, cells in table.rows:
        outcome = _number(path, line, "out", cells["out"])
        if outcome is None:
            skipped.append((line, cells["isnr"]))
        elif not DEU_SCALE[0] <= outcome <= DEU_SCALE[1]:
            problems.append(
                Problem(
                    str(path),
                    str(line),
                    "out",
                    _("outcome {value:g} is outside the scale {lo:g}..{hi:g}").format(
                        value=outcome, lo=DEU_SCALE[0], hi=DEU_SCALE[1]
                    ),
                )
            )
        else:
            scored.append((line, cells))
            outcomes[cells["isnr"]] = outcome
    if problems:
        raise ScenarioFileError(problems)
    if skipped:
        logger.warning("%s: skipped %d rows without an outcome", path, len(skipped))
    cases = []
    imputed = 0
    groups = _groups(scored)
    for (proposal, procedure, voting_rule), rows in groups.items():
        capability = _capability_function(table, capabilities, procedure, voting_rule)
        several = sum(key[0] == proposal for key in groups) > 1
        scenario_id = f"{proposal}.{procedure}.{voting_rule}" if several else proposal
        scenario_id = "".join(c if c.isalnum() or c in "_.-" else "-" for c in scenario_id)
        title = f"DEU III {proposal} ({rows[0][1]['prname']}), {procedure}, {voting_rule}"
        scenario, count = _scenario(table, scenario_id, title, rows, capability)
        imputed += count
        cases.append(
            Case(
                proposal=proposal,
                scenario=scenario,
                outcome={cells["isnr"]: outcomes[cells["isnr"]] for _, cells in rows},
                procedure=procedure,
                voting_rule=voting_rule,
                rows={cells["isnr"]: line for line, cells in rows},
            )
        )
    return DeuData(cases, skipped, imputed, capabilities)


def read_deu_scenario(path: Path) -> Scenario:
    """The whole file as one scenario (every row an issue) with the file's capability row."""
    table = _table(path)
    capability = file_row_capabilities(table).__getitem__
    title = f"DEU III, {len(table.rows)} issues of EU legislative proposals"
    scenario, _ = _scenario(table, "deu3", title, table.rows, capability)
    return scenario


FORMAT = FormatSpec(
    name="deu",
    extensions=(".csv", ".tsv"),
    read=read_deu_scenario,
    sniff=sniff_deu,
    priority=50,
    summary="DEU III (EU legislative decisions), whole file as one scenario; see backtest",
)
