"""The one boundary between scenarios and models: a scenario's numbers as NumPy arrays.

:func:`to_arrays` turns a validated :class:`~tawazun.scenario.Scenario` into a
:class:`ScenarioArrays`, once; every model's ``run`` takes one, and analyses perturb copies
of it (:meth:`ScenarioArrays.repeat` gives a batch of variants on a leading axis) instead of
building a scenario per variant. Models never see pydantic: what they need of a scenario's
structure (ids, scales, status quo, spaces, bands) is here as plain values, and
:func:`band_index` is where a forecast is tied back to the band it falls in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from tawazun.errors import InvalidArgument
from tawazun.i18n import _

if TYPE_CHECKING:
    from tawazun.scenario import Scenario


@dataclass(frozen=True)
class BandEdges:
    """The labelled bands of one issue: ids and edges, in the scenario's order."""

    ids: tuple[str, ...]
    lower: np.ndarray
    upper: np.ndarray


def band_index(edges: BandEdges, values: np.ndarray) -> np.ndarray:
    """Index of the band each value falls in (``lower <= x <= upper``), -1 for none.

    On an edge two bands share, the band that starts there wins: the first band containing
    the value whose upper edge lies above it, else the last band containing it (the rule of
    :meth:`tawazun.scenario.Issue.band_of`). NaN falls in no band.
    """
    x = np.asarray(values, dtype=float)[..., None]
    inside = (edges.lower <= x) & (x <= edges.upper)
    below_top = inside & (x < edges.upper)
    count = len(edges.ids)
    if not count:
        return np.full(x.shape[:-1], -1)
    first_below = np.argmax(below_top, axis=-1)
    last_inside = count - 1 - np.argmax(inside[..., ::-1], axis=-1)
    return np.where(
        below_top.any(axis=-1), first_below, np.where(inside.any(axis=-1), last_inside, -1)
    )


@dataclass(frozen=True)
class ScenarioArrays:
    """A scenario's numbers: ``n`` actors by ``m`` issues, optionally a batch of variants.

    Where an actor has no stance on an issue, ``present`` is False, its position is NaN and
    its salience 0: it is not at that table. Saliences are on 0-1 whatever scale the file
    declared (``salience_scale`` keeps that scale, for analyses that report in the file's
    units). ``capability`` ``(..., n)``, ``position`` and ``salience`` ``(..., n, m)`` may
    carry a leading batch axis of variants; the structure (ids, ``present``, scales, status
    quo, spaces, bands) is shared by every variant.

    Attributes
    ----------
    scenario_id : str
    actor_ids, issue_ids : tuple of str
    capability : ndarray, shape (..., n)
    position, salience : ndarray, shape (..., n, m)
    risk : ndarray, shape (n, m)
        Stated risk attitudes, NaN where none.
    present : ndarray of bool, shape (n, m)
    scale_min, scale_max : ndarray, shape (m,)
    status_quo : ndarray, shape (m,)
        NaN where the scenario states none.
    space : tuple of (str or None)
        Per issue, the policy space it shares with others (None: a space of its own).
    bands : tuple of BandEdges
        Per issue.
    salience_scale : float
        1 or 100: the units of saliences in the scenario file.
    """

    scenario_id: str
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    risk: np.ndarray
    present: np.ndarray
    scale_min: np.ndarray
    scale_max: np.ndarray
    status_quo: np.ndarray
    space: tuple[str | None, ...]
    bands: tuple[BandEdges, ...]
    salience_scale: float = 1.0

    # -- shape ----------------------------------------------------------------------------
    @property
    def batch(self) -> int | None:
        """The number of variants on the leading axis, or None for a single scenario."""
        return None if self.capability.ndim == 1 else int(self.capability.shape[0])

    def variant(self, index: int) -> ScenarioArrays:
        """Variant ``index`` of a batch, as a single scenario's arrays."""
        return replace(
            self,
            capability=self.capability[index],
            position=self.position[index],
            salience=self.salience[index],
        )

    def repeat(self, count: int) -> ScenarioArrays:
        """A batch of ``count`` copies of a single scenario's arrays, each writable."""
        if self.batch is not None:
            raise TypeError("repeat() takes a single scenario's arrays, not a batch")
        return replace(
            self,
            capability=np.repeat(self.capability[None], count, axis=0),
            position=np.repeat(self.position[None], count, axis=0),
            salience=np.repeat(self.salience[None], count, axis=0),
        )

    def with_numbers(self, **numbers: np.ndarray) -> ScenarioArrays:
        """The same structure with other ``capability``, ``position`` or ``salience``."""
        return replace(self, **numbers)

    # -- structure ------------------------------------------------------------------------
    def actor_index(self, actor_id: str) -> int:
        return self.actor_ids.index(actor_id)

    def issue_index(self, issue_id: str) -> int:
        return self.issue_ids.index(issue_id)

    def without_actor(self, actor: int) -> ScenarioArrays:
        """The arrays with actor ``actor`` gone from every table."""
        keep = np.arange(len(self.actor_ids)) != actor
        return self.actors_subset(keep)

    def actors_subset(self, keep: np.ndarray) -> ScenarioArrays:
        """Only the actors where ``keep`` (a boolean mask or indices) holds, in order."""
        rows = np.arange(len(self.actor_ids))[keep]
        return replace(
            self,
            actor_ids=tuple(self.actor_ids[i] for i in rows),
            capability=self.capability[..., rows],
            position=self.position[..., rows, :],
            salience=self.salience[..., rows, :],
            risk=self.risk[rows],
            present=self.present[rows],
        )

    def issues_subset(
        self, columns: Sequence[int], scenario_id: str | None = None
    ) -> ScenarioArrays:
        """Only the issues ``columns``, and the actors with a stance on one of them."""
        narrowed = self.columns(columns, scenario_id)
        return narrowed.actors_subset(narrowed.present.any(axis=1))

    def columns(self, columns: Sequence[int], scenario_id: str | None = None) -> ScenarioArrays:
        """Only the issues ``columns``, every actor kept (at no table where absent)."""
        cols = list(columns)
        return replace(
            self,
            scenario_id=scenario_id or self.scenario_id,
            issue_ids=tuple(self.issue_ids[j] for j in cols),
            position=self.position[..., cols],
            salience=self.salience[..., cols],
            risk=self.risk[:, cols],
            present=self.present[:, cols],
            scale_min=self.scale_min[cols],
            scale_max=self.scale_max[cols],
            status_quo=self.status_quo[cols],
            space=tuple(self.space[j] for j in cols),
            bands=tuple(self.bands[j] for j in cols),
        )

    # -- back to names and bands ----------------------------------------------------------
    def band_of(self, issue: int, value: float) -> str | None:
        """The id of the band of issue ``issue`` that ``value`` falls in, or None."""
        edges = self.bands[issue]
        k = int(band_index(edges, np.asarray(value)))
        return edges.ids[k] if k >= 0 else None


def _bands(issue: Any) -> BandEdges:
    return BandEdges(
        ids=tuple(band.id for band in issue.bands),
        lower=np.array([band.lower for band in issue.bands], dtype=float),
        upper=np.array([band.upper for band in issue.bands], dtype=float),
    )


def to_arrays(scenario: Scenario) -> ScenarioArrays:
    """The scenario's numbers as arrays (see :class:`ScenarioArrays`): the only conversion.

    Raises
    ------
    InvalidArgument
        When a draft still leaves an actor's capability to the analyst.
    """
    unset = [a.id for a in scenario.actors if a.capability is None]
    if unset:
        raise InvalidArgument(
            scenario.id,
            "capability",
            _("no capability yet for {actors} (a draft): set one before forecasting").format(
                actors=", ".join(unset)
            ),
        )
    n, m = len(scenario.actors), len(scenario.issues)
    position = np.full((n, m), np.nan)
    salience = np.zeros((n, m))
    risk = np.full((n, m), np.nan)
    present = np.zeros((n, m), dtype=bool)
    for i, actor in enumerate(scenario.actors):
        for j, issue in enumerate(scenario.issues):
            stance = actor.stances.get(issue.id)
            if stance is None:
                continue
            present[i, j] = True
            position[i, j] = stance.position
            salience[i, j] = stance.salience / scenario.salience_scale
            if stance.risk is not None:
                risk[i, j] = stance.risk
    return ScenarioArrays(
        scenario_id=scenario.id,
        actor_ids=tuple(a.id for a in scenario.actors),
        issue_ids=tuple(i.id for i in scenario.issues),
        capability=np.array([a.capability for a in scenario.actors], dtype=float),
        position=position,
        salience=salience,
        risk=risk,
        present=present,
        scale_min=np.array([i.scale.min for i in scenario.issues], dtype=float),
        scale_max=np.array([i.scale.max for i in scenario.issues], dtype=float),
        status_quo=np.array(
            [np.nan if i.status_quo is None else i.status_quo for i in scenario.issues]
        ),
        space=tuple(i.space for i in scenario.issues),
        bands=tuple(_bands(i) for i in scenario.issues),
        salience_scale=float(scenario.salience_scale),
    )
