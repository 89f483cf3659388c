"""Pydantic's problems in a scenario file, in the user's language: pydantic's own English
text in English, the catalog's Arabic in Arabic, for every error type the catalog lists."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from tawazun.i18n import using
from tawazun.io.errors import PYDANTIC_MESSAGES, _pydantic_text

ARABIC = re.compile("[\u0600-\u06ff]")


class _Fields(BaseModel):
    name: str


#: A type and a value that pydantic refuses with each error type.
REFUSED: dict[str, tuple[Any, Any]] = {
    "greater_than_equal": (Annotated[float, Field(ge=0)], -3),
    "greater_than": (Annotated[float, Field(gt=0)], 0),
    "less_than_equal": (Annotated[float, Field(le=1)], 5),
    "less_than": (Annotated[float, Field(lt=1)], 1),
    "float_type": (float, [1]),
    "float_parsing": (float, "abc"),
    "int_type": (int, [1]),
    "int_parsing": (int, "abc"),
    "int_from_float": (int, 1.5),
    "finite_number": (Annotated[float, Field(allow_inf_nan=False)], float("inf")),
    "string_type": (str, 5),
    "bool_type": (bool, [1]),
    "bool_parsing": (bool, "perhaps"),
    "literal_error": (Literal["uniform", "normal"], "weird"),
    "dict_type": (dict[str, int], 5),
    "model_type": (_Fields, 5),
    "list_type": (list[int], 5),
    "string_too_short": (Annotated[str, Field(min_length=1)], ""),
}


def _error(kind: str) -> dict[str, Any]:
    annotation, value = REFUSED[kind]
    with pytest.raises(ValidationError) as refused:
        TypeAdapter(annotation).validate_python(value)
    [error] = refused.value.errors()
    assert error["type"] == kind
    return error


def test_every_listed_type_has_a_refused_example() -> None:
    assert set(PYDANTIC_MESSAGES) | {"string_too_short"} == set(REFUSED)


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_the_english_is_pydantics_and_the_arabic_is_the_catalogs(kind: str) -> None:
    error = _error(kind)
    with using("en"):
        assert _pydantic_text(error) == error["msg"]
    with using("ar"):
        arabic = _pydantic_text(error)
    assert ARABIC.search(arabic) and "Input should" not in arabic and "String should" not in arabic
