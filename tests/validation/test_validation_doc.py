"""docs/validation.md shows what the code computes.

The page's tables are the output of ``tawazun backtest`` (written by
``python docs/make_validation.py``). Recomputing every row takes minutes (the iterative
models), so this test recomputes the rows of the models that run in a second on DEU III
(:data:`FAST`) and of the baselines, in every table of both capability schemes and in the
calibration table, with the documented settings: a model's row depends on nothing but its
own forecasts, so a change in the harness, the metrics, the calibration or these models
shows here. For the other models it checks that each has its row.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tawazun.cli.backtest import full_rows, subset_rows, subset_title
from tawazun.models import available, get_model
from tawazun.validation.backtest import BASELINES, backtest
from tawazun.validation.calibration_backtest import (
    CLIMATOLOGY,
    calibration_rows,
    check,
    robustness_draws,
)
from tawazun.validation.deu import read_cases

DOC = Path(__file__).resolve().parents[2] / "docs" / "validation.md"
FAST = ("compromise", "median", "nash", "nash-sq")
#: The documented runs' settings (``tawazun backtest``'s defaults).
FOLDS, SEED, DRAWS, RUNS = 10, 0, 2000, 200


def documented_tables(scheme: str) -> dict[str, dict[str, list[str]]]:
    """Title -> forecaster -> cells, for every table of the scheme's block."""
    text = DOC.read_text(encoding="utf-8")
    block = re.search(
        rf"<!-- backtest {scheme} begin -->(.*?)<!-- backtest {scheme} end -->", text, re.S
    )
    assert block, f"no backtest {scheme} block in {DOC}"
    tables: dict[str, dict[str, list[str]]] = {}
    for part in block.group(1).split("#### ")[1:]:
        title, _, body = part.partition("\n")
        rows = {}
        for line in body.splitlines():
            if line.startswith("|") and not line.startswith("|---"):
                cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
                rows[cells[0]] = cells
        tables[title.strip()] = rows
    return tables


@pytest.fixture(scope="module")
def runs(deu: Path):
    """The back-test of the fast models under a capability scheme, computed once each."""
    found = {}

    def run(scheme: str):
        if scheme not in found:
            data = read_cases(deu, scheme)
            models = {name: get_model(name) for name in FAST}
            found[scheme] = data, backtest(data.cases, models, folds=FOLDS, seed=SEED, draws=DRAWS)
        return found[scheme]

    return run


@pytest.fixture(params=["file-row", "procedure"])
def scheme_run(request, runs):
    return (request.param, *runs(request.param))


def test_every_table_row_of_the_fast_models_and_baselines_matches(scheme_run) -> None:
    scheme, _, result = scheme_run
    documented = documented_tables(scheme)
    scores = result.scores
    for subset in scores["subset"].unique():
        rows = full_rows(scores, subset) if subset == "all" else subset_rows(scores, subset)
        title = subset_title(scores, subset)
        assert title in documented, f"{scheme}: no table {title!r} in {DOC.name}"
        for row in rows:
            assert documented[title].get(row[0]) == row, f"{scheme}, {title}, {row[0]}"


def test_every_registered_model_has_its_row(scheme_run) -> None:
    scheme, _, result = scheme_run
    documented = documented_tables(scheme)
    title = subset_title(result.scores, "all")
    assert set(available()) | set(BASELINES) <= set(documented[title])


def test_the_calibration_rows_match(runs) -> None:
    scheme = "file-row"  # the calibration check is documented for the default scheme
    data, result = runs(scheme)
    robustness = {"compromise": robustness_draws(data.cases, "compromise", RUNS, SEED)}
    checked = check(result, data.cases, robustness, stack_members=[], seed=SEED)
    documented = next(
        rows for title, rows in documented_tables(scheme).items() if title.startswith("Calibrated")
    )
    rows = calibration_rows(checked.summary)
    assert {row[0] for row in rows} == {*FAST, CLIMATOLOGY, "compromise (robustness shares)"}
    for row in rows:
        assert documented.get(row[0]) == row, row[0]
    assert set(available()) <= set(documented)
