"""The pages: library, upload, scenario, editor, runs, comparisons, downloads."""

from __future__ import annotations

import io as bytes_io
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from tawazun import io
from tawazun.errors import InputError, Problem
from tawazun.i18n import N_, _, using
from tawazun.jsontext import document_text
from tawazun.models import available, get_model
from tawazun.scenario import UnknownName
from tawazun.web import editing, forms
from tawazun.web.jobs import COMMANDS, OPTIONS
from tawazun.web.security import CSRF_COOKIE, CSRF_FIELD, language_of, same
from tawazun.web.upload import extensions, line_of, read_upload

router = APIRouter(include_in_schema=False)


def bench_of(request: Request) -> Any:
    return request.app.state.bench


async def checked_form(request: Request) -> Any:
    """The form, once its CSRF token matches the cookie's; else None."""
    form = await request.form()
    if not same(form.get(CSRF_FIELD), request.cookies.get(CSRF_COOKIE)):
        return None
    return form


def forbidden(request: Request) -> Response:
    with using(language_of(request)):
        message = _(
            "This form has expired or did not come from this site. Reload the page and try again."
        )
    return bench_of(request).page(request, "message.html", 403, message=message)


NO_SCENARIO = N_("There is no such scenario in the library.")
NO_RUN = N_("There is no such run.")


def missing(request: Request, message: str) -> Response:
    """The 404 page saying ``message`` (English, marked with ``N_``) in the request's language."""
    with using(language_of(request)):
        return bench_of(request).page(request, "message.html", 404, message=_(message))


@router.get("/")
def library(request: Request) -> Response:
    bench = bench_of(request)
    return bench.page(
        request, "library.html", entries=bench.library.entries(), jobs=bench.jobs.all()[:20]
    )


@router.get("/upload")
def upload_form(request: Request) -> Response:
    return bench_of(request).page(request, "upload.html", upload=None, extensions=extensions())


@router.post("/upload")
async def upload(request: Request) -> Response:
    bench = bench_of(request)
    form = await checked_form(request)
    if form is None:
        return forbidden(request)
    file = form.get("file")
    if file is None or isinstance(file, str):
        with using(language_of(request)):
            result = read_upload("", b"")
    else:
        content = await file.read(bench.settings.max_upload + 1)
        with using(language_of(request)):
            result = read_upload(file.filename, content, bench.settings.max_upload)
    if result.scenario is None:
        by_line: dict[int, list[Problem]] = {}
        general = []
        for problem in result.problems:
            line = line_of(problem)
            if line is not None and 1 <= line <= len(result.lines):
                by_line.setdefault(line, []).append(problem)
            else:
                general.append(problem)
        return bench.page(
            request,
            "upload.html",
            422,
            upload=result,
            by_line=by_line,
            general=general,
            extensions=extensions(),
        )
    entry = bench.library.add(result.scenario, "uploaded", result.name)
    return RedirectResponse(f"/scenarios/{entry.key}", status_code=303)


def entry_or_none(request: Request, key: str) -> Any:
    try:
        return bench_of(request).library.get(key)
    except UnknownName:
        return None


async def form_for_entry(request: Request, key: str) -> tuple[Any, Any] | Response:
    """The checked form posted to the library's scenario ``key``, with its entry; or the
    page that refuses the request (a failed CSRF check, or no such scenario)."""
    form = await checked_form(request)
    if form is None:
        return forbidden(request)
    entry = entry_or_none(request, key)
    if entry is None:
        return missing(request, NO_SCENARIO)
    return form, entry


def model_forms() -> list[dict[str, Any]]:
    return [
        {"name": name, "spec": spec, "fields": forms.fields(spec)}
        for name, spec in available().items()
    ]


@router.get("/scenarios/{key}")
def scenario_page(request: Request, key: str) -> Response:
    bench = bench_of(request)
    entry = entry_or_none(request, key)
    if entry is None:
        return missing(request, NO_SCENARIO)
    runs = [job for job in bench.jobs.all() if job.scenario_key == key]
    return bench.page(
        request,
        "scenario.html",
        entry=entry,
        scenario=entry.scenario,
        versions=bench.library.versions(entry),
        models=model_forms(),
        commands=COMMANDS,
        options=OPTIONS,
        runs=runs,
    )


@router.post("/scenarios/{key}/run")
async def run(request: Request, key: str) -> Response:
    bench = bench_of(request)
    posted = await form_for_entry(request, key)
    if isinstance(posted, Response):
        return posted
    form, entry = posted
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    command = values.get("command", "forecast")
    model = values.get("model", "compromise")
    lang = language_of(request)
    try:
        with using(lang):
            spec = get_model(model)
            parameters = forms.parameters_from_form(spec, values, prefix=f"{model}.")
            options = command_options(command, values)
            job = bench.jobs.submit(key, entry.scenario, command, model, parameters, options)
    except (InputError, UnknownName) as exc:
        problems = (
            exc.problems if isinstance(exc, InputError) else [Problem("run", "", "model", str(exc))]
        )
        return bench.page(
            request, "message.html", 422, message=_("The run was not started."), problems=problems
        )
    return RedirectResponse(f"/runs/{job.id}", status_code=303)


def command_options(command: str, values: dict[str, str]) -> dict[str, Any]:
    """The command's options from the form (numbers as numbers; text left to checking)."""
    options: dict[str, Any] = {}
    for name in OPTIONS.get(command, {}):
        text = values.get(f"option.{name}", "").strip()
        if not text:
            continue
        if name in ("issue", "band"):
            options[name] = text
            continue
        try:
            number = float(text)
        except ValueError:
            options[name] = text
            continue
        options[name] = int(number) if number.is_integer() and name != "step" else number
    if command == "whatif" and "target" in values:
        issue, _sep, band = values["target"].partition("/")
        options.update(issue=issue, band=band)
    return options


@router.get("/runs")
def runs_page(request: Request) -> Response:
    bench = bench_of(request)
    return bench.page(request, "runs.html", jobs=bench.jobs.all(), stored=bench.stored_runs())


def job_or_none(request: Request, run_id: str) -> Any:
    try:
        return bench_of(request).run(run_id)
    except UnknownName:
        return None


@router.get("/runs/{run_id}")
def run_page(request: Request, run_id: str) -> Response:
    bench = bench_of(request)
    job = job_or_none(request, run_id)
    if job is None:
        return missing(request, NO_RUN)
    from tawazun.web import views

    with using(language_of(request)):
        # the status once: the job may finish while the page renders
        status = job.status
        view = views.view_of(job) if status == "done" else None
    return bench.page(
        request,
        "run.html",
        job=job,
        status=status,
        scenario=job.scenario,
        view=view,
        figures=view["figures"] if view else {},
        entry=entry_or_none(request, job.scenario_key),
    )


@router.get("/scenarios/{key}/edit")
def edit_page(request: Request, key: str) -> Response:
    entry = entry_or_none(request, key)
    if entry is None:
        return missing(request, NO_SCENARIO)
    return bench_of(request).page(
        request, "edit.html", entry=entry, scenario=entry.scenario, problems={}
    )


def _problems_by_field(problems: list[Problem]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in problems:
        out.setdefault(p.field, []).append(p.message)
    return out


@router.post("/scenarios/{key}/check")
async def check(request: Request, key: str) -> Response:
    """Validate an edit without saving it: the problems by input name."""
    form = await checked_form(request)
    if form is None:
        return JSONResponse({"detail": "csrf"}, status_code=403)
    entry = entry_or_none(request, key)
    if entry is None:
        return JSONResponse({"detail": "not found"}, status_code=404)
    with using(language_of(request)):
        _scenario, problems = editing.check_edit(entry.scenario, form.multi_items())
    return JSONResponse({"problems": _problems_by_field(problems)})


@router.post("/scenarios/{key}/edit")
async def save_edit(request: Request, key: str) -> Response:
    bench = bench_of(request)
    posted = await form_for_entry(request, key)
    if isinstance(posted, Response):
        return posted
    form, entry = posted
    pairs = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    with using(language_of(request)):
        scenario, problems = editing.check_edit(entry.scenario, pairs)
    if scenario is None:
        return bench.page(
            request,
            "edit.html",
            422,
            entry=entry,
            scenario=entry.scenario,
            problems=_problems_by_field(problems),
            submitted=dict(pairs) | {"__removed": [v for k, v in pairs if k == "remove"]},
        )
    if scenario == entry.scenario:
        return RedirectResponse(f"/scenarios/{key}", status_code=303)
    new = bench.library.new_version(entry, scenario)
    return RedirectResponse(f"/scenarios/{new.key}", status_code=303)


@router.get("/compare")
def compare(request: Request, a: str = "", b: str = "") -> Response:
    """Two runs side by side."""
    bench = bench_of(request)
    first, second = job_or_none(request, a), job_or_none(request, b)
    from tawazun.web import views

    with using(language_of(request)):
        table = views.compare_runs(first, second) if first and second else None
    return bench.page(
        request,
        "compare.html",
        jobs=bench.jobs.all(),
        first=first,
        second=second,
        versions=[entry_or_none(request, job.scenario_key) for job in (first, second) if job],
        table=table,
        a=a,
        b=b,
    )


@router.get("/compare/scenarios")
def compare_scenarios(request: Request, a: str = "", b: str = "") -> Response:
    bench = bench_of(request)
    first, second = entry_or_none(request, a), entry_or_none(request, b)
    from tawazun.web import views

    with using(language_of(request)):
        rows = (
            views.compare_scenarios(first.scenario, second.scenario) if first and second else None
        )
    return bench.page(
        request,
        "compare_scenarios.html",
        entries=bench.library.entries(),
        first=first,
        second=second,
        rows=rows,
        a=a,
        b=b,
    )


DOWNLOADS = {
    "yaml": ("scenario.yaml", "application/yaml"),
    "xlsx": ("scenario.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": ("scenario.json", "application/json"),
}


@router.get("/scenarios/{key}/download.{fmt}")
def download_scenario(request: Request, key: str, fmt: str) -> Response:
    entry = entry_or_none(request, key)
    if entry is None or fmt not in DOWNLOADS:
        return Response(status_code=404)
    name, media = DOWNLOADS[fmt]
    with tempfile.TemporaryDirectory(prefix="tawazun-download-") as folder:
        path = io.save(entry.scenario, Path(folder) / name)
        content = path.read_bytes()
    version = bench_of(request).library.version_number(entry)
    filename = f"{entry.scenario.id}-v{version}.{fmt}"
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/runs/{run_id}/report.{fmt}")
def download_report(request: Request, run_id: str, fmt: str) -> Response:
    """A report run's page, rendered in the request's language: HTML, or PDF."""
    job = job_or_none(request, run_id)
    if job is None or job.command != "report" or job.status != "done" or fmt not in ("html", "pdf"):
        return Response(status_code=404)
    from tawazun.report import ReportError, render, write_report

    findings = bench_of(request).findings(job)

    lang = language_of(request)
    filename = f"{job.scenario.id}-report-{lang}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "html":
        return Response(render(findings, lang), media_type="text/html", headers=headers)
    try:
        with tempfile.TemporaryDirectory(prefix="tawazun-report-") as folder:
            content = write_report(findings, Path(folder) / "report.pdf", lang).read_bytes()
    except ReportError as exc:
        return bench_of(request).page(
            request, "message.html", 503, message=str(exc.problems[0].message)
        )
    return Response(content, media_type="application/pdf", headers=headers)


@router.get("/runs/{run_id}/download.{fmt}")
def download_run(request: Request, run_id: str, fmt: str) -> Response:
    job = job_or_none(request, run_id)
    if (
        job is None
        or job.status != "done"
        or fmt not in ("json", "xlsx")
        or job.command == "report"
    ):
        return Response(status_code=404)
    filename = f"{job.scenario.id}-{job.command}-{job.model}-{job.id}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "json":
        return Response(
            document_text(job.result),
            media_type="application/json",
            headers=headers,
        )
    from tawazun.web import views

    buffer = bytes_io.BytesIO()
    views.result_workbook(job, buffer)
    return Response(buffer.getvalue(), media_type=DOWNLOADS["xlsx"][1], headers=headers)
