"""Properties of any draft: every quote slices back out of its article and names its actor."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tawazun
from tawazun.draft import read_article
from tawazun.draft.build import draft_scenario
from tawazun.draft.gazetteer import load_gazetteer
from tawazun.draft.text import normal_form
from tawazun.errors import InvalidArgument

from .conftest import FIXTURES

GAZETTEER = load_gazetteer()
TEMPLATE = tawazun.load(FIXTURES / "kurdistan-oil.yaml")
NAMES = ["بغداد", "وأربيل", "الحكومةُ العراقية", "لحكومة إقليم كردستان", "Baghdad", "the KRG"]
WORDS = [
    "تطالب",
    "ترفض",
    "بسيطرة",
    "على",
    "كامل",
    "إيرادات",
    "النفط",
    "الإقليم",
    "عبر",
    "خط",
    "الأنابيب",
    "wants",
    "control",
    "of",
    "oil",
    "revenues",
    "ـ",
    "ً",
    "ّ",
]
SEPARATORS = [" ", " ", "، ", ". ", "؟ ", "\n\n", ", while ", " فيما "]
TOKENS = st.sampled_from(NAMES) | st.sampled_from(WORDS) | st.sampled_from(SEPARATORS)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TOKENS, min_size=1, max_size=60).map(" ".join))
def test_quotes_slice_back_and_name_their_actor(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.txt"
        path.write_text(text, encoding="utf-8")
        try:
            article = read_article(path)
            result = draft_scenario([article], TEMPLATE, GAZETTEER)
        except InvalidArgument:
            return  # no actor, or none on the issue: nothing is written
        except tawazun.ScenarioFileError:
            return  # a text of blanks only
    names = {}
    for name in GAZETTEER.names():
        names.setdefault(name.actor, set()).add(" ".join(name.words))
    for actor in result.scenario.actors:
        for stance in actor.stances.values():
            for evidence in stance.evidence.values():
                assert evidence.draft and evidence.quotes
                for quote in evidence.quotes:
                    assert article.text[quote.start : quote.end] == quote.text
                    spaced = " ".join(normal_form(quote.text).split())
                    assert any(n in spaced for n in names[actor.id]) or actor.id.startswith("new")
