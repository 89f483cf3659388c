"""Every user-facing string, in English and Arabic, through one gettext message catalog.

Code marks a string with :func:`_` (or :func:`ngettext` for counts) and writes it in
English; the Arabic lives in ``locale/ar/LC_MESSAGES/tawazun.po``. The language is a context
variable, so the command line sets it once per process and the web app once per request::

    from tawazun.i18n import _, isolate, ngettext, using

    with using("ar"):
        print(_("forecast"))
        print(
            ngettext(
                "{actor} conceded to {other} in {count} exchange",
                "{actor} conceded to {other} in {count} exchanges",
                9,
            ).format(actor=isolate(name), other=isolate(other), count=9)
        )

Placeholders are named, in braces, and filled after translation (a translator may reorder
them; ``tests/i18n`` checks that every translation keeps the same ones). A string that must
be marked where no language is known yet (a module-level constant) is marked with
:func:`N_` and translated where it is shown, with ``_(CONSTANT)``.

Templates (Jinja2) get the same catalog::

    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(lang), newstyle=False)

and write ``{{ _("{count} runs").format(count=n) }}`` (brace placeholders as in Python;
no ``{% trans %}`` blocks, whose message ids are %-style).

Text from a scenario (names, labels, rationales) is data, not a message: it carries its
own Arabic and :func:`localized` picks it, never the catalog.

The catalog ships as its ``.po`` source only and is compiled in memory the first time a
language is used (:func:`translations`): there is no binary ``.mo`` to forget to rebuild or
to drift from the text reviewers read, and no build step for an editable install. Reading
and compiling the whole Arabic catalog takes a few tens of milliseconds, once per process.
To add messages after marking them in code (``pybabel`` is Babel's command line)::

    pybabel extract -F src/tawazun/i18n/babel.cfg -o /tmp/tawazun.pot .
    pybabel update -i /tmp/tawazun.pot -d src/tawazun/i18n/locale -D tawazun --no-fuzzy-matching

then translate the new entries of ``tawazun.po``, with each placeholder and Latin word of an
Arabic sentence in first-strong isolates (U+2068 ... U+2069, as the catalog does: so that a
name or a command filled in keeps its direction in any caller); ``tests/i18n/test_catalog.py``
lists any message without an Arabic translation.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Protocol

LANGUAGES = ("en", "ar")
DOMAIN = "tawazun"
LOCALE_DIR = Path(__file__).parent / "locale"
RIGHT_TO_LEFT = frozenset({"ar"})
#: The environment variable that chooses the language when nothing else does.
ENVIRONMENT = "TAWAZUN_LANG"

_language: ContextVar[str | None] = ContextVar("tawazun_language", default=None)


def catalog_path(lang: str) -> Path:
    """The ``.po`` file of ``lang``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang``, compiled from its ``.po`` file (English: no catalog).

    The object is a :class:`gettext.GNUTranslations` (``gettext``, ``ngettext``,
    ``pgettext``...), the form Jinja2's ``install_gettext_translations`` takes.
    """
    if lang not in LANGUAGES:
        raise KeyError(f"no language {lang!r}; languages are {list(LANGUAGES)}")
    source = catalog_path(lang)
    if not source.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with source.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def default_language() -> str:
    """``TAWAZUN_LANG`` if it names a language, else English."""
    lang = os.environ.get(ENVIRONMENT, "").strip().lower()
    return lang if lang in LANGUAGES else "en"


def language() -> str:
    """The language messages are in now."""
    return _language.get() or default_language()


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


def N_(message: str) -> str:  # noqa: N802 (the name gettext tools look for)
    """Mark ``message`` for the catalog without translating it (translate it with ``_``)."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for ``count`` things, in the current language.

    Arabic has six forms (zero, one, two, few, many, other); the catalog holds each.
    """
    return translations(language()).ngettext(singular, plural, count)


def is_rtl(lang: str | None = None) -> bool:
    """Whether ``lang`` (default: the current language) is written right to left."""
    return (lang or language()) in RIGHT_TO_LEFT


def direction(lang: str | None = None) -> str:
    """``"rtl"`` or ``"ltr"``, the value of HTML's ``dir`` attribute."""
    return "rtl" if is_rtl(lang) else "ltr"


def isolate(text: object) -> str:
    """``text`` in Unicode first-strong isolates (U+2068 ... U+2069).

    A Latin name or a number inside an Arabic sentence (or the reverse) then keeps its own
    direction without reordering the words around it (Unicode bidi algorithm, UAX #9, X5c).
    """
    return f"\u2068{text}\u2069"


class Bilingual(Protocol):
    """A scenario's name or label (:class:`tawazun.scenario.Text`)."""

    en: str
    ar: str


def localized(text: Bilingual, lang: str | None = None) -> str:
    """The Arabic of a scenario's name or label in Arabic when it has one, else the English."""
    if (lang or language()) == "ar" and text.ar:
        return text.ar
    return text.en
