"""Input files of decide-exchange-model (Stokman-Van Oosten exchange model).

One row per record, the first field saying what it is (``decide/data/types.py``):

=====  ==========================================================  ===========================
key    fields                                                      tawazun
=====  ==========================================================  ===========================
``#A`` actor id, full name, comment                                an actor
``#P`` issue id, description                                       an issue
``#M`` issue id, position, meaning                                 a point; the lowest and the
                                                                   highest give the scale
``#D`` actor, issue, position, salience, power, comment            a stance; power is the
                                                                   actor's capability
``#/`` comment;  ``#O`` issue description                          ignored
=====  ==========================================================  ===========================

Fields are separated by tabs (quoted with ``'``, as decide writes them), by ``;`` (the
older format) or by ``,``; the separator is read off the first row. An issue without ``#M``
rows has the scale 0-100, as in decide. Saliences are on 0-1 unless one is above 1, then on
0-100 (decide accepts 0-100). decide keeps power per row; tawazun gives each actor one
capability, so an actor's rows must agree on it.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from tawazun.i18n import N_, _
from tawazun.io import FormatSpec
from tawazun.io._cells import required_number
from tawazun.io._text import id_from, read_text
from tawazun.io.errors import Problem, ScenarioFileError, fail, prefix_locator, validate
from tawazun.scenario import Location, Scenario

_FIRST_ROW = re.compile(r"""^\s*(['"]?)#[APMDO/]\1([\t;,])""")
_FIELDS = {
    "#A": ("actor", "name", "comment"),
    "#P": ("issue", "description"),
    "#M": ("issue", "position", "meaning"),
    "#D": ("actor", "issue", "position", "salience", "power", "comment"),
    "#/": (),
    "#O": (),
}


def sniff(head: str) -> bool:
    """A decide file begins (after blank lines) with a row keyed ``#A``, ``#P``, ``#M``...."""
    for line in head.splitlines():
        if line.strip():
            return bool(_FIRST_ROW.match(line))
    return False


def _dialect(text: str, path: Path) -> tuple[str, str]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _FIRST_ROW.match(line)
        if match is None:
            raise fail(
                path,
                number,
                "row",
                _(
                    "a decide file starts with a row keyed #A, #P, #M, "
                    "#D, #O or #/ followed by a tab, ';' or ','"
                ),
            )
        return match.group(2), match.group(1) or '"'
    raise fail(path, 1, "file", _("is empty; a scenario needs issues and actors"))


def _number(
    value: str,
    path: Path,
    line: int,
    name: str,
    problems: list[Problem],
    low: float | None = None,
    high: float | None = None,
) -> float | None:
    """The field as a finite number within ``low..high``, or ``None`` with the problem
    added to ``problems`` (a decide file's every problem is reported at once)."""
    try:
        number = required_number(path, line, name, value)
    except ScenarioFileError as exc:
        problems.extend(exc.problems)
        return None
    if (low is not None and number < low) or (high is not None and number > high):
        problems.append(
            Problem(
                str(path),
                str(line),
                name,
                _("{number:g} is outside {low:g}..{high:g}").format(
                    number=number, low=low, high=high
                ),
            )
        )
        return None
    return number


def _rows(text: str, path: Path) -> list[tuple[int, str, dict[str, str]]]:
    delimiter, quote = _dialect(text, path)
    reader = csv.reader(text.splitlines(), delimiter=delimiter, quotechar=quote)
    rows = []
    problems = []
    for values in reader:
        line = reader.line_num
        values = [v.strip() for v in values]
        if not any(values):
            continue
        key = values[0]
        if key not in _FIELDS:
            problems.append(
                Problem(
                    str(path),
                    str(line),
                    "key",
                    _("unknown row key {key}; decide rows start with {keys}").format(
                        key=repr(key), keys=", ".join(_FIELDS)
                    ),
                )
            )
            continue
        names = _FIELDS[key]
        fields = dict(zip(names, values[1:], strict=False))
        required = {"#A": 1, "#P": 1, "#M": 2, "#D": 5}.get(key, 0)
        missing = [n for n in names[:required] if not fields.get(n)]
        if missing:
            problems.append(
                Problem(
                    str(path),
                    str(line),
                    missing[0],
                    _("required, but missing ({key} rows hold {fields})").format(
                        key=key, fields=", ".join(names[:required])
                    ),
                )
            )
            continue
        rows.append((line, key, fields))
    if problems:
        raise ScenarioFileError(problems)
    return rows


def _declared_twice(
    problems: list[Problem], path: Path, line: int, kind: str, name: str, seen: dict[str, Any]
) -> bool:
    """Whether ``name`` was declared before; if so, the problem is recorded."""
    if name in seen:
        message = (
            _("actor {name} is declared twice")
            if kind == "actor"
            else _("issue {name} is declared twice")
        )
        problems.append(Problem(str(path), str(line), kind, message.format(name=repr(name))))
    return name in seen


def read_decide(path: Path) -> Scenario:
    """Read a decide-exchange-model input file (see the module docstring)."""
    rows = _rows(read_text(path), path)
    problems: list[Problem] = []
    where: dict[Location, str] = {}
    actors: dict[str, dict[str, Any]] = {}
    issues: dict[str, dict[str, Any]] = {}
    marks: dict[str, list[tuple[int, float, str]]] = {}
    for line, key, fields in rows:
        if key == "#A":
            if _declared_twice(problems, path, line, "actor", fields["actor"], actors):
                continue
            actors[fields["actor"]] = {
                "line": line,
                "name": fields.get("name") or fields["actor"],
                "comment": fields.get("comment", ""),
                "stances": {},
                "power": None,
            }
        elif key == "#P":
            if _declared_twice(problems, path, line, "issue", fields["issue"], issues):
                continue
            issues[fields["issue"]] = {
                "line": line,
                "name": fields.get("description") or fields["issue"],
            }
        elif key == "#M":
            value = _number(fields["position"], path, line, "position", problems)
            if value is not None:
                marks.setdefault(fields["issue"], []).append(
                    (line, value, fields.get("meaning", ""))
                )
    for issue_id, points in marks.items():
        line = points[0][0]
        if issue_id not in issues:
            problems.append(
                Problem(
                    str(path),
                    str(line),
                    "issue",
                    _("#M row for issue {issue}, which no #P row declares").format(
                        issue=repr(issue_id)
                    ),
                )
            )
            continue
        values = [v for _line, v, _meaning in points]
        if min(values) == max(values):
            problems.append(
                Problem(
                    str(path),
                    str(line),
                    "position",
                    _(
                        "the #M rows of issue {issue} give no range "
                        "(all at {value:g}); give its lowest and highest positions"
                    ).format(issue=repr(issue_id), value=values[0]),
                )
            )
            continue
        issues[issue_id]["scale"] = {"min": min(values), "max": max(values)}
        issues[issue_id]["points"] = [
            {"value": v, "label": {"en": meaning}} for _line, v, meaning in points if meaning
        ]
    for line, key, fields in rows:
        if key != "#D":
            continue
        actor, issue = fields["actor"], fields["issue"]
        if actor not in actors:
            problems.append(
                Problem(
                    str(path),
                    str(line),
                    "actor",
                    _("actor {actor} has no #A row").format(actor=repr(actor)),
                )
            )
            continue
        if issue not in issues:
            problems.append(
                Problem(
                    str(path),
                    str(line),
                    "issue",
                    _("issue {issue} has no #P row").format(issue=repr(issue)),
                )
            )
            continue
        if issue in actors[actor]["stances"]:
            problems.append(
                Problem(
                    str(path),
                    str(line),
                    "issue",
                    _("actor {actor} already has a #D row for issue {issue}").format(
                        actor=repr(actor), issue=repr(issue)
                    ),
                )
            )
            continue
        scale = issues[issue].get("scale", {"min": 0.0, "max": 100.0})
        position = _number(
            fields["position"], path, line, "position", problems, scale["min"], scale["max"]
        )
        salience = _number(fields["salience"], path, line, "salience", problems, 0, 100)
        power = _number(fields["power"], path, line, "power", problems, 0, 100)
        if power is not None:
            known = actors[actor]["power"]
            if known is None:
                actors[actor]["power"] = (power, line)
            elif known[0] != power:
                problems.append(
                    Problem(
                        str(path),
                        str(line),
                        "power",
                        _(
                            "{power:g} differs from the power {known:g} actor {actor} has "
                            "on line {line}; tawazun gives an actor one capability on all issues"
                        ).format(power=power, known=known[0], actor=repr(actor), line=known[1]),
                    )
                )
        if position is not None and salience is not None:
            actors[actor]["stances"][issue] = {"position": position, "salience": salience}
            where[("actors", list(actors).index(actor), "stances", issue)] = str(line)
    if problems:
        raise ScenarioFileError(problems)
    saliences = [s["salience"] for a in actors.values() for s in a["stances"].values()]
    raw = {
        "id": id_from(path.stem, "decide"),
        "metadata": {
            "title": {"en": path.stem},
            "sources": [str(path.name)],
            "notes": "Read from a decide-exchange-model input file.",
        },
        "salience_scale": 100 if any(s > 1 for s in saliences) else 1,
        "issues": [
            {
                "id": issue_id,
                "name": {"en": info["name"]},
                **({"scale": info["scale"]} if "scale" in info else {}),
                **({"points": info["points"]} if info.get("points") else {}),
            }
            for issue_id, info in issues.items()
        ],
        "actors": [
            {
                "id": actor_id,
                "name": {"en": info["name"]},
                "capability": info["power"][0] if info["power"] else 0.0,
                "notes": info["comment"],
                "stances": info["stances"],
            }
            for actor_id, info in actors.items()
        ],
    }
    for j, info in enumerate(issues.values()):
        where[("issues", j)] = str(info["line"])
    for i, info in enumerate(actors.values()):
        where[("actors", i)] = str(info["line"])
    return validate(raw, path, prefix_locator(where, default="1"))


FORMAT = FormatSpec(
    name="decide",
    extensions=(".csv", ".txt"),
    read=read_decide,
    sniff=sniff,
    priority=50,
    summary=N_("decide-exchange-model input (#A, #P, #M, #D rows)"),
)
