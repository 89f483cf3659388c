"""DEU III as back-test cases: one scenario per proposal, with each issue's outcome.

The file format is :mod:`tawazun.io.deu`'s; grouping its rows into proposals, choosing the
capabilities (:mod:`tawazun.validation.capabilities`) and setting the outcomes aside is the
method of the back-test, and lives here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from tawazun.errors import Problem, ScenarioFileError
from tawazun.i18n import _
from tawazun.io.deu import DEU_SCALE, Row, cell_number, read_table, scenario_of_rows
from tawazun.scenario import Scenario
from tawazun.validation.capabilities import Capabilities, capability_function, unweighted_actors

logger = logging.getLogger(__name__)


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
    """What :func:`read_cases` read: the cases, and the rows it left out and why.

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


def _groups(
    rows: list[Row],
) -> dict[tuple[str, str, str], list[Row]]:
    """Rows by (proposal, procedure, voting rule), in file order."""
    groups: dict[tuple[str, str, str], list[Row]] = {}
    for line, cells in rows:
        key = (cells["prnr"], cells["proc"], cells["counvte"])
        groups.setdefault(key, []).append((line, cells))
    return groups


def read_cases(path: str | Path, capabilities: Capabilities | str = "file-row") -> DeuData:
    """Read DEU III into back-test cases, one per proposal.

    Parameters
    ----------
    path : str or Path
        The tab-separated DEU file.
    capabilities : {"file-row", "procedure"}
        ``file-row``: the file's second row (GDPs; the Commission and Parliament get the
        largest). ``procedure``:
        :func:`~tawazun.validation.capabilities.procedure_capability` (Nice votes under QMV,
        equal under unanimity, the Parliament weighty under co-decision, token under
        consultation).

    Returns
    -------
    DeuData
        Rows without an outcome are left out and listed in ``skipped`` (a warning says how
        many). A proposal whose rows differ in procedure or voting rule becomes one case per
        combination, since a scenario has one capability per actor.
    """
    path = Path(path)
    table = read_table(path)
    scored = []
    skipped = []
    outcomes: dict[str, float] = {}
    problems = unweighted_actors(table) if capabilities == "procedure" else []
    for line, cells in table.rows:
        outcome = cell_number(path, line, "out", cells["out"])
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
        logger.warning(
            _("{path}: skipped {count} rows without an outcome").format(
                path=path, count=len(skipped)
            )
        )
    cases = []
    imputed = 0
    groups = _groups(scored)
    for (proposal, procedure, voting_rule), rows in groups.items():
        capability = capability_function(table, capabilities, procedure, voting_rule)
        several = sum(key[0] == proposal for key in groups) > 1
        scenario_id = f"{proposal}.{procedure}.{voting_rule}" if several else proposal
        scenario_id = "".join(c if c.isalnum() or c in "_.-" else "-" for c in scenario_id)
        title = f"DEU III {proposal} ({rows[0][1]['prname']}), {procedure}, {voting_rule}"
        scenario, count = scenario_of_rows(table, scenario_id, title, rows, capability)
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
