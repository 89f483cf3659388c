"""The store's Python API, on SQLite and on PostgreSQL: save, get, list, label, delete."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import tawazun
from tawazun import store
from tawazun.scenario import Scenario
from tests.factories import one_issue


def test_a_saved_run_comes_back_whole(store_url: str, scenario: Scenario) -> None:
    result = scenario.forecast("eum", rounds=5)
    with store.open(store_url) as runs:
        saved = runs.save(result, scenario, label="baseline", note="first try", seconds=0.5)
        run = runs.get(saved.id)
    assert run.document_text == result.to_json()
    assert run.document == result.to_dict()
    assert run.command == "forecast" and run.model == "eum"
    # every parameter with its value, defaults included
    assert run.parameters["rounds"] == 5 and run.parameters["q"] == 1.0
    assert set(run.parameters) == set(tawazun.models()["eum"].defaults)
    assert run.label == "baseline" and run.note == "first try" and run.seconds == 0.5
    assert run.version == tawazun.__version__
    assert run.scenario_id == scenario.id and run.scenario_title == scenario.metadata.title.en
    assert run.scenario() == scenario
    assert run.created.tzinfo is not None
    assert abs((dt.datetime.now(dt.UTC) - run.created).total_seconds()) < 60
    forecast = result.issues[0]
    assert run.summary == {"x": {"forecast": forecast.forecast, "band": forecast.band}}


def test_runs_lists_newest_first_with_filters(store_url: str, scenario: Scenario) -> None:
    other = one_issue([10, 20], [1, 1], [1, 1]).model_copy(update={"id": "other"})
    with store.open(store_url) as runs:
        first = runs.save(scenario.forecast("median"), scenario)
        second = runs.save(scenario.forecast("compromise"), scenario, label="keep")
        third = runs.save(other.forecast("median"), other)
        frame = runs.runs()
        assert list(frame.index) == [third.id, second.id, first.id]
        assert list(runs.runs(scenario="test").index) == [second.id, first.id]
        assert list(runs.runs(model="median").index) == [third.id, first.id]
        assert list(runs.runs(label="keep").index) == [second.id]
        assert runs.runs(since=dt.date.today() + dt.timedelta(days=2)).empty
        assert len(runs.runs(since=dt.date.today() - dt.timedelta(days=1))) == 3
    assert frame.loc[first.id, "forecast:x"] == pytest.approx(first.summary["x"]["forecast"])
    assert frame.loc[second.id, "band:x"] == second.summary["x"]["band"]
    assert frame.loc[third.id, "scenario"] == "other"


def test_an_empty_store_lists_no_runs(store_url: str) -> None:
    with store.open(store_url) as runs:
        frame = runs.runs()
    assert frame.empty and "command" in frame.columns


def test_a_scenario_version_is_kept_once_per_content(
    store_url: str, scenario: Scenario, tmp_path: Path
) -> None:
    # the same scenario read back from YAML and from JSON is one version
    from_yaml = tawazun.load(tawazun.save(scenario, tmp_path / "s.yaml"))
    from_json = tawazun.load(tawazun.save(scenario, tmp_path / "s.json"))
    changed = one_issue([0, 50, 90], [1, 1, 0.5], [2, 1, 1])
    with store.open(store_url) as runs:
        a = runs.save(from_yaml.forecast(), from_yaml)
        b = runs.save(from_json.forecast(), from_json)
        c = runs.save(changed.forecast(), changed)
        versions = runs.scenarios()
    assert a.scenario_hash == b.scenario_hash != c.scenario_hash
    assert len(versions) == 2
    assert versions.loc[a.scenario_hash, "runs"] == 2
    assert c.scenario() == changed and a.scenario() == scenario


def test_an_edited_version_names_the_version_it_came_from(
    store_url: str, scenario: Scenario
) -> None:
    edited = one_issue([0, 50, 90], [1, 1, 0.5], [2, 1, 1])
    with store.open(store_url) as runs:
        kept = runs.save_scenario(edited, parent=scenario)
        again = runs.save_scenario(edited)  # saved again without a parent: the lineage stays
        parent_hash = runs.save_scenario(scenario).hash
        versions = runs.scenarios()
    assert kept.parent == again.parent == parent_hash
    assert versions.loc[kept.hash, "parent"] == parent_hash
    assert versions["parent"].isna()[parent_hash]  # kept too, with no parent of its own


def test_a_run_keeps_its_scenario_after_the_file_changes(
    store_url: str, scenario: Scenario, tmp_path: Path
) -> None:
    path = tawazun.save(scenario, tmp_path / "s.yaml")
    with store.open(store_url) as runs:
        run = runs.save(tawazun.load(path).forecast(), tawazun.load(path))
        tawazun.save(one_issue([5, 5, 5], [1, 1, 1], [1, 1, 1]), path)
        assert runs.get(run.id).scenario() == scenario


def test_get_takes_a_unique_prefix_and_names_unknown_runs(
    store_url: str, scenario: Scenario
) -> None:
    with store.open(store_url) as runs:
        run = runs.save(scenario.forecast(), scenario)
        assert runs.get(run.id[:4].upper()).id == run.id
        with pytest.raises(store.UnknownRun, match="no run zzzzzzzz"):
            runs.get("zzzzzzzz")
        with pytest.raises(store.UnknownRun):
            runs.get(run.id[:3])  # too short to stand for a run


def test_last_names_the_newest_runs(store_url: str, scenario: Scenario) -> None:
    with store.open(store_url) as runs:
        with pytest.raises(store.UnknownRun, match="no run last"):
            runs.get("last")
        first = runs.save(scenario.forecast(), scenario)
        second = runs.save(scenario.forecast("median"), scenario)
        assert runs.get("last").id == second.id
        assert runs.get("last~1").id == first.id
        with pytest.raises(store.UnknownRun):
            runs.get("last~2")


def test_label_note_and_delete(store_url: str, scenario: Scenario) -> None:
    with store.open(store_url) as runs:
        keep = runs.save(scenario.forecast(), scenario)
        drop = runs.save(scenario.forecast("median"), scenario)
        assert runs.label(keep.id, "final", note="for the editor").label == "final"
        assert runs.get(keep.id).note == "for the editor"
        assert runs.label(keep.id, "").label is None
        assert runs.get(keep.id).note == "for the editor"  # a label alone leaves the note
        assert runs.delete(drop.id) == drop.id
        assert list(runs.runs().index) == [keep.id]
        with pytest.raises(store.UnknownRun):
            runs.get(drop.id)
        # the scenario version stays for the run that still uses it
        assert runs.get(keep.id).scenario() == scenario


def test_seeds_beyond_64_bit_integers_survive(store_url: str, scenario: Scenario) -> None:
    seed = 2**64 - 1
    with store.open(store_url) as runs:
        run = runs.save(scenario.forecast(), scenario, seed=seed)
        assert runs.get(run.id).seed == seed


def test_analysis_results_and_data_files(
    store_url: str, scenario: Scenario, tmp_path: Path
) -> None:
    from tawazun.analysis.pivotal import pivotal

    result = pivotal(scenario, "compromise")
    data = tmp_path / "cases.tsv"
    data.write_text("a\tb\n1\t2\n", encoding="utf-8")
    with store.open(store_url) as runs:
        run = runs.save(result, scenario, command="pivotal", options={"step": 0.05})
        assert run.document == json.loads(json.dumps(result.to_dict()))
        assert run.parameters == {} and run.options == {"step": 0.05}
        # pivotal documents carry no band: the store finds it in the scenario
        band = scenario.issue("x").band_of(result.baseline["x"])
        assert run.summary["x"]["band"] == (band.id if band else None)
        backtest = runs.save({"scores": []}, data, command="backtest", model="median")
        assert backtest.source.kind == "file" and backtest.source.content == data.read_text()
        assert backtest.summary == {}
        with pytest.raises(tawazun.errors.InvalidArgument):
            backtest.scenario()


def test_default_store_is_in_the_user_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import platformdirs

    monkeypatch.delenv(store.ENVIRONMENT, raising=False)
    monkeypatch.setattr(platformdirs, "user_data_path", lambda *a, **k: tmp_path / "data")
    with store.open() as runs:
        assert runs.url == f"sqlite:///{tmp_path / 'data' / 'runs.sqlite'}"
    assert (tmp_path / "data" / "runs.sqlite").is_file()


def test_the_environment_names_the_store(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str, scenario: Scenario
) -> None:
    monkeypatch.setenv(store.ENVIRONMENT, sqlite_url)
    with store.open() as runs:
        runs.save(scenario.forecast(), scenario)
    with store.open(sqlite_url) as runs:
        assert len(runs.runs()) == 1


def test_sqlite_store_is_in_write_ahead_logging_mode(sqlite_url: str) -> None:
    import sqlite3

    store.open(sqlite_url).close()
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_tawazun_store_is_reachable_from_the_package() -> None:
    assert tawazun.store.open is store.open


def test_a_stored_scenario_this_tawazun_refuses_is_named_not_a_traceback(
    sqlite_url: str, scenario: Scenario
) -> None:
    import sqlalchemy as sa

    from tawazun.errors import InputError

    with store.open(sqlite_url) as runs:
        run = runs.save(scenario.forecast(), scenario)
    engine = sa.create_engine(sqlite_url)
    content = json.loads(run.source.content)
    content["actors"][0]["capability"] = -1  # as if an older tawazun had accepted it
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE scenarios SET content = :content"), {"content": json.dumps(content)}
        )
    engine.dispose()
    with store.open(sqlite_url) as runs, pytest.raises(InputError) as refused:
        runs.get(run.id).scenario()
    [problem] = refused.value.problems
    assert problem.file.startswith("stored scenario") and "capability" in problem.where


def test_documents_are_kept_compressed_and_printed_back_identically(
    sqlite_url: str,
) -> None:
    import sqlalchemy as sa

    scenario = tawazun.load("iraq-2024")
    result = scenario.forecast("eum")  # every round's offers: a long document
    with store.open(sqlite_url) as runs:
        run = runs.save(result, scenario)
        assert runs.get(run.id).document_text == result.to_json()
    engine = sa.create_engine(sqlite_url)
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT document_zlib FROM runs")).scalar_one()
    engine.dispose()
    assert len(stored) * 5 < len(result.to_json().encode("utf-8"))
