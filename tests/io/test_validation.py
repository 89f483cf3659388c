"""Bad input is rejected with one line per problem, ``FILE:WHERE: field: message``, exit 2."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import tawazun
from tawazun.cli import app
from tests.factories import one_issue

GOOD_YAML = """\
id: demo
metadata:
  title: {en: Demo, ar: تجربة}
issues:
  - id: x
    name: {en: X}
    scale: {min: 0, max: 100}
actors:
  - id: a
    name: {en: A}
    capability: 2
    stances:
      x: {position: 10, salience: 1}
  - id: b
    name: {en: B}
    capability: 1
    stances:
      x: {position: 90, salience: 0.5}
"""

GOOD_CSV = """\
actor,issue,capability,position,salience
a,x,2,10,1
b,x,1,90,0.5
"""

LINE = re.compile(r"^(?P<file>[^:]+):(?P<where>[^:]+): (?P<field>[^:]+): (?P<message>.+)$")


def reject(path: Path) -> list[dict[str, str]]:
    """Run ``tawazun validate``; assert exit 2, no traceback, every line well formed."""
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, "no problem reported"
    parsed = []
    for line in lines:
        match = LINE.match(line)
        assert match, f"not of the form FILE:WHERE: field: message: {line!r}"
        assert match["file"] == str(path)
        parsed.append(match.groupdict())
    return parsed


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_good_files_pass(tmp_path: Path) -> None:
    for name, text in (("ok.yaml", GOOD_YAML), ("ok.csv", GOOD_CSV)):
        result = CliRunner().invoke(app, ["validate", str(write(tmp_path, name, text))])
        assert result.exit_code == 0, result.output


def test_missing_file(tmp_path: Path) -> None:
    [problem] = reject(tmp_path / "nowhere.yaml")
    assert problem["message"] == "not found"


def test_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(GOOD_CSV.replace("b,x", "b\xe9,x").encode("latin-1"))
    [problem] = reject(path)
    assert problem["where"] == "3" and problem["field"] == "encoding"
    assert "UTF-8" in problem["message"]


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    for name, text in (("bom.yaml", GOOD_YAML), ("bom.csv", GOOD_CSV)):
        path = tmp_path / name
        path.write_bytes(b"\xef\xbb\xbf" + text.encode())
        assert tawazun.load(path).actor("a").capability == 2


@pytest.mark.parametrize("name", ["empty.yaml", "empty.csv", "empty.json"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    [problem] = reject(write(tmp_path, name, "\n  \n"))
    assert "empty" in problem["message"]


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "words"),
    [
        (
            "      x: {position: 90",
            "      y: {position: 90",
            "18",
            "actors[b].stances[y]",
            "unknown issue",
        ),
        ("  - id: b\n", "  - id: a\n", "14", "actors[a].id", "duplicate actor"),
        (
            "      x: {position: 10, salience: 1}",
            "      x: {salience: 1}",
            "13",
            "actors[a].stances[x].position",
            "missing",
        ),
        ("position: 10,", "position: .nan,", "13", "actors[a].stances[x].position", "finite"),
        ("position: 10,", "position: .inf,", "13", "actors[a].stances[x].position", "finite"),
        ("capability: 2", "capability: -2", "11", "actors[a].capability", "greater than"),
        (
            "salience: 0.5}",
            "salience: 5}",
            "18",
            "actors[b].stances[x].salience",
            "declared maximum",
        ),
        (
            "position: 90,",
            "position: 120,",
            "18",
            "actors[b].stances[x].position",
            "outside the scale",
        ),
        (
            "scale: {min: 0, max: 100}",
            "scale: {min: 100, max: 100}",
            "7",
            "issues[x].scale",
            "must be below",
        ),
        ("salience: 1}", "salience: 0}", "5", "issues[x]", "ignores"),
    ],
)
def test_yaml_problems_name_line_and_field(
    tmp_path: Path, old: str, new: str, line: str, field: str, words: str
) -> None:
    text = GOOD_YAML.replace(old, new)
    if words == "ignores":
        text = text.replace("salience: 0.5}", "salience: 0}")
    assert text != GOOD_YAML
    problems = reject(write(tmp_path, "bad.yaml", text))
    assert any(
        p["where"] == line and p["field"] == field and words in p["message"] for p in problems
    ), problems


def test_duplicate_issue(tmp_path: Path) -> None:
    text = GOOD_YAML.replace("actors:", "  - id: x\n    name: {en: X again}\nactors:")
    [problem] = reject(write(tmp_path, "dup.yaml", text))
    assert problem["field"] == "issues[x].id" and "duplicate issue" in problem["message"]
    assert problem["where"] == "8"


def test_unknown_field_is_named(tmp_path: Path) -> None:
    problems = reject(
        write(tmp_path, "typo.yaml", GOOD_YAML.replace("capability: 1", "capabilty: 1"))
    )
    assert any(
        p["field"] == "actors[b].capabilty" and "unknown field" in p["message"] for p in problems
    )


def test_malformed_yaml(tmp_path: Path) -> None:
    [problem] = reject(write(tmp_path, "broken.yaml", GOOD_YAML.replace("{en: A}", "{en: A")))
    assert problem["field"] == "yaml" and "malformed YAML" in problem["message"]
    assert int(problem["where"]) >= 10


def test_malformed_json(tmp_path: Path) -> None:
    [problem] = reject(write(tmp_path, "broken.json", '{"id": "demo",\n "metadata": }'))
    assert problem == {
        "file": str(tmp_path / "broken.json"),
        "where": "2",
        "field": "json",
        "message": problem["message"],
    }
    assert "malformed JSON" in problem["message"]


def test_json_problems_have_lines(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    tawazun.save(one_issue([10, 90], [1, 1], [1, 1]), good)
    bad = write(
        tmp_path, "bad.json", good.read_text().replace('"capability": 1.0', '"capability": -1', 1)
    )
    [problem] = reject(bad)
    assert problem["field"] == "actors[a0].capability" and problem["where"].isdigit()
    assert '"capability": -1' in bad.read_text().splitlines()[int(problem["where"]) - 1]


@pytest.mark.parametrize(
    ("text", "where", "field", "words"),
    [
        (
            GOOD_CSV.replace("b,x,1,90", "b,x,1,abc"),
            "row 3",
            "actors[b].stances[x].position",
            "not a number",
        ),
        (
            GOOD_CSV.replace("b,x,1,90", "b,x,1,nan"),
            "row 3",
            "actors[b].stances[x].position",
            "finite",
        ),
        (
            GOOD_CSV.replace("b,x,1,90", "b,x,1,"),
            "row 3",
            "actors[b].stances[x].position",
            "missing",
        ),
        (GOOD_CSV + "a,x,2,50,1\n", "row 4", "actors[a].stances[x]", "second row"),
        (GOOD_CSV + "a,y,3,50,1\n", "row 4", "actors[a].capability", "differs"),
        (GOOD_CSV.replace("position,", ""), "row 1", "columns", "position"),
        (GOOD_CSV + 'c,x,"1,2\n', "row 4", "csv", "malformed CSV"),
        (GOOD_CSV + "c,x,1,2,0.5,7,8\n", "row 4", "columns", "cells"),
        (
            GOOD_CSV.replace("b,x,1,90,0.5", "b,x,-1,90,0.5"),
            "row 3",
            "actors[b].capability",
            "greater than",
        ),
    ],
)
def test_csv_problems_name_row_and_field(
    tmp_path: Path, text: str, where: str, field: str, words: str
) -> None:
    problems = reject(write(tmp_path, "bad.csv", text))
    assert any(
        p["where"] == where and p["field"] == field and words in p["message"] for p in problems
    ), problems


def excel_file(tmp_path: Path) -> Path:
    path = tmp_path / "book.xlsx"
    tawazun.save(one_issue([10, 50, 90], [1, 1, 1], [1, 2, 3]), path)
    return path


def test_excel_merged_cells_are_rejected(tmp_path: Path) -> None:
    path = excel_file(tmp_path)
    book = openpyxl.load_workbook(path)
    book["stances"].merge_cells("F2:F3")
    book.save(path)
    [problem] = reject(path)
    assert problem["where"] == "stances row 2" and "merged" in problem["message"]


def test_excel_blank_rows_are_rejected(tmp_path: Path) -> None:
    path = excel_file(tmp_path)
    book = openpyxl.load_workbook(path)
    book["actors"].insert_rows(3)
    book.save(path)
    [problem] = reject(path)
    assert problem["where"] == "actors row 3" and "blank row" in problem["message"]


def test_excel_bad_cell_names_sheet_and_row(tmp_path: Path) -> None:
    path = excel_file(tmp_path)
    book = openpyxl.load_workbook(path)
    book["stances"]["C4"] = "far left"
    book.save(path)
    [problem] = reject(path)
    assert problem["where"] == "stances row 4"
    assert problem["field"] == "actors[a2].stances[x].position"


def test_not_a_workbook(tmp_path: Path) -> None:
    [problem] = reject(write(tmp_path, "fake.xlsx", "hello"))
    assert "not a readable .xlsx" in problem["message"]


def test_forecast_of_a_bad_file_exits_2_without_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", GOOD_YAML.replace("capability: 2", "capability: -2"))
    result = CliRunner().invoke(app, ["forecast", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
