"""KTAB's SMP options, constants and stopping rule, the record of a game, and KTAB's order
of sums.

KTAB (KAPSARC's Toolkit for Behavioral Analysis, public mirror lsyaseen/KTAB at commit
3b5b063): ``kmodel.h``, ``smp.h`` (the option enums), ``SMPModel::configExec`` (the stopping
rule). Sums run in KTAB's order (one term after another, along axis 0, which NumPy reduces
sequentially) so that the results are the same doubles KTAB computes, not merely close:
KTAB rounds bargains to 4 decimals and compares gains with thresholds, and an exact
transcription keeps both on the same side of the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: Names of the options, as KTAB spells them (kmodel.h, smp.h).
VICTORY_MODELS = ("Linear", "Square", "Quartic", "Octic", "Binary")


PCE_MODELS = ("Conditional", "MarkovIncentive", "MarkovUniform")


STATE_TRANSITIONS = ("Deterministic", "Stochastic")


VOTING_RULES = ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp")


BIG_R_RANGES = ("Min", "Mid", "Max")


BIG_R_ADJUSTS = ("None", "OneThird", "Half", "TwoThirds", "Full")


THIRD_PARTY_COMMITS = ("NoCommit", "SemiCommit", "FullCommit")


INTERPOLATIONS = ("S1P1", "S2P2", "S2PMax")


BARGAIN_MODELS = ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp")


#: Floors KTAB adds so that no coalition is empty (Model::coalitions, probEduChlg).
MIN_COALITION = 1e-8


MIN_PRINCIPALS = 1e-10


#: Smallest expected gain worth a challenge (SMPState::bestChallenge).
MIN_SIGNIFICANT_GAIN = 1e-5


#: Positions closer than this (Euclidean, 0-1 scale) are one position (SMPModel::posTol).
POSITION_TOLERANCE = 1e-3


#: Elements per work array in the cubic steps: big enough to amortise NumPy's call
#: overhead, small enough to stay in cache.
BLOCK_ELEMENTS = 65536


#: Games of this many actors or more spread the challenge estimates over threads; smaller
#: ones take less time than starting the threads.
THREADED_ACTORS = 64


@dataclass(frozen=True)
class Settings:
    """KTAB's model parameters (SMPModel, Model) and stopping rule (SMPModel::configExec)."""

    victory_model: str = "Linear"
    pce_model: str = "Conditional"
    state_transitions: str = "Deterministic"
    voting_rule: str = "Prop"
    big_r_range: str = "Mid"
    big_r_adjust: str = "OneThird"
    third_party_commit: str = "SemiCommit"
    interpolation: str = "S2P2"
    bargain_model: str = "InitOnlyInterp"
    min_turns: int = 2
    max_turns: int = 100
    min_delta_ratio: float = 0.02
    min_sig_delta: float = 1e-4


@dataclass
class History:
    """What happened in one SMP game, turn by turn (turn 0 is the input).

    ``positions``, ``risk``, ``probability`` and ``distinct`` have one entry per state
    (turns 0..T); the other lists one entry per step (turns 1..T), describing how that
    state was reached. A history kept for a forecast only (the compiled kernel's
    ``keep=False``) holds the last state and the fractional changes alone.
    """

    positions: list[np.ndarray] = field(default_factory=list)
    risk: list[np.ndarray] = field(default_factory=list)
    probability: list[np.ndarray] = field(default_factory=list)
    distinct: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    target: list[np.ndarray] = field(default_factory=list)
    win_probability: list[np.ndarray] = field(default_factory=list)
    gain: list[np.ndarray] = field(default_factory=list)
    bargains: list[list[tuple[int, int, np.ndarray, np.ndarray]]] = field(default_factory=list)
    chosen: list[np.ndarray] = field(default_factory=list)
    chosen_probability: list[np.ndarray] = field(default_factory=list)
    fractional_change: list[float] = field(default_factory=list)
    stop_reason: str = ""

    @property
    def turns(self) -> int:
        return len(self.fractional_change)


def sequential_sum(terms: np.ndarray, initial: float = 0.0) -> np.ndarray:
    """Sum along axis 0 one term after another, as KTAB's loops do.

    NumPy's reduction runs term after term when each term has several elements (its inner
    loop then runs along a term), but sums a single column pairwise; a column is summed
    here with ``np.add.accumulate``, which runs in order.
    """
    terms = np.ascontiguousarray(terms)
    if terms.shape[0] and terms[0].size == 1:
        column = np.concatenate(([initial], terms.ravel()))
        return np.add.accumulate(column)[-1].reshape(terms.shape[1:])
    return np.add.reduce(terms, axis=0, initial=initial)
