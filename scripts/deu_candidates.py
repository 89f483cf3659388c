"""Search for a forecaster that beats the compromise model out of sample on DEU III.

Run from the repository root::

    python scripts/deu_candidates.py ../shared/reference/deu/deu3.csv [--seed 0] \
        [--actor-weights] [--models]

Each candidate is a family of forecasts indexed by a parameter grid. Its parameter is chosen
by 10-fold cross-validation with folds by proposal (the same folds and choice rule as
``tawazun backtest``), so every issue is forecast with a value fitted on other proposals.
The printed table gives the cross-validated MAE and the paired difference with the compromise
model, with a 95% cluster-bootstrap interval (proposals resampled), and the count of
candidates tried. docs/validation.md reports the outcome.

``--models`` adds candidates built on the registered models' forecasts (it runs them all, about
half a minute): a correction of the compromise toward each model, ``c + b (m - c)`` with ``b``
fitted by least absolute deviations on the training folds; one such regression on every
model at once; the compromise shifted by the median residual of its fifth of the scale; the
Nash solution with damped capabilities ``c^g s``.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable

import numpy as np
from scipy.optimize import linprog, minimize, minimize_scalar

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


def lad_coefficients(design: np.ndarray, target: np.ndarray) -> np.ndarray:
    """argmin_b sum |target - design b| (a linear programme, coefficients free in sign)."""
    k, m = len(target), design.shape[1]
    cost = np.r_[np.zeros(2 * m), np.ones(2 * k)]
    equalities = np.c_[design, -design, np.eye(k), -np.eye(k)]
    solved = linprog(cost, A_eq=equalities, b_eq=target, bounds=(0, None), method="highs")
    return solved.x[:m] - solved.x[m : 2 * m]


def model_candidates(
    data: dict, fold: np.ndarray, cases: list
) -> dict[str, tuple[np.ndarray, list[str]]]:
    """Candidates on the registered models' forecasts, each fitted on the training folds."""
    from tawazun.models import available
    from tawazun.models.nash import nash_point, worst_points
    from tawazun.validation.backtest import backtest

    frame = backtest(cases, available(), draws=1).forecasts
    assert np.allclose(frame["outcome"].to_numpy(float), data["out"])
    out = data["out"]
    compromise = frame["compromise"].to_numpy(float)
    others = [m for m in available() if m != "compromise"]
    gaps = {m: np.nan_to_num(frame[m].to_numpy(float) - compromise) for m in others}
    found: dict[str, tuple[np.ndarray, list[str]]] = {}

    def corrected(design: np.ndarray) -> tuple[np.ndarray, list[str]]:
        forecast = np.empty(len(out))
        for k in np.unique(fold):
            train = fold != k
            b = lad_coefficients(design[train], out[train] - compromise[train])
            forecast[~train] = compromise[~train] + design[~train] @ b
        return np.clip(forecast, 0, 100), ["-"]

    for name, gap in gaps.items():
        found[f"compromise + b ({name} - compromise), b by LAD"] = corrected(gap[:, None])
    found["compromise + LAD on every model's difference"] = corrected(
        np.column_stack(list(gaps.values()))
    )
    fifth = np.clip((compromise // 20).astype(int), 0, 4)
    shifted = compromise.copy()
    for k in np.unique(fold):
        train = fold != k
        for q in range(5):
            here = train & (fifth == q)
            offset = np.median(out[here] - compromise[here]) if here.sum() > 5 else 0.0
            shifted[(~train) & (fifth == q)] += offset
    found["compromise + median residual of its fifth of the scale"] = (shifted, ["-"])
    gammas = [0.25, 0.5, 0.75, 1.0]
    nash = np.empty((len(gammas), len(out)))
    for g, gamma in enumerate(gammas):
        weight = data["capability"] ** gamma * data["salience"]
        for j in range(len(out)):
            here = data["present"][j] & (weight[j] > 0)
            x = data["position"][j, here]
            nash[g, j] = nash_point(x, weight[j, here], worst_points(x, 0, 100), 0, 100)
    choice, chosen = cross_validated_choice(np.abs(nash - out), fold)
    found["nash with damped capabilities (c^g s)"] = (
        nash[choice, np.arange(len(out))],
        sorted({f"g={gammas[v]}" for v in chosen.values()}),
    )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--capabilities", default="file-row")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--actor-weights", action="store_true", help="also the slow per-actor fit")
    parser.add_argument("--models", action="store_true", help="also candidates on the models")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    cases = read_cases(args.path, args.capabilities).cases
    data = stacked(cases)
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
    if args.models:
        found.update(model_candidates(data, fold, cases))
    for name, (forecast, chosen) in found.items():
        error = np.abs(forecast - out)
        diff, low, high = metric_with_interval(
            error - compromise_error, counts, weighted_mean, 0.95
        )
        print(
            f"| {name} | {error.mean():.2f} | {diff:+.2f} [{low:+.2f}, {high:+.2f}] | "
            f"{', '.join(chosen)} |"
        )
    print(f"\n{len(found)} candidates")


if __name__ == "__main__":
    main()
