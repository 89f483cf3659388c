"""KTAB's spatial model of politics (SMP) on NumPy arrays: the test oracle of the compiled kernel.

This was the model's kernel until the compiled one (:mod:`tawazun.models._smp_kernel`) took
its place; it stays as the readable array form that kernel is held to, double for double,
routine by routine and game by game (``tests/models/test_smp_compiled.py``), beside the
plain loops of ``oracles/smp.py``. Every function restates one routine of KTAB (public
mirror lsyaseen/KTAB at commit 3b5b063) in array form; the docstrings name the routine.
One module per part of the model: :mod:`.utility`, :mod:`.probability` (votes, coalitions,
elections, the state of a turn), :mod:`.challenge`, :mod:`.bargain` and :mod:`.game` (the
turns to the stopping rule); options, constants, the record of a game and KTAB's order of
sums are the kernel's (:mod:`tawazun.models._smp_kernel.settings`). This package's
namespace gathers them all.
"""

from __future__ import annotations

from oracles.smp_numpy.bargain import (  # noqa: F401
    bargain_utilities,
    draw,
    interpolate_bargain,
    propose_bargains,
    resolve_bargains,
    round4,
)
from oracles.smp_numpy.challenge import (  # noqa: F401
    Workspace,
    best_challenges,
    challenge_estimates,
    initiator_estimates,
)
from oracles.smp_numpy.game import simulate, state_distance  # noqa: F401
from oracles.smp_numpy.probability import (  # noqa: F401
    Assessment,
    assess,
    coalition_strengths,
    conditional_pce,
    markov_incentive_pce,
    markov_uniform_pce,
    option_probability,
    risk_from_probability,
    scalar_pce,
    unique_positions,
    victory_probability,
    vote,
)
from oracles.smp_numpy.utility import (  # noqa: F401
    BLOCK_ELEMENTS,
    THREADED_ACTORS,
    estimated_risk,
    spatial_utility,
    weighted_distance,
)  # noqa: F401
from tawazun.models._smp_kernel.settings import (  # noqa: F401
    BARGAIN_MODELS,
    BIG_R_ADJUSTS,
    BIG_R_RANGES,
    INTERPOLATIONS,
    MIN_COALITION,
    MIN_PRINCIPALS,
    MIN_SIGNIFICANT_GAIN,
    PCE_MODELS,
    POSITION_TOLERANCE,
    STATE_TRANSITIONS,
    THIRD_PARTY_COMMITS,
    VICTORY_MODELS,
    VOTING_RULES,
    History,
    Settings,
    sequential_sum,
)
