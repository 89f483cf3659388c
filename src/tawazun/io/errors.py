"""Problems in input files, each named by file, line or row, and field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tawazun.errors import Problem, ScenarioFileError
from tawazun.i18n import N_, _, language, ngettext
from tawazun.scenario import Location, Scenario, SemanticError, shorten

__all__ = ["Locator", "Problem", "ScenarioFileError", "fail", "prefix_locator", "validate"]


def fail(file: str | Path, where: str | int, field: str, message: str) -> ScenarioFileError:
    """A :class:`ScenarioFileError` with a single problem, ready to raise."""
    return ScenarioFileError([Problem(str(file), str(where), field, message)])


#: Maps a path in the scenario's native structure to where it is in the file.
Locator = Callable[[Location], str]


def field_name(loc: Location, raw: Any) -> str:
    """A readable name for a path: list items are named by their ``id`` where they have one.

    ``('actors', 2, 'stances', 'us', 'position')`` becomes ``actors[usa].stances[us].position``.
    """
    parts: list[str] = []
    node = raw
    for key in loc:
        if isinstance(key, int):
            label = str(key + 1)
            if isinstance(node, list) and 0 <= key < len(node):
                node = node[key]
                if isinstance(node, Mapping) and isinstance(node.get("id"), str):
                    label = node["id"]
            else:
                node = None
            parts[-1:] = [f"{parts[-1] if parts else ''}[{label}]"]
            continue
        if parts and parts[-1] == "stances" and isinstance(key, str):
            parts[-1] = f"stances[{key}]"
        else:
            parts.append(str(key))
        node = node.get(key) if isinstance(node, Mapping) else None
    return ".".join(parts) or "scenario"


#: Pydantic's messages for the errors a scenario meets, in the catalog: their English is
#: pydantic's own text, so that a problem reads as before in English and in the user's
#: language otherwise. A type not listed keeps pydantic's English.
PYDANTIC_MESSAGES = {
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "greater_than": N_("Input should be greater than {gt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "less_than": N_("Input should be less than {lt}"),
    "float_type": N_("Input should be a valid number"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "finite_number": N_("Input should be a finite number"),
    "string_type": N_("Input should be a valid string"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "literal_error": N_("Input should be {expected}"),
    "dict_type": N_("Input should be a valid dictionary"),
    "model_type": N_("Input should be a valid dictionary or instance of {class_name}"),
    "list_type": N_("Input should be a valid list"),
}


def _pydantic_text(error: Mapping[str, Any]) -> str:
    """The error's message in the current language; in English, and for a type the catalog
    does not list, pydantic's own words."""
    english = str(error["msg"]).removeprefix("Value error, ")
    if language() == "en":
        return english
    context = {
        # pydantic shows a whole bound without its ".0"
        name: f"{value:g}" if isinstance(value, float) else value
        for name, value in (error.get("ctx") or {}).items()
    }
    if error["type"] == "string_too_short":
        return ngettext(
            "String should have at least {min_length} character",
            "String should have at least {min_length} characters",
            context["min_length"],
        ).format(**context)
    template = PYDANTIC_MESSAGES.get(error["type"])
    return english if template is None else _(template).format(**context)


def _pydantic_message(error: Mapping[str, Any]) -> str:
    message = _pydantic_text(error)
    if error["type"] == "missing":
        return _("required, but missing")
    if error["type"] == "extra_forbidden":
        return _("unknown field (check its spelling against the schema in docs/format.md)")
    if "input" in error and not isinstance(error["input"], dict | list):
        given = error["input"]
        shown = repr(shorten(given)) if isinstance(given, str) else repr(given)
        if isinstance(given, int) and given.bit_length() > 128:
            shown = _("an integer of {digits} digits").format(digits=len(str(given)))
        message = _("{message} (got {shown})").format(message=message, shown=shown)
    return message


def validate(raw: Any, file: str | Path, locate: Locator) -> Scenario:
    """Build a scenario from its native structure, or raise with every problem located."""
    file = str(file)
    if not isinstance(raw, Mapping):
        raise fail(file, 1, "scenario", _("the file must hold a mapping of scenario fields"))
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        problems = [
            Problem(
                file,
                locate(tuple(e["loc"])),
                field_name(tuple(e["loc"]), raw),
                _pydantic_message(e),
            )
            for e in exc.errors()
        ]
    except SemanticError as exc:
        problems = [
            Problem(file, locate(loc), field_name(loc, raw), message)
            for loc, message in exc.problems
        ]
    raise ScenarioFileError(problems)


def prefix_locator(locations: Mapping[Location, str], default: str = "-") -> Locator:
    """A locator from known paths: a path is located where its longest known prefix is."""

    def locate(loc: Location) -> str:
        for end in range(len(loc), -1, -1):
            where = locations.get(tuple(loc[:end]))
            if where is not None:
                return where
        return default

    return locate


def draft_warnings(scenario: Scenario, file: str | Path) -> list[Problem]:
    """The values of ``scenario`` (read from ``file``) still marked draft, located.

    Lines are found for the native formats; other formats name the field only.
    """
    drafts = list(scenario.drafts())
    if not drafts:
        return []
    path = Path(file)
    locate: Locator = lambda loc: ""  # noqa: E731
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        from tawazun.io.native import text_locator

        locate = text_locator(path.read_text(encoding="utf-8-sig"))
    raw = scenario.model_dump(mode="json")
    return [Problem(str(file), locate(loc), field_name(loc, raw), msg) for loc, msg in drafts]
