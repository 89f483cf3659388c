"""The analyst's workbench: FastAPI pages rendered with Jinja2, and the HTTP API beside them.

:func:`create_app` builds the application from :class:`Settings`; ``tawazun serve`` runs it
with uvicorn. Pages live in :mod:`tawazun.web.pages`, the API in :mod:`tawazun.web.api`;
both reach scenarios through the :class:`~tawazun.web.library.Library` and runs through
:class:`~tawazun.web.jobs.Jobs`.
"""

from __future__ import annotations

import math
import re
import threading
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi_offline import FastAPIOffline

from tawazun.i18n import _, is_rtl, ngettext, using
from tawazun.scenario import Text, UnknownName
from tawazun.web.jobs import Job, Jobs, report_findings
from tawazun.web.labels import label
from tawazun.web.library import Library
from tawazun.web.security import CSRF_COOKIE, CSRF_FIELD, Guard, csrf_token, language_of
from tawazun.web.upload import MAX_UPLOAD

HERE = Path(__file__).parent
#: reports of earlier sessions made again and kept for their downloads, the newest ones
KEPT_FINDINGS = 8


@dataclass(frozen=True)
class Settings:
    """How the server runs.

    ``loopback`` says the server is bound to a loopback address only (it then checks the
    ``Host`` of every request); any other binding needs a ``token``.
    """

    store_url: str | None = None
    token: str | None = None
    scheduler: str | None = None
    loopback: bool = True
    max_upload: int = MAX_UPLOAD
    job_workers: int = 2


def plotly_path() -> Path:
    """plotly.min.js as the installed plotly package ships it."""
    return Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))


def templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tawazun.web", "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
    )
    # the catalog of the current language (a context variable each page sets)
    env.install_gettext_callables(gettext=_, ngettext=ngettext, newstyle=False)
    env.filters["num"] = number
    # a number as an analyst types it: 60, 0.25 (never 60.0); text stays as typed
    env.filters["plain"] = lambda value: f"{value:.15g}" if isinstance(value, float) else value
    env.filters["pct"] = lambda value: number(100 * value, 1) + "%" if value == value else "-"
    return env


def number(value: Any, digits: int = 1) -> str:
    """A number as the tables show it (``-`` for a missing one)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


class Workbench:
    """What every request handler reaches: settings, library, jobs, store, templates."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = open_store(settings)
        self.library = Library(self.store)
        self.jobs = Jobs(settings.scheduler, settings.job_workers, self._save)
        self.env = templates()
        self._findings: dict[str, Any] = {}
        # guards the two dicts; a report being made again holds its own lock in _making
        self._findings_lock = threading.Lock()
        self._making: dict[str, threading.Lock] = {}

    def _save(self, job: Job) -> str | None:
        """Keep a finished run in the store; its id there. A report is kept as its recipe
        (:func:`~tawazun.web.jobs.document_of`), its pages made again when downloaded."""
        stored = self.store.save(
            job.result,
            job.scenario,
            command=job.command,
            model=job.model,
            options=job.options,
            seed=job.options.get("seed"),
            seconds=job.seconds,
        )
        return stored.id

    def findings(self, job: Job) -> Any:
        """A done report job's findings: its own, or, for a report the store kept, made again
        from the recipe (once per server: kept for the downloads that follow).

        Requests for one report wait for the one that makes it; other reports do not wait.
        """
        if job.outcome is None:
            with self._findings_lock:
                making = self._making.setdefault(job.id, threading.Lock())
            with making:
                with self._findings_lock:
                    found = self._findings.get(job.id)
                if found is None:
                    found = report_findings(job)
                    with self._findings_lock:
                        if len(self._findings) >= KEPT_FINDINGS:
                            self._findings.pop(next(iter(self._findings)))
                        self._findings[job.id] = found
                        self._making.pop(job.id, None)
                job.outcome = found
        return job.outcome

    def stored_runs(self, limit: int = 200) -> list[dict[str, Any]]:
        """Runs the store kept that this server did not make, newest first."""
        mine = {job.stored_as for job in self.jobs.all()}
        frame = self.store.runs()
        return [
            {"id": run_id, **row}
            for run_id, row in frame.head(limit + len(mine)).iterrows()
            if run_id not in mine
        ][:limit]

    def run(self, run_id: str) -> Job:
        """A run of this server, or one the store kept (by its id there)."""
        try:
            return self.jobs.get(run_id)
        except UnknownName:
            if not re.fullmatch(r"[A-Za-z0-9]{4,40}", run_id):
                raise
        from tawazun.store import StoreError

        try:
            stored = self.store.get(run_id)
            scenario = stored.scenario()
        except StoreError:
            raise UnknownName(f"no run {run_id!r}") from None
        entry = self.library.find(scenario) or self.library.add(scenario, "stored")
        return Job(
            id=stored.id,
            scenario_key=entry.key,
            scenario=scenario,
            command=stored.command,
            model=stored.model or "",
            parameters=stored.parameters,
            options=stored.options,
            status="done",
            progress=1.0,
            result=stored.document,
            stored_as=stored.id,
            seconds=stored.seconds,
        )

    def page(self, request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
        """Render template ``name`` in the request's language."""
        lang = language_of(request)
        with using(lang):
            html = self.env.get_template(name).render(
                request=request,
                lang=lang,
                dir="rtl" if is_rtl(lang) else "ltr",
                other_lang="en" if lang == "ar" else "ar",
                switch_url=switch_url(request, "en" if lang == "ar" else "ar"),
                csrf_field=CSRF_FIELD,
                csrf=csrf_token(request),
                version_of=self.library.version_number,
                parent_of=self.library.parent,
                label=label,
                text=lambda t: (t.ar or t.en) if lang == "ar" and isinstance(t, Text) else str(t),
                **context,
            )
        response = HTMLResponse(html, status_code=status_code)
        self.remember(request, response)
        return response

    @staticmethod
    def remember(request: Request, response: Response) -> None:
        """Set the cookies a page relies on: its CSRF token and a language chosen by link."""
        new = getattr(request.state, "new_csrf", None)
        if new:
            response.set_cookie(CSRF_COOKIE, new, httponly=True, samesite="strict")
        if "lang" in request.query_params:
            response.set_cookie("lang", language_of(request), samesite="lax", max_age=365 * 86400)


def switch_url(request: Request, lang: str) -> str:
    """This page in ``lang``: the same path and query, as a link relative to this server."""
    query = request.url.include_query_params(lang=lang).query
    return f"{request.url.path}?{query}"


def open_store(settings: Settings) -> Any:
    """The runs store of ``settings`` (raises :class:`tawazun.store.StoreError`)."""
    from tawazun import store

    return store.open(settings.store_url)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application; the OpenAPI page documents the API at ``/docs``."""
    settings = settings or Settings()
    if not settings.loopback and not settings.token:
        raise ValueError("a server bound beyond loopback needs a token")
    bench = Workbench(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        bench.jobs.shutdown()
        bench.store.close()

    # the API's documentation page with its assets shipped in a package, not from a CDN
    app = FastAPIOffline(
        redoc_url=None,
        title="tawazun",
        summary="Forecast how a negotiation settles, and explain why.",
        version=__import__("tawazun").__version__,
        lifespan=lifespan,
    )
    app.state.bench = bench
    from tawazun.web import api, pages

    app.include_router(api.router)
    app.add_exception_handler(RequestValidationError, api.request_problems)
    app.include_router(pages.router)

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(
            plotly_path(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"}
        )

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        shipped = {p.name: p for p in (HERE / "static").iterdir() if p.is_file()}
        if name not in shipped:
            return Response(status_code=404)
        return FileResponse(shipped[name])

    app.add_middleware(
        Guard,
        token=settings.token,
        loopback=settings.loopback,
        max_body=settings.max_upload + 2**16,
    )
    return app
