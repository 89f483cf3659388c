"""The shipped gazetteer and users' extensions of it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tawazun.draft.gazetteer import load_gazetteer
from tawazun.errors import InputError


def test_shipped_gazetteer_covers_the_region_in_both_languages() -> None:
    gazetteer = load_gazetteer()
    kinds = {entry.kind for entry in gazetteer.entries.values()}
    assert {"state", "government", "party", "armed-group", "international-organisation"} <= kinds
    for entry in gazetteer.entries.values():
        assert entry.name.en and entry.name.ar, entry.id
        assert entry.aliases.ar or entry.places.ar, entry.id
        assert entry.capability is None  # none shipped: see the file's header


def test_leaders_name_the_actor_only_in_office() -> None:
    gazetteer = load_gazetteer()
    written = {(n.actor, n.written) for n in gazetteer.names(dt.date(2024, 4, 30))}
    assert ("us", "بايدن") in written
    assert ("iran", "إبراهيم رئيسي") in written
    later = {(n.actor, n.written) for n in gazetteer.names(dt.date(2025, 6, 1))}
    assert ("us", "بايدن") not in later
    assert ("iran", "مسعود بزشكيان") in later


def test_a_users_file_adds_names_actors_and_a_documented_capability(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        """gazetteer: 1
entries:
  - id: us
    aliases: {ar: [العم سام]}
    capability: {value: 100, rationale: "the reference actor", sources: ["my scenario, 2024"]}
  - id: basra-council
    kind: government
    name: {en: Basra Provincial Council, ar: مجلس محافظة البصرة}
""",
        encoding="utf-8",
    )
    gazetteer = load_gazetteer([path])
    assert "العم سام" in gazetteer.entries["us"].aliases.ar
    assert "واشنطن" in gazetteer.entries["us"].aliases.ar  # the shipped names stay
    assert gazetteer.entries["us"].capability.value == 100
    assert gazetteer.entries["basra-council"].name.ar == "مجلس محافظة البصرة"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("gazetteer: 1\nentries:\n  - id: x\n    kind: planet\n    name: {en: X}\n", "planet|kind"),
        (
            "gazetteer: 1\nentries:\n"
            "  - {id: x, kind: state, name: {en: X}, aliases: {ar: [إيران]}}\n",
            "same name",
        ),
        ("gazetteer: 2\nentries: []\n", "gazetteer: 1"),
        ("gazetteer: 1\nentries: [\n", "malformed"),
        (
            "gazetteer: 1\nentries:\n  - {id: x, kind: state, name: {en: X}, members: [nobody]}\n",
            "unknown member",
        ),
    ],
)
def test_bad_gazetteers_are_refused_with_the_place(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=words):
        load_gazetteer([path])


def test_hostile_gazetteers_are_refused(tmp_path: Path) -> None:
    bomb = "gazetteer: 1\na: &a [x, x]\nb: &b [*a, *a]\nentries: [*b]\n"
    duplicate = "gazetteer: 1\nentries: []\nentries: []\n"
    for text in (bomb, duplicate):
        path = tmp_path / "bad.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError):
            load_gazetteer([path])
