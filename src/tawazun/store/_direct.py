"""Keeping a command's run: opened before the work starts, saved in one transaction after.

Into an SQLite store that already has this tawazun's schema, which is every save after the
first with the default store, the run is written with the standard library's :mod:`sqlite3`
alone: the same two rows in the same transaction as :meth:`tawazun.store.Store.save` writes
(``BEGIN IMMEDIATE``, the same busy timeout, foreign keys on), bound as SQLAlchemy binds
them on SQLite, so that a command that only keeps its run does not import SQLAlchemy (about
a fifth of a second). Everything else, a new or older store, a URL with options,
PostgreSQL, goes through :class:`tawazun.store.Store`, which creates, migrates and refuses
as it always does.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tawazun.i18n import _
from tawazun.store._base import (
    BUSY_TIMEOUT,
    ENVIRONMENT,
    HEAD,
    VERSION_TABLE,
    check_sqlite_path,
    default_path,
    failure,
)
from tawazun.store._rows import new_run_id, run_rows

if TYPE_CHECKING:
    from tawazun.store._store import Store

SQLITE_PREFIX = "sqlite:///"
#: SQLAlchemy's storage format of a DateTime on SQLite (``sqlalchemy.dialects.sqlite.DATETIME``).
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def sqlite_file(url: str | None) -> Path | None:
    """The SQLite file ``url`` names (else ``$TAWAZUN_DATABASE_URL``, else the default file)
    when it is a plain ``sqlite:///PATH``; None for anything SQLAlchemy should read (a
    query, percent-escapes, another driver or database, memory)."""
    chosen = url or os.environ.get(ENVIRONMENT) or None
    if chosen is None:
        return default_path()
    if not chosen.startswith(SQLITE_PREFIX):
        return None
    database = chosen.removeprefix(SQLITE_PREFIX)
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    if any(mark in database for mark in "?#%"):
        return None
    return Path(database)


def _connect(path: Path) -> sqlite3.Connection:
    # mode=rw: a file that went away is an error here, never a new empty database
    uri = f"file:{quote(str(path.absolute()))}?mode=rw"
    connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def _revision(connection: sqlite3.Connection) -> str | None:
    row = connection.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
    return None if row is None else row[0]


def _at_head(path: Path) -> bool:
    """Whether ``path`` is a store with this tawazun's schema; anything else (missing, empty,
    foreign, older, newer, unreadable) is left for :class:`Store` to create or refuse."""
    if not path.is_file():
        return False
    try:
        connection = _connect(path)
    except sqlite3.Error:
        return False
    try:
        return _revision(connection) == HEAD
    except sqlite3.Error:
        return False
    finally:
        connection.close()


def _bound(value: Any) -> Any:
    """A row's value as SQLAlchemy binds it on SQLite: JSON columns through ``json.dumps``,
    times in :data:`DATETIME_FORMAT` (UTC, the zone dropped)."""
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime(DATETIME_FORMAT)
    return value


def _insert(table: str, row: dict[str, Any], conflict: str = "") -> tuple[str, list[Any]]:
    columns = ", ".join(row)
    marks = ", ".join("?" * len(row))
    return f"INSERT INTO {table} ({columns}) VALUES ({marks}){conflict}", [
        _bound(value) for value in row.values()
    ]


def _free_id(connection: sqlite3.Connection) -> str:
    while True:
        run_id = new_run_id()
        if connection.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is None:
            return run_id


def write(connection: sqlite3.Connection, version: dict[str, Any], row: dict[str, Any]) -> str:
    """Write the scenario version (once per hash) and the run; the caller's transaction."""
    connection.execute(*_insert("scenarios", version, " ON CONFLICT (hash) DO NOTHING"))
    run_id = _free_id(connection)
    connection.execute(*_insert("runs", {"id": run_id, **row}))
    return run_id


class Saver:
    """Where a command keeps its run: opened (and checked) before the work, saved after.

    A store that cannot be used raises :class:`tawazun.store.StoreError` here, before any
    work starts, as :func:`tawazun.store.open` does.
    """

    def __init__(self, url: str | None = None) -> None:
        self._url = url
        self._store: Store | None = None
        #: the file written with sqlite3, or None when Store does the writing
        self._direct = sqlite_file(url)
        if self._direct is not None and self._direct.exists():
            # the checks Store makes before SQLite may open the file, in the same words
            self.url = f"{SQLITE_PREFIX}{self._direct}"
            check_sqlite_path(self._direct, self.url)
        if self._direct is None or not _at_head(self._direct):
            self._direct = None
            self._full()

    def _full(self) -> Store:
        """The store opened by :class:`Store` (at the first call: created or migrated)."""
        if self._store is None:
            from tawazun.store._store import Store

            self._store = Store(self._url)
            self.url = self._store.url
        return self._store

    def __repr__(self) -> str:
        return f"<tawazun saver {self.url}>"

    def __enter__(self) -> Saver:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    def save(self, result: Any, scenario: Any, **fields: Any) -> str:
        """Keep one run and return its id; the arguments are :meth:`Store.save`'s."""
        if self._direct is None:
            return self._full().save(result, scenario, **fields).id
        version, row = run_rows(result, scenario, **fields)
        with self._errors(_("cannot save the run")), _transaction(self._direct) as connection:
            if _revision(connection) == HEAD:
                return write(connection, vars(version), row)
        # another tawazun migrated the store since it was opened: Store upgrades or refuses it
        self._direct = None
        return self._full().save(result, scenario, **fields).id

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as error:
            raise failure(self.url, doing, str(error), sqlite=True) from None


@contextmanager
def _transaction(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection holding the write lock (``BEGIN IMMEDIATE``) until it commits."""
    connection = _connect(path)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield connection
        connection.execute("COMMIT")
    finally:
        # a transaction still open here failed: closing rolls it back
        connection.close()
