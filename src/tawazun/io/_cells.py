"""Reading one cell of an imported table, with the error every importer gives."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from tawazun.i18n import _
from tawazun.io.errors import fail
from tawazun.scenario import MAX_MAGNITUDE, parse_number, shorten


def required_number(path: Path, where: int | str, column: str, text: str | None) -> float:
    """The cell as a finite number; a blank cell or other text is an error.

    Raises
    ------
    ScenarioFileError
        Naming ``path``, ``where`` and ``column``.
    """
    stripped = (text or "").strip()
    if not stripped:
        raise fail(path, where, column, _("missing value; give a number"))
    try:
        value = parse_number(stripped)
    except ValueError as exc:
        raise fail(
            path,
            where,
            column,
            _("{value} is {reason}").format(value=repr(shorten(stripped)), reason=exc),
        ) from None
    if abs(value) > MAX_MAGNITUDE:
        raise fail(
            path,
            where,
            column,
            _("{value:g} is beyond the largest magnitude tawazun reads ({top:g})").format(
                value=value, top=MAX_MAGNITUDE
            ),
        )
    return value + 0.0


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
