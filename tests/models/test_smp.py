"""The ``smp`` model against KTAB's own output, its plain-loop oracle, and its invariants."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tawazun
from oracles import smp_numpy
from oracles.smp import run_oracle
from oracles.smp_numpy import challenge as numpy_challenge
from tawazun.errors import InvalidArgument
from tawazun.models import _smp_kernel as kernel
from tawazun.models import get_model
from tawazun.models._smp_kernel.bargain import draw
from tawazun.models.smp import explain
from tawazun.scenario import Scenario
from tests.factories import from_arrays

#: (input, folder of KTAB's output, whether that folder has the full-precision table)
CASES = [
    ("SOE-Pol-Comp.csv", "expected", True),
    ("dummyData_3Dim.csv", "expected", True),
    ("dummyData-a040.csv", "expected", True),
    ("synthetic/smp_a05_d1.csv", "synthetic", False),
    ("synthetic/smp_a06_d2.csv", "synthetic", False),
    ("synthetic/smp_a10_d3.csv", "synthetic", False),
]


def ktab_positions(folder: Path, stem: str, full: bool) -> np.ndarray:
    """KTAB's positions, ``[turn, actor, dimension]`` on 0-100."""
    if full:
        with (folder / f"{stem}.vectorPosition.csv").open() as handle:
            rows = list(csv.DictReader(handle))
        shape = [1 + max(int(r[key]) for r in rows) for key in ("turn", "actor_index", "dim_index")]
        table = np.full(shape, np.nan)
        for r in rows:
            table[int(r["turn"]), int(r["actor_index"]), int(r["dim_index"])] = float(r["position"])
        return table
    lines = (folder / f"{stem}.posLog.csv").read_text().splitlines()[1:]
    values = np.array([[float(x) for x in line.split(",")[1:]] for line in lines])
    dims = json.loads((folder / f"{stem}.final.json").read_text())["dimensions"]
    n_actors, n_turns = values.shape[0], values.shape[1] // len(dims)
    return values.reshape(n_actors, len(dims), n_turns).transpose(2, 0, 1)


@pytest.mark.parametrize(("name", "folder", "full"), CASES)
def test_reproduces_ktab_turn_by_turn(reference: Path, name: str, folder: str, full: bool) -> None:
    stem = Path(name).stem
    out = reference / "ktab" / folder
    expected = json.loads((out / f"{stem}.final.json").read_text())
    scenario = tawazun.load(reference / "ktab" / name)
    result = scenario.forecast("smp")
    ktab = ktab_positions(out, stem, full)
    for d, forecast in enumerate(result.issues):
        assert forecast.details["turns"] == expected["turns"]
        ours = np.array(
            [[r["positions"][a] for a in expected["actors"]] for r in forecast.trajectory]
        )
        assert ours.shape == ktab[:, :, d].shape
        # KTAB's positions are multiples of 0.01 here; a posLog prints them with 2 decimals
        np.testing.assert_allclose(ours, ktab[:, :, d], rtol=0, atol=1e-9)
        probabilities = np.array(
            [[r["probabilities"][a] for a in expected["actors"]] for r in forecast.trajectory]
        )
        by_turn = expected["position_probabilities_by_turn"]
        np.testing.assert_allclose(
            probabilities, np.array([by_turn[a] for a in expected["actors"]]).T, atol=5.1e-5
        )
        changes = [r["fractional_change"] for r in forecast.trajectory[1:]]
        np.testing.assert_allclose(changes, expected["fractional_change_by_turn"], atol=5.1e-5)


def scenario_of(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    space: str | None = "s",
    scale: tuple[float, float] = (0.0, 100.0),
) -> Scenario:
    """A scenario from arrays: positions on ``scale``, saliences on 0-1."""
    return from_arrays(
        capability, position, salience, scale={"min": scale[0], "max": scale[1]}, space=space
    )


def random_game(seed: int, n: int, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs drawn like the synthetic reference scenarios (0-1 scale)."""
    rng = np.random.default_rng(seed)
    capability = np.round(rng.uniform(1, 100, n), 2)
    position = np.round(rng.uniform(0, 100, (n, m)), 2) / 100
    weights = rng.uniform(0.05, 1, (n, m))
    total = rng.uniform(30, 100, (n, 1))
    salience = np.floor(100 * total * weights / weights.sum(axis=1, keepdims=True)) / 10000
    return capability, position, salience


#: Every value of every deterministic option on its own, and a few combinations.
#: ``state_transitions="Stochastic"`` draws from a generator the oracle does not share.
OPTIONS = [
    {name: value}
    for name, values in (
        ("victory_model", kernel.VICTORY_MODELS),
        ("pce_model", kernel.PCE_MODELS),
        ("voting_rule", kernel.VOTING_RULES),
        ("big_r_range", kernel.BIG_R_RANGES),
        ("big_r_adjust", kernel.BIG_R_ADJUSTS),
        ("third_party_commit", kernel.THIRD_PARTY_COMMITS),
        ("interpolation", kernel.INTERPOLATIONS),
        ("bargain_model", kernel.BARGAIN_MODELS),
    )
    for value in values
] + [
    {"voting_rule": "PropCbc", "victory_model": "Square"},
    {"third_party_commit": "NoCommit", "big_r_adjust": "Half"},
    {"third_party_commit": "FullCommit", "big_r_range": "Max"},
    {"interpolation": "S1P1", "bargain_model": "PWCompInterp"},
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(map(str, o.values())))
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(3, 7),
    m=st.integers(1, 3),
    duplicate=st.booleans(),
)
def test_kernel_equals_plain_loop_oracle(
    options: dict, seed: int, n: int, m: int, duplicate: bool
) -> None:
    capability, position, salience = random_game(seed, n, m)
    if duplicate:  # shared positions exercise the grouping and the tie rules
        position[-1] = position[0]
    chosen = kernel.Settings(**options)
    fast = kernel.simulate(capability, position, salience, chosen)
    slow = run_oracle(capability.tolist(), position.tolist(), salience.tolist(), chosen)
    assert fast.turns == slow.turns
    assert np.array_equal(np.array(fast.positions), np.array(slow.positions))
    np.testing.assert_allclose(fast.probability, slow.probability, rtol=0, atol=1e-12)
    assert [t.tolist() for t in fast.target] == slow.target


def test_numpy_block_layout_gives_the_same_doubles_as_the_general_estimate() -> None:
    capability, position, salience = random_game(7, 12, 2)
    chosen = kernel.Settings()
    assessment = smp_numpy.assess(capability, position, salience, chosen)
    total = salience.sum(axis=1)
    weight = total * capability
    p_block, gain_block = smp_numpy.initiator_estimates(
        assessment, weight, total, chosen, slice(2, 5), slice(0, 12)
    )
    i, j = np.meshgrid(np.arange(2, 5), np.arange(12), indexing="ij")
    p, gain = smp_numpy.challenge_estimates(
        assessment, weight, total, chosen, i.ravel(), i.ravel(), i.ravel(), j.ravel()
    )
    off = i.ravel() != j.ravel()
    assert np.array_equal(p_block.ravel()[off], p[off])
    assert np.array_equal(gain_block.ravel()[off], gain[off])


def test_numpy_threads_give_the_same_doubles_as_one(monkeypatch: pytest.MonkeyPatch) -> None:
    capability, position, salience = random_game(11, 70, 1)
    chosen = kernel.Settings()
    assessment = smp_numpy.assess(capability, position, salience, chosen)
    total = salience.sum(axis=1)
    weight = total * capability
    threaded = smp_numpy.best_challenges(assessment, weight, total, chosen)
    monkeypatch.setattr(numpy_challenge, "THREADED_ACTORS", 10**9)
    single = smp_numpy.best_challenges(assessment, weight, total, chosen)
    for mine, theirs in zip(threaded, single, strict=True):
        assert np.array_equal(mine, theirs)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 9), m=st.integers(1, 3))
def test_actor_order_does_not_matter(seed: int, n: int, m: int) -> None:
    capability, position, salience = random_game(seed, n, m)
    order = np.random.default_rng(seed).permutation(n)
    straight = kernel.simulate(capability, position, salience, kernel.Settings())
    shuffled = kernel.simulate(
        capability[order], position[order], salience[order], kernel.Settings()
    )
    assert straight.turns == shuffled.turns
    np.testing.assert_allclose(
        np.array(straight.positions)[:, order], np.array(shuffled.positions), atol=1e-9
    )


def test_positions_follow_the_issue_scale() -> None:
    capability, position, salience = random_game(3, 6, 2)
    on_100 = scenario_of(capability, 100 * position, salience).forecast("smp")
    on_span = scenario_of(capability, -5 + 10 * position, salience, scale=(-5, 5)).forecast("smp")
    for a, b in zip(on_100.issues, on_span.issues, strict=True):
        assert a.details["turns"] == b.details["turns"]
        assert b.forecast == pytest.approx(-5 + a.forecast / 10)


def test_issues_without_a_space_are_separate_games() -> None:
    capability, position, salience = random_game(11, 6, 2)
    together = scenario_of(capability, 100 * position, salience, space=None).forecast("smp")
    for k in range(2):
        alone = scenario_of(
            capability, 100 * position[:, [k]], salience[:, [k]], space=None
        ).forecast("smp")
        assert together.issues[k].trajectory[-1]["positions"] == pytest.approx(
            alone.issues[0].trajectory[-1]["positions"]
        )
        assert together.issues[k].details["dimensions"] == [f"d{k}"]


def test_trajectory_explains_each_round(reference: Path) -> None:
    result = tawazun.load(reference / "ktab" / "dummyData_3Dim.csv").forecast("smp")
    forecast = result["pstn2"]
    first = forecast.trajectory[1]
    assert forecast.trajectory[0]["round"] == 0 and "bargains" not in forecast.trajectory[0]
    assert first["challenges"] and first["bargains"]
    for accepted in first["accepted"]:
        bargain = first["bargains"][accepted["bargain"]]
        assert accepted["actor"] in (bargain["initiator"], bargain["receiver"])
        side = "initiator" if bargain["initiator"] == accepted["actor"] else "receiver"
        assert first["positions"][accepted["actor"]] == bargain[f"{side}_position"]
    assert sum(set(forecast.trajectory[-1]["probabilities"].values())) == pytest.approx(1, 1e-3)
    assert json.loads(result.to_json())["parameters"]["pce_model"] == "Conditional"
    lines = get_model("smp").explain(forecast)
    assert lines == explain(forecast)
    assert "10 turns" in lines[0] and "moved from" in lines[2]
    mover = lines[2].split(" moved from")[0]
    named = explain(forecast, {mover: "<named>"})
    assert named[2].startswith("<named> moved from")


def test_stochastic_runs_are_reproducible_by_seed() -> None:
    capability, position, salience = random_game(5, 8, 1)
    scenario = scenario_of(capability, 100 * position, salience)
    first = scenario.forecast("smp", state_transitions="Stochastic", seed=1)
    again = scenario.forecast("smp", state_transitions="Stochastic", seed=1)
    assert first.to_dict() == again.to_dict()


def test_stochastic_choice_follows_the_probabilities() -> None:
    rng = np.random.default_rng(0)
    p = np.array([0.5, 0.3, 0.2])
    counts = np.bincount([draw(p, rng) for _ in range(20000)], minlength=3)
    np.testing.assert_allclose(counts / counts.sum(), p, atol=0.015)


def test_zero_salience_actor_sits_out_and_rescaled_saliences_are_reported() -> None:
    capability, position, salience = random_game(2, 5, 2)
    salience[0] = 0.0
    salience[1] = [0.8, 0.7]
    result = scenario_of(capability, 100 * position, salience).forecast("smp")
    details = result.issues[0].details
    assert details["excluded"] == {"a0": "salience 0"}
    assert details["salience_rescaled"] == ["a1"]
    assert "a0" not in result.issues[0].trajectory[0]["positions"]


def test_degenerate_inputs_give_clear_errors() -> None:
    capability, position, salience = random_game(4, 3, 2)
    scenario = scenario_of(capability[:2], 100 * position[:2], salience[:2])
    with pytest.raises(InvalidArgument, match="at least 3 actors"):
        scenario.forecast("smp")
    partial = scenario_of(capability, 100 * position, salience).model_dump()
    del partial["actors"][1]["stances"]["d1"]
    with pytest.raises(InvalidArgument, match="a1.*no stance on \\['d1'\\]"):
        Scenario.model_validate(partial).forecast("smp")
    full = scenario_of(capability, 100 * position, salience)
    with pytest.raises(InvalidArgument, match="voting_rule 'Majority' is not one of"):
        full.forecast("smp", voting_rule="Majority")
    with pytest.raises(InvalidArgument, match="min_turns"):
        full.forecast("smp", min_turns=0)
