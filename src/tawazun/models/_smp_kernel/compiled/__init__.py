"""KTAB's SMP compiled with Numba: the route :mod:`tawazun.models.smp` runs.

The same routines as the NumPy kernel of :mod:`tawazun.models._smp_kernel` (which stays as
the readable array form the tests hold this one to, double for double), as loops:
:mod:`.election` (votes, coalitions, Condorcet elections), :mod:`.state` (distances, risk
attitudes, distinct positions: ``setAllAUtil``), :mod:`.challenge` (``probEduChlg``,
``bestChallenge``), :mod:`.bargain` (``doBCN``, ``brgnUtil``,
``updateBestBrgnPositions``) and :mod:`.game` (the turns to the stopping rule).
"""

from __future__ import annotations

from tawazun.models._smp_kernel.compiled.game import (  # noqa: F401
    compiled_is_cached,
    simulate,
    state_distance,
)
