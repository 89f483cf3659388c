"""KTAB SMP CSV and XML importers, on every example KTAB ships in the reference data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tawazun
from tawazun.io import ScenarioFileError, format_for
from tawazun.io.ktab import read_csv, read_xml, sniff_csv, sniff_xml

CSV_FILES = [
    "SOE-Pol-Comp.csv",
    "dummyData_3Dim.csv",
    "dummyData-a040.csv",
    "synthetic/smp_a05_d1.csv",
    "synthetic/smp_a06_d2.csv",
    "synthetic/smp_a10_d3.csv",
]


def expected_json(reference: Path, name: str) -> dict:
    stem = Path(name).stem
    folder = reference / "ktab" / ("synthetic" if name.startswith("synthetic") else "expected")
    return json.loads((folder / f"{stem}.final.json").read_text())


@pytest.mark.parametrize("name", CSV_FILES)
def test_csv_reads_what_ktab_read(reference: Path, name: str) -> None:
    path = reference / "ktab" / name
    assert format_for(path).name == "ktab-csv"
    scenario = tawazun.load(path)
    expected = expected_json(reference, name)
    assert [a.id for a in scenario.actors] == expected["actors"]
    assert [i.name.en for i in scenario.issues] == [d.strip() for d in expected["dimensions"]]
    assert len({i.space for i in scenario.issues}) == 1
    assert scenario.salience_scale == 100
    arrays = scenario.arrays()
    for i, actor in enumerate(expected["actors"]):
        assert list(arrays.position[i]) == pytest.approx(expected["initial_positions"][actor])


@pytest.mark.parametrize("stem", ["SOE-Pol-Comp", "dummyData_3Dim", "dummyData-a040"])
def test_csv_capability_and_salience_give_ktabs_effective_power(reference: Path, stem: str) -> None:
    scenario = tawazun.load(reference / "ktab" / f"{stem}.csv")
    arrays = scenario.arrays()
    lines = (reference / "ktab" / "expected" / f"{stem}.effPow.csv").read_text().splitlines()
    for i, line in enumerate(lines[1:]):
        fields = line.split(",")
        assert fields[0] == arrays.actor_ids[i]
        power = arrays.capability[i] * arrays.salience[i]
        assert list(power) == pytest.approx([float(f) for f in fields[1:]], abs=0.0051)


def test_sniff_claims_ktab_csv_only(reference: Path) -> None:
    assert sniff_csv((reference / "ktab" / "SOE-Pol-Comp.csv").read_text())
    pos_log = reference / "ktab" / "synthetic" / "smp_a05_d1.posLog.csv"
    assert not sniff_csv(pos_log.read_text())
    assert not sniff_csv("actor,issue,position,salience\nusa,oil,10,0.5\n")


def test_sniff_xml_claims_ktab_scenarios(reference: Path) -> None:
    assert sniff_xml((reference / "ktab" / "smpExample.xml").read_text(encoding="utf-8-sig"))
    assert not sniff_xml('<?xml version="1.0"?><Workbook xmlns="urn:x"></Workbook>')


def test_smp_example_xml_is_repaired_and_noted(reference: Path) -> None:
    path = reference / "ktab" / "smpExample.xml"
    assert format_for(path).name == "ktab-xml"
    scenario = tawazun.load(path)
    assert [a.id for a in scenario.actors] == ["Alice", "Bob", "Carol", "David", "Ellie"]
    assert [i.id for i in scenario.issues] == ["firstdim", "seconddim", "yadn"]
    alice = scenario.actor("Alice")
    assert set(alice.stances) == {"seconddim", "yadn"}
    assert alice.stances["seconddim"].position == 39.8
    assert alice.capability == 117.7
    notes = scenario.metadata.notes
    assert "empty <dCoord>" in notes and "Alice" in notes
    assert "pce_model=MarkovIncentive" in notes and "state_transitions=Stochastic" in notes
    assert "IdealAdjustment (6 pairs)" in notes


def _xml_of(scenario: tawazun.Scenario, with_adjustment: bool) -> str:
    """KTAB's XML layout for a scenario, as KTAB's dummyData_3Dim.xml writes it."""
    dims = "".join(f"<dName>{i.name.en}</dName>" for i in scenario.issues)
    actors = []
    for actor in scenario.actors:
        coords = "".join(f"<dCoord>{s.position!r}</dCoord>" for s in actor.stances.values())
        sals = "".join(f"<dSal>{s.salience!r}</dSal>" for s in actor.stances.values())
        actors.append(
            f"<Actor><name>{actor.id}</name><description>{actor.name.en}</description>"
            f"<capability>{actor.capability!r}</capability><Position>{coords}</Position>"
            f"<Salience>{sals}</Salience></Actor>"
        )
    adjust = (
        "<IdealAdjustment><iaPair><adjustingIdeal>x</adjustingIdeal></iaPair></IdealAdjustment>"
        if with_adjustment
        else ""
    )
    return (
        '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<Scenario><name>DummyData_3Dim</name>'
        "<desc>Dummy scenario to test reading format</desc><prngSeed>1</prngSeed>"
        f"<Dimensions>{dims}</Dimensions><Actors>{''.join(actors)}</Actors>{adjust}</Scenario>"
    )


def test_xml_without_ideal_adjustment_reads_like_the_csv(reference: Path, tmp_path: Path) -> None:
    from_csv = tawazun.load(reference / "ktab" / "dummyData_3Dim.csv")
    path = tmp_path / "dummyData_3Dim.xml"
    path.write_text(_xml_of(from_csv, with_adjustment=False), encoding="utf-8")
    from_xml = read_xml(path)
    assert from_xml.arrays().position.tolist() == from_csv.arrays().position.tolist()
    assert from_xml.arrays().salience.tolist() == from_csv.arrays().salience.tolist()
    assert from_xml.arrays().capability.tolist() == from_csv.arrays().capability.tolist()
    assert "IdealAdjustment" not in from_xml.metadata.notes


def _write(tmp_path: Path, text: str, name: str = "bad.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "S,desc,3,1,\nActor,Description,Power,P Position,P Salience,\n"


@pytest.mark.parametrize(
    ("body", "where", "needle"),
    [
        ("A,a,10,50,50,\nB,b,10,150,50,\nC,c,10,20,30,\n", ":4:", "outside KTAB's 0..100"),
        ("A,a,10,50,50,\nB,b,ten,50,50,\nC,c,10,20,30,\n", ":4:", "'ten' is not a number"),
        ("A,a,10,50,50,\nB,b,10,50,50,\n", ":5:", "declares 3 actors but 2 rows"),
        ("A,a,10,50,50,\nB,b,10,50,101,\nC,c,10,20,30,\n", ":4:", "salience"),
        ("A,a,10,50,50,\nA,b,10,50,50,\nC,c,10,20,30,\n", ":4:", "duplicate actor id"),
    ],
)
def test_bad_csv_names_row_and_field(tmp_path: Path, body: str, where: str, needle: str) -> None:
    with pytest.raises(ScenarioFileError) as caught:
        read_csv(_write(tmp_path, HEADER + body))
    assert where in str(caught.value) and needle in str(caught.value)


def test_salience_over_100_in_total_is_refused(tmp_path: Path) -> None:
    text = (
        "S,desc,3,2,\nActor,Description,Power,P Position,P Salience,Q Position,Q Salience,\n"
        "A,a,10,50,60,50,50,\nB,b,10,50,20,50,20,\nC,c,10,20,30,50,20,\n"
    )
    with pytest.raises(ScenarioFileError, match=r":3: A salience: saliences sum to 110"):
        read_csv(_write(tmp_path, text))


def test_bad_xml_names_line(tmp_path: Path) -> None:
    with pytest.raises(ScenarioFileError, match=r":2: xml: malformed XML"):
        read_xml(_write(tmp_path, "<Scenario>\n<name>x</nme></Scenario>", "bad.xml"))
    text = (
        "<Scenario><name>x</name>\n<Dimensions><dName>a</dName><dName>b</dName></Dimensions>"
        "<Actors>\n<Actor><name>A</name><description/><capability>1</capability>"
        "<Position><dCoord>5</dCoord></Position><Salience><dSal>5</dSal><dSal>5</dSal>"
        "</Salience></Actor></Actors></Scenario>"
    )
    with pytest.raises(ScenarioFileError, match=r":3: A.Position/dCoord: 1 values for 2"):
        read_xml(_write(tmp_path, text, "short.xml"))
