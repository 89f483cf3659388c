"""The arithmetic of KTAB's spatial model of politics (SMP), vectorised with NumPy.

Every function restates one routine of KTAB (KAPSARC's Toolkit for Behavioral Analysis,
public mirror lsyaseen/KTAB at commit 3b5b063) in array form; the docstrings name the
routine. One module per part of the model: :mod:`.settings` (options, constants, the
record of a game, KTAB's order of sums), :mod:`.utility`, :mod:`.probability` (votes,
coalitions, elections, the state of a turn), :mod:`.challenge`, :mod:`.bargain` and
:mod:`.game` (the turns to the stopping rule). Positions are on KTAB's internal 0-1 scale
and saliences on 0-1 with each actor's total at most 1, as KTAB holds them after reading
a scenario. This package's namespace gathers them all.

:mod:`.compiled` restates the same routines as loops compiled with Numba, with the same
doubles; it is what :mod:`tawazun.models.smp` plays (a game in one compiled call). These
array forms stay as the readable transcription the compiled kernel is tested against,
routine by routine and game by game.
"""

from __future__ import annotations

from tawazun.models._smp_kernel.bargain import (  # noqa: F401
    bargain_utilities,
    draw,
    interpolate_bargain,
    propose_bargains,
    resolve_bargains,
    round4,
)
from tawazun.models._smp_kernel.challenge import (  # noqa: F401
    Workspace,
    best_challenges,
    challenge_estimates,
    initiator_estimates,
)
from tawazun.models._smp_kernel.game import simulate, state_distance  # noqa: F401
from tawazun.models._smp_kernel.probability import (  # noqa: F401
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
from tawazun.models._smp_kernel.settings import (  # noqa: F401
    BARGAIN_MODELS,
    BIG_R_ADJUSTS,
    BIG_R_RANGES,
    BLOCK_ELEMENTS,
    INTERPOLATIONS,
    MIN_COALITION,
    MIN_PRINCIPALS,
    MIN_SIGNIFICANT_GAIN,
    PCE_MODELS,
    POSITION_TOLERANCE,
    STATE_TRANSITIONS,
    THIRD_PARTY_COMMITS,
    THREADED_ACTORS,
    VICTORY_MODELS,
    VOTING_RULES,
    History,
    Settings,
    sequential_sum,
)
from tawazun.models._smp_kernel.utility import estimated_risk, spatial_utility, weighted_distance  # noqa: F401
