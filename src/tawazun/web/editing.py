"""Editing a scenario in the page: the form's fields are paths into the scenario.

Every input is named by the path the validation names a problem with
(:func:`tawazun.io.errors.field_name`): ``actors[usa].stances[us-presence].salience``,
``actors[usa].evidence.capability.sources``... so a problem found in an edit is shown next
to the input it concerns. The edit is applied to the scenario's native structure and the
whole scenario validated again, as a file would be.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tawazun.errors import Problem, ScenarioFileError
from tawazun.io.errors import validate
from tawazun.scenario import Scenario

NUMBERS = {"capability", "position", "salience", "risk", "lower", "upper", "min", "max"}
NEW = "new"


def parse_path(name: str) -> list[tuple[str, str | None]]:
    """``actors[usa].stances[x].position`` -> ``[("actors", "usa"), ("stances", "x"),
    ("position", None)]``; ids may hold dots, so brackets are split first."""
    steps: list[tuple[str, str | None]] = []
    for match in re.finditer(r"([A-Za-z_]+)(?:\[([^\]]*)\])?\.?", name):
        steps.append((match.group(1), match.group(2)))
    return steps


def _child(node: Any, key: str, item: str | None, create: bool) -> Any:
    """``node[key]``, or the element of the list ``node[key]`` whose id is ``item``."""
    if not isinstance(node, dict):
        return None
    if key not in node and create:
        node[key] = {}
    value = node.get(key)
    if item is None:
        return value
    if isinstance(value, list):
        return next((e for e in value if isinstance(e, dict) and e.get("id") == item), None)
    if isinstance(value, dict):
        if item not in value and create:
            value[item] = {}
        return value.get(item)
    return None


def _value(field: str, text: str) -> Any:
    text = text.strip()
    if field == "sources":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if field in NUMBERS:
        if text == "" and field == "risk":
            return None
        try:
            return float(text)
        except ValueError:
            return text
    return text


def _exists(raw: Any, steps: list[tuple[str, str | None]]) -> bool:
    node = raw
    for key, item in steps:
        node = _child(node, key, item, create=False)
        if node is None:
            return False
    return True


def put(raw: dict[str, Any], name: str, text: str) -> None:
    """Set what the input ``name`` holds, making the stance or evidence it needs.

    A blank input for something the scenario does not hold (a stance an actor has no
    position on, a rationale never written) changes nothing.
    """
    steps = parse_path(name)
    if not steps or steps[-1][1] is not None:
        return
    if not text.strip() and not _exists(raw, steps):
        return
    node: Any = raw
    for depth, (key, item) in enumerate(steps[:-1]):
        # stances and evidence are mappings the edit may add to; lists keep their members
        create = key == "stances" or "evidence" in [s[0] for s in steps[: depth + 1]]
        node = _child(node, key, item, create)
        if not isinstance(node, dict):
            return
    last = steps[-1][0]
    if last == "rationale":
        node.setdefault("sources", [])
    if last == "sources":
        node.setdefault("rationale", "")
    node[last] = _value(last, text)


def apply_edits(scenario: Scenario, form: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The scenario's native structure with the form's values, removals and new actor."""
    raw = scenario.model_dump(mode="json", exclude_none=True)
    pairs = [(k, v) for k, v in form if k not in ("csrf", "lang")]
    removed = {v for k, v in pairs if k == "remove"}
    new = {k.removeprefix(NEW + "."): v for k, v in pairs if k.startswith(NEW + ".")}
    for key, text in pairs:
        if key != "remove" and not key.startswith(NEW + "."):
            put(raw, key, text)
    if any(text.strip() for key, text in new.items() if not key.startswith("stances[")):
        actor_id = new.get("id", "").strip()
        holder = {"actors": [{"id": actor_id, "name": {}, "stances": {}}]}
        for key, text in new.items():
            if key != "id":
                put(holder, f"actors[{actor_id}].{key}", text)
        raw["actors"].append(holder["actors"][0])
    raw["actors"] = [a for a in raw["actors"] if a.get("id") not in removed]
    return raw


def check_edit(
    scenario: Scenario, form: Iterable[tuple[str, str]]
) -> tuple[Scenario | None, list[Problem]]:
    """The edited scenario, or the problems with it, each ``field`` an input's name."""
    pairs = list(form)
    raw = apply_edits(scenario, pairs)
    new_id = next((v.strip() for k, v in pairs if k == f"{NEW}.id"), "")
    taken = {a.id for a in scenario.actors}
    try:
        return validate(raw, "edit", lambda loc: ""), []
    except ScenarioFileError as exc:
        problems = []
        for p in exc.problems:
            field = p.field
            if new_id in taken and "duplicate actor id" in p.message:
                # the actor added under an id already taken, not the actor that holds it
                field = f"{NEW}.id"
            for prefix in (f"actors[{new_id}]", "actors[]"):
                if field.startswith(prefix + ".") and new_id not in taken:
                    field = NEW + field[len(prefix) :]
                    break
            if field in (f"actors[{new_id}]", "actors[]"):
                field = f"{NEW}.id"
            problems.append(Problem(p.file, p.where, field, p.message))
        return None, problems
