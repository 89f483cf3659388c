"""The compiled loops of the expected utility model against NumPy's vectorised routes.

``oracles/eum_numpy.py`` keeps the NumPy routes the compiled loops replaced (issue 15);
on hypothesis-generated tables the compiled ones must give the same doubles, not merely
close ones: every sum in NumPy's order, every power NumPy's. (``test_eum.py`` checks both
against the plain-loop oracle and the replication's logs, at their tolerance.)
"""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from oracles import eum_numpy as oracle
from tawazun.i18n import using
from tawazun.models import _compiling, _eum_batch, _eum_compiled, _eum_kernel, eum
from tawazun.models._eum_kernel import Rules, State
from tests.factories import one_issue

RULES = [
    Rules(probability=p, capitulation=c, compromise=m, q=q, t=t)
    for p, c, m, (q, t) in product(
        ["all_votes", "pairwise"],
        ["never", "paper"],
        ["weighted_position", "least_move"],
        [(1.0, 1.0), (0.6, 0.3)],
    )
]
SETTINGS = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def tables(draw: st.DrawFn, batch: int, fewest: int, most: int) -> tuple[np.ndarray, ...]:
    """Positions, capability x salience and salience of ``batch`` variants of one table;
    positions continuous or on a grid of 6 (ties), an actor of zero salience at times."""
    n = draw(st.integers(fewest, most))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if draw(st.booleans()):
        x = rng.uniform(0, 100, (batch, n))
    else:
        x = rng.integers(0, 6, (batch, n)) * 20.0
    s = rng.uniform(0.01, 1, (batch, n))
    if draw(st.booleans()):
        s[:, 0] = 0.0
    w = rng.uniform(0.1, 10, (batch, n)) * s
    return x, w, s


def assert_same_offers(ours: _eum_kernel.Offers, theirs: _eum_kernel.Offers) -> None:
    np.testing.assert_array_equal(ours.kind, theirs.kind)
    np.testing.assert_array_equal(ours.chosen, theirs.chosen)
    made = theirs.kind >= 0
    for name in ("eu_receiver", "eu_proposer", "position"):
        np.testing.assert_array_equal(getattr(ours, name)[made], getattr(theirs, name)[made])


@SETTINGS
@given(table=tables(batch=3, fewest=2, most=_eum_batch.MOST_ACTORS), rules=st.sampled_from(RULES))
def test_the_batched_rounds_are_numpys_to_the_last_bit(table, rules) -> None:
    x, w, s = table
    width = x.max(axis=1) - x.min(axis=1)
    space = _eum_batch.Workspace.of(*x.shape, rules)
    ours, theirs = x.copy(), x.copy()
    for _ in range(4):
        median, tied = _eum_batch.medians(ours, w)
        expected_median, expected_tied = oracle.medians(theirs, w)
        np.testing.assert_array_equal(median, expected_median)
        np.testing.assert_array_equal(tied, expected_tied)
        ours, r, offers = _eum_batch.step(ours, w, s, width, median, rules, space)
        theirs, expected_r, expected = oracle.step(theirs, w, s, width, expected_median, rules)
        np.testing.assert_array_equal(r, expected_r)
        assert_same_offers(offers, expected)
        np.testing.assert_array_equal(ours, theirs)


@SETTINGS
@given(
    table=tables(batch=1, fewest=_eum_batch.MOST_ACTORS + 1, most=70),
    rules=st.sampled_from(RULES),
)
def test_the_one_variant_route_of_large_tables_is_numpys_to_the_last_bit(table, rules) -> None:
    x, w, s = (a[0] for a in table)
    width = float(np.ptp(x))
    assume(width > 0)
    state = State.of(x, w, s, width, _eum_kernel.median_candidates(x, w).mean())
    r = np.random.default_rng(int(x.sum())).uniform(0.5, 2, x.size)
    utilities = _eum_kernel.vote_utilities(x, r, state.points, width)
    np.testing.assert_array_equal(
        _eum_kernel.votes_for(x, w, utilities, state.points),
        oracle.votes_for(x, w, r, state.points, width),
    )
    assert _eum_kernel.sum_of_all_votes(w, utilities, state.point_of) == (
        oracle.sum_of_all_votes(x, w, r, width)
    )
    np.testing.assert_array_equal(_eum_kernel.dangers(state, rules), oracle.dangers(state, rules))
    eu_ij, eu_ji = _eum_kernel.challenge_utilities(state, r, rules)
    expected_ij, expected_ji = oracle.challenge_utilities_one(state, r, rules)
    np.testing.assert_array_equal(eu_ij, expected_ij)
    np.testing.assert_array_equal(eu_ji, expected_ji)
    offers = _eum_kernel.make_offers(state, r, rules)
    assert_same_offers(offers, oracle.choose_offers(x, expected_ij, expected_ji, rules))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    count=st.integers(0, 3000),
    scale=st.integers(-8, 8),
    seed=st.integers(0, 2**32 - 1),
)
def test_pairwise_sums_are_numpys(count: int, scale: int, seed: int) -> None:
    values = np.random.default_rng(seed).standard_normal(count) * 10.0**scale
    assert _eum_compiled.pairwise_sum(values, 0, count) == values.sum()


@pytest.mark.parametrize("route", ["batched", "one variant"])
def test_the_first_run_after_an_install_says_it_compiles(
    route: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Before the wait, in the user's language; not once the kernel is compiled or cached."""
    # up to _eum_batch.MOST_ACTORS actors take the batched route, more the one-variant route
    size = 3 if route == "batched" else _eum_batch.MOST_ACTORS + 8
    assert _eum_batch.applies(size, Rules()) == (route == "batched")
    scenario = one_issue(list(np.linspace(0, 100, size)), [1.0] * size, [1.0] * size)
    scenario.forecast("eum")  # compiles on a cold cache, and may say so
    caplog.clear()
    with caplog.at_level("WARNING", logger=eum.logger.name):
        scenario.forecast("eum")
        assert not caplog.records
        monkeypatch.setattr(_compiling, "is_ready", lambda *functions: False)
        scenario.forecast("eum")
        with using("ar"):
            scenario.forecast("eum")
    english, arabic = (record.getMessage() for record in caplog.records)
    assert "compiling the expected utility model's kernel with Numba" in english
    assert "تُجمَّع نواة نموذج المنفعة المتوقعة" in arabic
