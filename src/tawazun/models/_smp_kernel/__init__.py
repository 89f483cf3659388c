"""The arithmetic of KTAB's spatial model of politics (SMP), compiled with Numba.

Every function restates one routine of KTAB (KAPSARC's Toolkit for Behavioral Analysis,
public mirror lsyaseen/KTAB at commit 3b5b063) as loops; the docstrings name the routine.
One module per part of the model: :mod:`.settings` (options, constants, the record of a
game, KTAB's order of sums), :mod:`.election` (votes, coalitions, Condorcet elections),
:mod:`.state` (distances, risk attitudes, distinct positions: ``setAllAUtil``),
:mod:`.challenge` (``probEduChlg``, ``bestChallenge``), :mod:`.bargain` (``doBCN``,
``brgnUtil``, ``updateBestBrgnPositions``) and :mod:`.game` (the turns to the stopping
rule, a whole game in one compiled call). Positions are on KTAB's internal 0-1 scale and
saliences on 0-1 with each actor's total at most 1, as KTAB holds them after reading a
scenario. The same routines on NumPy arrays (``oracles/smp_numpy``, the former kernel) and
as plain loops (``oracles/smp.py``) are what the tests hold this kernel to.
"""

from __future__ import annotations

from tawazun.models._smp_kernel.game import simulate  # noqa: F401
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
