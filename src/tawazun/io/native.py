"""tawazun's native formats: YAML (the one analysts write) and JSON (the same structure).

The schema is documented in ``docs/format.md``. Errors name the line of the offending
value, found by walking the YAML node tree (JSON is read for lines the same way).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tawazun import limits
from tawazun.i18n import N_, _
from tawazun.io import FormatSpec, _yaml
from tawazun.io._text import read_text
from tawazun.io.errors import Locator, Problem, ScenarioFileError, fail, prefix_locator, validate
from tawazun.scenario import Location, Scenario

SCHEMA_VERSION = 1


def _node_lines(node: yaml.Node, prefix: Location, out: dict[Location, str]) -> None:
    out[prefix] = str(node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out[(*prefix, key.value)] = str(key.start_mark.line + 1)
            _node_lines(value, (*prefix, key.value), out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _node_lines(item, (*prefix, index), out)


def node_locator(root: yaml.Node | None) -> Locator:
    """Map paths of the document to the line where their value starts.

    The map is built only once a problem needs locating: valid files, nearly all of them,
    skip that cost.
    """

    @cache
    def located() -> Locator:
        lines: dict[Location, str] = {}
        if root is not None:
            _node_lines(root, (), lines)
        return prefix_locator(lines, default="1")

    return lambda loc: located()(loc)


def text_locator(text: str) -> Locator:
    """Where each path of a YAML or JSON text starts, for problems found after reading it
    (the values a draft still marks, a gazetteer's fields)."""
    try:
        root = _yaml.load(text)[1]
    except yaml.YAMLError:
        root = None
    return node_locator(root)


def _duplicate_problems(path: Path, duplicates: list[_yaml.Duplicate]) -> list[Problem]:
    return [
        Problem(
            str(path),
            str(d.second),
            d.key,
            _("duplicate key {key!r}: also on line {first}; give it once").format(
                key=d.key, first=d.first
            ),
        )
        for d in duplicates
    ]


def _yaml_problem(path: Path, exc: yaml.YAMLError, what: str) -> ScenarioFileError:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else 1
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return fail(
        path,
        line,
        what.lower(),
        _("malformed {what}: {problem}").format(what=what, problem=problem),
    )


def _without_version(raw: Any, path: Path) -> Any:
    if isinstance(raw, dict) and "tawazun" in raw:
        raw = dict(raw)
        version = raw.pop("tawazun")
        if version != SCHEMA_VERSION:
            raise fail(
                path,
                1,
                "tawazun",
                _("schema version {version}; this tawazun reads 1").format(version=repr(version)),
            )
    return raw


def read_yaml(path: Path) -> Scenario:
    text = read_text(path)
    try:
        raw, root, duplicates = _yaml.load(text)
    except yaml.YAMLError as exc:
        raise _yaml_problem(path, exc, "YAML") from None
    return _validated(raw, path, root, _duplicate_problems(path, duplicates))


def _validated(raw: Any, path: Path, root: yaml.Node | None, problems: list[Problem]) -> Scenario:
    """The scenario, or every problem: the file's own (``problems``) and the scenario's."""
    try:
        scenario = validate(_without_version(raw, path), path, node_locator(root))
    except ScenarioFileError as exc:
        problems = problems + exc.problems
    if problems:
        raise ScenarioFileError(problems)
    return scenario


def _json_depth(text: str) -> int:
    """How deeply the document nests, counted without parsing (strings left out)."""
    depth = deepest = 0
    for bracket in re.finditer(r'"(?:[^"\\]|\\.)*"|([\[{])|([\]}])', text):
        if bracket.group(1):
            depth += 1
            deepest = max(deepest, depth)
        elif bracket.group(2):
            depth -= 1
    return deepest


def read_json(path: Path) -> Scenario:
    text = read_text(path)
    deepest, limit = _json_depth(text), limits.value("depth")
    if deepest > limit:
        raise fail(path, 1, "json", _("nested more than {depth} levels deep").format(depth=limit))
    duplicated: list[str] = []

    def mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                duplicated.append(key)
            out.setdefault(key, value)
        return out

    try:
        raw = json.loads(
            text,
            object_pairs_hook=mapping,
            parse_constant=_refuse_constant,
            # an integer too long for Python stays text, for validation to name with its line
            parse_int=lambda digits: int(digits) if len(digits) <= 400 else digits,
        )
    except json.JSONDecodeError as exc:
        raise fail(
            path, exc.lineno, "json", _("malformed JSON: {reason}").format(reason=exc.msg)
        ) from None
    except ValueError as exc:  # a 5000-digit integer, or NaN/Infinity
        raise fail(path, 1, "json", _("malformed JSON: {reason}").format(reason=exc)) from None
    try:
        # JSON is YAML 1.2: the YAML pass gives the lines of values and of duplicate keys
        root, duplicates = _yaml.load(text)[1:]
    except yaml.YAMLError:
        root, duplicates = None, []
    problems = []
    if duplicated:
        problems = _duplicate_problems(path, duplicates) or [
            Problem(str(path), "-", key, _("duplicate key {key!r}; give it once").format(key=key))
            for key in duplicated
        ]
    return _validated(raw, path, root, problems)


def _refuse_constant(name: str) -> Any:
    raise ValueError(_("{name} is not a number JSON allows").format(name=name))


def _sourced(value: Any, evidence: dict[str, Any], name: str) -> Any:
    """Write a number with its evidence inline, as analysts read it."""
    if name in evidence:
        return {"value": value, **evidence.pop(name)}
    return value


def to_native(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data in the native layout, with evidence next to its number."""
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    data["metadata"] = scenario.metadata.model_dump(mode="json", exclude_defaults=True)
    for actor in data["actors"]:
        evidence = actor.pop("evidence", {})
        actor["capability"] = _sourced(actor["capability"], evidence, "capability")
        if evidence:
            actor["evidence"] = evidence
        for stance in actor.get("stances", {}).values():
            s_evidence = stance.pop("evidence", {})
            for name in ("position", "salience", "risk"):
                if name in stance:
                    stance[name] = _sourced(stance[name], s_evidence, name)
            if s_evidence:
                stance["evidence"] = s_evidence
    return {"tawazun": SCHEMA_VERSION, **data}


def write_yaml(scenario: Scenario, path: Path) -> None:
    text = yaml.safe_dump(to_native(scenario), allow_unicode=True, sort_keys=False, width=100)
    path.write_text(text, encoding="utf-8")


def write_json(scenario: Scenario, path: Path) -> None:
    text = json.dumps(to_native(scenario), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")


FORMATS = [
    FormatSpec(
        name="yaml",
        extensions=(".yaml", ".yml"),
        read=read_yaml,
        write=write_yaml,
        summary=N_("tawazun's native scenario format (docs/format.md)"),
    ),
    FormatSpec(
        name="json",
        extensions=(".json",),
        read=read_json,
        write=write_json,
        summary=N_("the native structure as JSON"),
    ),
]
