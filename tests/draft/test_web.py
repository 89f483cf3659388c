"""The web app shows a draft for review: its marks, its quotes, capabilities left open."""

from __future__ import annotations

from pathlib import Path

import tawazun
from tawazun.draft import draft
from tests.web.conftest import make_client

from .conftest import FIXTURES


def test_an_uploaded_draft_shows_its_marks_and_quotes(tmp_path: Path) -> None:
    result = draft(
        [FIXTURES / "kurdistan-oil-ar.txt"], tawazun.load(FIXTURES / "kurdistan-oil.yaml")
    )
    path = tawazun.io.save(result.scenario, tmp_path / "draft.yaml")
    with make_client(tmp_path / "runs.sqlite") as client:
        with path.open("rb") as handle:
            answer = client.post("/api/scenarios", files={"file": ("draft.yaml", handle)})
        assert answer.status_code == 201, answer.text
        page = client.get(f"/scenarios/{answer.json()['id']}")
    assert page.status_code == 200
    quote = result.scenario.actor("kdp").stances["oil-exports"].evidence["position"].quotes[0]
    assert quote.text in page.text
    assert page.text.count('class="evidence draft"') >= 2 * len(result.scenario.actors)
