"""Fixtures of the draft tests: the articles we wrote, and the seed article beside the repo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from tests.conftest import SHARED

FIXTURES = Path(__file__).with_name("fixtures")
EXPECTED = yaml.safe_load((FIXTURES / "expected.yaml").read_text(encoding="utf-8"))
SEED = SHARED / "seed"


@pytest.fixture(scope="session")
def seed_article() -> Path:
    """The seed op-ed (../shared/seed); skipped without it, failed in CI."""
    found = sorted(SEED.glob("*.txt")) if SEED.is_dir() else []
    if not found:
        message = f"the seed article is not at {SEED}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found[0]
