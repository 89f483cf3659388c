"""Writing and reading back loses nothing the target format can hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

import tawazun
from tawazun.cli import app
from tawazun.scenario import Scenario
from tests.factories import one_issue, one_issue_scenarios


def rich_scenario() -> Scenario:
    """Every field of the schema filled, Arabic included."""
    base = one_issue([10, 50, 90], [1, 0.5, 0.25], [3, 2, 1], status_quo=80, space="s")
    data = base.model_dump(mode="json")
    data["metadata"] = {
        "title": {"en": "Rich", "ar": "غني"},
        "as_of": "2024-04-30",
        "authors": ["A. Analyst", "ب. باحث"],
        "notes": "Notes\nover two lines.",
        "sources": ["Source one", "Source two"],
    }
    data["issues"][0]["points"] = [{"value": 0, "label": {"en": "Zero", "ar": "صفر"}}]
    data["issues"][0]["evidence"] = {"status_quo": {"rationale": "as of now", "sources": ["s0"]}}
    data["uncertainty"] = {"position": {"distribution": "uniform", "spread": 0.05}}
    data["events"] = [
        {
            "id": "shock",
            "name": {"en": "Shock", "ar": "صدمة"},
            "date": "2024-05-01",
            "round": 2,
            "changes": [{"actor": "a1", "field": "capability", "multiply": 0.5}],
            "evidence": {"rationale": "what if", "sources": ["s5"]},
        }
    ]
    data["issues"][0]["name"] = {"en": "X", "ar": "س"}
    actor = data["actors"][0]
    actor.update(group="g", notes="an actor", name={"en": "A0", "ar": "أ"})
    actor["evidence"] = {"capability": {"rationale": "why", "sources": ["s1", "s2"]}}
    actor["uncertainty"] = {"capability": {"low": 2, "high": 4}}
    actor["stances"]["x"].update(
        risk=0.5,
        evidence={
            "position": {"rationale": "it said so", "sources": ["statement, 2024-04-15"]},
            "salience": {"rationale": "it cares", "sources": ["s3"]},
            "risk": {"rationale": "cautious", "sources": ["s4"]},
        },
    )
    return Scenario.model_validate(data)


@pytest.mark.parametrize("extension", ["yaml", "json"])
def test_native_yaml_and_json_keep_everything(tmp_path: Path, extension: str) -> None:
    scenario = rich_scenario()
    path = tawazun.save(scenario, tmp_path / f"s.{extension}")
    assert tawazun.load(path) == scenario


@pytest.mark.parametrize(
    ("extension", "lost"),
    [
        (
            "xlsx",
            set(),
        ),
        (
            "csv",
            {
                "events",
                "id",
                "issues[*].bands",
                "issues[*].points",
                "issues[*].evidence.status_quo",
                "metadata.as_of",
                "metadata.authors",
                "metadata.notes",
                "metadata.sources",
                "metadata.title.ar",
                "metadata.title.en",
                "uncertainty",
                "actors[*].uncertainty.capability",
            },
        ),
    ],
)
def test_tables_lose_only_what_they_cannot_hold(
    tmp_path: Path, extension: str, lost: set[str]
) -> None:
    scenario = rich_scenario()
    back = tawazun.load(tawazun.save(scenario, tmp_path / f"s.{extension}"))
    assert set(tawazun.io.lost_in(scenario, back)) == lost


def test_convert_says_what_the_target_does_not_hold(tmp_path: Path) -> None:
    source = tawazun.save(rich_scenario(), tmp_path / "s.yaml")
    result = CliRunner().invoke(app, ["convert", str(source), str(tmp_path / "s.csv")])
    assert result.exit_code == 0 and "does not hold" in result.stderr
    assert "events" in result.stderr


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scenario=one_issue_scenarios())
def test_random_scenarios_survive_yaml(tmp_path: Path, scenario: Scenario) -> None:
    assert tawazun.load(tawazun.save(scenario, tmp_path / "r.yaml")) == scenario


def test_convert_between_every_written_format(tmp_path: Path) -> None:
    source = tawazun.save(rich_scenario(), tmp_path / "s.yaml")
    runner = CliRunner()
    previous = source
    for extension in ("json", "yaml"):
        target = tmp_path / f"c.{extension}"
        result = runner.invoke(app, ["convert", str(previous), str(target)])
        assert result.exit_code == 0, result.output
        previous = target
    assert tawazun.load(previous) == tawazun.load(source)


def test_a_file_named_in_arabic_loads_with_an_ascii_id(tmp_path: Path) -> None:
    """Imports take the scenario id from the file's name; letters outside ASCII, which the
    id pattern refuses, become separators instead of failing the load."""
    path = tawazun.save(rich_scenario(), tmp_path / "سيناريو العراق 2024.csv")
    assert tawazun.load(path).id == "2024"
