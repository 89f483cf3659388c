"""The bilingual gazetteer: who an article may name, and every way it may name them.

The shipped file (``tawazun/data/gazetteer/middle-east.yaml``) documents its format in its
header; a user's file in the same format extends it: a new id adds an actor, a known id
adds names to it (and replaces its ``name``, ``kind`` or ``capability`` when given).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tawazun.draft.text import words
from tawazun.errors import InputError, Problem
from tawazun.i18n import _
from tawazun.io import _yaml
from tawazun.io._text import read_text
from tawazun.io.errors import field_name
from tawazun.io.native import text_locator
from tawazun.scenario import Evidence, Text

Kind = Literal[
    "state",
    "government",
    "security-forces",
    "party",
    "alliance",
    "movement",
    "armed-group",
    "international-organisation",
    "public",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Names(_Strict):
    en: list[str] = Field(default_factory=list)
    ar: list[str] = Field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.en, *self.ar]


class Leader(Names):
    """Names that stand for the actor while their holder is in office."""

    from_: dt.date | None = Field(default=None, alias="from")
    until: dt.date | None = None

    def in_office(self, on: dt.date | None) -> bool:
        if on is None:
            return True
        return (self.from_ is None or self.from_ <= on) and (self.until is None or on < self.until)


class DefaultCapability(_Strict):
    """A capability an analyst has argued for an actor, with its sources."""

    value: float = Field(ge=0)
    rationale: str = Field(min_length=1)
    sources: list[str] = Field(min_length=1)

    def evidence(self) -> Evidence:
        return Evidence(rationale=self.rationale, sources=self.sources, draft=True)


class Entry(_Strict):
    """One actor of the gazetteer."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.\-]+$")
    kind: Kind
    name: Text
    aliases: Names = Field(default_factory=Names)
    places: Names = Field(default_factory=Names)
    leaders: list[Leader] = Field(default_factory=list)
    members: list[str] = Field(default_factory=list)
    capability: DefaultCapability | None = None


class _File(_Strict):
    gazetteer: Literal[1]
    entries: list[Entry]


class _Extension(_Strict):
    """A user's entry for a known id may give names only."""

    id: str
    kind: Kind | None = None
    name: Text | None = None
    aliases: Names = Field(default_factory=Names)
    places: Names = Field(default_factory=Names)
    leaders: list[Leader] = Field(default_factory=list)
    members: list[str] = Field(default_factory=list)
    capability: DefaultCapability | None = None


@dataclass(frozen=True)
class Name:
    """One way of naming an actor, ready to match: its normalised words."""

    actor: str
    words: tuple[str, ...]
    written: str
    place: bool
    #: names written in capitals (US, ISF) match only as written
    exact: bool


@dataclass(frozen=True)
class Gazetteer:
    """Actors by id, and every name that points to one."""

    entries: dict[str, Entry]

    def names(self, on: dt.date | None = None) -> list[Name]:
        """The names to match in text dated ``on`` (leaders only while in office)."""
        found: dict[tuple[str, ...], Name] = {}  # one per actor and spelling
        for entry in self.entries.values():
            given = [(n, False) for n in [entry.name.en, entry.name.ar, *entry.aliases.all()]]
            given += [(n, True) for n in entry.places.all()]
            given += [
                (n, False) for leader in entry.leaders if leader.in_office(on) for n in leader.all()
            ]
            for written, place in given:
                key = words(written)
                if not key:
                    continue
                exact = written.isascii() and not any(c.islower() for c in written)
                name = Name(entry.id, key, written, place, exact)
                found.setdefault((entry.id, *key, written if exact else ""), name)
        return list(found.values())


def _problems(exc: ValidationError, raw: object, file: str, text: str) -> list[Problem]:
    locate = text_locator(text)
    return [
        Problem(file, locate(tuple(e["loc"])), field_name(tuple(e["loc"]), raw), e["msg"])
        for e in exc.errors()
    ]


def _read(path: Path | None) -> tuple[list[dict], str, str]:
    if path is None:
        source = resources.files("tawazun") / "data" / "gazetteer" / "middle-east.yaml"
        text, file = source.read_text(encoding="utf-8"), "middle-east.yaml"
    else:
        text, file = read_text(path), str(path)
    try:
        # the scenario files' reader: no aliases, bounded nesting, duplicate keys reported
        raw, _root, duplicates = _yaml.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = str(mark.line + 1) if mark is not None else "1"
        problem = getattr(exc, "problem", None) or ""
        raise InputError(
            [Problem(file, line, "yaml", _("malformed YAML: {problem}").format(problem=problem))]
        ) from None
    if duplicates:
        raise InputError(
            [
                Problem(file, str(d.second), d.key, _("duplicate key; give it once"))
                for d in duplicates
            ]
        )
    if (
        not isinstance(raw, dict)
        or raw.get("gazetteer") != 1
        or not isinstance(raw.get("entries"), list)
    ):
        raise InputError(
            [Problem(file, "1", "gazetteer", _("expected 'gazetteer: 1' and a list of entries"))]
        )
    return raw["entries"], file, text


def load_gazetteer(extra: Iterable[Path] = ()) -> Gazetteer:
    """The shipped gazetteer, extended by each of ``extra`` in turn.

    Raises
    ------
    InputError
        With one problem per bad field, or per name given to two actors.
    """
    raw, file, text = _read(None)
    try:
        shipped = _File.model_validate({"gazetteer": 1, "entries": raw})
    except ValidationError as exc:
        raise InputError(_problems(exc, {"entries": raw}, file, text)) from None
    entries = {entry.id: entry for entry in shipped.entries}
    for path in extra:
        raw, file, text = _read(Path(path))
        for k, item in enumerate(raw):
            try:
                known = isinstance(item, dict) and item.get("id") in entries
                model = _Extension if known else Entry
                entry = model.model_validate(item)
            except ValidationError as exc:
                problems = [
                    Problem(
                        file,
                        text_locator(text)(("entries", k, *e["loc"])),
                        field_name(("entries", k, *e["loc"]), {"entries": raw}),
                        e["msg"],
                    )
                    for e in exc.errors()
                ]
                raise InputError(problems) from None
            entries[entry.id] = _merged(entries[entry.id], entry) if known else entry
    gazetteer = Gazetteer(entries)
    _check_names(gazetteer)
    return gazetteer


def _merged(entry: Entry, extension: _Extension) -> Entry:
    def more(old: Names, new: Names) -> Names:
        return Names(en=[*old.en, *new.en], ar=[*old.ar, *new.ar])

    return entry.model_copy(
        update={
            "kind": extension.kind or entry.kind,
            "name": extension.name or entry.name,
            "aliases": more(entry.aliases, extension.aliases),
            "places": more(entry.places, extension.places),
            "leaders": [*entry.leaders, *extension.leaders],
            "members": [*entry.members, *extension.members],
            "capability": extension.capability or entry.capability,
        }
    )


def _check_names(gazetteer: Gazetteer) -> None:
    """A name given to two actors cannot tell them apart: refuse it."""
    owners: dict[tuple[str, ...], set[str]] = {}
    for name in gazetteer.names():
        if not name.exact:
            owners.setdefault(name.words, set()).add(name.actor)
    clashes = [
        Problem(
            "gazetteer",
            "",
            " ".join(key),
            _("the same name is given to {actors}").format(actors=", ".join(sorted(ids))),
        )
        for key, ids in owners.items()
        if len(ids) > 1
    ]
    unknown = [
        Problem("gazetteer", "", entry.id, _("unknown member {member}").format(member=member))
        for entry in gazetteer.entries.values()
        for member in entry.members
        if member not in gazetteer.entries
    ]
    if clashes or unknown:
        raise InputError(clashes + unknown)
