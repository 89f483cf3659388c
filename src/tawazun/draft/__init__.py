"""From articles to a draft scenario: the stakeholder table an analyst then confirms.

The one call users need::

    from tawazun.draft import draft, read_article
    result = draft(["article.txt"], template=tawazun.load("iraq-2024"))
    tawazun.io.save(result.scenario, "draft.yaml")

This layer reads articles and writes scenarios; it never runs a model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from tawazun.draft.articles import Article, read_article
from tawazun.draft.build import Draft, Passage, draft_scenario
from tawazun.draft.gazetteer import Gazetteer, load_gazetteer
from tawazun.draft.llm import ask
from tawazun.scenario import Scenario

__all__ = ["Article", "Draft", "Gazetteer", "Passage", "draft", "load_gazetteer", "read_article"]


def draft(
    articles: Iterable[str | Path],
    template: Scenario,
    *,
    lang: str | None = None,
    gazetteers: Iterable[Path] = (),
    as_of: dt.date | None = None,
    llm: str | None = None,
    llm_model: str = "default",
) -> Draft:
    """Draft a scenario on ``template``'s issues from article files (text or HTML).

    With ``llm`` (an OpenAI-compatible endpoint), the model's values that come with a
    verbatim quote replace the offline suggestions (see :mod:`tawazun.draft.llm`).
    """
    read = [read_article(path, lang) for path in articles]
    model = None
    if llm is not None:
        values, dropped = ask(llm, llm_model, read, template)
        model = (llm, values, dropped)
    return draft_scenario(read, template, load_gazetteer(gazetteers), as_of, model)
