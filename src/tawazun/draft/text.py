"""Arabic and English text made comparable: normalisation, tokens and clitics.

Matching a name in news text needs the spellings an analyst treats as one to compare
equal: the alef forms (أ إ آ ٱ), hamza carriers (ؤ ئ), taa marbuta and haa (ة ه), alef
maqsura and yaa (ى ي), Persian letters common in Iraqi text (ک ی), the tatweel (ـ) and
the diacritics (harakat, tanween, shadda, sukun, dagger alef). Every function here keeps,
for each character of the normalised text, the offset of the character it came from, so a
match found in normalised text slices back to the exact passage of the article.

Clitics are the prefixes written attached to an Arabic word: the conjunctions و and ف,
the prepositions ب ل ك, the future س (not on names, so not here), and the article ال,
alone or combined (وبال، فلل، كال...). ``ل`` + ``ال`` is written ``لل`` (للولايات), which
:func:`clitic_readings` restores.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

#: Diacritics removed: harakat and tanween (U+064B-U+065F), the dagger alef (U+0670),
#: Quranic marks (U+06D6-U+06ED) and the tatweel (U+0640).
_REMOVED = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640"]
    + [chr(c) for c in range(0x06D6, 0x06EE)]
)

#: Letters that spell one letter in names.
_FOLDED = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ئ": "ي",
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",
        "ک": "ك",
        "ے": "ي",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "ʿ": "'",
        "ʾ": "'",
    }
)

#: Proclitic sequences, longest first: conjunction, then preposition, then nothing more
#: (the article is handled by the readings below).
_CONJUNCTIONS = ("", "و", "ف")
_PREPOSITIONS = ("", "ب", "ل", "ك")
PROCLITICS = tuple(
    sorted(
        {c + p for c in _CONJUNCTIONS for p in _PREPOSITIONS} - {""},
        key=len,
        reverse=True,
    )
)

_TOKEN = re.compile(r"\w+")
_MIN_STEM = 2


@dataclass(frozen=True)
class Normalised:
    """Normalised text and, for each of its characters, the offset it came from."""

    text: str
    origin: tuple[int, ...]
    source: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of the normalised slice ``text[start:end]``.

        The span runs on over the diacritics written after its last letter (التنسيقيّ).
        """
        if start >= end:
            raise IndexError("an empty slice has no span")
        last = self.origin[end - 1] + 1
        while last < len(self.source) and self.source[last] in _REMOVED:
            last += 1
        return self.origin[start], last


def normalise(text: str) -> Normalised:
    """``text`` with Arabic spelling variants folded, diacritics removed, Latin case folded.

    Each output character remembers the offset of the input character it came from, so
    spans found in the result map back to the original (:meth:`Normalised.span`).
    """
    out: list[str] = []
    origin: list[int] = []
    for offset, char in enumerate(text):
        if char in _REMOVED:
            continue
        folded = char.translate(_FOLDED)
        if folded.isascii():
            folded = folded.lower()
        elif unicodedata.category(folded).startswith("L") and not _is_arabic(folded):
            # Latin letters with accents (Erdoğan, Séance) compare by their base letter
            folded = "".join(
                c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c)
            ).casefold()
        for piece in folded:
            out.append(piece)
            origin.append(offset)
    return Normalised("".join(out), tuple(origin), text)


def _is_arabic(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f"


def normal_form(text: str) -> str:
    """Only the normalised text (for names and keys)."""
    return normalise(text).text


@dataclass(frozen=True)
class Token:
    """A word of normalised text, with its normalised offsets."""

    text: str
    start: int
    end: int


def tokens(normalised: Normalised) -> list[Token]:
    """The words (runs of letters and digits) of normalised text.

    Apostrophes and hyphens separate words, so ``Asa'ib`` and ``al-Sudani`` give the same
    tokens in a name and in the text.
    """
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(normalised.text)]


def words(text: str) -> tuple[str, ...]:
    """The normalised words of a name."""
    return tuple(token.text for token in tokens(normalise(text)))


@cache
def clitic_readings(word: str) -> frozenset[str]:
    """Every way of reading a normalised word as ``proclitics + stem``: the stems.

    The word itself is one reading; each proclitic sequence it starts with gives another,
    provided at least two letters remain. After ``ل`` the article's alef is not written
    (``للولايات`` is ``ل`` + ``الولايات``), so that reading is restored too.

    Examples
    --------
    >>> sorted(clitic_readings("وللولايات"))
    ['الولايات', 'للولايات', 'لولايات', 'وللولايات']
    """
    readings = {word}
    for prefix in PROCLITICS:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
            stem = word[len(prefix) :]
            readings.add(stem)
            if prefix.endswith("ل") and stem.startswith("ل"):
                readings.add("ا" + stem)
    return frozenset(readings)
