"""The DEU III importer, checked against the file itself."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import pytest

import tawazun
from tawazun.io import ScenarioFileError
from tawazun.io.deu import sniff_deu
from tawazun.validation.capabilities import NICE_VOTES, UNANIMITY_VOTES, procedure_capability
from tawazun.validation.deu import DeuData, read_cases


@pytest.fixture(scope="module")
def raw_rows(deu: Path) -> list[dict[str, str]]:
    """The file's issue rows as the csv module reads them, independently of the importer."""
    with deu.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [row for row in rows if row["isnr"]]


def test_counts_match_the_file(deu_data: DeuData, raw_rows: list[dict[str, str]]) -> None:
    without_outcome = [row["isnr"] for row in raw_rows if row["out"] == ""]
    assert len(raw_rows) == 364
    assert deu_data.skipped_count == len(without_outcome) == 11
    assert [issue for _, issue in deu_data.skipped] == without_outcome
    assert deu_data.issue_count == 364 - 11
    proposals_with_outcome = {row["prnr"] for row in raw_rows if row["out"] != ""}
    assert {case.proposal for case in deu_data.cases} == proposals_with_outcome
    assert deu_data.skipped[0] == (18, "d95341i2")


def test_skipped_rows_are_logged(deu: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="tawazun.validation.deu"):
        read_cases(deu)
    assert "skipped 11 rows without an outcome" in caplog.text


def test_first_issue_read_by_hand(deu_data: DeuData) -> None:
    # File line 3: d00032i1, "documents", COD, QMV; pcom 100 scom 50, pde 0 sde 80,
    # puk 100 suk 60, pat 40 sat 40; Bulgaria has a salience (0) but no position; rp 0, out 100.
    case = deu_data.cases[0]
    assert (case.proposal, case.procedure, case.voting_rule) == ("d00032", "COD", "QMV")
    assert case.rows["d00032i1"] == 3
    issue = case.scenario.issue("d00032i1")
    assert issue.status_quo == 0
    assert case.outcome["d00032i1"] == 100
    stance = {a.id: a.stances.get("d00032i1") for a in case.scenario.actors}
    assert (stance["com"].position, stance["com"].salience) == (100, 50)
    assert (stance["de"].position, stance["de"].salience) == (0, 80)
    assert (stance["uk"].position, stance["uk"].salience) == (100, 60)
    assert (stance["at"].position, stance["at"].salience) == (40, 40)
    assert "bu" not in stance
    assert case.scenario.salience_scale == 100
    assert list(case.outcome) == ["d00032i1", "d00032i2", "d00032i3", "d00032i4"]


def test_missing_salience_is_imputed(deu_data: DeuData) -> None:
    # File line 295 (d05246i2): Ireland and Malta at 15 with no salience.
    case = next(c for c in deu_data.cases if "d05246i2" in c.outcome)
    ireland = next(a for a in case.scenario.actors if a.id == "ie")
    assert ireland.stances["d05246i2"].position == 15
    assert ireland.stances["d05246i2"].salience == 50
    assert deu_data.imputed_saliences == 54


def test_file_row_capabilities(deu_data: DeuData) -> None:
    actors = {a.id: a for a in deu_data.cases[0].scenario.actors}
    assert actors["de"].capability == 4.1
    assert actors["fr"].capability == 2.8
    assert actors["com"].capability == actors["ep"].capability == 4.1
    assert actors["ie"].capability == 0.5


def test_procedure_capabilities(deu: Path) -> None:
    assert sum(NICE_VOTES.values()) == 352
    assert procedure_capability("de", "COD", "QMV") == 29
    assert procedure_capability("mt", "CNS", "QMV") == 3
    assert procedure_capability("mt", "CNS", "Unan") == procedure_capability("de", "COD", "Unan")
    assert abs(UNANIMITY_VOTES - 352 / 28) < 1e-12
    assert procedure_capability("ep", "COD", "QMV") > procedure_capability("ep", "CNS", "QMV")
    cases = read_cases(deu, "procedure").cases
    consultation = next(c for c in cases if c.procedure == "CNS" and c.voting_rule == "QMV")
    actors = {a.id: a.capability for a in consultation.scenario.actors}
    assert actors["ep"] == 3.0
    assert actors["fr"] == 29


def test_whole_file_loads_as_one_scenario(deu: Path) -> None:
    scenario = tawazun.load(deu)
    assert len(scenario.issues) == 364
    assert len(scenario.actors) == 30
    with deu.open(encoding="utf-8") as handle:
        assert sniff_deu(handle.read(4096))
    assert not sniff_deu("actor,issue,position,salience,capability\n")


def test_bad_number_names_line_and_column(tmp_path: Path, deu: Path) -> None:
    lines = deu.read_text(encoding="utf-8").splitlines()
    cells = lines[2].split("\t")
    header = [c.strip('"') for c in lines[0].split("\t")]
    cells[header.index("pde")] = "lots"
    lines[2] = "\t".join(cells)
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioFileError) as caught:
        read_cases(broken)
    assert str(caught.value) == f"{broken}:3: pde: 'lots' is not a number"


def test_file_without_capability_row(tmp_path: Path, deu: Path) -> None:
    lines = deu.read_text(encoding="utf-8").splitlines()
    plain = tmp_path / "plain.csv"
    plain.write_text("\n".join([lines[0], *lines[2:]]) + "\n", encoding="utf-8")
    assert read_cases(plain, "procedure").issue_count == 353
    with pytest.raises(ScenarioFileError, match="no capability row"):
        read_cases(plain, "file-row")


def test_not_a_deu_file(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a\tb\n1\t2\n", encoding="utf-8")
    with pytest.raises(ScenarioFileError, match="missing DEU columns"):
        read_cases(other)
