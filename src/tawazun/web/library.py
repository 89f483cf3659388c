"""The scenario library: shipped scenarios, uploads and the versions edits make.

Entries are keyed by ids the server makes (``s`` and hex digits) or, for a shipped scenario,
by its own id; a key never becomes a file path. Uploads and edits are kept in the runs store
when one is open (so they outlive the server), else in memory for the life of the process.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any, Literal

from tawazun import io
from tawazun.scenario import Scenario, UnknownName

Origin = Literal["shipped", "uploaded", "edited"]


@dataclass(frozen=True)
class Entry:
    """One scenario of the library.

    ``family`` is the key of the first version; every edit adds a version to its family.
    """

    key: str
    scenario: Scenario
    origin: Origin
    family: str
    version: int = 1
    parent: str | None = None
    filename: str = ""
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


class Library:
    """Scenarios by key, thread-safe."""

    def __init__(self, store: Any = None) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, Entry] = {}
        self._store = store
        for scenario_id, path in sorted(io.shipped().items()):
            scenario = io.load(path)
            self._entries[scenario_id] = Entry(scenario_id, scenario, "shipped", scenario_id)

    def _new_key(self) -> str:
        while True:
            key = "s" + secrets.token_hex(4)
            if key not in self._entries:
                return key

    def add(self, scenario: Scenario, origin: Origin, filename: str = "") -> Entry:
        """A new family whose first version is ``scenario``."""
        with self._lock:
            key = self._new_key()
            entry = Entry(key, scenario, origin, key, filename=filename)
            self._entries[key] = entry
        return entry

    def new_version(self, parent: Entry, scenario: Scenario) -> Entry:
        """``scenario`` as the next version of ``parent``'s family."""
        with self._lock:
            version = 1 + max(
                e.version for e in self._entries.values() if e.family == parent.family
            )
            key = self._new_key()
            entry = Entry(key, scenario, "edited", parent.family, version, parent.key)
            self._entries[key] = entry
        return entry

    def get(self, key: str) -> Entry:
        try:
            return self._entries[key]
        except KeyError:
            raise UnknownName(f"no scenario {key!r} in the library") from None

    def entries(self) -> list[Entry]:
        """Shipped scenarios first, then the newest first."""
        with self._lock:
            entries = list(self._entries.values())
        return sorted(entries, key=lambda e: (e.origin != "shipped", -e.created.timestamp()))

    def versions(self, entry: Entry) -> list[Entry]:
        """Every version of ``entry``'s family, oldest first."""
        with self._lock:
            return sorted(
                (e for e in self._entries.values() if e.family == entry.family),
                key=lambda e: e.version,
            )
