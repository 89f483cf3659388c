"""Tests of the expected utility model (``eum``).

1. Every reference log of the public replication of Scholz et al. (2011), parsed line by
   line: each move (who, offer type, proposer, both expected utilities, new position) and
   each round's mean to relative 1e-9, the median too unless an exact tie decided it.
2. The vectorised model against the plain-loop oracle (``oracles/eum.py``) on
   hypothesis-generated scenarios, for every combination of the documented corrections.
3. Cases with a known answer, degenerate inputs, invariance to the order of actors.
"""

from __future__ import annotations

import math
import re
from itertools import product
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import tawazun
from oracles.eum import run_oracle
from tawazun.errors import InvalidArgument
from tawazun.models import eum, get_model
from tawazun.models._eum_kernel import Rules, success_probability, vote_utilities, votes_for
from tawazun.models.eum import resolve_rules, simulate
from tawazun.scenario import Scenario, SemanticError
from tests.factories import from_arrays

REFERENCE_INPUTS = [
    "brexit",
    "eu_car_emissions",
    "iran_2013",
    "sultan",
    "uk_emu_conservative",
    "uk_emu_labour",
    "synthetic/eum_n05_cont",
    "synthetic/eum_n06_ties",
    "synthetic/eum_n09_cont",
    "synthetic/eum_n12_ties",
]

VERBS = {
    "compromises with": "compromise",
    "loses confrontation to": "confrontation",
    "capitulates to": "capitulation",
}
MOVE = re.compile(r"^(.*) (compromises with|loses confrontation to|capitulates to) (.*)$")


def close(a: float, b: float) -> bool:
    # The logs print 12 significant digits; 1e-9 relative leaves room for that rounding.
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def parse_log(path: Path) -> list[dict]:
    """Rounds of a replication log: ``median``, ``mean`` and ``moves`` for each."""
    rounds: list[dict] = [{"moves": []}]
    lines = path.read_text().splitlines()
    k = 0
    while k < len(lines):
        line = lines[k]
        if line.startswith("Median position:"):
            rounds[-1]["median"] = float(line.split(":")[1])
        elif line.startswith("Mean position:"):
            rounds[-1]["mean"] = float(line.split(":")[1])
        elif line.startswith("ROUND"):
            assert int(line.split()[1]) == len(rounds)
            rounds.append({"moves": []})
        elif line.strip():
            match = MOVE.match(line)
            assert match, f"{path.name}:{k + 1}: unexpected line {line!r}"
            eu_actor, eu_proposer = (float(v) for v in lines[k + 1].strip().split(" vs "))
            assert lines[k + 2].strip().startswith("new_pos = ")
            rounds[-1]["moves"].append(
                {
                    "actor": match.group(1),
                    "type": VERBS[match.group(2)],
                    "proposer": match.group(3),
                    "eu_actor": eu_actor,
                    "eu_proposer": eu_proposer,
                    "to": float(lines[k + 2].split("=")[1]),
                }
            )
            k += 2
        k += 1
    return rounds


def reference_paths(reference: Path, name: str) -> tuple[Path, Path]:
    folder = reference / "eum"
    if name.startswith("synthetic/"):
        csv = folder / f"{name}.csv"
        return csv, csv.with_suffix(".scholz-replication.log")
    return folder / f"{name}.csv", folder / "expected" / f"{name}.scholz-replication.log"


@pytest.mark.parametrize("name", REFERENCE_INPUTS)
def test_reproduces_every_logged_move_mean_and_median(reference: Path, name: str) -> None:
    csv, log = reference_paths(reference, name)
    logged = parse_log(log)
    assert len(logged) == 11
    scenario = tawazun.load(csv)
    id_of = {actor.name.en: actor.id for actor in scenario.actors}
    trajectory = scenario.forecast("eum")["issue"].trajectory
    assert len(trajectory) == len(logged)
    for ours, theirs in zip(trajectory, logged, strict=True):
        where = f"{name} round {ours['round']}"
        assert close(ours["mean"], theirs["mean"]), where
        if len(ours["median_candidates"]) == 1:
            assert close(ours["median"], theirs["median"]), where
        else:
            # Several positions win the vote exactly: the replication keeps the first it
            # meets in Python 2 set order, which no Python 3 program reproduces. It must
            # still be one of the tied winners.
            assert any(close(c, theirs["median"]) for c in ours["median_candidates"]), where
        if ours["round"] == 0:
            continue
        assert len(ours["moves"]) == len(theirs["moves"]), where
        for move, expected in zip(ours["moves"], theirs["moves"], strict=True):
            assert move["actor"] == id_of[expected["actor"]], where
            assert move["proposer"] == id_of[expected["proposer"]], where
            assert move["type"] == expected["type"], where
            for key in ("eu_actor", "eu_proposer", "to"):
                assert close(move[key], expected[key]), (where, key, move, expected)
        # The positions are those of the previous round with the logged moves applied.
        before = trajectory[ours["round"] - 1]["positions"]
        moved = {m["actor"]: m["to"] for m in ours["moves"]}
        for actor, position in ours["positions"].items():
            assert position == moved.get(actor, before[actor]), where


def test_reference_logs_are_not_trivial(reference: Path) -> None:
    """The comparison above covers moves of both logged types on most inputs."""
    moves = [
        move
        for name in REFERENCE_INPUTS
        for entry in parse_log(reference_paths(reference, name)[1])
        for move in entry["moves"]
    ]
    assert len(moves) > 100
    assert {m["type"] for m in moves} == {"compromise", "confrontation"}


# -- oracle against the vectorised model -------------------------------------------------
RULE_CHOICES = list(
    product(
        ["all_votes", "pairwise"],
        ["never", "paper"],
        ["weighted_position", "least_move"],
        ["across_actors", "across_positions"],
    )
)


@st.composite
def issues(draw: st.DrawFn, most: int = 7) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Capability, position, salience of 2..most actors; positions continuous or on a grid."""
    n = draw(st.integers(2, most))
    unique_values = st.lists(st.integers(1, 1000), min_size=n, max_size=n, unique=True)
    capability = np.array(draw(unique_values)) / 1000
    salience = np.array(draw(unique_values)) / 1000
    if draw(st.booleans()):
        position = np.array(draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n))) / 100
    else:
        position = np.array(draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))) * 20.0
    assume(np.ptp(position) > 0)
    return capability, position, salience


def assert_same_history(trajectory: list[dict], history: list, ids: list[str]) -> None:
    for ours, theirs in zip(trajectory, history, strict=True):
        assert np.allclose(list(ours["positions"].values()), theirs.positions, rtol=1e-9)
        assert close(ours["mean"], theirs.mean)
        if len(ours["median_candidates"]) == 1:
            assert close(ours["median"], theirs.median)
        if ours["round"] == 0:
            continue
        assert np.allclose(list(ours["risk"].values()), theirs.risk, rtol=1e-9)
        assert len(ours["offers"]["type"]) == len(theirs.offers)
        expected = [
            (ids[o.receiver], o.kind, ids[o.proposer], o.eu_receiver, o.eu_proposer, o.position)
            for o in theirs.accepted
        ]
        got = [
            (m["actor"], m["type"], m["proposer"], m["eu_actor"], m["eu_proposer"], m["to"])
            for m in ours["moves"]
        ]
        assert [g[:3] for g in got] == [e[:3] for e in expected]
        for g, e in zip(got, expected, strict=True):
            assert all(close(a, b) for a, b in zip(g[3:], e[3:], strict=True)), (g, e)


@settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    data=issues(),
    choice=st.sampled_from(RULE_CHOICES),
    q=st.sampled_from([1.0, 0.6]),
    t=st.sampled_from([1.0, 0.3]),
)
def test_matches_the_plain_loop_oracle(data, choice, q, t) -> None:
    capability, position, salience = data
    probability, capitulation, compromise, risk = choice
    options = {
        "probability": probability,
        "capitulation": capitulation,
        "compromise": compromise,
        "risk": risk,
    }
    ids = [f"a{i}" for i in range(position.size)]
    rules = Rules(q=q, t=t, **options)
    trajectory, _ = simulate(ids, capability, position, salience, rules, rounds=4)
    history = run_oracle(
        list(capability), list(position), list(salience), rounds=4, q=q, t=t, **options
    )
    assert_same_history(trajectory, history, ids)


def test_every_correction_changes_some_reference_run(reference: Path) -> None:
    """Each keyword reaches the model: on the reference inputs each alters some outcome."""
    scenarios = [tawazun.load(reference_paths(reference, n)[0]) for n in REFERENCE_INPUTS]
    default = [s.forecast("eum")["issue"].trajectory for s in scenarios]
    for keyword, corrected in [
        ("probability", "pairwise"),
        ("capitulation", "paper"),
        ("compromise", "least_move"),
        ("risk", "across_positions"),
    ]:
        runs = [s.forecast("eum", **{keyword: corrected})["issue"].trajectory for s in scenarios]
        assert any(
            [e["positions"] for e in a] != [e["positions"] for e in b]
            for a, b in zip(default, runs, strict=True)
        ), keyword


def test_capitulation_offers_appear_only_when_asked_for(reference: Path) -> None:
    scenario = tawazun.load(reference / "eum" / "eu_car_emissions.csv")

    def offer_types(capitulation: str) -> set[str]:
        trajectory = scenario.forecast("eum", capitulation=capitulation)["issue"].trajectory
        return {kind for entry in trajectory[1:] for kind in entry["offers"]["type"]}

    assert "capitulation" not in offer_types("never")
    assert "capitulation" in offer_types("paper")


# -- analytic cases --------------------------------------------------------------------
def scenario_of(capability, position, salience, ids=None) -> Scenario:
    """One issue, ``issue``, from one value per actor."""
    return from_arrays(
        capability,
        np.reshape(position, (-1, 1)),
        np.reshape(salience, (-1, 1)),
        issue_ids=["issue"],
        actor_ids=ids,
    )


def test_two_actors_follow_the_closed_form() -> None:
    """Two actors at the ends of the range (distance 1): every utility has a closed form.

    Votes for A over B come only from A: c_A s_A. The sum of all votes counts each voter
    twice (A over B and B over A): 2 (w_A + w_B). With r = 1, U_s = 2, U_f = -2, U_sq = 0,
    so A's danger is s_A (4 P_BA - 2) + 2 (1 - s_A). The actor in more danger gets R = 1,
    r = 1/2; the other R = -1, r = 2.
    """
    c, s = np.array([0.9, 0.4]), np.array([0.3, 0.8])
    w = c * s
    p_ab, p_ba = w[0] / (2 * w.sum()), w[1] / (2 * w.sum())
    danger_a = s[0] * (4 * p_ba - 2) + 2 * (1 - s[0])
    danger_b = s[1] * (4 * p_ab - 2) + 2 * (1 - s[1])
    r_a, r_b = (0.5, 2.0) if danger_a > danger_b else (2.0, 0.5)
    result = scenario_of(c, [0.0, 100.0], s).forecast("eum", rounds=1)["issue"]
    first = result.trajectory[1]
    assert first["risk"] == pytest.approx({"a0": r_a, "a1": r_b}, rel=1e-12)
    # Each sees both challenges with its own r (distance 1, so the votes ignore r).
    challenge_b = s[1] * (4 * p_ab - 2) + 2 * (1 - s[1])  # A challenges B, before U_sq
    challenge_a = s[0] * (4 * p_ba - 2) + 2 * (1 - s[0])  # B challenges A
    offers = first["offers"]
    made = {
        receiver: (eu_own, eu_other)
        for receiver, eu_own, eu_other in zip(
            offers["receiver"], offers["eu_receiver"], offers["eu_proposer"], strict=True
        )
    }
    for receiver, r, own, other in [
        ("a0", r_a, challenge_b, challenge_a),
        ("a1", r_b, challenge_a, challenge_b),
    ]:
        status_quo = 2 - 4 * 0.5**r
        eu_own, eu_other = own - status_quo, other - status_quo
        offered = eu_other > eu_own > 0 or (eu_other > 0 > eu_own and eu_other > abs(eu_own))
        assert (receiver in made) == offered
        if offered:
            assert made[receiver] == pytest.approx((eu_own, eu_other), rel=1e-12)
    assert made, "this input was chosen so that an offer is made"


@pytest.mark.parametrize(
    ("position", "capability"),
    [([40.0, 40.0, 40.0], [0.5, 0.2, 0.9]), ([70.0], [1.0])],
    ids=["one position", "one actor"],
)
def test_a_single_position_is_the_forecast_without_dividing_by_zero(position, capability):
    salience = [0.5] * len(position)
    with np.errstate(divide="raise", invalid="raise"):
        result = scenario_of(capability, position, salience).forecast("eum")
    forecast = result["issue"]
    assert forecast.forecast == position[0]
    assert forecast.details["median"] == position[0]
    assert "no challenge is possible" in forecast.details["note"]
    assert len(forecast.trajectory) == 1
    assert "No round was run" in get_model("eum").explain(forecast)[1]


def test_actors_converging_on_one_position_raise_no_division_error() -> None:
    """Once everyone holds one position the sum of all votes is 0 (the replication's
    ZeroDivisionError in round 2 on this input); the model keeps running with no move."""
    scenario = scenario_of([0.367, 0.855], [9.16, 80.9], [0.211, 0.289])
    with np.errstate(divide="raise", invalid="raise"):
        trajectory = scenario.forecast("eum")["issue"].trajectory
    final = trajectory[-1]["positions"]
    assert len(set(final.values())) == 1
    assert trajectory[-1]["moves"] == []
    assert set(trajectory[-1]["risk"].values()) == {1.0}


def test_zero_salience_actor_never_resists_and_casts_no_vote() -> None:
    """Salience is the chance a target resists (Scholz et al. eq. 4): at s = 0, what Z
    thinks a challenger expects is U_s - U_sq, whatever the probability of success."""
    scenario = scenario_of([0.5, 0.7, 0.6], [0.0, 100.0, 30.0], [0.8, 0.6, 0.0])
    first = scenario.forecast("eum", rounds=1)["issue"].trajectory[1]
    r = first["risk"]["a2"]
    offers = first["offers"]
    to_zero = [k for k, receiver in enumerate(offers["receiver"]) if receiver == "a2"]
    assert to_zero
    for k in to_zero:
        distance = abs(30.0 - {"a0": 0.0, "a1": 100.0}[offers["proposer"][k]]) / 100
        expected = 2 - 4 * (0.5 - 0.5 * distance) ** r - (2 - 4 * 0.5**r)
        assert offers["eu_proposer"][k] == pytest.approx(expected, rel=1e-12)
    # Its zero weight leaves the mean where the other two put it.
    assert first["mean"] == pytest.approx(
        (0.5 * 0.8 * first["positions"]["a0"] + 0.7 * 0.6 * first["positions"]["a1"])
        / (0.5 * 0.8 + 0.7 * 0.6)
    )


def test_everyone_at_zero_salience_is_a_clear_error() -> None:
    with pytest.raises(SemanticError, match="every actor ignores issue"):
        scenario_of([0.5, 0.7], [0.0, 100.0], [0.0, 0.0])


def test_pairwise_probabilities_of_two_positions_sum_to_one() -> None:
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 100, 9)
    w = rng.uniform(0.1, 1, 9)
    r = rng.uniform(0.5, 2, 9)
    points = np.unique(x)
    votes = votes_for(x, w, vote_utilities(x, r, points, float(np.ptp(x))), points)
    pairwise = success_probability(votes, "pairwise", 0.0)
    off_diagonal = ~np.eye(points.size, dtype=bool)
    assert np.allclose((pairwise + pairwise.T)[off_diagonal], 1.0)
    replication = success_probability(votes, "all_votes", votes.sum() * 10)
    assert (replication + replication.T)[off_diagonal].max() < 1


@pytest.mark.parametrize("n", [3, 9, 30])
def test_direct_and_sorted_vote_sums_agree(n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from tawazun.models import _eum_kernel as kernel

    rng = np.random.default_rng(n)
    x = np.round(rng.uniform(0, 100, n))  # rounded: shared positions too
    w, r = rng.uniform(0.1, 1, n), rng.uniform(0.5, 2, n)
    points, point_of = np.unique(x, return_inverse=True)
    utilities = kernel.vote_utilities(x, r, points, float(np.ptp(x)))

    def sums() -> tuple[np.ndarray, float]:
        votes = kernel.votes_for(x, w, utilities, points)
        return votes, kernel.sum_of_all_votes(w, utilities, point_of)

    direct = sums()
    monkeypatch.setattr(kernel, "DENSE_TERMS", 0)
    by_sorting = sums()
    np.testing.assert_allclose(direct[0], by_sorting[0], rtol=1e-12, atol=1e-12)
    assert direct[1] == pytest.approx(by_sorting[1], rel=1e-12)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(data=issues(most=9), seed=st.integers(0, 2**32 - 1))
def test_actor_order_does_not_matter(data, seed) -> None:
    capability, position, salience = data
    n = position.size
    # Ties between offers go to the first proposer in actor order, as in the replication;
    # only where no two offers tie is the outcome independent of the order.
    assume(np.unique(position).size == n)
    gaps = np.abs(position[:, None] - position[None, :])[np.triu_indices(n, 1)]
    assume(np.unique(gaps).size == gaps.size)
    ids = [f"a{i}" for i in range(n)]
    order = np.random.default_rng(seed).permutation(n)
    first = scenario_of(capability, position, salience, ids).forecast("eum", rounds=5)
    second = scenario_of(
        capability[order], position[order], salience[order], [ids[i] for i in order]
    ).forecast("eum", rounds=5)
    for a, b in zip(first["issue"].trajectory, second["issue"].trajectory, strict=True):
        assert a["positions"] == pytest.approx(b["positions"], rel=1e-9)
        assert a["mean"] == pytest.approx(b["mean"], rel=1e-9)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(data=issues(most=9), choice=st.sampled_from(RULE_CHOICES))
def test_risk_exponents_stay_in_their_range(data, choice) -> None:
    capability, position, salience = data
    rules = Rules(*choice)
    trajectory, _ = simulate(
        list(map(str, range(position.size))), capability, position, salience, rules, rounds=3
    )
    for entry in trajectory[1:]:
        risk = np.array(list(entry["risk"].values()))
        assert np.all((risk >= 0.5 - 1e-12) & (risk <= 2 + 1e-12))


# -- parameters and output --------------------------------------------------------------
def test_tolerance_stops_once_positions_settle(reference: Path) -> None:
    still = tawazun.load(reference / "eum" / "sultan.csv").forecast("eum", tolerance=0.0)
    assert still["issue"].details["converged"]
    assert still["issue"].details["rounds_run"] == 1
    moving = tawazun.load(reference / "eum" / "eu_car_emissions.csv")
    capped = moving.forecast("eum", tolerance=1e-6)["issue"]
    assert not capped.details["converged"]
    assert capped.details["rounds_run"] == 10
    assert moving.forecast("eum", rounds=3)["issue"].details["rounds_run"] == 3


def test_forecast_is_the_final_mean_and_both_are_reported(reference: Path) -> None:
    result = tawazun.load(reference / "eum" / "eu_car_emissions.csv").forecast("eum")
    forecast = result["issue"]
    assert forecast.forecast == forecast.trajectory[-1]["mean"] == forecast.details["mean"]
    assert forecast.details["median"] == forecast.trajectory[-1]["median"]
    assert result.parameters["variant"] == "scholz2011"
    assert result.parameters["probability"] == "all_votes"
    assert '"moves"' in result.to_json()
    light = tawazun.load(reference / "eum" / "eu_car_emissions.csv").forecast(
        "eum", offers="accepted"
    )
    assert "offers" not in light["issue"].trajectory[1]
    assert light["issue"].forecast == forecast.forecast


def test_by_default_every_offer_is_kept_at_small_tables_and_the_moves_alone_at_large() -> None:
    rng = np.random.default_rng(51)
    sizes = (eum.EVERY_OFFER_UP_TO, eum.EVERY_OFFER_UP_TO + 1)
    for n, keeps in zip(sizes, (True, False), strict=True):
        scenario = from_arrays(
            rng.uniform(1, 10, n), rng.uniform(0, 100, (n, 1)), rng.uniform(0.1, 1, (n, 1))
        )
        default = scenario.forecast("eum", rounds=2)
        everything = scenario.forecast("eum", rounds=2, offers="all")
        assert ("offers" in default.issues[0].trajectory[1]) is keeps
        assert "offers" in everything.issues[0].trajectory[1]
        assert (
            default.issues[0].trajectory[1]["moves"] == everything.issues[0].trajectory[1]["moves"]
        )
        assert default.issues[0].forecast == everything.issues[0].forecast


def test_explain_names_who_moved_toward_whom(reference: Path) -> None:
    scenario = tawazun.load(reference / "eum" / "eu_car_emissions.csv")
    forecast = scenario.forecast("eum")["issue"]
    lines = get_model("eum").explain(forecast)
    assert lines[0].startswith(f"Forecast {forecast.forecast:.4g}")
    text = "\n".join(lines)
    for entry in forecast.trajectory[1:]:
        for move in entry["moves"]:
            assert re.search(rf"^{move['actor']} .*{move['proposer']}", text, re.MULTILINE)
    names = {actor.id: f"<{actor.name.en}>" for actor in scenario.actors}
    named = "\n".join(get_model("eum").explain(forecast, names))
    mover = forecast.trajectory[1]["moves"][0]["actor"]
    assert re.search(rf"^{re.escape(names[mover])} ", named, re.MULTILINE)


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"variant": "bdm"}, "unknown variant"),
        ({"probability": "half"}, "probability='half'"),
        ({"q": 1.5}, "q = 1.5"),
        ({"rounds": -1}, "rounds = -1"),
        ({"offers": "some"}, "offers='some'"),
    ],
)
def test_bad_parameters_are_refused(parameters, message) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        scenario_of([1, 1], [0, 1], [1, 1]).forecast("eum", **parameters)


def test_corrected_variant_sets_every_correction() -> None:
    rules = resolve_rules("corrected", 1.0, 1.0, compromise="weighted_position")
    assert (rules.probability, rules.capitulation, rules.compromise, rules.risk) == (
        "pairwise",
        "paper",
        "weighted_position",
        "across_positions",
    )
