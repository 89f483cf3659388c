"""Checking calibrated distributions out of sample on DEU III, and the stacked ensemble.

For every forecaster of a back-test (:func:`tawazun.validation.backtest.backtest`), and for
each cross-validation fold by proposal, a :class:`~tawazun.validation.calibration.Calibration`
is fitted on the other folds' issues only and scores the fold's issues: coverage of the
50/80/90% intervals, the probability integral transform (PIT), the CRPS and a Brier score
on the scale cut in thirds. Nothing fitted for an issue has seen its outcome.

Two baselines are scored the same way, fold by fold:

* **climatology**: the distribution of the training folds' outcomes (0-100), the same for
  every issue: what one predicts knowing nothing of the case;
* **robustness shares**: the distribution of a model's forecast over ``simulate``'s random
  codings of the inputs (default uncertainty), read as if it were a forecast distribution;
  computed for the closed-form models (:data:`ROBUSTNESS_MODELS`), whose runs take a second
  for all cases.

The **stacked ensemble** is a forecaster built here: for each outer fold, convex weights on
the registered models' forecasts that minimise the absolute error on the other folds (a
linear programme); its calibration uses residuals that are themselves out of sample for
the weights, from an inner cross-validation on the training folds (nested CV), so neither
the weights nor the calibration of a fold has seen that fold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from tawazun.validation import calibration as cal
from tawazun.validation.backtest import (
    BASELINES,
    COMPARATOR,
    Backtest,
    bootstrap_counts,
    metric_with_interval,
    weighted_mean,
)
from tawazun.validation.deu import Case

CLIMATOLOGY = "climatology"
#: The models whose robustness shares are scored: closed formulas, a second for all cases
#: (the iterative models take minutes per hundred runs of 137 cases).
ROBUSTNESS_MODELS = ("compromise", "median")
STACK = "stacked ensemble (nested CV)"
#: DEU issues have no labelled bands; the Brier score uses the scale cut in thirds.
THIRDS = ((0.0, 100 / 3), (100 / 3, 200 / 3), (200 / 3, 100.0))


@dataclass(frozen=True)
class CalibrationCheck:
    """Per-issue scores of each forecaster's calibrated distribution, and summaries.

    Attributes
    ----------
    issues : DataFrame
        One row per forecaster and issue scored: ``forecaster``, ``kind`` (``calibrated``,
        ``climatology`` or ``robustness``), ``proposal``, ``fold``, ``pit``, ``crps``,
        ``brier``, ``covered_50/80/90``, ``width_50/80/90``.
    summary : DataFrame
        One row per forecaster and kind (see :func:`summarise`).
    stack_weights : list of dict
        The stacked ensemble's weights in each outer fold.
    stack_vs_compromise : tuple of float, optional
        The stacked ensemble's MAE minus the compromise model's, with its 95%
        cluster-bootstrap interval (paired, proposals resampled).
    """

    issues: pd.DataFrame
    summary: pd.DataFrame
    stack_weights: list[dict[str, float]] = field(default_factory=list)
    stack_vs_compromise: tuple[float, float, float] | None = None


# -- features -----------------------------------------------------------------------------------
def case_spreads(cases: Sequence[Case]) -> dict[tuple[str, str], float]:
    """:func:`~tawazun.validation.calibration.spread` of every issue of every case."""
    found: dict[tuple[str, str], float] = {}
    for case in cases:
        arrays = case.scenario.arrays()
        for j, issue_id in enumerate(arrays.issue_ids):
            here = arrays.present[:, j]
            weight = arrays.capability[here] * arrays.salience[here, j]
            found[(case.scenario.id, issue_id)] = cal.spread(
                arrays.position[here, j], weight, arrays.scale_min[j], arrays.scale_max[j]
            )
    return found


def rescaled(values: np.ndarray, frame: pd.DataFrame) -> np.ndarray:
    """Values on each issue's scale mapped to 0-100 (broadcast on the last axis)."""
    low = frame["scale_min"].to_numpy(float)
    width = frame["scale_max"].to_numpy(float) - low
    return 100 * (values - low) / width


def third_of(value: float) -> int:
    """The third of 0-100 that ``value`` falls in (an edge goes to the upper third)."""
    return int(min(2, np.searchsorted([t[1] for t in THIRDS], value, side="right")))


def robustness_draws(
    cases: Sequence[Case], model: str, runs: int, seed: int
) -> dict[tuple[str, str], np.ndarray]:
    """The model's forecast of every issue over ``runs`` of ``simulate``'s random codings."""
    from tawazun.analysis.simulate import simulate_batch
    from tawazun.analysis.uncertainty import plan_of
    from tawazun.arrays import to_arrays

    found: dict[tuple[str, str], np.ndarray] = {}
    for case in cases:
        plan = plan_of(case.scenario)
        draws = simulate_batch(to_arrays(case.scenario), model, {}, plan, seed, 0, runs)
        for j, issue in enumerate(case.scenario.issues):
            found[(case.scenario.id, issue.id)] = draws[:, j]
    return found


# -- the stacked ensemble -----------------------------------------------------------------------
def convex_lad_weights(forecasts: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Non-negative weights summing to 1 minimising ``sum |y - F w|`` (a linear programme).

    Parameters
    ----------
    forecasts : ndarray, shape (K, M)
        Each member's forecast of each issue (no NaN).
    outcome : ndarray, shape (K,)

    Returns
    -------
    ndarray, shape (M,)
    """
    k, m = forecasts.shape
    # Variables: w (m), then the positive and negative parts of the K residuals.
    cost = np.r_[np.zeros(m), np.ones(2 * k)]
    equalities = np.block(
        [[forecasts, np.eye(k), -np.eye(k)], [np.ones((1, m)), np.zeros((1, 2 * k))]]
    )
    solved = linprog(
        cost,
        A_eq=equalities,
        b_eq=np.r_[outcome, 1.0],
        bounds=[(0, None)] * (m + 2 * k),
        method="highs",
    )
    if not solved.success:  # pragma: no cover - the programme is always feasible and bounded
        raise RuntimeError(f"stacking LP failed: {solved.message}")
    return solved.x[:m]


def stacked_forecasts(
    members: np.ndarray, outcome: np.ndarray, fold: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """The stacked ensemble out of sample, and out-of-sample residual sources for calibration.

    Parameters
    ----------
    members : ndarray, shape (K, M)
        Member forecasts on 0-100.
    outcome : ndarray, shape (K,)
    fold : ndarray of int, shape (K,)

    Returns
    -------
    outer : ndarray, shape (K,)
        Each issue forecast with weights fitted on the other folds.
    inner : ndarray, shape (F, K)
        Row ``k``: for the issues outside fold ``k``, their forecast with weights fitted on
        folds other than ``k`` and their own (NaN on fold ``k``): the residuals the
        calibration of fold ``k`` may use.
    weights : list of ndarray
        The outer weights, fold by fold.
    """
    folds = np.unique(fold)
    outer = np.full(len(outcome), np.nan)
    inner = np.full((len(folds), len(outcome)), np.nan)
    weights = []
    for row, k in enumerate(folds):
        train = fold != k
        w = convex_lad_weights(members[train], outcome[train])
        weights.append(w)
        outer[~train] = members[~train] @ w
        for j in folds:
            if j == k:
                continue
            fit_on = train & (fold != j)
            held = fold == j
            inner[row, held] = members[held] @ convex_lad_weights(members[fit_on], outcome[fit_on])
    return outer, inner, weights


# -- scoring ------------------------------------------------------------------------------------
def _scores(sample: np.ndarray, outcome: float, uniform: float, count: int) -> dict[str, float]:
    """PIT, CRPS, Brier on thirds, coverage and width of each level, for one issue (0-100)."""
    row = {
        "pit": cal.randomised_pit(sample, outcome, uniform),
        "crps": cal.crps(sample, outcome),
        "brier": cal.brier(cal.band_shares(sample, *zip(*THIRDS, strict=True)), third_of(outcome)),
    }
    for level in cal.LEVELS:
        low, high = cal.interval(sample, level, count)
        row[f"covered_{level * 100:.0f}"] = float(low <= outcome <= high)
        row[f"width_{level * 100:.0f}"] = high - low
    return row


def check(
    result: Backtest,
    cases: Sequence[Case],
    robustness: Mapping[str, Mapping[tuple[str, str], np.ndarray]] | None = None,
    stack_members: Sequence[str] | None = None,
    seed: int = 0,
) -> CalibrationCheck:
    """Score every forecaster's calibrated distribution out of sample, with the baselines.

    Parameters
    ----------
    result : Backtest
        Its ``forecasts`` frame gives forecasts, outcomes and folds.
    cases : sequence of Case
        The same cases (for the spread of positions).
    robustness : mapping, optional
        Model name -> (case id, issue id) -> forecast draws over ``simulate``'s codings.
    stack_members : sequence of str, optional
        Models to stack (default: every model column of ``result``; none if fewer than 2).
    seed : int
        Seeds the PIT's randomisation at atoms.

    Returns
    -------
    CalibrationCheck
    """
    frame = result.forecasts
    spreads_by_issue = case_spreads(cases)
    spreads = np.array(
        [spreads_by_issue[key] for key in zip(frame["case"], frame["issue"], strict=True)]
    )
    outcome = rescaled(frame["outcome"].to_numpy(float), frame)
    fold = frame["fold"].to_numpy()
    rng = np.random.default_rng(seed)
    uniforms = rng.uniform(size=len(frame))
    forecasters = [c for c in result.scores["forecaster"].unique() if c not in BASELINES]
    # As in the back-test's scores, a failed forecast is scored as the scale midpoint.
    columns = {
        name: np.nan_to_num(rescaled(frame[name].to_numpy(float), frame), nan=50.0)
        for name in forecasters
    }
    residual_sources = {name: None for name in forecasters}
    weights_table: list[dict[str, float]] = []
    members = (
        list(stack_members)
        if stack_members is not None
        else [name for name in forecasters if not name.endswith("(CV)")]
    )
    if len(members) >= 2:
        matrix = np.column_stack([columns[m] for m in members])
        outer, inner, weights = stacked_forecasts(matrix, outcome, fold)
        columns[STACK] = outer
        residual_sources[STACK] = inner
        weights_table = [dict(zip(members, map(float, w), strict=True)) for w in weights]
    rows = []
    folds = np.unique(fold)
    for name, forecast in columns.items():
        for row_index, k in enumerate(folds):
            train, test = fold != k, fold == k
            source = (
                forecast if residual_sources[name] is None else residual_sources[name][row_index]
            )
            calibration = cal.fit(name, source[train], outcome[train], spreads[train])
            count = len(calibration.errors)
            for i in np.flatnonzero(test):
                sample = calibration.sample(forecast[i], spreads[i], 0.0, 100.0)
                scores = _scores(sample, outcome[i], uniforms[i], count)
                rows.append({"forecaster": name, "kind": "calibrated", "issue": i, **scores})
    for k in folds:
        train, test = fold != k, fold == k
        climate = np.sort(outcome[train])
        for i in np.flatnonzero(test):
            scores = _scores(climate, outcome[i], uniforms[i], len(climate))
            rows.append({"forecaster": CLIMATOLOGY, "kind": "climatology", "issue": i, **scores})
    for name, by_issue in (robustness or {}).items():
        for i, key in enumerate(zip(frame["case"], frame["issue"], strict=True)):
            draws = by_issue.get(key)
            if draws is None or not np.isfinite(draws).any():
                continue
            low, high = frame["scale_min"].iloc[i], frame["scale_max"].iloc[i]
            sample = np.sort(100 * (draws[np.isfinite(draws)] - low) / (high - low))
            # The shares are used as they are: no conformal widening (count = inf).
            scores = _scores(sample, outcome[i], uniforms[i], 10**12)
            rows.append({"forecaster": name, "kind": "robustness", "issue": i, **scores})
    issues = pd.DataFrame(rows)
    issues["proposal"] = frame["proposal"].to_numpy()[issues["issue"]]
    issues["fold"] = fold[issues["issue"]]
    point = {name: np.abs(columns[name] - outcome) for name in columns}
    versus = None
    if STACK in point and COMPARATOR in point:
        counts = bootstrap_counts(frame["proposal"].to_numpy(), 2000, seed)
        versus = metric_with_interval(point[STACK] - point[COMPARATOR], counts, weighted_mean, 0.95)
    return CalibrationCheck(issues, summarise(issues, point), weights_table, versus)


def summarise(
    issues: pd.DataFrame, point_errors: Mapping[str, np.ndarray], draws: int = 1000, seed: int = 0
) -> pd.DataFrame:
    """Per forecaster and kind: coverage, widths, PIT uniformity, CRPS, Brier, MAE.

    Coverage and the CRPS come with 95% cluster-bootstrap intervals (proposals resampled);
    ``crps_vs_climatology`` is the paired difference on the same issues.
    """
    climate = issues[issues["kind"] == "climatology"].set_index("issue")
    rows = []
    for (name, kind), part in issues.groupby(["forecaster", "kind"], sort=False):
        groups = part["proposal"].to_numpy()
        counts = bootstrap_counts(groups, draws, seed)
        row: dict[str, Any] = {"forecaster": name, "kind": kind, "issues": len(part)}
        for level in cal.LEVELS:
            key = f"covered_{level * 100:.0f}"
            point, low, high = metric_with_interval(
                part[key].to_numpy(), counts, weighted_mean, 0.95
            )
            row[key], row[f"{key}_low"], row[f"{key}_high"] = point, low, high
            row[f"width_{level * 100:.0f}"] = float(part[f"width_{level * 100:.0f}"].mean())
        row.update({f"pit_{k}": v for k, v in cal.uniformity(part["pit"].to_numpy()).items()})
        row["crps"], row["crps_low"], row["crps_high"] = metric_with_interval(
            part["crps"].to_numpy(), counts, weighted_mean, 0.95
        )
        baseline = climate.loc[part["issue"].to_numpy()]
        difference = part["crps"].to_numpy() - baseline["crps"].to_numpy()
        (
            row["crps_vs_climatology"],
            row["crps_vs_climatology_low"],
            row["crps_vs_climatology_high"],
        ) = metric_with_interval(difference, counts, weighted_mean, 0.95)
        row["brier"] = float(part["brier"].mean())
        row["brier_climatology"] = float(baseline["brier"].mean())
        errors = point_errors.get(name)
        row["mae"] = (
            float(np.nanmean(errors[part["issue"].to_numpy()])) if errors is not None else np.nan
        )
        rows.append(row)
    return pd.DataFrame(rows)


# -- presentation -------------------------------------------------------------------------------
CALIBRATION_HEADERS = (
    "forecaster",
    "issues",
    "50% covered [95% CI]",
    "80% covered [95% CI]",
    "90% covered [95% CI]",
    "90% width",
    "PIT KS (p)",
    "CRPS [95% CI]",
    "CRPS - climatology [95% CI]",
    "Brier thirds",
    "MAE",
)
STACK_HEADERS = ("member", "mean weight", "lowest", "highest")
KIND_LABELS = {"calibrated": "", "climatology": "", "robustness": " (robustness shares)"}


def _share(row: Mapping[str, Any], key: str) -> str:
    return f"{100 * row[key]:.0f}% [{100 * row[f'{key}_low']:.0f}, {100 * row[f'{key}_high']:.0f}]"


def calibration_rows(summary: pd.DataFrame) -> list[list[str]]:
    """One row per forecaster and kind: calibrated ones by CRPS, then the baselines."""
    order = {"calibrated": 0, "climatology": 1, "robustness": 2}
    ranked = summary.assign(_order=summary["kind"].map(order)).sort_values(
        ["_order", "crps"], kind="stable"
    )
    rows = []
    for row in ranked.to_dict("records"):
        rows.append(
            [
                f"{row['forecaster']}{KIND_LABELS[row['kind']]}",
                f"{row['issues']}",
                _share(row, "covered_50"),
                _share(row, "covered_80"),
                _share(row, "covered_90"),
                f"{row['width_90']:.1f}",
                f"{row['pit_ks']:.3f} ({row['pit_p_value']:.2f})",
                f"{row['crps']:.2f} [{row['crps_low']:.2f}, {row['crps_high']:.2f}]",
                "(baseline)"
                if row["kind"] == "climatology"
                else f"{row['crps_vs_climatology']:+.2f} [{row['crps_vs_climatology_low']:+.2f}, "
                f"{row['crps_vs_climatology_high']:+.2f}]",
                f"{row['brier']:.3f}",
                "-" if np.isnan(row["mae"]) else f"{row['mae']:.2f}",
            ]
        )
    return rows


def stack_rows(weights: Sequence[Mapping[str, float]]) -> list[list[str]]:
    """The stacked ensemble's weight on each member across the outer folds."""
    if not weights:
        return []
    table = pd.DataFrame(list(weights))
    return [
        [name, f"{table[name].mean():.2f}", f"{table[name].min():.2f}", f"{table[name].max():.2f}"]
        for name in table.columns
    ]


def to_document(checked: CalibrationCheck) -> dict[str, Any]:
    """Everything of a check as plain JSON types (per-issue rows left out)."""
    summary = checked.summary.replace({np.nan: None})
    return {
        "summary": summary.to_dict("records"),
        "stack_weights": checked.stack_weights,
        "stack_vs_compromise": checked.stack_vs_compromise,
    }


def run_check(
    cases: Sequence[Case],
    result: Backtest,
    runs: int,
    seed: int = 0,
    robustness_models: Sequence[str] = ROBUSTNESS_MODELS,
) -> CalibrationCheck:
    """:func:`check`, with the robustness shares of ``robustness_models`` (``runs`` per case)."""
    names = [name for name in robustness_models if name in result.forecasts.columns]
    robustness = {name: robustness_draws(cases, name, runs, seed) for name in names}
    return check(result, cases, robustness, seed=seed)


def fit_all(result: Backtest, cases: Sequence[Case], source: str) -> dict[str, cal.Calibration]:
    """Each model's calibration fitted on every issue of the back-test (the shipped file).

    Only registered models' own columns (no baselines, no cross-validated labels): these are
    the calibrations ``forecast`` and ``simulate`` apply to new cases.
    """
    frame = result.forecasts
    spreads_by_issue = case_spreads(cases)
    spreads = np.array(
        [spreads_by_issue[key] for key in zip(frame["case"], frame["issue"], strict=True)]
    )
    outcome = rescaled(frame["outcome"].to_numpy(float), frame)
    models = [
        name
        for name in result.scores["forecaster"].unique()
        if name not in BASELINES and not name.endswith("(CV)")
    ]
    return {
        name: cal.fit(name, rescaled(frame[name].to_numpy(float), frame), outcome, spreads, source)
        for name in models
    }
