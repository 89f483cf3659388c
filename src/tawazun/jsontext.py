"""The JSON text of a result document, as every command prints it with ``--json``.

The text is exactly ``json.dumps(document, ensure_ascii=False, indent=2)``. The standard
library indents in Python, through a generator per container: a tenth of a second for a
1000-actor trajectory. Its C encoder does not indent, but it takes any item separator, so
each container whose items are all plain values (the positions and moves of a round, most
of a long document) is written by it with ``",\\n"`` and the indent between the items; only
the containers above those are walked here. Twice as fast on a 1000-actor trajectory.
"""

from __future__ import annotations

import functools
import json
from typing import Any

__all__ = ["document_text"]

INDENT = 2
#: Values the C encoder writes exactly as the indenting encoder does (no subclasses: those
#: may carry their own ``__repr__`` or ``__float__``, and go to the standard encoder).
_PLAIN = frozenset({str, int, float, bool, type(None)})


class _Unusual(Exception):
    """A value the walk does not handle: the whole document goes to the standard encoder."""


def document_text(document: Any) -> str:
    """``json.dumps(document, ensure_ascii=False, indent=2)``, the same text, faster."""
    parts: list[str] = []
    try:
        _write(document, 0, parts)
    except (_Unusual, RecursionError):
        return json.dumps(document, ensure_ascii=False, indent=INDENT)
    return "".join(parts)


@functools.cache
def _encoder(depth: int) -> json.JSONEncoder:
    """The C encoder of the items of a container at ``depth``, one per line."""
    return json.JSONEncoder(
        ensure_ascii=False, separators=(",\n" + " " * (INDENT * (depth + 1)), ": ")
    )


def _write(value: Any, depth: int, parts: list[str]) -> None:
    kind = type(value)
    if kind in _PLAIN:
        parts.append(_encoder(depth).encode(value))
        return
    if kind is dict:
        keys = list(value)
        if not all(type(key) is str for key in keys):
            raise _Unusual
        values = list(value.values())
    elif kind is list or kind is tuple:
        keys, values = None, list(value)
    else:
        raise _Unusual
    opening, closing = ("[", "]") if keys is None else ("{", "}")
    if not values:
        parts.append(opening + closing)
        return
    inner, outer = " " * (INDENT * (depth + 1)), " " * (INDENT * depth)
    parts.append(f"{opening}\n{inner}")
    if all(type(item) in _PLAIN for item in values):
        # the C encoder writes the items; its own brackets are dropped
        parts.append(_encoder(depth).encode(value)[1:-1])
    else:
        for index, item in enumerate(values):
            if index:
                parts.append(f",\n{inner}")
            if keys is not None:
                parts.append(_encoder(depth).encode(keys[index]) + ": ")
            _write(item, depth + 1, parts)
    parts.append(f"\n{outer}{closing}")
