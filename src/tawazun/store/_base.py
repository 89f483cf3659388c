"""What every part of the store shares without importing SQLAlchemy.

The error a store raises, the schema's revisions, where the default SQLite file lives and
what a file must look like before SQLite may open it. :mod:`tawazun.store._direct` saves a
run with these and the standard library's :mod:`sqlite3` alone, so a command that only keeps
its run never pays SQLAlchemy's import (about a fifth of a second).
"""

from __future__ import annotations

import re
from pathlib import Path

from tawazun.errors import InputError, Problem
from tawazun.i18n import _

ENVIRONMENT = "TAWAZUN_DATABASE_URL"
#: The schema revisions this tawazun knows, oldest first (``migrations/versions``).
REVISIONS = ("0001", "0002", "0003", "0004")
HEAD = REVISIONS[-1]
#: Alembic's version table, named for tawazun so a shared PostgreSQL database can hold it.
VERSION_TABLE = "tawazun_schema"
SQLITE_HEADER = b"SQLite format 3\x00"
#: How long a writer waits for another to finish before giving up (seconds).
BUSY_TIMEOUT = 60


class StoreError(InputError):
    """A store that cannot be opened or used: one line naming the store (without password)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__([Problem(where, "", "store", message)])


def default_path() -> Path:
    """The SQLite file in the user's data directory (platformdirs) used when no URL is given."""
    from platformdirs import user_data_path

    return user_data_path("tawazun", appauthor=False) / "runs.sqlite"


def hide_password(text: str, password: str | None = None) -> str:
    """``text`` with ``password`` (and any ``user:password@``) replaced by ***."""
    if password:
        text = text.replace(password, "***")
    text = re.sub(r"(://[^:/@\s]*):[^@\s]*@", r"\1:***@", text)
    return re.sub(r"(password=)[^&\s]*", r"\1***", text, flags=re.IGNORECASE)


def check_sqlite_path(path: Path, where: str) -> None:
    """Refuse, before SQLite opens it, a path that is not an SQLite database or a new file."""
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


def failure(where: str, doing: str, reason: str, *, sqlite: bool) -> StoreError:
    """The one line of a database failure while ``doing`` something, in the driver's words
    (``reason``, without the password)."""
    reason = " ".join(line.strip() for line in reason.splitlines() if line.strip())
    if sqlite and ("not a database" in reason or "malformed" in reason):
        reason = _("not an SQLite database (corrupt or another kind of file): {reason}").format(
            reason=reason
        )
    return StoreError(where, f"{doing}: {reason}")
