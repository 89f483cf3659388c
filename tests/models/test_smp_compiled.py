"""The compiled SMP kernel against its former NumPy form (double for double) and the plain loop."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracles import smp_numpy
from tawazun.models import _compiling
from tawazun.models import _smp_kernel as kernel
from tawazun.models._smp_kernel import game
from tawazun.models._smp_kernel.challenge import best_challenges, challenge_estimate
from tawazun.models._smp_kernel.election import codes, scalar_pce
from tawazun.models._smp_kernel.state import assess
from tests.models.test_smp import OPTIONS, random_game

#: Every deterministic option of the oracle test, and stochastic transitions (the kernels
#: draw from the same generator in the same order).
SETTINGS = [
    *OPTIONS,
    {"state_transitions": "Stochastic"},
    {"state_transitions": "Stochastic", "bargain_model": "InitRcvrInterp"},
]

games = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 2**32 - 1),
        "n": st.integers(3, 12),
        "m": st.integers(1, 3),
        "duplicate": st.booleans(),
    }
)


def game_of(seed: int, n: int, m: int, duplicate: bool) -> tuple[np.ndarray, ...]:
    """A random game; ``duplicate`` gives two actors one position (ties, grouping)."""
    capability, position, salience = random_game(seed, n, m)
    if duplicate:
        position[-1] = position[0]
    return capability, position, salience


def equal_lists(mine: list, theirs: list) -> bool:
    return len(mine) == len(theirs) and all(
        np.array_equal(a, b) for a, b in zip(mine, theirs, strict=True)
    )


@pytest.mark.parametrize("options", SETTINGS, ids=lambda o: ",".join(map(str, o.values())))
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=games)
def test_compiled_game_gives_the_doubles_of_the_numpy_kernel(options: dict, drawn: dict) -> None:
    inputs = game_of(**drawn)
    chosen = kernel.Settings(**options)
    fast = kernel.simulate(*inputs, chosen, np.random.default_rng(drawn["seed"]))
    slow = smp_numpy.simulate(*inputs, chosen, np.random.default_rng(drawn["seed"]))
    assert fast.turns == slow.turns
    assert fast.stop_reason == slow.stop_reason
    assert fast.fractional_change == slow.fractional_change
    for name in ("positions", "risk", "probability", "target", "win_probability", "gain"):
        assert equal_lists(getattr(fast, name), getattr(slow, name)), name
    assert equal_lists(fast.chosen, slow.chosen)
    assert equal_lists(fast.chosen_probability, slow.chosen_probability)
    for (reps, p), (their_reps, their_p) in zip(fast.distinct, slow.distinct, strict=True):
        assert np.array_equal(reps, their_reps) and np.array_equal(p, their_p)
    for mine, theirs in zip(fast.bargains, slow.bargains, strict=True):
        assert [(a, b, x.tolist(), y.tolist()) for a, b, x, y in mine] == [
            (a, b, x.tolist(), y.tolist()) for a, b, x, y in theirs
        ]


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    voters=st.integers(1, 12),
    options=st.integers(1, 10),
    rule=st.sampled_from(kernel.VOTING_RULES),
    victory=st.sampled_from(kernel.VICTORY_MODELS),
    pce=st.sampled_from(kernel.PCE_MODELS),
)
def test_compiled_election_gives_the_doubles_of_the_numpy_one(
    seed: int, voters: int, options: int, rule: str, victory: str, pce: str
) -> None:
    rng = np.random.default_rng(seed)
    weight = rng.uniform(0.01, 1, voters)
    utility = rng.uniform(0, 1, (voters, options))
    chosen = kernel.Settings(voting_rule=rule, victory_model=victory, pce_model=pce)
    rule_code, victory_code, pce_code, *_ = codes(chosen)
    fast = scalar_pce(rule_code, victory_code, pce_code, weight, utility)
    assert np.array_equal(fast, smp_numpy.scalar_pce(weight, utility, chosen))


@pytest.mark.parametrize("rule", kernel.VOTING_RULES)
@pytest.mark.parametrize("commit", kernel.THIRD_PARTY_COMMITS)
@settings(max_examples=4, deadline=None)
@given(drawn=games, picks=st.lists(st.integers(0, 2**16), min_size=4, max_size=4))
def test_compiled_challenges_give_the_doubles_of_the_numpy_ones(
    rule: str, commit: str, drawn: dict, picks: list[int]
) -> None:
    capability, position, salience = game_of(**drawn)
    chosen = kernel.Settings(voting_rule=rule, third_party_commit=commit)
    options = codes(chosen)
    total = kernel.sequential_sum(salience.T)
    weight = total * capability
    slow = smp_numpy.assess(capability, position, salience, chosen)
    distance, risk, risk_estimate, own, probability, reps, distinct = assess(
        capability, position, salience, *options[:5]
    )
    assert np.array_equal(distance, slow.distance)
    assert np.array_equal(risk_estimate, slow.risk_estimate)
    assert np.array_equal(own, slow.own_utility)
    assert np.array_equal(probability, slow.probability)
    assert np.array_equal(reps, slow.representatives)
    fast_best = best_challenges(distance, risk_estimate, weight, total, options[0], options[5])
    for mine, theirs in zip(
        fast_best, smp_numpy.best_challenges(slow, weight, total, chosen), strict=True
    ):
        assert np.array_equal(mine, theirs)
    n = weight.size
    h, k, i = (p % n for p in picks[:3])
    j = (i + 1 + picks[3] % (n - 1)) % n  # a target other than i
    fast = challenge_estimate(
        distance, risk_estimate, weight, total, options[0], options[5], h, k, i, j
    )
    theirs = smp_numpy.challenge_estimates(
        slow, weight, total, chosen, *(np.array([x]) for x in (h, k, i, j))
    )
    assert fast == (theirs[0][0], theirs[1][0])


def test_a_forecast_only_history_keeps_the_last_state() -> None:
    inputs = random_game(3, 9, 2)
    full = kernel.simulate(*inputs, kernel.Settings())
    last = kernel.simulate(*inputs, kernel.Settings(), keep=False)
    assert last.turns == full.turns and last.stop_reason == full.stop_reason
    assert np.array_equal(last.positions[-1], full.positions[-1])
    assert np.array_equal(last.distinct[-1][1], full.distinct[-1][1])
    assert len(last.positions) == 1 and not last.bargains


def test_stochastic_transitions_need_a_generator() -> None:
    with pytest.raises(ValueError, match="random generator"):
        kernel.simulate(*random_game(3, 5, 1), kernel.Settings(state_transitions="Stochastic"))


def test_the_first_compilation_is_announced(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    kernel.simulate(*random_game(3, 5, 1), kernel.Settings())  # compiles on a cold cache
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger=game.__name__):
        kernel.simulate(*random_game(3, 5, 1), kernel.Settings())
        assert not caplog.records  # compiled by now: nothing to say
        monkeypatch.setattr(_compiling, "is_ready", lambda *functions: False)
        kernel.simulate(*random_game(3, 5, 1), kernel.Settings())
    assert "compiling the SMP model's kernel" in caplog.text
