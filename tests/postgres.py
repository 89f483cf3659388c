"""A real PostgreSQL server for the tests that keep runs: a fresh schema per test.

``store_url`` runs each test that takes it twice: on SQLite, and on the PostgreSQL server
at ``TAWAZUN_TEST_POSTGRES_URL`` (``.ci/run`` starts one and exports it). Without that
variable the PostgreSQL cases are skipped with the reason, except in CI, where they fail.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

POSTGRES = os.environ.get("TAWAZUN_TEST_POSTGRES_URL")


def postgres_url() -> str:
    """The test server's URL, or skip (fail in CI) when there is none."""
    if not POSTGRES:
        reason = "TAWAZUN_TEST_POSTGRES_URL is not set: no PostgreSQL server to test the store on"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return POSTGRES


@pytest.fixture
def postgres_schema() -> Iterator[str]:
    """A URL on the test server whose tables go to a new schema, dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(postgres_url())
    schema = f"tawazun_test_{secrets.token_hex(4)}"
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )
    finally:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty store: SQLite in a temporary folder, or a PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'runs.sqlite'}"
    return request.getfixturevalue("postgres_schema")
