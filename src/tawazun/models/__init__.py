"""Forecasting models.

Every model is one module of this package that defines ``MODEL``, a :class:`ModelSpec`
whose ``run`` takes a :class:`~tawazun.arrays.ScenarioArrays` (and keyword parameters) and
returns a :class:`~tawazun.result.Result`; a model that can forecast many variants at once
also gives ``batch``. Models never see the pydantic scenario. Modules are found by name, so
adding a model is adding its module and nothing else.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from tawazun.i18n import _
from tawazun.scenario import UnknownName

if TYPE_CHECKING:
    import numpy as np

    from tawazun.result import IssueForecast, Result


@dataclass(frozen=True)
class Resume:
    """How an iterative model's run stops after ``k`` rounds and resumes.

    Running ``k`` rounds, setting every actor's position to where they left it, and running
    the rounds left with the parameters ``carry(first_result)`` adds, gives the same result
    as one uninterrupted run.

    Attributes
    ----------
    rounds : str
        The parameter that fixes the number of rounds.
    carry : callable
        ``carry(result) -> dict``: parameters that keep what a run fixes at its start
        (for example a normalising distance) in its continuation.
    """

    rounds: str
    carry: Callable[[Result], dict[str, Any]]


@dataclass(frozen=True)
class ModelSpec:
    """What the registry knows of a model.

    Attributes
    ----------
    name : str
        The name users pass to ``--model``.
    summary : str
        One line for ``tawazun models``.
    run : callable
        ``run(arrays, **parameters) -> Result``: the forecast of one scenario's
        :class:`~tawazun.arrays.ScenarioArrays` (no batch axis), with the model's
        trajectory and explanation. Input the model cannot forecast raises
        :class:`~tawazun.errors.InvalidArgument`.
    batch : callable or None
        The batched form, if the model has one: ``batch(arrays, seeds=None, **parameters)
        -> ndarray (b, m)``, the forecasts of every variant of a batch of arrays (leading
        axis ``b``), the same doubles as ``run`` gives variant by variant; NaN where a
        variant cannot be forecast. ``seeds``, for a model with a ``seed`` parameter, sets
        it variant by variant. It takes every parameter ``run`` takes.
    iterative : bool
        Whether results carry a round-by-round trajectory.
    reference : str
        The publication or program the model follows.
    explain : callable or None
        ``explain(issue_forecast, names) -> list of str``: sentences for the table output
        saying what happened on the issue (who moved toward whom, which trades moved it...);
        ``names`` maps actor ids to the names to print.
    resume : Resume or None
        For iterative models that can be stopped after some rounds and resumed (see
        :class:`Resume`); analyses use it to change a scenario from a given round on.
    bulk : mapping of str to value
        Parameters that make a run cheaper by leaving out detail that only explains it
        (never changing a forecast); analyses that read nothing but forecasts, over many
        runs, add them unless the user set those parameters.
    resolution : float
        The finest share of an issue's scale the model's forecasts are reproducible to when
        only the order of the actors changes: 0 for models whose arithmetic does not depend
        on it beyond rounding error; KTAB's SMP rounds bargains to 4 decimals of the 0-1
        scale and sums in actor order, so its forecasts move by up to about that step.
    tuned : mapping of str to tuple of float
        Parameters whose defaults were fitted on outcome data (DEU III), each with the grid
        of values it was fitted over; ``tawazun backtest`` re-fits them by cross-validation
        so that the model is scored only on proposals it was not fitted on.
    issue_by_issue : bool
        Whether each issue's forecast depends on that issue's column of the arrays alone
        (the model plays every issue's table apart from the others), so that an analysis of
        one issue may run the model on that column only (:meth:`ScenarioArrays.columns`),
        with the same doubles.
    """

    name: str
    summary: str
    run: Callable[..., Result]
    batch: Callable[..., np.ndarray] | None = None
    iterative: bool = False
    reference: str = ""
    explain: Callable[[IssueForecast, Mapping[str, str]], list[str]] | None = None
    resume: Resume | None = None
    bulk: Mapping[str, Any] = field(default_factory=dict)
    resolution: float = 0.0
    tuned: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    issue_by_issue: bool = False

    @cached_property
    def defaults(self) -> dict[str, Any]:
        """``run``'s named parameters after the arrays, each with its default.

        A parameter without a default has ``inspect.Parameter.empty``.
        """
        named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        after_arrays = list(inspect.signature(self.run).parameters.values())[1:]
        return {p.name: p.default for p in after_arrays if p.kind in named}


@cache
def _registry() -> dict[str, ModelSpec]:
    specs: dict[str, ModelSpec] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        spec = getattr(module, "MODEL", None)
        if isinstance(spec, ModelSpec):
            specs[spec.name] = spec
    return dict(sorted(specs.items()))


def available() -> dict[str, ModelSpec]:
    """All models by name."""
    return dict(_registry())


def get_model(name: str) -> ModelSpec:
    """The model called ``name``; an ``UnknownName`` (a ``KeyError``) lists the names there
    are.

    A model usually lives in the module of its name, which alone is imported then: a
    command running one model does not pay for importing the others (Numba, for one).
    """
    if name.isidentifier() and not name.startswith("_"):
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
        else:
            spec = getattr(module, "MODEL", None)
            if isinstance(spec, ModelSpec) and spec.name == name:
                return spec
    try:
        return _registry()[name]
    except KeyError:
        raise UnknownName(
            _("no model {name}; models are {models}").format(
                name=repr(name), models=", ".join(_registry())
            )
        ) from None
