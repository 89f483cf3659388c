"""The exchange model: actors trade support across issues (Stokman and Van Oosten 1994).

Two actors on opposite sides of the outcomes of two issues can both gain if each moves
toward the other on the issue it cares relatively less about. Every round the model finds
all such exchanges, realises them best gain first (equal gain for both traders, Stokman
and Van Oosten 1994; or with the randomized split of Dijkstra, Van Assen, Stokman and
Draaijer 2018), recomputes the exchanges each one affects, and lets the actors vote from
where their trades took them. The outcome of an issue is the capability x salience
weighted mean of the votes.

tawazun follows decide-exchange-model 2025.3.1 in every detail it computes (see
docs/models/exchange.md and ``_exchange_kernel``), with deterministic tie-breaking.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import numpy as np

from tawazun.arrays import ScenarioArrays
from tawazun.errors import InvalidArgument
from tawazun.i18n import N_, _, ngettext
from tawazun.models import ModelSpec
from tawazun.models._exchange_kernel import KIND_NAMES, RoundResult, play, simulate
from tawazun.result import IssueForecast, Result, issue_forecast
from tawazun.stats import weighted_mean


def to_percent(value: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """An issue's scale onto 0-100, as decide normalises it (``Issue.normalize``)."""
    return (value - low) * (100 / (high - low))


def from_percent(value: Any, low: float, high: float) -> Any:
    """0-100 back onto the issue's scale (``Issue.de_normalize``)."""
    return value / (100 / (high - low)) + low


def check(
    rounds: int, p: float, seed: int | None, salience_weight: float, fixed_weight: float
) -> None:
    """Refuse parameters outside their range (:class:`~tawazun.errors.InvalidArgument`)."""
    if not (isinstance(rounds, int | np.integer) and rounds >= 1):
        raise InvalidArgument(
            "exchange",
            "rounds",
            _("rounds must be a positive integer, got {rounds}").format(rounds=repr(rounds)),
        )
    if not 0 <= p <= 1:
        raise InvalidArgument(
            "exchange", "p", _("p must be between 0 and 1, got {p}").format(p=repr(p))
        )
    if p and seed is None:
        raise InvalidArgument(
            "exchange", "seed", _("the randomized variant (p > 0) draws at random: give a seed")
        )
    if salience_weight < 0 or fixed_weight < 0 or salience_weight + fixed_weight > 1:
        raise InvalidArgument(
            "exchange",
            "salience_weight",
            _("salience_weight and fixed_weight must be >= 0 with a sum <= 1"),
        )


def _in_id_order(arrays: ScenarioArrays) -> list[int]:
    """Actors in id order, so that ties and draws do not depend on the order of the input."""
    return sorted(range(len(arrays.actor_ids)), key=lambda a: arrays.actor_ids[a])


def run(
    arrays: ScenarioArrays,
    rounds: int = 10,
    p: float = 0.0,
    seed: int | None = None,
    salience_weight: float = 0.4,
    fixed_weight: float = 0.1,
    tolerance: float | None = None,
    third_parties: bool = False,
) -> Result:
    """Forecast every issue with the exchange model.

    Parameters
    ----------
    arrays : ScenarioArrays
    rounds : int, default 10
        Rounds of exchange (decide's default).
    p : float, default 0
        The randomized equal-gain variant's spread (Dijkstra et al. 2018): 0 is equal gain;
        up to 1, one trader's gain is drawn above or below the equal gain. Needs ``seed``.
    seed : int or None
        Seeds the draws of ``p`` and breaks equal gains at random. Without a seed, equal
        gains go to the first exchange in canonical order (issue pair, kind, actor ids).
    salience_weight, fixed_weight : float, defaults 0.4 and 0.1
        decide's ``SALIENCE_WEIGHT`` and ``FIXED_WEIGHT``: an actor that traded starts the
        next round ``(1 - s) * salience_weight + fixed_weight`` of the way to its vote.
    tolerance : float or None
        Stop early once no outcome moved more than this, in percent of its scale, since
        the round before. None runs all ``rounds``.
    third_parties : bool, default False
        Also keep every third party's externality of every exchange (large results).

    Returns
    -------
    Result
        Forecast = the outcome of the last round's votes. Each issue's trajectory holds
        round 0 (the input) and one entry per round with the votes (``positions``), their
        outcome (``forecast``), where the next round starts (``next_positions``,
        ``next_forecast``) and the round's ``exchanges`` that moved this issue. An exchange
        involves two issues and is listed in both.
    """
    check(rounds, p, seed, salience_weight, fixed_weight)
    order = _in_id_order(arrays)
    actor_ids = [arrays.actor_ids[a] for a in order]
    low, high = arrays.scale_min, arrays.scale_max
    present = arrays.present[order]
    position = to_percent(arrays.position[order], low, high)
    history = simulate(
        position,
        arrays.salience[order],
        arrays.capability[order],
        present,
        rounds=rounds,
        p=p,
        seed=seed,
        salience_weight=salience_weight,
        fixed_weight=fixed_weight,
        tolerance=tolerance,
        third_parties=third_parties,
    )
    issue_ids = list(arrays.issue_ids)
    exchanges = _exchanges(history, actor_ids, issue_ids, low, high, third_parties)
    forecasts = []
    for k, issue_id in enumerate(issue_ids):
        lo, hi = float(low[k]), float(high[k])
        at_table = np.flatnonzero(present[:, k])

        def positions(
            values: np.ndarray,
            k: int = k,
            lo: float = lo,
            hi: float = hi,
            at_table: np.ndarray = at_table,
        ) -> dict[str, float]:
            return {actor_ids[a]: float(from_percent(values[a, k], lo, hi)) for a in at_table}

        first = history[0]
        trajectory = [
            {
                "round": 0,
                "positions": positions(first.start),
                "forecast": float(from_percent(first.start_outcome[k], lo, hi)),
            }
        ]
        for number, rnd in enumerate(history, start=1):
            trajectory.append(
                {
                    "round": number,
                    "positions": positions(rnd.voting),
                    "forecast": float(from_percent(rnd.voting_outcome[k], lo, hi)),
                    "next_positions": positions(rnd.following),
                    "next_forecast": float(from_percent(rnd.following_outcome[k], lo, hi)),
                    "exchanges": exchanges[number][issue_id],
                }
            )
        forecasts.append(
            issue_forecast(
                arrays,
                issue_id,
                trajectory[-1]["forecast"],
                trajectory=trajectory,
                rounds=len(history),
                exchanges=sum(len(r["exchanges"]) for r in trajectory[1:]),
            )
        )
    return Result(
        scenario=arrays.scenario_id,
        model="exchange",
        issues=forecasts,
        parameters={
            "rounds": rounds,
            "p": p,
            "seed": seed,
            "salience_weight": salience_weight,
            "fixed_weight": fixed_weight,
            "tolerance": tolerance,
            "third_parties": third_parties,
        },
    )


def batch(
    arrays: ScenarioArrays,
    seeds: list[int] | None = None,
    rounds: int = 10,
    p: float = 0.0,
    seed: int | None = None,
    salience_weight: float = 0.4,
    fixed_weight: float = 0.1,
    tolerance: float | None = None,
    third_parties: bool = False,
) -> np.ndarray:
    """The forecasts ``(b, m)`` of a batch of variants: :func:`run`'s, without records.

    Parameters are :func:`run`'s (``third_parties`` only adds records and changes nothing
    here); ``seeds`` sets ``seed`` variant by variant. Each variant is one call of the
    compiled game (:func:`~tawazun.models._exchange_kernel.play_game`: all its rounds), the
    game :func:`run` plays, without the records of its exchanges.
    """
    check(rounds, p, seed, salience_weight, fixed_weight)
    order = _in_id_order(arrays)
    low, high = arrays.scale_min, arrays.scale_max
    present = arrays.present[order]
    capability, salience = arrays.capability[:, order], arrays.salience[:, order]
    voting, _kept = play(
        to_percent(arrays.position[:, order], low, high),
        salience,
        capability,
        present,
        [seed] * (arrays.batch or 0) if seeds is None else seeds,
        rounds=rounds,
        p=p,
        salience_weight=salience_weight,
        fixed_weight=fixed_weight,
        tolerance=tolerance,
        keep=False,
    )
    weight = np.where(present, capability[..., None] * salience, 0.0)
    return from_percent(weighted_mean(voting, weight, axis=-2), low, high)


def _exchanges(
    history: list[RoundResult],
    actor_ids: list[str],
    issue_ids: list[str],
    low: np.ndarray,
    high: np.ndarray,
    third_parties: bool,
) -> dict[int, dict[str, list[dict]]]:
    """Every realised exchange as a plain record, by round and by the issues it moved.

    Positions are on each issue's scale; gains and externalities are in decide's units
    (outcome shifts on the 0-100 scale times salience).
    """
    out: dict[int, dict[str, list[dict]]] = {}
    for number, rnd in enumerate(history, start=1):
        by_issue: dict[str, list[dict]] = defaultdict(list)
        for rank, done in enumerate(rnd.realized, start=1):
            moves = []
            for side in done.sides:
                k = side["issue"]
                lo, hi = float(low[k]), float(high[k])
                moves.append(
                    {
                        "actor": actor_ids[side["actor"]],
                        "issue": issue_ids[k],
                        "from": float(from_percent(side["from"], lo, hi)),
                        "to": float(from_percent(side["to"], lo, hi)),
                        "partner": actor_ids[side["partner"]],
                        "toward": float(from_percent(side["toward"], lo, hi)),
                        "gain": side["gain"],
                        "outcome_from": float(from_percent(side["outcome_from"], lo, hi)),
                        "outcome_to": float(from_percent(side["outcome_to"], lo, hi)),
                    }
                )
            record = {
                "round": number,
                "rank": rank,
                "kind": KIND_NAMES[done.kind],
                "issues": [issue_ids[done.p], issue_ids[done.q]],
                "gain": done.gain,
                "moves": moves,
                "externalities": done.externalities,
            }
            if third_parties:
                record["third_parties"] = {
                    actor_ids[a]: value for a, value in done.third_parties.items()
                }
            for issue_id in record["issues"]:
                by_issue[issue_id].append(record)
        out[number] = {issue_id: by_issue.get(issue_id, []) for issue_id in issue_ids}
    return out


def explain(
    forecast: IssueForecast, names: Mapping[str, str] | None = None, top: int = 3
) -> list[str]:
    """Which trades moved the issue: the start and end, and the largest concessions on it.

    A concession is an actor's move on this issue toward a partner, in return for the
    partner's move on another issue; moves are added up over all rounds. ``names`` maps
    actor ids to the names to print (ids are printed where it has none).
    """
    names = names or {}
    trajectory = forecast.trajectory
    if len(trajectory) < 2:
        return []
    start, end = trajectory[0]["forecast"], trajectory[-1]["forecast"]
    records = [e for r in trajectory[1:] for e in r.get("exchanges", [])]
    rounds = len(trajectory) - 1
    lines = [
        _(
            "The outcome went from {start} to {end} in {rounds} through {exchanges} involving "
            "this issue."
        ).format(
            start=f"{start:.4g}",
            end=f"{end:.4g}",
            rounds=ngettext("{count} round", "{count} rounds", rounds).format(count=rounds),
            exchanges=ngettext("{count} exchange", "{count} exchanges", len(records)).format(
                count=len(records)
            ),
        )
    ]
    concessions: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0])
    for record in records:
        mine = [m for m in record["moves"] if m["issue"] == forecast.issue]
        other = [m for m in record["moves"] if m["issue"] != forecast.issue]
        for move in mine:
            key = (move["actor"], move["partner"], other[0]["issue"] if other else "")
            concessions[key][0] += abs(move["to"] - move["from"])
            concessions[key][1] += 1
    ranked = sorted(concessions.items(), key=lambda item: -item[1][0])
    for (actor, partner, other_issue), (distance, count) in ranked[:top]:
        actor, partner = names.get(actor, actor), names.get(partner, partner)
        lines.append(
            ngettext(
                "{actor} conceded to {partner} in {count} exchange, in return for {partner}'s "
                "moves on {other} (its moves add up to {distance} points over the rounds).",
                "{actor} conceded to {partner} in {count} exchanges, in return for {partner}'s "
                "moves on {other} (its moves add up to {distance} points over the rounds).",
                count,
            ).format(
                actor=actor,
                partner=partner,
                count=count,
                other=other_issue,
                distance=f"{distance:.3g}",
            )
        )
    if not records:
        lines.append(_("No exchange moved this issue."))
    return lines


MODEL = ModelSpec(
    name="exchange",
    summary=N_("Vote trading across issue pairs, equal-gain or randomized (Stokman-Van Oosten)."),
    run=run,
    batch=batch,
    iterative=True,
    reference="Stokman, F. N. and Van Oosten, R. (1994). The exchange of voting positions. In "
    "Bueno de Mesquita and Stokman (eds), European Community Decision Making, Yale UP; "
    "Dijkstra, J., Van Assen, M. A. L. M., Stokman, F. N. and Draaijer, J. (2018); "
    "decide-exchange-model 2025.3.1.",
    explain=explain,
)
