"""Suggested positions and saliences, from the passages that name an actor on an issue.

Position (one issue, one actor): every labelled band and point of the issue is a candidate;
the actor's passages and each candidate's label become TF-IDF vectors of character n-grams
of the normalised text (3 to 5 characters within words, which copes with Arabic prefixes
and suffixes without a stemmer; scikit-learn's ``TfidfVectorizer(analyzer="char_wb")``),
and the candidate whose label is closest (mean cosine similarity over the passages) is
suggested: a band's midpoint or a point's value. Its confidence is the margin over the
runner-up, ``(s1 - s2) / s1``: 0 when two candidates tie, 1 when only one is similar at all.

Which passages ("the actor next to what it wants"): a sentence is about an issue when its
similarity to the issue's own text (its name and all its labels) reaches :data:`RELEVANCE`;
within it, the passage is the clause that names the actor (a sentence is cut before its
contrastive connectors: فيما، بينما، لكن، while, but), kept only when a word saying what an
actor wants, needs, refuses or does about it (:data:`WANTS`) stands within
:data:`WANT_WINDOW` words of the name. An actor named only in passing gets no value.

Salience: how often and how strongly an actor's stake is stated. ``stake`` counts the
actor's passages on the issue plus the intensity words among them (demands, rejects,
pillar, must...); the actor with the largest stake gets :data:`TOP_SALIENCE` and the others
in proportion, floored at :data:`FLOOR_SALIENCE` (a stake stated once is still a stake).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from tawazun.draft.articles import Article, Span
from tawazun.draft.mentions import Mention
from tawazun.draft.text import clitic_readings, normal_form, words
from tawazun.scenario import Issue, Text

#: A sentence is about an issue from this cosine similarity to the issue's text.
RELEVANCE = 0.12
TOP_SALIENCE = 0.9
FLOOR_SALIENCE = 0.2
NGRAMS = (3, 5)

#: Words that state a stake strongly (normalised; ``_`` joins the words of one cue).
_ARABIC_INTENSITY = """
    يطالب تطالب المطالب مطالب يرفض ترفض رفض يصر تصر اصرار يدعو تدعو الدعوات يدفعون ركيزه
    اساسي ضروري حاسم خط_احمر لا_يمكن لا_يستطيع بحاجه استهدفت هجمات الكامل
"""
_ENGLISH_INTENSITY = """
    demand insist reject refuse call_for must vital essential
    red_line pillar cannot needs attack full_withdrawal determined
"""
INTENSITY = {
    lang: tuple(tuple(cue.split("_")) for cue in text.split())
    for lang, text in (("ar", _ARABIC_INTENSITY), ("en", _ENGLISH_INTENSITY))
}


@dataclass(frozen=True)
class Candidate:
    """A labelled part of an issue's scale: a band (its midpoint) or a point."""

    kind: str
    id: str
    value: float
    label: str


@dataclass(frozen=True)
class Position:
    """A suggested position and why."""

    candidate: Candidate
    similarity: float
    runner_up: Candidate | None
    runner_up_similarity: float
    confidence: float
    #: "tf-idf", or the endpoint of the language model that suggested it
    by: str = "tf-idf"


def candidates(issue: Issue, lang: str) -> list[Candidate]:
    """The issue's bands and points with their labels in ``lang`` (English when missing)."""

    def label(text: Text) -> str:
        return text.ar if lang == "ar" and text.ar else text.en

    found = [
        Candidate("band", band.id, (band.lower + band.upper) / 2, label(band.label))
        for band in issue.bands
    ]
    found += [
        Candidate("point", f"{point.value:g}", point.value, label(point.label))
        for point in issue.points
    ]
    return found


def issue_text(issue: Issue, lang: str) -> str:
    name = issue.name.ar if lang == "ar" and issue.name.ar else issue.name.en
    return " ".join([name, *(c.label for c in candidates(issue, lang))])


def vectorizer(corpus: list[str]) -> TfidfVectorizer:
    """TF-IDF on character n-grams of normalised text, fitted on ``corpus``."""
    model = TfidfVectorizer(
        analyzer="char_wb", ngram_range=NGRAMS, preprocessor=normal_form, sublinear_tf=True
    )
    model.fit(corpus)
    return model


def relevance(model: TfidfVectorizer, sentences: list[str], issue: Issue, lang: str) -> np.ndarray:
    """Each sentence's cosine similarity to the issue's text."""
    if not sentences:
        return np.zeros(0)
    vectors = model.transform([*sentences, issue_text(issue, lang)])
    return cosine_similarity(vectors[:-1], vectors[-1:])[:, 0]


def suggest_position(
    model: TfidfVectorizer, passages: list[tuple[str, str]], issue: Issue
) -> Position | None:
    """The candidate closest to ``passages`` (each ``(text, lang)``, compared with the labels
    in its own language); None without passages, labels or any similarity."""
    by_lang = {lang: candidates(issue, lang) for lang in {lang for _, lang in passages}}
    if not passages or not any(by_lang.values()):
        return None
    rows = []
    for text, lang in passages:
        labels = [c.label for c in by_lang[lang]]
        vectors = model.transform([text, *labels])
        rows.append(cosine_similarity(vectors[:1], vectors[1:])[0])
    similarity = np.mean(rows, axis=0)
    options = next(iter(by_lang.values()))
    order = np.argsort(-similarity, kind="stable")
    best = float(similarity[order[0]])
    if best <= 0:
        return None
    second = float(similarity[order[1]]) if len(order) > 1 else 0.0
    return Position(
        candidate=options[order[0]],
        similarity=best,
        runner_up=options[order[1]] if len(order) > 1 else None,
        runner_up_similarity=second,
        confidence=(best - second) / best,
    )


def _readings(word: str, lang: str) -> frozenset[str] | tuple[str, ...]:
    return clitic_readings(word) if lang == "ar" else (word,)


def _cue_at(found: tuple[str, ...], k: int, cue: tuple[str, ...], lang: str) -> bool:
    """Whether ``cue`` starts at word ``k``: its first word begins a reading of the text's
    word (clitics allowed: وترفض), the others begin the words that follow."""
    if k + len(cue) > len(found):
        return False
    if not any(r.startswith(cue[0]) for r in _readings(found[k], lang)):
        return False
    return all(found[k + n].startswith(cue[n]) for n in range(1, len(cue)))


def intensity(passage: str, lang: str) -> int:
    """How many intensity words ``passage`` holds (at a word's start: يطالبون, demands)."""
    found = words(passage)
    return sum(_cue_at(found, k, cue, lang) for k in range(len(found)) for cue in INTENSITY[lang])


def saliences(stakes: dict[str, float]) -> dict[str, float]:
    """Each actor's salience (0-1) from its stake, in proportion to the largest."""
    top = max(stakes.values(), default=0.0)
    if top <= 0:
        return {}
    return {
        actor: round(max(FLOOR_SALIENCE, TOP_SALIENCE * stake / top), 2)
        for actor, stake in stakes.items()
    }


#: Words saying what an actor wants, needs, refuses or does about it (normalised; matched
#: at a word's start, so يطالب covers يطالبون and demand covers demanded).
_ARABIC_WANTS = """
    يريد تريد يرغب ترغب يطالب تطالب طالب المطالب مطالب يدعو تدعو دعا دعت الدعوات يرفض
    ترفض رفض يسعي تسعي يحاول تحاول يصر تصر يدفعون يدفع تدفع يويد تويد يدعم تدعم يعارض
    تعارض يفضل تفضل يشترط تشترط اشترط بحاجه يحتاج تحتاج يدرك تدرك يعتبر تعتبر يري تري
    يتمسك تتمسك يرحب ترحب رحب يوكد توكد اكد اكدت يهدد تهدد استهدفت يتجهان يتجه تتجه
"""
_ENGLISH_WANTS = """
    want demand call urge seek insist reject refus support back oppos favour favor
    prefer need condition require welcom offer threat attack push press accept agree
"""
WANTS = {"ar": tuple(_ARABIC_WANTS.split()), "en": tuple(_ENGLISH_WANTS.split())}
#: How many words from an actor's name a word saying what it wants may stand.
WANT_WINDOW = 8


def states_a_stake(article: Article, clause: Span, mention: Mention) -> bool:
    """Whether a word saying what an actor wants stands near its name in the clause."""
    cues = WANTS[article.lang]
    before = words(article.text[clause.start : mention.span.start])[-WANT_WINDOW:]
    after = words(article.text[mention.span.end : clause.end])[:WANT_WINDOW]
    return any(
        reading.startswith(cues)
        for word in (*before, *after)
        for reading in _readings(word, article.lang)
    )
