"""Calibrated forecast distributions: a model's out-of-sample error on DEU III around its forecast.

A model gives a point. What a reader needs is how far the outcome may fall from it, and the
robustness shares of ``simulate`` (the share of perturbed codings of the data that land in
each band) do not say that: they measure how much the *forecast* moves when the inputs
move, not how far *outcomes* fall from forecasts. This module measures the second on the
outcomes of DEU III and turns it into a predictive distribution.

The method is normalised split-conformal prediction (Papadopoulos et al. 2002; Lei et al.
2018, section 5.2) on residuals that are out of sample by construction:

1. For each issue of the calibration set, the residual ``r = y - f`` on the issue's scale
   rescaled to 0-100 (``y`` the outcome, ``f`` the model's forecast from the data as coded,
   never fitted on ``y``).
2. The residual's typical size grows with how far apart the actors are: a linear model
   ``sigma(d) = a + b d`` of ``|r|`` on the *spread* ``d`` (the capability x salience
   weighted standard deviation of the positions, 0-100; see :func:`spread`) is fitted by
   least squares and floored at :data:`SIGMA_FLOOR`.
3. The standardised residuals ``e = r / sigma(d)`` are kept, sorted.
4. For a new issue with forecast ``f`` and spread ``d`` the predictive distribution is the
   empirical distribution of ``f + sigma(d) e``, clipped to the scale: mass beyond an end
   of the scale is put on that end, where a third of DEU III's outcomes lie.

With forecast draws from ``simulate`` (the inputs' uncertainty) the distribution is that of
``f_r + sigma(d) e_k`` over every draw ``r`` and residual ``k``: the inputs' spread and the
model's own error combined, assuming the two independent.

Intervals are central: from the ``(1 - level) / 2`` to the ``(1 + level) / 2`` quantile,
each level widened by the finite-sample factor ``(K + 1) / K`` of split conformal
prediction with ``K`` residuals. Band probabilities are the predictive mass in each band.

What it assumes (docs/validation.md says it for readers): that the new issue's standardised
error is exchangeable with those of DEU III, i.e. that the model errs on it as it erred on
EU legislation with a similar spread of positions. Outside EU legislation (the flagship),
that is an assumption, not a measurement.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tawazun.scenario import Scenario

#: The central interval levels every report gives.
LEVELS = (0.5, 0.8, 0.9)
#: sigma(d) is never below this (points on 0-100): a forecast is never called exact.
SIGMA_FLOOR = 1.0
#: Beyond this many forecast draws x residuals, the draws are thinned evenly (quantiles of
#: a sum over 2 million pairs are exact enough for intervals given to one decimal).
MAX_PAIRS = 2_000_000


def spread(position: np.ndarray, weight: np.ndarray, low: float, high: float) -> float:
    r"""The weighted standard deviation of the positions at one issue, on 0-100.

    .. math:: d = \frac{100}{h - l}\sqrt{\frac{\sum_i w_i (x_i - \bar x)^2}{\sum_i w_i}},
        \quad \bar x = \frac{\sum_i w_i x_i}{\sum_i w_i}

    Parameters
    ----------
    position : ndarray, shape (n,)
        Positions of the actors at the table.
    weight : ndarray, shape (n,)
        Capability x salience; non-negative.
    low, high : float
        The issue's scale.

    Returns
    -------
    float
        0 when no actor has weight (nothing to spread).
    """
    total = float(weight.sum())
    if not total > 0:
        return 0.0
    mean = float(weight @ position) / total
    variance = float(weight @ (position - mean) ** 2) / total
    return 100.0 * np.sqrt(variance) / (high - low)


@dataclass(frozen=True)
class Calibration:
    """A model's standardised out-of-sample errors and how their size grows with the spread.

    Attributes
    ----------
    model : str
    errors : ndarray, shape (K,)
        Standardised residuals ``(y - f) / sigma(d)``, sorted.
    intercept, slope : float
        ``sigma(d) = max(intercept + slope * d, SIGMA_FLOOR)``, in points on 0-100.
    source : str
        What the residuals were measured on.
    """

    model: str
    errors: np.ndarray
    intercept: float
    slope: float
    source: str = ""

    def sigma(self, spread_: np.ndarray | float) -> np.ndarray:
        """The residual scale (points on 0-100) at spread ``spread_``."""
        return np.maximum(self.intercept + self.slope * np.asarray(spread_, float), SIGMA_FLOOR)

    def sample(
        self, forecast: np.ndarray | float, spread_: float, low: float, high: float
    ) -> np.ndarray:
        """Values of the predictive distribution, equally likely, on the issue's scale.

        Parameters
        ----------
        forecast : float or ndarray, shape (R,)
            The forecast, or forecast draws (finite values only are used).
        spread_ : float
            The issue's :func:`spread`.
        low, high : float
            The issue's scale.

        Returns
        -------
        ndarray, shape (R' * K,)
            ``clip(f_r + sigma e_k)`` for every draw kept and residual, sorted; draws are
            thinned evenly when there are more than ``MAX_PAIRS`` pairs.
        """
        draws = np.atleast_1d(np.asarray(forecast, float))
        draws = draws[np.isfinite(draws)]
        if not draws.size:
            return np.empty(0)
        keep = max(1, MAX_PAIRS // len(self.errors))
        if len(draws) > keep:
            draws = np.sort(draws)[np.linspace(0, len(draws) - 1, keep).round().astype(int)]
        width = (high - low) / 100.0
        offsets = float(self.sigma(spread_)) * width * self.errors
        return np.sort(np.clip((draws[:, None] + offsets[None, :]).ravel(), low, high))

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "source": self.source,
            "intercept": self.intercept,
            "slope": self.slope,
            "errors": [round(float(e), 6) for e in self.errors],
        }

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Calibration:
        return cls(
            model=str(document["model"]),
            errors=np.sort(np.asarray(document["errors"], float)),
            intercept=float(document["intercept"]),
            slope=float(document["slope"]),
            source=str(document.get("source", "")),
        )


def fit(
    model: str, forecast: np.ndarray, outcome: np.ndarray, spread_: np.ndarray, source: str = ""
) -> Calibration:
    """Fit a :class:`Calibration` on residuals measured out of sample (all on 0-100).

    Parameters
    ----------
    model : str
    forecast, outcome, spread_ : ndarray, shape (K,)
        Issues without a forecast (NaN) are left out.
    source : str

    Returns
    -------
    Calibration
    """
    have = np.isfinite(forecast) & np.isfinite(outcome)
    residual = outcome[have] - forecast[have]
    d = spread_[have]
    design = np.column_stack([np.ones_like(d), d])
    intercept, slope = np.linalg.lstsq(design, np.abs(residual), rcond=None)[0]
    if slope < 0:  # a scale shrinking with disagreement is noise: keep it constant
        intercept, slope = float(np.abs(residual).mean()), 0.0
    sigma = np.maximum(intercept + slope * d, SIGMA_FLOOR)
    return Calibration(model, np.sort(residual / sigma), float(intercept), float(slope), source)


# -- what a predictive sample says -------------------------------------------------------------
def conformal_level(level: float, count: int) -> float:
    """``level`` widened by the split-conformal factor ``(K + 1) / K``, at most 1."""
    return min(1.0, level * (count + 1) / count)


def interval(sample: np.ndarray, level: float, count: int) -> tuple[float, float]:
    """The central interval of a sorted predictive sample built from ``count`` residuals."""
    widened = conformal_level(level, count)
    low, high = np.quantile(sample, [(1 - widened) / 2, (1 + widened) / 2])
    return float(low), float(high)


def band_shares(sample: np.ndarray, lower: Sequence[float], upper: Sequence[float]) -> np.ndarray:
    """The share of ``sample`` in each band ``[lower_b, upper_b)``, the last band closed.

    A value on an edge two bands share belongs to the band that starts there (the rule of
    :meth:`tawazun.scenario.Issue.band_of`). Shares sum to the share inside some band.
    """
    lower, upper = np.asarray(lower, float), np.asarray(upper, float)
    below_top = (sample[:, None] >= lower) & (sample[:, None] < upper)
    at_top = sample[:, None] == upper
    at_top[:, :-1] &= ~below_top[:, 1:]  # an edge shared with the next band goes to it
    inside = below_top | at_top
    first = np.where(inside.any(1), np.argmax(inside, axis=1), -1)
    return np.array([(first == b).mean() if len(sample) else np.nan for b in range(len(lower))])


def summary(
    calibration: Calibration,
    forecast: np.ndarray | float,
    spread_: float,
    low: float,
    high: float,
    bands: Sequence[tuple[str, float, float]] = (),
) -> dict[str, Any]:
    """Calibrated intervals and band probabilities for one issue (the JSON block).

    Parameters
    ----------
    calibration : Calibration
    forecast : float or ndarray
        The forecast, or ``simulate``'s draws of it.
    spread_ : float
    low, high : float
        The issue's scale.
    bands : sequence of (id, lower, upper)

    Returns
    -------
    dict
        ``median``, ``intervals`` (level -> [low, high]), ``bands`` (id -> probability),
        ``spread``, ``sigma`` and ``calibrated_on``.
    """
    sample = calibration.sample(forecast, spread_, low, high)
    count = len(calibration.errors)
    found: dict[str, Any] = {
        "calibrated_on": calibration.source,
        "spread": spread_,
        "sigma": float(calibration.sigma(spread_)),
        "median": float(np.median(sample)) if sample.size else float("nan"),
        "intervals": {f"{level:g}": list(interval(sample, level, count)) for level in LEVELS}
        if sample.size
        else {},
        "bands": {},
    }
    if bands and sample.size:
        ids = [band[0] for band in bands]
        shares = band_shares(sample, [b[1] for b in bands], [b[2] for b in bands])
        found["bands"] = dict(zip(ids, (float(s) for s in shares), strict=True))
    return found


# -- scoring a predictive distribution ---------------------------------------------------------
def crps(sample: np.ndarray, outcome: float) -> float:
    r"""The continuous ranked probability score of an empirical distribution (lower is better).

    .. math:: \mathrm{CRPS}(F, y) = E|X - y| - \tfrac12 E|X - X'|

    for ``X, X'`` independent draws of ``F`` (Gneiting and Raftery 2007, eq. 21), computed
    exactly from the sorted sample. A point forecast's CRPS is its absolute error.
    """
    ordered = np.sort(sample)
    k = len(ordered)
    rank = np.arange(1, k + 1)
    spread_term = 2.0 * float(((2 * rank - k - 1) * ordered).sum()) / k**2
    return float(np.abs(ordered - outcome).mean()) - 0.5 * spread_term


def randomised_pit(sample: np.ndarray, outcome: float, uniform: float) -> float:
    """The probability integral transform, randomised over an atom at the outcome.

    ``F(y-) + u (F(y) - F(y-))`` (Czado, Gneiting and Held 2009): uniform on [0, 1] when the
    forecast distribution is the outcome's, atoms (the scale's ends) included.
    """
    below = float((sample < outcome).mean())
    at = float((sample == outcome).mean())
    return below + uniform * at


def uniformity(pit: np.ndarray) -> dict[str, float]:
    """Kolmogorov-Smirnov distance of PIT values from the uniform, and its p-value.

    The p-value assumes independent issues; issues of one proposal are not, so it is
    optimistic (a small p-value still says the calibration is off).
    """
    from scipy import stats

    result = stats.kstest(pit, "uniform")
    return {"ks": float(result.statistic), "p_value": float(result.pvalue)}


def brier(probabilities: np.ndarray, observed: int) -> float:
    """The Brier score of probabilities over bands given the band observed (0 to 2)."""
    truth = np.zeros(len(probabilities))
    truth[observed] = 1.0
    return float(((probabilities - truth) ** 2).sum())


# -- the shipped calibrations, fitted on all of DEU III ----------------------------------------
#: The calibrations ``forecast`` and ``simulate`` use, one per registered model, fitted on
#: every DEU III issue (written by ``tawazun backtest DEU --save-calibration``).
SHIPPED = Path(__file__).resolve().parents[1] / "data" / "calibration-deu3.json"
HEADLINES = ("calibrated", "robustness")


@cache
def shipped() -> dict[str, Calibration]:
    """Model name -> its calibration on DEU III (empty if the file is missing)."""
    if not SHIPPED.is_file():
        return {}
    document = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return {entry["model"]: Calibration.from_dict(entry) for entry in document["models"]}


def save(calibrations: Mapping[str, Calibration], path: Path, about: Mapping[str, Any]) -> None:
    """Write calibrations as the shipped file's JSON (``about`` says what they were fitted on)."""
    document = {**about, "models": [c.to_dict() for c in calibrations.values()]}
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def calibrated_issues(
    scenario: Scenario,
    model: str,
    forecasts: np.ndarray | Mapping[str, float],
    calibration: Calibration | None = None,
) -> dict[str, dict[str, Any] | None]:
    """Calibrated intervals and band probabilities of every issue of a scenario.

    Parameters
    ----------
    scenario : Scenario
    model : str
        The model whose forecasts these are (its shipped calibration is used).
    forecasts : mapping of issue id to float, or ndarray, shape (runs, m)
        A forecast per issue (``forecast``) or ``simulate``'s draws (the inputs' spread).
    calibration : Calibration, optional
        Instead of the shipped one.

    Returns
    -------
    dict
        Issue id -> :func:`summary` (with ``kind: "calibrated"``), or None for every issue
        when the model has no calibration (a model added after the file was written).
    """
    from tawazun.arrays import to_arrays

    arrays = to_arrays(scenario)
    calibration = calibration or shipped().get(model)
    found: dict[str, dict[str, Any] | None] = {}
    for j, issue in enumerate(scenario.issues):
        if calibration is None:
            found[issue.id] = None
            continue
        if isinstance(forecasts, Mapping):
            values: np.ndarray | float = forecasts.get(issue.id, np.nan)
        else:
            values = np.asarray(forecasts)[:, j]
        here = arrays.present[:, j]
        weight = arrays.capability[here] * arrays.salience[here, j]
        low, high = issue.scale.min, issue.scale.max
        d = spread(arrays.position[here, j], weight, low, high)
        bands = [(band.id, band.lower, band.upper) for band in issue.bands]
        found[issue.id] = {
            "kind": "calibrated",
            **summary(calibration, values, d, low, high, bands),
        }
    return found
