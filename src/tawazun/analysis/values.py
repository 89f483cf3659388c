"""A scenario's perturbable numbers as arrays, and scenarios rebuilt cheaply from them.

Every analysis changes the same three things, an actor's capability and its position and
salience on an issue, many times over. :class:`Values` holds them in the units the file
declares (saliences on 0-1 or 0-100 as ``salience_scale`` says), with a leading batch axis
when many variants are evaluated together. :func:`with_values` builds the variant scenario
with ``model_copy`` instead of validating it again: the values it receives are already in
range (drawn truncated, or clipped by :func:`clip`), and validation is the slow part of
building a scenario.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tawazun.scenario import Scenario

FIELDS = ("position", "salience", "capability")


@dataclass(frozen=True)
class Values:
    """Capabilities ``(..., n)``, positions and saliences ``(..., n, m)``.

    ``present`` ``(n, m)`` marks the actors at each issue's table; elsewhere position and
    salience carry no meaning. Leading axes, if any, index variants (runs of a batch).
    """

    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    present: np.ndarray

    def take(self, index: int) -> Values:
        """Variant ``index`` of a batch."""
        return Values(
            self.capability[index], self.position[index], self.salience[index], self.present
        )

    def repeat(self, count: int) -> Values:
        """A batch of ``count`` copies, ready to be changed variant by variant."""
        return Values(
            np.repeat(self.capability[None], count, axis=0),
            np.repeat(self.position[None], count, axis=0),
            np.repeat(self.salience[None], count, axis=0),
            self.present,
        )

    def field(self, name: str) -> np.ndarray:
        return getattr(self, name)

    def _cell(self, name: str, actor: int, issue: int, variant: int | None) -> tuple[int, ...]:
        cell = (actor,) if name == "capability" else (actor, issue)
        return cell if variant is None else (variant, *cell)

    def get(self, name: str, actor: int, issue: int, variant: int | None = None) -> float:
        """Field ``name`` of ``actor`` on ``issue`` (of batch variant ``variant``, if given).

        A capability is the actor's own: ``issue`` is ignored for it (pass -1).
        """
        return float(self.field(name)[self._cell(name, actor, issue, variant)])

    def put(
        self, name: str, actor: int, issue: int, value: float, variant: int | None = None
    ) -> None:
        """Set field ``name`` of ``actor`` on ``issue`` to ``value``, as :meth:`get` reads it."""
        self.field(name)[self._cell(name, actor, issue, variant)] = value


def values_of(scenario: Scenario) -> Values:
    """The scenario's numbers, saliences in the file's declared units."""
    arrays = scenario.arrays()
    return Values(
        capability=arrays.capability,
        position=np.where(arrays.present, arrays.position, 0.0),
        salience=arrays.salience * scenario.salience_scale,
        present=arrays.present,
    )


@dataclass(frozen=True)
class Ranges:
    """What each field allows: ``low`` and ``high`` broadcastable to the field's shape.

    Positions stay on their issue's scale and saliences within 0 and the salience scale.
    Capability has no upper limit in the schema; ``capability_span`` (twice the strongest
    actor's capability) is the span analyses search over and measure changes against.
    """

    position: tuple[np.ndarray, np.ndarray]
    salience: tuple[float, float]
    capability: tuple[float, float]

    def of(self, name: str) -> tuple[np.ndarray | float, np.ndarray | float]:
        return getattr(self, name)

    def bounds(self, name: str, issue: int = 0) -> tuple[float, float]:
        """The lowest and highest value ``name`` allows (on issue ``issue``, for positions)."""
        low, high = self.of(name)
        if name == "position":
            return float(np.ravel(low)[issue]), float(np.ravel(high)[issue])
        return float(low), float(high)

    def width(self, name: str, issue: int = 0) -> float:
        """The span a change of ``name`` is measured against (on issue ``issue``)."""
        low, high = self.bounds(name, issue)
        return high - low


def ranges_of(scenario: Scenario) -> Ranges:
    arrays = scenario.arrays()
    strongest = float(arrays.capability.max())
    return Ranges(
        position=(arrays.scale_min, arrays.scale_max),
        salience=(0.0, float(scenario.salience_scale)),
        capability=(0.0, 2 * strongest if strongest > 0 else 1.0),
    )


def clip(scenario: Scenario, values: Values) -> Values:
    """Values moved back into the range each field allows (capability only above 0)."""
    arrays = scenario.arrays()
    return Values(
        capability=np.maximum(values.capability, 0.0),
        position=np.clip(values.position, arrays.scale_min, arrays.scale_max),
        salience=np.clip(values.salience, 0.0, scenario.salience_scale),
        present=values.present,
    )


def with_values(scenario: Scenario, values: Values) -> Scenario:
    """The scenario with these numbers, built without validating it again.

    The caller guarantees that the values are within range; the structure (actors,
    issues, who sits at which table) is the scenario's own and therefore valid.
    """
    capability = values.capability.tolist()
    position = values.position.tolist()
    salience = values.salience.tolist()
    issue_ids = [issue.id for issue in scenario.issues]
    actors = []
    for i, actor in enumerate(scenario.actors):
        stances = {
            issue_id: actor.stances[issue_id].model_copy(
                update={"position": position[i][j], "salience": salience[i][j]}
            )
            for j, issue_id in enumerate(issue_ids)
            if issue_id in actor.stances
        }
        actors.append(actor.model_copy(update={"capability": capability[i], "stances": stances}))
    return scenario.model_copy(update={"actors": actors})


def without_actor(scenario: Scenario, actor_id: str) -> Scenario:
    """The scenario with one actor gone from every table (not validated again)."""
    actors = [actor for actor in scenario.actors if actor.id != actor_id]
    return scenario.model_copy(update={"actors": actors})
