"""The numbers analyses change, read and written on a scenario's arrays in the file's units.

Every analysis changes the same three things, an actor's capability and its position and
salience on an issue, many times over, on copies of one
:class:`~tawazun.arrays.ScenarioArrays` (a batch of variants on the leading axis). The
arrays hold saliences on 0-1; analyses state and report them in the units the file
declares (0-1 or 0-100, ``salience_scale``), which :func:`get` and :func:`put` convert, so
that a salience written here is the one a scenario file with that number would give.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tawazun.arrays import ScenarioArrays
from tawazun.scenario import Scenario

FIELDS = ("position", "salience", "capability")


def unit(arrays: ScenarioArrays, name: str) -> float:
    """How many of the file's units make one of the arrays' (the salience scale, else 1)."""
    return arrays.salience_scale if name == "salience" else 1.0


def _cell(name: str, actor: int, issue: int, variant: int | None) -> tuple[int, ...]:
    cell = (actor,) if name == "capability" else (actor, issue)
    return cell if variant is None else (variant, *cell)


def get(
    arrays: ScenarioArrays, name: str, actor: int, issue: int, variant: int | None = None
) -> float:
    """Field ``name`` of ``actor`` on ``issue`` (of batch variant ``variant``, if given), in
    the file's units. A capability is the actor's own: ``issue`` is ignored for it."""
    value = getattr(arrays, name)[_cell(name, actor, issue, variant)]
    return float(value * unit(arrays, name)) if name == "salience" else float(value)


def put(
    arrays: ScenarioArrays,
    name: str,
    actor: int,
    issue: int,
    value: float,
    variant: int | None = None,
) -> None:
    """Set field ``name`` of ``actor`` on ``issue`` to ``value`` (the file's units), in place."""
    stored = value / unit(arrays, name) if name == "salience" else value
    getattr(arrays, name)[_cell(name, actor, issue, variant)] = stored


@dataclass(frozen=True)
class Ranges:
    """What each field allows, in the file's units.

    Positions stay on their issue's scale and saliences within 0 and the salience scale.
    Capability has no upper limit in the schema; ``capability`` spans twice the strongest
    actor's capability, the span analyses search over and measure changes against.
    """

    position: tuple[np.ndarray, np.ndarray]
    salience: tuple[float, float]
    capability: tuple[float, float]

    def bounds(self, name: str, issue: int = 0) -> tuple[float, float]:
        """The lowest and highest value ``name`` allows (on issue ``issue``, for positions)."""
        low, high = getattr(self, name)
        if name == "position":
            return float(np.ravel(low)[issue]), float(np.ravel(high)[issue])
        return float(low), float(high)

    def width(self, name: str, issue: int = 0) -> float:
        """The span a change of ``name`` is measured against (on issue ``issue``)."""
        low, high = self.bounds(name, issue)
        return high - low


def ranges_of(arrays: ScenarioArrays) -> Ranges:
    strongest = float(arrays.capability.max())
    return Ranges(
        position=(arrays.scale_min, arrays.scale_max),
        salience=(0.0, arrays.salience_scale),
        capability=(0.0, 2 * strongest if strongest > 0 else 1.0),
    )


def clip(arrays: ScenarioArrays) -> ScenarioArrays:
    """The numbers moved back into the range each field allows (capability only above 0)."""
    return arrays.with_numbers(
        capability=np.maximum(arrays.capability, 0.0),
        position=np.clip(arrays.position, arrays.scale_min, arrays.scale_max),
        salience=np.clip(arrays.salience, 0.0, 1.0),
    )


def without_actor(scenario: Scenario, actor_id: str) -> Scenario:
    """The scenario with one actor gone from every table (not validated again)."""
    actors = [actor for actor in scenario.actors if actor.id != actor_id]
    return scenario.model_copy(update={"actors": actors})
