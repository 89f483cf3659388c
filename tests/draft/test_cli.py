"""`tawazun draft` and `tawazun validate` on a draft."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import tawazun
from tawazun.cli import app

from .conftest import FIXTURES

runner = CliRunner()


def test_draft_writes_a_scenario_that_validate_warns_about(tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    args = [
        "draft",
        str(FIXTURES / "gulf-talks-en.html"),
        "--issue-from",
        str(FIXTURES / "gulf-talks.yaml"),
    ]
    result = runner.invoke(app, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    scenario = tawazun.load(out)
    assert "houthis" in {a.id for a in scenario.actors}
    checked = runner.invoke(app, ["validate", str(out)])
    assert checked.exit_code == 0
    assert "warning:" in checked.stderr
    assert "draft value: confirm or change it" in checked.stderr
    assert "left to the analyst" in checked.stderr


def test_draft_prints_yaml_without_an_output_file() -> None:
    args = [
        "draft",
        str(FIXTURES / "kurdistan-oil-ar.txt"),
        "--issue-from",
        str(FIXTURES / "kurdistan-oil.yaml"),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert result.stdout.startswith("tawazun: 1")


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    template = str(FIXTURES / "kurdistan-oil.yaml")
    for args, words in [
        ([str(tmp_path / "missing.txt"), "--issue-from", template], "article not found"),
        (
            [str(FIXTURES / "kurdistan-oil-ar.txt"), "--issue-from", template, "--as-of", "May"],
            "YYYY-MM-DD",
        ),
        (
            [str(FIXTURES / "kurdistan-oil-ar.txt"), "--issue-from", str(tmp_path / "none.yaml")],
            "not found",
        ),
    ]:
        result = runner.invoke(app, ["draft", *args])
        assert result.exit_code == 2, result.output
        assert words in result.stderr
        assert "Traceback" not in result.output
