"""Shared test fixtures.

The reference data (``shared/``) lie beside the repository, never inside it; the tests read
them there. Where they are missing the tests that need them skip, saying why, except in CI
(``CI=true``), where their absence fails the run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tawazun.validation.deu import DeuData, read_cases
from tests.postgres import postgres_schema, store_url  # noqa: F401  (fixtures)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
# A worktree checked out elsewhere names the reference data's folder in TAWAZUN_REFERENCE.
REFERENCE = Path(os.environ.get("TAWAZUN_REFERENCE", SHARED / "reference"))

# Commands keep every run in the store: in tests (and the processes they start) that is a
# temporary file, never the user's own store. Store tests open stores of their own.
_STORE_FOLDER = tempfile.mkdtemp(prefix="tawazun-test-store-")
os.environ["TAWAZUN_DATABASE_URL"] = f"sqlite:///{_STORE_FOLDER}/runs.sqlite"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_STORE_FOLDER, ignore_errors=True)


@pytest.fixture(scope="session")
def reference() -> Path:
    """``shared/reference``: the peers' sample inputs and their programs' outputs."""
    if not REFERENCE.is_dir():
        reason = (
            f"reference data not found at {REFERENCE}: shared/ must lie beside the repository "
            "(or set TAWAZUN_REFERENCE)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return REFERENCE


@pytest.fixture(scope="session")
def deu(reference: Path) -> Path:
    """The DEU III data set of EU decisions and their outcomes."""
    return reference / "deu" / "deu3.csv"


@pytest.fixture(scope="session")
def deu_data(deu: Path) -> DeuData:
    """DEU III read once for every test that scores or imports it."""
    return read_cases(deu)
