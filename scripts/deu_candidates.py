"""Search for a forecaster that beats the compromise model out of sample on DEU III.

Run from the repository root::

    python scripts/deu_candidates.py ../shared/reference/deu/deu3.csv [--seed 0]

Each candidate is a family of forecasts indexed by a parameter grid. Its parameter is chosen
by 10-fold cross-validation with folds by proposal (the same folds and choice rule as
``tawazun backtest``), so every issue is forecast with a value fitted on other proposals.
The printed table gives the cross-validated MAE and the paired difference with the compromise
model, with a 95% cluster-bootstrap interval (proposals resampled). docs/validation.md
reports the outcome.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable

import numpy as np
from scipy.optimize import minimize, minimize_scalar

from tawazun.stats import weighted_mean
from tawazun.validation.backtest import (
    bootstrap_counts,
    cross_validated_choice,
    metric_with_interval,
    proposal_folds,
)
from tawazun.validation.deu import read_cases


def stacked(cases: list) -> dict[str, np.ndarray]:
    """Issues of all cases as arrays over the union of actors (absent: NaN position)."""
    actors = sorted({actor.id for case in cases for actor in case.scenario.actors})
    rows: dict[str, list] = {k: [] for k in ("position", "salience", "capability", "rp", "out")}
    proposals = []
    for case in cases:
        arrays = case.scenario.arrays()
        where = [actors.index(a) for a in arrays.actor_ids]
        for j, issue in enumerate(case.scenario.issues):
            position = np.full(len(actors), np.nan)
            salience = np.zeros(len(actors))
            capability = np.zeros(len(actors))
            position[where] = arrays.position[:, j]
            salience[where] = arrays.salience[:, j]
            capability[where] = arrays.capability
            rows["position"].append(position)
            rows["salience"].append(salience)
            rows["capability"].append(capability)
            rows["rp"].append(np.nan if issue.status_quo is None else issue.status_quo)
            rows["out"].append(case.outcome[issue.id])
            proposals.append(case.proposal)
    data = {k: np.array(v, dtype=float) for k, v in rows.items()}
    data["proposal"] = np.array(proposals)
    data["present"] = ~np.isnan(data["position"])
    return data


def weighted_centre(data: dict, weight: np.ndarray) -> np.ndarray:
    """The weighted mean of the positions of the actors present."""
    w = np.where(data["present"], weight, 0.0)
    return (w * np.nan_to_num(data["position"])).sum(1) / w.sum(1)


def lp_centre(data: dict, weight: np.ndarray, p: float) -> np.ndarray:
    """argmin_x sum_i w_i |x_i - x|^p per issue (p = 2: the mean, p = 1: a median)."""
    found = []
    for i in range(len(data["out"])):
        here = data["present"][i] & (weight[i] > 0)
        x, w = data["position"][i, here], weight[i, here]
        if x.min() == x.max():
            found.append(x[0])
            continue
        fit = minimize_scalar(
            lambda c, x=x, w=w: float(w @ np.abs(x - c) ** p),
            bounds=(x.min(), x.max()),
            method="bounded",
            options={"xatol": 1e-6},
        )
        found.append(fit.x)
    return np.array(found)


def weighted_median_rows(data: dict, weight: np.ndarray) -> np.ndarray:
    """The weighted median position per issue (ties split at the midpoint)."""
    return lp_centre(data, weight, 1.0)


def candidates(data: dict) -> dict[str, tuple[list[str], Callable[[], np.ndarray]]]:
    """Each candidate: labels of its grid values and a function giving (values, issues)."""
    c, s = data["capability"], data["salience"]
    compromise = weighted_centre(data, c * s)
    median = weighted_median_rows(data, c * s)
    rp = np.where(np.isnan(data["rp"]), compromise, data["rp"])
    gammas = [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5]
    betas = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0]
    ps = [1.25, 1.5, 1.75, 2.0, 2.5, 3.0]
    lambdas = np.round(np.linspace(-0.5, 0.5, 21), 3)
    shares = np.round(np.linspace(0.0, 1.0, 21), 3)
    return {
        "capability power (c^g s)": (
            [f"g={g}" for g in gammas],
            lambda: np.array([weighted_centre(data, c**g * s) for g in gammas]),
        ),
        "salience power (c s^b)": (
            [f"b={b}" for b in betas],
            lambda: np.array([weighted_centre(data, c * s**b) for b in betas]),
        ),
        "L_p centre (p=2 compromise, p=1 median)": (
            [f"p={p}" for p in ps],
            lambda: np.array([lp_centre(data, c * s, p) for p in ps]),
        ),
        "capability power x L_p centre": (
            [f"g={g},p={p}" for g in (0.25, 0.5, 0.75, 1.0) for p in (1.5, 1.75, 2.0)],
            lambda: np.array(
                [
                    lp_centre(data, c**g * s, p)
                    for g in (0.25, 0.5, 0.75, 1.0)
                    for p in (1.5, 1.75, 2.0)
                ]
            ),
        ),
        "anchor on reference point: (1-l) compromise + l rp": (
            [f"l={v}" for v in lambdas],
            lambda: np.array([(1 - v) * compromise + v * rp for v in lambdas]),
        ),
        "blend: (1-l) compromise + l median": (
            [f"l={v}" for v in shares],
            lambda: np.array([(1 - v) * compromise + v * median for v in shares]),
        ),
        "shrink to midpoint: (1-l) compromise + l 50": (
            [f"l={v}" for v in shares[:11]],
            lambda: np.array([(1 - v) * compromise + v * 50.0 for v in shares[:11]]),
        ),
    }


def actor_weights_cv(data: dict, fold: np.ndarray) -> np.ndarray:
    """Per-actor weight multipliers exp(t_a) fitted by Powell on each training fold.

    The objective is the training MAE plus a ridge penalty 0.5 mean(t^2) that keeps
    multipliers near 1. DEU-specific (one parameter per actor), so not a shippable model.
    """
    base = data["capability"] * data["salience"]
    forecast = np.empty(len(fold))
    for k in np.unique(fold):
        train = fold != k

        def objective(t: np.ndarray, train: np.ndarray = train) -> float:
            centre = weighted_centre(data, base * np.exp(t))
            return float(np.mean(np.abs(centre[train] - data["out"][train])) + 0.5 * t @ t / len(t))

        fit = minimize(
            objective,
            np.zeros(base.shape[1]),
            method="Powell",
            options={"maxiter": 3000, "xtol": 1e-3, "ftol": 1e-4},
        )
        forecast[~train] = weighted_centre(data, base * np.exp(fit.x))[~train]
    return forecast


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--capabilities", default="file-row")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--actor-weights", action="store_true", help="also the slow per-actor fit")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    data = stacked(read_cases(args.path, args.capabilities).cases)
    assignment = proposal_folds(data["proposal"], 10, args.seed)
    fold = np.array([assignment[p] for p in data["proposal"]])
    counts = bootstrap_counts(data["proposal"], args.draws, args.seed)
    out = data["out"]
    compromise_error = np.abs(weighted_centre(data, data["capability"] * data["salience"]) - out)
    print("| candidate | CV MAE | MAE - compromise [95% CI] | values chosen (per fold) |")
    print("|---|---:|---:|---|")
    found = {}
    for name, (labels, make) in candidates(data).items():
        forecasts = make()
        choice, chosen = cross_validated_choice(np.abs(forecasts - out), fold)
        found[name] = (
            forecasts[choice, np.arange(len(out))],
            sorted({labels[v] for v in chosen.values()}),
        )
    if args.actor_weights:
        found["per-actor weights (30 parameters, ridge)"] = (actor_weights_cv(data, fold), ["-"])
    for name, (forecast, chosen) in found.items():
        error = np.abs(forecast - out)
        diff, low, high = metric_with_interval(
            error - compromise_error, counts, weighted_mean, 0.95
        )
        print(
            f"| {name} | {error.mean():.2f} | {diff:+.2f} [{low:+.2f}, {high:+.2f}] | "
            f"{', '.join(chosen)} |"
        )


if __name__ == "__main__":
    main()
