"""Scenarios of KTAB's spatial model of politics (SMP): its CSV and XML input files.

KTAB (KAPSARC's Toolkit for Behavioral Analysis) reads these in ``SMPModel::csvRead`` and
``SMPModel::xmlRead`` (``examples/smp/libsrc/smpread.cpp``). Both hold actors with a
capability and, per dimension, a position and a salience, all on 0-100; an actor's
saliences sum to at most 100. Here each dimension becomes an issue on the scale 0-100,
saliences are declared on 0-100 (``salience_scale: 100``), and all issues of one KTAB
scenario share one ``space`` (the scenario's name), so that ``smp`` plays them as one
multi-dimensional game as KTAB does.

**CSV** (``--csv``)::

    NAME,DESCRIPTION,ACTORS,DIMENSIONS,
    Actor,Description,Power,DIM1 Position,DIM1 Salience,...
    XJ,Xi Jinping,100.0,30,24.0,20,48.0,

**XML** (``--xml``, schema ``smpSchema.xsd``): ``Scenario`` with ``name``, ``desc``,
``prngSeed``, optional ``ModelParameters``, ``Dimensions/dName``, ``Actors/Actor`` (``name``,
``description``, ``capability``, ``Position/dCoord``, ``Salience/dSal``) and optional
``IdealAdjustment``.

Read leniently where KTAB refuses the samples it ships: a byte-order mark is dropped; an
empty ``dCoord`` or ``dSal`` (``smpExample.xml``, Alice's first coordinate) leaves that actor
without a stance on that dimension instead of failing, and the scenario's notes say so;
a missing ``IdealAdjustment`` (``dummyData_3Dim.xml``, which KTAB's reader requires) is
taken as none. What a scenario cannot hold is not stored, only noted in
``metadata.notes``: the ``ModelParameters`` (pass them to ``forecast("smp", ...)``), the
``prngSeed``, and ``IdealAdjustment`` (tawazun's ``smp`` keeps ideals equal to positions, as
KTAB does for CSV input).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from tawazun.i18n import N_, _
from tawazun.io import FormatSpec
from tawazun.io._cells import required_number
from tawazun.io._text import read_text
from tawazun.io.errors import fail, prefix_locator, validate
from tawazun.scenario import Location, Scenario

#: KTAB's ModelParameters elements and the ``smp`` parameters they correspond to.
MODEL_PARAMETERS = {
    "VictoryProbModel": "victory_model",
    "PCEModel": "pce_model",
    "StateTransitions": "state_transitions",
    "VotingRule": "voting_rule",
    "BigRAdjust": "big_r_adjust",
    "BigRRange": "big_r_range",
    "ThirdPartyCommit": "third_party_commit",
    "InterVecBrgn": "interpolation",
    "BargnModel": "bargain_model",
}


def slug(text: str, fallback: str) -> str:
    """An id from a name: lower case, runs of other characters become ``-``."""
    made = re.sub(r"[^a-z0-9_.]+", "-", text.strip().lower()).strip("-.")
    return made or fallback


def issue_ids(names: list[str]) -> list[str]:
    """Issue ids from KTAB dimension names, without a trailing "Position", unique."""
    ids: list[str] = []
    for k, name in enumerate(names):
        bare = re.sub(r"\s*position\s*$", "", name.strip(), flags=re.IGNORECASE)
        base = slug(bare, f"dim{k + 1}")
        candidate, count = base, 1
        while candidate in ids:
            count += 1
            candidate = f"{base}-{count}"
        ids.append(candidate)
    return ids


def _check_stance(path: Path, where: int, actor: str, dim: str, pos: float, sal: float) -> None:
    if not 0 <= pos <= 100:
        raise fail(
            path,
            where,
            f"{actor}.{dim} position",
            _("{value:g} is outside KTAB's 0..100").format(value=pos),
        )
    if not 0 <= sal <= 100:
        raise fail(
            path,
            where,
            f"{actor}.{dim} salience",
            _("{value:g} is outside KTAB's 0..100").format(value=sal),
        )


def _check_attention(
    path: Path, where: int, field: str, stances: dict[int, tuple[float, float]]
) -> None:
    """An actor's saliences across the dimensions sum to at most 100 in KTAB."""
    total = sum(salience for _position, salience in stances.values())
    if total > 100:
        raise fail(
            path,
            where,
            field,
            _(
                "saliences sum to {total:g}; KTAB allows at most 100 (all of an actor's attention)"
            ).format(total=total),
        )


def _build(
    path: Path,
    name: str,
    description: str,
    dimensions: list[str],
    actors: list[dict[str, Any]],
    notes: list[str],
    locations: dict[Location, str],
) -> Scenario:
    """Validate the raw scenario; ``actors`` hold name, description, capability, stances."""
    ids = issue_ids(dimensions)
    space = name.strip() or path.stem
    raw = {
        "id": slug(name, slug(path.stem, "ktab")),
        "metadata": {
            "title": {"en": description.strip() or space},
            "notes": " ".join(
                [f"Imported from KTAB SMP file {path.name} (scenario {space!r}).", *notes]
            ),
        },
        "salience_scale": 100,
        "issues": [
            {
                "id": issue_id,
                "name": {"en": dim.strip() or issue_id},
                "scale": {"min": 0, "max": 100},
                "space": space,
            }
            for issue_id, dim in zip(ids, dimensions, strict=True)
        ],
        "actors": [
            {
                "id": actor["name"],
                "name": {"en": actor["description"] or actor["name"]},
                "capability": actor["capability"],
                "stances": {
                    ids[k]: {"position": pos, "salience": sal}
                    for k, (pos, sal) in actor["stances"].items()
                },
            }
            for actor in actors
        ],
    }
    return validate(raw, path, prefix_locator(locations, default="1"))


# -- CSV ------------------------------------------------------------------------------------
def _rows(text: str) -> list[list[str]]:
    rows = list(csv.reader(text.splitlines()))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    return [row[:-1] if row and not row[-1].strip() else row for row in rows]


def sniff_csv(head: str) -> bool:
    """A KTAB SMP CSV: ``name, description, #actors, #dimensions`` then an ``Actor`` header."""
    rows = _rows(head.lstrip("\ufeff"))
    if len(rows) < 2 or len(rows[0]) < 4 or not rows[1]:
        return False
    counts = [cell.strip() for cell in rows[0][2:4]]
    return all(c.isdigit() for c in counts) and rows[1][0].strip().lower() == "actor"


def read_csv(path: Path) -> Scenario:
    """Read a KTAB SMP CSV (``SMPModel::csvRead``); rows are numbered from 1."""
    rows = _rows(read_text(path))
    if not rows or len(rows[0]) < 4:
        raise fail(path, 1, "header", _("KTAB's first row is: name, description, #actors, #dims"))
    name, description = rows[0][0], rows[0][1]
    try:
        n_actors, n_dims = int(rows[0][2]), int(rows[0][3])
    except ValueError:
        raise fail(
            path,
            1,
            "header",
            _("the number of actors and of dimensions must be whole numbers (3rd and 4th fields)"),
        ) from None
    if n_dims < 1 or n_actors < 1:
        raise fail(path, 1, "header", _("needs at least one actor and one dimension"))
    if len(rows) < 2 or len(rows[1]) < 3 + 2 * n_dims:
        raise fail(
            path,
            2,
            "header",
            _(
                "expected Actor, Description, Power and a position "
                "and a salience column for each of the {count} dimensions"
            ).format(count=n_dims),
        )
    dimensions = [rows[1][3 + 2 * k] for k in range(n_dims)]
    body = rows[2:]
    if len(body) != n_actors:
        raise fail(
            path,
            3 + min(len(body), n_actors),
            "actors",
            _("the first row declares {actors} actors but {rows} rows follow").format(
                actors=n_actors, rows=len(body)
            ),
        )
    actors, locations = [], {}
    for a, row in enumerate(body):
        line = a + 3
        locations[("actors", a)] = str(line)
        if len(row) < 3 + 2 * n_dims:
            raise fail(
                path,
                line,
                "row",
                _("expected {expected} fields, got {got}").format(
                    expected=3 + 2 * n_dims, got=len(row)
                ),
            )
        actor = row[0].strip()
        if not actor:
            raise fail(path, line, "Actor", _("an actor needs a name"))
        stances = {}
        for k in range(n_dims):
            pos = required_number(path, line, f"{dimensions[k].strip()}", row[3 + 2 * k])
            sal = required_number(path, line, f"{rows[1][4 + 2 * k].strip()}", row[4 + 2 * k])
            _check_stance(path, line, actor, dimensions[k].strip(), pos, sal)
            stances[k] = (pos, sal)
        _check_attention(path, line, f"{actor} salience", stances)
        actors.append(
            {
                "name": actor,
                "description": row[1].strip(),
                "capability": required_number(path, line, rows[1][2].strip() or "Power", row[2]),
                "stances": stances,
            }
        )
    return _build(path, name, description, dimensions, actors, [], locations)


# -- XML ------------------------------------------------------------------------------------
class _LineBuilder(ElementTree.TreeBuilder):
    """Remembers the line each element starts on, for error messages."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[ElementTree.Element, int] = {}
        self.parser: Any = None

    def start(self, tag: str, attrs: dict[str, str]) -> ElementTree.Element:
        element = super().start(tag, attrs)
        self.lines[element] = self.parser.parser.CurrentLineNumber
        return element


def read_xml(path: Path) -> Scenario:
    """Read a KTAB SMP XML scenario (``SMPModel::xmlRead``), leniently (see module doc)."""
    text = read_text(path)
    builder = _LineBuilder()
    parser = SafeElementTree.XMLParser(target=builder)
    builder.parser = parser
    try:
        parser.feed(text)
        root = parser.close()
    except ElementTree.ParseError as exc:
        raise fail(
            path, exc.position[0], "xml", _("malformed XML: {reason}").format(reason=exc)
        ) from None
    except DefusedXmlException as exc:
        raise fail(path, 1, "xml", _("refused: {reason}").format(reason=exc)) from None
    if root.tag != "Scenario":
        raise fail(
            path,
            builder.lines[root],
            "Scenario",
            _("root element is <{tag}>").format(tag=root.tag),
        )

    def line(element: ElementTree.Element | None) -> int:
        return builder.lines.get(element, 1) if element is not None else builder.lines[root]

    def text_of(parent: ElementTree.Element, tag: str) -> str:
        child = parent.find(tag)
        return (child.text or "").strip() if child is not None else ""

    notes: list[str] = []
    seed = text_of(root, "prngSeed")
    if seed:
        notes.append(f"KTAB prngSeed {seed} not used.")
    params = root.find("ModelParameters")
    if params is not None:
        given = [
            f"{MODEL_PARAMETERS[child.tag]}={(child.text or '').strip()}"
            for child in params
            if child.tag in MODEL_PARAMETERS
        ]
        notes.append(
            "KTAB model parameters in the file (not stored; pass them to "
            f"forecast('smp', ...)): {', '.join(given)}."
        )

    actor_elements = root.findall("Actors/Actor")
    if not actor_elements:
        raise fail(path, line(root.find("Actors")), "Actors", _("no <Actor> elements"))
    dimensions = [(d.text or "").strip() for d in root.findall("Dimensions/dName")]
    if not dimensions:
        count = len(actor_elements[0].findall("Position/dCoord"))
        dimensions = [f"dim{k + 1}" for k in range(count)]
    actors, locations = [], {}
    for a, element in enumerate(actor_elements):
        where = line(element)
        locations[("actors", a)] = str(where)
        actor = text_of(element, "name")
        if not actor:
            raise fail(path, where, "Actor.name", _("an actor needs a name"))
        cap_element = element.find("capability")
        capability = required_number(
            path,
            line(cap_element),
            f"{actor}.capability",
            cap_element.text if cap_element is not None else None,
        )
        coords = element.findall("Position/dCoord")
        sals = element.findall("Salience/dSal")
        for label, found in (("Position/dCoord", coords), ("Salience/dSal", sals)):
            if len(found) != len(dimensions):
                raise fail(
                    path,
                    where,
                    f"{actor}.{label}",
                    _("{count} values for {dimensions} dimensions").format(
                        count=len(found), dimensions=len(dimensions)
                    ),
                )
        stances = {}
        for k, (coord, sal) in enumerate(zip(coords, sals, strict=True)):
            if not (coord.text or "").strip() or not (sal.text or "").strip():
                empty = "dCoord" if not (coord.text or "").strip() else "dSal"
                notes.append(
                    f"Actor {actor!r} has an empty <{empty}> for dimension "
                    f"{dimensions[k]!r} (line {line(coord if empty == 'dCoord' else sal)}"
                    "): no stance recorded there."
                )
                continue
            pos = required_number(path, line(coord), f"{actor}.dCoord", coord.text)
            weight = required_number(path, line(sal), f"{actor}.dSal", sal.text)
            _check_stance(path, line(coord), actor, dimensions[k], pos, weight)
            stances[k] = (pos, weight)
        _check_attention(path, where, f"{actor}.Salience", stances)
        actors.append(
            {
                "name": actor,
                "description": text_of(element, "description"),
                "capability": capability,
                "stances": stances,
            }
        )
    pairs = root.findall("IdealAdjustment/iaPair")
    if pairs:
        notes.append(
            f"KTAB IdealAdjustment ({len(pairs)} pairs) not stored: tawazun's smp "
            "keeps each actor's ideal at its position."
        )
    return _build(
        path, text_of(root, "name"), text_of(root, "desc"), dimensions, actors, notes, locations
    )


def sniff_xml(head: str) -> bool:
    """A KTAB SMP XML scenario: its root element is ``Scenario``."""
    return re.search(r"<Scenario[\s>]", head) is not None


FORMATS = [
    FormatSpec(
        name="ktab-csv",
        extensions=(".csv",),
        read=read_csv,
        sniff=sniff_csv,
        priority=40,
        summary=N_("KTAB spatial model of politics (SMP) CSV input"),
    ),
    FormatSpec(
        name="ktab-xml",
        extensions=(".xml",),
        read=read_xml,
        sniff=sniff_xml,
        priority=40,
        summary=N_("KTAB spatial model of politics (SMP) XML input (read leniently)"),
    ),
]
