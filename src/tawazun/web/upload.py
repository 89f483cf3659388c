"""Turning an uploaded file into a scenario, or into the problems that stop it.

The file is written under a name the server makes (``upload`` and the extension, in a fresh
temporary folder), read with :func:`tawazun.io.load`, and removed; the name the user gave is
only ever shown. The readers refuse what would cost too much to read (a workbook whose
parts would inflate beyond ``tawazun.limits``' ``workbook_bytes``: a zip bomb).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from tawazun import io
from tawazun.errors import Problem, ScenarioFileError
from tawazun.i18n import _
from tawazun.scenario import Scenario

MAX_UPLOAD = 20 * 2**20
TEXT_EXTENSIONS = {".yaml", ".yml", ".json", ".csv", ".txt", ".tsv"}


def extensions() -> list[str]:
    """Every extension some format reads."""
    return sorted({ext for spec in io.formats().values() for ext in spec.extensions})


def display_name(filename: str | None) -> str:
    """The user's file name, reduced to its last part and printable characters."""
    name = PurePath((filename or "").replace("\\", "/")).name
    return re.sub(r"[\x00-\x1f\x7f]", "", name)[:120] or "upload"


def refuse(name: str, message: str) -> ScenarioFileError:
    return ScenarioFileError([Problem(name, "", _("file"), message)])


@dataclass(frozen=True)
class Upload:
    """What an upload gave: a scenario, or problems (with the file's lines to show them on)."""

    name: str
    scenario: Scenario | None
    problems: list[Problem]
    lines: list[str]


def read_upload(filename: str | None, content: bytes, limit: int = MAX_UPLOAD) -> Upload:
    """Read ``content`` as the file ``filename`` names; never raises on bad input."""
    name = display_name(filename)
    suffix = PurePath(name).suffix.lower()
    text_lines: list[str] = []
    if suffix in TEXT_EXTENSIONS:
        text_lines = content.decode("utf-8-sig", errors="replace").splitlines()
    try:
        if len(content) > limit:
            raise refuse(
                name,
                _("The file is larger than the upload limit of {size} MB.").format(
                    size=f"{limit / 2**20:g}"
                ),
            )
        if not content:
            raise refuse(name, _("the file is empty"))
        if suffix not in extensions():
            raise refuse(
                name,
                _("tawazun reads no {suffix} files; it reads {extensions}").format(
                    suffix=suffix or "''", extensions=", ".join(extensions())
                ),
            )
        with tempfile.TemporaryDirectory(prefix="tawazun-upload-") as folder:
            path = Path(folder) / f"upload{suffix}"
            path.write_bytes(content)
            scenario = io.load(path)
    except ScenarioFileError as exc:
        problems = [
            Problem(name, p.where, p.field, p.message.replace(str(path), name))
            if "path" in locals()
            else p
            for p in exc.problems
        ]
        return Upload(name, None, problems, text_lines)
    return Upload(name, scenario, [], text_lines)


def line_of(problem: Problem) -> int | None:
    """The line a problem names (``12``, ``line 12``), if it names one."""
    match = re.fullmatch(r"(?:line\s*)?(\d+)(?::\d+)?", problem.where.strip())
    return int(match.group(1)) if match else None
