"""The generator of docs/flagship-answers.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from tawazun.analysis.report import (
    MARKER,
    fill,
    find_us,
    find_withdrawal_band,
    flagship_sections,
    question_for,
)
from tawazun.scenario import Scenario

from .conftest import small_raw

PAGE = Path(__file__).resolve().parents[2] / "docs" / "flagship-answers.md"


def flagship_like() -> Scenario:
    raw = small_raw()
    raw["issues"][0]["bands"][0]["label"] = {"en": "Full withdrawal"}
    raw["actors"][0]["name"] = {"en": "United States"}
    return Scenario.model_validate(raw)


def test_the_page_is_filled_with_every_section_and_keeps_its_prose():
    scenario = flagship_like()
    question = question_for(scenario, "presence", models=["compromise", "median"], runs=50)
    assert (question.withdrawal.id, question.us.id) == ("b0", "a")
    page = PAGE.read_text(encoding="utf-8")
    sections = flagship_sections(scenario, question)
    filled = fill(page, sections)
    for body in sections.values():
        assert body in filled
    assert "| compromise | 47.6 (`b2`) |" in filled
    assert "How to read it" in filled
    assert fill(filled, sections) == filled  # filling again changes nothing
    # a page whose sections hold anything else is filled to the same text
    blank = MARKER.sub(lambda m: f"{m.group(1)}*(to be generated)*{m.group(4)}", page)
    assert blank != page and fill(blank, sections) == filled


def test_sections_without_a_marker_are_an_error():
    with pytest.raises(KeyError, match="no markers"):
        fill("<!-- BEGIN generated:a -->\nx\n<!-- END generated:a -->\n", {"a": "y\n", "b": "z\n"})


def test_withdrawal_band_and_us_actor_must_be_found_or_named(small):
    with pytest.raises(KeyError, match="withdrawal"):
        find_withdrawal_band(small.issue("presence"))
    with pytest.raises(KeyError, match="United States"):
        find_us(small)
    question = question_for(small, "presence", "b0", "b", models=["median"])
    assert (question.withdrawal.id, question.us.id) == ("b0", "b")


def test_a_named_band_must_exist(small):
    with pytest.raises(KeyError, match=r"no band 'nope'; bands are \['b0', 'b1', 'b2', 'b3'\]"):
        question_for(small, "presence", "nope", "b", models=["median"])
    assert small.issue("presence").band("b2").lower == 45
