"""Asking a language model for the same table, keeping only what the articles say verbatim.

Optional and off by default. The endpoint is any OpenAI-compatible chat API (a local
llama.cpp or Ollama server, or a hosted one): ``URL`` is its base (``http://127.0.0.1:8080/v1``)
and the request goes to ``URL/chat/completions``; a key, when the server needs one, is read
from ``TAWAZUN_LLM_KEY`` (or ``OPENAI_API_KEY``). The prompt is :data:`INSTRUCTIONS` plus
the issues and the articles; docs/draft.md shows it whole.

Every value the model returns must come with a quote found character for character in one
of the articles; a value without one, for an unknown issue or band, or with a salience off
0-100, is dropped and counted.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

from tawazun.draft.articles import Article, Span
from tawazun.errors import InvalidArgument
from tawazun.i18n import _
from tawazun.scenario import Issue, Scenario

INSTRUCTIONS = """\
You help an analyst code the stakeholders of a negotiation for a forecasting model.
Read the articles below. For every actor (a state, government, party, armed group,
organisation or public) that an article shows wanting something on one of the issues,
give one entry per actor and issue:
- "actor": the actor's name exactly as an article writes it;
- "issue": the issue's id;
- "band": the id of the issue's band closest to what the actor wants;
- "salience": 0 to 100, how much the issue matters to the actor, judged from how often
  and how strongly the articles state its stake;
- "quote": one passage copied from an article character for character (no paraphrase,
  no translation, no ellipsis) that shows what the actor wants.
Give no entry without such a quote; an entry whose quote is not in the articles is
discarded. Answer with JSON only, in the form
{"stances": [{"actor": "...", "issue": "...", "band": "...", "salience": 0, "quote": "..."}]}
"""

TIMEOUT = 300


@dataclass(frozen=True)
class ModelValue:
    """One stance the model gave, whose quote was found in an article."""

    actor: str
    issue: str
    band: str
    salience: float
    article: int
    span: Span


def prompt(articles: list[Article], issues: list[Issue]) -> str:
    """The user message: the instructions, the issues with their bands, the articles."""
    parts = [INSTRUCTIONS, "ISSUES"]
    for issue in issues:
        parts.append(f"- {issue.id}: {issue.name.en} / {issue.name.ar}".rstrip(" /"))
        for band in issue.bands:
            parts.append(
                f"  - band {band.id} ({band.lower:g}-{band.upper:g}): {band.label.en}"
                + (f" / {band.label.ar}" if band.label.ar else "")
            )
    for k, article in enumerate(articles, 1):
        parts += [f"ARTICLE {k} ({article.name})", article.text]
    return "\n".join(parts)


def request(url: str, model: str, message: str, key: str | None) -> str:
    """The model's answer text, from ``url``'s chat completions."""
    body = json.dumps(
        {
            "model": model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": "You answer with JSON only."},
                {"role": "user", "content": message},
            ],
        }
    ).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    endpoint = url.rstrip("/") + "/chat/completions"
    call = urllib.request.Request(endpoint, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(call, timeout=TIMEOUT) as response:
            answer = json.load(response)
        return str(answer["choices"][0]["message"]["content"])
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InvalidArgument(
            "draft", "--llm", _("cannot reach {url}: {reason}").format(url=endpoint, reason=reason)
        ) from None
    except (ValueError, KeyError, IndexError, TypeError):
        raise InvalidArgument(
            "draft",
            "--llm",
            _("{url} did not answer as an OpenAI-compatible chat API").format(url=endpoint),
        ) from None


def parse(answer: str) -> list[dict]:
    """The entries of the model's JSON answer (fenced or not); [] when it is not JSON."""
    text = answer.strip()
    fenced = re.search(r"\{.*\}", text, re.S)
    if fenced is None:
        return []
    try:
        data = json.loads(fenced.group())
    except json.JSONDecodeError:
        return []
    entries = data.get("stances") if isinstance(data, dict) else None
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def verified(
    entries: list[dict], articles: list[Article], issues: list[Issue]
) -> tuple[list[ModelValue], int]:
    """The entries whose quote is in an article and whose values fit; and how many were not."""
    by_id = {issue.id: issue for issue in issues}
    kept: list[ModelValue] = []
    for entry in entries:
        quote, issue = entry.get("quote"), by_id.get(str(entry.get("issue")))
        actor, band, salience = entry.get("actor"), entry.get("band"), entry.get("salience")
        if not (isinstance(quote, str) and quote.strip() and isinstance(actor, str) and actor):
            continue
        if issue is None or band not in {b.id for b in issue.bands}:
            continue
        if isinstance(salience, bool) or not isinstance(salience, int | float):
            continue
        if not 0 <= salience <= 100:
            continue
        place = _find(quote, articles)
        if place is None:
            continue
        kept.append(ModelValue(actor, issue.id, str(band), float(salience), *place))
    return kept, len(entries) - len(kept)


def _find(quote: str, articles: list[Article]) -> tuple[int, Span] | None:
    for index, article in enumerate(articles):
        start = article.text.find(quote)
        if start < 0:
            continue
        for paragraph in article.paragraphs:
            if paragraph.start <= start and start + len(quote) <= paragraph.end:
                return index, Span(paragraph.paragraph, start, start + len(quote))
    return None


def ask(
    url: str, model: str, articles: list[Article], template: Scenario
) -> tuple[list[ModelValue], int]:
    """Ask the model at ``url``; its verified values and the number dropped."""
    key = os.environ.get("TAWAZUN_LLM_KEY") or os.environ.get("OPENAI_API_KEY")
    answer = request(url, model, prompt(articles, template.issues), key)
    return verified(parse(answer), articles, template.issues)
