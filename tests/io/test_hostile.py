"""Hostile and careless input, by class (issue 16).

The rule everywhere: a bad input gets one clear line per problem naming the file, the place
and the field, exit status 2 and no traceback, within seconds and bounded memory; a good
input is read as its author meant. Commands that could hang run under an alarm, so that a
regression fails the test instead of stalling the suite.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import sys
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from typer.testing import CliRunner

import tawazun
from tawazun import limits
from tawazun.cli import app
from tawazun.cli._common import number, on_scale, printable, signed
from tawazun.errors import InputError
from tawazun.i18n import using
from tawazun.io.eum_csv import Ids
from tawazun.io.excel import write_excel
from tawazun.io.tables import escape_formula, unescape_formula
from tawazun.scenario import Scenario, parse_number
from tawazun.validation.deu import read_cases
from tests.factories import BANDS, one_issue

GOOD_YAML = """\
id: demo
metadata:
  title: {en: Demo}
issues:
  - id: x
    name: {en: X}
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
GOOD_CSV = "actor,issue,capability,position,salience\na,x,2,10,1\nb,x,1,90,0.5\n"


@contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail (rather than hang) when the block takes longer than ``seconds``."""

    def expired(*_: object) -> None:
        raise AssertionError(f"still running after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path | str) -> list[str]:
    """The problems of a file, as the lines the command line prints."""
    with pytest.raises(InputError) as caught, within(30):
        tawazun.load(path)
    return [str(p) for p in caught.value.problems]


def cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    with within(60):
        result = CliRunner().invoke(app, list(args), env=env)
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def scenario_with(**changes: object) -> dict[str, object]:
    """The native structure of a small valid scenario, with ``changes`` at its top level."""
    raw = one_issue([10, 90], [1, 0.5], [2, 1]).model_dump(mode="json")
    raw.update(changes)
    return raw


# -- denial of service: a small file or a flag never hangs or fills memory ---------------


def test_yaml_aliases_are_refused_before_they_expand(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [
        f"{chr(98 + k)}: &{chr(98 + k)} [{','.join(['*' + chr(97 + k)] * 9)}]" for k in range(8)
    ]
    [problem] = refused(write(tmp_path, "laughs.yaml", "\n".join(lines) + "\n"))
    assert "laughs.yaml:2: yaml:" in problem and "aliases" in problem


def test_merge_keys_stay_unknown_fields(tmp_path: Path) -> None:
    text = GOOD_YAML.replace("id: demo\n", "id: demo\n<<: {x: 1}\n")
    assert any("<<" in p and "unknown field" in p for p in refused(write(tmp_path, "m.yaml", text)))


@pytest.mark.parametrize(("name", "text"), [
    ("deep.yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n"),
    ("deep2.yaml", "".join(f"{'  ' * k}k{k}:\n" for k in range(500)) + "  " * 500 + "x: 1\n"),
    ("deep.json", '{"a": ' + "[" * 100000 + "]" * 100000 + "}"),
])  # fmt: skip
def test_deep_nesting_is_a_problem_not_a_recursion_error(
    tmp_path: Path, name: str, text: str
) -> None:
    [problem] = refused(write(tmp_path, name, text))
    assert "nested more than" in problem and name in problem


def test_a_fifo_is_refused_as_input_and_as_target(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    [problem] = refused(fifo)
    assert "not a regular file" in problem
    source = write(tmp_path, "s.yaml", GOOD_YAML)
    code, output = cli("convert", str(source), str(fifo))
    assert code == 2 and "not a regular file" in output


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused_directly_and_through_a_link(tmp_path: Path, device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"{device} is absent here")
    link = tmp_path / "s.yaml"
    link.symlink_to(device)
    for path in (Path(device), link):
        [problem] = refused(path)
        assert "not a regular file" in problem


def test_a_file_above_the_byte_limit_is_refused_and_the_limit_can_be_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "s.yaml", GOOD_YAML + "#" * 2000 + "\n")
    monkeypatch.setenv("TAWAZUN_MAX_FILE_BYTES", "1000")
    [problem] = refused(path)
    assert "larger than 1,000 bytes" in problem and "TAWAZUN_MAX_FILE_BYTES" in problem
    monkeypatch.setenv("TAWAZUN_MAX_FILE_BYTES", "100000")
    assert tawazun.load(path).id == "demo"


def workbook(tmp_path: Path, name: str = "s.xlsx", scenario: Scenario | None = None) -> Path:
    path = tmp_path / name
    write_excel(scenario or one_issue([10, 90], [1, 0.5], [2, 1]), path)
    return path


def test_an_excel_zip_bomb_is_refused_before_it_is_inflated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (20 * 1024 * 1024))
    assert bomb.stat().st_size < 100 * 1024
    monkeypatch.setenv("TAWAZUN_MAX_WORKBOOK_BYTES", str(10 * 1024 * 1024))
    [problem] = refused(bomb)
    assert "uncompress to 20,971,521 bytes, above the limit of 10,485,760" in problem


def test_a_cell_at_xfd1048576_is_refused_before_the_sheet_is_walked(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    book["actors"]["XFD1048576"] = 1
    book.save(path)
    [problem] = refused(path)
    assert ":actors: sheet: reaches cell XFD1048576" in problem


def test_eum_ids_of_30000_same_base_names_are_made_in_one_pass(tmp_path: Path) -> None:
    lines = ["Actor,Capability,Position,Salience"]
    arabic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    lines += [f"فاعل {str(k).translate(arabic)},1,{k % 100},0.5" for k in range(30_000)]
    scenario = tawazun.load(write(tmp_path, "many.csv", "\n".join(lines) + "\n"))
    ids = [a.id for a in scenario.actors]
    assert ids[:3] == ["actor", "actor_2", "actor_3"] and ids[-1] == "actor_30000"
    taken = Ids()
    assert [taken.add("x") for _ in range(3)] + [taken.add("x_2")] == ["x", "x_2", "x_3", "x_2_2"]


def test_a_long_csv_of_50000_actors_is_read(tmp_path: Path) -> None:
    rows = [f"a{k},x,1,{k % 100},0.5" for k in range(50_000)]
    path = write(
        tmp_path, "long.csv", "actor,issue,capability,position,salience\n" + "\n".join(rows)
    )
    scenario = tawazun.load(path)
    assert len(scenario.actors) == 50_000 and scenario.actors[-1].id == "a49999"


@pytest.mark.parametrize(("args", "option"), [
    (["simulate", "{s}", "--runs", "1000000000"], "--runs"),
    (["simulate", "{s}", "--workers", "100000"], "--workers"),
    (["forecast", "{s}", "-m", "eum", "-p", "rounds=1000000000"], "-p rounds"),
    (["forecast", "{s}", "-m", "smp", "-p", "max_turns=1000000000"], "-p max_turns"),
    (["whatif", "{s}", "--issue", "x", "--band", "high", "--grid", "100000000000000000000000"],
     "--grid"),
    (["backtest", "{s}", "--draws", "1000000000"], "--draws"),
])  # fmt: skip
def test_flags_beyond_their_limits_are_refused_before_work(
    tmp_path: Path, args: list[str], option: str
) -> None:
    source = tawazun.save(one_issue([10, 90], [1, 0.5], [2, 1]), tmp_path / "s.yaml")
    code, output = cli(*[a.format(s=source) for a in args])
    assert code == 2 and f": {option}: " in output and "TAWAZUN_MAX_" in output


def test_a_limit_is_raised_by_its_environment_variable(tmp_path: Path) -> None:
    source = tawazun.save(one_issue([10, 90], [1, 0.5], [2, 1]), tmp_path / "s.yaml")
    code, output = cli("simulate", str(source), "--runs", "20", env={"TAWAZUN_MAX_RUNS": "10"})
    assert code == 2 and "above the limit of 10" in output
    code, _ = cli("simulate", str(source), "--runs", "20", env={"TAWAZUN_MAX_RUNS": "50"})
    assert code == 0


@pytest.fixture(scope="module")
def ten_thousand_actors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = [f"a{k},x,1,{k % 100},0.5" for k in range(10_000)]
    path = tmp_path_factory.mktemp("big") / "big.csv"
    path.write_text("actor,issue,capability,position,salience\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("model", ["eum", "exchange", "smp"])
def test_pairwise_models_refuse_10000_actors(ten_thousand_actors: Path, model: str) -> None:
    code, output = cli("forecast", str(ten_thousand_actors), "-m", model)
    assert code == 2 and "every pair of actors" in output and "TAWAZUN_MAX_" in output
    limits.check_model_size("forecast", "compromise", 10_000, 1, pairwise=False)
    limits.check_model_size("forecast", "smp", 200, 1, pairwise=True)
    with pytest.raises(InputError, match="64,000,000 triples"):
        limits.check_model_size("forecast", "smp", 400, 1, pairwise=True)


# -- no data lost ---------------------------------------------------------------------------


def test_convert_refuses_its_source_as_target_by_name_link_and_hard_link(tmp_path: Path) -> None:
    source = write(
        tmp_path, "eum.csv", "Actor,Capability,Position,Salience\nA,1,10,0.5\nB,2,80,1\n"
    )
    before = source.read_bytes()
    (tmp_path / "soft.csv").symlink_to(source)
    os.link(source, tmp_path / "hard.csv")
    for target in (
        source,
        tmp_path / "soft.csv",
        tmp_path / "hard.csv",
        tmp_path / "." / "eum.csv",
    ):
        code, output = cli("convert", str(source), str(target))
        assert code == 2 and "is the file being converted" in output
    assert source.read_bytes() == before


def test_a_failed_check_leaves_the_existing_target_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write(tmp_path, "s.yaml", GOOD_YAML)
    target = write(tmp_path, "t.json", '{"precious": true}\n')
    spec = tawazun.io.formats()["json"]

    def unreadable(path: Path) -> Scenario:
        raise tawazun.io.fail(path, 1, "json", "cannot be read back")

    monkeypatch.setitem(tawazun.io._formats(), "json", dataclasses.replace(spec, read=unreadable))
    code, output = cli("convert", str(source), str(target))
    assert code == 2 and "cannot be read back" in output
    assert target.read_text() == '{"precious": true}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml", "t.json"]


@pytest.mark.parametrize(("sheet", "cell", "header", "hint"), [
    ("actors", "I1", "source", ""),
    ("issues", "E1", "scale_maks", "scale_max"),
    ("actors", "B1", "nam_en", "name_en"),
])  # fmt: skip
def test_excel_unknown_columns_are_errors_with_the_nearest_name(
    tmp_path: Path, sheet: str, cell: str, header: str, hint: str
) -> None:
    path = workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    book[sheet][cell] = header
    book.save(path)
    problems = refused(path)
    assert any(f"unknown column {header!r}" in p and hint in p for p in problems), problems


def test_excel_unknown_and_doubled_sheets_are_errors(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    book.create_sheet("Stanses")
    book.copy_worksheet(book["actors"]).title = "Actors "
    book.save(path)
    problems = refused(path)
    assert any("unknown sheet 'Stanses'; did you mean 'stances'?" in p for p in problems)
    assert any("a second sheet named 'Actors '" in p for p in problems)


texts = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), whitelist_characters="\t\n\r"),
    min_size=1,
    max_size=30,
).filter(lambda t: t.strip())


@settings(max_examples=40, deadline=None)
@given(name=texts, rationale=texts)
def test_any_text_round_trips_through_the_long_csv_and_excel(
    tmp_path_factory: pytest.TempPathFactory, name: str, rationale: str
) -> None:
    folder = tmp_path_factory.mktemp("texts")
    raw = scenario_with()
    raw["actors"][0]["name"] = {"en": name, "ar": name}  # type: ignore[index]
    raw["actors"][0]["evidence"] = {"capability": {"rationale": rationale}}  # type: ignore[index]
    scenario = Scenario.model_validate(raw)
    for extension in ("csv", "xlsx"):
        back = tawazun.load(tawazun.save(scenario, folder / f"s.{extension}"))
        assert back.actors[0].name == scenario.actors[0].name
        assert back.actors[0].evidence == scenario.actors[0].evidence


def test_quotes_read_as_standard_csv(tmp_path: Path) -> None:
    text = 'actor,actor_en,issue,capability,position,salience\na,"The ""Hawks""",x,1,10,1\n'
    text += "b,B,x,1,90,1\n"
    assert tawazun.load(write(tmp_path, "q.csv", text)).actors[0].name.en == 'The "Hawks"'


# -- nothing silently wrong -----------------------------------------------------------------


@pytest.mark.parametrize(("written", "read"), [("062", 62.0), ("0o62", 50.0), ("٥٠", 50.0)])
def test_yaml_numbers_follow_the_1_2_core_schema(tmp_path: Path, written: str, read: float) -> None:
    text = GOOD_YAML.replace("capability: 2", f"capability: {written}")
    assert tawazun.load(write(tmp_path, "s.yaml", text)).actors[0].capability == read


@pytest.mark.parametrize("written", ["1:10", "yes", "off", "5_0", "true", "1,000", ".inf", "30%"])
def test_yaml_1_1_surprises_are_refused_where_a_number_is_expected(
    tmp_path: Path, written: str
) -> None:
    text = GOOD_YAML.replace("capability: 2", f"capability: {written}")
    [problem] = refused(write(tmp_path, "s.yaml", text))
    assert "s.yaml:10: actors[a].capability:" in problem


def test_duplicate_yaml_keys_are_all_named_with_both_lines(tmp_path: Path) -> None:
    text = (
        GOOD_YAML.replace(
            "      x: {position: 10, salience: 1}",
            "      x: {position: 10, salience: 1}\n      x: {position: 20, salience: 1}",
        )
        + "actors:\n  - id: c\n"
    )
    problems = refused(write(tmp_path, "s.yaml", text))
    assert any(":13: x: duplicate key 'x': also on line 12" in p for p in problems), problems
    assert any(":19: actors: duplicate key 'actors': also on line 7" in p for p in problems)


def test_duplicate_json_keys_are_named_with_both_lines(tmp_path: Path) -> None:
    text = tawazun.io.native.json.dumps(scenario_with(), indent=1)
    text = text.replace('"capability": 2.0,', '"capability": 2.0,\n  "capability": 3.0,', 1)
    [problem] = refused(write(tmp_path, "s.json", text))
    assert "duplicate key 'capability': also on line" in problem


def test_duplicate_csv_columns_are_named_with_both_places(tmp_path: Path) -> None:
    text = GOOD_CSV.replace("salience\n", "salience,position\n").replace("0.5\n", "0.5,3\n")
    problems = refused(write(tmp_path, "s.csv", text.replace(",1\nb", ",1,4\nb")))
    assert any("column 'position' given twice (columns 4 and 6)" in p for p in problems)


def test_excel_booleans_percentages_and_hidden_sheets_are_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    book["actors"]["E2"] = True
    book["stances"]["C3"].number_format = "0%"
    book["bands"].sheet_state = "hidden"
    book.save(path)
    problems = refused(path)
    assert any("bands: sheet: the sheet is hidden" in p for p in problems)
    assert any(
        "stances row 3: position: the cell is formatted as a percentage" in p for p in problems
    )
    path2 = workbook(tmp_path, "b.xlsx")
    book = openpyxl.load_workbook(path2)
    book["actors"]["E2"] = True
    book.save(path2)
    assert any("true/false, not a number" in p for p in refused(path2))


@pytest.mark.parametrize(("field", "value"), [
    ("capability", "1e308"), ("position", "1e400"), ("capability", "9" * 5000),
])  # fmt: skip
def test_huge_numbers_are_refused_with_their_row(tmp_path: Path, field: str, value: str) -> None:
    text = GOOD_CSV.replace(
        "a,x,2,10,1", "a,x,2,10,1".replace("2" if field == "capability" else "10", value, 1)
    )
    [problem] = refused(write(tmp_path, "s.csv", text))
    assert ":row 2: " in problem and field in problem
    assert "largest magnitude" in problem or "too large" in problem
    assert len(problem) < 400


def test_a_5000_digit_yaml_integer_names_file_and_line(tmp_path: Path) -> None:
    [problem] = refused(
        write(tmp_path, "s.yaml", GOOD_YAML.replace("capability: 2", "capability: " + "9" * 5000))
    )
    assert "s.yaml:10: actors[a].capability: " in problem and len(problem) < 400


@pytest.mark.parametrize(("scale", "words"), [
    ({"min": -1e308, "max": 1e308}, "largest magnitude"),
    ({"min": 0, "max": float("inf")}, "finite"),
])  # fmt: skip
def test_scales_that_overflow_are_refused(scale: dict[str, float], words: str) -> None:
    raw = scenario_with()
    raw["issues"][0]["scale"] = scale  # type: ignore[index]
    with pytest.raises(Exception, match=words):
        Scenario.model_validate(raw)


@pytest.mark.parametrize(("one", "other", "words"), [
    ("\u0633\u0644\u0627\u0645", "\u0633\u0644\u0627\u0645", "duplicate actor id"),
    ("e\u0301", "\u00e9", "duplicate actor id"),  # NFD vs NFC
    ("\ufefb", "\u0644\u0627", "reads the same"),  # presentation form of lam-alef
])  # fmt: skip
def test_ids_colliding_after_normalisation_are_refused(one: str, other: str, words: str) -> None:
    raw = scenario_with()
    raw["actors"][0]["id"], raw["actors"][1]["id"] = one, other  # type: ignore[index]
    with pytest.raises(Exception, match=words):
        Scenario.model_validate(raw)


@pytest.mark.parametrize("bad", ["us\u200ba", "us\u202ea", "us\x00a", "us\x1b[2Ja", "us\u00a0a"])
def test_invisible_and_control_characters_in_ids_are_refused(bad: str) -> None:
    raw = scenario_with()
    raw["actors"][0]["id"] = bad  # type: ignore[index]
    with pytest.raises(Exception, match="invisible or control character U\\+"):
        Scenario.model_validate(raw)


def test_stance_keys_colliding_after_normalisation_are_refused() -> None:
    raw = scenario_with()
    stance = raw["actors"][0]["stances"]["x"]  # type: ignore[index]
    raw["issues"][0]["id"] = "\u00e9"  # type: ignore[index]
    raw["actors"][1]["stances"] = {"\u00e9": stance}  # type: ignore[index]
    raw["actors"][0]["stances"] = {"\u00e9": stance, "e\u0301": stance}  # type: ignore[index]
    with pytest.raises(Exception, match="same once Unicode-normalised"):
        Scenario.model_validate(raw)


@pytest.mark.parametrize(("bands", "points", "words"), [
    ([*BANDS, {**BANDS[0], "lower": 0, "upper": 0}], [], "duplicate band id 'low'"),
    (BANDS, [{"value": 150, "label": {"en": "P"}}], "point 150 is outside the scale"),
    ([BANDS[0], BANDS[2]], [], "no band covers 40..60"),
    (BANDS[:2], [], "no band covers 60..100"),
    ([{**BANDS[0], "upper": 50}, *BANDS[1:]], [], "overlaps band 'low'"),
])  # fmt: skip
def test_band_and_point_checks(bands: list[object], points: list[object], words: str) -> None:
    raw = scenario_with()
    raw["issues"][0].update(bands=bands, points=points)  # type: ignore[index]
    with pytest.raises(Exception, match=words):
        Scenario.model_validate(raw)


def test_gaps_between_bands_are_allowed_when_the_issue_says_so() -> None:
    raw = scenario_with()
    raw["issues"][0].update(bands=[BANDS[0], BANDS[2]], band_gaps=True)  # type: ignore[index]
    assert Scenario.model_validate(raw).issues[0].band_of(50) is None


def test_a_deu_outcome_off_the_scale_is_refused(tmp_path: Path, deu: Path) -> None:
    lines = deu.read_text(encoding="utf-8").splitlines()
    header = [c.strip('"') for c in lines[0].split("\t")]
    cells = lines[2].split("\t")
    cells[header.index("out")] = "150"
    lines[2] = "\t".join(cells)
    path = write(tmp_path, "deu.csv", "\n".join(lines) + "\n")
    with pytest.raises(InputError, match="deu.csv:3: out: outcome 150 is outside the scale"):
        read_cases(path)


digit_strings = st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(value=digit_strings, digits=st.sampled_from([0x0660, 0x06F0]))
def test_arabic_indic_and_persian_digits_parse_to_the_same_number(
    value: object, digits: int
) -> None:
    ascii_text = str(value)
    table = {ord(str(d)): chr(digits + d) for d in range(10)} | {ord("."): "\u066b"}
    assert (
        parse_number(ascii_text.translate(table)) == parse_number(ascii_text) == float(ascii_text)
    )


def test_arabic_digits_are_read_in_every_format(tmp_path: Path) -> None:
    csv_text = GOOD_CSV.replace("a,x,2,10,1", "a,x,٢,۱۰,٠٫٥")
    yaml_text = GOOD_YAML.replace("capability: 2", "capability: ٢").replace(
        "position: 10", "position: ۱۰"
    )
    json_text = tawazun.io.native.json.dumps(scenario_with()).replace(
        '"capability": 2.0', '"capability": "٢"'
    )
    book_path = workbook(tmp_path)
    book = openpyxl.load_workbook(book_path)
    book["actors"]["E2"] = "٢"
    book.save(book_path)
    for path in (write(tmp_path, "s.csv", csv_text), write(tmp_path, "s.yaml", yaml_text),
                 write(tmp_path, "s.json", json_text), book_path):  # fmt: skip
        assert tawazun.load(path).actors[0].capability == 2.0, path
    assert tawazun.load(tmp_path / "s.csv").actors[0].stances["x"].salience == 0.5


# -- exports are safe to open -----------------------------------------------------------------

FORMULA = "=cmd|' /C calc'!A0"


def test_excel_export_writes_formulas_as_text(tmp_path: Path) -> None:
    raw = scenario_with()
    raw["actors"][0]["name"] = {"en": FORMULA}  # type: ignore[index]
    path = workbook(tmp_path, scenario=Scenario.model_validate(raw))
    with zipfile.ZipFile(path) as archive:
        assert not any(b"<f>" in archive.read(n) for n in archive.namelist() if "sheet" in n)
    assert tawazun.load(path).actors[0].name.en == FORMULA


@pytest.mark.parametrize("text", [FORMULA, "+1", "-2+3", "@SUM(A1)", "'=already", "plain"])
def test_csv_export_escapes_leading_formula_characters(tmp_path: Path, text: str) -> None:
    raw = scenario_with()
    raw["actors"][0]["name"] = {"en": text}  # type: ignore[index]
    path = tawazun.save(Scenario.model_validate(raw), tmp_path / "s.csv")
    cell = path.read_text().splitlines()[1].split(",")[1]
    assert not cell.lstrip('"').startswith(("=", "+", "-", "@"))
    assert unescape_formula(escape_formula(text)) == text
    assert tawazun.load(path).actors[0].name.en == text


# -- output that cannot be hijacked -----------------------------------------------------------

HOSTILE_NAMES = ["\x1b]0;owned\x07\x1b[2J", "[link=http://evil]click[/link]", "[/bold]", "a\u202eb"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("command", ["show", "forecast"])
def test_user_text_is_printed_as_text(tmp_path: Path, name: str, command: str) -> None:
    raw = scenario_with()
    raw["actors"][0]["name"] = {"en": "x" + name.replace("\x1b", "").replace("\x07", "")}  # type: ignore[index]
    raw["metadata"]["title"] = {"en": "t" + name.replace("\x1b", "").replace("\x07", "")}  # type: ignore[index]
    path = tawazun.save(Scenario.model_validate(raw), tmp_path / "s.yaml")
    code, output = cli(command, str(path))
    assert code == 0 and "\x1b" not in output and "\u202e" not in output
    if "[link" in name:
        assert "[link=http://evil]click[/link]" in output


def test_control_characters_in_names_are_refused_and_printable_escapes_them(tmp_path: Path) -> None:
    text = GOOD_YAML.replace("name: {en: A}", 'name: {en: "A\\e[2J"}')
    [problem] = refused(write(tmp_path, "s.yaml", text))
    assert "control character U+001B" in problem
    assert printable("a\x1b[2Jb\u202ec") == "a\\x1b[2Jb\\u202ec"


def test_text_refuses_exactly_the_control_characters_but_tab_and_line_breaks() -> None:
    from tawazun.scenario import Words

    adapter = TypeAdapter(Words)
    controls = {
        chr(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) == "Cc" and chr(code) not in "\t\n\r"
    }
    for char in sorted(controls):
        with pytest.raises(ValidationError, match="control character"):
            adapter.validate_python(f"a{char}b")
    # every other category is text, line breaks and tabs included
    for char in ["\t", "\n", "\r", "\u00a0", "\u200f", "\u2028", "\ufeff", "\U0001f600", "ت"]:
        adapter.validate_python(f"a{char}b")


# -- tracebacks and messages ------------------------------------------------------------------


@pytest.mark.parametrize("pair", ["widths=[1,2]", 'widths={"x":"abc"}', "widths=*a", "widths={"])
def test_structured_parameters_of_the_wrong_shape_are_usage_errors(
    tmp_path: Path, pair: str
) -> None:
    source = tawazun.save(one_issue([10, 90], [1, 0.5], [2, 1]), tmp_path / "s.yaml")
    code, output = cli("forecast", str(source), "-m", "eum", "-p", pair)
    assert code == 2 and "parameter widths:" in output


def test_structured_parameters_of_the_right_shape_run(tmp_path: Path) -> None:
    source = tawazun.save(one_issue([10, 90], [1, 0.5], [2, 1]), tmp_path / "s.yaml")
    assert cli("forecast", str(source), "-m", "eum", "-p", "widths={x: 50}")[0] == 0


def test_file_messages(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(tmp_path / "loop.yaml")
    assert "loop of symbolic links" in refused(loop)[0]
    code, output = cli("validate", "")
    assert code == 2 and "no file name given" in output
    assert "not found" in refused(tmp_path / "absent.yaml")[0]


@pytest.mark.parametrize(("option", "value"), [
    ("--seed", "-1"), ("--runs", "0"), ("--workers", "0"), ("--batch", "0"),
])  # fmt: skip
def test_each_simulate_option_is_named_on_its_own(tmp_path: Path, option: str, value: str) -> None:
    source = tawazun.save(one_issue([10, 90], [1, 0.5], [2, 1]), tmp_path / "s.yaml")
    code, output = cli("simulate", str(source), option, value)
    assert code == 2 and output.startswith(f"simulate: {option}: must be at least")


def test_every_bad_row_of_a_file_is_reported_in_one_pass(tmp_path: Path) -> None:
    eum = "Actor,Capability,Position,Salience\nA,x,10,0.5\nB,1,y,0.5\nA,1,1,1\n"
    assert len(refused(write(tmp_path, "eum.csv", eum))) == 3
    long = GOOD_CSV.replace("salience\n", "salience,colour\n") + "c,,1,1,1\n"
    assert len(refused(write(tmp_path, "long.csv", long))) == 2


@pytest.mark.parametrize(
    ("name", "text", "english"),
    [
        (
            "k.csv",
            "n,d,2,1\nActor,Desc,Power,Pos,Sal\nA,d,1,150,50\nB,d,1,10,50\n",
            "KTAB's 0..100",
        ),
        ("v.json", '{"tawazun": 2}', "schema version 2; this tawazun reads 1"),
        ("f.json", json.dumps(scenario_with(colour="red")), "unknown field (check its spelling"),
        ("x.docx", "text", "tawazun reads no '.docx' files; it reads"),
        (
            "e.csv",
            "Actor,Capability,Position\nA,1,2\n",
            "missing required column(s) ['issue', 'salience']",
        ),
    ],
    ids=["ktab", "schema-version", "unknown-field", "extension", "long-columns"],
)
def test_file_problems_are_arabic_sentences_in_arabic(
    tmp_path: Path, name: str, text: str, english: str
) -> None:
    path = write(tmp_path, name, text)
    assert any(english in line for line in refused(path))
    with using("ar"), pytest.raises(InputError) as caught:
        tawazun.load(path)
    for problem in caught.value.problems:
        assert re.search("[\u0600-\u06ff]", problem.message), problem
        outside = re.sub("\u2068[^\u2068\u2069]*\u2069", "", problem.message)
        assert not re.search("[A-Za-z]{2,}", outside), problem


# -- analyst friction -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["t.xlsx", "t.yaml"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_init_writes_a_valid_documented_template(tmp_path: Path, name: str, lang: str) -> None:
    target = tmp_path / name
    code, _ = cli("init", str(target), "--lang", lang)
    assert code == 0
    scenario = tawazun.load(target)
    assert scenario.events and scenario.actors[0].uncertainty and scenario.issues[0].bands
    if name.endswith(".xlsx"):
        sheets = openpyxl.load_workbook(target).sheetnames
        assert ("القضايا" in sheets) == (lang == "ar") and len(sheets) == 10
    else:
        assert target.read_text().startswith("# ")
    code, output = cli("init", str(target))
    assert code == 2 and "already exists" in output


def test_show_prints_issue_and_band_ids(tmp_path: Path) -> None:
    path = tawazun.save(one_issue([10, 90], [1, 0.5], [2, 1]), tmp_path / "s.yaml")
    code, output = cli("show", str(path))
    assert code == 0 and "issue x" in output and "band middle" in output


def test_numbers_are_shown_without_float_noise_or_crossing_a_band_edge() -> None:
    assert [number(v) for v in (-0.0, -7.105e-15, 2.5, 1 / 3, 1e15)] == [
        "0", "0", "2.5", "0.333333", "1e+15",
    ]  # fmt: skip
    issue = one_issue([10, 90], [1, 0.5], [2, 1]).issues[0]  # bands 0-40, 40-60, 60-100
    assert on_scale(59.96, issue) == "59.96" and on_scale(60.04, issue) == "60.0"
    assert on_scale(39.99, issue) == "39.99" and on_scale(-1e-12, issue) == "0.0"
    assert on_scale(50.0, issue) == "50.0"


def test_a_formula_without_a_saved_value_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    book["actors"]["E2"] = "=1+1"  # openpyxl saves no computed value
    book.save(path)
    problems = refused(path)
    assert any("actors row 2: E2: a formula with no saved value (=1+1)" in p for p in problems)


def test_a_5000_digit_json_integer_names_its_line(tmp_path: Path) -> None:
    text = tawazun.io.native.json.dumps(scenario_with(), indent=1)
    text = text.replace('"capability": 2.0', '"capability": ' + "9" * 5000, 1)
    [problem] = refused(write(tmp_path, "s.json", text))
    line = next(k for k, t in enumerate(text.splitlines(), 1) if "9999" in t)
    assert f"s.json:{line}: actors[a0].capability: " in problem and len(problem) < 400


def test_procedure_capabilities_name_an_actor_without_a_council_weight(
    tmp_path: Path, deu: Path
) -> None:
    lines = deu.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace("pde", "pxx").replace("sde", "sxx")
    path = write(tmp_path, "deu.csv", "\n".join(lines) + "\n")
    code, output = cli("backtest", str(path), "--capabilities", "procedure", "--draws", "10")
    assert code == 2 and "deu.csv:1: pxx: no Council weight for actor 'xx'" in output


def test_changes_that_round_to_zero_carry_no_minus_sign() -> None:
    assert [signed(v) for v in (-0.0001, -0.0, 1.234, -1.5)] == ["+0.00", "+0.00", "+1.23", "-1.50"]


def test_hidden_rows_and_columns_of_a_sheet_are_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    book["stances"].row_dimensions[3].hidden = True
    book["actors"].column_dimensions["D"].hidden = True
    book.save(path)
    problems = refused(path)
    assert any(":stances: sheet: hidden rows 3;" in p for p in problems), problems
    assert any(":actors: sheet: hidden columns D;" in p for p in problems), problems


def test_a_decimal_comma_is_refused_with_a_hint(tmp_path: Path) -> None:
    text = "actor;issue;capability;position;salience\na;x;2;10;0,5\nb;x;1;90;1\n"
    [problem] = refused(write(tmp_path, "s.csv", text))
    assert "row 2: actors[a].stances[x].salience: " in problem and "write 0.5" in problem


def test_analysis_tables_never_round_a_forecast_across_a_band_edge(monkeypatch) -> None:
    from rich.console import Console

    from tawazun.cli import analysis

    scenario = one_issue([10, 90], [1, 0.5], [2, 1])  # bands 0-40, 40-60, 60-100
    issue = scenario.issues[0]
    recorder = Console(record=True, width=200)
    monkeypatch.setattr(analysis, "console", recorder)
    change = {"actor": "a0", "field": "position", "from": 10.0, "to": 20.0, "beyond_others": False}
    document = {
        "issue": issue.id,
        "band": issue.bands[2].id,
        "model": "compromise",
        "baseline": 59.96,
        "answer": "no single change suffices",
        "singles": [{"changes": [change], "share": 0.1, "forecast": 59.999}],
        "pairs": [],
        "closest": None,
    }
    analysis.show_whatif(scenario, document, "en")
    text = recorder.export_text()
    assert "forecast 59.96;" in text and "59.999" in text and "60.0" not in text
