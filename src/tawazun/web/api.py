"""The HTTP API: the same scenarios and runs as the pages, for scripts and notebooks.

``POST /api/scenarios`` takes a file; ``POST /api/runs`` a JSON request; ``GET
/api/runs/{run}`` reports status, progress and, when done, the result document the
command line prints with ``--json``. Bad input answers 422 with ``{"problems": [...]}``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from tawazun.errors import InputError, Problem
from tawazun.i18n import using
from tawazun.scenario import UnknownName
from tawazun.web.security import language_of
from tawazun.web.upload import read_upload

router = APIRouter(prefix="/api", tags=["api"])


def problems_response(problems: list[Problem], status: int = 422) -> JSONResponse:
    return JSONResponse(
        {
            "problems": [
                {"file": p.file, "where": p.where, "field": p.field, "message": p.message}
                for p in problems
            ]
        },
        status_code=status,
    )


async def request_problems(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A request the API cannot read, in the same ``problems`` form as a bad scenario."""
    return problems_response(
        [
            Problem("request", "", ".".join(str(part) for part in error["loc"][1:]), error["msg"])
            for error in exc.errors()
        ]
    )


def not_found(message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=404)


def summary(entry: Any, library: Any) -> dict[str, Any]:
    scenario = entry.scenario
    return {
        "id": entry.key,
        "scenario": scenario.id,
        "title": {"en": scenario.metadata.title.en, "ar": scenario.metadata.title.ar},
        "origin": entry.origin,
        "version": library.version_number(entry),
        "parent": entry.parent,
        "created": entry.created.isoformat(),
    }


@router.post("/scenarios", summary="Upload a scenario file")
async def upload_scenario(request: Request, file: Annotated[UploadFile, File()]) -> JSONResponse:
    """Store a scenario file (YAML, JSON, CSV, Excel, KTAB, decide, EUM CSV): its id, or 422
    with every problem in it; nothing is stored unless the file validates."""
    bench = request.app.state.bench
    content = await file.read(bench.settings.max_upload + 1)
    with using(language_of(request)):
        upload = read_upload(file.filename, content, bench.settings.max_upload)
    if upload.scenario is None:
        return problems_response(
            upload.problems, 413 if len(content) > bench.settings.max_upload else 422
        )
    entry = bench.library.add(upload.scenario, "uploaded", upload.name)
    return JSONResponse({"id": entry.key, "scenario": upload.scenario.id}, status_code=201)


@router.get("/scenarios", summary="The scenarios of the library")
def list_scenarios(request: Request) -> list[dict[str, Any]]:
    library = request.app.state.bench.library
    return [summary(e, library) for e in library.entries()]


@router.get("/scenarios/{key}", summary="One scenario, in its native structure")
def get_scenario(request: Request, key: str) -> Any:
    try:
        entry = request.app.state.bench.library.get(key)
    except UnknownName as exc:
        return not_found(str(exc))
    return summary(entry, request.app.state.bench.library) | {
        "document": entry.scenario.model_dump(mode="json")
    }


class RunRequest(BaseModel):
    """What to run: ``options`` are the command's own (``runs``, ``seed`` for simulate;
    ``step`` for pivotal; ``issue``, ``band``, ``grid`` for whatif)."""

    scenario: str
    command: Literal["forecast", "simulate", "pivotal", "shocks", "whatif", "report"] = "forecast"
    model: str = "compromise"
    parameters: dict[str, Any] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)


@router.post("/runs", summary="Start a run", status_code=202)
def start_run(request: Request, body: RunRequest) -> JSONResponse:
    bench = request.app.state.bench
    try:
        entry = bench.library.get(body.scenario)
    except UnknownName as exc:
        return problems_response([Problem("run", "", "scenario", str(exc))])
    try:
        with using(language_of(request)):
            job = bench.jobs.submit(
                entry.key, entry.scenario, body.command, body.model, body.parameters, body.options
            )
    except InputError as exc:
        return problems_response(exc.problems)
    return JSONResponse({"run": job.id, "status": job.status}, status_code=202)


@router.get("/runs", summary="The runs of this server")
def list_runs(request: Request) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in job.to_dict().items() if k != "result"}
        for job in request.app.state.bench.jobs.all()
    ]


@router.get("/runs/{run}", summary="A run's status, progress and result")
def get_run(request: Request, run: str) -> Any:
    try:
        return request.app.state.bench.run(run).to_dict()
    except UnknownName as exc:
        return not_found(str(exc))


__all__ = ["router"]
