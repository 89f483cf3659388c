"""A YAML loader that reads what the analyst wrote, and nothing that can blow up.

PyYAML's safe loader follows YAML 1.1, where ``062`` is 50 (octal), ``1:10`` is 70
(sexagesimal) and ``yes``/``off`` are booleans, and where aliases let a 1 KB file expand to
gigabytes ("billion laughs"). This loader

- resolves plain scalars by the YAML 1.2 core schema: ``true``/``false``, ``null``/``~``,
  decimal integers (``062`` is 62), ``0o`` octal, ``0x`` hexadecimal and decimal floats;
  everything else (``yes``, ``1:10``, ``5_0``, dates) stays text, for the scenario's own
  validation to read or refuse;
- refuses aliases (``*name``) and merge keys, so the document is as large as the file;
- refuses nesting deeper than ``limits.value("depth")`` (instead of a RecursionError);
- collects every duplicate key of every mapping, each with the lines of both copies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.resolver import BaseResolver

from tawazun import limits
from tawazun.i18n import _

__all__ = ["Duplicate", "Loader", "YAMLError", "load"]

YAMLError = yaml.YAMLError

#: Integers longer than this stay text: Python refuses to parse integers of over 4300 digits,
#: and no scenario needs a number that long; the scenario's validation reports them.
_LONGEST_INTEGER = 400


class Resolver(BaseResolver):
    """Plain scalars resolved by the YAML 1.2 core schema (no 1.1 timestamps or merges)."""


Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


@dataclass(frozen=True)
class Duplicate:
    """A key given twice in one mapping: its text and the lines (1-based) of both copies."""

    key: str
    first: int
    second: int


class Constructor(SafeConstructor):
    """Core-schema scalars; duplicate keys recorded rather than silently overwritten."""

    def __init__(self) -> None:
        super().__init__()
        self.duplicates: list[Duplicate] = []

    def construct_yaml_bool(self, node: yaml.ScalarNode) -> bool:
        return str(self.construct_scalar(node)).lower() == "true"

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int | str:
        text = str(self.construct_scalar(node))
        if len(text) > _LONGEST_INTEGER:
            return text
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float | str:
        text = str(self.construct_scalar(node))
        lowered = text.lower().lstrip("+")
        if lowered in (".inf", "-.inf", ".nan"):
            return float(lowered.replace(".", ""))
        value = float(text)
        # an overflowing literal (1e400) stays text, for validation to name it
        return text if value in (float("inf"), float("-inf")) else value

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=deep)
        mapping: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found an unhashable key",
                    key_node.start_mark,
                ) from None
            line = key_node.start_mark.line + 1
            if key in mapping:
                self.duplicates.append(Duplicate(str(key), first_line[key], line))
                continue
            first_line[key] = line
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


for _tag, _method in (
    ("bool", Constructor.construct_yaml_bool),
    ("int", Constructor.construct_yaml_int),
    ("float", Constructor.construct_yaml_float),
):
    Constructor.add_constructor(f"tag:yaml.org,2002:{_tag}", _method)


if yaml.__with_libyaml__:
    _Events = yaml.cyaml.CParser
else:  # pragma: no cover (PyYAML built without libyaml)

    class _Events(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
        """PyYAML's pure-Python reader, scanner and parser (the events of a stream)."""

        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)


class Loader(yaml.composer.Composer, _Events, Constructor, Resolver):
    """PyYAML's pipeline with the rules above: libyaml's parser where PyYAML was built with
    it (about seven times faster on the flagship), then PyYAML's own composer in Python, so
    that aliases, depth and duplicate keys are checked the same way on both parsers."""

    def __init__(self, stream: str) -> None:
        _Events.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        Constructor.__init__(self)
        Resolver.__init__(self)
        self._depth = 0
        self._max_depth = limits.value("depth")

    def compose_node(self, parent: Any, index: Any) -> yaml.Node:
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise ComposerError(
                None,
                None,
                _("aliases (*{name}) are not read; write the value out in full").format(
                    name=event.anchor
                ),
                event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > self._max_depth:
                raise ComposerError(
                    None,
                    None,
                    _("nested more than {depth} levels deep").format(depth=self._max_depth),
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load(text: str) -> tuple[Any, yaml.Node | None, list[Duplicate]]:
    """The document, its node tree (for line numbers) and the duplicate keys found in it.

    Raises
    ------
    yaml.YAMLError
        For malformed YAML, an alias, or nesting beyond the limit.
    """
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
        return data, node, loader.duplicates
    finally:
        loader.dispose()
