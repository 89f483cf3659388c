"""The errors tawazun raises on purpose: bad input, named by where it is.

Everything a user can get wrong (a file, a parameter, an option, a name) raises an
:class:`InputError` carrying one :class:`Problem` per thing wrong, each naming the file (or
the argument), the place in it and the field. Interfaces print the problems and exit with
status 2 (the command line) or answer 422 (the web API).

Any other exception, ``ValueError`` included, is a bug: it is never caught as bad input.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: ``FILE:WHERE: field: message``.

    For an argument rather than a file, ``file`` names the call or option group (for example
    ``simulate``) and ``where`` is empty.
    """

    file: str
    where: str
    field: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.where}" if self.where else self.file
        return f"{place}: {self.field}: {self.message}"


class InputError(Exception):
    """Input that tawazun refuses, with every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


class ScenarioFileError(InputError):
    """A file that cannot become a scenario."""


class InvalidArgument(InputError):
    """A parameter or option out of its range, refused before any work starts."""

    def __init__(self, call: str, name: str, message: str) -> None:
        super().__init__([Problem(call, "", name, message)])
