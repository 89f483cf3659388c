"""Reading decide-exchange-model input files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import tawazun
from tawazun.io import ScenarioFileError, format_for
from tawazun.io.decide import sniff

EXAMPLES = ["cop21.csv", "copenhagen.csv", "sample_data.txt", "verkiezing_2012.csv"]
SYNTHETIC = ["ex_a05_i2.csv", "ex_a06_i3.csv", "ex_a08_i3.csv"]


def decide_rows(path: Path) -> list[list[str]]:
    """The file's rows as fields, split independently of the reader under test."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = [f.strip().strip("'") for f in re.split(r"[\t;]", line.strip())]
        if fields and fields[0].startswith("#"):
            rows.append(fields)
    return rows


@pytest.mark.parametrize("name", EXAMPLES + [f"synthetic/{n}" for n in SYNTHETIC])
def test_every_example_reads_as_its_rows_say(reference: Path, name: str) -> None:
    path = reference / "exchange" / name
    assert format_for(path).name == "decide"
    scenario = tawazun.load(path)
    rows = decide_rows(path)
    assert [a.id for a in scenario.actors] == [r[1] for r in rows if r[0] == "#A"]
    assert [i.id for i in scenario.issues] == [r[1] for r in rows if r[0] == "#P"]
    stances = [r for r in rows if r[0] == "#D"]
    assert sum(len(a.stances) for a in scenario.actors) == len(stances)
    for _, actor, issue, position, salience, power, *_ in stances:
        stance = scenario.actor(actor).stances[issue]
        assert stance.position == pytest.approx(float(position))
        assert stance.salience == pytest.approx(float(salience))
        assert scenario.actor(actor).capability == pytest.approx(float(power))
    for issue in scenario.issues:
        marks = [float(r[2]) for r in rows if r[0] == "#M" and r[1] == issue.id]
        assert (issue.scale.min, issue.scale.max) == (
            (min(marks), max(marks)) if marks else (0.0, 100.0)
        )


def test_sample_data_keeps_its_half_to_seven_scale(reference: Path) -> None:
    scenario = tawazun.load(reference / "exchange" / "sample_data.txt")
    scale = scenario.issue("tol-hoogte").scale
    assert (scale.min, scale.max) == (0.5, 7.0)
    assert scenario.actor("Wcentr").stances["tol-hoogte"].position == 0.5


def test_an_actor_without_rows_has_no_stances(reference: Path) -> None:
    scenario = tawazun.load(reference / "exchange" / "verkiezing_2012.csv")
    assert scenario.actor("50+").stances == {}
    assert "bezuinig" not in scenario.actor("PvdD").stances


def test_sniff_tells_decide_rows_from_other_csv() -> None:
    assert sniff("'#A'\t'USA'\t'USA'\t''\n")
    assert sniff("\n#P;I1;I1;\n")
    assert sniff("#D,A,I,1,1,1\n")
    assert not sniff("actor,issue,position,salience\nusa,i1,1,1\n")


def write(tmp_path: Path, text: str, name: str = "case.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = "#A;A;A;\n#A;B;B;\n#P;I;I;\n#M;I;0;low\n#M;I;10;high\n"


def problem(tmp_path: Path, text: str) -> str:
    with pytest.raises(ScenarioFileError) as caught:
        tawazun.load(write(tmp_path, text))
    return str(caught.value)


def test_a_txt_file_is_read_as_decide(tmp_path: Path) -> None:
    scenario = tawazun.load(write(tmp_path, GOOD + "#D;A;I;5;0.5;1\n", "case.txt"))
    assert scenario.issue("I").scale.max == 10


def test_bad_number_names_line_and_field(tmp_path: Path) -> None:
    message = problem(tmp_path, GOOD + "#D;A;I;five;0.5;1\n")
    assert "case.csv:6: position: 'five' is not a number" in message


def test_position_off_the_scale(tmp_path: Path) -> None:
    assert "case.csv:6: position: 12 is outside 0..10" in problem(
        tmp_path, GOOD + "#D;A;I;12;0.5;1\n"
    )


def test_unknown_actor_and_issue(tmp_path: Path) -> None:
    message = problem(tmp_path, GOOD + "#D;C;I;5;0.5;1\n#D;A;J;5;0.5;1\n")
    assert "case.csv:6: actor: actor 'C' has no #A row" in message
    assert "case.csv:7: issue: issue 'J' has no #P row" in message


def test_missing_power(tmp_path: Path) -> None:
    assert "case.csv:6: power: required" in problem(tmp_path, GOOD + "#D;A;I;5;0.5\n")


def test_power_must_agree_across_an_actors_rows(tmp_path: Path) -> None:
    text = GOOD + "#P;J;J;\n#D;A;I;5;0.5;1\n#D;A;J;5;0.5;2\n"
    assert "case.csv:8: power: 2 differs from the power 1 actor 'A' has on line 7" in problem(
        tmp_path, text
    )


def test_unknown_row_key(tmp_path: Path) -> None:
    assert "case.csv:6: key: unknown row key '#X'" in problem(tmp_path, GOOD + "#X;A\n")


def test_a_scale_needs_two_different_marks(tmp_path: Path) -> None:
    text = "#A;A;A;\n#P;I;I;\n#M;I;5;only\n#D;A;I;5;0.5;1\n"
    assert "case.csv:3: position: the #M rows of issue 'I' give no range" in problem(tmp_path, text)


def test_duplicate_stance(tmp_path: Path) -> None:
    message = problem(tmp_path, GOOD + "#D;A;I;5;0.5;1\n#D;A;I;6;0.5;1\n")
    assert "case.csv:7: issue: actor 'A' already has a #D row for issue 'I'" in message


def test_saliences_above_one_are_read_on_0_100(tmp_path: Path) -> None:
    scenario = tawazun.load(write(tmp_path, GOOD + "#D;A;I;5;50;1\n#D;B;I;5;100;1\n"))
    assert scenario.salience_scale == 100
    assert scenario.arrays().salience[:, 0].tolist() == [0.5, 1.0]
