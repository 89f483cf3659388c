"""tawazun (توازن, "balance"): forecast how a negotiation settles, and explain why."""

from tawazun.io import ScenarioFileError, load, save
from tawazun.models import available as models
from tawazun.result import IssueForecast, Result
from tawazun.scenario import Actor, Issue, Scenario, Stance

__all__ = [
    "Actor",
    "Issue",
    "IssueForecast",
    "Result",
    "Scenario",
    "ScenarioFileError",
    "Stance",
    "load",
    "models",
    "save",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # tawazun.store without importing SQLAlchemy on every `import tawazun`
    if name == "store":
        import importlib

        return importlib.import_module("tawazun.store")
    raise AttributeError(f"module 'tawazun' has no attribute {name!r}")
