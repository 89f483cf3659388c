"""The Arabic catalog holds a translation of every message the code marks.

The messages are found as ``pybabel extract`` finds them (the mapping in
``src/tawazun/i18n/babel.cfg``), so a string marked anywhere in the package, or in a
template, and left untranslated fails here with its file and line.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tawazun import i18n
from tawazun.i18n import _, isolate, localized, ngettext, using

REPO = Path(__file__).resolve().parents[2]
MAPPING = REPO / "src" / "tawazun" / "i18n" / "babel.cfg"


def marked_messages() -> dict[str | tuple[str, ...], list[str]]:
    """Every marked message (a tuple for plural ones) and where it is marked."""
    with MAPPING.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(MAPPING))
    found: dict[str | tuple[str, ...], list[str]] = {}
    for path, line, message, _comments, _context in extract_from_dir(
        str(REPO), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        if isinstance(message, tuple):
            message = tuple(m for m in message if m)
            if len(message) == 1:
                message = message[0]
        found.setdefault(message, []).append(f"{path}:{line}")
    return found


@pytest.fixture(scope="module")
def catalog():
    with i18n.catalog_path("ar").open("rb") as handle:
        return read_po(handle, locale="ar", domain=i18n.DOMAIN)


def test_the_code_marks_messages():
    # the extraction itself works: it finds the messages of the modules known to mark some
    places = [place for where in marked_messages().values() for place in where]
    assert any("charts" in place for place in places)


def test_every_marked_message_has_an_arabic_translation(catalog):
    missing = []
    for message, where in sorted(marked_messages().items(), key=lambda item: str(item[0])):
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(msgid)
        strings = () if entry is None else entry.string
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(f"{where[0]}: {msgid!r}")
    assert not missing, "messages without Arabic:\n" + "\n".join(missing)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_translations_keep_the_placeholders(catalog):
    wrong = []
    for entry in catalog:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set().union(*(placeholders(i) for i in ids))
        for translated in filter(None, strings):  # untranslated ones fail the test above
            # an Arabic form may drop {count} where the word itself says the number (one, two)
            got = placeholders(translated)
            if not got <= wanted or not (wanted - {"count"}) <= got:
                wrong.append(f"{ids[0]!r}: {translated!r}")
    assert not wrong, "\n".join(wrong)


def test_plural_messages_have_every_arabic_form(catalog):
    assert catalog.num_plurals == 6
    for entry in catalog:
        if isinstance(entry.id, tuple) and entry.id[0]:
            assert len(entry.string) == 6, entry.id


def test_the_catalog_is_valid_python_brace_format(catalog):
    for entry in catalog:
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for translated in strings:
            string.Formatter().parse(translated)  # raises on unbalanced braces
            list(string.Formatter().parse(translated))


def test_messages_follow_the_language():
    with using("ar"):
        assert re.search("[\u0600-\u06ff]", _("forecast"))
    with using("en"):
        assert _("forecast") == "forecast"


def test_arabic_plurals_choose_the_form_by_count():
    singular, plural = "share of the {count} run", "share of the {count} runs"
    with using("ar"):
        one, two, few, many = (ngettext(singular, plural, n) for n in (1, 2, 3, 11))
    assert len({one, two, few, many}) == 4
    assert "{count}" not in one and "{count}" not in two  # the word itself says one, two
    with using("en"):
        assert ngettext(singular, plural, 1) == singular


def test_the_environment_chooses_the_default_language(monkeypatch):
    monkeypatch.setenv("TAWAZUN_LANG", "ar")
    assert i18n.language() == "ar"
    with using("en"):
        assert i18n.language() == "en"
    monkeypatch.setenv("TAWAZUN_LANG", "klingon")
    assert i18n.language() == "en"


def test_isolate_wraps_in_first_strong_isolates():
    assert isolate("Hezbollah") == "\u2068Hezbollah\u2069"


def test_localized_falls_back_to_english():
    class Name:
        en, ar = "Iran", ""

    with using("ar"):
        assert localized(Name()) == "Iran"


def test_jinja2_templates_get_the_same_translations():
    jinja2 = pytest.importorskip("jinja2")
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    env.install_gettext_translations(i18n.translations("ar"), newstyle=False)
    page = env.from_string("{{ _('Forecast') }}").render()
    with using("ar"):
        assert page == _("Forecast")


def test_placeholders_in_arabic_sentences_are_isolated(catalog):
    # a name, number or command filled into an Arabic sentence keeps its own direction
    bare = []
    for entry in catalog:
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for translated in strings:
            if not re.search("[\u0600-\u06ff]", translated):
                continue
            depth = 0
            for k, char in enumerate(translated):
                depth += char == "\u2068"
                depth -= char == "\u2069"
                if char == "{" and depth == 0 and not translated.startswith("{{", k):
                    bare.append(translated)
                    break
    assert not bare, "\n".join(bare)


def test_isolates_are_flat_and_leave_sentence_punctuation_outside(catalog):
    # a full stop or colon inside an isolate shows at the isolate's end, not the sentence's
    wrong = []
    for entry in catalog:
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for translated in strings:
            depth = 0
            for k, char in enumerate(translated):
                depth += char == "\u2068"
                depth -= char == "\u2069"
                nested = char == "\u2068" and depth > 1
                if nested or (char == "\u2069" and k and translated[k - 1] in ".,:;،؛"):
                    wrong.append(translated)
                    break
    assert not wrong, "\n".join(wrong)
