"""The scenario library: shipped scenarios, uploads and the versions edits make.

An entry's key is made by the server: a shipped scenario's own id, else ``s`` and the start
of the hash of the scenario's normalised form (:func:`tawazun.store.canonical`), so the same
scenario uploaded twice is one entry. A key never becomes a file path. The versions of a
scenario are the entries that share its id. Uploads and edits are kept in the runs store
when the server has one, and come back when it restarts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from tawazun import io
from tawazun.errors import InputError
from tawazun.scenario import Scenario, SemanticError, UnknownName
from tawazun.store import canonical

log = logging.getLogger(__name__)

Origin = Literal["shipped", "uploaded", "edited", "stored"]


def key_of(scenario: Scenario) -> str:
    digest = hashlib.sha256(canonical(scenario).encode("utf-8")).hexdigest()
    return "s" + digest[:12]


@dataclass(frozen=True)
class Entry:
    """One scenario of the library."""

    key: str
    scenario: Scenario
    origin: Origin
    filename: str = ""
    parent: str | None = None
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


class Library:
    """Scenarios by key, thread-safe; ``store`` (optional) keeps uploads and edits."""

    def __init__(self, store: Any = None) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, Entry] = {}
        self._store = store
        for scenario_id, path in sorted(io.shipped().items()):
            scenario = io.load(path)
            self._entries[scenario_id] = Entry(scenario_id, scenario, "shipped")
        if store is not None:
            self._load_stored()

    def _load_stored(self) -> None:
        shipped = {key_of(e.scenario): e.key for e in self._entries.values()}
        versions = self._store.scenarios()
        versions = versions[versions["kind"] == "scenario"]
        keys: dict[str, str] = {}
        for content_hash, row in versions.iterrows():
            try:
                scenario = self._store.scenario_version(content_hash).scenario()
            except (InputError, SemanticError, ValueError):
                # a version an older tawazun wrote that this one refuses
                log.warning("stored scenario %s no longer validates; left out", content_hash)
                continue
            key = key_of(scenario)
            keys[content_hash] = shipped.get(key, key)
            if key not in shipped:
                created = row["created"].to_pydatetime()
                self._entries[key] = Entry(key, scenario, "stored", created=created)
        for content_hash, parent in versions["parent"].dropna().items():
            entry = self._entries.get(keys.get(content_hash, ""))
            if entry is not None and entry.origin == "stored" and parent in keys:
                self._entries[entry.key] = replace(entry, origin="edited", parent=keys[parent])

    def _keep(self, entry: Entry) -> Entry:
        with self._lock:
            existing = self._entries.get(entry.key)
            if existing is not None:
                return existing
            self._entries[entry.key] = entry
        if self._store is not None:
            parent = self._entries[entry.parent].scenario if entry.parent else None
            self._store.save_scenario(entry.scenario, parent=parent)
        return entry

    def add(self, scenario: Scenario, origin: Origin, filename: str = "") -> Entry:
        """``scenario`` in the library (the entry already there if it holds the same)."""
        return self._keep(Entry(key_of(scenario), scenario, origin, filename))

    def new_version(self, parent: Entry, scenario: Scenario) -> Entry:
        """``scenario``, an edit of ``parent``, as a version of its own."""
        return self._keep(Entry(key_of(scenario), scenario, "edited", parent=parent.key))

    def find(self, scenario: Scenario) -> Entry | None:
        """The entry holding exactly ``scenario``, if any."""
        key = key_of(scenario)
        with self._lock:
            return self._entries.get(key) or next(
                (
                    e
                    for e in self._entries.values()
                    if e.origin == "shipped" and e.scenario == scenario
                ),
                None,
            )

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
        """The entries sharing ``entry``'s scenario id, oldest first, numbered from 1."""
        with self._lock:
            same = [e for e in self._entries.values() if e.scenario.id == entry.scenario.id]
        return sorted(same, key=lambda e: (e.origin != "shipped", e.created))

    def parent(self, entry: Entry) -> Entry | None:
        """The version ``entry`` was edited from, if the library knows it."""
        with self._lock:
            return self._entries.get(entry.parent) if entry.parent else None

    def version_number(self, entry: Entry) -> int:
        return [e.key for e in self.versions(entry)].index(entry.key) + 1
