"""Analyses on top of any model: uncertainty, pivotal actors, shocks, what would it take.

One module per analysis (:mod:`~tawazun.analysis.simulate`, :mod:`~tawazun.analysis.pivotal`,
:mod:`~tawazun.analysis.shocks`, :mod:`~tawazun.analysis.whatif`); see ``docs/analysis.md``.
Back-testing against recorded outcomes is :mod:`tawazun.validation`'s.
"""
