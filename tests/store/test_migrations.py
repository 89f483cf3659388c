"""The schema's migrations: they build the tables the code uses, and upgrade old stores."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from tawazun import store
from tawazun.scenario import Scenario
from tawazun.store import _database, canonical
from tawazun.store._rows import content_hash
from tawazun.store.schema import VERSION_TABLE, metadata

MIGRATIONS = Path(_database.__file__).parent / "migrations"


def test_the_known_revisions_are_the_migrations_in_order() -> None:
    script = ScriptDirectory(str(MIGRATIONS))
    walked = [revision.revision for revision in script.walk_revisions()]
    assert tuple(reversed(walked)) == _database.REVISIONS


def test_the_migrations_build_the_tables_the_code_uses(store_url: str) -> None:
    store.open(store_url).close()
    engine = sa.create_engine(_database.resolve(store_url))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        assert compare_metadata(context, metadata) == []
    engine.dispose()


def _store_at_first_revision(url: str) -> sa.Engine:
    """A store as the first migration left it, holding one run written in that shape."""
    parsed = _database.resolve(url)
    engine = _database.create_engine(parsed)
    _database.migrate(engine, parsed, target="0001")
    return engine


def test_a_store_made_by_the_first_migration_is_upgraded(
    store_url: str, scenario: Scenario
) -> None:
    engine = _store_at_first_revision(store_url)
    result = scenario.forecast("median")
    content = canonical(scenario)
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        version = sa.text(f"SELECT version_num FROM {VERSION_TABLE}")
        assert connection.execute(version).scalar() == "0001"
        connection.execute(
            sa.text(
                "INSERT INTO scenarios (hash, scenario_id, title, kind, content, created) "
                "VALUES (:hash, :id, 'T', 'scenario', :content, :created)"
            ),
            {"hash": content_hash(content), "id": scenario.id, "content": content, "created": now},
        )
        connection.execute(
            sa.text(
                "INSERT INTO runs (id, created, command, model, parameters, options, seed, "
                "version, scenario_hash, document, seconds, label, note) VALUES (:id, :created, "
                "'forecast', 'median', '{}', '{}', NULL, '0.0.1', :hash, :document, 1.5, "
                "'old', NULL)"
            ),
            {
                "id": "oldrun01",
                "created": now,
                "hash": content_hash(content),
                "document": result.to_json(),
            },
        )
    engine.dispose()
    with store.open(store_url) as runs:
        run = runs.get("oldrun01")
        frame = runs.runs()
    assert run.label == "old" and run.version == "0.0.1"
    assert run.document == json.loads(result.to_json())
    # the upgrade filled the new summary column from the stored document
    forecast = result.issues[0]
    assert run.summary == {"x": {"forecast": forecast.forecast, "band": forecast.band}}
    assert frame.loc["oldrun01", "forecast:x"] == forecast.forecast
