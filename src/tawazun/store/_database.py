"""Where the store lives and how it is opened: URLs, engines, checks, migrations.

Opening a store never changes a file it does not own: a file that is not SQLite, an SQLite
database holding other tables, and a store written by a newer tawazun are refused before
anything is written. A new store is created and migrated under a lock, so many processes
opening it at once agree on one schema.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import URL, Connection, Engine, make_url

from tawazun.i18n import _
from tawazun.store._base import (
    BUSY_TIMEOUT,
    ENVIRONMENT,
    HEAD,
    REVISIONS,
    VERSION_TABLE,
    StoreError,
    check_sqlite_path,
    default_path,
    failure,
    hide_password,
)

TABLES = frozenset({"runs", "scenarios", VERSION_TABLE})
CONNECT_TIMEOUT = 10
# a lock number of our own for PostgreSQL's advisory locks ("tawazun" in ASCII)
MIGRATION_LOCK = 0x746177617A756E


def _hide_password(text: str, url: URL | None = None) -> str:
    """``text`` with the password of ``url`` (and any ``user:password@``) replaced by ***."""
    password = None if url is None else url.password
    return hide_password(text, str(password) if password else None)


def shown(url: URL) -> str:
    """The URL as it may be printed: never with its password."""
    return _hide_password(url.render_as_string(hide_password=True), url)


def resolve(url: str | None) -> URL:
    """The store's URL: ``url``, else ``$TAWAZUN_DATABASE_URL``, else the default file."""
    chosen = url or os.environ.get(ENVIRONMENT) or None
    if chosen is None:
        path = default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return URL.create("sqlite", database=str(path))
    try:
        parsed = make_url(chosen)
    except (exc.ArgumentError, ValueError):
        # ValueError: SQLAlchemy reads the port with int(), so 'host:notaport' lands here.
        # Not echoed: what cannot be parsed cannot be stripped of its password either
        raise StoreError(
            _("the store URL"),
            _(
                "not a database URL; give sqlite:///PATH or "
                "postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE"
            ),
        ) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(
            shown(parsed),
            _("tawazun keeps runs in SQLite or PostgreSQL, not {backend}").format(backend=backend),
        )
    if backend == "postgresql" and parsed.get_driver_name() != "psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _check_sqlite_file(url: URL) -> None:
    """Refuse, before SQLite opens it, a path that is not an SQLite database or a new file."""
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return
    check_sqlite_path(Path(database), shown(url))


def _sqlite_engine(url: URL) -> Engine:
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy, not the sqlite3 module, begins transactions: DDL is then transactional
        # and a migration is one transaction
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock at once (waiting up to BUSY_TIMEOUT for it), so a
        # transaction that reads then writes never fails on a snapshot another writer moved
        immediate = connection.get_execution_options().get("tawazun_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def create_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        _check_sqlite_file(url)
        return _sqlite_engine(url)
    connect_args = {} if "connect_timeout" in url.query else {"connect_timeout": CONNECT_TIMEOUT}
    return sa.create_engine(url, connect_args=connect_args, pool_pre_ping=True)


@contextmanager
def database_errors(url: URL, doing: str) -> Iterator[None]:
    """Turn a database failure while ``doing`` something into one :class:`StoreError` line."""
    try:
        yield
    except exc.DBAPIError as error:
        original = getattr(error, "orig", None) or error
        sqlite = url.get_backend_name() == "sqlite"
        raise failure(
            shown(url), doing, _hide_password(str(original), url), sqlite=sqlite
        ) from None


def _revision(connection: Connection) -> tuple[set[str], str | None]:
    """The tables of the database and the store's schema revision (None if unversioned)."""
    tables = set(sa.inspect(connection).get_table_names())
    if VERSION_TABLE not in tables:
        return tables, None
    versions = connection.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()
    found = list(versions)
    return tables, found[0] if found else None


def _refuse_unknown(url: URL, tables: set[str], revision: str | None) -> bool:
    """Whether the database needs migrating; refuse one that is not a store of ours."""
    if revision is None and tables:
        others = ", ".join(sorted(tables - TABLES)[:5]) or ", ".join(sorted(tables))
        raise StoreError(
            shown(url),
            _(
                "this database is not a tawazun store (it holds the tables {tables}); "
                "give the store a file or a database of its own"
            ).format(tables=others),
        )
    if revision is not None and revision not in REVISIONS:
        raise StoreError(
            shown(url),
            _(
                "this store was written by a newer tawazun (schema {found}; this one knows up "
                "to {head}): upgrade tawazun to use it"
            ).format(found=revision, head=HEAD),
        )
    return revision != HEAD


def _alembic_config(connection: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine, url: URL, target: str = HEAD) -> None:
    """Bring the store to ``target``, creating it if empty; refuse a foreign or newer one.

    The check runs first without a lock (the common case: nothing to do); a migration
    takes the database's write lock (SQLite) or an advisory lock (PostgreSQL) and looks
    again, so of many processes opening a new store one creates it.
    """
    with database_errors(url, _("cannot open the store")):
        with engine.connect() as connection:
            tables, revision = _revision(connection)
            connection.rollback()
        if not _refuse_unknown(url, tables, revision) and target == HEAD:
            return
        sqlite = url.get_backend_name() == "sqlite"
        if sqlite and not tables:
            # a new store: write-ahead logging lets readers work while a run is saved
            # (outside any transaction: on the driver's connection, which begins none)
            with engine.connect() as connection:
                connection.connection.driver_connection.execute("PRAGMA journal_mode=WAL")
        with (
            engine.connect().execution_options(tawazun_write=True) as connection,
            connection.begin(),
        ):
            if not sqlite:
                connection.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            tables, revision = _revision(connection)
            if _refuse_unknown(url, tables, revision) or target != HEAD:
                # another process may have created the store meanwhile: then nothing to do
                from alembic import command

                command.upgrade(_alembic_config(connection), target)
