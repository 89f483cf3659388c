"""Model forms built from the registry: one input per parameter of a model's ``run``."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin, get_type_hints

from tawazun.cli._common import UsageProblem, coerce
from tawazun.errors import InvalidArgument
from tawazun.models import ModelSpec


@dataclass(frozen=True)
class Field:
    """One input: ``kind`` is ``number``, ``integer``, ``boolean``, ``choice`` or ``text``."""

    name: str
    kind: str
    default: Any
    choices: tuple[Any, ...] = ()

    @property
    def shown_default(self) -> str:
        if self.default is inspect.Parameter.empty or self.default is None:
            return ""
        if isinstance(self.default, bool):
            return "true" if self.default else "false"
        return str(self.default)


def _hints(spec: ModelSpec) -> dict[str, Any]:
    try:
        return get_type_hints(spec.run)
    except NameError:
        return {}


def _kind(hint: Any) -> tuple[str, tuple[Any, ...]]:
    args = [a for a in get_args(hint) if a is not type(None)]
    if get_origin(hint) is not None and get_origin(hint) is not Literal and len(args) == 1:
        hint = args[0]
    if get_origin(hint) is Literal:
        return "choice", get_args(hint)
    if hint is bool:
        return "boolean", (True, False)
    if hint is int:
        return "integer", ()
    if hint is float:
        return "number", ()
    return "text", ()


def fields(spec: ModelSpec) -> list[Field]:
    """The model's parameters with their defaults, in ``run``'s order."""
    hints = _hints(spec)
    out = []
    for name, default in spec.defaults.items():
        kind, choices = _kind(hints.get(name, Any))
        out.append(Field(name, kind, default, choices))
    return out


def parameters_from_form(spec: ModelSpec, form: dict[str, str], prefix: str) -> dict:
    """The parameters a form sets (inputs named ``PREFIX`` + parameter): inputs left blank
    or at their default are left out."""
    hints = _hints(spec)
    parameters: dict[str, Any] = {}
    for field in fields(spec):
        text = form.get(prefix + field.name, "").strip()
        if text == "" or text == field.shown_default:
            continue
        try:
            parameters[field.name] = coerce(field.name, text, hints.get(field.name, Any))
        except UsageProblem as exc:
            raise InvalidArgument(spec.name, field.name, str(exc)) from None
    return parameters
