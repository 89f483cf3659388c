"""Drafting scenarios: the actors found, the quotes behind every value, the draft marks."""

from __future__ import annotations

from pathlib import Path

import pytest

import tawazun
from tawazun.draft import draft, read_article
from tawazun.draft.evaluate import FLAGSHIP_SAME_AS, compare
from tawazun.draft.gazetteer import load_gazetteer
from tawazun.errors import InvalidArgument
from tawazun.scenario import Scenario

from .conftest import EXPECTED, FIXTURES


def quotes_of(scenario: Scenario):
    for actor in scenario.actors:
        for stance in actor.stances.values():
            for evidence in stance.evidence.values():
                yield actor, evidence


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_articles_give_their_expected_actors(name: str) -> None:
    expected = EXPECTED[name]
    result = draft([FIXTURES / name], tawazun.load(FIXTURES / expected["template"]))
    assert {a.id for a in result.scenario.actors} == set(expected["actors"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_clear_stances_get_their_band(name: str) -> None:
    expected = EXPECTED[name]
    template = tawazun.load(FIXTURES / expected["template"])
    result = draft([FIXTURES / name], template)
    issue = template.issues[0].id
    suggested = {actor: result.positions[actor][issue].candidate.id for actor in expected["bands"]}
    assert suggested == expected["bands"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_quote_slices_back_out_of_its_article_and_names_the_actor(name: str) -> None:
    expected = EXPECTED[name]
    article = read_article(FIXTURES / name)
    result = draft([FIXTURES / name], tawazun.load(FIXTURES / expected["template"]))
    names = load_gazetteer().names()
    for actor, evidence in quotes_of(result.scenario):
        assert evidence.draft and evidence.quotes
        for quote in evidence.quotes:
            assert article.text[quote.start : quote.end] == quote.text
            mentioned = [m for m in result.passages[actor.id].values() for m in m]
            assert any(p.span.start == quote.start for p in mentioned)
        assert any(n.actor == actor.id for n in names)


def test_the_draft_marks_every_value_and_leaves_capability_to_the_analyst(tmp_path: Path) -> None:
    result = draft(
        [FIXTURES / "kurdistan-oil-ar.txt"], tawazun.load(FIXTURES / "kurdistan-oil.yaml")
    )
    scenario = result.scenario
    drafts = list(scenario.drafts())
    stances = sum(len(a.stances) for a in scenario.actors)
    assert len(drafts) == len(scenario.actors) + 2 * stances
    assert all(a.capability is None for a in scenario.actors)
    with pytest.raises(InvalidArgument, match="no capability yet"):
        scenario.forecast("compromise")
    # written and read back, the marks and quotes survive
    path = tawazun.io.save(scenario, tmp_path / "draft.yaml")
    again = tawazun.io.load(path)
    assert list(again.drafts()) == drafts
    assert again == scenario


def test_a_documented_capability_from_the_users_gazetteer_is_written(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "gazetteer: 1\nentries:\n  - id: us\n    capability: {value: 40, rationale: r, "
        "sources: ['my earlier scenario']}\n",
        encoding="utf-8",
    )
    result = draft(
        [FIXTURES / "kurdistan-oil-ar.txt"],
        tawazun.load(FIXTURES / "kurdistan-oil.yaml"),
        gazetteers=[path],
    )
    us = result.scenario.actor("us")
    assert us.capability == 40
    assert us.evidence["capability"].draft
    assert us.evidence["capability"].sources == ["my earlier scenario"]


def test_nothing_is_invented_from_an_article_without_actors(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("كان الطقس جميلاً اليوم في المدينة.", encoding="utf-8")
    with pytest.raises(InvalidArgument, match="name no actor"):
        draft([path], tawazun.load(FIXTURES / "kurdistan-oil.yaml"))


def test_seed_article_finds_the_flagships_actors_and_the_factions_stance(
    seed_article: Path,
) -> None:
    flagship = tawazun.load("iraq-2024")
    result = draft([seed_article], flagship)
    comparison = compare(result.scenario, flagship, FLAGSHIP_SAME_AS)
    assert len(comparison.recalled) >= 8, comparison.recalled
    article = read_article(seed_article)
    assert article.lang == "ar"
    for _, evidence in quotes_of(result.scenario):
        for quote in evidence.quotes:
            assert article.text[quote.start : quote.end] == quote.text
    factions = result.positions["iraqi-armed-factions"]["us-presence"].candidate
    washington = result.positions["us"]["us-presence"].candidate
    full_withdrawal = flagship.issue("us-presence").bands[0]
    assert factions.id == full_withdrawal.id == "full-withdrawal"
    assert washington.id != full_withdrawal.id
    quotes = [
        q.text
        for q in result.scenario.actor("iraqi-armed-factions")
        .stances["us-presence"]
        .evidence["position"]
        .quotes
    ]
    assert any("الانسحاب الكامل" in q for q in quotes)
    us_quotes = [
        q.text
        for q in result.scenario.actor("us").stances["us-presence"].evidence["position"].quotes
    ]
    assert all(any(n in q for n in ("واشنطن", "الولايات المتحدة", "بايدن")) for q in us_quotes)


def test_an_actor_named_without_what_it_wants_gets_no_value(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        "تطالب حكومة إقليم كردستان بإدارة حقولها بنفسها وحق التعاقد مع الشركات الأجنبية. "
        "وحضر ممثل عن تركيا اجتماع النفط في بغداد حول الإيرادات.",
        encoding="utf-8",
    )
    result = draft([path], tawazun.load(FIXTURES / "kurdistan-oil.yaml"))
    assert "oil-exports" in result.scenario.actor("krg").stances
    assert not result.scenario.actor("turkey").stances  # named, but wants nothing here
    assert "turkey" in result.actors_without_stance


def test_intensity_words_count_once_with_clitics_and_across_words() -> None:
    from tawazun.draft.suggest import intensity

    assert intensity("وترفض أربيل ذلك وتصرّ على خط أحمر لا يمكن تجاوزه", "ar") == 4
    assert intensity("They demanded a full withdrawal and called for talks.", "en") == 3
    assert intensity("The weather was fine.", "en") == 0


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="ar or en"):
        read_article(FIXTURES / "gulf-talks-en.txt", lang="fr")
