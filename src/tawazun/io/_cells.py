"""Reading one cell of an imported table, with the error every importer gives."""

from __future__ import annotations

import math
from collections.abc import Collection
from pathlib import Path

from tawazun.io.errors import fail


def required_number(path: Path, where: int | str, column: str, text: str | None) -> float:
    """The cell as a finite number; a blank cell or other text is an error.

    Raises
    ------
    ScenarioFileError
        Naming ``path``, ``where`` and ``column``.
    """
    stripped = (text or "").strip()
    if not stripped:
        raise fail(path, where, column, "missing value; give a number")
    try:
        value = float(stripped)
    except ValueError:
        raise fail(path, where, column, f"{stripped!r} is not a number") from None
    if not math.isfinite(value):
        raise fail(path, where, column, f"{stripped!r} is not a finite number")
    return value


def number(
    path: Path, where: int | str, column: str, text: str | None, missing: Collection[str]
) -> float | None:
    """The cell as a finite number, or ``None`` where its text is one of ``missing``.

    ``missing`` holds the upper-case texts a file format writes for "no value" (such as
    ``""`` and ``"NA"``).
    """
    if (text or "").strip().upper() in missing:
        return None
    return required_number(path, where, column, text)
