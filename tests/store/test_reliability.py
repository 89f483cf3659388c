"""What a store must survive: many writers at once, interrupted runs, wrong files, wrong servers.

Every refusal is one line on stderr, exit status 2, no traceback, the file untouched, and
never the password of the URL.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import tawazun
from tawazun import store
from tawazun.cli import app
from tawazun.scenario import Scenario
from tests.factories import one_issue
from tests.postgres import postgres_url
from tests.store._writer import document, save_one

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()
WRITERS = 50


@pytest.mark.parametrize(
    ("created", "opener"),
    [(False, "open"), (True, "open"), (False, "saver"), (True, "saver")],
    ids=["new store", "existing store", "new store, saver", "existing store, saver (sqlite3)"],
)
def test_fifty_processes_saving_at_once_lose_nothing(
    tmp_path: Path, created: bool, opener: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    if created:
        store.open(url).close()
    # forkserver: the writers fork from a fresh process that imported only the store, not
    # from this one with its threads (a fork while another thread holds a lock can hang)
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    monkeypatch.setenv("PYTHONPATH", path)  # the fork server imports tests.store._writer
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.store._writer"])
    barrier = context.Barrier(WRITERS)
    scenario = one_issue([0, 50, 90], [1, 1, 1], [2, 1, 1]).model_dump_json()
    writers = [
        context.Process(target=save_one, args=(url, scenario, k, barrier, opener))
        for k in range(WRITERS)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=300)
    assert [w.exitcode for w in writers] == [0] * WRITERS
    with store.open(url) as runs:
        frame = runs.runs()
        assert len(frame) == WRITERS == frame.index.nunique()
        found = sorted(runs.get(run_id).options["k"] for run_id in frame.index)
        for run_id in frame.index:
            run = runs.get(run_id)
            assert run.document == document(run.options["k"])
        assert len(runs.scenarios()) == 1  # one scenario version, however many writers
    assert found == list(range(WRITERS))


HANG_IN_COMMIT = """
import pathlib, sys, time
from sqlalchemy import event
from tawazun import store
from tests.factories import one_issue

url, ready = sys.argv[1], pathlib.Path(sys.argv[2])
runs = store.open(url)

@event.listens_for(runs._engine, "commit")
def hang(connection):
    ready.write_text("both rows written, not committed")
    time.sleep(120)

scenario = one_issue([0, 50, 90], [1, 1, 1], [2, 1, 1])
runs.save(scenario.forecast(), scenario)
"""
# the same with the saver's sqlite3 route: both rows written, then the commit waits
HANG_IN_DIRECT_COMMIT = """
import pathlib, sys, time
from tawazun import store
from tawazun.store import _direct
from tests.factories import one_issue

url, ready = sys.argv[1], pathlib.Path(sys.argv[2])
written = _direct.write

def hang(connection, *rows):
    run_id = written(connection, *rows)
    ready.write_text("both rows written, not committed")
    time.sleep(120)
    return run_id

_direct.write = hang
scenario = one_issue([0, 50, 90], [1, 1, 1], [2, 1, 1])
with store.saver(url) as saver:
    assert saver._direct is not None
    saver.save(scenario.forecast(), scenario)
"""


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "crash"])
def test_a_run_interrupted_while_saving_leaves_no_half_row(
    store_url: str, tmp_path: Path, scenario: Scenario, how: signal.Signals
) -> None:
    _interrupt_while_saving(HANG_IN_COMMIT, store_url, tmp_path, scenario, how)


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "crash"])
def test_a_run_interrupted_while_saving_with_sqlite3_leaves_no_half_row(
    sqlite_url: str, tmp_path: Path, scenario: Scenario, how: signal.Signals
) -> None:
    _interrupt_while_saving(HANG_IN_DIRECT_COMMIT, sqlite_url, tmp_path, scenario, how)


def _interrupt_while_saving(
    child_code: str, store_url: str, tmp_path: Path, scenario: Scenario, how: signal.Signals
) -> None:
    store.open(store_url).close()
    ready = tmp_path / "ready"
    child = subprocess.Popen(
        [sys.executable, "-c", child_code, store_url, str(ready)],
        cwd=REPO,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
        assert time.monotonic() < deadline, "the child never reached the commit"
        time.sleep(0.05)
    child.send_signal(how)
    child.wait(timeout=60)
    assert child.returncode != 0
    with store.open(store_url) as runs:
        assert runs.runs().empty
        assert runs.scenarios().empty  # the scenario went with the run it came with
        run = runs.save(scenario.forecast(), scenario)  # and the store still takes runs
        assert list(runs.runs().index) == [run.id]


def _flagship_forecast(url: str) -> object:
    return runner.invoke(app, ["forecast", "iraq-2024", "--store", url])


def _refused(result: object, *, hidden: str | None = None) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    if hidden is not None:
        assert hidden not in result.stderr
    return lines[0]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_a_corrupt_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite"
    path.write_bytes(b"this is a spreadsheet, not a database\n" * 100)
    before = _snapshot(tmp_path)
    line = _refused(_flagship_forecast(f"sqlite:///{path}"))
    assert "not an SQLite database" in line and str(path) in line
    assert _snapshot(tmp_path) == before


def test_a_damaged_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite"
    store.open(f"sqlite:///{path}").close()
    data = bytearray(path.read_bytes())
    data[100:] = b"\xff" * (len(data) - 100)  # the header stays, the pages are garbage
    path.write_bytes(bytes(data))
    before = _snapshot(tmp_path)
    line = _refused(_flagship_forecast(f"sqlite:///{path}"))
    assert "store" in line
    assert _snapshot(tmp_path) == before


def test_another_programs_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "contacts.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
        connection.execute("INSERT INTO contacts VALUES ('Huda', '0770')")
    connection.close()
    before = _snapshot(tmp_path)
    line = _refused(_flagship_forecast(f"sqlite:///{path}"))
    assert "not a tawazun store" in line and "contacts" in line
    assert _snapshot(tmp_path) == before


def test_a_store_of_a_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite"
    store.open(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE tawazun_schema SET version_num = '9001'")
    connection.close()
    before = _snapshot(tmp_path)
    line = _refused(_flagship_forecast(f"sqlite:///{path}"))
    assert "newer tawazun" in line and "9001" in line
    assert _snapshot(tmp_path) == before
    with pytest.raises(store.StoreError):
        store.open(f"sqlite:///{path}")


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    line = _refused(_flagship_forecast(f"sqlite:///{tmp_path / 'nowhere' / 'runs.sqlite'}"))
    assert "does not exist" in line
    assert not (tmp_path / "nowhere").exists()


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    # port 1 on loopback: nothing listens, the connection is refused at once
    url = "postgresql+psycopg://analyst:s3cr3t-pw@127.0.0.1:1/tawazun"
    line = _refused(_flagship_forecast(url), hidden="s3cr3t-pw")
    assert "analyst:***@127.0.0.1:1" in line and "cannot open the store" in line


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://analyst:s3cr3t-pw@127.0.0.1:notaport/tawazun",
        "mysql://analyst:s3cr3t-pw@127.0.0.1/tawazun",
        "not a url s3cr3t-pw",
        "postgresql+psycopg//analyst:s3cr3t-pw@127.0.0.1/tawazun",
    ],
)
def test_a_wrong_url_is_one_line_without_the_password(url: str) -> None:
    _refused(_flagship_forecast(url), hidden="s3cr3t-pw")


def test_bad_credentials_are_one_line_without_the_password() -> None:
    from sqlalchemy.engine import make_url

    server = make_url(postgres_url())
    url = server.set(username="no_such_analyst", password="s3cr3t-pw").render_as_string(
        hide_password=False
    )
    line = _refused(_flagship_forecast(url), hidden="s3cr3t-pw")
    assert "no_such_analyst" in line


def test_a_missing_database_on_the_server_is_one_line() -> None:
    from sqlalchemy.engine import make_url

    url = make_url(postgres_url()).set(database="no_such_database_here")
    line = _refused(_flagship_forecast(url.render_as_string(hide_password=False)))
    assert "no_such_database_here" in line


def test_the_store_is_checked_before_the_work_starts(tmp_path: Path) -> None:
    # a bad store fails before the simulation runs, not after
    path = tmp_path / "runs.sqlite"
    path.write_text("not a database")
    started = time.perf_counter()
    result = runner.invoke(
        app, ["simulate", "iraq-2024", "-m", "eum", "--runs", "100000", "--store", str(path)]
    )
    assert result.exit_code == 2
    assert time.perf_counter() - started < 30


def test_runs_commands_refuse_a_bad_store_the_same_way(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite"
    path.write_text("not a database")
    for arguments in (["list"], ["show", "abcd"], ["delete", "abcd", "--yes"]):
        _refused(runner.invoke(app, ["runs", *arguments, "--store", f"sqlite:///{path}"]))
    assert path.read_text() == "not a database"


def test_environment_store_errors_name_the_variable_free_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(store.ENVIRONMENT, "postgresql+psycopg://a:s3cr3t-pw@127.0.0.1:1/x")
    _refused(runner.invoke(app, ["forecast", "iraq-2024"]), hidden="s3cr3t-pw")
    _refused(runner.invoke(app, ["runs", "list"]), hidden="s3cr3t-pw")


def test_no_save_opens_no_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(store.ENVIRONMENT, "postgresql+psycopg://a:b@127.0.0.1:1/x")
    result = runner.invoke(app, ["forecast", "iraq-2024", "--no-save", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["scenario"] == "iraq-2024"


def test_the_test_suite_never_uses_the_users_store() -> None:
    url = os.environ[store.ENVIRONMENT]
    assert url.startswith("sqlite:///") and "tawazun-test-store-" in url
    assert str(store.default_path()) not in url
    assert tawazun.__version__


def test_fifty_threads_sharing_one_store_lose_nothing(store_url: str, scenario: Scenario) -> None:
    # the web app saves finished jobs from its worker threads into one open store
    from concurrent.futures import ThreadPoolExecutor

    with store.open(store_url) as runs:

        def save(k: int) -> str:
            return runs.save(document(k), scenario, model="median", options={"k": k}).id

        with ThreadPoolExecutor(max_workers=WRITERS) as pool:
            ids = list(pool.map(save, range(WRITERS)))
        assert len(set(ids)) == WRITERS
        assert sorted(runs.get(i).options["k"] for i in ids) == list(range(WRITERS))
        assert all(runs.get(i).document == document(runs.get(i).options["k"]) for i in ids)
