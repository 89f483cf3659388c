"""tawazun's native formats: YAML (the one analysts write) and JSON (the same structure).

The schema is documented in ``docs/format.md``. Errors name the line of the offending
value, found by walking the YAML node tree (JSON is read for lines the same way).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tawazun.io import FormatSpec
from tawazun.io._text import read_text
from tawazun.io.errors import Locator, fail, prefix_locator, validate
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


def line_locator(text: str) -> Locator:
    """Map paths of the document to the line where their value starts.

    The document is composed a second time, for its line numbers, only once a problem needs
    locating: valid files, nearly all of them, skip that cost.
    """

    @cache
    def located() -> Locator:
        lines: dict[Location, str] = {}
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            root = None
        if root is not None:
            _node_lines(root, (), lines)
        return prefix_locator(lines, default="1")

    return lambda loc: located()(loc)


def _without_version(raw: Any, path: Path) -> Any:
    if isinstance(raw, dict) and "tawazun" in raw:
        raw = dict(raw)
        version = raw.pop("tawazun")
        if version != SCHEMA_VERSION:
            raise fail(path, 1, "tawazun", f"schema version {version!r}; this tawazun reads 1")
    return raw


def read_yaml(path: Path) -> Scenario:
    text = read_text(path)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise fail(path, line, "yaml", f"malformed YAML: {problem}") from None
    return validate(_without_version(raw, path), path, line_locator(text))


def read_json(path: Path) -> Scenario:
    text = read_text(path)
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(path, exc.lineno, "json", f"malformed JSON: {exc.msg}") from None
    return validate(_without_version(raw, path), path, line_locator(text))


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
        summary="tawazun's native scenario format (docs/format.md)",
    ),
    FormatSpec(
        name="json",
        extensions=(".json",),
        read=read_json,
        write=write_json,
        summary="the native structure as JSON",
    ),
]
