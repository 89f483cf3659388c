"""Reading input files as text, with the errors analysts actually meet.

Only regular files are read, and at most ``limits.value("file_bytes")`` bytes of them: a
FIFO, a device such as ``/dev/zero`` (directly or through a link) or a socket is refused
before a byte is read, so no input can hang a command or fill its memory.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from tawazun import limits
from tawazun.i18n import _
from tawazun.io.errors import fail


def check_readable(path: Path) -> os.stat_result:
    """The file's status, once it is known to be a regular file tawazun may read.

    Raises
    ------
    ScenarioFileError
        For an empty name, a missing file, a link loop, a folder, or anything that is not a
        regular file.
    """
    if not str(path).strip():
        raise fail(path, "-", "file", _("no file name given"))
    try:
        status = os.stat(path)
    except OSError as exc:
        raise fail(path, "-", "file", _os_message(exc)) from None
    if stat.S_ISDIR(status.st_mode):
        raise fail(path, "-", "file", _("is a folder; give a scenario file"))
    if not stat.S_ISREG(status.st_mode):
        raise fail(path, "-", "file", _("is not a regular file (a pipe, a device or a socket)"))
    return status


def _os_message(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return _("is a loop of symbolic links")
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return _("not found")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _("permission denied")
    if exc.errno == errno.ENAMETOOLONG:
        return _("the file name is too long")
    return _("cannot be read: {reason}").format(reason=exc.strerror or exc)


def read_bytes(path: Path, empty: str | None = None) -> bytes:
    """The whole file, refused when it is not a regular file or is above the byte limit.

    ``empty`` is the message for a file without text (a scenario's by default).
    """
    check_readable(path)
    cap = limits.value("file_bytes")
    try:
        # O_NONBLOCK: should the path turn into a FIFO between the check and the open, the
        # open returns at once instead of waiting for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise fail(path, "-", "file", _os_message(exc)) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise fail(path, "-", "file", _("is not a regular file (a pipe, a device or a socket)"))
        data = handle.read(cap + 1)
    if len(data) > cap:
        raise fail(
            path,
            "-",
            "file",
            _("is larger than {cap:,} bytes; set TAWAZUN_MAX_FILE_BYTES to read it").format(
                cap=cap
            ),
        )
    if not data.strip():
        raise fail(path, 1, "file", empty or _("is empty; a scenario needs issues and actors"))
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
            _(
                "byte 0x{byte:02x} is not UTF-8; save the file as UTF-8 (in Excel: 'CSV UTF-8')"
            ).format(byte=data[exc.start]),
        ) from None
    if not text.strip():
        raise fail(path, 1, "file", _("is empty; a scenario needs issues and actors"))
    return text


def id_from(name: str, fallback: str, separator: str = "-") -> str:
    """An id (ASCII letters, digits, ``_``, ``.``, ``-``) from a file's name: every run of
    other characters, Arabic letters and spaces included, becomes ``separator``."""
    return re.sub(r"[^A-Za-z0-9_.\-]+", separator, name).strip("-.") or fallback
