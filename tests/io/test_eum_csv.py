"""Tests of the ``eum_csv`` reader (``Actor,Capability,Position,Salience`` files)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import tawazun
from tawazun.io import ScenarioFileError, format_for
from tawazun.io.eum_csv import Ids, actor_id, sniff

HEADER = "Actor,Capability,Position,Salience\n"


def example_files(reference: Path) -> list[Path]:
    folder = reference / "eum"
    return sorted(folder.glob("*.csv")) + sorted((folder / "synthetic").glob("*.csv"))


def test_reads_every_example_file(reference: Path) -> None:
    files = example_files(reference)
    assert len(files) == 10
    for path in files:
        assert format_for(path).name == "eum_csv"
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        scenario = tawazun.load(path)
        saliences = [float(row["Salience"]) for row in rows]
        expected_scale = 100 if max(saliences) > 1 else 1
        assert scenario.salience_scale == expected_scale, path.name
        assert [i.id for i in scenario.issues] == ["issue"]
        assert len({a.id for a in scenario.actors}) == len(rows)
        arrays = scenario.arrays()
        for k, row in enumerate(rows):
            actor = scenario.actors[k]
            assert actor.name.en == row["Actor"]
            assert actor.capability == float(row["Capability"])
            assert arrays.position[k, 0] == float(row["Position"])
            assert arrays.salience[k, 0] == pytest.approx(saliences[k] / expected_scale)
        positions = arrays.position[:, 0]
        if positions.min() >= 0 and positions.max() <= 100:
            assert (scenario.issues[0].scale.min, scenario.issues[0].scale.max) == (0, 100)


def test_ids_come_from_names_and_stay_unique() -> None:
    taken = Ids()
    assert actor_id("Labor Party (Corbyn)", taken) == "labor_party_corbyn"
    assert actor_id("Labor-Party Corbyn", taken) == "labor_party_corbyn_2"
    assert actor_id("EUR/JPN", taken) == "eur_jpn"
    assert actor_id("???", taken) == "actor"


def test_sniff_claims_only_the_four_columns() -> None:
    assert sniff(HEADER + "A,1,2,3\n")
    assert sniff("\n salience , ACTOR,position,capability\n")
    assert not sniff("actor,issue,position,salience,capability\n")
    assert not sniff("")


def write(tmp_path: Path, body: str, name: str = "case.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_positions_off_the_0_100_scale_span_their_range(tmp_path: Path) -> None:
    scenario = tawazun.load(write(tmp_path, "A,1,-5,0.5\nB,1,250,0.5\n"))
    assert (scenario.issues[0].scale.min, scenario.issues[0].scale.max) == (-5, 250)
    flat = tawazun.load(write(tmp_path, "A,1,150,0.5\nB,1,150,0.5\n", "flat.csv"))
    assert (flat.issues[0].scale.min, flat.issues[0].scale.max) == (149, 151)
    assert flat.forecast("eum").forecasts == {"issue": 150.0}


@pytest.mark.parametrize(
    ("body", "where", "field", "says"),
    [
        ("A,1,2,0.5\nB,x,3,0.5\n", "3", "Capability", "'x' is not a number"),
        ("A,1,nan,0.5\n", "2", "Position", "not a finite number"),
        ("A,1,inf,0.5\n", "2", "Position", "not a finite number"),
        ("A,-1,2,0.5\n", "2", "Capability", "negative"),
        ("A,1,2,\n", "2", "Salience", "missing value"),
        ("A,1,2,0.5\n,1,2,0.5\n", "3", "Actor", "missing name"),
        ("A,1,2,0.5\nA,1,3,0.5\n", "3", "Actor", "already appears on line 2"),
        ("A,1,2\n", "2", "row", "3 values"),
        ("A,1,2,150\n", "2", "Salience", "outside"),
        ("\n\n", "2", "row", "no actors"),
    ],
)
def test_bad_rows_name_the_line_and_column(tmp_path, body, where, field, says) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ScenarioFileError) as caught:
        tawazun.load(path, format="eum_csv")
    problem = caught.value.problems[0]
    assert (problem.where, problem.field) == (where, field)
    assert says in problem.message
    assert str(problem).startswith(f"{path}:{where}: {field}: ")


def test_a_file_nobody_weighs_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioFileError, match="every actor ignores issue"):
        tawazun.load(write(tmp_path, "A,1,2,0\nB,0,3,0.4\n"))
