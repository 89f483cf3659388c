"""Finding actors in text: clitics, longest names, places, acronyms, patterns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tawazun.draft.articles import read_article
from tawazun.draft.gazetteer import load_gazetteer
from tawazun.draft.mentions import Matcher, new_names


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_gazetteer().names(dt.date(2024, 4, 30)))


def found(matcher: Matcher, tmp_path: Path, text: str) -> list[tuple[str, str]]:
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    article = read_article(path)
    return [(m.actor, m.surface) for m in matcher.mentions(article, 0)]


@pytest.mark.parametrize(
    ("text", "actor", "surface"),
    [
        ("وللولايات المتحدة مصالح.", "us", "وللولايات المتحدة"),
        ("فواشنطن تدرك ذلك.", "us", "فواشنطن"),
        ("دعا الإطارُ التنسيقيّ إلى الحوار.", "coordination-framework", "الإطارُ التنسيقيّ"),
        ("وبالإطار التنسيقي.", "coordination-framework", "وبالإطار التنسيقي"),
        ("الفصائل الموالية لإيران.", "iraqi-armed-factions", "الفصائل الموالية لإيران"),
        ("قال السوداني إن الحوار مستمر.", "iraq-government", "السوداني"),
        ("The U.S. and Iraq's government met.", "us", "U.S"),
        ("Kata'ib Hezbollah said so.", "kataib-hezbollah", "Kata'ib Hezbollah"),
    ],
)
def test_names_are_found_with_clitics_and_variants(
    matcher: Matcher, tmp_path: Path, text: str, actor: str, surface: str
) -> None:
    assert (actor, surface) in found(matcher, tmp_path, text)


def test_the_longest_name_wins(matcher: Matcher, tmp_path: Path) -> None:
    assert found(matcher, tmp_path, "هاجمت كتائب حزب الله القاعدة.") == [
        ("kataib-hezbollah", "كتائب حزب الله")
    ]


def test_a_country_after_a_locative_is_the_place(matcher: Matcher, tmp_path: Path) -> None:
    assert found(matcher, tmp_path, "القواعد في العراق وسوريا.") == []
    assert found(matcher, tmp_path, "the bases in Iraq and Syria.") == []
    assert found(matcher, tmp_path, "الوجود بالعراق.") == []
    assert found(matcher, tmp_path, "يطالب العراق بالانسحاب.") == [("iraq-government", "العراق")]


def test_capitals_written_names_match_only_as_written(matcher: Matcher, tmp_path: Path) -> None:
    assert found(matcher, tmp_path, "Let us talk about it.") == []
    assert found(matcher, tmp_path, "The US will stay.") == [("us", "US")]


def test_names_the_gazetteer_lacks_are_found_by_pattern(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        "أعلنت حركة أنصار الحق رفضها. The Free Marsh Brigades said no. وقال حزب الله كذلك.",
        encoding="utf-8",
    )
    article = read_article(path)
    known = Matcher(load_gazetteer().names()).mentions(article, 0)
    new = [n.surface for n in new_names(article, 0, known)]
    assert "حركة أنصار الحق" in new
    assert "Free Marsh Brigades" in new
    assert all("حزب الله" not in n for n in new)  # a gazetteer name is not new
