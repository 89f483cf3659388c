"""Runs kept: every forecast saved, listed, compared (docs/store.md).

One store is one database: an SQLite file in the user's data directory by default, any
SQLite file or PostgreSQL database by URL (``--store URL`` or ``TAWAZUN_DATABASE_URL``)::

    import tawazun
    from tawazun import store

    scenario = tawazun.load("iraq-2024")
    with store.open() as runs:
        run = runs.save(scenario.forecast("eum"), scenario, label="baseline")
        runs.runs(scenario="iraq-2024")  # pandas, one row per run
        runs.get(run.id).document  # the result as `tawazun forecast --json` printed it

The schema is migrated with Alembic on first use; a store that cannot be used (not a
database, another program's, a newer tawazun's, a server that does not answer) raises
:class:`StoreError`, one line naming the store without its password.
"""

from __future__ import annotations

from tawazun.store._database import ENVIRONMENT, StoreError, default_path
from tawazun.store._store import Run, ScenarioVersion, Store, UnknownRun, canonical

__all__ = [
    "ENVIRONMENT",
    "Run",
    "ScenarioVersion",
    "Store",
    "StoreError",
    "UnknownRun",
    "canonical",
    "default_path",
    "open",
]


def open(url: str | None = None) -> Store:  # noqa: A001  (the store's verb, as in io.open)
    """Open (and on first use create or upgrade) the store at ``url``.

    ``url`` is an SQLAlchemy URL (``sqlite:///PATH``, ``postgresql+psycopg://USER:PASSWORD@
    HOST:PORT/DATABASE``); without one, ``$TAWAZUN_DATABASE_URL``, else the SQLite file
    :func:`default_path` in the user's data directory.
    """
    return Store(url)
