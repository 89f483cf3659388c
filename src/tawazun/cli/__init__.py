"""The ``tawazun`` command line: one Typer app; each module of this package adds its commands.

A new command group is a module here, imported below in the order ``tawazun --help`` lists
them, and nothing else changes.
"""

from tawazun.cli._common import app

# isort: off
from tawazun.cli import (  # noqa: F401  (they register commands)
    scenarios,
    analysis,
    backtest,
    runs,
    report,
    draft,
    serve,
)
# isort: on

__all__ = ["app"]
