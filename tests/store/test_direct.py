"""Saving a run with sqlite3 alone (:func:`tawazun.store.saver`): the same rows as
:meth:`Store.save`, without importing SQLAlchemy, and every other store left to Store."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tawazun import store
from tawazun.scenario import Scenario
from tawazun.store import _direct
from tawazun.store._base import HEAD, VERSION_TABLE
from tests.factories import one_issue

REPO = Path(__file__).resolve().parents[2]
#: Columns that differ between two saves of the same run by nature.
OWN = {"id", "created"}


def _rows(path: Path, table: str) -> list[dict[str, Any]]:
    with sqlite3.connect(path) as connection:
        connection.row_factory = sqlite3.Row
        found = [dict(row) for row in connection.execute(f"SELECT * FROM {table}")]
    connection.close()
    return found


def _at_head(folder: Path, name: str) -> Path:
    path = folder / name
    store.open(f"sqlite:///{path}").close()
    return path


def _both_ways(folder: Path, result: Any, scenario: Any, **fields: Any) -> tuple[Path, Path]:
    """The same run saved by Store and by a saver, each into a store of its own."""
    by_store, by_saver = _at_head(folder, "store.sqlite"), _at_head(folder, "saver.sqlite")
    with store.open(f"sqlite:///{by_store}") as runs:
        runs.save(result, scenario, **fields)
    with store.saver(f"sqlite:///{by_saver}") as saver:
        assert saver._direct == by_saver  # the direct route, not Store
        saver.save(result, scenario, **fields)
    return by_store, by_saver


def _same_rows(by_store: Path, by_saver: Path) -> None:
    for table in ("scenarios", "runs"):
        kept, written = _rows(by_store, table), _rows(by_saver, table)
        assert len(kept) == len(written) == 1
        assert set(kept[0]) == set(written[0])
        assert {k: v for k, v in kept[0].items() if k not in OWN} == {
            k: v for k, v in written[0].items() if k not in OWN
        }
        # the time as SQLAlchemy writes it on SQLite, so both sort together in `runs list`
        pattern = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}"
        assert re.fullmatch(pattern, kept[0]["created"])
        assert re.fullmatch(pattern, written[0]["created"])


def test_a_saver_writes_the_rows_store_writes(tmp_path: Path, scenario: Scenario) -> None:
    result = scenario.forecast("eum")
    fields = {
        "label": "خط الأساس",
        "note": "first run\nof two",
        "options": {"runs": 200, "param": ["q=0.5"], "file": "x.yaml"},
        "seed": 2**64 - 1,
        "seconds": 0.25,
    }
    by_store, by_saver = _both_ways(tmp_path, result, scenario, **fields)
    _same_rows(by_store, by_saver)
    with store.open(f"sqlite:///{by_store}") as kept, store.open(f"sqlite:///{by_saver}") as new:
        before, after = kept.get("last"), new.get("last")
    assert after.document == before.document == result.to_dict()
    for name in ("parameters", "options", "seed", "summary", "label", "note", "scenario_hash"):
        assert getattr(after, name) == getattr(before, name), name


def test_a_data_file_is_kept_as_store_keeps_it(tmp_path: Path) -> None:
    data = tmp_path / "deu.csv"
    data.write_text("case,actor,position\n1,a,50\n", encoding="utf-8")
    document = {"cases": 1, "scores": {"median": 0.5}}
    by_store, by_saver = _both_ways(
        tmp_path, document, data, command="backtest", model="median", parameters={}
    )
    _same_rows(by_store, by_saver)


texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
values = st.one_of(st.integers(-(2**70), 2**70), st.floats(allow_nan=False), texts, st.none())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    label=st.one_of(st.none(), texts),
    note=st.one_of(st.none(), texts),
    options=st.dictionaries(texts, st.one_of(values, st.lists(values, max_size=3)), max_size=4),
)
def test_any_label_note_and_options_are_written_as_store_writes_them(
    tmp_path_factory: pytest.TempPathFactory,
    label: str | None,
    note: str | None,
    options: dict[str, Any],
) -> None:
    folder = tmp_path_factory.mktemp("both")
    scenario = one_issue([0, 50, 90], [1, 1, 1], [2, 1, 1])
    fields = {"label": label, "note": note, "options": options}
    _same_rows(*_both_ways(folder, scenario.forecast(), scenario, **fields))


KEEP_ONE = """
import sys
from tawazun import store
from tests.factories import one_issue

scenario = one_issue([0, 50, 90], [1, 1, 1], [2, 1, 1])
with store.saver(sys.argv[1]) as saver:
    print(saver.save(scenario.forecast(), scenario))
print(sorted(name for name in sys.modules if name.split(".")[0] == "sqlalchemy"))
"""


def _keep_one(url: str) -> tuple[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", KEEP_ONE, url], cwd=REPO, capture_output=True, text=True, check=True
    )
    run_id, imported = done.stdout.splitlines()
    return run_id, imported


def test_a_store_at_this_schema_is_written_without_importing_sqlalchemy(tmp_path: Path) -> None:
    path = _at_head(tmp_path, "runs.sqlite")
    run_id, imported = _keep_one(f"sqlite:///{path}")
    assert imported == "[]"
    with store.open(f"sqlite:///{path}") as runs:
        assert runs.get(run_id).model == "compromise"


def test_a_new_store_is_created_by_store_then_written_directly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    first, imported = _keep_one(url)
    assert imported != "[]"  # creating the store takes Alembic
    second, imported = _keep_one(url)
    assert imported == "[]"
    with store.open(url) as runs:
        assert set(runs.runs().index) == {first, second}
        assert len(runs.scenarios()) == 1  # one version, whichever way it was written


def test_an_older_store_is_upgraded_before_the_work(tmp_path: Path) -> None:
    from tawazun.store import _database

    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    parsed = _database.resolve(url)
    engine = _database.create_engine(parsed)
    _database.migrate(engine, parsed, target="0003")
    engine.dispose()
    with store.saver(url) as saver:
        assert saver._direct is None  # Store migrated it
    assert _rows(tmp_path / "runs.sqlite", VERSION_TABLE) == [{"version_num": HEAD}]


def test_a_store_a_newer_tawazun_migrated_meanwhile_is_refused_at_saving(
    tmp_path: Path, scenario: Scenario
) -> None:
    path = _at_head(tmp_path, "runs.sqlite")
    with store.saver(f"sqlite:///{path}") as saver:
        with sqlite3.connect(path) as connection:
            connection.execute(f"UPDATE {VERSION_TABLE} SET version_num = '9001'")
        connection.close()
        with pytest.raises(store.StoreError, match="newer tawazun"):
            saver.save(scenario.forecast(), scenario)
    assert _rows(path, "runs") == [] and _rows(path, "scenarios") == []


def test_a_failure_while_writing_is_a_store_error_and_writes_nothing(
    tmp_path: Path, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _at_head(tmp_path, "runs.sqlite")
    with store.saver(f"sqlite:///{path}") as saver:
        written = _direct.write

        def then_fail(connection: sqlite3.Connection, *rows: dict[str, Any]) -> str:
            written(connection, *rows)
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(_direct, "write", then_fail)
        with pytest.raises(store.StoreError, match="cannot save the run: database or disk is full"):
            saver.save(scenario.forecast(), scenario)
    assert _rows(path, "runs") == [] and _rows(path, "scenarios") == []


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda path: path.write_bytes(b"a spreadsheet\n" * 50), "not an SQLite database"),
        (lambda path: path.mkdir(), "not a regular file"),
    ],
    ids=["not SQLite", "a folder"],
)
def test_a_file_that_is_no_store_is_refused_in_stores_words(
    tmp_path: Path, make: Any, words: str
) -> None:
    path = tmp_path / "runs.sqlite"
    make(path)
    with pytest.raises(store.StoreError) as by_saver:
        store.saver(f"sqlite:///{path}")
    with pytest.raises(store.StoreError) as by_store:
        store.open(f"sqlite:///{path}")
    assert words in str(by_saver.value)
    assert str(by_saver.value) == str(by_store.value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///runs.sqlite", Path("runs.sqlite")),
        ("sqlite:////data/runs.sqlite", Path("/data/runs.sqlite")),
        ("sqlite:///runs.sqlite?timeout=5", None),
        ("sqlite:///my%20runs.sqlite", None),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("sqlite+pysqlite:///runs.sqlite", None),
        ("postgresql+psycopg://a:b@127.0.0.1/x", None),
    ],
)
def test_only_a_plain_sqlite_url_is_read_without_sqlalchemy(
    url: str, expected: Path | None
) -> None:
    assert _direct.sqlite_file(url) == expected


def test_without_a_url_the_environment_then_the_default_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(store.ENVIRONMENT, f"sqlite:///{tmp_path / 'env.sqlite'}")
    assert _direct.sqlite_file(None) == tmp_path / "env.sqlite"
    monkeypatch.delenv(store.ENVIRONMENT)
    assert _direct.sqlite_file(None) == store.default_path()
