"""From the uncertainty a scenario states to random variants of its numbers.

Each uncertain number (an actor's capability, its position and salience on an issue) is
one *slot* with a distribution truncated to what the field allows. A run draws one uniform
number per slot from its own random stream and maps it through the slot's inverse
distribution function (inverse transform sampling on the truncated distribution), so

* a run's values depend only on the seed and the run's index: run ``r`` uses the stream
  ``SeedSequence(seed, spawn_key=(r,))``, the ``r``-th child of ``SeedSequence(seed).spawn``,
  whatever batch or worker computes it;
* truncation never piles values up at the end of a range, as clipping would.

The defaults (for numbers without their own uncertainty) are in
:data:`DEFAULT_UNCERTAINTY` and justified in ``docs/analysis.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from tawazun.arrays import ScenarioArrays
from tawazun.scenario import DefaultSpread, Scenario, Spread, UncertaintyDefaults

#: Positions +-10% of the scale, saliences +-10% of the salience scale (10 points on
#: 0-100), capabilities +-20% of their value; triangular, peaked on the stated value.
DEFAULT_UNCERTAINTY = UncertaintyDefaults()

UNIFORM, TRIANGULAR, NORMAL = 0, 1, 2
_CODES = {"uniform": UNIFORM, "triangular": TRIANGULAR, "normal": NORMAL}
_FIELD_CODES = {"position": 0, "salience": 1, "capability": 2}


@dataclass(frozen=True)
class Plan:
    """The uncertain numbers of a scenario, one entry per slot (arrays of length ``k``).

    Attributes
    ----------
    field : ndarray of int
        0 position, 1 salience, 2 capability.
    actor, issue : ndarray of int
        Where the slot sits (``issue`` is -1 for capabilities).
    distribution : ndarray of int
        :data:`UNIFORM`, :data:`TRIANGULAR` or :data:`NORMAL`.
    low, mode, high : ndarray
        The distribution's support (uniform, triangular) and peak (triangular); for a normal
        distribution ``mode`` is its mean and ``low``/``high`` are +-inf unless stated.
    sd : ndarray
        Standard deviation of normal slots.
    lower, upper : ndarray
        Truncation: the field's allowed range.
    """

    field: np.ndarray
    actor: np.ndarray
    issue: np.ndarray
    distribution: np.ndarray
    low: np.ndarray
    mode: np.ndarray
    high: np.ndarray
    sd: np.ndarray
    lower: np.ndarray
    upper: np.ndarray

    def __len__(self) -> int:
        return len(self.field)


def _stated_or_default(
    value: float, spread: Spread | None, default: DefaultSpread, unit: float
) -> tuple[int, float, float, float] | None:
    """``(distribution, low, high, sd)`` of one number, or None when it is certain."""
    if spread is None:
        if default.distribution == "fixed" or default.spread * unit <= 0:
            return None
        half = default.spread * unit
        if default.distribution == "normal":
            return NORMAL, -np.inf, np.inf, half
        return _CODES[default.distribution], value - half, value + half, 0.0
    if spread.distribution == "fixed":
        return None
    low = -np.inf if spread.low is None else spread.low
    high = np.inf if spread.high is None else spread.high
    return _CODES[spread.distribution], low, high, spread.sd or 0.0


def plan_of(scenario: Scenario) -> Plan:
    """Every uncertain number of ``scenario``: stated spreads first, defaults otherwise."""
    defaults = scenario.uncertainty or DEFAULT_UNCERTAINTY
    rows: list[tuple[int, int, int, int, float, float, float, float, float, float]] = []

    def add(
        field: str,
        i: int,
        j: int,
        value: float,
        spread: Spread | None,
        default: DefaultSpread,
        unit: float,
        lower: float,
        upper: float,
    ) -> None:
        found = _stated_or_default(value, spread, default, unit)
        if found is None:
            return
        distribution, low, high, sd = found
        if max(low, lower) >= min(high, upper):
            return
        rows.append((_FIELD_CODES[field], i, j, distribution, low, value, high, sd, lower, upper))

    for i, actor in enumerate(scenario.actors):
        add(
            "capability",
            i,
            -1,
            actor.capability,
            actor.uncertainty.get("capability"),
            defaults.capability,
            actor.capability,
            0.0,
            np.inf,
        )
        for j, issue in enumerate(scenario.issues):
            stance = actor.stances.get(issue.id)
            if stance is None:
                continue
            lo, hi = issue.scale.min, issue.scale.max
            add(
                "position",
                i,
                j,
                stance.position,
                stance.uncertainty.get("position"),
                defaults.position,
                hi - lo,
                lo,
                hi,
            )
            add(
                "salience",
                i,
                j,
                stance.salience,
                stance.uncertainty.get("salience"),
                defaults.salience,
                float(scenario.salience_scale),
                0.0,
                float(scenario.salience_scale),
            )
    columns = list(zip(*rows, strict=True)) if rows else [()] * 10
    ints = [np.array(c, dtype=int) for c in columns[:4]]
    floats = [np.array(c, dtype=float) for c in columns[4:]]
    return Plan(*ints, *floats)


def run_uniforms(seed: int, start: int, stop: int, slots: int) -> np.ndarray:
    """Uniform numbers ``(stop - start, slots)``: row ``r - start`` from run ``r``'s stream."""
    out = np.empty((stop - start, slots))
    for row, run in enumerate(range(start, stop)):
        stream = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(run,)))
        out[row] = stream.random(slots)
    return out


def triangular_cdf(x: np.ndarray, low: np.ndarray, mode: np.ndarray, high: np.ndarray):
    """CDF of the triangular distribution on ``[low, high]`` peaked at ``mode``."""
    x = np.clip(x, low, high)
    width = high - low
    with np.errstate(divide="ignore", invalid="ignore"):
        rising = np.where(mode > low, (x - low) ** 2 / (width * (mode - low)), 0.0)
        falling = np.where(high > mode, 1 - (high - x) ** 2 / (width * (high - mode)), 1.0)
    return np.where(x <= mode, rising, falling)


def triangular_ppf(u: np.ndarray, low: np.ndarray, mode: np.ndarray, high: np.ndarray):
    """Inverse of :func:`triangular_cdf`."""
    width = high - low
    peak = (mode - low) / width
    rising = low + np.sqrt(u * width * (mode - low))
    falling = high - np.sqrt((1 - u) * width * (high - mode))
    return np.where(u <= peak, rising, falling)


def _truncated(plan: Plan, u: np.ndarray) -> np.ndarray:
    """Map uniforms ``(b, k)`` to the slots' truncated distributions (inverse transform)."""
    lower = np.maximum(plan.lower, plan.low)
    upper = np.minimum(plan.upper, plan.high)
    out = np.empty_like(u)
    for code in (UNIFORM, TRIANGULAR, NORMAL):
        cols = np.flatnonzero(plan.distribution == code)
        if not cols.size:
            continue
        lo, hi, uu = lower[cols], upper[cols], u[:, cols]
        if code == UNIFORM:
            out[:, cols] = lo + uu * (hi - lo)
        elif code == TRIANGULAR:
            a, c, b = plan.low[cols], plan.mode[cols], plan.high[cols]
            f_lo, f_hi = triangular_cdf(lo, a, c, b), triangular_cdf(hi, a, c, b)
            out[:, cols] = triangular_ppf(f_lo + uu * (f_hi - f_lo), a, c, b)
        else:
            mean, sd = plan.mode[cols], plan.sd[cols]
            f_lo, f_hi = special.ndtr((lo - mean) / sd), special.ndtr((hi - mean) / sd)
            out[:, cols] = mean + sd * special.ndtri(f_lo + uu * (f_hi - f_lo))
        # Rounding in the inverse functions must not step outside the allowed range.
        out[:, cols] = np.clip(out[:, cols], lo, hi)
    return out


def draw(plan: Plan, base: ScenarioArrays, seed: int, start: int, stop: int) -> ScenarioArrays:
    """The arrays of runs ``start`` to ``stop - 1``, a batch on the leading axis.

    The plan's values are in the file's units; saliences are divided by the salience scale
    on the way in, as :func:`tawazun.arrays.to_arrays` divides a file's.
    """
    batch = base.repeat(stop - start)
    if not len(plan):
        return batch
    drawn = _truncated(plan, run_uniforms(seed, start, stop, len(plan)))
    cols = np.flatnonzero(plan.field == 0)
    batch.position[:, plan.actor[cols], plan.issue[cols]] = drawn[:, cols]
    cols = np.flatnonzero(plan.field == 1)
    batch.salience[:, plan.actor[cols], plan.issue[cols]] = drawn[:, cols] / base.salience_scale
    cols = np.flatnonzero(plan.field == 2)
    batch.capability[:, plan.actor[cols]] = drawn[:, cols]
    return batch
