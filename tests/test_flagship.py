"""The flagship scenario ``iraq-2024``: sourced, bilingual, and no later than April 2024."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest

import tawazun
from tawazun.scenario import SOURCED_ACTOR_FIELDS, Evidence, Scenario

AS_OF_LIMIT = dt.date(2024, 4, 30)
ISSUES = ("us-presence", "security-cooperation")
#: The band each issue's status quo must fall in (early 2024, before any transition).
STATUS_QUO_BAND = {"us-presence": "status-quo", "security-cooperation": "standing-partnership"}
ARABIC = re.compile(r"[\u0600-\u06FF]")

_LATER_MONTHS_EN = (
    r"May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
)
_LATER_MONTHS_AR = (
    "مايو|أيار|يونيو|حزيران|يوليو|تموز|أغسطس|آب|سبتمبر|أيلول|أكتوبر|تشرين|نوفمبر|ديسمبر|كانون"
)
#: A month after April 2024 written with its year, an ISO date after April 2024, or a later year.
AFTER_APRIL_2024 = re.compile(
    rf"\b(?:{_LATER_MONTHS_EN})\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?2024\b"
    rf"|(?:{_LATER_MONTHS_AR})\s*(?:/\s*\S+\s*)?2024"
    r"|\b2024-(?:0[5-9]|1[0-2])\b"
    r"|\b(?:202[5-9]|20[3-9]\d|2[1-9]\d\d)\b"
)


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return tawazun.load("iraq-2024")


def evidence_items(scenario: Scenario) -> Iterator[tuple[str, Evidence]]:
    """Every piece of evidence in the scenario, named by where it sits."""
    for issue in scenario.issues:
        for name, evidence in issue.evidence.items():
            yield f"issues[{issue.id}].{name}", evidence
    for actor in scenario.actors:
        for name, evidence in actor.evidence.items():
            yield f"actors[{actor.id}].{name}", evidence
        for issue_id, stance in actor.stances.items():
            for name, evidence in stance.evidence.items():
                yield f"actors[{actor.id}].stances[{issue_id}].{name}", evidence


def test_the_shipped_id_loads_the_flagship(scenario: Scenario) -> None:
    assert scenario.id == "iraq-2024"
    assert "iraq-2024" in tawazun.io.shipped()
    assert "tawazun developers" in scenario.metadata.authors
    assert scenario.metadata.notes.strip()


def test_data_are_as_of_april_2024_at_the_latest(scenario: Scenario) -> None:
    assert scenario.metadata.as_of is not None
    assert scenario.metadata.as_of <= AS_OF_LIMIT


def test_at_least_twelve_actors_named_in_english_and_arabic(scenario: Scenario) -> None:
    assert len(scenario.actors) >= 12
    assert len({a.id for a in scenario.actors}) == len(scenario.actors)
    for actor in scenario.actors:
        assert actor.name.en.strip(), actor.id
        assert ARABIC.search(actor.name.ar), f"{actor.id} has no Arabic name"


def test_the_flagship_has_the_presence_and_the_cooperation_issue(scenario: Scenario) -> None:
    assert tuple(issue.id for issue in scenario.issues) == ISSUES
    for issue in scenario.issues:
        assert issue.name.en.strip() and ARABIC.search(issue.name.ar), issue.id


def test_every_actor_takes_a_position_on_every_issue(scenario: Scenario) -> None:
    for actor in scenario.actors:
        assert set(actor.stances) == set(ISSUES), actor.id


def test_saliences_differ_across_issues_so_actors_have_something_to_trade(
    scenario: Scenario,
) -> None:
    # Exchange needs actors whose relative saliences s_presence / s_cooperation differ
    # (Stokman and Van Oosten 1994): some care more about presence, some about cooperation.
    ratios = {
        actor.id: actor.stances["us-presence"].salience
        / actor.stances["security-cooperation"].salience
        for actor in scenario.actors
    }
    assert any(ratio > 1 for ratio in ratios.values())
    assert any(ratio < 1 for ratio in ratios.values())


def test_every_number_has_a_rationale_and_a_source(scenario: Scenario) -> None:
    for actor in scenario.actors:
        numbers = {name: actor.evidence.get(name) for name in SOURCED_ACTOR_FIELDS}
        for issue_id, stance in actor.stances.items():
            numbers[f"{issue_id}.position"] = stance.evidence.get("position")
            numbers[f"{issue_id}.salience"] = stance.evidence.get("salience")
            if stance.risk is not None:
                numbers[f"{issue_id}.risk"] = stance.evidence.get("risk")
        for name, evidence in numbers.items():
            where = f"actors[{actor.id}].{name}"
            assert evidence is not None, f"{where} has no evidence"
            assert evidence.rationale.strip(), f"{where} has no rationale"
            assert evidence.sources, f"{where} has no source"
            assert all(source.strip() for source in evidence.sources), f"{where}: empty source"


def test_the_seed_article_is_cited(scenario: Scenario) -> None:
    cited = [
        where
        for where, evidence in evidence_items(scenario)
        if any("seed article" in source for source in evidence.sources)
    ]
    assert len(cited) >= len(scenario.actors)


@pytest.mark.parametrize(
    "text",
    ["Reuters, 1 May 2024", "statement of June 3, 2024", "Sept 2024", "2024-05-02", "in 2025"],
)
def test_the_date_check_catches_dates_after_april_2024(text: str) -> None:
    assert AFTER_APRIL_2024.search(text)


@pytest.mark.parametrize(
    "text",
    ["15 April 2024", "14 November 2023 and 24 March 2024", "2024-04-30", "May the talks"],
)
def test_the_date_check_lets_earlier_dates_pass(text: str) -> None:
    assert not AFTER_APRIL_2024.search(text)


def test_no_source_or_rationale_mentions_a_date_after_april_2024(scenario: Scenario) -> None:
    texts = [("metadata.sources", s) for s in scenario.metadata.sources]
    texts.append(("metadata.notes", scenario.metadata.notes))
    for where, evidence in evidence_items(scenario):
        texts.append((f"{where}.rationale", evidence.rationale))
        texts.extend((f"{where}.sources", source) for source in evidence.sources)
    late = [(where, text) for where, text in texts if AFTER_APRIL_2024.search(text)]
    assert not late


@pytest.mark.parametrize("issue_id", ISSUES)
def test_bands_cover_the_scale_without_gaps_or_overlaps(scenario: Scenario, issue_id: str) -> None:
    issue = scenario.issue(issue_id)
    assert (issue.scale.min, issue.scale.max) == (0, 100)
    bands = sorted(issue.bands, key=lambda band: band.lower)
    assert len(bands) >= 3
    assert bands[0].lower == issue.scale.min
    assert bands[-1].upper == issue.scale.max
    for below, above in zip(bands, bands[1:], strict=False):
        assert below.upper == above.lower, f"{below.id} and {above.id} leave a gap or overlap"
    for band in bands:
        assert band.lower < band.upper, band.id
        assert band.label.en.strip() and ARABIC.search(band.label.ar), band.id


def test_status_quo_is_the_coalition_mission_going_on(scenario: Scenario) -> None:
    issue = scenario.issue("us-presence")
    assert issue.status_quo == issue.scale.max


@pytest.mark.parametrize("issue_id", ISSUES)
def test_status_quo_lies_in_its_band_and_is_sourced(scenario: Scenario, issue_id: str) -> None:
    issue = scenario.issue(issue_id)
    assert issue.status_quo is not None
    assert issue.band_of(issue.status_quo).id == STATUS_QUO_BAND[issue_id]
    assert issue.evidence["status_quo"].rationale.strip()
    assert issue.evidence["status_quo"].sources


@pytest.mark.parametrize("issue_id", ISSUES)
def test_labelled_points_lie_on_the_scale_with_both_languages(
    scenario: Scenario, issue_id: str
) -> None:
    issue = scenario.issue(issue_id)
    for point in issue.points:
        assert issue.scale.min <= point.value <= issue.scale.max
        assert point.label.en.strip() and ARABIC.search(point.label.ar)


@pytest.mark.parametrize("model", ["compromise", "median", "exchange"])
def test_models_forecast_within_the_scale(scenario: Scenario, model: str) -> None:
    result = scenario.forecast(model)
    for issue in scenario.issues:
        forecast = result[issue.id]
        assert issue.scale.min <= forecast.forecast <= issue.scale.max
        assert forecast.band in {band.id for band in issue.bands}


def test_exchange_finds_trades_between_the_two_issues(scenario: Scenario) -> None:
    result = scenario.forecast("exchange", rounds=1)
    trades = result["security-cooperation"].trajectory[1]["exchanges"]
    assert trades
    assert all(set(trade["issues"]) == set(ISSUES) for trade in trades)


def test_the_file_survives_a_round_trip_through_the_native_writer(
    scenario: Scenario, tmp_path
) -> None:
    copy = tawazun.load(tawazun.save(scenario, tmp_path / "iraq-2024.yaml"))
    assert copy.model_dump() == scenario.model_dump()
