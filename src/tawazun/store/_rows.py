"""What a store keeps of a run, in plain Python: run ids, a scenario's normalised form and
hash, the packed document, and the two rows one save writes.

Both ways of writing a run share it: :class:`tawazun.store.Store` (SQLAlchemy) and
:mod:`tawazun.store._direct` (the standard library's sqlite3); it imports neither.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tawazun.errors import InvalidArgument
from tawazun.i18n import _
from tawazun.store import documents

if TYPE_CHECKING:
    from tawazun.scenario import Scenario

#: Run ids: 8 characters of Crockford's base32 (no i, l, o, u), about 10**12 of them.
ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
ID_LENGTH = 8


def new_run_id() -> str:
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


def canonical(scenario: Scenario) -> str:
    """The scenario's normalised form: sorted-key JSON of its fields that differ from defaults.

    Two files that read as the same scenario (YAML or Excel, comments, key order, defaults
    written out or not) have the same canonical form and so the same hash.
    """
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def pack(document: dict[str, Any]) -> bytes:
    """A result document as stored: compact JSON, zlib-compressed (fast level: a 1000-actor
    trajectory is hundreds of megabytes of JSON)."""
    compact = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(compact.encode("utf-8"), 1)


def unpack(packed: bytes) -> dict[str, Any]:
    return json.loads(zlib.decompress(packed))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ScenarioVersion:
    """One stored version of a scenario (or of a data file), kept once per content hash."""

    hash: str
    scenario_id: str
    title: str
    kind: str
    content: str
    created: dt.datetime
    #: the hash of the version this one was edited from, if any
    parent: str | None = None

    def scenario(self) -> Scenario:
        """The scenario as it was when the run was made.

        It is validated again: a scenario kept by an older tawazun that this one refuses
        raises a ``ScenarioFileError`` naming each problem (where: the field's path).
        """
        from tawazun.io.errors import validate

        if self.kind != "scenario":
            raise InvalidArgument(
                "store", "scenario", _("this run read a data file, not a scenario")
            )
        where = _("stored scenario {hash}").format(hash=self.hash[:12])
        return validate(
            json.loads(self.content), where, lambda location: ".".join(map(str, location))
        )


def version_of(scenario: Scenario | ScenarioVersion | Path | str) -> ScenarioVersion:
    """The version a run read: a scenario by the hash of its normalised form, a data file by
    the hash of its text, or a version already stored."""
    now = dt.datetime.now(dt.UTC)
    if isinstance(scenario, ScenarioVersion):
        return scenario
    if isinstance(scenario, Path | str):
        path = Path(scenario)
        content = path.read_text(encoding="utf-8")
        return ScenarioVersion(content_hash(content), path.stem, path.name, "file", content, now)
    content = canonical(scenario)
    return ScenarioVersion(
        content_hash(content), scenario.id, scenario.metadata.title.en, "scenario", content, now
    )


def _version() -> str:
    from tawazun import __version__

    return __version__


def run_rows(
    result: Any,
    scenario: Scenario | ScenarioVersion | Path | str,
    *,
    command: str = "forecast",
    model: str | None = None,
    parameters: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
    seed: int | None = None,
    seconds: float | None = None,
    label: str | None = None,
    note: str | None = None,
) -> tuple[ScenarioVersion, dict[str, Any]]:
    """The scenario version and the run's row (without its id) that saving ``result`` writes.

    The arguments are those of :meth:`tawazun.store.Store.save`; the row holds Python values
    (a datetime, dicts for the JSON columns), which each writer binds in its own way.
    """
    document = result.to_dict() if hasattr(result, "to_dict") else result
    if not isinstance(document, dict):
        raise InvalidArgument("store.save", "result", _("a result, or its document as a dict"))
    packed = pack(document)
    version = version_of(scenario)
    if model is None:
        model = document.get("model")
    if parameters is None:
        parameters = dict(document.get("parameters") or {})
        if model is not None and command != "backtest":
            from tawazun.models import get_model

            parameters = get_model(model).defaults | parameters
    # the scenario finds the bands that documents like pivotal's do not name
    as_scenario = None
    if version.kind == "scenario":
        as_scenario = scenario.scenario() if isinstance(scenario, ScenarioVersion) else scenario
    row = {
        "created": dt.datetime.now(dt.UTC),
        "command": command,
        "model": model,
        "parameters": parameters,
        "options": options or {},
        "seed": None if seed is None else str(seed),
        "version": _version(),
        "scenario_hash": version.hash,
        "document_zlib": packed,
        "summary": documents.summary(command, document, as_scenario),
        "seconds": seconds,
        "label": label,
        "note": note,
    }
    return version, row
