"""Bueno de Mesquita's expected utility model, as unravelled by Scholz, Calbert and Smith (2011).

On each issue, every round: each actor's risk exponent is set from the danger it is in
(how much the others expect to gain by challenging it); every actor weighs, against every
other, what it expects to gain by challenging and what it believes the other expects to
gain; from these come offers (confrontation, compromise, capitulation); each actor accepts
at most one, and all move together. After the last round the forecast is the capability x
salience weighted mean of the positions.

The default variant, ``scholz2011``, reproduces the public Python replication of Scholz et
al. (github.com/jmckib/bdm-scholz-expected-utility-model) move for move, including the
choices that replication's own comments call mistakes; each can be corrected by a keyword
(see docs/models/eum.md). The numerics are in :mod:`tawazun.models._eum_kernel`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import numpy as np

from tawazun.arrays import ScenarioArrays
from tawazun.errors import InvalidArgument
from tawazun.i18n import N_, _, ngettext
from tawazun.models import ModelSpec, Resume, _compiling, _eum_batch
from tawazun.models._eum_compiled import BATCHED, ONE_VARIANT
from tawazun.models._eum_kernel import (
    OFFER_TYPES,
    Offers,
    Rules,
    State,
    make_offers,
    median_candidates,
    risk_across_actors,
    risk_across_positions,
)
from tawazun.result import IssueForecast, Result, Round, issue_forecast
from tawazun.stats import weighted_mean

logger = logging.getLogger(__name__)


def announce_compiling(functions: tuple) -> None:
    """Say on stderr, before the wait, that a first run compiles ``functions``."""
    _compiling.announce(
        logger,
        _(
            "tawazun: compiling the expected utility model's kernel with Numba, once after an "
            "install or an upgrade (about 15 seconds)"
        ),
        *functions,
    )


#: Named variants: the rule each documented choice follows.
VARIANTS: dict[str, dict[str, str]] = {
    "scholz2011": {
        "probability": "all_votes",
        "capitulation": "never",
        "compromise": "weighted_position",
        "risk": "across_actors",
    },
    "corrected": {
        "probability": "pairwise",
        "capitulation": "paper",
        "compromise": "least_move",
        "risk": "across_positions",
    },
}

CHOICES: dict[str, tuple[str, ...]] = {
    "probability": ("all_votes", "pairwise"),
    "capitulation": ("never", "paper"),
    "compromise": ("weighted_position", "least_move"),
    "risk": ("across_actors", "across_positions"),
}


def resolve_rules(
    variant: str,
    q: float,
    t: float,
    **choices: str | None,
) -> Rules:
    """The rules of ``variant`` with any choice given explicitly overriding it.

    Raises
    ------
    InvalidArgument
        For an unknown variant or choice, or Q or T outside [0, 1].
    """
    if variant not in VARIANTS:
        raise InvalidArgument(
            "eum",
            "variant",
            _("unknown variant {variant}; variants are {variants}").format(
                variant=repr(variant), variants=sorted(VARIANTS)
            ),
        )
    resolved = dict(VARIANTS[variant])
    for name, value in choices.items():
        if value is None:
            continue
        if value not in CHOICES[name]:
            raise InvalidArgument(
                "eum",
                name,
                _("{name}={value} is not one of {choices}").format(
                    name=name, value=repr(value), choices=list(CHOICES[name])
                ),
            )
        resolved[name] = value
    for name, value in (("q", q), ("t", t)):
        if not 0.0 <= value <= 1.0:
            raise InvalidArgument(
                "eum",
                name,
                _("{name} = {value} must be a probability in [0, 1]").format(
                    name=name, value=repr(value)
                ),
            )
    return Rules(q=float(q), t=float(t), **resolved)


def median_of(x: np.ndarray, w: np.ndarray) -> tuple[float, list[float]]:
    """The median position and the tied candidates it was taken from (midpoint if tied)."""
    candidates = median_candidates(x, w)
    return float((candidates[0] + candidates[-1]) / 2), candidates.tolist()


def _summary(
    k: int, x: np.ndarray, w: np.ndarray, ids: list[str], median: float, candidates: list[float]
) -> Round:
    mean = float(weighted_mean(x, w))
    return {
        "round": k,
        "positions": dict(zip(ids, x.tolist(), strict=True)),
        "forecast": mean,
        "mean": mean,
        "median": median,
        "median_candidates": candidates,
    }


def _offer_columns(offers: Offers, ids: list[str]) -> dict[str, list[Any]]:
    receiver, proposer = np.nonzero(offers.kind >= 0)
    names = np.array(ids, dtype=object)
    kinds = np.array(OFFER_TYPES, dtype=object)
    return {
        "receiver": names[receiver].tolist(),
        "proposer": names[proposer].tolist(),
        "type": kinds[offers.kind[receiver, proposer]].tolist(),
        "eu_receiver": offers.eu_receiver[receiver, proposer].tolist(),
        "eu_proposer": offers.eu_proposer[receiver, proposer].tolist(),
        "position": offers.position[receiver, proposer].tolist(),
    }


def _moves(offers: Offers, x: np.ndarray, ids: list[str]) -> list[dict[str, Any]]:
    moves = []
    for i in np.flatnonzero(offers.chosen >= 0):
        k = int(offers.chosen[i])
        moves.append(
            {
                "actor": ids[i],
                "type": OFFER_TYPES[offers.kind[i, k]],
                "proposer": ids[k],
                "eu_actor": float(offers.eu_receiver[i, k]),
                "eu_proposer": float(offers.eu_proposer[i, k]),
                "from": float(x[i]),
                "to": float(offers.position[i, k]),
            }
        )
    return moves


#: ``record(k, before, after, risk, offers, median, candidates)`` after round ``k``; round
#: 0 (the start) has ``before``, ``risk`` and ``offers`` None.
Record = Callable[..., None]


def play_batch(
    position: np.ndarray,
    w: np.ndarray,
    s: np.ndarray,
    rules: Rules,
    rounds: int,
    tolerance: float | None,
    width: np.ndarray,
    record: Record | None = None,
) -> dict[str, np.ndarray]:
    """The rounds of a batch of variants of one small table (:mod:`._eum_batch`).

    ``position``, ``w``, ``s`` are (B, n); ``width`` (B,) is each variant's distance
    divisor (0: nobody can challenge, the variant does not move). A variant stops once it
    converges (no move above ``tolerance``); ``record`` is for a batch of one.

    Returns
    -------
    dict of ndarray (B,)
        ``mean``, ``median``, ``rounds_run``, ``converged``.
    """
    # C order, as the compiled route is compiled for (a column of a scenario's table is not)
    x = np.array(position, dtype=float, order="C")
    w, s = np.ascontiguousarray(w, dtype=float), np.ascontiguousarray(s, dtype=float)
    announce_compiling(BATCHED)
    moving = width > 0
    rounds_run = np.zeros(len(x), dtype=int)
    median, tied = _eum_batch.medians(x, w)
    space = _eum_batch.Workspace.of(*x.shape, rules)
    if record is not None:
        record(0, None, x[0], None, None, float(median[0]), np.unique(x[0][tied[0]]).tolist())
    for k in range(1, rounds + 1):
        if not moving.any():
            break
        after, r, offers = _eum_batch.step(x, w, s, width, median, rules, space)
        after = np.where(moving[:, None], after, x)
        moved = np.abs(after - x).max(axis=1)
        median, tied = _eum_batch.medians(after, w)
        if record is not None:
            candidates = np.unique(after[0][tied[0]]).tolist()
            first = Offers(*(np.asarray(field)[0] for field in offers.__dict__.values()))
            record(k, x[0], after[0], r[0], first, float(median[0]), candidates)
        x = after
        rounds_run[moving] = k
        if tolerance is not None:
            moving &= moved > tolerance
    return {
        "mean": weighted_mean(x, w),
        "median": median,
        "rounds_run": rounds_run,
        "converged": ~moving,
    }


def play(
    position: np.ndarray,
    w: np.ndarray,
    s: np.ndarray,
    rules: Rules,
    rounds: int = 10,
    tolerance: float | None = None,
    width: float | None = None,
    record: Record | None = None,
) -> dict[str, Any]:
    """The rounds of the model on one issue, and what they end with.

    Parameters are those of :func:`simulate` (``w`` is capability x salience, ``s``
    salience on 0-1). ``record`` (see :data:`Record`), if given, is called for the start
    and after each round; the forecast never depends on it, so that a run read for its
    forecast alone and a run with its whole trajectory give the same doubles. Small tables
    with risk compared across actors take the batched route (:func:`play_batch`, one
    variant), the others the kernel's one-variant route, exactly as :func:`batch` does.

    Returns
    -------
    dict
        ``width``, ``rounds_run``, ``converged``, ``mean``, ``median`` and, where the model
        cannot run, ``note``.
    """
    x = np.asarray(position, dtype=float).copy()
    spread = float(x.max() - x.min())
    width = spread if width is None else max(width, spread)
    details: dict[str, Any] = {"width": width, "rounds_run": 0, "converged": False}
    if width == 0.0:
        # Every distance is divided by the range of positions; with one position there is
        # nothing to challenge and nothing to divide by.
        details["note"] = "all actors hold one position: no challenge is possible"
        details["converged"] = True
    if _eum_batch.applies(x.size, rules):
        ended = play_batch(
            x[None], w[None], s[None], rules, rounds, tolerance, np.array([width]), record
        )
        details["rounds_run"] = int(ended["rounds_run"][0])
        details["converged"] = bool(ended["converged"][0])
        details["mean"] = float(ended["mean"][0])
        details["median"] = float(ended["median"][0])
        return details
    announce_compiling(ONE_VARIANT)
    assess_risk = risk_across_actors if rules.risk == "across_actors" else risk_across_positions
    median, candidates = median_of(x, w)
    if record is not None:
        record(0, None, x, None, None, median, candidates)
    for k in range(1, rounds + 1 if width > 0 else 1):
        state = State.of(x, w, s, width, median)
        r = assess_risk(state, rules)
        offers = make_offers(state, r, rules)
        movers = offers.chosen >= 0
        new_x = x.copy()
        new_x[movers] = offers.position[movers, offers.chosen[movers]]
        step = float(np.abs(new_x - x).max())
        median, candidates = median_of(new_x, w)
        if record is not None:
            record(k, x, new_x, r, offers, median, candidates)
        x = new_x
        details["rounds_run"] = k
        if tolerance is not None and step <= tolerance:
            details["converged"] = True
            break
    details["mean"] = float(weighted_mean(x, w))
    details["median"] = median
    return details


def simulate(
    ids: list[str],
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    rules: Rules,
    rounds: int = 10,
    tolerance: float | None = None,
    keep_offers: bool = True,
    width: float | None = None,
) -> tuple[list[Round], dict[str, Any]]:
    """Run the model on one issue, with its trajectory (see :func:`play`).

    Parameters
    ----------
    ids : list of str
        Actor ids, in the order ties between offers are broken.
    capability, position, salience : ndarray, shape (n,)
        Salience on 0-1.
    rules : Rules
    rounds : int
        Most rounds to run.
    tolerance : float or None
        Stop after a round in which no actor moved by more than this (scale units).
    keep_offers : bool
        Keep every offer made in the trajectory, not only the accepted ones.
    width : float or None
        The distance every utility is divided by; default the range of the starting
        positions, as in the replication. A run resumed from a later round passes the
        first round's, so that stopping and resuming changes nothing; it is widened to the
        starting range if that is larger (an event moved an actor beyond it), since
        utilities need every distance within the width.

    Returns
    -------
    trajectory : list of dict
        Round 0 (the input) and one entry per round run.
    details : dict
        ``mean``, ``median``, ``rounds_run``, ``converged``, ``width`` and, where the model
        cannot run, ``note``.
    """
    w = np.asarray(capability, dtype=float) * np.asarray(salience, dtype=float)
    s = np.asarray(salience, dtype=float)
    trajectory: list[Round] = []

    def record(
        k: int,
        before: np.ndarray | None,
        after: np.ndarray,
        r: np.ndarray | None,
        offers: Offers | None,
        median: float,
        candidates: list[float],
    ) -> None:
        entry = _summary(k, after, w, ids, median, candidates)
        if before is None or r is None or offers is None:
            trajectory.append(entry)
            return
        entry["risk"] = dict(zip(ids, r.tolist(), strict=True))
        entry["moves"] = _moves(offers, before, ids)
        if keep_offers:
            entry["offers"] = _offer_columns(offers, ids)
        trajectory.append(entry)

    details = play(position, w, s, rules, rounds, tolerance, width, record)
    return trajectory, details


#: What a trajectory keeps of each round's offers: every offer, the accepted moves only,
#: or (``auto``) every offer at tables of up to :data:`EVERY_OFFER_UP_TO` actors.
OFFER_CHOICES = ("auto", "all", "accepted")
#: A round has up to n (n - 1) offers: kept whole up to 50 actors (2,450 a round; the
#: flagship and every replication case), beyond that only the moves (docs/models/eum.md).
EVERY_OFFER_UP_TO = 50


def keeps_every_offer(offers: str, actors: int) -> bool:
    """Whether a trajectory of a table of ``actors`` keeps every offer under ``offers``."""
    return offers == "all" or (offers == "auto" and actors <= EVERY_OFFER_UP_TO)


def _checked(
    arrays: ScenarioArrays,
    variant: str,
    q: float,
    t: float,
    rounds: int,
    offers: str,
    choices: dict[str, str | None],
) -> Rules:
    """The rules, once every parameter and every table is checked."""
    rules = resolve_rules(variant, q, t, **choices)
    if rounds < 0:
        raise InvalidArgument(
            "eum", "rounds", _("rounds = {rounds} must be 0 or more").format(rounds=rounds)
        )
    if offers not in OFFER_CHOICES:
        raise InvalidArgument(
            "eum",
            "offers",
            _("{name}={value} is not one of {choices}").format(
                name="offers", value=repr(offers), choices=list(OFFER_CHOICES)
            ),
        )
    seated = zip(arrays.issue_ids, arrays.present.any(axis=0), strict=True)
    empty = [issue_id for issue_id, anyone in seated if not anyone]
    if empty:
        raise InvalidArgument(
            "eum",
            "scenario",
            _("no actor takes a position on issue(s) {issues}").format(issues=empty),
        )
    return rules


def run(
    arrays: ScenarioArrays,
    *,
    variant: str = "scholz2011",
    probability: str | None = None,
    capitulation: str | None = None,
    compromise: str | None = None,
    risk: str | None = None,
    q: float = 1.0,
    t: float = 1.0,
    rounds: int = 10,
    tolerance: float | None = None,
    offers: str = "auto",
    widths: Mapping[str, float] | None = None,
) -> Result:
    """Forecast every issue with the expected utility model.

    Parameters
    ----------
    arrays : ScenarioArrays
    variant : {"scholz2011", "corrected"}
        ``scholz2011`` (default) reproduces the replication; ``corrected`` applies every
        correction below.
    probability : {"all_votes", "pairwise"}, optional
        Denominator of the probability of success (default: the variant's).
    capitulation : {"never", "paper"}, optional
        Whether capitulation offers are made.
    compromise : {"weighted_position", "least_move"}, optional
        Which compromise an actor accepts.
    risk : {"across_actors", "across_positions"}, optional
        What an actor's danger is compared with.
    q : float, default 1
        Probability that the status quo holds absent a challenge (Q).
    t : float, default 1
        Probability that, if it does not, it moves in the actor's favour (T).
    rounds : int, default 10
        Most rounds.
    tolerance : float, optional
        Stop once no position moves by more than this in a round.
    offers : {"auto", "all", "accepted"}, default "auto"
        Keep every offer in the trajectory, or only the accepted moves; ``auto`` keeps
        every offer at tables of up to :data:`EVERY_OFFER_UP_TO` actors. The forecasts are
        the same whatever is kept.
    widths : mapping of issue id to float, optional
        The distance utilities are divided by on each issue; default the range of the
        actors' starting positions there (the replication's choice). Analyses that stop a
        run and resume it pass the first run's (see :data:`MODEL`'s ``resume``).

    Returns
    -------
    Result
        Per issue: forecast = weighted mean after the last round; ``details`` has the
        final ``mean`` and ``median``; ``trajectory`` the rounds.
    """
    choices = {"probability": probability, "capitulation": capitulation}
    choices |= {"compromise": compromise, "risk": risk}
    rules = _checked(arrays, variant, q, t, rounds, offers, choices)
    forecasts: list[IssueForecast] = []
    for j, issue_id in enumerate(arrays.issue_ids):
        at_table = arrays.present[:, j]
        ids = [a for a, here in zip(arrays.actor_ids, at_table, strict=True) if here]
        trajectory, details = simulate(
            ids,
            arrays.capability[at_table],
            arrays.position[at_table, j],
            arrays.salience[at_table, j],
            rules,
            rounds=rounds,
            tolerance=tolerance,
            keep_offers=keeps_every_offer(offers, len(ids)),
            width=None if widths is None else widths.get(issue_id),
        )
        forecasts.append(
            issue_forecast(arrays, issue_id, details["mean"], trajectory=trajectory, **details)
        )
    parameters = {
        "variant": variant,
        "probability": rules.probability,
        "capitulation": rules.capitulation,
        "compromise": rules.compromise,
        "risk": rules.risk,
        "q": rules.q,
        "t": rules.t,
        "rounds": rounds,
        "tolerance": tolerance,
        "offers": offers,
    }
    return Result(scenario=arrays.scenario_id, model="eum", issues=forecasts, parameters=parameters)


def _chunk_means(
    table: tuple[np.ndarray, ...],
    rules: Rules,
    rounds: int,
    tolerance: float | None,
    part: slice,
) -> np.ndarray:
    """The forecasts of the variants ``part`` of one table's batch (:func:`play_batch`)."""
    x, w, s, width = (column[part] for column in table)
    return play_batch(x, w, s, rules, rounds, tolerance, width)["mean"]


def batch(
    arrays: ScenarioArrays,
    seeds: None = None,
    *,
    variant: str = "scholz2011",
    probability: str | None = None,
    capitulation: str | None = None,
    compromise: str | None = None,
    risk: str | None = None,
    q: float = 1.0,
    t: float = 1.0,
    rounds: int = 10,
    tolerance: float | None = None,
    offers: str = "auto",
    widths: Mapping[str, float] | None = None,
) -> np.ndarray:
    """The forecasts ``(b, m)`` of a batch of variants: :func:`run`'s, without trajectories.

    Parameters are :func:`run`'s (``offers`` only shapes a trajectory and changes nothing
    here). Small tables run all variants together (:func:`play_batch`, which :func:`run`
    uses with a batch of one), larger ones variant by variant (:func:`play`): the doubles
    are :func:`run`'s either way.
    """
    choices = {"probability": probability, "capitulation": capitulation}
    choices |= {"compromise": compromise, "risk": risk}
    rules = _checked(arrays, variant, q, t, rounds, offers, choices)
    out = np.empty((arrays.batch or 0, len(arrays.issue_ids)))
    weight = arrays.capability[:, :, None] * arrays.salience
    for j, issue_id in enumerate(arrays.issue_ids):
        at_table = arrays.present[:, j]
        width = None if widths is None else widths.get(issue_id)
        if _eum_batch.applies(int(at_table.sum()), rules):
            x = arrays.position[:, at_table, j]
            spread = x.max(axis=1) - x.min(axis=1)
            widths_j = spread if width is None else np.maximum(width, spread)
            w, s = weight[:, at_table, j], arrays.salience[:, at_table, j]
            table = (x, w, s, widths_j)
            out[:, j] = _eum_batch.over_chunks(
                partial(_chunk_means, table, rules, rounds, tolerance), len(x)
            )
            continue
        for v in range(out.shape[0]):
            details = play(
                arrays.position[v, at_table, j],
                weight[v, at_table, j],
                arrays.salience[v, at_table, j],
                rules,
                rounds,
                tolerance,
                width,
            )
            out[v, j] = details["mean"]
    return out


def _deal(kind: str, other: str, count: int) -> str:
    """One kind of move toward one proposer, counted (a phrase of :func:`explain`)."""
    if kind == "confrontation":
        text = ngettext(
            "lost a confrontation to {other} {count} time",
            "lost a confrontation to {other} {count} times",
            count,
        )
    elif kind == "compromise":
        text = ngettext(
            "compromised with {other} {count} time", "compromised with {other} {count} times", count
        )
    else:
        text = ngettext(
            "capitulated to {other} {count} time", "capitulated to {other} {count} times", count
        )
    return text.format(other=other, count=count)


def explain(
    forecast: IssueForecast, names: Mapping[str, str] | None = None, most: int = 8
) -> list[str]:
    """Sentences in the current language: the forecast, then who moved toward whom.

    The most active actors come first. ``names`` maps actor ids to the names to print (ids
    are printed where it has none).
    """
    name = (lambda actor: actor) if names is None else (lambda actor: names.get(actor, actor))
    trajectory = forecast.trajectory
    if not trajectory:
        return []
    last = trajectory[-1]
    lines = [
        ngettext(
            "Forecast {forecast}: the capability x salience weighted mean after {count} round "
            "(weighted median {median}).",
            "Forecast {forecast}: the capability x salience weighted mean after {count} rounds "
            "(weighted median {median}).",
            last["round"],
        ).format(
            forecast=f"{forecast.forecast:.4g}", count=last["round"], median=f"{last['median']:.4g}"
        )
    ]
    if "note" in forecast.details:
        lines.append(_("No round was run: {note}.").format(note=forecast.details["note"]))
        return lines
    partners: dict[str, Counter[tuple[str, str]]] = {}
    for entry in trajectory[1:]:
        for move in entry["moves"]:
            partners.setdefault(move["actor"], Counter())[(move["type"], move["proposer"])] += 1
    start, end = trajectory[0]["positions"], last["positions"]
    ranked = sorted(partners, key=lambda a: (-sum(partners[a].values()), a))
    for actor in ranked[:most]:
        deals = _(", ").join(
            _deal(kind, name(other), count)
            for (kind, other), count in partners[actor].most_common()
        )
        lines.append(
            _("{actor} {deals}; it moved from {start} to {end}.").format(
                actor=name(actor),
                deals=deals,
                start=f"{start[actor]:.4g}",
                end=f"{end[actor]:.4g}",
            )
        )
    if len(ranked) > most:
        more = len(ranked) - most
        lines.append(
            ngettext("{count} more actor moved.", "{count} more actors moved.", more).format(
                count=more
            )
        )
    still = len(start) - len(ranked)
    if still:
        lines.append(
            ngettext("{count} actor never moved.", "{count} actors never moved.", still).format(
                count=still
            )
        )
    return lines


def carried(result: Result) -> dict[str, Any]:
    """What a resumed run keeps of the first: each issue's width (see :func:`run`)."""
    return {"widths": {f.issue: f.details["width"] for f in result.issues}}


MODEL = ModelSpec(
    name="eum",
    summary=N_("Bueno de Mesquita's expected utility model (Scholz, Calbert & Smith 2011)."),
    run=run,
    batch=batch,
    iterative=True,
    reference="Scholz, J. B., Calbert, G. J. and Smith, G. A. (2011). Unravelling Bueno De "
    "Mesquita's group decision model. Journal of Theoretical Politics 23(4), 510-531; "
    "replication github.com/jmckib/bdm-scholz-expected-utility-model.",
    explain=explain,
    resume=Resume(rounds="rounds", carry=carried),
    bulk={"offers": "accepted"},
    issue_by_issue=True,
)
