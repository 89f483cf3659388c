"""KTAB's spatial model of politics (SMP): challenges, bargains and votes, turn by turn.

The model of KAPSARC's Toolkit for Behavioral Analysis (KTAB, Wise et al.; public mirror
lsyaseen/KTAB, commit 3b5b063), reimplemented from its C++ sources (``examples/smp`` and
``KTAB/kmodel``) and checked against the output of its command-line program ``smpc``.
Each turn every actor, estimating everyone's risk attitude from how likely their positions
are to prevail, picks the challenge with the best expected gain, proposes a bargain to its
target, and every actor then moves to the bargain (or status quo) that the whole group is
most likely to support. The arithmetic is in :mod:`tawazun.models._smp_kernel` (compiled
with Numba); this module maps scenarios onto KTAB's games and explains the result. See
``docs/models/smp.md``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from tawazun.arrays import ScenarioArrays
from tawazun.errors import InputError, InvalidArgument
from tawazun.i18n import N_, _, ngettext
from tawazun.models import ModelSpec
from tawazun.models import _smp_kernel as kernel
from tawazun.result import IssueForecast, Result, Round, issue_forecast

#: KTAB's default seed (``KBase::dSeed`` = 0xD67CC16FE69C185C).
KTAB_SEED = 15455440707583219804
#: KTAB rescales an actor's saliences in a game to sum to 1 where they sum above 1
#: (``csvRead``); sums within rounding of 1 are left alone.
SALIENCE_SUM_LIMIT = 1 + 1e-12

#: Spellings KTAB's XML schema uses beside the names its code knows.
_ALIASES = {"voting_rule": {"Proportional": "Prop"}, "big_r_adjust": {"No": "None"}}

_CHOICES = {
    "victory_model": kernel.VICTORY_MODELS,
    "pce_model": kernel.PCE_MODELS,
    "state_transitions": kernel.STATE_TRANSITIONS,
    "voting_rule": kernel.VOTING_RULES,
    "big_r_range": kernel.BIG_R_RANGES,
    "big_r_adjust": kernel.BIG_R_ADJUSTS,
    "third_party_commit": kernel.THIRD_PARTY_COMMITS,
    "interpolation": kernel.INTERPOLATIONS,
    "bargain_model": kernel.BARGAIN_MODELS,
}


def settings_from(**parameters: Any) -> kernel.Settings:
    """Checked :class:`~tawazun.models._smp_kernel.Settings`; names as KTAB spells them."""
    values = {}
    for name, value in parameters.items():
        if name in _CHOICES:
            value = _ALIASES.get(name, {}).get(value, value)
            if value not in _CHOICES[name]:
                raise InvalidArgument(
                    "smp",
                    name,
                    _("{name} {value} is not one of {choices}").format(
                        name=name, value=repr(value), choices=list(_CHOICES[name])
                    ),
                )
        values[name] = value
    if not 1 <= values["min_turns"] <= values["max_turns"]:
        raise InvalidArgument("smp", "min_turns", _("need 1 <= min_turns <= max_turns"))
    if not values["min_sig_delta"] > 0:
        raise InvalidArgument(
            "smp",
            "min_sig_delta",
            _("min_sig_delta must be positive (it guards a division by zero)"),
        )
    return kernel.Settings(**values)


@dataclass(frozen=True)
class Game:
    """One SMP game: the issues of a policy space and the actors who play it."""

    space: str | None
    issues: list[int]  # column indices into the scenario arrays
    actors: np.ndarray  # row indices of the players
    excluded: dict[str, str]  # actor id -> why it does not play
    rescaled: list[str]  # actors whose saliences in the space summed above 1


def games_of(arrays: ScenarioArrays) -> list[Game]:
    """Group the issues into games: one per shared ``space``, one per issue without one.

    An actor plays a game if it has a stance on every issue of it, with positive capability
    and a positive total salience (KTAB refuses zero weights outright; here such an actor
    simply sits the game out). A stance on some but not all issues of a space is an error:
    SMP needs a point in the whole space.

    Raises
    ------
    InvalidArgument
        For such a partial stance, and for a game of fewer than 3 players.
    """
    groups: dict[str | int, list[int]] = {}
    for j, space in enumerate(arrays.space):
        groups.setdefault(space if space is not None else j, []).append(j)
    games = []
    for key, columns in groups.items():
        space = key if isinstance(key, str) else None
        present = arrays.present[:, columns]
        partial = present.any(axis=1) & ~present.all(axis=1)
        if partial.any():
            i = int(np.flatnonzero(partial)[0])
            missing = [
                arrays.issue_ids[c] for c, p in zip(columns, present[i], strict=True) if not p
            ]
            raise InvalidArgument(
                "smp",
                "scenario",
                _(
                    "actor {actor} has no stance on {missing} but has one on other issues of "
                    "space {space}; SMP needs a position on every dimension of a space (give "
                    "one, or remove the actor's stances in that space)"
                ).format(actor=repr(arrays.actor_ids[i]), missing=missing, space=repr(space)),
            )
        full = present.all(axis=1)
        salience_total = arrays.salience[:, columns].sum(axis=1)
        excluded = {}
        for i in np.flatnonzero(full):
            if not arrays.capability[i] > 0:
                excluded[arrays.actor_ids[i]] = N_("capability 0")
            elif not salience_total[i] > 0:
                excluded[arrays.actor_ids[i]] = N_("salience 0")
        players = np.flatnonzero(full & (arrays.capability > 0) & (salience_total > 0))
        label = space if space is not None else arrays.issue_ids[columns[0]]
        if players.size < 3:
            raise InvalidArgument(
                "smp",
                "scenario",
                (
                    _(
                        "SMP needs at least 3 actors with a position, capability and salience "
                        "in space {label}; it has {count}"
                    )
                    if space
                    else _(
                        "SMP needs at least 3 actors with a position, capability and salience "
                        "in issue {label}; it has {count}"
                    )
                ).format(label=repr(label), count=players.size)
                + (
                    _(" (sitting out: {excluded})").format(
                        excluded={k: _(v) for k, v in excluded.items()}
                    )
                    if excluded
                    else ""
                ),
            )
        rescaled = [arrays.actor_ids[i] for i in players if salience_total[i] > SALIENCE_SUM_LIMIT]
        games.append(Game(space, columns, players, excluded, rescaled))
    return games


def _game_inputs(arrays: ScenarioArrays, game: Game) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Capability, positions on 0-1 and saliences as KTAB holds them (``csvRead``)."""
    rows, cols = game.actors, game.issues
    low, high = arrays.scale_min[cols], arrays.scale_max[cols]
    position = (arrays.position[np.ix_(rows, cols)] - low) / (high - low)
    salience = arrays.salience[np.ix_(rows, cols)]
    total = salience.sum(axis=1, keepdims=True)
    salience = np.where(total > SALIENCE_SUM_LIMIT, salience / total, salience)
    return arrays.capability[rows], position, salience


def _issue_rounds(
    history: kernel.History,
    ids: list[str],
    dimension: int,
    low: float,
    width: float,
) -> list[Round]:
    """The trajectory of one issue (one coordinate of the space), round 0 = input."""

    def on_scale(x: float) -> float:
        return float(low + x * width)

    rounds: list[Round] = []
    for t, position in enumerate(history.positions):
        reps, probs = history.distinct[t]
        entry: Round = {
            "round": t,
            "positions": {a: on_scale(position[i, dimension]) for i, a in enumerate(ids)},
            "forecast": on_scale(float(probs @ position[reps, dimension])),
            "probabilities": {a: float(history.probability[t][i]) for i, a in enumerate(ids)},
            "risk_attitudes": {a: float(history.risk[t][i]) for i, a in enumerate(ids)},
        }
        if t > 0:
            step = t - 1
            target = history.target[step]
            entry["challenges"] = [
                {
                    "initiator": ids[i],
                    "target": ids[int(target[i])],
                    "p_win": float(history.win_probability[step][i]),
                    "gain": float(history.gain[step][i]),
                }
                for i in np.flatnonzero(target >= 0)
            ]
            entry["bargains"] = [
                {
                    "initiator": ids[a],
                    "receiver": ids[b],
                    "initiator_position": on_scale(pa[dimension]),
                    "receiver_position": on_scale(pb[dimension]),
                }
                for a, b, pa, pb in history.bargains[step]
            ]
            chosen = history.chosen[step]
            entry["accepted"] = [
                {
                    "actor": ids[k],
                    "bargain": int(chosen[k]),
                    "probability": float(history.chosen_probability[step][k]),
                }
                for k in np.flatnonzero(chosen >= 0)
            ]
            entry["fractional_change"] = history.fractional_change[step]
        rounds.append(entry)
    return rounds


def run(
    arrays: ScenarioArrays,
    *,
    victory_model: str = "Linear",
    pce_model: str = "Conditional",
    state_transitions: str = "Deterministic",
    voting_rule: str = "Prop",
    big_r_range: str = "Mid",
    big_r_adjust: str = "OneThird",
    third_party_commit: str = "SemiCommit",
    interpolation: str = "S2P2",
    bargain_model: str = "InitOnlyInterp",
    seed: int = KTAB_SEED,
    min_turns: int = 2,
    max_turns: int = 100,
    min_delta_ratio: float = 0.02,
    min_sig_delta: float = 1e-4,
) -> Result:
    """Run KTAB's SMP on every game of the scenario (see :func:`games_of`).

    Parameters
    ----------
    victory_model : {"Linear", "Square", "Quartic", "Octic", "Binary"}
        How coalition strengths become victory probabilities (KTAB ``VictoryProbModel``).
    pce_model : {"Conditional", "MarkovIncentive", "MarkovUniform"}
        Probabilistic Condorcet election over options (KTAB ``PCEModel``).
    state_transitions : {"Deterministic", "Stochastic"}
        Take the most probable bargain, or draw one (KTAB ``StateTransitions``).
    voting_rule : {"Prop", "Binary", "PropBin", "PropCbc", "Cubic", "ASymProsp"}
        How a vote follows a utility difference (KTAB ``VotingRule``; "Proportional" is
        accepted for "Prop").
    big_r_range : {"Mid", "Min", "Max"}
        Range of inferred risk attitudes: [-1/2, 1], [0, 1], [-1, 1] (KTAB ``BigRRange``).
    big_r_adjust : {"OneThird", "None", "Half", "TwoThirds", "Full"}
        How far an actor's estimate of another's risk attitude moves from its own toward
        the other's (KTAB ``BigRAdjust``).
    third_party_commit : {"SemiCommit", "NoCommit", "FullCommit"}
        What a third party expects to get for joining a side (KTAB ``ThirdPartyCommit``).
    interpolation : {"S2P2", "S1P1", "S2PMax"}
        How a bargain is interpolated between two positions (KTAB ``InterVecBrgn``).
    bargain_model : {"InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"}
        Whose interpolation is offered (KTAB ``BargnModel``).
    seed : int
        Seeds NumPy's generator for stochastic transitions (KTAB's default seed by default;
        KTAB's own draws are not reproduced).
    min_turns, max_turns, min_delta_ratio, min_sig_delta
        KTAB's stopping rule (``SMPModel::configExec``).

    Returns
    -------
    Result
        Per issue: the expected outcome (probability-weighted mean of the distinct final
        positions), and the trajectory round by round.
    """
    settings = settings_from(
        victory_model=victory_model,
        pce_model=pce_model,
        state_transitions=state_transitions,
        voting_rule=voting_rule,
        big_r_range=big_r_range,
        big_r_adjust=big_r_adjust,
        third_party_commit=third_party_commit,
        interpolation=interpolation,
        bargain_model=bargain_model,
        min_turns=min_turns,
        max_turns=max_turns,
        min_delta_ratio=min_delta_ratio,
        min_sig_delta=min_sig_delta,
    )
    rng = np.random.default_rng(seed)
    forecasts: dict[int, IssueForecast] = {}
    for game in games_of(arrays):
        capability, position, salience = _game_inputs(arrays, game)
        history = kernel.simulate(capability, position, salience, settings, rng)
        ids = [arrays.actor_ids[i] for i in game.actors]
        final = history.positions[-1]
        final_reps, final_probs = history.distinct[-1]
        best = int(np.argmax(final_probs))
        gap = np.linalg.norm(final - final[final_reps[best]], axis=1)
        holders = [ids[i] for i in np.flatnonzero(gap < kernel.POSITION_TOLERANCE)]
        for d, column in enumerate(game.issues):
            low = float(arrays.scale_min[column])
            width = float(arrays.scale_max[column] - low)
            rounds = _issue_rounds(history, ids, d, low, width)
            forecasts[column] = issue_forecast(
                arrays,
                arrays.issue_ids[column],
                rounds[-1]["forecast"],
                trajectory=rounds,
                space=game.space,
                dimensions=[arrays.issue_ids[c] for c in game.issues],
                turns=history.turns,
                stop_reason=history.stop_reason,
                most_likely=low + width * float(final[final_reps[best], d]),
                most_likely_probability=float(final_probs[best]),
                most_likely_holders=holders,
                excluded=game.excluded,
                salience_rescaled=game.rescaled,
            )
    return Result(
        scenario=arrays.scenario_id,
        model="smp",
        issues=[forecasts[j] for j in sorted(forecasts)],
        parameters={**settings.__dict__, "seed": seed},
    )


def expected_outcome(history: kernel.History, dimension: int, low: float, width: float) -> float:
    """The expected outcome of the last state on one dimension, on the issue's scale: the
    probability-weighted mean of the distinct final positions (as the trajectory's
    ``forecast`` holds it)."""
    reps, probs = history.distinct[-1]
    return float(low + float(probs @ history.positions[-1][reps, dimension]) * width)


def batch(
    arrays: ScenarioArrays,
    seeds: list[int] | None = None,
    *,
    seed: int = KTAB_SEED,
    **parameters: Any,
) -> np.ndarray:
    """The forecasts ``(b, m)`` of a batch of variants: :func:`run`'s, without trajectories.

    Parameters are :func:`run`'s; ``seeds`` sets ``seed`` variant by variant. Each variant
    runs the same kernel as :func:`run`; a variant SMP cannot play (fewer than 3 players in
    a game, say) gives NaN.
    """
    settings = settings_from(**{**asdict(kernel.Settings()), **parameters})
    out = np.full((arrays.batch or 0, len(arrays.issue_ids)), np.nan)
    for v in range(out.shape[0]):
        one = arrays.variant(v)
        try:
            games = games_of(one)
        except InputError:
            continue
        rng = np.random.default_rng(seed if seeds is None else seeds[v])
        for game in games:
            capability, position, salience = _game_inputs(one, game)
            history = kernel.simulate(capability, position, salience, settings, rng, keep=False)
            for d, column in enumerate(game.issues):
                low = float(arrays.scale_min[column])
                width = float(arrays.scale_max[column] - low)
                out[v, column] = expected_outcome(history, d, low, width)
    return out


def explain(forecast: IssueForecast, names: Mapping[str, str] | None = None) -> list[str]:
    """Sentences for the CLI: how long SMP ran, where it settles, who moved and why.

    ``names`` maps actor ids to the names to print (ids are printed where it has none).
    """
    names = names or {}
    rounds = forecast.trajectory
    if not rounds:
        return []
    details = forecast.details
    first, last = rounds[0]["positions"], rounds[-1]["positions"]
    actors, turns = len(first), details["turns"]
    lines = [
        _("SMP played {actors} over {dimensions} for {turns}; it stopped because {reason}.").format(
            actors=ngettext("{count} actor", "{count} actors", actors).format(count=actors),
            dimensions=_(", ").join(details["dimensions"]),
            turns=ngettext("{count} turn", "{count} turns", turns).format(count=turns),
            reason=_stop_reason(details["stop_reason"]),
        ),
        _(
            "Most likely outcome {value} (held by {holders}, probability {probability}); "
            "expected outcome {forecast}."
        ).format(
            value=f"{details['most_likely']:.4g}",
            holders=_(", ").join(names.get(a, a) for a in details["most_likely_holders"]),
            probability=f"{details['most_likely_probability']:.2f}",
            forecast=f"{forecast.forecast:.4g}",
        ),
    ]
    partners: dict[str, list[str]] = defaultdict(list)
    for entry in rounds[1:]:
        bargains = entry["bargains"]
        for accepted in entry["accepted"]:
            bargain = bargains[accepted["bargain"]]
            other = (
                bargain["receiver"]
                if bargain["initiator"] == accepted["actor"]
                else bargain["initiator"]
            )
            partners[accepted["actor"]].append(other)
    movers = sorted(first, key=lambda a: -abs(last[a] - first[a]))
    for actor in movers[:5]:
        shift = last[actor] - first[actor]
        if abs(shift) < 1e-9:
            break
        deals = partners.get(actor, [])
        partner = max(set(deals), key=deals.count) if deals else None
        with_whom = names.get(partner, partner) if partner else None
        count = len(deals)
        if with_whom:
            text = ngettext(
                "{actor} moved from {start} to {end} after {count} accepted bargain, most often "
                "with {partner}.",
                "{actor} moved from {start} to {end} after {count} accepted bargains, most often "
                "with {partner}.",
                count,
            )
        else:
            text = ngettext(
                "{actor} moved from {start} to {end} after {count} accepted bargain.",
                "{actor} moved from {start} to {end} after {count} accepted bargains.",
                count,
            )
        lines.append(
            text.format(
                actor=names.get(actor, actor),
                start=f"{first[actor]:.4g}",
                end=f"{last[actor]:.4g}",
                count=count,
                partner=with_whom,
            )
        )
    if details.get("excluded"):
        lines.append(
            _("Sat out (no weight in SMP): {actors}.").format(
                actors=_(", ").join(
                    _("{actor} ({why})").format(actor=names.get(a, a), why=_(why))
                    for a, why in details["excluded"].items()
                )
            )
        )
    return lines


_MAXIMUM = re.compile(r"reached the maximum of (\d+) turns")
_SETTLED = re.compile(r"turn (\d+) moved ([\d.]+) of turn 1's distance \(< ([\d.e-]+)\)")


def _stop_reason(reason: str) -> str:
    """The kernel's reason for stopping (English, kept so in the result) in the current language."""
    if found := _MAXIMUM.fullmatch(reason):
        return _("it reached the maximum of {count} turns").format(count=found[1])
    if found := _SETTLED.fullmatch(reason):
        return _("turn {turn} moved {ratio} of turn 1's distance (below {threshold})").format(
            turn=found[1], ratio=found[2], threshold=found[3]
        )
    return reason


MODEL = ModelSpec(
    name="smp",
    summary=N_(
        "KTAB's spatial model of politics: challenges, bargains and votes in a policy space."
    ),
    run=run,
    batch=batch,
    iterative=True,
    resolution=1e-4,
    reference="Wise, B., Lester, L., Efird, B. (2015-2017). KTAB: KAPSARC Toolkit for "
    "Behavioral Analysis, spatial model of politics (SMP); github.com/KAPSARC/KTAB, "
    "mirror lsyaseen/KTAB at 3b5b063.",
    explain=explain,
)
