"""From articles to a draft scenario: actors, passages, suggested values, all marked draft.

Nothing is invented: an actor is written only if an article names it, a stance only if a
passage names the actor on that issue, and an issue only if some actor has a stance on it.
Every suggested number carries ``draft: true``, its rationale and the quotes behind it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tawazun.draft.articles import Article, Span
from tawazun.draft.gazetteer import Entry, Gazetteer
from tawazun.draft.llm import ModelValue
from tawazun.draft.mentions import Matcher, Mention, NewName, new_names, paragraph_of
from tawazun.draft.suggest import (
    RELEVANCE,
    Position,
    candidates,
    intensity,
    relevance,
    saliences,
    states_a_stake,
    suggest_position,
    vectorizer,
)
from tawazun.draft.text import words
from tawazun.errors import InvalidArgument
from tawazun.i18n import _
from tawazun.scenario import Actor, Evidence, Issue, Metadata, Quote, Scenario, Stance, Text

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

#: At most this many quotes are written per value (the strongest first).
MAX_QUOTES = 4


@dataclass(frozen=True)
class Passage:
    """A clause of an article that names an actor next to what it wants, quoted."""

    article: Article
    span: Span

    @property
    def text(self) -> str:
        return self.article.quote(self.span)

    def quote(self) -> Quote:
        return Quote(
            article=self.article.name,
            paragraph=self.span.paragraph,
            start=self.span.start,
            end=self.span.end,
            text=self.text,
        )

    def source(self) -> str:
        """A short reference; the quote itself is in ``quotes``."""
        return f"{self.article.name}, paragraph {self.span.paragraph}"


@dataclass
class Found:
    """An actor found in the articles: its gazetteer entry (or pattern name) and mentions."""

    id: str
    name: Text
    group: str | None
    entry: Entry | None
    mentions: list[Mention] = field(default_factory=list)


@dataclass(frozen=True)
class Draft:
    """A draft scenario and what the drafting saw."""

    scenario: Scenario
    #: actor id -> {issue id -> passages used}
    passages: dict[str, dict[str, list[Passage]]]
    #: actor id -> suggested position per issue
    positions: dict[str, dict[str, Position]]
    #: issues of the template that no passage addresses (left out of the draft)
    issues_left_out: list[str]
    #: actors found in the articles with no passage on any issue (written without stances)
    actors_without_stance: list[str]
    #: what the user should know about how the draft was made (for example, dropped values)
    notes: tuple[str, ...] = ()


def find_actors(
    articles: list[Article], gazetteer: Gazetteer, as_of: dt.date | None
) -> list[Found]:
    """The actors the articles name, most mentioned first."""
    matcher = Matcher(gazetteer.names(as_of))
    found: dict[str, Found] = {}
    pattern_names: list[NewName] = []
    for index, article in enumerate(articles):
        mentions = matcher.mentions(article, index)
        for mention in mentions:
            entry = gazetteer.entries[mention.actor]
            found.setdefault(
                mention.actor, Found(entry.id, entry.name, entry.kind, entry)
            ).mentions.append(mention)
        pattern_names += new_names(article, index, mentions)
    for name in pattern_names:
        actor_id = _pattern_id(name, found)
        arabic = not name.surface.isascii()
        text = Text(en=name.surface, ar=name.surface if arabic else "")
        found.setdefault(actor_id, Found(actor_id, text, None, None)).mentions.append(
            Mention(actor_id, name.article, name.span, name.surface)
        )
    order = sorted(
        found.values(),
        key=lambda f: (-len(f.mentions), f.mentions[0].article, f.mentions[0].span.start),
    )
    return order


def _pattern_id(name: NewName, found: dict[str, Found]) -> str:
    """An id for a name found by pattern: its ASCII slug, or ``new-N`` for Arabic names."""
    for actor in found.values():
        if actor.entry is None and actor.mentions and _key(actor.mentions[0].surface) == name.key:
            return actor.id
    slug = re.sub(r"[^a-z0-9]+", "-", name.key).strip("-")
    if slug and name.surface.isascii():
        return f"new-{slug}"
    return f"new-{1 + sum(a.entry is None for a in found.values())}"


def _key(surface: str) -> str:
    return " ".join(words(surface))


def _containing(spans: list[Span], mention: Mention) -> Span:
    """The span (sentence or clause) a mention starts in."""
    for span in spans:
        if span.start <= mention.span.start < span.end:
            return span
    return mention.span


def _on_issue(
    model: TfidfVectorizer, articles: list[Article], sentences: list[list[Span]], issue: Issue
) -> list[set[tuple[int, int]]]:
    """Per article, the sentences about ``issue`` (as their offsets)."""
    return [
        {
            (s.start, s.end)
            for s, score in zip(
                spans, relevance(model, [a.quote(s) for s in spans], issue, a.lang), strict=True
            )
            if score >= RELEVANCE
        }
        for a, spans in zip(articles, sentences, strict=True)
    ]


def _passages(
    actors: list[Found],
    articles: list[Article],
    sentences: list[list[Span]],
    on_issue: dict[str, list[set[tuple[int, int]]]],
) -> dict[str, dict[str, list[Passage]]]:
    """For each actor and issue, the clauses that name it next to what it wants."""
    passages: dict[str, dict[str, list[Passage]]] = {}
    for actor in actors:
        for issue_id, about in on_issue.items():
            chosen: dict[tuple[int, int, int], Passage] = {}
            for mention in actor.mentions:
                article = articles[mention.article]
                sentence = _containing(sentences[mention.article], mention)
                if (sentence.start, sentence.end) not in about[mention.article]:
                    continue
                clause = _containing(article.clauses(sentence), mention)
                if states_a_stake(article, clause, mention):
                    chosen[(mention.article, clause.start, clause.end)] = Passage(article, clause)
            if chosen:
                passages.setdefault(actor.id, {})[issue_id] = list(chosen.values())
    return passages


def draft_scenario(
    articles: list[Article],
    template: Scenario,
    gazetteer: Gazetteer,
    as_of: dt.date | None = None,
    llm: tuple[str, list[ModelValue], int] | None = None,
) -> Draft:
    """Draft a scenario on ``template``'s issues from ``articles``.

    ``llm`` is ``(url, values, dropped)`` from :func:`tawazun.draft.llm.ask`: its values
    replace the offline suggestions for the same actor and issue.

    Raises
    ------
    InvalidArgument
        When the articles name no actor, or no actor on any of the template's issues.
    """
    as_of = as_of or template.metadata.as_of
    actors = find_actors(articles, gazetteer, as_of)
    if not actors:
        raise InvalidArgument("draft", "articles", _("the articles name no actor we know"))
    sentences = [article.sentences() for article in articles]
    labels = [
        c.label for i in template.issues for lang in ("ar", "en") for c in candidates(i, lang)
    ]
    model = vectorizer(
        [a.quote(s) for a, spans in zip(articles, sentences, strict=True) for s in spans] + labels
    )
    on_issue = {i.id: _on_issue(model, articles, sentences, i) for i in template.issues}
    passages = _passages(actors, articles, sentences, on_issue)
    positions: dict[str, dict[str, Position]] = {}
    for actor_id, by_issue in passages.items():
        for issue in template.issues:
            if issue.id in by_issue:
                texts = [(p.text, p.article.lang) for p in by_issue[issue.id]]
                position = suggest_position(model, texts, issue)
                if position is not None:
                    positions.setdefault(actor_id, {})[issue.id] = position

    notes: list[str] = []
    given: dict[tuple[str, str], float] = {}  # the model's saliences
    if llm is not None:
        notes.append(
            _apply_model(
                llm,
                articles,
                template,
                gazetteer,
                as_of,
                actors,
                passages,
                positions,
                given,
            )
        )

    issues = [i for i in template.issues if any(i.id in p for p in positions.values())]
    if not issues:
        raise InvalidArgument(
            "draft", "articles", _("no passage names an actor on any of the template's issues")
        )
    salience = {
        issue.id: saliences(
            {
                actor_id: len(passages[actor_id][issue.id])
                + sum(intensity(p.text, p.article.lang) for p in passages[actor_id][issue.id])
                for actor_id, by_issue in positions.items()
                if issue.id in by_issue
            }
        )
        for issue in issues
    }
    for (actor_id, issue_id), value in given.items():
        salience[issue_id][actor_id] = value
    written = [
        _actor(actor, issues, passages, positions, salience, template.salience_scale)
        for actor in actors
    ]
    scenario = Scenario(
        id=f"{template.id}-draft",
        metadata=_metadata(articles, template, as_of),
        salience_scale=template.salience_scale,
        issues=issues,
        actors=written,
    )
    return Draft(
        scenario=scenario,
        passages=passages,
        positions=positions,
        issues_left_out=[i.id for i in template.issues if i not in issues],
        actors_without_stance=[a.id for a in actors if a.id not in positions],
        notes=tuple(notes),
    )


def _apply_model(
    llm: tuple[str, list[ModelValue], int],
    articles: list[Article],
    template: Scenario,
    gazetteer: Gazetteer,
    as_of: dt.date | None,
    actors: list[Found],
    passages: dict[str, dict[str, list[Passage]]],
    positions: dict[str, dict[str, Position]],
    saliences_given: dict[tuple[str, str], float],
) -> str:
    """Put the model's verified values in place of the offline ones; say how many held."""
    url, values, dropped = llm
    kept = 0
    matcher = Matcher(gazetteer.names(as_of))
    for value in values:
        actor = _model_actor(value, articles, actors, matcher)
        if actor is None:
            dropped += 1
            continue
        issue = template.issue(value.issue)
        passage = Passage(articles[value.article], value.span)
        found = passages.setdefault(actor.id, {}).setdefault(issue.id, [])
        if all(p.span != passage.span for p in found):
            found.insert(0, passage)
        candidate = next(c for c in candidates(issue, "en") if c.id == value.band)
        positions.setdefault(actor.id, {})[issue.id] = Position(
            candidate, 0.0, None, 0.0, float("nan"), by=url
        )
        saliences_given[(actor.id, issue.id)] = value.salience / 100
        kept += 1
    return _("{url}: {kept} value(s) kept, {dropped} dropped (no verbatim quote or no fit)").format(
        url=url, kept=kept, dropped=dropped
    )


def _model_actor(
    value: ModelValue, articles: list[Article], actors: list[Found], matcher: Matcher
) -> Found | None:
    """The actor a model's entry names: a gazetteer actor the articles name, or a name
    written verbatim in an article (added as a new actor); None otherwise."""
    by_id = {a.id: a for a in actors}
    named = matcher.mentions(Article("name", value.actor, "", (Span(1, 0, len(value.actor)),)), 0)
    if named:
        return by_id.get(named[0].actor)
    for index, article in enumerate(articles):
        start = article.text.find(value.actor)
        paragraph = paragraph_of(article, start) if start >= 0 else None
        if paragraph is None:
            continue
        span = Span(paragraph, start, start + len(value.actor))
        actor_id = _pattern_id(NewName(_key(value.actor), value.actor, index, span), by_id)
        if actor_id not in by_id:
            arabic = not value.actor.isascii()
            name = Text(en=value.actor, ar=value.actor if arabic else "")
            actors.append(Found(actor_id, name, None, None))
            by_id[actor_id] = actors[-1]
        by_id[actor_id].mentions.append(Mention(actor_id, index, span, value.actor))
        return by_id[actor_id]
    return None


def _actor(
    actor: Found,
    issues: list[Issue],
    passages: dict[str, dict[str, list[Passage]]],
    positions: dict[str, dict[str, Position]],
    salience: dict[str, dict[str, float]],
    scale: int,
) -> Actor:
    stances: dict[str, Stance] = {}
    for issue in issues:
        position = positions.get(actor.id, {}).get(issue.id)
        if position is None:
            continue
        found = sorted(
            passages[actor.id][issue.id],
            key=lambda p: -intensity(p.text, p.article.lang),
        )
        quotes = [p.quote() for p in found[:MAX_QUOTES]]
        sources = [p.source() for p in found[:MAX_QUOTES]]
        value = salience[issue.id][actor.id] * scale
        stances[issue.id] = Stance(
            position=position.candidate.value,
            salience=round(value, 2),
            evidence={
                "position": Evidence(
                    rationale=_position_rationale(position, len(found)),
                    sources=sources,
                    quotes=quotes,
                    draft=True,
                ),
                "salience": Evidence(
                    rationale=_salience_rationale(found, position),
                    sources=sources,
                    quotes=quotes,
                    draft=True,
                ),
            },
        )
    capability = actor.entry.capability if actor.entry is not None else None
    capability_evidence = (
        capability.evidence()
        if capability is not None
        else Evidence(
            rationale="Left to the analyst: the articles do not measure it and the gazetteer "
            "documents no default.",
            draft=True,
        )
    )
    counted = Counter(m.surface for m in actor.mentions)
    articles = sorted({m.article for m in actor.mentions})
    notes = (
        f"Named {len(actor.mentions)} times in {len(articles)} article(s) as "
        + ", ".join(f"«{surface}» ({count})" for surface, count in counted.most_common(6))
        + "."
    )
    if actor.entry is None:
        notes += " Found by pattern, not in the gazetteer: check the name and its English."
    return Actor(
        id=actor.id,
        name=actor.name,
        group=actor.group,
        capability=capability.value if capability is not None else None,
        stances=stances,
        notes=notes,
        evidence={"capability": capability_evidence},
    )


def _position_rationale(position: Position, count: int) -> str:
    best = position.candidate
    if position.by != "tf-idf":
        return (
            f"Suggested by the language model at {position.by}: the {best.kind} {best.id!r} "
            f"({best.value:g}), with the first quote below, found verbatim in the article. "
            "Check it against the quotes."
        )
    text = (
        f"Suggested by tawazun draft: the {best.kind} {best.id!r} ({best.value:g}) is the "
        f"label closest to the actor's {count} passage(s) on this issue (TF-IDF on character "
        f"n-grams, mean cosine similarity {position.similarity:.2f}"
    )
    if position.runner_up is not None:
        text += (
            f"; next: {position.runner_up.kind} {position.runner_up.id!r}, "
            f"{position.runner_up_similarity:.2f}"
        )
    return text + f"); confidence {position.confidence:.2f}. Check it against the quotes."


def _salience_rationale(found: list[Passage], position: Position) -> str:
    if position.by != "tf-idf":
        return (
            f"Suggested by the language model at {position.by}, with the first quote below. "
            "Check it against the quotes."
        )
    strong = sum(intensity(p.text, p.article.lang) for p in found)
    return (
        f"Suggested by tawazun draft from how often and how strongly the stake is stated: "
        f"{len(found)} passage(s), {strong} intensity word(s), scaled to the most stated "
        f"actor on this issue. Check it against the quotes."
    )


def _metadata(articles: list[Article], template: Scenario, as_of: dt.date | None) -> Metadata:
    names = ", ".join(a.name for a in articles)
    return Metadata(
        title=Text(
            en=f"Draft: {template.metadata.title.en}",
            ar=f"مسودة: {template.metadata.title.ar}" if template.metadata.title.ar else "",
        ),
        as_of=as_of,
        authors=["tawazun draft"],
        notes=(
            f"Drafted by `tawazun draft` from {names} on the issues of {template.id!r}. "
            "Every value marked draft: true is a suggestion with its quotes; confirm or change "
            "each (remove draft: true), and set the capabilities left to the analyst."
        ),
        sources=[f"{a.name}" + (f": {a.title}" if a.title else "") for a in articles],
    )
