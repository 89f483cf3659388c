"""The documents' JSON text: the standard library's indented text, byte for byte."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import tawazun
from tawazun.jsontext import document_text

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**80), 2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=8), children, max_size=5),
    ),
    max_leaves=40,
)


def _standard(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


@settings(max_examples=400)
@given(documents)
def test_the_text_is_the_standard_librarys(document: Any) -> None:
    assert document_text(document) == _standard(document)


def test_values_the_walk_leaves_alone_get_the_standard_text() -> None:
    # NumPy numbers, keys that are not text: written by the standard encoder as before
    for document in (
        {"x": [np.float64(0.1), 2.5]},
        {"x": {1: "a", "b": 2}},
        [{"k": [[], {}, [1e-05, 1e16, float("nan")]]}],
    ):
        assert document_text(document) == _standard(document)


def test_a_long_trajectory_is_written_as_the_command_prints_it() -> None:
    scenario = tawazun.load("iraq-2024")
    document = scenario.forecast("median").to_dict()
    rounds = [{"round": k, "positions": {f"a{i}": i / 7 for i in range(300)}} for k in range(4)]
    document["issues"][0]["trajectory"] = rounds
    assert document_text(document) == _standard(document)
