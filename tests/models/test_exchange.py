"""The exchange model against decide-exchange-model, the paper's equations and the oracle."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tawazun
from oracles import exchange as oracle
from tawazun.arrays import BandEdges, ScenarioArrays
from tawazun.errors import InvalidArgument
from tawazun.i18n import using
from tawazun.models import _exchange_kernel as kernel
from tawazun.models import get_model
from tawazun.models._exchange_kernel import simulate
from tawazun.scenario import Scenario

SYNTHETIC = ["ex_a05_i2", "ex_a06_i3", "ex_a08_i3"]


# -- decide's own output ----------------------------------------------------------------------
@pytest.mark.parametrize("name", SYNTHETIC)
def test_rounds_equal_decide_on_the_seeded_scenarios(reference: Path, name: str) -> None:
    folder = reference / "exchange" / "synthetic"
    decide = json.loads((folder / f"{name}.decide.json").read_text(encoding="utf-8"))
    result = tawazun.load(folder / f"{name}.csv").forecast("exchange")
    for issue_id, expected in decide["issues"].items():
        trajectory = result[issue_id].trajectory
        assert len(trajectory) == len(expected["mds_by_round"]) == 11
        outcomes = [r["forecast"] for r in trajectory]
        np.testing.assert_allclose(outcomes, expected["mds_by_round"], rtol=0, atol=1e-6)
        for actor, positions in expected["positions_by_round"].items():
            ours = [r["positions"][actor] for r in trajectory]
            np.testing.assert_allclose(ours, positions, rtol=0, atol=1e-6)
        starts = [r["next_forecast"] for r in trajectory[1:10]]
        np.testing.assert_allclose(
            starts, expected["preference_mds_by_round"][1:], rtol=0, atol=1e-6
        )
    counts = [
        len({id(e) for f in result.issues for e in f.trajectory[k]["exchanges"]})
        for k in range(1, 11)
    ]
    assert counts == decide["exchanges_per_round"]


@pytest.mark.parametrize("name", SYNTHETIC)
def test_exchanges_equal_decide_in_order(reference: Path, name: str) -> None:
    folder = reference / "exchange" / "synthetic"
    decide = json.loads((folder / f"{name}.decide.json").read_text(encoding="utf-8"))
    result = tawazun.load(folder / f"{name}.csv").forecast("exchange")
    for k, expected in enumerate(decide["exchanges_by_round"], start=1):
        records = {id(e): e for f in result.issues for e in f.trajectory[k]["exchanges"]}
        ours = sorted(records.values(), key=lambda e: e["rank"])
        assert len(ours) == len(expected)
        for record, theirs in zip(ours, expected, strict=True):
            assert record["gain"] == pytest.approx(theirs["gain"], abs=1e-9)
            for move, side in zip(record["moves"], (theirs["i"], theirs["j"]), strict=True):
                assert (move["actor"], move["issue"]) == (side["actor"], side["supply_issue"])
                assert move["from"] == pytest.approx(side["start"], abs=1e-6)
                assert move["to"] == pytest.approx(side["voting"], abs=1e-6)
                assert move["toward"] == pytest.approx(side["partner_position"], abs=1e-6)


# -- the paper's equations, by hand -------------------------------------------------------------
def two_actor_scenario() -> Scenario:
    return Scenario.model_validate(
        {
            "id": "two",
            "metadata": {"title": {"en": "two actors, two issues"}},
            "issues": [{"id": "P", "name": {"en": "P"}}, {"id": "Q", "name": {"en": "Q"}}],
            "actors": [
                {
                    "id": "A",
                    "name": {"en": "A"},
                    "capability": 1.0,
                    "stances": {
                        "P": {"position": 0, "salience": 0.8},
                        "Q": {"position": 0, "salience": 0.2},
                    },
                },
                {
                    "id": "B",
                    "name": {"en": "B"},
                    "capability": 1.0,
                    "stances": {
                        "P": {"position": 100, "salience": 0.3},
                        "Q": {"position": 100, "salience": 0.6},
                    },
                },
            ],
        }
    )


def test_two_actors_trade_as_the_equal_gain_equations_say() -> None:
    """Stokman and Van Oosten (1994): A cares more about P, B about Q.

    Outcomes O_P = 0.3 * 100 / 1.1 and O_Q = 0.6 * 100 / 0.8 = 75. B concedes on P, A on Q.
    If B moved all the way to 0, O_P would shift dP = 100 * 0.3 / 1.1, and equal gain
    (dP * (0.8 + 0.3) = dQ * (0.2 + 0.6)) would ask A to shift O_Q by more than moving all
    the way to 100 does; so A moves all the way: dQ = 100 * 0.2 / 0.8 = 25, then
    dP = 25 * 0.8 / 1.1 and B moves dP * 1.1 / 0.3 = 200 / 3. Both gain
    dP * 0.8 - dQ * 0.2 = dQ * 0.6 - dP * 0.3.
    """
    result = two_actor_scenario().forecast("exchange", rounds=1)
    d_q = 25.0
    d_p = d_q * 0.8 / 1.1
    b_vote = 100 - d_p * 1.1 / 0.3
    assert b_vote == pytest.approx(100 / 3)
    (record,) = result["P"].trajectory[1]["exchanges"]
    gain = d_p * 0.8 - d_q * 0.2
    assert gain == pytest.approx(d_q * 0.6 - d_p * 0.3)
    assert record["gain"] == pytest.approx(gain)
    a_move, b_move = record["moves"]
    assert (a_move["actor"], a_move["issue"], a_move["to"]) == ("A", "Q", pytest.approx(100))
    assert (b_move["actor"], b_move["issue"], b_move["to"]) == ("B", "P", pytest.approx(b_vote))
    assert result["P"].forecast == pytest.approx(0.3 * b_vote / 1.1)
    assert result["Q"].forecast == pytest.approx(100)
    # next start: (1 - s) * 0.4 + 0.1 of the way from the old position to the vote
    after = result["P"].trajectory[1]["next_positions"]
    assert after["B"] == pytest.approx(100 + (0.7 * 0.4 + 0.1) * (b_vote - 100))
    assert result["Q"].trajectory[1]["next_positions"]["A"] == pytest.approx(
        0.8 * 0.4 * 100 + 0.1 * 100
    )


def test_equal_saliences_leave_nothing_to_trade() -> None:
    data = two_actor_scenario().model_dump()
    for actor in data["actors"]:
        for stance in actor["stances"].values():
            stance["salience"] = 0.5
    scenario = Scenario.model_validate(data)
    result = scenario.forecast("exchange", rounds=2)
    assert result.forecasts == pytest.approx({"P": 50.0, "Q": 50.0})
    assert all(not r["exchanges"] for f in result.issues for r in f.trajectory[1:])


# -- the fast kernel is the oracle --------------------------------------------------------------
@st.composite
def arrays(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    n = draw(st.integers(2, 6))
    m = draw(st.integers(2, 4))
    discrete = draw(st.booleans())
    if discrete:
        values = st.sampled_from([0.0, 20.0, 50.0, 70.0, 100.0])
        weights = st.sampled_from([0.2, 0.5, 0.8, 1.0])
    else:
        values = st.floats(0, 100)
        weights = st.floats(0.05, 1)
    position = np.array(draw(st.lists(values, min_size=n * m, max_size=n * m))).reshape(n, m)
    salience = np.array(draw(st.lists(weights, min_size=n * m, max_size=n * m))).reshape(n, m)
    capability = np.array(draw(st.lists(weights, min_size=n, max_size=n)))
    present = np.array(
        draw(
            st.lists(
                st.booleans(),
                min_size=n * m,
                max_size=n * m,
            )
        )
    ).reshape(n, m)
    present[0] = True  # every issue has someone at its table
    salience = np.where(present, salience, 0.0)
    position = np.where(present, position, np.nan)
    return position, salience, capability, present


def assert_kernel_equals_oracle(
    data: tuple[np.ndarray, ...], p: float, seed: int | None, rounds: int
) -> None:
    position, salience, capability, present = data
    slow = oracle.run(position, salience, capability, present, rounds=rounds, p=p, seed=seed)
    fast = simulate(position, salience, capability, present, rounds=rounds, p=p, seed=seed)
    assert len(slow) == len(fast)
    for mine, theirs in zip(fast, slow, strict=True):
        assert [r.index for r in mine.realized] == [c.index for c, _, _ in theirs["realized"]]
        for done, (cand, totals, _) in zip(mine.realized, theirs["realized"], strict=True):
            assert done.gain == pytest.approx(cand.gain, rel=1e-9, abs=1e-12)
            assert [s["to"] for s in done.sides] == pytest.approx([cand.i.y, cand.j.y], abs=1e-9)
            assert done.externalities == pytest.approx(totals, abs=1e-9)
        np.testing.assert_allclose(mine.voting, theirs["voting"], atol=1e-9)
        np.testing.assert_allclose(mine.following, theirs["next"], atol=1e-9)
        np.testing.assert_allclose(mine.voting_outcome, theirs["nbs_voting"], atol=1e-9)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=arrays(), randomized=st.booleans(), seed=st.integers(0, 2**16))
def test_kernel_equals_oracle(data: tuple[np.ndarray, ...], randomized: bool, seed: int) -> None:
    p = 0.6 if randomized else 0.0
    assert_kernel_equals_oracle(data, p, seed if randomized or seed % 2 else None, rounds=3)


@pytest.mark.parametrize(("seed", "p"), [(0, 0.0), (1, 0.0), (2, 0.5)])
def test_kernel_equals_oracle_on_crowded_tables(seed: int, p: float) -> None:
    """14 actors on 4 issues with few distinct positions: actors trade several times a
    round on one issue, which exercises decide's bookkeeping of what each one has seen."""
    rng = np.random.default_rng(seed)
    n, m = 14, 4
    position = rng.choice([0.0, 10, 30, 50, 60, 80, 100], size=(n, m))
    salience = rng.choice([0.2, 0.4, 0.6, 0.8, 1.0], size=(n, m))
    capability = rng.uniform(0.1, 1, n)
    present = np.ones((n, m), dtype=bool)
    assert_kernel_equals_oracle((position, salience, capability, present), p, seed, rounds=4)


# -- a batch in one compiled call is the games one by one -------------------------------------
@st.composite
def batches(draw: st.DrawFn) -> ScenarioArrays:
    """Up to four variants of a small table (some actors absent from some issues, the same
    in every variant), on scales other than 0-100, with ties (few distinct values) or
    without."""
    position, salience, capability, present = draw(arrays())
    n, m = position.shape
    discrete = draw(st.booleans())
    values = st.sampled_from([0.0, 20.0, 50.0, 70.0, 100.0]) if discrete else st.floats(0, 100)
    weights = st.sampled_from([0.2, 0.5, 1.0]) if discrete else st.floats(0.05, 1)

    def table(strategy: st.SearchStrategy[float], shape: tuple[int, ...]) -> np.ndarray:
        size = int(np.prod(shape))
        return np.array(draw(st.lists(strategy, min_size=size, max_size=size))).reshape(shape)

    count = draw(st.integers(1, 4))
    positions = [position] + [table(values, (n, m)) for _ in range(count - 1)]
    saliences = [salience] + [table(weights, (n, m)) for _ in range(count - 1)]
    capabilities = [capability] + [table(weights, (n,)) for _ in range(count - 1)]
    scale_min = table(st.sampled_from([-10.0, 0.0, 1.0]), (m,))
    width = table(st.sampled_from([1.0, 7.0, 100.0]), (m,))
    return ScenarioArrays(
        scenario_id="random",
        actor_ids=tuple(f"a{i}" for i in range(n)),
        issue_ids=tuple(f"d{k}" for k in range(m)),
        capability=np.array(capabilities),
        position=np.array(
            [np.where(present, scale_min + width * x / 100, np.nan) for x in positions]
        ),
        salience=np.array([np.where(present, s, 0.0) for s in saliences]),
        risk=np.full((n, m), np.nan),
        present=present,
        scale_min=scale_min,
        scale_max=scale_min + width,
        status_quo=np.full(m, np.nan),
        space=(None,) * m,
        bands=tuple(BandEdges((), np.empty(0), np.empty(0)) for _ in range(m)),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    batch=batches(),
    p=st.sampled_from([0.0, 0.6]),
    seeded=st.booleans(),
    tolerance=st.sampled_from([None, 1e-3]),
)
def test_a_batch_in_one_call_gives_the_doubles_of_the_games_one_by_one(
    batch: ScenarioArrays, p: float, seeded: bool, tolerance: float | None
) -> None:
    """The compiled batch (one call over the variants) against :func:`run` on each variant,
    with the randomized variant, seeded ties and early stops."""
    spec = get_model("exchange")
    seeds = list(range(batch.batch)) if seeded or p else None
    parameters = {"rounds": 4, "p": p, "tolerance": tolerance, "seed": 99 if p else None}
    together = spec.batch(batch, seeds=seeds, **parameters)
    one_by_one = [
        [
            f.forecast
            for f in spec.run(
                batch.variant(v),
                **{**parameters, "seed": parameters["seed"] if seeds is None else seeds[v]},
            ).issues
        ]
        for v in range(batch.batch)
    ]
    np.testing.assert_array_equal(together, np.array(one_by_one))


GAINS = [-np.inf, 0.5, 1.0, 1.0 + 1e-13, 2.0, 2.0 - 1e-13]


@settings(max_examples=150, deadline=None)
@given(
    scores=st.lists(st.sampled_from(GAINS), min_size=1, max_size=70),
    updates=st.lists(st.tuples(st.integers(0, 69), st.sampled_from(GAINS)), max_size=40),
    seed=st.integers(0, 2**16),
)
def test_the_max_tree_picks_the_best_exchange(
    scores: list[float], updates: list[tuple[int, float]], seed: int
) -> None:
    """The round's choice of the best candidate, tied gains included, against a plain scan,
    after the gains were written one by one and then rewritten up, down and to -inf
    (a dropped candidate), as recomputed candidates are."""
    tree = kernel.max_tree(len(scores))
    leaves = tree[len(tree) // 2 :]
    values = np.array(scores)
    for c, value in [*enumerate(scores), *updates]:
        if c < len(scores):
            leaves[c] = values[c] = value
            kernel.lift(tree, c)
    if values.max() == -np.inf:
        assert kernel.best(tree, np.random.default_rng(seed), True) == -1
        return
    tied = np.flatnonzero(values >= values.max() * (1 - kernel.TIE))
    assert kernel.best(tree, np.random.default_rng(seed), False) == tied[0]
    expected = tied[np.random.default_rng(seed).integers(len(tied))] if len(tied) > 1 else tied[0]
    assert kernel.best(tree, np.random.default_rng(seed), True) == expected


# -- determinism and order ----------------------------------------------------------------------
def test_same_input_same_forecast(reference: Path) -> None:
    scenario = tawazun.load(reference / "exchange" / "copenhagen.csv")
    first = scenario.forecast("exchange", rounds=3).to_dict()
    assert scenario.forecast("exchange", rounds=3).to_dict() == first


def test_randomized_variant_is_reproducible_with_its_seed(reference: Path) -> None:
    scenario = tawazun.load(reference / "exchange" / "copenhagen.csv")
    first = scenario.forecast("exchange", rounds=2, p=0.5, seed=11)
    assert scenario.forecast("exchange", rounds=2, p=0.5, seed=11).to_dict() == first.to_dict()
    other = scenario.forecast("exchange", rounds=2, p=0.5, seed=12)
    assert other.forecasts != first.forecasts
    with pytest.raises(InvalidArgument, match="give a seed"):
        scenario.forecast("exchange", p=0.5)


@settings(max_examples=5, deadline=None)
@given(order=st.permutations(range(11)))
def test_actor_order_does_not_matter(reference: Path, order: list[int]) -> None:
    """Actors are taken in id order, so ties and sums do not depend on the input order."""
    scenario = tawazun.load(reference / "exchange" / "copenhagen.csv")
    shuffled = scenario.model_copy(update={"actors": [scenario.actors[k] for k in order]})
    assert (
        shuffled.forecast("exchange", rounds=3).to_dict()
        == scenario.forecast("exchange", rounds=3).to_dict()
    )


# -- output ---------------------------------------------------------------------------------------
def test_every_exchange_is_in_both_issues_trajectories() -> None:
    result = two_actor_scenario().forecast("exchange", rounds=1, third_parties=True)
    (on_p,) = result["P"].trajectory[1]["exchanges"]
    (on_q,) = result["Q"].trajectory[1]["exchanges"]
    assert on_p == on_q
    assert on_p["issues"] == ["P", "Q"]
    assert on_p["externalities"]["own"] == pytest.approx(2 * on_p["gain"])
    assert on_p["third_parties"] == {}
    json.dumps(result.to_dict())


def test_third_parties_count_what_the_outcomes_did_for_them() -> None:
    base = two_actor_scenario().model_dump()
    base["actors"].append(
        {
            "id": "C",
            "name": {"en": "C"},
            "capability": 0.01,
            "stances": {
                "P": {"position": 0, "salience": 0.5},
                "Q": {"position": 100, "salience": 0.5},
            },
        }
    )
    result = Scenario.model_validate(base).forecast("exchange", rounds=1, third_parties=True)
    record = result["P"].trajectory[1]["exchanges"][0]
    moves = {m["issue"]: m for m in record["moves"]}
    # C stands at 0 on P and 100 on Q: both outcomes came closer to it
    expected = sum(
        0.5 * (abs(moves[k]["outcome_from"] - x) - abs(moves[k]["outcome_to"] - x))
        for k, x in (("P", 0.0), ("Q", 100.0))
    )
    assert record["third_parties"]["C"] == pytest.approx(expected)
    assert expected > 0
    assert record["externalities"]["outer_positive"] + record["externalities"][
        "inner_positive"
    ] == pytest.approx(expected)


def test_explain_names_the_trades() -> None:
    result = two_actor_scenario().forecast("exchange", rounds=1)
    lines = get_model("exchange").explain(result["P"])
    assert lines[0].startswith("The outcome went from 27.27 to 9.091 in 1 round through")
    assert lines[1] == (
        "B conceded to A in 1 exchange, in return for A's moves on Q "
        "(its moves add up to 66.7 points over the rounds)."
    )
    named = get_model("exchange").explain(result["P"], {"A": "Alpha", "B": "Beta"})
    assert named[1].startswith("Beta conceded to Alpha")
    with using("ar"):
        arabic = get_model("exchange").explain(result["P"], {"A": "ألف", "B": "باء"})
    # one exchange is said in words, and each name sits in its own bidi isolate
    assert arabic[1].startswith("تنازل \u2068باء\u2069 لـ\u2068ألف\u2069 في تبادل واحد")


def test_tolerance_stops_once_outcomes_settle() -> None:
    result = two_actor_scenario().forecast("exchange", rounds=50, tolerance=1e-6)
    assert len(result["P"].trajectory) < 51
    assert result.parameters["tolerance"] == 1e-6


def test_bad_parameters_are_refused() -> None:
    scenario = two_actor_scenario()
    with pytest.raises(InvalidArgument, match="p must be"):
        scenario.forecast("exchange", p=2, seed=1)
    with pytest.raises(InvalidArgument, match="rounds"):
        scenario.forecast("exchange", rounds=0)


def test_the_first_run_after_an_install_says_it_compiles(monkeypatch, caplog) -> None:
    """Before the wait, in the user's language; not once the kernel is compiled or cached."""
    from tawazun.models import _compiling
    from tawazun.models._exchange_kernel import game

    scenario = two_actor_scenario()
    scenario.forecast("exchange", rounds=1)
    assert _compiling.is_ready(game.play_game)
    caplog.clear()  # the call above may have compiled the kernel, and said so
    with caplog.at_level("WARNING", logger=game.logger.name):
        scenario.forecast("exchange", rounds=1)
        assert not caplog.records
        monkeypatch.setattr(_compiling, "is_ready", lambda *functions: False)
        scenario.forecast("exchange", rounds=1)
        with using("ar"):
            scenario.forecast("exchange", rounds=1)
    english, arabic = (record.getMessage() for record in caplog.records)
    assert "compiling the exchange model's kernel with Numba" in english
    assert "تُجمَّع نواة نموذج التبادل" in arabic
