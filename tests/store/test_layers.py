"""The store is a layer above the science: models, analysis and validation never import it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tawazun

PACKAGE = Path(tawazun.__file__).parent
BELOW = ["models", "analysis", "validation", "arrays.py", "scenario.py", "result.py"]


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


@pytest.mark.parametrize("part", BELOW)
def test_the_layers_below_never_import_the_store(part: str) -> None:
    root = PACKAGE / part
    files = sorted(root.rglob("*.py")) if root.is_dir() else [root] if root.exists() else []
    for path in files:
        store_imports = {name for name in _imports(path) if name.startswith("tawazun.store")}
        assert not store_imports, f"{path.relative_to(PACKAGE)} imports {store_imports}"
