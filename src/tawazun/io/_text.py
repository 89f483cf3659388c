"""Reading input files as text, with the errors analysts actually meet."""

from __future__ import annotations

import re
from pathlib import Path

from tawazun.io.errors import fail


def read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise fail(path, "-", "file", "not found")
    if path.is_dir():
        raise fail(path, "-", "file", "is a folder; give a scenario file")
    data = path.read_bytes()
    if not data.strip():
        raise fail(path, 1, "file", "is empty; a scenario needs issues and actors")
    return data


def read_text(path: Path) -> str:
    """The file's text as UTF-8; a byte-order mark is accepted and dropped."""
    data = read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise fail(
            path,
            line,
            "encoding",
            f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8 "
            "(in Excel: 'CSV UTF-8')",
        ) from None
    if not text.strip():
        raise fail(path, 1, "file", "is empty; a scenario needs issues and actors")
    return text


def id_from(name: str, fallback: str, separator: str = "-") -> str:
    """An id (ASCII letters, digits, ``_``, ``.``, ``-``) from a file's name: every run of
    other characters, Arabic letters and spaces included, becomes ``separator``."""
    return re.sub(r"[^A-Za-z0-9_.\-]+", separator, name).strip("-.") or fallback
