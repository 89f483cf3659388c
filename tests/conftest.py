"""Shared test fixtures.

The reference data (``shared/``) lie beside the repository, never inside it; the tests read
them there and fail, not skip, when they are missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tawazun.validation.deu import DeuData, read_cases

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
# A worktree checked out elsewhere names the reference data's folder in TAWAZUN_REFERENCE.
REFERENCE = Path(os.environ.get("TAWAZUN_REFERENCE", SHARED / "reference"))


@pytest.fixture(scope="session")
def reference() -> Path:
    """``shared/reference``: the peers' sample inputs and their programs' outputs."""
    if not REFERENCE.is_dir():
        pytest.fail(f"reference data not found at {REFERENCE}; shared/ must lie beside the repo")
    return REFERENCE


@pytest.fixture(scope="session")
def deu(reference: Path) -> Path:
    """The DEU III data set of EU decisions and their outcomes."""
    return reference / "deu" / "deu3.csv"


@pytest.fixture(scope="session")
def deu_data(deu: Path) -> DeuData:
    """DEU III read once for every test that scores or imports it."""
    return read_cases(deu)
