"""Analyses on top of any model: back-testing against recorded outcomes, uncertainty,
pivotal actors, shocks, what would it take.

One module per analysis (:mod:`~tawazun.analysis.backtest`,
:mod:`~tawazun.analysis.simulate`, :mod:`~tawazun.analysis.pivotal`,
:mod:`~tawazun.analysis.shocks`, :mod:`~tawazun.analysis.whatif`); see
``docs/validation.md`` and ``docs/analysis.md``.
"""
