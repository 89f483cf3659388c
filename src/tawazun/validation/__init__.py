"""Forecasts scored against what really happened: the DEU III cases, capability schemes and
the back-test (see ``docs/validation.md``).

* :mod:`~tawazun.validation.deu`: DEU III read into one back-test case per proposal;
* :mod:`~tawazun.validation.capabilities`: the capability schemes the cases can use;
* :mod:`~tawazun.validation.backtest`: every model and naive baseline scored out of sample,
  with cluster-bootstrap intervals.
"""
