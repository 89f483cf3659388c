"""Reading and writing scenarios.

Every file format is one module of this package that defines ``FORMAT``, a
:class:`FormatSpec`. :func:`load` picks the format from the file's extension and, where an
extension is shared (``.csv``), from the file's first lines.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from tawazun.i18n import _
from tawazun.io._text import check_readable
from tawazun.io.errors import Problem, ScenarioFileError, fail
from tawazun.scenario import Scenario

__all__ = [
    "FormatSpec",
    "Problem",
    "ScenarioFileError",
    "formats",
    "load",
    "lost_in",
    "save",
    "save_checked",
    "shipped",
]


@dataclass(frozen=True)
class FormatSpec:
    """A file format.

    Attributes
    ----------
    name : str
        Used with ``--from`` / ``--to``.
    extensions : tuple of str
        Lower-case, with the dot.
    read : callable
        ``read(path) -> Scenario``; raises :class:`ScenarioFileError`.
    write : callable or None
        ``write(scenario, path)``, for formats tawazun can write.
    sniff : callable or None
        ``sniff(head) -> bool`` on the file's first 4 KiB of text, for formats that share
        an extension; the format with the lowest ``priority`` that claims a file reads it.
    priority : int
    summary : str
    """

    name: str
    extensions: tuple[str, ...]
    read: Callable[[Path], Scenario]
    write: Callable[[Scenario, Path], None] | None = None
    sniff: Callable[[str], bool] | None = None
    priority: int = 100
    summary: str = ""


@cache
def _formats() -> dict[str, FormatSpec]:
    found: list[FormatSpec] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for spec in getattr(module, "FORMATS", [getattr(module, "FORMAT", None)]):
            if isinstance(spec, FormatSpec):
                found.append(spec)
    return {spec.name: spec for spec in sorted(found, key=lambda s: (s.priority, s.name))}


def formats() -> dict[str, FormatSpec]:
    """All formats by name."""
    return dict(_formats())


def shipped() -> dict[str, Path]:
    """Scenarios shipped with tawazun, by id (``tawazun forecast iraq-2024``)."""
    folder = resources.files("tawazun") / "data"
    return {
        Path(str(entry)).stem: Path(str(entry))
        for entry in folder.iterdir()
        if entry.name.endswith((".yaml", ".yml"))
    }


def _head(path: Path) -> str:
    check_readable(path)
    with open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
        return handle.read(4096).decode("utf-8-sig", errors="replace")


def format_for(path: Path, name: str | None = None, *, writing: bool = False) -> FormatSpec:
    """The format to use for ``path``: ``name`` if given, else by extension and content."""
    known = _formats()
    if name is not None:
        if name not in known:
            raise fail(
                path,
                "-",
                "format",
                _("unknown format {name}; formats are {formats}").format(
                    name=repr(name), formats=list(known)
                ),
            )
        return known[name]
    suffix = path.suffix.lower()
    candidates = [s for s in known.values() if suffix in s.extensions]
    if writing:
        candidates = [s for s in candidates if s.write is not None]
    if not candidates:
        usable = [s for s in known.values() if s.write is not None] if writing else known.values()
        exts = sorted({e for s in usable for e in s.extensions})
        message = (
            _("tawazun writes no {suffix} files; it writes {extensions}")
            if writing
            else _("tawazun reads no {suffix} files; it reads {extensions}")
        )
        raise fail(path, "-", "format", message.format(suffix=repr(suffix), extensions=exts))
    if len(candidates) == 1 or writing or not path.exists():
        return candidates[0]
    head = _head(path)
    for spec in candidates:
        if spec.sniff is None or spec.sniff(head):
            return spec
    return candidates[-1]


def _differences(before: Any, after: Any, path: str) -> Iterator[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in before.keys() | after.keys():
            # stances are keyed by issue id and read as one field for every actor
            name = "*" if path.endswith("stances") else key
            yield from _differences(before.get(key), after.get(key), f"{path}.{name}")
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for one, other in zip(before, after, strict=True):
            yield from _differences(one, other, f"{path}[*]")
    elif before != after:
        yield path.lstrip(".")


def lost_in(original: Scenario, written: Scenario) -> list[str]:
    """The fields of ``original`` that ``written`` (read back from a file) does not hold."""
    return sorted(set(_differences(original.model_dump(), written.model_dump(), "")))


def load(source: str | Path, format: str | None = None) -> Scenario:
    """Read a scenario from a file, or a shipped scenario by its id.

    Only regular files are read, up to a byte limit (see :mod:`tawazun.limits`).

    Raises
    ------
    ScenarioFileError
        With one :class:`Problem` per thing wrong in the file.
    """
    builtin = shipped()
    if isinstance(source, str) and source in builtin and not os.path.lexists(source):
        source = builtin[source]
    path = Path(source)
    if isinstance(source, str) and not source.strip():
        raise fail(source, "-", "file", _("no file name given"))
    check_readable(path)
    return format_for(path, format).read(path)


def _writable_target(path: Path, spec: FormatSpec) -> None:
    if spec.write is None:
        raise fail(
            path,
            "-",
            "format",
            _("tawazun reads {name} files but does not write them").format(name=spec.name),
        )
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise fail(
            path, "-", "file", _("cannot be written: {reason}").format(reason=exc.strerror or exc)
        ) from None
    if stat.S_ISDIR(status.st_mode):
        raise fail(path, "-", "file", _("is a folder; give a file name to write"))
    if not stat.S_ISREG(status.st_mode):
        raise fail(path, "-", "file", _("is not a regular file; tawazun writes only to files"))


def _write_beside(scenario: Scenario, path: Path, spec: FormatSpec) -> Path:
    """Write to a new temporary file in the target's folder; the caller renames or removes it."""
    folder = path.resolve().parent
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=folder)
    except OSError as exc:
        raise fail(
            path, "-", "file", _("cannot be written: {reason}").format(reason=exc.strerror or exc)
        ) from None
    os.close(fd)
    temporary = Path(name)
    write = spec.write
    try:
        if write is None:  # checked by _writable_target
            raise fail(path, "-", "format", spec.name)
        write(scenario, temporary)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise fail(
            path, "-", "file", _("cannot be written: {reason}").format(reason=exc.strerror or exc)
        ) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _replace(temporary: Path, path: Path) -> None:
    try:
        if path.exists():
            # keep the permissions the user gave the file being replaced
            os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
        else:
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path.resolve() if path.is_symlink() else path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise fail(
            path, "-", "file", _("cannot be written: {reason}").format(reason=exc.strerror or exc)
        ) from None


def _umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux): the
    web app may write from several threads, and ``os.umask`` sets it for all of them."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def save(scenario: Scenario, target: str | Path, format: str | None = None) -> Path:
    """Write a scenario; the format follows the extension unless ``format`` is given.

    The file is written beside the target and renamed over it once complete, so an existing
    target is never left half-written.
    """
    path = Path(target)
    spec = format_for(path, format, writing=True)
    _writable_target(path, spec)
    _replace(_write_beside(scenario, path, spec), path)
    return path


def same_file(one: str | Path, other: str | Path) -> bool:
    """Whether two names reach the same file (through links, hard links included)."""
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def save_checked(
    scenario: Scenario, target: str | Path, format: str | None = None, *, source: str | Path
) -> list[str]:
    """Write ``scenario`` to ``target``, read it back, and only then replace ``target``.

    Refuses a target that is ``source`` itself. Returns the fields the written file does
    not hold (see :func:`lost_in`). Should reading back fail, ``target`` is left untouched.
    """
    path = Path(target)
    if same_file(source, path):
        raise fail(
            path,
            "-",
            "file",
            _("is the file being converted ({source}); give another target").format(source=source),
        )
    spec = format_for(path, format, writing=True)
    _writable_target(path, spec)
    temporary = _write_beside(scenario, path, spec)
    try:
        lost = lost_in(scenario, spec.read(temporary))
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _replace(temporary, path)
    return lost
