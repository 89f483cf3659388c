"""The fonts a report embeds, so that Arabic and Latin text have glyphs wherever it opens.

Reports embed Noto Naskh Arabic (Arabic) and Noto Sans (Latin), both under the SIL Open
Font License, which allows embedding them in documents. They are read from the system's
font folders (Debian's ``fonts-noto-core``, which the project's set-up installs), or from
the folder named by ``TAWAZUN_FONTS``; a missing font is an error that names the package.
"""

from __future__ import annotations

import base64
import os
from functools import cache
from pathlib import Path

from tawazun.i18n import _

#: (CSS family, weight, file name) of every face a report embeds.
FACES = (
    ("Noto Naskh Arabic", 400, "NotoNaskhArabic-Regular.ttf"),
    ("Noto Naskh Arabic", 700, "NotoNaskhArabic-Bold.ttf"),
    ("Noto Sans", 400, "NotoSans-Regular.ttf"),
    ("Noto Sans", 700, "NotoSans-Bold.ttf"),
)
FOLDERS = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/noto"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
)


class ReportError(RuntimeError):
    """Something the machine lacks to make a report (a font, the browser): not bad input."""


class MissingFont(ReportError):
    """A font a report embeds is not installed."""


def font_file(name: str) -> Path:
    """The file of a face: under ``TAWAZUN_FONTS`` if set, else the system's folders."""
    folders = [Path(os.environ["TAWAZUN_FONTS"])] if os.environ.get("TAWAZUN_FONTS") else []
    for folder in [*folders, *FOLDERS]:
        for path in (folder / name, *folder.glob(f"**/{name}")):
            if path.is_file():
                return path
    raise MissingFont(
        _(
            "the font {name} is not installed: install Debian's fonts-noto-core "
            "(apt-get install fonts-noto-core) or name its folder in TAWAZUN_FONTS"
        ).format(name=name)
    )


@cache
def font_css() -> str:
    """``@font-face`` rules with every face inlined as a data URL."""
    rules = []
    for family, weight, name in FACES:
        data = base64.b64encode(font_file(name).read_bytes()).decode("ascii")
        rules.append(
            f"@font-face{{font-family:'{family}';font-weight:{weight};font-style:normal;"
            f"src:url(data:font/ttf;base64,{data}) format('truetype');}}"
        )
    return "\n".join(rules)
