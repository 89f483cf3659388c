"""Sums in NumPy's order, so that the compiled loops give the doubles of NumPy's routes.

Along a contiguous axis NumPy sums pairwise (``pairwise_sum`` in
numpy/_core/src/umath/loops_utils.h.src): blocks of up to 128 terms in 8 interleaved
accumulators, added up a tree of halves. The decorators every compiled loop of the model
uses are here too.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# error_model="numpy": divisions follow IEEE, as NumPy's; every divisor is checked first
jit = njit(cache=True, error_model="numpy", nogil=True)
# the scalar helpers of a pair are inlined: called, each costs a call and a status check
inline = njit(cache=True, error_model="numpy", inline="always")

#: NumPy's pairwise summation sums blocks of up to this many terms with 8 accumulators
#: (``PW_BLOCKSIZE`` in numpy/_core/src/umath/loops_utils.h.src).
PAIRWISE_BLOCK = 128


@inline
def block_sum(values: np.ndarray, start: int, count: int) -> float:
    """``values[start:start + count].sum()`` for up to :data:`PAIRWISE_BLOCK` terms, as
    NumPy sums them: fewer than 8 one after another, else in 8 interleaved accumulators
    combined as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the rest."""
    if count < 8:
        total = -0.0
        for i in range(start, start + count):
            total += values[i]
        return total
    r0, r1, r2, r3 = values[start], values[start + 1], values[start + 2], values[start + 3]
    r4, r5, r6, r7 = values[start + 4], values[start + 5], values[start + 6], values[start + 7]
    i = start + 8
    stop = start + count - count % 8
    while i < stop:
        r0 += values[i]
        r1 += values[i + 1]
        r2 += values[i + 2]
        r3 += values[i + 3]
        r4 += values[i + 4]
        r5 += values[i + 5]
        r6 += values[i + 6]
        r7 += values[i + 7]
        i += 8
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < start + count:
        total += values[i]
        i += 1
    return total


@inline
def halves(count: int) -> int:
    """Where NumPy's pairwise summation splits a row longer than :data:`PAIRWISE_BLOCK`:
    in two at a multiple of 8."""
    half = count // 2
    return half - half % 8


@jit
def pairwise_sum(values: np.ndarray, start: int, count: int) -> float:
    """``values[start:start + count].sum()`` as NumPy sums a contiguous row: its pairwise
    summation (``pairwise_sum`` in numpy/_core/src/umath/loops_utils.h.src), blocks of
    :func:`block_sum` added up the tree of :func:`halves`.

    The tree is walked with a stack of its own rather than by recursion (Numba's cache
    does not reload recursive functions safely).
    """
    if count <= PAIRWISE_BLOCK:
        return block_sum(values, start, count)
    half = halves(count)
    if count - half <= PAIRWISE_BLOCK:
        return block_sum(values, start, half) + block_sum(values, start + half, count - half)
    # frames of (start, count, expanded); sums of finished subtrees on their own stack
    frame_start = np.empty(128, dtype=np.int64)
    frame_count = np.empty(128, dtype=np.int64)
    expanded = np.zeros(128, dtype=np.bool_)
    sums = np.empty(128)
    frames, done = 1, 0
    frame_start[0], frame_count[0] = start, count
    while frames > 0:
        frames -= 1
        at, size = frame_start[frames], frame_count[frames]
        if size <= PAIRWISE_BLOCK:
            sums[done] = block_sum(values, at, size)
            done += 1
        elif expanded[frames]:
            done -= 1
            sums[done - 1] += sums[done]
        else:
            half = halves(size)
            expanded[frames] = True
            frames += 1
            # the right half is summed after the left one, which is pushed last
            frame_start[frames], frame_count[frames] = at + half, size - half
            expanded[frames] = False
            frames += 1
            frame_start[frames], frame_count[frames] = at, half
            expanded[frames] = False
            frames += 1
    return sums[0]
