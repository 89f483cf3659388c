"""Stores for the tests: a fresh SQLite file; ``store_url`` (SQLite and a real PostgreSQL
server) comes from :mod:`tests.postgres` through the top-level conftest."""

from __future__ import annotations

from pathlib import Path

import pytest

from tawazun.scenario import Scenario
from tests.factories import one_issue


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'runs.sqlite'}"


@pytest.fixture
def scenario() -> Scenario:
    """One issue with bands, three actors."""
    return one_issue([0, 50, 90], [1, 1, 1], [2, 1, 1])
