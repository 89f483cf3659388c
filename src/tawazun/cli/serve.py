"""``tawazun serve``: the web app (docs/web.md)."""

from __future__ import annotations

import secrets
from typing import Annotated

import typer

from tawazun.cli._common import UsageProblem, app, clean_errors


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    store: Annotated[
        str | None, typer.Option("--store", help="Runs store URL (default: the user's SQLite).")
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="TAWAZUN_TOKEN",
            help="Required on every request; needed beyond loopback (one is made if not given).",
        ),
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Run simulations on this Dask cluster.")
    ] = None,
) -> None:
    """Serve the workbench in the browser: library, editor, runs, charts, in Arabic and English."""
    import uvicorn

    from tawazun.web import Settings, create_app
    from tawazun.web.security import is_loopback

    with clean_errors():
        if not 0 < port < 65536:
            raise UsageProblem(f"--port must be from 1 to 65535 (got {port})")
        loopback = is_loopback(host)
        if not loopback and not token:
            token = secrets.token_urlsafe(18)
        settings = Settings(store_url=store, token=token, scheduler=scheduler, loopback=loopback)
        application = create_app(settings)
    shown = "localhost" if loopback else host
    address = f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}/"
    typer.echo(f"tawazun: serving on {address}" + (f"?token={token}" if token else ""), err=True)
    uvicorn.run(application, host=host, port=port, log_level="warning")
