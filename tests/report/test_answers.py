"""The generator of docs/flagship-answers.md: the report engine's findings as Markdown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import tawazun
from tawazun.report import analyse
from tawazun.report.answers import MARKER, Question, fill, sections

HERE = Path(__file__).parent
PAGE = HERE.parents[1] / "docs" / "flagship-answers.md"


@pytest.fixture(scope="module")
def findings():
    scenario = tawazun.load(HERE / "harbour.yaml")
    return analyse(scenario, ["compromise", "median"], runs=50, grid=6, without=["portco"])


def test_the_page_is_filled_with_every_section_and_keeps_its_prose(findings):
    question = Question("control", "public", without="portco")
    page = PAGE.read_text(encoding="utf-8")
    generated = sections(findings, question)
    filled = fill(page, generated)
    for body in generated.values():
        assert body in filled
    stated = findings.models[0].result["control"].forecast
    assert f"| compromise | {stated:.1f} (`joint`) |" in filled
    assert "| compromise | Control of the harbour |" in generated["without"]
    # each band's cell: the calibrated probability, then the robustness share in brackets
    cell = r"(?:[<>]?\d+%|-) \([<>]?\d+%\)"
    assert "robustness share" in generated["bands"]
    assert re.search(rf"\| compromise \| [^|]+ \| {cell} \|", generated["bands"])
    assert "How to read it" in filled
    assert fill(filled, generated) == filled  # filling again changes nothing
    # a page whose sections hold anything else is filled to the same text
    blank = MARKER.sub(lambda m: f"{m.group(1)}*(to be generated)*{m.group(4)}", page)
    assert blank != page and fill(blank, generated) == filled


def test_the_question_names_the_band_and_the_absent_actor(findings):
    generated = sections(findings, Question("control", "private"))
    assert "`private`" in generated["verdict"]
    assert generated["without"] == ""
    with pytest.raises(KeyError, match=r"no band 'nope'"):
        sections(findings, Question("control", "nope"))
    with pytest.raises(KeyError, match=r"not made without 'city'"):
        sections(findings, Question("control", "public", without="city"))


def test_sections_without_a_marker_are_an_error():
    with pytest.raises(KeyError, match="no markers"):
        fill("<!-- BEGIN generated:a -->\nx\n<!-- END generated:a -->\n", {"a": "y\n", "b": "z\n"})
