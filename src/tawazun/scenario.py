"""The scenario: issues, actors and their stances, with the evidence behind every number.

A scenario is the one input every model takes. It is a pydantic model, so a scenario built
in Python is checked exactly like one read from a file; :mod:`tawazun.io` adds file names
and line or row numbers to the problems it finds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

if TYPE_CHECKING:
    import pandas as pd

    from tawazun.result import Result

#: Fields of an actor or a stance that are numbers an analyst must be able to justify.
SOURCED_ACTOR_FIELDS = ("capability",)
SOURCED_STANCE_FIELDS = ("position", "salience", "risk")

Location = tuple[str | int, ...]


class SemanticError(Exception):
    """Problems found across fields (unknown ids, values off the scale...).

    Each problem is ``(location, message)`` where ``location`` is the path of the offending
    value in the scenario's native structure, as pydantic reports paths.
    """

    def __init__(self, problems: list[tuple[Location, str]]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=False)


class Text(_Strict):
    """A name or label in English and Arabic."""

    en: str = Field(min_length=1)
    ar: str = ""

    def __str__(self) -> str:
        return self.en


class Evidence(_Strict):
    """Why a number has the value it has: a short rationale and the sources it rests on."""

    rationale: str = ""
    sources: list[str] = Field(default_factory=list)


def _split_sourced(data: Any, fields: tuple[str, ...]) -> Any:
    """Accept ``field: {value, rationale, sources}`` and move the evidence aside.

    Analysts write the reason next to the number; the model keeps numbers as plain floats
    and their evidence in ``evidence[field]``.
    """
    if not isinstance(data, dict):
        return data
    data = dict(data)
    evidence = dict(data.get("evidence") or {})
    for name in fields:
        value = data.get(name)
        if isinstance(value, dict) and "value" in value:
            rest = {k: v for k, v in value.items() if k != "value"}
            data[name] = value["value"]
            if rest:
                evidence[name] = rest
    if evidence:
        data["evidence"] = evidence
    return data


class Scale(_Strict):
    """The numeric range of an issue."""

    min: float = 0.0
    max: float = 100.0

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if not self.min < self.max:
            raise ValueError(f"scale min ({self.min:g}) must be below max ({self.max:g})")
        return self

    @property
    def width(self) -> float:
        return self.max - self.min


class Band(_Strict):
    """A part of an issue's scale and the outcome it stands for (``lower <= x <= upper``)."""

    id: str = Field(min_length=1)
    lower: float
    upper: float
    label: Text

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.lower > self.upper:
            raise ValueError(f"band lower ({self.lower:g}) is above upper ({self.upper:g})")
        return self


class Point(_Strict):
    """A labelled point of an issue's scale."""

    value: float
    label: Text


class Issue(_Strict):
    """One question under negotiation, measured on a scale whose parts are labelled."""

    id: str = Field(min_length=1)
    name: Text
    scale: Scale = Field(default_factory=Scale)
    bands: list[Band] = Field(default_factory=list)
    points: list[Point] = Field(default_factory=list)
    status_quo: float | None = None
    space: str | None = Field(
        default=None,
        description="Issues sharing a space form one multi-dimensional policy space.",
    )
    evidence: dict[str, Evidence] = Field(default_factory=dict)

    def band_of(self, value: float) -> Band | None:
        """The band a value falls in; on a shared edge the band that starts there wins."""
        found = None
        for band in self.bands:
            if band.lower <= value <= band.upper:
                found = band
                if value < band.upper:
                    return band
        return found


class Stance(_Strict):
    """An actor's position on an issue, how much it cares, and its risk attitude."""

    position: float
    salience: float = Field(ge=0)
    risk: float | None = None
    evidence: dict[str, Evidence] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _sourced(cls, data: Any) -> Any:
        return _split_sourced(data, SOURCED_STANCE_FIELDS)


class Actor(_Strict):
    """A stakeholder at the table."""

    id: str = Field(min_length=1)
    name: Text
    group: str | None = None
    capability: float = Field(ge=0)
    stances: dict[str, Stance] = Field(default_factory=dict)
    notes: str = ""
    evidence: dict[str, Evidence] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _sourced(cls, data: Any) -> Any:
        return _split_sourced(data, SOURCED_ACTOR_FIELDS)


class Metadata(_Strict):
    """What the scenario is about, when its data hold, and who made it."""

    title: Text
    as_of: dt.date | None = None
    authors: list[str] = Field(default_factory=list)
    notes: str = ""
    sources: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class ScenarioArrays:
    """The numbers of a scenario as NumPy arrays, the form model kernels work on.

    ``n`` actors by ``m`` issues. Where an actor has no stance on an issue, ``present`` is
    False, its position is NaN and its salience 0: it is not at that table.
    Saliences are on 0-1 whatever scale the file declared.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    risk: np.ndarray
    present: np.ndarray
    scale_min: np.ndarray
    scale_max: np.ndarray


class Scenario(_Strict):
    """A negotiation: its issues, its actors and where each stands.

    Examples
    --------
    >>> import tawazun
    >>> scenario = tawazun.load("iraq-2024")
    >>> scenario.forecast("compromise").to_frame()  # doctest: +SKIP
    """

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    metadata: Metadata
    salience_scale: Literal[1, 100] = Field(
        default=1, description="Saliences are declared on 0-1 (1) or on 0-100 (100)."
    )
    issues: list[Issue] = Field(min_length=1)
    actors: list[Actor] = Field(min_length=1)

    @field_validator("salience_scale", mode="before")
    @classmethod
    def _integral_scale(cls, value: Any) -> Any:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        problems = list(semantic_problems(self))
        if problems:
            raise SemanticError(problems)
        return self

    # -- lookup -------------------------------------------------------------------------
    def issue(self, issue_id: str) -> Issue:
        for issue in self.issues:
            if issue.id == issue_id:
                return issue
        raise KeyError(f"no issue {issue_id!r}; issues are {[i.id for i in self.issues]}")

    def actor(self, actor_id: str) -> Actor:
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise KeyError(f"no actor {actor_id!r}; actors are {[a.id for a in self.actors]}")

    def stances(self) -> Iterator[tuple[Actor, Issue, Stance]]:
        """Every (actor, issue, stance) in actor order, then issue order."""
        for actor in self.actors:
            for issue in self.issues:
                stance = actor.stances.get(issue.id)
                if stance is not None:
                    yield actor, issue, stance

    # -- views --------------------------------------------------------------------------
    def arrays(self) -> ScenarioArrays:
        """The scenario's numbers as arrays (see :class:`ScenarioArrays`)."""
        n, m = len(self.actors), len(self.issues)
        position = np.full((n, m), np.nan)
        salience = np.zeros((n, m))
        risk = np.full((n, m), np.nan)
        present = np.zeros((n, m), dtype=bool)
        for i, actor in enumerate(self.actors):
            for j, issue in enumerate(self.issues):
                stance = actor.stances.get(issue.id)
                if stance is None:
                    continue
                present[i, j] = True
                position[i, j] = stance.position
                salience[i, j] = stance.salience / self.salience_scale
                if stance.risk is not None:
                    risk[i, j] = stance.risk
        return ScenarioArrays(
            actor_ids=tuple(a.id for a in self.actors),
            issue_ids=tuple(i.id for i in self.issues),
            capability=np.array([a.capability for a in self.actors], dtype=float),
            position=position,
            salience=salience,
            risk=risk,
            present=present,
            scale_min=np.array([i.scale.min for i in self.issues]),
            scale_max=np.array([i.scale.max for i in self.issues]),
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per actor and issue: the long table analysts sort and filter."""
        import pandas as pd

        rows = [
            {
                "actor": actor.id,
                "actor_en": actor.name.en,
                "actor_ar": actor.name.ar,
                "group": actor.group,
                "capability": actor.capability,
                "issue": issue.id,
                "position": stance.position,
                "salience": stance.salience,
                "risk": stance.risk,
            }
            for actor, issue, stance in self.stances()
        ]
        return pd.DataFrame(rows)

    # -- models -------------------------------------------------------------------------
    def forecast(self, model: str = "compromise", **parameters: Any) -> Result:
        """Run a model by name (see ``tawazun.models.available()``) on this scenario."""
        from tawazun.models import get_model

        return get_model(model).run(self, **parameters)


def semantic_problems(scenario: Scenario) -> Iterator[tuple[Location, str]]:
    """Problems that no single field shows: identity, ranges, and issues nobody cares about."""
    seen_issues: dict[str, int] = {}
    for j, issue in enumerate(scenario.issues):
        if issue.id in seen_issues:
            yield ("issues", j, "id"), (
                f"duplicate issue id {issue.id!r} (first at issue {seen_issues[issue.id] + 1})"
            )
        seen_issues.setdefault(issue.id, j)
        lo, hi = issue.scale.min, issue.scale.max
        if issue.status_quo is not None and not lo <= issue.status_quo <= hi:
            yield ("issues", j, "status_quo"), (
                f"status quo {issue.status_quo:g} is outside the scale {lo:g}..{hi:g}"
            )
        for k, band in enumerate(issue.bands):
            if band.lower < lo or band.upper > hi:
                yield ("issues", j, "bands", k), (
                    f"band {band.lower:g}..{band.upper:g} leaves the scale {lo:g}..{hi:g}"
                )
    seen_actors: dict[str, int] = {}
    for i, actor in enumerate(scenario.actors):
        if actor.id in seen_actors:
            yield ("actors", i, "id"), (
                f"duplicate actor id {actor.id!r} (first at actor {seen_actors[actor.id] + 1})"
            )
        seen_actors.setdefault(actor.id, i)
        for issue_id, stance in actor.stances.items():
            where = ("actors", i, "stances", issue_id)
            if issue_id not in seen_issues:
                yield where, f"unknown issue {issue_id!r}; issues are {sorted(seen_issues)}"
                continue
            scale = scenario.issues[seen_issues[issue_id]].scale
            if not scale.min <= stance.position <= scale.max:
                yield (*where, "position"), (
                    f"position {stance.position:g} is outside the scale "
                    f"{scale.min:g}..{scale.max:g}"
                )
            if stance.salience > scenario.salience_scale:
                yield (*where, "salience"), (
                    f"salience {stance.salience:g} is above the declared maximum "
                    f"{scenario.salience_scale} (salience_scale allows 0..1 or 0..100)"
                )
    for j, issue in enumerate(scenario.issues):
        stakes = [
            actor.capability * actor.stances[issue.id].salience
            for actor in scenario.actors
            if issue.id in actor.stances
        ]
        if not stakes:
            yield ("issues", j), f"no actor takes a position on issue {issue.id!r}"
        elif not any(s > 0 for s in stakes):
            yield ("issues", j), (
                f"every actor ignores issue {issue.id!r} (all saliences or capabilities are 0)"
            )
