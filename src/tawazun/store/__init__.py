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

:func:`saver` opens a store only to keep runs, as the commands do: into an SQLite store
already at this tawazun's schema it writes with the standard library's sqlite3, without
importing SQLAlchemy. The rest of this package imports SQLAlchemy when first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from tawazun.store._base import ENVIRONMENT, StoreError, default_path
from tawazun.store._direct import Saver
from tawazun.store._rows import ScenarioVersion, canonical

if TYPE_CHECKING:
    from tawazun.store._store import Run, Store, UnknownRun

__all__ = [
    "ENVIRONMENT",
    "Run",
    "Saver",
    "ScenarioVersion",
    "Store",
    "StoreError",
    "UnknownRun",
    "canonical",
    "default_path",
    "open",
    "saver",
]

#: What needs SQLAlchemy, imported at first use (PEP 562).
_WITH_SQLALCHEMY = {"Run", "Store", "UnknownRun"}


def __getattr__(name: str) -> object:
    if name in _WITH_SQLALCHEMY:
        return getattr(importlib.import_module("tawazun.store._store"), name)
    raise AttributeError(f"module 'tawazun.store' has no attribute {name!r}")


def open(url: str | None = None) -> Store:  # noqa: A001  (the store's verb, as in io.open)
    """Open (and on first use create or upgrade) the store at ``url``.

    ``url`` is an SQLAlchemy URL (``sqlite:///PATH``, ``postgresql+psycopg://USER:PASSWORD@
    HOST:PORT/DATABASE``); without one, ``$TAWAZUN_DATABASE_URL``, else the SQLite file
    :func:`default_path` in the user's data directory.
    """
    from tawazun.store._store import Store

    return Store(url)


def saver(url: str | None = None) -> Saver:
    """Open the store at ``url`` (as :func:`open` reads it) to keep runs: ``save`` takes the
    arguments of :meth:`Store.save` and returns the run's id."""
    return Saver(url)
