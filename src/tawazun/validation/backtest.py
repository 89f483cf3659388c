"""Back-testing forecasts against recorded outcomes (DEU III), every registered model scored.

The unit of resampling and of cross-validation is the proposal: issues of one proposal share
actors, experts and a negotiation, so their errors are not independent. Bootstrap draws
resample whole proposals (a cluster bootstrap, Cameron, Gelbach and Miller 2008) and
cross-validation folds hold whole proposals out.

Every model in :func:`tawazun.models.available` is run on each case (one scenario per
proposal, so multi-issue models see the proposal's issues together and single-issue models
forecast each issue as they would alone). A model that refuses a proposal (an
:class:`~tawazun.errors.InputError`) is tried issue by issue, and the issues it still cannot
forecast are reported as failed and scored as the scale midpoint, so that every model is
judged on the same issues. A model whose :class:`~tawazun.models.ModelSpec` lists
``tuned`` parameters (defaults fitted on these data) is scored only out of sample: for each
fold the grid value with the lowest error on the other folds forecasts the held-out
proposals.

Errors are absolute differences between forecast and outcome on a 0-100 rescaling of each
issue's scale.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from tawazun.arrays import to_arrays
from tawazun.errors import InputError, InvalidArgument
from tawazun.i18n import _
from tawazun.models import ModelSpec
from tawazun.stats import weighted_mean, weighted_median
from tawazun.validation.deu import Case

COMPARATOR = "compromise"
REFERENCE_POINT = "reference point"
MIDPOINT = "scale midpoint"
AGENDA_SETTER = "Commission position"
BASELINES = (REFERENCE_POINT, MIDPOINT, AGENDA_SETTER)
WITHIN = 10.0

Metric = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Failure:
    """A forecaster that gave no forecast for an issue, and why.

    ``parameters`` names the grid value that failed, for models whose parameters are tuned.
    """

    forecaster: str
    proposal: str
    issue: str
    reason: str
    parameters: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Backtest:
    """Everything a back-test produced.

    Attributes
    ----------
    forecasts : DataFrame
        One row per issue: ``proposal``, ``issue``, ``procedure``, ``voting_rule``,
        ``outcome``, ``scale_min``, ``scale_max``, ``fold`` and one column per forecaster
        (NaN where it gave no forecast).
    scores : DataFrame
        One row per subset and forecaster (see :func:`score_table`).
    failures : list of Failure
    tuned : dict
        For each cross-validated model, the parameter values chosen in each fold.
    settings : dict
        Folds, seed, draws, confidence level.
    """

    forecasts: pd.DataFrame
    scores: pd.DataFrame
    failures: list[Failure]
    tuned: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)


# -- forecasts --------------------------------------------------------------------------------
def model_forecasts(
    spec: ModelSpec, case: Case, name: str | None = None, **parameters: Any
) -> tuple[dict[str, float], list[Failure]]:
    """Run a model on a case; where it refuses the case, retry issue by issue.

    Parameters
    ----------
    spec : ModelSpec
    case : Case
    name : str, optional
        The forecaster's name in failures (default the model's).
    **parameters
        Passed to the model, over its ``bulk`` parameters (only forecasts are read).

    Returns
    -------
    forecasts : dict of str to float
        Issue id to forecast, for the issues the model could forecast.
    failures : list of Failure
        The issues the model refused alone too (an :class:`~tawazun.errors.InputError`,
        with its message); any other exception is a bug and propagates.
    """
    name = name or spec.name
    parameters = {**spec.bulk, **parameters}
    arrays = to_arrays(case.scenario)
    try:
        return spec.run(arrays, **parameters).forecasts, []
    except InputError:
        pass
    forecasts: dict[str, float] = {}
    failures = []
    for j, issue_id in enumerate(arrays.issue_ids):
        if issue_id not in case.outcome:
            continue
        alone = arrays.issues_subset([j], scenario_id=f"{arrays.scenario_id}.{issue_id}")
        try:
            forecasts[issue_id] = spec.run(alone, **parameters).forecasts[issue_id]
        except InputError as exc:
            failures.append(Failure(name, case.proposal, issue_id, str(exc)))
    return forecasts, failures


def baseline_forecasts(case: Case, agenda_setter: str = "com") -> dict[str, dict[str, float]]:
    """The naive forecasts: the reference point, the scale's midpoint, the agenda setter.

    An issue without a reference point (or where the agenda setter took no position) gets
    no forecast from that baseline.
    """
    setter = next((a for a in case.scenario.actors if a.id == agenda_setter), None)
    found: dict[str, dict[str, float]] = {name: {} for name in BASELINES}
    for issue in case.scenario.issues:
        if issue.status_quo is not None:
            found[REFERENCE_POINT][issue.id] = issue.status_quo
        found[MIDPOINT][issue.id] = (issue.scale.min + issue.scale.max) / 2
        if setter is not None and issue.id in setter.stances:
            found[AGENDA_SETTER][issue.id] = setter.stances[issue.id].position
    return found


def issue_frame(cases: Sequence[Case]) -> pd.DataFrame:
    """One row per issue with its outcome and what it is grouped by."""
    rows = [
        {
            "proposal": case.proposal,
            "case": case.scenario.id,
            "issue": issue.id,
            "procedure": case.procedure,
            "voting_rule": case.voting_rule,
            "outcome": case.outcome[issue.id],
            "scale_min": issue.scale.min,
            "scale_max": issue.scale.max,
        }
        for case in cases
        for issue in case.scenario.issues
    ]
    return pd.DataFrame(rows)


def _column(frame: pd.DataFrame, by_issue: Mapping[tuple[str, str], float]) -> np.ndarray:
    keys = zip(frame["case"], frame["issue"], strict=True)
    return np.array([by_issue.get(key, np.nan) for key in keys], dtype=float)


def _run_everywhere(
    spec: ModelSpec,
    cases: Sequence[Case],
    name: str,
    parameters: Mapping[str, Any],
    advance: Callable[[], None],
) -> tuple[dict[tuple[str, str], float], list[Failure]]:
    by_issue: dict[tuple[str, str], float] = {}
    failures: list[Failure] = []
    for case in cases:
        forecasts, failed = model_forecasts(spec, case, name, **parameters)
        by_issue.update({(case.scenario.id, issue): value for issue, value in forecasts.items()})
        failures.extend(failed)
        advance()
    return by_issue, failures


# -- cross-validation ---------------------------------------------------------------------------
def proposal_folds(proposals: Iterable[str], folds: int, seed: int) -> dict[str, int]:
    """Assign each proposal to one of ``folds`` folds of (nearly) equal size, at random.

    Parameters
    ----------
    proposals : iterable of str
        Repeats are fine; each distinct proposal gets one fold.
    folds : int
        At least 2, at most the number of proposals.
    seed : int

    Returns
    -------
    dict of str to int
    """
    distinct = sorted(set(proposals))
    if not 2 <= folds <= len(distinct):
        raise InvalidArgument(
            "backtest",
            "folds",
            _("folds must be between 2 and the {count} proposals; got {folds}").format(
                count=len(distinct), folds=folds
            ),
        )
    order = np.random.default_rng(seed).permutation(len(distinct))
    return {distinct[k]: int(position % folds) for position, k in enumerate(order)}


def cross_validated_choice(
    errors: np.ndarray, fold: np.ndarray
) -> tuple[np.ndarray, dict[int, int]]:
    """For each fold, the candidate with the lowest mean error on the other folds.

    Parameters
    ----------
    errors : ndarray, shape (candidates, issues)
        Absolute error of each candidate forecast; NaN where it gave none.
    fold : ndarray of int, shape (issues,)

    Returns
    -------
    choice : ndarray of int, shape (issues,)
        The candidate whose forecast stands for each issue (chosen without that issue's fold).
    chosen : dict of int to int
        Fold to candidate.
    """
    choice = np.empty(errors.shape[1], dtype=int)
    chosen = {}
    for k in np.unique(fold):
        train = fold != k
        forecast = ~np.isnan(errors[:, train])
        # Candidates are compared on the same issues: the training issues every candidate
        # that forecast any of them forecast (a candidate failing on hard issues must not be
        # judged on the easy rest alone). One that forecast none is never chosen.
        alive = forecast.any(1)
        common = forecast[alive].all(0)
        if not common.any():
            common = forecast.any(0)
        judged = np.where(forecast[:, common], errors[:, train][:, common], np.inf)
        train_error = np.where(alive, judged.mean(1), np.inf)
        chosen[int(k)] = int(np.argmin(train_error))
        choice[~train] = chosen[int(k)]
    return choice, chosen


def parameter_grid(tuned: Mapping[str, Sequence[float]]) -> list[dict[str, float]]:
    """Every combination of the tuned parameters' candidate values."""
    names = list(tuned)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*tuned.values())]


# -- metrics ------------------------------------------------------------------------------------
def scaled_errors(forecast: np.ndarray, frame: pd.DataFrame) -> np.ndarray:
    """Absolute errors on each issue's scale rescaled to 0-100.

    ``forecast`` has one entry per row of ``frame`` on its last axis; leading axes (one
    row per candidate forecaster, say) broadcast.
    """
    width = (frame["scale_max"] - frame["scale_min"]).to_numpy(float)
    return 100 * np.abs(forecast - frame["outcome"].to_numpy(float)) / width


# Metrics take the errors of the issues (n,) and weights, one row per bootstrap draw
# (draws, n) or (n,): each issue's repeat count in the draw.
def mean_absolute_error(errors: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """MAE: the (weighted) mean of absolute errors."""
    return weighted_mean(errors, weights)


def root_mean_squared_error(errors: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """RMSE: the square root of the (weighted) mean squared error."""
    return np.sqrt(weighted_mean(errors**2, weights))


def share_within(errors: np.ndarray, weights: np.ndarray, points: float = WITHIN) -> np.ndarray:
    """The (weighted) share of issues forecast within ``points`` of the outcome."""
    return weighted_mean((errors <= points).astype(float), weights)


METRICS: dict[str, Metric] = {
    "mae": mean_absolute_error,
    "rmse": root_mean_squared_error,
    "median": weighted_median,
    "within10": share_within,
}


def bootstrap_counts(groups: np.ndarray, draws: int, seed: int) -> np.ndarray:
    """How often each item enters each bootstrap draw when whole groups are resampled.

    Parameters
    ----------
    groups : ndarray, shape (n,)
        The group (proposal) of each item.
    draws : int
    seed : int

    Returns
    -------
    ndarray of int, shape (draws, n)
        Each draw picks as many groups as there are, with replacement; an item counts as many
        times as its group was picked.
    """
    labels, member = np.unique(groups, return_inverse=True)
    rng = np.random.default_rng(seed)
    picked = rng.multinomial(len(labels), np.full(len(labels), 1 / len(labels)), size=draws)
    return picked[:, member]


def percentile_interval(values: np.ndarray, level: float) -> tuple[float, float]:
    """The central ``level`` percentile interval of bootstrap values (NaN draws ignored)."""
    tail = (1 - level) / 2 * 100
    low, high = np.nanpercentile(values, [tail, 100 - tail])
    return float(low), float(high)


def metric_with_interval(
    errors: np.ndarray, counts: np.ndarray, metric: Metric, level: float
) -> tuple[float, float, float]:
    """A metric on the sample and its cluster-bootstrap percentile interval."""
    point = float(metric(errors, np.ones_like(errors)))
    usable = counts.sum(1) > 0
    low, high = percentile_interval(np.asarray(metric(errors, counts[usable])), level)
    return point, low, high


# -- scoring ------------------------------------------------------------------------------------
def subsets(frame: pd.DataFrame) -> list[tuple[str, np.ndarray]]:
    """All issues, then by procedure, then by Council voting rule."""
    found = [("all", np.ones(len(frame), dtype=bool))]
    for column, label in (("procedure", "procedure"), ("voting_rule", "voting rule")):
        for value in sorted(frame[column].unique()):
            found.append((f"{label} {value}", (frame[column] == value).to_numpy()))
    return found


def score_forecaster(
    errors: np.ndarray,
    comparator_errors: np.ndarray | None,
    groups: np.ndarray,
    counts: np.ndarray,
    level: float,
    fallback_errors: np.ndarray | None = None,
) -> dict[str, float]:
    """Metrics with intervals for one forecaster on one subset, and its paired difference.

    Where the forecaster gave no forecast, ``fallback_errors`` (if given) stand in, so that
    it is scored on every issue like the others; otherwise those issues are left out. The
    paired difference is the forecaster's MAE minus the comparator's on the issues both are
    scored on, with the same bootstrap draws (negative: the forecaster is more accurate).
    ``failed`` counts the issues without a forecast of the forecaster's own.
    """
    failed = int(np.isnan(errors).sum())
    if fallback_errors is not None:
        errors = np.where(np.isnan(errors), fallback_errors, errors)
    have = ~np.isnan(errors)
    row: dict[str, float] = {
        "issues": int(have.sum()),
        "proposals": int(len(np.unique(groups[have]))),
        "failed": failed,
    }
    for name, metric in METRICS.items():
        if not have.any():
            row[name] = row[f"{name}_low"] = row[f"{name}_high"] = np.nan
            continue
        point, low, high = metric_with_interval(errors[have], counts[:, have], metric, level)
        row[name], row[f"{name}_low"], row[f"{name}_high"] = point, low, high
    if comparator_errors is not None:
        both = have & ~np.isnan(comparator_errors)
        difference = errors[both] - comparator_errors[both]
        if both.any():
            point, low, high = metric_with_interval(
                difference, counts[:, both], weighted_mean, level
            )
        else:
            point = low = high = np.nan
        row["vs_compromise"], row["vs_compromise_low"], row["vs_compromise_high"] = (
            point,
            low,
            high,
        )
    return row


def score_table(
    frame: pd.DataFrame,
    forecasters: Sequence[str],
    draws: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """Score every forecaster on every subset (see :func:`subsets`).

    Parameters
    ----------
    frame : DataFrame
        As :attr:`Backtest.forecasts`.
    forecasters : sequence of str
        Columns of ``frame`` to score.
    draws : int
        Bootstrap draws; proposals are resampled within each subset.
    seed : int
    level : float
        Confidence level of the percentile intervals.

    Returns
    -------
    DataFrame
        One row per subset and forecaster: ``issues``, ``proposals``, ``failed``, then
        ``mae``, ``rmse``, ``median``, ``within10`` and ``vs_compromise`` each with
        ``_low``/``_high`` interval bounds.

    Notes
    -----
    Models are scored on every issue: where a model gave no forecast, the scale midpoint (the
    forecast of knowing nothing) stands in and the issue counts as failed, so that a model
    failing on hard issues is not judged on the easier rest, and a model's scores do not
    depend on which other models are scored. The baselines, which lack values by design (the
    reference point exists for 253 of 353 issues), are scored on the issues they have.
    """
    rows = []
    for subset, mask in subsets(frame):
        part = frame[mask]
        groups = part["proposal"].to_numpy()
        counts = bootstrap_counts(groups, draws, seed)
        comparator = (
            scaled_errors(part[COMPARATOR].to_numpy(float), part) if COMPARATOR in part else None
        )
        midpoint = scaled_errors(((part["scale_min"] + part["scale_max"]) / 2).to_numpy(), part)
        for name in forecasters:
            errors = scaled_errors(part[name].to_numpy(float), part)
            fallback = None if name in BASELINES else midpoint
            row = score_forecaster(errors, comparator, groups, counts, level, fallback)
            rows.append({"subset": subset, "forecaster": name, **row})
    return pd.DataFrame(rows)


def backtest(
    cases: Sequence[Case],
    models: Mapping[str, ModelSpec],
    folds: int = 10,
    seed: int = 0,
    draws: int = 2000,
    level: float = 0.95,
    progress: Callable[[int, int], None] | None = None,
) -> Backtest:
    """Forecast every case with every model and baseline, and score them.

    Parameters
    ----------
    cases : sequence of Case
    models : mapping of str to ModelSpec
        Usually :func:`tawazun.models.available`.
    folds : int
        Cross-validation folds (by proposal) for models with ``tuned`` parameters.
    seed : int
        Seeds the fold assignment and the bootstrap.
    draws : int
        Bootstrap draws.
    level : float
        Confidence level.
    progress : callable, optional
        ``progress(done, total)`` after each model run on a case (a tuned model runs once
        per grid value).

    Returns
    -------
    Backtest
    """
    if draws < 1:
        raise InvalidArgument(
            "backtest", "draws", _("draws must be at least 1 (got {draws})").format(draws=draws)
        )
    if not 0 < level < 1:
        raise InvalidArgument(
            "backtest", "level", _("level must be in (0, 1) (got {level})").format(level=level)
        )
    total = len(cases) * sum(len(parameter_grid(spec.tuned)) for spec in models.values())
    done = 0

    def advance() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    frame = issue_frame(cases)
    assignment = proposal_folds(frame["proposal"], folds, seed)
    frame["fold"] = frame["proposal"].map(assignment)
    baselines: dict[str, dict[tuple[str, str], float]] = {name: {} for name in BASELINES}
    for case in cases:
        for name, forecasts in baseline_forecasts(case).items():
            baselines[name].update({(case.scenario.id, i): v for i, v in forecasts.items()})
    failures: list[Failure] = []
    tuned_choices: dict[str, list[dict[str, float]]] = {}
    columns: dict[str, np.ndarray] = {}
    for name, spec in models.items():
        tuned = spec.tuned
        if not tuned:
            by_issue, failed = _run_everywhere(spec, cases, name, {}, advance)
            columns[name] = _column(frame, by_issue)
            failures.extend(failed)
            continue
        label = f"{name} (CV)"
        grid = parameter_grid(tuned)
        candidates = []
        for parameters in grid:
            by_issue, failed = _run_everywhere(spec, cases, label, parameters, advance)
            candidates.append(_column(frame, by_issue))
            failures.extend(replace(failure, parameters=parameters) for failure in failed)
        forecasts = np.array(candidates)
        errors = scaled_errors(forecasts, frame)
        choice, chosen = cross_validated_choice(errors, frame["fold"].to_numpy())
        columns[label] = forecasts[choice, np.arange(len(frame))]
        tuned_choices[label] = [grid[chosen[k]] for k in sorted(chosen)]
    for name in BASELINES:
        columns[name] = _column(frame, baselines[name])
        without = np.isnan(columns[name])
        failures.extend(
            Failure(name, p, i, "no such value in the file")
            for p, i in zip(frame["proposal"][without], frame["issue"][without], strict=True)
        )
    frame = pd.concat([frame, pd.DataFrame(columns, index=frame.index)], axis=1)
    scores = score_table(frame, list(columns), draws, seed, level)
    settings = {
        "folds": folds,
        "seed": seed,
        "draws": draws,
        "level": level,
        "failed_forecasts_scored_as": MIDPOINT,
    }
    return Backtest(frame, scores, failures, tuned_choices, settings)
