"""Finding the actors an article names: gazetteer names, then patterns for the others.

A name matches a run of words of the normalised text (:mod:`tawazun.draft.text`): its first
word may carry Arabic proclitics (وبالإطار), the others must follow as written. Where two
names overlap the longer wins (كتائب حزب الله over حزب الله). A name that is also a place
(العراق) is not a mention after a locative word (في العراق، بالعراق، in Iraq).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tawazun.draft.articles import Article, Span
from tawazun.draft.gazetteer import Name
from tawazun.draft.text import Normalised, Token, clitic_readings, normalise, tokens

#: Words before a place name that make it the place: "in", "from", "to" and the like.
LOCATIVES = frozenset(
    ["في", "من", "الي", "داخل", "خارج", "عبر", "نحو", "انحاء", "ارجاء"]
    + ["in", "from", "to", "into", "inside", "across", "throughout", "outside", "at", "near"]
)
#: Proclitics that make the word a place: ب ("in") as in بالعراق.
_LOCATIVE_CLITICS = ("ب", "وب", "فب")

#: Heads of names of organisations the gazetteer may lack (Arabic: the head comes first).
ARABIC_HEADS = frozenset(
    [
        "حركه",
        "حزب",
        "تيار",
        "كتائب",
        "جبهه",
        "تحالف",
        "ائتلاف",
        "منظمه",
        "جماعه",
        "ميليشيا",
        "لواء",
        "الويه",
        "فصيل",
        "مجلس",
        "هيئه",
    ]
)
ENGLISH_HEADS = frozenset(
    [
        "party",
        "movement",
        "front",
        "brigades",
        "brigade",
        "army",
        "organisation",
        "organization",
        "alliance",
        "coalition",
        "militia",
        "council",
        "union",
        "league",
        "group",
        "forces",
    ]
)
_ARABIC_STOP = frozenset(
    [
        "في",
        "من",
        "الي",
        "علي",
        "عن",
        "مع",
        "التي",
        "الذي",
        "الذين",
        "ان",
        "او",
        "و",
        "ثم",
        "قد",
        "لا",
        "لم",
        "لن",
        "هذه",
        "هذا",
        "ذلك",
        "تلك",
        "بين",
    ]
)
_ENGLISH_CONNECTORS = frozenset(["of", "the", "al", "for", "and"])


@dataclass(frozen=True)
class Mention:
    """One place where an article names an actor."""

    actor: str
    article: int
    span: Span
    surface: str


@dataclass(frozen=True)
class NewName:
    """A name found by pattern, for an actor the gazetteer lacks."""

    key: str
    surface: str
    article: int
    span: Span


class Matcher:
    """Matches the names of a gazetteer in articles."""

    def __init__(self, names: Iterable[Name]) -> None:
        self._by_first: dict[str, list[Name]] = {}
        for name in names:
            self._by_first.setdefault(name.words[0], []).append(name)
        for group in self._by_first.values():
            group.sort(key=lambda n: len(n.words), reverse=True)

    def mentions(self, article: Article, index: int) -> list[Mention]:
        """Every gazetteer name in ``article`` (the ``index``-th), longest first, no overlaps."""
        norm = normalise(article.text)
        words = tokens(norm)
        found: list[Mention] = []
        place_phrase_end = -1  # "في العراق وسوريا": the places a locative word governs
        i = 0
        while i < len(words):
            match = self._longest_at(article.text, norm, words, i)
            if match is None:
                i += 1
                continue
            name, width, prefix = match
            if name.place and (
                prefix in _LOCATIVE_CLITICS
                or (i > 0 and words[i - 1].text in LOCATIVES)
                or (i == place_phrase_end and prefix.startswith("و"))
                or (i == place_phrase_end + 1 and words[i - 1].text == "and")
            ):
                place_phrase_end = i + width
                i += width
                continue
            start, end = norm.span(words[i].start, words[i + width - 1].end)
            paragraph = paragraph_of(article, start)
            if paragraph is not None:
                found.append(
                    Mention(
                        name.actor,
                        index,
                        Span(paragraph, start, end),
                        article.text[start:end],
                    )
                )
            i += width
        return found

    def _longest_at(
        self, text: str, norm: Normalised, words: list[Token], i: int
    ) -> tuple[Name, int, str] | None:
        word = words[i].text
        readings = clitic_readings(word) if not word.isascii() else frozenset([word])
        best: tuple[Name, int, str] | None = None
        for reading in sorted(readings, key=len, reverse=True):
            for name in self._by_first.get(reading, ()):
                width = len(name.words)
                if best is not None and width <= best[1]:
                    break
                if not _follows(norm, words, i, name.words):
                    continue
                start, end = norm.span(words[i].start, words[i + width - 1].end)
                if name.exact and _letters(text[start:end]) != _letters(name.written):
                    continue
                best = (name, width, word[: len(word) - len(reading)] if reading != word else "")
                break
        return best


def _follows(norm: Normalised, words: list[Token], i: int, name: tuple[str, ...]) -> bool:
    """Whether the words after ``i`` are the rest of ``name``, in one line of text."""
    if i + len(name) > len(words):
        return False
    for k in range(1, len(name)):
        if words[i + k].text != name[k]:
            return False
        gap = norm.text[words[i + k - 1].end : words[i + k].start]
        # a name does not run over a sentence or clause break ("U.S" is one name)
        if any(c in gap for c in "\n،,;:؛!?؟") or ("." in gap and gap.strip() != "."):
            return False
    return True


def _letters(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def paragraph_of(article: Article, offset: int) -> int | None:
    """The number of the paragraph ``offset`` lies in; None between paragraphs."""
    for paragraph in article.paragraphs:
        if paragraph.start <= offset < paragraph.end:
            return paragraph.paragraph
    return None


def new_names(article: Article, index: int, known: list[Mention]) -> list[NewName]:
    """Names of organisations that no gazetteer name covers, found by their head word.

    Arabic: a head (حركة، حزب، كتائب، جبهة...) then a word that is not a function word, then
    up to two words with the article (حزب الدعوة الإسلامية). English: a run of capitalised
    words (joined by of, the, al) that ends or starts with a head (the Badr Brigades, the
    Popular Front of X). A run that overlaps a gazetteer mention is not new.
    """
    norm = normalise(article.text)
    words = tokens(norm)
    taken = [(m.span.start, m.span.end) for m in known if m.article == index]
    found: list[NewName] = []
    i = 0
    while i < len(words):
        width = _arabic_name_at(words, i) or _english_name_at(article.text, norm, words, i)
        if not width:
            i += 1
            continue
        start, end = norm.span(words[i].start, words[i + width - 1].end)
        paragraph = paragraph_of(article, start)
        overlaps = any(s < end and start < e for s, e in taken)
        if paragraph is not None and not overlaps:
            key = " ".join(w.text for w in words[i : i + width])
            found.append(NewName(key, article.text[start:end], index, Span(paragraph, start, end)))
        i += width
    return found


def _arabic_name_at(words: list[Token], i: int) -> int:
    head = words[i].text
    if head not in ARABIC_HEADS or i + 1 >= len(words):
        return 0
    if words[i + 1].text in _ARABIC_STOP or words[i + 1].text.isdigit():
        return 0
    width = 2
    while width < 4 and i + width < len(words) and words[i + width].text.startswith("ال"):
        width += 1
    return width


_CAPITALISED = re.compile(r"[A-Z][\w'-]*")


def _english_name_at(text: str, norm: Normalised, words: list[Token], i: int) -> int:
    def original(k: int) -> str:
        start, end = norm.span(words[k].start, words[k].end)
        return text[start:end]

    if words[i].text in _ENGLISH_CONNECTORS or not words[i].text.isascii():
        return 0  # "The Badr Brigades" is named from "Badr"
    if not _CAPITALISED.fullmatch(original(i)):
        return 0
    k = i
    last_capital = i
    while k + 1 < len(words) and words[k + 1].text.isascii():
        gap = norm.text[words[k].end : words[k + 1].start]
        if gap.strip(" -'"):
            break
        nxt = original(k + 1)
        if _CAPITALISED.fullmatch(nxt):
            last_capital = k + 1
        elif nxt.lower() not in _ENGLISH_CONNECTORS:
            break
        k += 1
    width = last_capital - i + 1
    run = [words[j].text for j in range(i, i + width)]
    if width < 2 or not (run[0] in ENGLISH_HEADS or run[-1] in ENGLISH_HEADS):
        return 0
    return width
