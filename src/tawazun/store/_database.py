"""Where the store lives and how it is opened: URLs, engines, checks, migrations.

Opening a store never changes a file it does not own: a file that is not SQLite, an SQLite
database holding other tables, and a store written by a newer tawazun are refused before
anything is written. A new store is created and migrated under a lock, so many processes
opening it at once agree on one schema.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import URL, Connection, Engine, make_url

from tawazun.errors import InputError, Problem
from tawazun.i18n import _
from tawazun.store.schema import VERSION_TABLE

ENVIRONMENT = "TAWAZUN_DATABASE_URL"
#: The schema revisions this tawazun knows, oldest first (``migrations/versions``).
REVISIONS = ("0001", "0002", "0003", "0004")
HEAD = REVISIONS[-1]
TABLES = frozenset({"runs", "scenarios", VERSION_TABLE})
SQLITE_HEADER = b"SQLite format 3\x00"
#: How long a writer waits for another to finish before giving up (seconds).
BUSY_TIMEOUT = 60
CONNECT_TIMEOUT = 10
# a lock number of our own for PostgreSQL's advisory locks ("tawazun" in ASCII)
MIGRATION_LOCK = 0x746177617A756E


class StoreError(InputError):
    """A store that cannot be opened or used: one line naming the store (without password)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__([Problem(where, "", "store", message)])


def default_path() -> Path:
    """The SQLite file in the user's data directory (platformdirs) used when no URL is given."""
    from platformdirs import user_data_path

    return user_data_path("tawazun", appauthor=False) / "runs.sqlite"


def _hide_password(text: str, url: URL | None = None) -> str:
    """``text`` with the password of ``url`` (and any ``user:password@``) replaced by ***."""
    if url is not None and url.password:
        text = text.replace(str(url.password), "***")
    text = re.sub(r"(://[^:/@\s]*):[^@\s]*@", r"\1:***@", text)
    return re.sub(r"(password=)[^&\s]*", r"\1***", text, flags=re.IGNORECASE)


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
    path = Path(database)
    where = shown(url)
    if path.exists():
        if not path.is_file():
            raise StoreError(where, _("{path} is not a regular file").format(path=path))
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
        if header and header != SQLITE_HEADER:
            raise StoreError(
                where,
                _("{path} is not an SQLite database (corrupt or another kind of file)").format(
                    path=path
                ),
            )
    elif not path.parent.is_dir():
        raise StoreError(where, _("the folder {folder} does not exist").format(folder=path.parent))


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


def _reason(error: BaseException, url: URL) -> str:
    """The driver's own words, on one line, without the password."""
    original = getattr(error, "orig", None) or error
    text = " ".join(line.strip() for line in str(original).splitlines() if line.strip())
    return _hide_password(text, url)


@contextmanager
def database_errors(url: URL, doing: str) -> Iterator[None]:
    """Turn a database failure while ``doing`` something into one :class:`StoreError` line."""
    try:
        yield
    except exc.DBAPIError as error:
        reason = _reason(error, url)
        if url.get_backend_name() == "sqlite" and (
            "not a database" in reason or "malformed" in reason
        ):
            reason = _("not an SQLite database (corrupt or another kind of file): {reason}").format(
                reason=reason
            )
        raise StoreError(shown(url), f"{doing}: {reason}") from None


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
