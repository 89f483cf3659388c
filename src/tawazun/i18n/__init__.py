"""Every user-facing string, in English and Arabic, through one gettext message catalog.

Code marks a string with :func:`_` (or :func:`ngettext` for counts) and writes it in
English; the Arabic lives in ``locale/ar/LC_MESSAGES/tawazun.po``. The language is a context
variable, so the command line sets it once per process and the web app once per request::

    from tawazun.i18n import _, using

    with using("ar"):
        print(_("forecast"))

Text from a scenario (names, labels, rationales) is data, not a message: it carries its
own Arabic and never goes through the catalog.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "ar")
DOMAIN = "tawazun"
LOCALE_DIR = Path(__file__).parent / "locale"
RIGHT_TO_LEFT = frozenset({"ar"})

_language: ContextVar[str] = ContextVar("tawazun_language", default="en")


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang`` (English is the source language: no catalog)."""
    if lang not in LANGUAGES:
        raise KeyError(f"no language {lang!r}; languages are {list(LANGUAGES)}")
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def language() -> str:
    """The language messages are in now."""
    return _language.get()


def set_language(lang: str) -> None:
    """Make ``lang`` the language of every message from here on, in this context."""
    translations(lang)
    _language.set(lang)


@contextmanager
def using(lang: str) -> Iterator[None]:
    """Messages in ``lang`` inside the block."""
    translations(lang)
    token = _language.set(lang)
    try:
        yield
    finally:
        _language.reset(token)


def _(message: str) -> str:
    """``message`` in the current language."""
    return translations(language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for ``count`` things, in the current language."""
    return translations(language()).ngettext(singular, plural, count)


def is_rtl(lang: str | None = None) -> bool:
    """Whether ``lang`` (default: the current language) is written right to left."""
    return (lang or language()) in RIGHT_TO_LEFT


def isolate(text: object) -> str:
    """``text`` in Unicode first-strong isolates (U+2068 ... U+2069).

    A Latin name or a number inside an Arabic sentence (or the reverse) then keeps its own
    direction without reordering the words around it (Unicode bidi algorithm, UAX #9, X5c).
    """
    return f"\u2068{text}\u2069"
