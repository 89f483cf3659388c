"""What a report shows, computed once and in no language: every model's analyses of a scenario.

:func:`analyse` runs, for each model chosen, the forecast, ``simulate``, pivotal actors,
shocks (when the scenario states events) and what would it take to reach each band other
than the forecast one. The findings are then rendered in any language
(:mod:`tawazun.report.html`, :mod:`tawazun.report.answers`) without running anything again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tawazun.analysis.pivotal import Pivotal, pivotal
from tawazun.analysis.shocks import Shocks, shocks
from tawazun.analysis.simulate import Simulation, simulate
from tawazun.analysis.values import without_actor
from tawazun.analysis.whatif import WhatIf, what_would_it_take
from tawazun.models import ModelSpec, available, get_model
from tawazun.result import Result
from tawazun.scenario import Scenario
from tawazun.validation.calibration import calibrated_issues


@dataclass(frozen=True)
class ModelFindings:
    """One model's analyses of the scenario; ``refused`` says why there are none."""

    spec: ModelSpec
    result: Result | None = None
    simulation: Simulation | None = None
    pivotal: Pivotal | None = None
    shocks: Shocks | None = None
    whatif: dict[str, list[WhatIf]] = field(default_factory=dict)
    without: dict[str, Simulation] = field(default_factory=dict)
    calibrated: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    refused: str = ""

    @property
    def model(self) -> str:
        return self.spec.name

    def calibrated_bands(self, issue_id: str) -> dict[str, float] | None:
        """The calibrated probability of each band (None: the model has no calibration)."""
        found = self.calibrated.get(issue_id)
        return None if found is None else found["bands"]

    def bands(self, issue_id: str) -> dict[str, float]:
        """``simulate``'s probability of each band of the issue."""
        if self.simulation is None:
            return {}
        ids = [issue.id for issue in self.simulation.scenario.issues]
        return self.simulation.issues()[ids.index(issue_id)]["bands"]


@dataclass(frozen=True)
class Findings:
    """Every model's findings on one scenario, and how they were made."""

    scenario: Scenario
    models: list[ModelFindings]
    runs: int
    seed: int
    without: tuple[str, ...] = ()

    def ran(self) -> list[ModelFindings]:
        """The models that forecast the scenario."""
        return [m for m in self.models if m.result is not None]


def analyse(
    scenario: Scenario,
    models: list[str] | None = None,
    runs: int = 1000,
    seed: int = 0,
    *,
    whatif: bool = True,
    grid: int = 20,
    without: list[str] | None = None,
    log: Callable[[str], None] = lambda message: None,
    parameters: dict[str, dict[str, Any]] | None = None,
) -> Findings:
    """Run every analysis of the report for each model (default: every registered model).

    Parameters
    ----------
    scenario : Scenario
    models : list of str, optional
        Model names; unknown names raise ``UnknownName``.
    runs, seed : int
        ``simulate``'s number of runs and seed.
    whatif : bool
        Whether to search what it would take to reach each other band (the slowest part).
    grid : int
        The what-would-it-take grid (see :func:`tawazun.analysis.whatif.what_would_it_take`).
    without : list of str, optional
        Actor ids: for each, ``simulate`` on the scenario without that actor (gone from
        every table), to answer "what if this actor were not at the table".
    log : callable
        Told what is being run, one line at a time.
    parameters : dict, optional
        Model name to that model's parameters.
    """
    specs = [get_model(name) for name in models] if models else list(available().values())
    parameters = parameters or {}
    absent = {
        actor_id: without_actor(scenario, scenario.actor(actor_id).id) for actor_id in without or []
    }
    found = []
    for spec in specs:
        own = parameters.get(spec.name, {})
        log(f"{spec.name}: forecast")
        try:
            result = scenario.forecast(spec.name, **own)
        except ValueError as exc:  # the model refuses this scenario, in its own words
            found.append(ModelFindings(spec, refused=str(exc)))
            continue
        log(f"{spec.name}: simulate, {runs} runs")
        simulation = simulate(scenario, spec.name, runs, seed, parameters=own)
        log(f"{spec.name}: pivotal actors")
        ranked = pivotal(scenario, spec.name, **own)
        timeline = shocks(scenario, spec.name, **own) if scenario.events else None
        searches: dict[str, list[WhatIf]] = {}
        if whatif:
            for issue, forecast in zip(scenario.issues, result.issues, strict=True):
                log(f"{spec.name}: what would it take, {issue.id}")
                searches[issue.id] = [
                    what_would_it_take(scenario, issue.id, band.id, spec.name, grid=grid, **own)
                    for band in issue.bands
                    if band.id != forecast.band
                ]
        gone = {}
        for actor_id, reduced in absent.items():
            log(f"{spec.name}: simulate without {actor_id}")
            gone[actor_id] = simulate(reduced, spec.name, runs, seed, parameters=own)
        # the model's errors on real outcomes (DEU III) around the runs' forecasts
        calibrated = calibrated_issues(scenario, spec.name, simulation.forecasts)
        found.append(
            ModelFindings(spec, result, simulation, ranked, timeline, searches, gone, calibrated)
        )
    return Findings(scenario, found, runs, seed, tuple(absent))
