"""The models' compiled kernels: whether one is ready, and saying so before a first run waits.

Numba compiles a kernel at its first call and keeps it in its cache on disk
(``cache=True``); the first run after an install or an upgrade therefore waits seconds, which
the user is told on stderr before the wait starts (logging's last-resort handler writes a
warning there when the application set no handler).
"""

from __future__ import annotations

import logging
from typing import Any


def is_ready(*functions: Any) -> bool:
    """Whether every one of ``functions`` (Numba dispatchers) is ready: compiled in this
    process, or in Numba's cache on disk for this version of its source.

    Reads Numba's cache index (``FunctionCache._cache_file._load_index``, which discards an
    index older than the source); a Numba without it counts as not cached.
    """
    for function in functions:
        if function.signatures:
            continue
        try:
            if not function._cache._cache_file._load_index():
                return False
        except (AttributeError, OSError):
            return False
    return True


def announce(logger: logging.Logger, message: str, *functions: Any) -> None:
    """Warn ``message`` (already translated) unless every one of ``functions`` is ready."""
    if not is_ready(*functions):
        logger.warning(message)
