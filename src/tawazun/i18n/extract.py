"""A Babel extractor for the command line: its marked messages, and its commands' docstrings.

A command's docstring is its help (Typer shows it), so it is a message of the catalog too;
``babel.cfg`` maps ``src/tawazun/cli/`` to :func:`python_and_commands`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import IO, Any

from babel.messages.extract import extract_python


def _is_command(decorator: ast.expr) -> bool:
    """``@app.command(...)`` or ``@something.command``."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr in ("command", "callback")


def python_and_commands(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel's Python extraction, then the docstring of every function decorated as a command."""
    yield from extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    tree = ast.parse(fileobj.read().decode(options.get("encoding", "utf-8")))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
            _is_command(d) for d in node.decorator_list
        ):
            docstring = ast.get_docstring(node)
            if docstring:
                yield node.lineno, "_", docstring, []  # as if marked with _()
