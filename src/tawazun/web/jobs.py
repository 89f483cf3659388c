"""Runs as background jobs: queued, running, done or failed, with their progress.

A job runs one command (forecast, simulate, pivotal, shocks, whatif) on a scenario of the
library in a thread of a small pool, so the page that asked can be left and come back, and
many requests queue rather than pile up. Simulations run their batches on Dask exactly as
the command line does: in this process by default, on the cluster at ``scheduler`` if the
server was started with one. A job that fails keeps the failure's message; the server goes
on serving.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from tawazun import limits
from tawazun.cli._common import UsageProblem, check_size
from tawazun.errors import InputError, InvalidArgument
from tawazun.i18n import _, language, using
from tawazun.models import get_model
from tawazun.scenario import Scenario, UnknownName

log = logging.getLogger(__name__)

Status = Literal["queued", "running", "done", "failed"]
COMMANDS = ("forecast", "simulate", "pivotal", "shocks", "whatif", "report")

#: Each command's own options (beside the model's parameters), with their defaults.
OPTIONS: dict[str, dict[str, Any]] = {
    "forecast": {},
    "simulate": {"runs": 1000, "seed": 0},
    "pivotal": {"step": 0.05},
    "shocks": {},
    "whatif": {"issue": None, "band": None, "grid": 20},
    "report": {"runs": 500, "seed": 0},
}


@dataclass
class Job:
    """One run, as the API reports it."""

    id: str
    scenario_key: str
    scenario: Scenario
    command: str
    model: str
    parameters: dict[str, Any]
    options: dict[str, Any]
    status: Status = "queued"
    progress: float = 0.0
    result: dict[str, Any] | None = None
    outcome: Any = None
    error: str | None = None
    stored_as: str | None = None
    created: float = field(default_factory=time.time)
    seconds: float | None = None
    #: the language of the request that started it: a refusal is worded in it
    language: str = "en"

    def to_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "run": self.id,
            "scenario": self.scenario_key,
            "command": self.command,
            "model": self.model,
            "parameters": self.parameters,
            "options": self.options,
            "status": self.status,
            "progress": self.progress,
        }
        if self.status == "done":
            document["result"] = self.result
        if self.error is not None:
            document["error"] = self.error
        if self.stored_as is not None:
            document["stored_as"] = self.stored_as
        return document


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_request(
    scenario: Scenario, command: str, model: str, parameters: dict[str, Any], options: dict
) -> dict[str, Any]:
    """The command's options with defaults filled, or an :class:`InvalidArgument`."""
    if command not in COMMANDS:
        raise InvalidArgument(
            "run",
            "command",
            _("unknown command {command}; commands are {commands}").format(
                command=repr(command), commands=", ".join(COMMANDS)
            ),
        )
    try:
        spec = get_model(model)
    except UnknownName as exc:
        raise InvalidArgument("run", "model", str(exc)) from None
    unknown = sorted(set(parameters) - set(spec.defaults))
    if unknown:
        raise InvalidArgument(
            "run",
            "parameters",
            _("model {model} takes the parameters {accepted}; got {given}").format(
                model=model, accepted=", ".join(spec.defaults) or "-", given=", ".join(unknown)
            ),
        )
    allowed = OPTIONS[command]
    extra = sorted(set(options) - set(allowed))
    if extra:
        raise InvalidArgument(
            "run",
            "options",
            _("{command} takes the options {accepted}; got {given}").format(
                command=command, accepted=", ".join(allowed) or "-", given=", ".join(extra)
            ),
        )
    filled = {**allowed, **options}
    for name, value in parameters.items():
        if name in limits.ROUND_PARAMETERS and _whole(value):
            limits.check(model, name, value, "rounds", minimum=0)
    if command in ("simulate", "report"):
        for name in ("runs", "seed"):
            if not _whole(filled[name]):
                raise InvalidArgument(command, name, _("must be a whole number"))
        limits.check(command, "runs", filled["runs"], "runs")
        limits.check(command, "seed", filled["seed"], "seed", minimum=0)
    if command == "pivotal":
        step = filled["step"]
        if not isinstance(step, int | float) or isinstance(step, bool) or not 0 < step <= 0.5:
            raise InvalidArgument(command, "step", _("must be a number in (0, 0.5]"))
    if command == "whatif":
        try:
            scenario.issue(str(filled["issue"])).band(str(filled["band"]))
        except UnknownName as exc:
            raise InvalidArgument(command, "issue", str(exc)) from None
        if not _whole(filled["grid"]):
            raise InvalidArgument(command, "grid", _("must be a whole number"))
        limits.check(command, "grid", filled["grid"], "grid", minimum=2)
    check_size(scenario, model, command)
    if command == "shocks" and not scenario.events:
        raise InvalidArgument("run", "command", _("the scenario has no events"))
    return filled


def execute(job: Job, scheduler: str | None, progress: Callable[[float], None]) -> Any:
    """The command's outcome: a Result, Simulation, Pivotal, Shocks or WhatIf, whose
    ``to_dict()`` is the document the command line prints with ``--json``."""
    scenario, model, parameters, options = job.scenario, job.model, job.parameters, job.options
    if job.command == "forecast":
        return scenario.forecast(model, **parameters)
    if job.command == "simulate":
        from tawazun.analysis.simulate import simulate

        runs = options["runs"]
        done = [0]

        def advance(count: int) -> None:
            done[0] += count
            progress(min(done[0] / runs, 1.0))

        return simulate(
            scenario,
            model,
            runs,
            options["seed"],
            scheduler=scheduler,
            progress=advance,
            parameters=parameters,
        )
    if job.command == "pivotal":
        from tawazun.analysis.pivotal import pivotal

        return pivotal(scenario, model, options["step"], **parameters)
    if job.command == "shocks":
        from tawazun.analysis.shocks import shocks

        return shocks(scenario, model, **parameters)
    if job.command == "report":
        return report_findings(job)
    from tawazun.analysis.whatif import what_would_it_take

    return what_would_it_take(
        scenario, options["issue"], options["band"], model, grid=options["grid"], **parameters
    )


def report_findings(job: Job) -> Any:
    """A report job's findings (:class:`tawazun.report.Findings`). The simulations are
    seeded, so a report kept in the store is made again, the same, from its recipe."""
    from tawazun.report import analyse

    return analyse(
        job.scenario,
        [job.model],
        job.options["runs"],
        job.options["seed"],
        parameters={job.model: job.parameters},
    )


def document_of(job: Job) -> dict[str, Any]:
    """The run's result document; a report's is what it was made from (the page itself is
    rendered, in either language, when it is downloaded)."""
    if job.command == "report":
        findings = job.outcome
        return {
            "scenario": findings.scenario.id,
            "models": [m.model for m in findings.models],
            "runs": findings.runs,
            "seed": findings.seed,
            "parameters": job.parameters,
        }
    return job.outcome.to_dict()


class Jobs:
    """Jobs by id: submitted to a thread pool, kept for the life of the server."""

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int = 2,
        on_done: Callable[[Job], str | None] | None = None,
    ) -> None:
        self.scheduler = scheduler
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tawazun-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._on_done = on_done

    def submit(
        self,
        scenario_key: str,
        scenario: Scenario,
        command: str,
        model: str,
        parameters: dict[str, Any],
        options: dict[str, Any] | None = None,
    ) -> Job:
        """Check the request (raising :class:`InvalidArgument`) and queue it."""
        filled = check_request(scenario, command, model, parameters, options or {})
        with self._lock:
            job_id = "r" + secrets.token_hex(5)
            job = Job(job_id, scenario_key, scenario, command, model, dict(parameters), filled)
            job.language = language()
            self._jobs[job_id] = job
        self._pool.submit(self._run, job)
        return job

    def _run(self, job: Job) -> None:
        job.status = "running"
        started = time.perf_counter()

        def progress(share: float) -> None:
            job.progress = share

        try:
            with using(job.language):
                job.outcome = execute(job, self.scheduler, progress)
                job.result = document_of(job)
        except (
            InputError,
            UsageProblem,
            UnknownName,
            ValueError,
            TypeError,
            ArithmeticError,
        ) as exc:
            # a model or an analysis refusing this scenario or these parameters
            job.error = str(exc)
            job.status = "failed"
        except Exception as exc:  # the server keeps serving whatever a run does
            log.exception("run %s failed", job.id)
            job.error = f"{type(exc).__name__}: {exc}"
            job.status = "failed"
        else:
            job.progress = 1.0
            job.seconds = time.perf_counter() - started
            if self._on_done is not None:
                try:
                    job.stored_as = self._on_done(job)
                except Exception:
                    log.exception("run %s could not be stored", job.id)
            job.status = "done"

    def get(self, job_id: str) -> Job:
        try:
            return self._jobs[job_id]
        except KeyError:
            raise UnknownName(f"no run {job_id!r}") from None

    def all(self) -> list[Job]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: -j.created)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
